/** The benchmark cases. Each runs in a fresh process (see main.ts) so its peak memory is its own. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deployment, Node, Pod } from '../engine/api/types.js';
import { DEFAULT_START } from '../engine/clock.js';
import { createCluster, type Cluster } from '../engine/cluster.js';
import { defaultNodes } from '../engine/nodes.js';
import { installScheduler } from '../engine/scheduler/index.js';
import { createSimulatedCluster } from '../engine/simulation.js';
import { ManifestSync } from '../manifests/index.js';
import { measure, percentile, type Measurement } from './measure.js';
import { liveReload } from './liveReload.js';
import { tuiFrames100k, tuiFrames10k, tuiFrames150k, tuiFrames1k } from './tuiCases.js';
import { soak } from './soak.js';

export interface CaseOptions {
  quick: boolean;
}

export const CASES: Record<string, (o: CaseOptions) => Promise<Measurement>> = {
  'load-apply': loadAndApply,
  'list-selector': listWithSelector,
  'schedule': scheduleThroughput,
  'pods-running': podsToRunning,
  'deployment-1000': bigDeployment,
  'deployments-100x100': manyDeployments,
  'nodes-ready': nodesReady,
  'fleet-150k': fleet,
  'steady-state': steadyState,
  'soak': soak,
  'tui-1k': tuiFrames1k,
  'tui-10k': tuiFrames10k,
  'tui-100k': tuiFrames100k,
  'tui-150k': tuiFrames150k,
  'live-reload': liveReload,
};

function bigNodes(cluster: Cluster, workers: number): void {
  for (const node of defaultNodes(workers)) cluster.api.create(node);
  cluster.settle();
}

function barePod(name: string, cpu = '100m'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name.replace(/-\d+$/, '') } },
    spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu, memory: '64Mi' } } }] },
  };
}

/** The scheduler alone, every default plugin, pods already created (as Kubernetes' scheduler_perf measures). */
async function scheduleThroughput({ quick }: CaseOptions): Promise<Measurement> {
  const nodes = quick ? 500 : 5_000;
  const pods = quick ? 1_000 : 10_000;
  const cluster = createCluster({ seed: 1 });
  bigNodes(cluster, nodes);
  installScheduler(cluster);
  for (let i = 0; i < pods; i++) cluster.api.create(barePod(`pod-${i}`));
  const m = await measure('scheduling throughput', async (timed) => {
    await timed(() => cluster.settle());
    const bound = cluster.list('Pod').filter((p) => p.spec.nodeName).length;
    if (bound !== pods) throw new Error(`only ${bound} of ${pods} pods were scheduled`);
    return { size: `${pods.toLocaleString('en')} pods on ${nodes.toLocaleString('en')} nodes`, compare: 'Kubernetes scheduler_perf: 680-810 pods/s; goal >= 3,000 pods/s' };
  });
  return { ...m, figures: { podsPerSecond: Math.round(pods / (m.wallMs / 1000)) } };
}

/** Pods from creation to Running with the whole simulation (scheduler, kubelets, image pulls) in virtual time. */
async function podsToRunning({ quick }: CaseOptions): Promise<Measurement> {
  const nodes = quick ? 500 : 5_000;
  const pods = quick ? 1_000 : 10_000;
  const cluster = createSimulatedCluster({ seed: 1 });
  bigNodes(cluster, nodes);
  const m = await measure('pods from creation to Running', async (timed) => {
    await timed(() => {
      for (let i = 0; i < pods; i++) cluster.api.create(barePod(`pod-${i}`, '10m'));
      cluster.settle();
      for (let step = 0; step < 600; step++) {
        if (cluster.list('Pod', { fieldSelector: 'status.phase=Running' }).length === pods) return;
        cluster.advance(1000);
      }
      throw new Error('pods did not reach Running in 10 simulated minutes');
    });
    return { size: `${pods.toLocaleString('en')} pods on ${nodes.toLocaleString('en')} nodes`, compare: 'kwok CI allows 60 s for 10,000 pods; goal < 3 s' };
  });
  return { ...m, figures: { simulatedSeconds: Math.round((cluster.clock.now() - DEFAULT_START) / 1000) } };
}



