/**
 * Random small clusters and random action sequences for the invariant properties (issue 8, part 2), as plain data:
 * fast-check generates and shrinks them, `renderManifests` turns a cluster into manifest files and `commandFor` an
 * action into the kubectl-style command a `kubedeck run` scenario runs, so every failure replays from a file.
 */
import fc from 'fast-check';

export const WORKERS = ['kubedeck-worker', 'kubedeck-worker2', 'kubedeck-worker3', 'kubedeck-worker4'];

export type IntOrPercent = number | `${number}%`;

export interface DeploymentSpec {
  replicas: number;
  strategy: { type: 'RollingUpdate'; maxSurge: IntOrPercent; maxUnavailable: IntOrPercent } | { type: 'Recreate' };
  minReadySeconds: number;
  /** Readiness starts failing after this long (`kubedeck.dev/readiness-fails-after`), and recovers later. */
  flaky: boolean;
}

export interface ClusterSpec {
  seed: number;
  workers: number;
  deployments: DeploymentSpec[];
  statefulSet: { replicas: number; parallel: boolean } | null;
  daemonSet: { maxSurge: number } | null;
  job: { completions: number; parallelism: number; crashes: boolean } | null;
}

export type Target = { kind: 'deployment'; index: number } | { kind: 'statefulset' } | { kind: 'daemonset' };

export type Edit = 'image' | 'broken-image' | 'replicas' | 'readiness-fails' | 'crash' | 'probe-removed';

export type Action =
  | { do: 'scale'; target: Target; replicas: number }
  | { do: 'setImage'; target: Target; version: number; broken: boolean }
  | { do: 'undo'; target: Target }
  | { do: 'pause' | 'resume' | 'restart'; deployment: number }
  | { do: 'cordon' | 'uncordon' | 'drain' | 'fail' | 'recover'; node: number }
  | { do: 'deletePod'; pick: number }
  | { do: 'deleteWorkload'; target: Target | { kind: 'job' } }
  | { do: 'edit'; deployment: number; edit: Edit; replicas: number };

/** An action `after` simulated seconds after the previous one. */
export interface Step {
  after: number;
  action: Action;
}

const intOrPercent: fc.Arbitrary<IntOrPercent> = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('0%', '25%', '50%', '100%') as fc.Arbitrary<IntOrPercent>);

const deploymentArb: fc.Arbitrary<DeploymentSpec> = fc.record({
  replicas: fc.integer({ min: 0, max: 6 }),
  strategy: fc.oneof(
    { weight: 4, arbitrary: fc.record({ type: fc.constant('RollingUpdate' as const), maxSurge: intOrPercent, maxUnavailable: intOrPercent }) },
    { weight: 1, arbitrary: fc.constant({ type: 'Recreate' as const }) },
  ).filter((s) => s.type === 'Recreate' || !(isZero(s.maxSurge) && isZero(s.maxUnavailable))),
  minReadySeconds: fc.constantFrom(0, 0, 5),
  flaky: fc.boolean(),
});

function isZero(v: IntOrPercent): boolean {
  return v === 0 || v === '0%';
}

export const clusterArb: fc.Arbitrary<ClusterSpec> = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  workers: fc.integer({ min: 2, max: 4 }),
  deployments: fc.array(deploymentArb, { minLength: 1, maxLength: 3 }),
  statefulSet: fc.option(fc.record({ replicas: fc.integer({ min: 0, max: 4 }), parallel: fc.boolean() }), { nil: null }),
  daemonSet: fc.option(fc.record({ maxSurge: fc.constantFrom(0, 0, 1) }), { nil: null }),
  job: fc.option(fc.record({ completions: fc.integer({ min: 1, max: 6 }), parallelism: fc.integer({ min: 1, max: 3 }), crashes: fc.boolean() }), { nil: null }),
});

const targetArb: fc.Arbitrary<Target> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('deployment' as const), index: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'statefulset' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'daemonset' as const }) },
);

