/**
 * The view registry: one entry per resource list (`:po`, `:deploy`, `:no`, ...) with its kind, its extra columns,
 * what Enter drills into and how a row is coloured. Columns themselves are kubectl's (src/printers).
 */
import { kindInfo } from '../engine/api/kinds.js';
import type { LabelSelector } from '../engine/api/meta.js';
import type {
  AnyObject, CronJob, DaemonSet, Deployment, Endpoints, KindName, Node, PersistentVolumeClaim, Pod, StatefulSet,
} from '../engine/api/types.js';
import { milliValue, parseQuantity, wholeValue } from '../printers/quantity.js';
import { nodeRequests } from './nodeRequests.js';
import type { DashboardSource } from './source.js';

/** How a row reads at a glance. */
export type Tone = 'ok' | 'pending' | 'error' | 'done' | 'terminating';

/** Restricts a list to what a drill-down selected (the pods of a Deployment, of a node...). */
export interface Scope {
  /** The crumb: `deploy/my-nginx`. */
  label: string;
  namespace?: string | undefined;
  labelSelector?: LabelSelector | string;
  fieldSelector?: string;
  match?: (o: AnyObject) => boolean;
}

export type Drill =
  | { type: 'list'; view: string; scope?: Scope; namespace?: string }
  | { type: 'describe' };

/** A column the dashboard adds to kubectl's, computed for the visible rows only. */
export interface ExtraColumn {
  name: string;
  /** Inserted before this kubectl column (default: at the end). */
  before?: string;
  cell(o: AnyObject, source: DashboardSource): string;
  /** Tone for the row from this column (failing probes). */
  tone?(o: AnyObject, source: DashboardSource): Tone | undefined;
}

export interface ResourceView {
  id: string;
  kind: KindName;
  title: string;
  extraColumns?: ExtraColumn[];
  drill?(o: AnyObject, source: DashboardSource): Drill;
  tone?(o: AnyObject, status: string): Tone;
}

// ---------- tones ----------

const POD_PENDING = /^(Pending|ContainerCreating|PodInitializing|SchedulingGated|NotReady|Init:\d+\/\d+)$/;
const POD_ERROR = /(CrashLoopBackOff|Error|ErrImagePull|ImagePullBackOff|OOMKilled|CreateContainerConfigError|InvalidImageName|Failed|Evicted|Unknown|ContainerStatusUnknown|DeadlineExceeded|Signal|ExitCode)/;

export function podTone(status: string): Tone {
  if (status === 'Terminating') return 'terminating';
  if (status === 'Completed' || status === 'Succeeded') return 'done';
  if (POD_ERROR.test(status)) return 'error';
  if (POD_PENDING.test(status) || status.startsWith('Init:')) return 'pending';
  return 'ok';
}

function workloadTone(o: AnyObject): Tone {
  if (o.metadata.deletionTimestamp) return 'terminating';
  const st = (o as Deployment).status;
  if (o.kind === 'Deployment') {
    const progressing = st?.conditions?.find((c) => c.type === 'Progressing');
    if (progressing?.status === 'False') return 'error';
  }
  const { desired, available } = replicaCounts(o);
  return available < desired ? 'pending' : 'ok';
}

// ---------- extra columns ----------

export function replicaCounts(o: AnyObject): { desired: number; updated: number; available: number } {
  if (o.kind === 'DaemonSet') {
    const st = (o as DaemonSet).status;
    return { desired: st?.desiredNumberScheduled ?? 0, updated: st?.updatedNumberScheduled ?? 0, available: st?.numberAvailable ?? 0 };
  }
  if (o.kind === 'StatefulSet') {
    const s = o as StatefulSet;
    return { desired: s.spec.replicas ?? 1, updated: s.status?.updatedReplicas ?? 0, available: s.status?.availableReplicas ?? s.status?.readyReplicas ?? 0 };
  }
  const d = o as Deployment;
  return { desired: d.spec.replicas ?? 1, updated: d.status?.updatedReplicas ?? 0, available: d.status?.availableReplicas ?? 0 };
}

/** `█████▒▒░░░`: available, then updated but not yet available, then the rest. */
export function bar(parts: readonly number[], whole: number, width = 10): string {
  if (whole <= 0) return '░'.repeat(width);
  const chars = ['█', '▒', '▓'];
  let out = '';
  let used = 0;
  parts.forEach((p, i) => {
    const n = Math.max(0, Math.min(width - used, Math.round((Math.min(p, whole) / whole) * width) - used));
    out += chars[i]!.repeat(n);
    used += n;
  });
  return out + '░'.repeat(width - used);
}

const progressColumn: ExtraColumn = {
  name: 'PROGRESS',
  cell(o) {
    const { desired, updated, available } = replicaCounts(o);
    return `${bar([Math.min(available, updated), updated], desired)} ${Math.min(available, updated)}/${desired}`;
  },
};