/** Load and apply N objects from files: parse, validate, default, three-way merge, store. */
async function loadAndApply({ quick }: CaseOptions): Promise<Measurement> {
  const objects = quick ? 1_000 : 10_000;
  const perFile = 100;
  const dir = mkdtempSync(join(tmpdir(), 'kubedeck-bench-'));
  try {
    for (let f = 0; f < objects / perFile; f++) {
      const docs: string[] = [];
      for (let i = 0; i < perFile; i++) {
        const n = f * perFile + i;
        docs.push(n % 2 === 0
          ? `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-${n}\n  labels: {app: app-${n % 50}}\ndata:\n  key: value-${n}\n  other: "${n}"\n`
          : `apiVersion: v1\nkind: Secret\nmetadata:\n  name: secret-${n}\n  labels: {app: app-${n % 50}}\ntype: Opaque\nstringData:\n  password: p-${n}\n`);
      }
      writeFileSync(join(dir, `objects-${String(f).padStart(4, '0')}.yaml`), docs.join('---\n'));
    }
    return await measure('load and apply objects from files', async (timed) => {
      const cluster = createCluster({ seed: 1 });
      const sync = new ManifestSync(cluster, [dir], { watch: false });
      const report = await timed(() => sync.start());
      if (report.errors.length > 0) throw new Error(`bench manifests failed: ${report.errors[0]!.message}`);
      const applied = cluster.store.count('ConfigMap') + cluster.store.count('Secret');
      return { size: `${applied.toLocaleString('en')} objects in ${objects / perFile} files`, figures: { objectsPerSecond: 0 }, compare: 'no published reference; goal: 10,000 objects < 5 s' };
    }).then((m) => ({ ...m, figures: { objectsPerSecond: Math.round(objects / (m.wallMs / 1000)) } }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** List pods with a label selector over N pods in the store (the dashboard's filter and every controller's sync). */
async function listWithSelector({ quick }: CaseOptions): Promise<Measurement> {
  const pods = quick ? 10_000 : 100_000;
  const cluster = createCluster({ seed: 1 });
  const namespaces = 10;
  for (let i = 0; i < namespaces; i++) cluster.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `team-${i}` } });
  for (let i = 0; i < pods; i++) {
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `pod-${i}`, namespace: `team-${i % namespaces}`, labels: { app: `app-${i % 1000}`, tier: ['web', 'db', 'cache'][i % 3]! } },
      spec: { containers: [{ name: 'app', image: 'nginx' }] },
    };
    cluster.api.create(pod);
  }
  const rounds = quick ? 20 : 50;
  const times: number[] = [];
  let matched = 0;
  const m = await measure('list with a label selector', async (timed) => {
    for (let r = 0; r < rounds; r++) {
      const start = performance.now();
      matched = await timed(() => cluster.list('Pod', { labelSelector: `app=app-${r % 1000},tier in (web,db)` }).length);
      times.push(performance.now() - start);
    }
    return { size: `${pods.toLocaleString('en')} pods, ${rounds} lists`, compare: 'no published reference; goal: p95 < 50 ms at 100,000 pods' };
  });
  times.sort((a, b) => a - b);
  return { ...m, figures: { p50Ms: round(percentile(times, 50)), p95Ms: round(percentile(times, 95)), matched } };
}

const round = (n: number) => Math.round(n * 100) / 100;

/** A Deployment whose containers start at once (no pull, no start-up time), as the workload benchmarks ask. */
function instantDeployment(name: string, replicas: number, image = 'registry.k8s.io/pause:3.10'): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations: { 'kubedeck.dev/startup-time': '0s', 'kubedeck.dev/image-pull-time': '0s' } },
        spec: { containers: [{ name: 'app', image, resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
      },
    },
  };
}

/** Advances the clock a second at a time until every named Deployment reports its rollout complete. */
function untilRolledOut(cluster: Cluster, names: readonly string[], limitSeconds = 1800, onSecond?: (simulated: number) => void): void {
  const done = () => names.every((n) => {
    const d = cluster.get('Deployment', 'default', n);
    const s = d?.status;
    return !!d && s?.observedGeneration === d.metadata.generation && s?.updatedReplicas === d.spec.replicas
      && s?.availableReplicas === d.spec.replicas && (s?.replicas ?? 0) === d.spec.replicas;
  });
  for (let i = 0; i < limitSeconds; i++) {
    if (done()) return;
    onSecond?.(i);
    cluster.advance(1000);
  }
  throw new Error(`deployments not rolled out after ${limitSeconds} simulated seconds`);
}