export const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ do: fc.constant('scale' as const), target: targetArb, replicas: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 4, arbitrary: fc.record({ do: fc.constant('setImage' as const), target: targetArb, version: fc.integer({ min: 1, max: 4 }), broken: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ do: fc.constant('undo' as const), target: targetArb }) },
  { weight: 2, arbitrary: fc.record({ do: fc.constantFrom('pause' as const, 'resume' as const, 'restart' as const), deployment: fc.nat(2) }) },
  { weight: 3, arbitrary: fc.record({ do: fc.constantFrom('cordon' as const, 'uncordon' as const, 'drain' as const, 'fail' as const, 'recover' as const), node: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ do: fc.constant('deletePod' as const), pick: fc.nat(50) }) },
  { weight: 1, arbitrary: fc.record({ do: fc.constant('deleteWorkload' as const), target: fc.oneof(targetArb, fc.constant({ kind: 'job' as const })) }) },
  { weight: 3, arbitrary: fc.record({ do: fc.constant('edit' as const), deployment: fc.nat(2), edit: fc.constantFrom<Edit>('image', 'broken-image', 'replicas', 'readiness-fails', 'crash', 'probe-removed'), replicas: fc.integer({ min: 0, max: 7 }) }) },
);

export const stepsArb = (maxLength: number): fc.Arbitrary<Step[]> =>
  fc.array(fc.record({ after: fc.constantFrom(0, 1, 5, 10, 20, 30, 45, 60, 120, 300), action: actionArb }), { minLength: Math.min(3, maxLength), maxLength });

// ---------- manifests ----------

const q = (v: IntOrPercent) => (typeof v === 'number' ? String(v) : `"${v}"`);

export function deploymentName(i: number): string {
  return `web-${i}`;
}

/** A Deployment's manifest: nginx with an HTTP readiness probe, optionally flaky, as of an edit. */
export function deploymentYaml(i: number, d: DeploymentSpec, edit?: { edit: Edit; replicas: number; n: number }): string {
  const name = deploymentName(i);
  const strategy = d.strategy.type === 'Recreate'
    ? '  strategy:\n    type: Recreate\n'
    : `  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: ${q(d.strategy.maxSurge)}\n      maxUnavailable: ${q(d.strategy.maxUnavailable)}\n`;
  const annotations: Record<string, string> = { 'kubedeck.dev/startup-time': '3s' };
  if (d.flaky || edit?.edit === 'readiness-fails') {
    annotations['kubedeck.dev/readiness-fails-after'] = '40s';
    annotations['kubedeck.dev/readiness-recovers-after'] = '100s';
  }
  if (edit?.edit === 'crash') annotations['kubedeck.dev/crash-after'] = '15s';
  const image = edit?.edit === 'image' ? `nginx:1.2${edit.n % 10}` : edit?.edit === 'broken-image' ? 'nginx:9.9-broken' : 'nginx:1.27';
  const replicas = edit?.edit === 'replicas' ? edit.replicas : d.replicas;
  const probe = edit?.edit === 'probe-removed' ? '' : '        readinessProbe:\n          httpGet: {path: /, port: 80}\n          periodSeconds: 2\n';
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  minReadySeconds: ${d.minReadySeconds}
${strategy}  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
      annotations:
${Object.entries(annotations).map(([k, v]) => `        ${k}: "${v}"`).join('\n')}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: app
        image: ${image}
        ports: [{containerPort: 80}]
${probe}`;
}

export function renderManifests(spec: ClusterSpec): Record<string, string> {
  const files: Record<string, string> = {};
  spec.deployments.forEach((d, i) => (files[`${deploymentName(i)}.yaml`] = deploymentYaml(i, d)));
  if (spec.statefulSet) {
    files['db.yaml'] = `apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 6379}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: ${spec.statefulSet.replicas}
  podManagementPolicy: ${spec.statefulSet.parallel ? 'Parallel' : 'OrderedReady'}
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
      annotations: {kubedeck.dev/startup-time: "2s"}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: redis
        image: redis:7.2
        ports: [{containerPort: 6379}]
        readinessProbe:
          tcpSocket: {port: 6379}
          periodSeconds: 2
