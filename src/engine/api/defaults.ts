/**
 * The API server's defaulting (pkg/apis/{core,apps,batch,storage}/v1/defaults.go, plus the bits its registry
 * strategies and default admission plugins add on create), as pure functions that return new objects.
 */
import type { Labels, LabelSelector } from './meta.js';
import type {
  AnyObject, Container, ContainerPort, CronJob, DaemonSet, Deployment, Endpoints, HTTPGetAction, Job, Namespace,
  PersistentVolume, PersistentVolumeClaimSpec, Pod, PodSpec, PodTemplateSpec, Probe, ReplicaSet, Service, StatefulSet,
  StorageClass, Toleration, Volume,
} from './types.js';
import { jsonEqual, shallowCopy, withKeys } from '../store/immutable.js';

/** Returns a defaulted deep copy; the input is never mutated. */
export function applyDefaults<T extends AnyObject>(obj: T): T {
  return withDefaults(structuredClone(obj));
}

/**
 * The defaulted object without the deep copy: new objects where a default was added, the input's own parts (by
 * reference) elsewhere. The input is never mutated (the API server passes parts shared with frozen stored objects).
 */
export function withDefaults<T extends AnyObject>(obj: T): T {
  const o = obj as AnyObject;
  switch (o.kind) {
    case 'Pod':
      return addDefaultTolerations(defaultPod(o)) as T;
    case 'Deployment':
      return defaultDeployment(o) as T;
    case 'ReplicaSet':
      return defaultReplicaSet(o) as T;
    case 'StatefulSet':
      return defaultStatefulSet(o) as T;
    case 'DaemonSet':
      return defaultDaemonSet(o) as T;
    case 'Job':
      return defaultJob(o) as T;
    case 'CronJob':
      return defaultCronJob(o) as T;
    case 'Service':
      return defaultService(o) as T;
    case 'Endpoints':
      return defaultEndpoints(o) as T;
    case 'PersistentVolumeClaim':
      return { ...o, spec: defaultClaimSpec(o.spec ?? {}) } as T;
    case 'PersistentVolume':
      return defaultPersistentVolume(o) as T;
    case 'Namespace':
      return defaultNamespace(o) as T;
    case 'Secret':
      return { ...o, type: o.type || 'Opaque' } as T;
    case 'StorageClass':
      return defaultStorageClass(o) as T;
    default:
      return o as T;
  }
}

// ---------- pods ----------

/** `image`, `image:latest` and `registry:5000/image` pull Always; any other tag or a digest pulls IfNotPresent. */
export function defaultPullPolicy(image: string | undefined): 'Always' | 'IfNotPresent' {
  if (!image) return 'IfNotPresent';
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  const tag = colon >= 0 ? lastSegment.slice(colon + 1) : at >= 0 ? '' : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(p: Probe | undefined): Probe | undefined {
  if (!p) return p;
  const out: Probe = withKeys(p, {
    timeoutSeconds: p.timeoutSeconds || 1,
    periodSeconds: p.periodSeconds || 10,
    successThreshold: p.successThreshold || 1,
    failureThreshold: p.failureThreshold || 3,
  });
  if (p.httpGet) out.httpGet = defaultHttpGet(p.httpGet);
  return out;
}

function defaultHttpGet(h: HTTPGetAction): HTTPGetAction {
  return withKeys(h, { path: h.path || '/', scheme: h.scheme || 'HTTP' });
}

function defaultPort(p: ContainerPort, hostNetwork: boolean): ContainerPort {
  const out: ContainerPort = withKeys(p, { protocol: p.protocol || 'TCP' });
  if (hostNetwork && !out.hostPort) out.hostPort = out.containerPort;
  return out;
}

function defaultContainer(c: Container, hostNetwork: boolean): Container {
  const out: Container = withKeys(c, {
    imagePullPolicy: c.imagePullPolicy || defaultPullPolicy(c.image),
    terminationMessagePath: c.terminationMessagePath || '/dev/termination-log',
    terminationMessagePolicy: c.terminationMessagePolicy || 'File',
  });
  if (c.ports) out.ports = c.ports.map((p) => defaultPort(p, hostNetwork));
  for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    if (c[key]) out[key] = defaultProbe(c[key]);
  }
  if (c.lifecycle) {
    const lc = { ...c.lifecycle };
    for (const key of ['postStart', 'preStop'] as const) {
      const h = lc[key];
      if (h?.httpGet) lc[key] = { ...h, httpGet: defaultHttpGet(h.httpGet) };
    }
    out.lifecycle = lc;
  }
  return out;
}