function nodeAllocation(node: Node, source: DashboardSource): { cpu: number; mem: number; pods: number } {
  const { cpuMilli, memory, pods } = nodeRequests(source).of(node.metadata.name!);
  const alloc = node.status?.allocatable ?? node.status?.capacity ?? {};
  const cpuTotal = milliValue(parseQuantity(alloc.cpu));
  const memTotal = wholeValue(parseQuantity(alloc.memory));
  return { cpu: cpuTotal ? cpuMilli / cpuTotal : 0, mem: memTotal ? memory / memTotal : 0, pods };
}

const percentBar = (fraction: number): string => `${bar([fraction], 1, 8)} ${String(Math.round(fraction * 100)).padStart(3)}%`;

const nodeColumns: ExtraColumn[] = [
  { name: 'CPU', before: 'AGE', cell: (o, s) => percentBar(nodeAllocation(o as Node, s).cpu) },
  { name: 'MEM', before: 'AGE', cell: (o, s) => percentBar(nodeAllocation(o as Node, s).mem) },
  { name: 'PODS', before: 'AGE', cell: (o, s) => String(nodeAllocation(o as Node, s).pods) },
];

const PROBE_LETTER = { startup: 'S', liveness: 'L', readiness: 'R' } as const;

/** `R✓ L✓`, `R✗2/3`: each probe's published state; without the kubelet's view, which probes are configured. */
export function probesCell(pod: Pod, source: DashboardSource): string {
  const states = source.inspect?.probeStates(pod.metadata.namespace ?? 'default', pod.metadata.name ?? '') ?? [];
  const parts: string[] = [];
  if (states.length > 0) {
    for (const c of states) {
      for (const p of c.probes) {
        const letter = PROBE_LETTER[p.probe];
        const spec = pod.spec.containers.find((x) => x.name === c.container)?.[`${p.probe}Probe`];
        const threshold = spec?.failureThreshold ?? 3;
        if (p.lastResult === 'Failure' && p.consecutiveFailures > 0) parts.push(`${letter}✗${p.consecutiveFailures}/${threshold}`);
        else if (p.result === 'Success' || p.lastResult === 'Success') parts.push(`${letter}✓`);
        else parts.push(`${letter}·`);
      }
    }
  } else {
    for (const c of pod.spec.containers) {
      if (c.startupProbe) parts.push('S');
      if (c.livenessProbe) parts.push('L');
      if (c.readinessProbe) parts.push('R');
    }
  }
  return parts.length > 0 ? parts.join(' ') : '-';
}

const probesColumn: ExtraColumn = {
  name: 'PROBES',
  before: 'AGE',
  cell: (o, s) => probesCell(o as Pod, s),
  tone: (o, s) => (probesCell(o as Pod, s).includes('✗') ? 'error' : undefined),
};

// ---------- drill-downs ----------

const podsOf = (o: AnyObject, selector: LabelSelector | undefined, label: string): Drill =>
  selector ? { type: 'list', view: 'pods', scope: { label, namespace: o.metadata.namespace, labelSelector: selector } } : { type: 'describe' };

const short = (o: AnyObject): string => `${kindInfo(o.kind)?.shortNames[0] ?? o.kind.toLowerCase()}/${o.metadata.name}`;

function endpointPods(ep: Endpoints | undefined): Set<string> {
  const names = new Set<string>();
  for (const s of ep?.subsets ?? []) {
    for (const a of [...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])]) if (a.targetRef?.kind === 'Pod') names.add(a.targetRef.name);
  }
  return names;
}

function endpointsDrill(o: AnyObject, source: DashboardSource): Drill {
  const names = () => endpointPods(source.reader.get('Endpoints', o.metadata.namespace, o.metadata.name ?? ''));
  return { type: 'list', view: 'pods', scope: { label: `${short(o)} endpoints`, namespace: o.metadata.namespace, match: (p) => names().has(p.metadata.name ?? '') } };
}

const withSelector = (o: AnyObject) => (o as { spec: { selector?: LabelSelector } }).spec.selector;

// ---------- the registry ----------