function setImageOf(cluster: Cluster, name: string, image: string): void {
  const d = cluster.get('Deployment', 'default', name)!;
  const containers = d.spec.template.spec.containers.map((c) => ({ ...c, image }));
  cluster.update({ ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { ...d.spec.template.spec, containers } } } });
}

/** One big Deployment: creation to all Ready, then a full rolling update (default 25% surge / 25% unavailable). */
async function bigDeployment({ quick }: CaseOptions): Promise<Measurement> {
  const replicas = quick ? 200 : 1_000;
  const cluster = createSimulatedCluster({ seed: 1 });
  bigNodes(cluster, Math.ceil(replicas / 50));
  let createMs = 0;
  const m = await measure('a Deployment: create to Ready, then a rolling update', async (timed) => {
    const start = performance.now();
    await timed(() => {
      cluster.create(instantDeployment('big', replicas));
      untilRolledOut(cluster, ['big']);
    });
    createMs = performance.now() - start;
    await timed(() => {
      setImageOf(cluster, 'big', 'registry.k8s.io/pause:3.9');
      untilRolledOut(cluster, ['big']);
    });
    return { size: `${replicas.toLocaleString('en')} replicas`, compare: 'goal: < 1 s each (create, update)' };
  });
  return { ...m, figures: { createMs: Math.round(createMs), updateMs: Math.round(m.wallMs - createMs) } };
}

/** Many Deployments updated at once. */
async function manyDeployments({ quick }: CaseOptions): Promise<Measurement> {
  const count = quick ? 10 : 100;
  const replicas = quick ? 20 : 100;
  const cluster = createSimulatedCluster({ seed: 1 });
  bigNodes(cluster, Math.ceil((count * replicas) / 50));
  const names = Array.from({ length: count }, (_, i) => `app-${i}`);
  for (const n of names) cluster.create(instantDeployment(n, replicas));
  untilRolledOut(cluster, names);
  const m = await measure('Deployments updated at once', async (timed) => {
    await timed(() => {
      for (const n of names) setImageOf(cluster, n, 'registry.k8s.io/pause:3.9');
      untilRolledOut(cluster, names, undefined, progress(cluster, 'rolling update'));
    });
    return { size: `${count} Deployments x ${replicas} replicas`, compare: 'no published reference' };
  });
  return { ...m, figures: { pods: count * replicas } };
}