function defaultVolume(v: Volume): Volume {
  const out: Volume = { ...v };
  if (v.configMap) out.configMap = { ...v.configMap, defaultMode: v.configMap.defaultMode ?? 420 };
  if (v.secret) out.secret = { ...v.secret, defaultMode: v.secret.defaultMode ?? 420 };
  if (v.hostPath) out.hostPath = { ...v.hostPath, type: v.hostPath.type ?? '' };
  return out;
}

/** The input itself when defaulting changed nothing, so a stored pod shares it (with its template, its last version). */
function unchanged<T>(input: T, out: T): T {
  return jsonEqual(input, out) ? input : out;
}

/** `items.map(f)`, or `items` itself when `f` returned every item unchanged. */
function mapShared<T>(items: T[], f: (item: T) => T): T[] {
  let out: T[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const x = f(items[i]!);
    if (out === undefined && x !== items[i]) out = items.slice(0, i);
    out?.push(x);
  }
  return out ?? items;
}

/** SetDefaults_PodSpec and its containers: what every pod and every pod template gets. */
export function defaultPodSpec(spec: PodSpec): PodSpec {
  const hostNetwork = spec.hostNetwork === true;
  const container = (c: Container) => unchanged(c, defaultContainer(c, hostNetwork));
  const out: PodSpec = withKeys(spec, {
    containers: mapShared(spec.containers ?? [], container),
    restartPolicy: spec.restartPolicy || 'Always',
    terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
    dnsPolicy: spec.dnsPolicy || 'ClusterFirst',
    securityContext: spec.securityContext ?? {},
    schedulerName: spec.schedulerName || 'default-scheduler',
  });
  if (spec.initContainers) out.initContainers = mapShared(spec.initContainers, container);
  if (spec.volumes) out.volumes = mapShared(spec.volumes, (v) => unchanged(v, defaultVolume(v)));
  // An already defaulted spec (a stored template being updated) is kept as is: later reads can stop at identity.
  return unchanged(spec, out);
}

function defaultTemplate(t: PodTemplateSpec | undefined): PodTemplateSpec {
  const spec = defaultPodSpec(t?.spec ?? ({} as PodSpec));
  return t && spec === t.spec ? t : { ...(t ?? {}), spec };
}

/** SetDefaults_Pod: a container with a limit but no request for a resource requests the limit. */
function requestsFromLimits(c: Container): Container {
  const limits = c.resources?.limits;
  if (!limits || Object.keys(limits).length === 0) return c;
  const requests = { ...(c.resources?.requests ?? {}) };
  for (const [name, q] of Object.entries(limits)) if (requests[name] === undefined) requests[name] = q;
  return { ...c, resources: { ...c.resources, requests } };
}

function defaultPod(pod: Pod): Pod {
  const spec = shallowCopy(defaultPodSpec(pod.spec ?? ({} as PodSpec)));
  spec.containers = mapShared(spec.containers, requestsFromLimits);
  if (spec.initContainers) spec.initContainers = mapShared(spec.initContainers, requestsFromLimits);
  // Set on pods only (not templates) by the ServiceAccount and Priority admission plugins.
  spec.serviceAccountName = spec.serviceAccountName || 'default';
  if (spec.priority === undefined && !spec.priorityClassName) spec.priority = 0;
  // The API server adds status and metadata keys to this object next.
  const out = shallowCopy(pod);
  out.spec = spec;
  return out;
}

const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';