const VIEWS: ResourceView[] = [
  {
    id: 'pods', kind: 'Pod', title: 'Pods', extraColumns: [probesColumn],
    tone: (o, status) => podTone(status),
  },
  {
    id: 'deployments', kind: 'Deployment', title: 'Deployments', extraColumns: [progressColumn], tone: workloadTone,
    drill: (o) => podsOf(o, withSelector(o), short(o)),
  },
  {
    id: 'replicasets', kind: 'ReplicaSet', title: 'ReplicaSets',
    tone: (o) => ((o as Deployment).status?.readyReplicas ?? 0) < ((o as Deployment).spec.replicas ?? 1) ? 'pending' : 'ok',
    drill: (o) => podsOf(o, withSelector(o), short(o)),
  },
  {
    id: 'statefulsets', kind: 'StatefulSet', title: 'StatefulSets', extraColumns: [progressColumn], tone: workloadTone,
    drill: (o) => podsOf(o, withSelector(o), short(o)),
  },
  {
    id: 'daemonsets', kind: 'DaemonSet', title: 'DaemonSets', extraColumns: [progressColumn], tone: workloadTone,
    drill: (o) => podsOf(o, withSelector(o), short(o)),
  },
  {
    id: 'jobs', kind: 'Job', title: 'Jobs',
    tone: (o, status) => (status === 'Failed' ? 'error' : status === 'Complete' ? 'done' : status === 'Terminating' ? 'terminating' : 'ok'),
    drill: (o) => podsOf(o, withSelector(o), `job/${o.metadata.name}`),
  },
  {
    id: 'cronjobs', kind: 'CronJob', title: 'CronJobs',
    tone: (o) => ((o as CronJob).spec.suspend ? 'done' : 'ok'),
    drill: (o) => ({
      type: 'list', view: 'jobs',
      scope: { label: `cj/${o.metadata.name}`, namespace: o.metadata.namespace, match: (j) => !!j.metadata.ownerReferences?.some((r) => r.uid === o.metadata.uid) },
    }),
  },
  { id: 'services', kind: 'Service', title: 'Services', drill: endpointsDrill },
  { id: 'endpoints', kind: 'Endpoints', title: 'Endpoints', drill: endpointsDrill },
  {
    id: 'nodes', kind: 'Node', title: 'Nodes', extraColumns: nodeColumns,
    tone: (o, status) => (status.startsWith('NotReady') || status.startsWith('Unknown') ? 'error' : status.includes('SchedulingDisabled') ? 'pending' : 'ok'),
    drill: (o) => ({ type: 'list', view: 'pods', scope: { label: `node/${o.metadata.name}`, fieldSelector: `spec.nodeName=${o.metadata.name}` } }),
  },
  {
    id: 'persistentvolumes', kind: 'PersistentVolume', title: 'PersistentVolumes',
    tone: (o, status) => (status === 'Failed' ? 'error' : status === 'Released' ? 'done' : status === 'Pending' ? 'pending' : 'ok'),
  },
  {
    id: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', title: 'PersistentVolumeClaims',
    tone: (o, status) => (status === 'Lost' ? 'error' : status === 'Pending' ? 'pending' : 'ok'),
    drill: (o) => ({
      type: 'list', view: 'pods',
      scope: {
        label: `pvc/${o.metadata.name}`, namespace: o.metadata.namespace,
        match: (p) => !!(p as Pod).spec.volumes?.some((v) => v.persistentVolumeClaim?.claimName === (o as PersistentVolumeClaim).metadata.name),
      },
    }),
  },
  { id: 'events', kind: 'Event', title: 'Events', tone: (o) => ((o as { type?: string }).type === 'Warning' ? 'error' : 'ok') },
  {
    id: 'namespaces', kind: 'Namespace', title: 'Namespaces',
    tone: (o, status) => (status === 'Terminating' ? 'terminating' : 'ok'),
    drill: (o) => ({ type: 'list', view: 'pods', namespace: o.metadata.name ?? 'default' }),
  },
  { id: 'configmaps', kind: 'ConfigMap', title: 'ConfigMaps' },
  { id: 'secrets', kind: 'Secret', title: 'Secrets' },
  { id: 'storageclasses', kind: 'StorageClass', title: 'StorageClasses' },
];

const byId = new Map(VIEWS.map((v) => [v.id, v]));

export function views(): readonly ResourceView[] {
  return VIEWS;
}

export function viewById(id: string): ResourceView | undefined {
  return byId.get(id);
}

export function viewForKind(kind: KindName): ResourceView | undefined {
  return VIEWS.find((v) => v.kind === kind);
}

/** Adds or replaces a view (the panels helper may add columns this way). */
export function registerView(view: ResourceView): void {
  const i = VIEWS.findIndex((v) => v.id === view.id);
  if (i >= 0) VIEWS[i] = view;
  else VIEWS.push(view);
  byId.set(view.id, view);
}

/** Every name `:` accepts for a view: kubectl's plural, singular, short names and `name.group`. */
export function viewNames(view: ResourceView): string[] {
  const info = kindInfo(view.kind);
  if (!info) return [view.id];
  const names = [info.plural, info.singular, ...info.shortNames];
  return [...names, ...(info.group ? names.map((n) => `${n}.${info.group}`) : [])];
}

export function resolveView(name: string): ResourceView | undefined {
  const n = name.toLowerCase();
  return VIEWS.find((v) => v.id === n || viewNames(v).includes(n));
}