`;
  }
  if (spec.daemonSet) {
    files['agent.yaml'] = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: ${spec.daemonSet.maxSurge}, maxUnavailable: ${spec.daemonSet.maxSurge > 0 ? 0 : 1}}
  template:
    metadata:
      labels: {app: agent}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: agent
        image: fluentd:v1.16
`;
  }
  if (spec.job) {
    files['batch.yaml'] = `apiVersion: batch/v1
kind: Job
metadata:
  name: batch
spec:
  completions: ${spec.job.completions}
  parallelism: ${spec.job.parallelism}
  backoffLimit: 4
  template:
    metadata:
      annotations: {kubedeck.dev/${spec.job.crashes ? 'crash-after' : 'exit-after'}: "20s"}
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 5
      containers:
      - name: work
        image: busybox:1.36
`;
  }
  return files;
}

// ---------- commands ----------

function targetRef(t: Target | { kind: 'job' }, spec: ClusterSpec): string | undefined {
  switch (t.kind) {
    case 'deployment':
      return `deployment/${deploymentName(t.index % spec.deployments.length)}`;
    case 'statefulset':
      return spec.statefulSet ? 'statefulset/db' : undefined;
    case 'daemonset':
      return spec.daemonSet ? 'daemonset/agent' : undefined;
    case 'job':
      return spec.job ? 'job/batch' : undefined;
  }
}

const containerOf = (ref: string) => (ref.startsWith('statefulset') ? 'redis' : ref.startsWith('daemonset') ? 'agent' : 'app');

/**
 * The command for an action, or undefined when it does not apply to this cluster. `podNames` are the pods that exist
 * now (for `delete pod`), `editFile` the file an edit writes (applied with `apply -f`).
 */
export function commandFor(action: Action, spec: ClusterSpec, podNames: readonly string[], editFile: string): string | undefined {
  const node = (n: number) => WORKERS[n % spec.workers]!;
  switch (action.do) {
    case 'scale': {
      const ref = targetRef(action.target, spec);
      return ref && !ref.startsWith('daemonset') ? `scale ${ref} --replicas=${action.replicas}` : undefined;
    }
    case 'setImage': {
      const ref = targetRef(action.target, spec);
      if (!ref) return undefined;
      const base = ref.startsWith('statefulset') ? 'redis:7.' : ref.startsWith('daemonset') ? 'fluentd:v1.1' : 'nginx:1.2';
      return `set image ${ref} ${containerOf(ref)}=${action.broken ? `${base}${action.version}-broken` : `${base}${action.version}`}`;
    }
    case 'undo': {
      const ref = targetRef(action.target, spec);
      return ref ? `rollout undo ${ref}` : undefined;
    }
    case 'pause':
    case 'resume':
    case 'restart':
      return `rollout ${action.do} ${targetRef({ kind: 'deployment', index: action.deployment }, spec)}`;
    case 'cordon':
    case 'uncordon':
      return `${action.do} ${node(action.node)}`;
    case 'drain':
      return `drain ${node(action.node)} --ignore-daemonsets --delete-emptydir-data --force --timeout=90s`;
    case 'fail':
    case 'recover':
      return `node ${action.do} ${node(action.node)}`;
    case 'deletePod':
      return podNames.length > 0 ? `delete pod ${podNames[action.pick % podNames.length]}` : undefined;
    case 'deleteWorkload': {
      const ref = targetRef(action.target, spec);
      return ref ? `delete ${ref}` : undefined;
    }
    case 'edit':
      return `apply -f ${editFile}`;
  }
}