function tolerates(tolerations: readonly Toleration[], key: string): boolean {
  return tolerations.some((t) => (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute'));
}

/** The tolerations the API server adds, shared by every pod it adds them to (stored objects never change). */
const DEFAULT_TOLERATIONS: readonly Toleration[] = Object.freeze([NOT_READY, UNREACHABLE].map((key) =>
  Object.freeze({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 } as const)));

/**
 * The DefaultTolerationSeconds admission plugin: every pod tolerates not-ready and unreachable nodes (NoExecute) for
 * 300 seconds unless it already tolerates them. Returns a new pod.
 */
export function addDefaultTolerations(pod: Pod): Pod {
  const tolerations = [...(pod.spec.tolerations ?? [])];
  const extra = DEFAULT_TOLERATIONS.filter((t) => !tolerates(tolerations, t.key!));
  if (extra.length === 0) return pod;
  const spec = shallowCopy(pod.spec);
  spec.tolerations = tolerations.length === 0 && extra.length === DEFAULT_TOLERATIONS.length
    ? (DEFAULT_TOLERATIONS as Toleration[])
    : [...tolerations, ...extra];
  const out = shallowCopy(pod);
  out.spec = spec;
  return out;
}

// ---------- apps/v1 ----------

function defaultDeployment(d: Deployment): Deployment {
  const spec = d.spec ?? ({} as Deployment['spec']);
  const strategy = { ...(spec.strategy ?? {}) };
  strategy.type = strategy.type || 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = strategy.rollingUpdate ?? {};
    strategy.rollingUpdate = { ...ru, maxUnavailable: ru.maxUnavailable ?? '25%', maxSurge: ru.maxSurge ?? '25%' };
  }
  return {
    ...d,
    spec: {
      ...spec,
      replicas: spec.replicas ?? 1,
      strategy,
      revisionHistoryLimit: spec.revisionHistoryLimit ?? 10,
      progressDeadlineSeconds: spec.progressDeadlineSeconds ?? 600,
      template: defaultTemplate(spec.template),
    },
  };
}

function defaultReplicaSet(rs: ReplicaSet): ReplicaSet {
  const spec = rs.spec ?? ({} as ReplicaSet['spec']);
  return { ...rs, spec: { ...spec, replicas: spec.replicas ?? 1, template: defaultTemplate(spec.template) } };
}

function defaultClaimSpec(spec: PersistentVolumeClaimSpec): PersistentVolumeClaimSpec {
  return { ...spec, volumeMode: spec.volumeMode ?? 'Filesystem' };
}

function defaultStatefulSet(s: StatefulSet): StatefulSet {
  const spec = s.spec ?? ({} as StatefulSet['spec']);
  const updateStrategy = { ...(spec.updateStrategy ?? {}) };
  updateStrategy.type = updateStrategy.type || 'RollingUpdate';
  if (updateStrategy.type === 'RollingUpdate') {
    updateStrategy.rollingUpdate = { ...(updateStrategy.rollingUpdate ?? {}) };
    updateStrategy.rollingUpdate.partition ??= 0;
  }
  const retention = spec.persistentVolumeClaimRetentionPolicy ?? {};
  const out: StatefulSet['spec'] = {
    ...spec,
    replicas: spec.replicas ?? 1,
    podManagementPolicy: spec.podManagementPolicy || 'OrderedReady',
    updateStrategy,
    revisionHistoryLimit: spec.revisionHistoryLimit ?? 10,
    persistentVolumeClaimRetentionPolicy: {
      whenDeleted: retention.whenDeleted || 'Retain',
      whenScaled: retention.whenScaled || 'Retain',
    },
    template: defaultTemplate(spec.template),
  };
  if (spec.volumeClaimTemplates) {
    out.volumeClaimTemplates = spec.volumeClaimTemplates.map((t) => ({
      ...t,
      apiVersion: t.apiVersion || 'v1',
      kind: t.kind || 'PersistentVolumeClaim',
      spec: defaultClaimSpec(t.spec ?? {}),
    }));
  }
  return { ...s, spec: out };
}

function defaultDaemonSet(ds: DaemonSet): DaemonSet {
  const spec = ds.spec ?? ({} as DaemonSet['spec']);
  const updateStrategy = { ...(spec.updateStrategy ?? {}) };
  updateStrategy.type = updateStrategy.type || 'RollingUpdate';
  if (updateStrategy.type === 'RollingUpdate') {
    const ru = updateStrategy.rollingUpdate ?? {};
    updateStrategy.rollingUpdate = { ...ru, maxUnavailable: ru.maxUnavailable ?? 1, maxSurge: ru.maxSurge ?? 0 };
  }
  return {
    ...ds,
    spec: { ...spec, updateStrategy, revisionHistoryLimit: spec.revisionHistoryLimit ?? 10, template: defaultTemplate(spec.template) },
  };
}

// ---------- batch/v1 ----------

function defaultJob(job: Job): Job {
  const spec = { ...(job.spec ?? ({} as Job['spec'])) };
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= 'TerminatingOrFailed';
  spec.template = defaultTemplate(spec.template);
  const out: Job = { ...job, spec };
  // SetDefaults_Job: a Job without labels takes its template's (before the controller-uid labels are added).
  const templateLabels = job.spec?.template?.metadata?.labels;
  if (templateLabels && Object.keys(job.metadata?.labels ?? {}).length === 0) {
    out.metadata = { ...job.metadata, labels: { ...templateLabels } };
  }
  return out;
}

export const JOB_CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';

export interface JobSelectorAndLabels {
  /** The Job's pod template labels with the four generated labels added (existing values win). */
  templateLabels: Labels;
  /** The Job's selector with `batch.kubernetes.io/controller-uid: <uid>` added to matchLabels. */
  selector: LabelSelector;
}

/**
 * What the Job strategy's generateSelector adds on create (unless spec.manualSelector is true):
 * template labels `batch.kubernetes.io/controller-uid`, `batch.kubernetes.io/job-name`, `controller-uid`, `job-name`,
 * and the selector `matchLabels: {batch.kubernetes.io/controller-uid: <uid>}`. Labels the user already set are kept.
 */
export function jobSelectorAndLabels(job: Job, uid: string): JobSelectorAndLabels {
  const name = job.metadata.name ?? '';
  const templateLabels: Labels = { ...(job.spec.template?.metadata?.labels ?? {}) };
  for (const key of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) templateLabels[key] ??= name;
  for (const key of [LEGACY_CONTROLLER_UID_LABEL, JOB_CONTROLLER_UID_LABEL]) templateLabels[key] ??= uid;
  const selector: LabelSelector = { ...(job.spec.selector ?? {}) };
  const matchLabels: Labels = { ...(selector.matchLabels ?? {}) };
  matchLabels[JOB_CONTROLLER_UID_LABEL] ??= uid;
  selector.matchLabels = matchLabels;
  return { templateLabels, selector };
}

function defaultCronJob(cj: CronJob): CronJob {
  const spec = cj.spec ?? ({} as CronJob['spec']);
  const jobTemplate = spec.jobTemplate ?? ({ spec: {} } as CronJob['spec']['jobTemplate']);
  // Job-level defaults (backoffLimit, completions...) are not applied to a jobTemplate; its pod template's are.
  return {
    ...cj,
    spec: {
      ...spec,
      concurrencyPolicy: spec.concurrencyPolicy || 'Allow',
      suspend: spec.suspend ?? false,
      successfulJobsHistoryLimit: spec.successfulJobsHistoryLimit ?? 3,
      failedJobsHistoryLimit: spec.failedJobsHistoryLimit ?? 1,
      jobTemplate: { ...jobTemplate, spec: { ...(jobTemplate.spec ?? {}), template: defaultTemplate(jobTemplate.spec?.template) } },
    },
  };
}

// ---------- core/v1: services, storage, namespaces ----------

function defaultService(svc: Service): Service {
  const spec = svc.spec ?? ({} as Service['spec']);
  const type = spec.type || 'ClusterIP';
  const out: Service['spec'] = { ...spec, type, sessionAffinity: spec.sessionAffinity || 'None' };
  if (spec.ports) {
    out.ports = spec.ports.map((p) => ({
      ...p,
      protocol: p.protocol || 'TCP',
      targetPort: p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '' ? p.port : p.targetPort,
    }));
  }
  if ((type === 'NodePort' || type === 'LoadBalancer') && !spec.externalTrafficPolicy) out.externalTrafficPolicy = 'Cluster';
  if (type !== 'ExternalName') {
    out.internalTrafficPolicy = spec.internalTrafficPolicy || 'Cluster';
    // Set by the service registry's IP family logic on a single-stack IPv4 cluster.
    out.ipFamilyPolicy = spec.ipFamilyPolicy || 'SingleStack';
    out.ipFamilies = spec.ipFamilies && spec.ipFamilies.length > 0 ? spec.ipFamilies : ['IPv4'];
  }
  return { ...svc, spec: out };
}

function defaultEndpoints(ep: Endpoints): Endpoints {
  if (!ep.subsets) return ep;
  return {
    ...ep,
    subsets: ep.subsets.map((s) => (s.ports ? { ...s, ports: s.ports.map((p) => ({ ...p, protocol: p.protocol || 'TCP' })) } : s)),
  };
}

function defaultPersistentVolume(pv: PersistentVolume): PersistentVolume {
  const spec = pv.spec ?? ({} as PersistentVolume['spec']);
  const out: PersistentVolume['spec'] = {
    ...spec,
    persistentVolumeReclaimPolicy: spec.persistentVolumeReclaimPolicy || 'Retain',
    volumeMode: spec.volumeMode ?? 'Filesystem',
  };
  if (spec.hostPath) out.hostPath = { ...spec.hostPath, type: spec.hostPath.type ?? '' };
  return { ...pv, spec: out };
}

function defaultNamespace(ns: Namespace): Namespace {
  // Only when absent: the namespace strategy adds it on create but lets it be removed later, and this runs on updates too.
  return {
    ...ns,
    spec: { ...(ns.spec ?? {}), finalizers: ns.spec?.finalizers ?? ['kubernetes'] },
    status: { ...(ns.status ?? {}), phase: ns.status?.phase ?? 'Active' },
  };
}

function defaultStorageClass(sc: StorageClass): StorageClass {
  return { ...sc, reclaimPolicy: sc.reclaimPolicy || 'Delete', volumeBindingMode: sc.volumeBindingMode || 'Immediate' };
}