/** Node manifests in files (100 per file), applied as a user's folder would be, to every node Ready. */
async function nodesReady({ quick }: CaseOptions): Promise<Measurement> {
  const nodes = quick ? 500 : 5_000;
  const perFile = 100;
  const dir = mkdtempSync(join(tmpdir(), 'kubedeck-bench-'));
  try {
    for (let f = 0; f < nodes / perFile; f++) {
      const docs: string[] = [];
      for (let i = 0; i < perFile; i++) {
        const n = f * perFile + i;
        docs.push(`apiVersion: v1\nkind: Node\nmetadata:\n  name: node-${n}\n  labels: {topology.kubernetes.io/zone: zone-${n % 3}}\nstatus:\n  capacity: {cpu: "8", memory: 32Gi, pods: "110"}\n`);
      }
      writeFileSync(join(dir, `nodes-${String(f).padStart(3, '0')}.yaml`), docs.join('---\n'));
    }
    const cluster = createSimulatedCluster({ seed: 1 });
    const isReady = (n: Node) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    return await measure('nodes from manifests to Ready', async (timed) => {
      await timed(async () => {
        const report = await new ManifestSync(cluster, [dir], { watch: false }).start();
        if (report.errors.length > 0) throw new Error(`bench manifests failed: ${report.errors[0]!.message}`);
        for (let step = 0; step < 600; step++) {
          if (cluster.list('Node').filter(isReady).length === nodes) return;
          cluster.advance(1000);
        }
        throw new Error('nodes did not become Ready in 10 simulated minutes');
      });
      return { size: `${nodes.toLocaleString('en')} nodes in ${nodes / perFile} files`, compare: 'kwok CI allows 60 s for 5,000 nodes; goal < 2 s' };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fleetSize = (quick: boolean) => ({ deployments: quick ? 15 : 1_500, replicas: 100, nodes: quick ? 50 : 5_000 });

/** The fleet's Deployments: zero-delay containers, optionally probed every 10 s (readiness HTTP, liveness TCP). */
function fleetDeployment(name: string, replicas: number, probes: boolean): Deployment {
  const d = instantDeployment(name, replicas, probes ? 'nginx:1.27' : 'registry.k8s.io/pause:3.10');
  if (probes) {
    d.spec.template.spec.containers[0]!.readinessProbe = { httpGet: { path: '/', port: 80 }, periodSeconds: 10 };
    d.spec.template.spec.containers[0]!.livenessProbe = { tcpSocket: { port: 80 }, periodSeconds: 10 };
  }
  return d;
}

/** Creates the fleet's Deployments at once (as a folder of manifests would) and runs until all are Available. */
function startFleet(cluster: Cluster, names: readonly string[], replicas: number, probes: boolean, onSecond?: (simulated: number) => void): void {
  for (const n of names) cluster.api.create(fleetDeployment(n, replicas, probes));
  cluster.settle();
  untilRolledOut(cluster, names, undefined, onSecond);
}

/** Progress on stderr every 10 simulated seconds, so that a run stopped by hand still tells how far it got. */
function progress(cluster: Cluster, phase: string): (simulated: number) => void {
  const start = performance.now();
  return (simulated) => {
    if (simulated % 10 !== 0) return;
    const pods = cluster.list('Pod');
    const running = pods.filter((p) => p.status?.phase === 'Running').length;
    const rss = Math.round(process.memoryUsage().rss / 2 ** 20);
    process.stderr.write(`bench: ${phase}: ${simulated} simulated s, ${((performance.now() - start) / 1000).toFixed(1)} s wall, ${pods.length} pods (${running} Running), RSS ${rss} MB\n`);
  };
}

const memoryFigures = () => ({ heapUsedMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20) });

/** 150,000 pods (1,500 Deployments x 100) on 5,000 nodes to all Available, then a rolling update of all of them. */
async function fleet({ quick }: CaseOptions): Promise<Measurement> {
  const { deployments, replicas, nodes } = fleetSize(quick);
  const cluster = createSimulatedCluster({ seed: 1 });
  bigNodes(cluster, nodes);
  const names = Array.from({ length: deployments }, (_, i) => `app-${i}`);
  let availableMs = 0;
  let heap = 0;
  let peakAtAvailable = 0;
  const m = await measure('Deployments to Available, then all updated', async (timed) => {
    const start = performance.now();
    await timed(() => startFleet(cluster, names, replicas, false, progress(cluster, 'to Available')));
    availableMs = performance.now() - start;
    heap = memoryFigures().heapUsedMb;
    // The goal's peak is the one to Available: the rolling update after it holds old and new pods at once.
    peakAtAvailable = Math.round(process.resourceUsage().maxRSS / 1024);
    await timed(() => {
      for (const n of names) setImageOf(cluster, n, 'registry.k8s.io/pause:3.9');
      untilRolledOut(cluster, names);
    });
    return {
      size: `${(deployments * replicas).toLocaleString('en')} pods (${deployments.toLocaleString('en')} x ${replicas}) on ${nodes.toLocaleString('en')} nodes`,
      compare: 'kwok CI allows 60 s for 10,000 pods; goal < 60 s to Available, peak < 1.5 GB',
    };
  });
  return {
    ...m,
    figures: { availableMs: Math.round(availableMs), peakRssAtAvailableMb: peakAtAvailable, updateMs: Math.round(m.wallMs - availableMs), heapUsedMb: heap },
  };
}

/** Steady state at fleet size with probes every 10 s: simulated seconds per wall-clock second. */
async function steadyState({ quick }: CaseOptions): Promise<Measurement> {
  const { deployments, replicas, nodes } = fleetSize(quick);
  const cluster = createSimulatedCluster({ seed: 1 });
  bigNodes(cluster, nodes);
  const names = Array.from({ length: deployments }, (_, i) => `app-${i}`);
  startFleet(cluster, names, replicas, true);
  const simulated = quick ? 60 : 300;
  const m = await measure('steady state with probes every 10 s', async (timed) => {
    await timed(() => cluster.advance(simulated * 1000));
    return {
      size: `${(deployments * replicas).toLocaleString('en')} probed pods on ${nodes.toLocaleString('en')} nodes, ${simulated} simulated s`,
      compare: 'goal >= 10x real time',
    };
  });
  return { ...m, figures: { speedup: Math.round(simulated / (m.wallMs / 1000)), ...memoryFigures() } };
}
