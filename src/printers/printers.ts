/** One row printer per kind, with kubectl's columns (pkg/printers/internalversion/printers.go). */
import type { KubeObject } from '../engine/api/meta.js';
import type {
  ConfigMap, ControllerRevision, CronJob, DaemonSet, Deployment, Endpoints, Event, Job, KindMap, KindName, Namespace, Node,
  PersistentVolume, PersistentVolumeClaim, Pod, ReplicaSet, Secret, Service, StatefulSet, StorageClass,
} from '../engine/api/types.js';
import { kindInfo } from '../engine/api/kinds.js';
import { age, humanDuration } from './humanDuration.js';
import {
  accessModesString, containerCells, controllerOf, formatLabelSelector, formatLabels, joinHostPort, printBool, selectorString,
} from './format.js';
import { summarizePod } from './podStatus.js';
import { canonicalQuantity } from './quantity.js';
import type { Column, Table } from './table.js';

export interface PrintContext {
  /** Epoch milliseconds: the clock the ages are measured against. */
  now: number;
  /** Set for -o wide: a LoadBalancer's EXTERNAL-IP is only clipped in the narrow form. */
  wide?: boolean;
}

export interface KindPrinter<T> {
  columns: Column[];
  /** One cell per column, wide columns included. */
  row(object: T, ctx: PrintContext): string[];
}

const col = (name: string, wide = false): Column => (wide ? { name, wide } : { name });
const cols = (names: string[], wideNames: string[] = []): Column[] => [...names.map((n) => col(n)), ...wideNames.map((n) => col(n, true))];
const ageOf = (o: KubeObject, ctx: PrintContext): string => age(o.metadata.creationTimestamp, ctx.now);
const num = (n: number | undefined): string => String(n ?? 0);

// ---------- workloads ----------

const podPrinter: KindPrinter<Pod> = {
  columns: cols(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'], ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']),
  row(pod, ctx) {
    const s = summarizePod(pod, ctx.now);
    const conditions = pod.status?.conditions ?? [];
    const gates = pod.spec.readinessGates ?? [];
    const readinessGates = gates.length === 0
      ? '<none>'
      : `${gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length}/${gates.length}`;
    const ip = pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || '<none>';
    return [
      pod.metadata.name ?? '', s.ready, s.status, s.restarts, ageOf(pod, ctx),
      ip, pod.spec.nodeName || '<none>', pod.status?.nominatedNodeName || '<none>', readinessGates,
    ];
  },
};

const deploymentPrinter: KindPrinter<Deployment> = {
  columns: cols(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']),
  row(d, ctx) {
    const st = d.status ?? {};
    return [
      d.metadata.name ?? '', `${st.readyReplicas ?? 0}/${d.spec.replicas ?? 1}`, num(st.updatedReplicas), num(st.availableReplicas),
      ageOf(d, ctx), ...containerCells(d.spec.template.spec.containers), selectorString(d.spec.selector),
    ];
  },
};

const replicaSetPrinter: KindPrinter<ReplicaSet> = {
  columns: cols(['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']),
  row(rs, ctx) {
    return [
      rs.metadata.name ?? '', num(rs.spec.replicas ?? 1), num(rs.status?.replicas), num(rs.status?.readyReplicas), ageOf(rs, ctx),
      ...containerCells(rs.spec.template.spec.containers), formatLabelSelector(rs.spec.selector),
    ];
  },
};

const statefulSetPrinter: KindPrinter<StatefulSet> = {
  columns: cols(['NAME', 'READY', 'AGE'], ['CONTAINERS', 'IMAGES']),
  row(sts, ctx) {
    return [
      sts.metadata.name ?? '', `${sts.status?.readyReplicas ?? 0}/${sts.spec.replicas ?? 1}`, ageOf(sts, ctx),
      ...containerCells(sts.spec.template.spec.containers),
    ];
  },
};

const daemonSetPrinter: KindPrinter<DaemonSet> = {
  columns: cols(['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']),
  row(ds, ctx) {
    const st = ds.status;
    return [
      ds.metadata.name ?? '', num(st?.desiredNumberScheduled), num(st?.currentNumberScheduled), num(st?.numberReady),
      num(st?.updatedNumberScheduled), num(st?.numberAvailable), formatLabels(ds.spec.template.spec.nodeSelector), ageOf(ds, ctx),
      ...containerCells(ds.spec.template.spec.containers), formatLabelSelector(ds.spec.selector),
    ];
  },
};

const hasCondition = (conditions: { type: string; status: string }[] | undefined, type: string): boolean =>
  conditions?.find((c) => c.type === type)?.status === 'True';

export function jobStatus(job: Job): string {
  const conditions = job.status?.conditions;
  if (hasCondition(conditions, 'Complete')) return 'Complete';
  if (hasCondition(conditions, 'Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (hasCondition(conditions, 'Suspended')) return 'Suspended';
  if (hasCondition(conditions, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export function jobCompletions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  if (job.spec.completions !== undefined && job.spec.completions !== null) return `${succeeded}/${job.spec.completions}`;
  const parallelism = job.spec.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

export function jobDuration(job: Job, now: number): string {
  const start = job.status?.startTime;
  if (!start) return '';
  const end = job.status?.completionTime ? Date.parse(job.status.completionTime) : now;
  return humanDuration(end - Date.parse(start));
}

const jobPrinter: KindPrinter<Job> = {
  columns: cols(['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']),
  row(job, ctx) {
    return [
      job.metadata.name ?? '', jobStatus(job), jobCompletions(job), jobDuration(job, ctx.now), ageOf(job, ctx),
      ...containerCells(job.spec.template.spec.containers), formatLabelSelector(job.spec.selector),
    ];
  },
};

const cronJobPrinter: KindPrinter<CronJob> = {
  columns: cols(['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']),
  row(cj, ctx) {
    const last = cj.status?.lastScheduleTime;
    return [
      cj.metadata.name ?? '', cj.spec.schedule, cj.spec.timeZone ?? '<none>',
      // The API server defaults suspend to false, so an absent value means False.
      printBool(cj.spec.suspend), String(cj.status?.active?.length ?? 0), last ? age(last, ctx.now) : '<none>', ageOf(cj, ctx),
      ...containerCells(cj.spec.jobTemplate.spec.template.spec.containers), formatLabelSelector(cj.spec.jobTemplate.spec.selector),
    ];
  },
};

const controllerRevisionPrinter: KindPrinter<ControllerRevision> = {
  columns: cols(['NAME', 'CONTROLLER', 'REVISION', 'AGE']),
  row(cr, ctx) {
    const ref = controllerOf(cr.metadata);
    let controller = '<none>';
    if (ref) {
      const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
      controller = `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}`;
    }
    return [cr.metadata.name ?? '', controller, String(cr.revision), ageOf(cr, ctx)];
  },
};

// ---------- networking ----------

const LOAD_BALANCER_WIDTH = 16;

function loadBalancerIngress(svc: Service, wide: boolean): string {
  const set = new Set<string>();
  for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
    if (ing.ip) set.add(ing.ip);
    else if (ing.hostname) set.add(ing.hostname);
  }
  const r = [...set].sort().join(',');
  return !wide && r.length > LOAD_BALANCER_WIDTH ? `${r.slice(0, LOAD_BALANCER_WIDTH - 3)}...` : r;
}

export function serviceExternalIP(svc: Service, wide: boolean): string {
  const external = svc.spec.externalIPs ?? [];
  switch (svc.spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(svc, wide);
      if (external.length > 0) return [...(lb ? lb.split(',') : []), ...external].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return svc.spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

export function servicePorts(svc: Service): string {
  const text = (svc.spec.ports ?? [])
    .map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`))
    .join(',');
  return text || '<none>';
}

const servicePrinter: KindPrinter<Service> = {
  columns: cols(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'], ['SELECTOR']),
  row(svc, ctx) {
    const clusterIP = svc.spec.clusterIPs?.[0] || svc.spec.clusterIP || '<none>';
    return [
      svc.metadata.name ?? '', svc.spec.type ?? 'ClusterIP', clusterIP, serviceExternalIP(svc, !!ctx.wide), servicePorts(svc),
      ageOf(svc, ctx), formatLabels(svc.spec.selector),
    ];
  },
};

/** formatEndpoints: up to three `ip:port`, then ` + N more...`; `ports` limits to port names (the describe form). */
export function formatEndpoints(ep: Endpoints | undefined, ports?: ReadonlySet<string>): string {
  const subsets = ep?.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let more = false;
  let count = 0;
  const add = (text: string): boolean => {
    if (list.length === max) {
      more = true;
      return false;
    }
    list.push(text);
    return true;
  };
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    if (!ss.ports || ss.ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) if (!add(a.ip)) break;
      continue;
    }
    for (const port of ss.ports) {
      if (ports && !ports.has(port.name ?? '')) continue;
      count += addresses.length;
      for (const a of addresses) if (!add(joinHostPort(a.ip, port.port))) break;
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

const endpointsPrinter: KindPrinter<Endpoints> = {
  columns: cols(['NAME', 'ENDPOINTS', 'AGE']),
  row: (ep, ctx) => [ep.metadata.name ?? '', formatEndpoints(ep), ageOf(ep, ctx)],
};

// ---------- cluster ----------

const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';

export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith(NODE_ROLE_PREFIX) && k.length > NODE_ROLE_PREFIX.length) roles.add(k.slice(NODE_ROLE_PREFIX.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort();
}

export function nodeStatus(node: Node): string {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

const nodeAddress = (node: Node, type: string): string => node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';

const nodePrinter: KindPrinter<Node> = {
  columns: cols(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'], ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']),
  row(node, ctx) {
    const info = node.status?.nodeInfo;
    return [
      node.metadata.name ?? '', nodeStatus(node), nodeRoles(node).join(',') || '<none>', ageOf(node, ctx), info?.kubeletVersion ?? '',
      nodeAddress(node, 'InternalIP'), nodeAddress(node, 'ExternalIP'), info?.osImage || '<unknown>', info?.kernelVersion || '<unknown>',
      info?.containerRuntimeVersion || '<unknown>',
    ];
  },
};

const namespacePrinter: KindPrinter<Namespace> = {
  columns: cols(['NAME', 'STATUS', 'AGE']),
  row: (ns, ctx) => [ns.metadata.name ?? '', ns.status?.phase ?? '', ageOf(ns, ctx)],
};

const configMapPrinter: KindPrinter<ConfigMap> = {
  columns: cols(['NAME', 'DATA', 'AGE']),
  row: (cm, ctx) => [
    cm.metadata.name ?? '', String(Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length), ageOf(cm, ctx),
  ],
};

const secretPrinter: KindPrinter<Secret> = {
  columns: cols(['NAME', 'TYPE', 'DATA', 'AGE']),
  row: (s, ctx) => [
    s.metadata.name ?? '', s.type ?? 'Opaque', String(new Set([...Object.keys(s.data ?? {}), ...Object.keys(s.stringData ?? {})]).size),
    ageOf(s, ctx),
  ],
};

// ---------- storage ----------

const persistentVolumeClass = (pv: PersistentVolume): string =>
  pv.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? pv.spec.storageClassName ?? '';
const claimClass = (pvc: PersistentVolumeClaim): string =>
  pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? pvc.spec.storageClassName ?? '';

const persistentVolumePrinter: KindPrinter<PersistentVolume> = {
  columns: cols(
    ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE'],
    ['VOLUMEMODE'],
  ),
  row(pv, ctx) {
    const claim = pv.spec.claimRef ? `${pv.spec.claimRef.namespace ?? ''}/${pv.spec.claimRef.name ?? ''}` : '';
    const phase = pv.metadata.deletionTimestamp ? 'Terminating' : pv.status?.phase ?? '';
    return [
      pv.metadata.name ?? '', canonicalQuantity(pv.spec.capacity?.storage ?? '0'), accessModesString(pv.spec.accessModes),
      pv.spec.persistentVolumeReclaimPolicy ?? '', phase, claim, persistentVolumeClass(pv), '<unset>', pv.status?.reason ?? '',
      ageOf(pv, ctx), pv.spec.volumeMode ?? '<unset>',
    ];
  },
};

const persistentVolumeClaimPrinter: KindPrinter<PersistentVolumeClaim> = {
  columns: cols(['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE'], ['VOLUMEMODE']),
  row(pvc, ctx) {
    const bound = !!pvc.spec.volumeName;
    const phase = pvc.metadata.deletionTimestamp ? 'Terminating' : pvc.status?.phase ?? '';
    return [
      pvc.metadata.name ?? '', phase, pvc.spec.volumeName ?? '', bound ? canonicalQuantity(pvc.status?.capacity?.storage ?? '0') : '',
      bound ? accessModesString(pvc.status?.accessModes) : '', claimClass(pvc), '<unset>', ageOf(pvc, ctx),
      pvc.spec.volumeMode ?? '<unset>',
    ];
  },
};

export function isDefaultStorageClass(sc: StorageClass): boolean {
  const a = sc.metadata.annotations ?? {};
  return a['storageclass.kubernetes.io/is-default-class'] === 'true' || a['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

const storageClassPrinter: KindPrinter<StorageClass> = {
  columns: cols(['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE']),
  row: (sc, ctx) => [
    `${sc.metadata.name ?? ''}${isDefaultStorageClass(sc) ? ' (default)' : ''}`, sc.provisioner, sc.reclaimPolicy ?? 'Delete',
    sc.volumeBindingMode ?? 'Immediate', String(sc.allowVolumeExpansion ?? false), ageOf(sc, ctx),
  ],
};

// ---------- events ----------

export function eventFirstSeen(e: Event, now: number): string {
  return e.firstTimestamp ? age(e.firstTimestamp, now) : age(e.eventTime ?? undefined, now);
}

export function eventLastSeen(e: Event, now: number): string {
  return e.lastTimestamp ? age(e.lastTimestamp, now) : eventFirstSeen(e, now);
}

export function eventSource(e: Event): string {
  const component = e.source?.component || e.reportingComponent || '';
  const instance = e.source?.host || e.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

const eventPrinter: KindPrinter<Event> = {
  columns: [
    col('LAST SEEN'), col('TYPE'), col('REASON'), col('OBJECT'), col('SUBOBJECT', true), col('SOURCE', true), col('MESSAGE'),
    col('FIRST SEEN', true), col('COUNT', true), col('NAME', true),
  ],
  row(e, ctx) {
    const io = e.involvedObject;
    const kind = (io.kind ?? '').toLowerCase();
    const target = io.name ? `${kind}/${io.name}` : kind;
    return [
      eventLastSeen(e, ctx.now), e.type ?? '', e.reason ?? '', target, io.fieldPath ?? '', eventSource(e), (e.message ?? '').trim(),
      eventFirstSeen(e, ctx.now), String(e.count || 1), e.metadata.name ?? '',
    ];
  },
};

// ---------- registry ----------

type PrinterMap = { [K in KindName]: KindPrinter<KindMap[K]> };

const PRINTERS: PrinterMap = {
  Pod: podPrinter,
  Deployment: deploymentPrinter,
  ReplicaSet: replicaSetPrinter,
  StatefulSet: statefulSetPrinter,
  DaemonSet: daemonSetPrinter,
  Job: jobPrinter,
  CronJob: cronJobPrinter,
  Service: servicePrinter,
  Endpoints: endpointsPrinter,
  Node: nodePrinter,
  Namespace: namespacePrinter,
  ConfigMap: configMapPrinter,
  Secret: secretPrinter,
  PersistentVolume: persistentVolumePrinter,
  PersistentVolumeClaim: persistentVolumeClaimPrinter,
  StorageClass: storageClassPrinter,
  ControllerRevision: controllerRevisionPrinter,
  Event: eventPrinter,
};

export function printerFor<K extends KindName>(kind: K): KindPrinter<KindMap[K]> {
  return PRINTERS[kind];
}

/** The full table of one kind (wide cells included; formatTable drops what is not shown). */
export function buildTable<K extends KindName>(kind: K, objects: readonly KindMap[K][], ctx: PrintContext): Table<KindMap[K]> {
  const printer = printerFor(kind);
  return { columns: printer.columns, rows: objects.map((object) => ({ object, cells: printer.row(object, ctx) })) };
}

/** `deployment.apps` / `pod`: the prefix kubectl puts before names when it prints several kinds. */
export function kindPrefix(kind: KindName): string {
  const info = kindInfo(kind);
  return info?.group ? `${info.singular}.${info.group}` : kind.toLowerCase();
}
