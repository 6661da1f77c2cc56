/** `kubectl describe` (kubernetes/kubectl pkg/describe/describe.go) for the kinds the simulator serves. */
import type { KubeObject } from '../engine/api/meta.js';
import type { ResourceList } from '../engine/api/meta.js';
import type {
  AnyObject, ConfigMap, Container, CronJob, DaemonSet, Deployment, Event, Job, Namespace, Node, Pod, ReplicaSet, Secret, Service,
  StatefulSet,
} from '../engine/api/types.js';
import type { ClusterReader } from '../engine/client.js';
import { age, humanDuration } from './humanDuration.js';
import { controllerOf, formatLabelSelector, formatLabels, formatRFC1123Z, printBool, selectorString } from './format.js';
import { formatEndpoints, nodeRoles, type PrintContext } from './printers.js';
import {
  LEVEL_0, LEVEL_1, PrefixWriter, describeEvents, printAnnotationsMultiline, printLabelsMultiline, printTaintsMultiline,
  printTolerationsMultiline,
} from './describeWriter.js';
import { describeContainers, describePodTemplate, describeTopologySpread, describeVolumes } from './describeContainers.js';
import { canonicalQuantity, formatMillis, formatWhole, milliValue, parseQuantity, wholeValue, type QuantityFormat } from './quantity.js';

/** The events kubectl's searchEvents finds: same name, namespace and uid (kind too, except for pods). */
export function eventsFor(reader: ClusterReader, obj: KubeObject): Event[] {
  const { name, namespace, uid } = obj.metadata;
  const events = reader.list('Event', namespace ? { namespace } : {});
  return events.filter((e) => {
    const io = e.involvedObject;
    if (io.name !== name) return false;
    if (namespace && io.namespace && io.namespace !== namespace) return false;
    if (obj.kind !== 'Pod' && io.kind && io.kind !== obj.kind) return false;
    // Kubelets report node events with the node's name as uid.
    if (obj.kind === 'Node') return !io.uid || io.uid === uid || io.uid === name;
    return !uid || !io.uid || io.uid === uid;
  });
}

function writeHeader(w: PrefixWriter, obj: KubeObject, withNamespace = true): void {
  w.write(LEVEL_0, `Name:\t${obj.metadata.name ?? ''}\n`);
  if (withNamespace) w.write(LEVEL_0, `Namespace:\t${obj.metadata.namespace ?? ''}\n`);
}

function controlledBy(w: PrefixWriter, obj: KubeObject): void {
  const ref = controllerOf(obj.metadata);
  if (ref) w.write(LEVEL_0, `Controlled By:\t${ref.kind}/${ref.name}\n`);
}

// ---------- Pod ----------

/** qos.GetPodQOS when the status does not carry it yet. */
export function podQOS(pod: Pod): string {
  if (pod.status?.qosClass) return pod.status.qosClass;
  const containers = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
  const relevant = (list: ResourceList | undefined): Record<string, string> =>
    Object.fromEntries(Object.entries(list ?? {}).filter(([k, v]) => (k === 'cpu' || k === 'memory') && milliValue(parseQuantity(v)) !== 0));
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = relevant(c.resources?.requests);
    const lim = relevant(c.resources?.limits);
    if (Object.keys(req).length > 0 || Object.keys(lim).length > 0) any = true;
    if (!lim.cpu || !lim.memory) guaranteed = false;
    for (const r of ['cpu', 'memory']) {
      if (req[r] !== undefined && lim[r] !== undefined && milliValue(parseQuantity(req[r])) !== milliValue(parseQuantity(lim[r]))) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function describePod(pod: Pod, events: Event[], ctx: PrintContext): string {
  const w = new PrefixWriter();
  const st = pod.status ?? {};
  writeHeader(w, pod);
  if (pod.spec.priority !== undefined) w.write(LEVEL_0, `Priority:\t${pod.spec.priority}\n`);
  if (pod.spec.priorityClassName) w.write(LEVEL_0, `Priority Class Name:\t${pod.spec.priorityClassName}\n`);
  if (pod.spec.serviceAccountName) w.write(LEVEL_0, `Service Account:\t${pod.spec.serviceAccountName}\n`);
  w.write(LEVEL_0, pod.spec.nodeName ? `Node:\t${pod.spec.nodeName}/${st.hostIP ?? ''}\n` : 'Node:\t<none>\n');
  if (st.startTime) w.write(LEVEL_0, `Start Time:\t${formatRFC1123Z(st.startTime)}\n`);
  printLabelsMultiline(w, 'Labels', pod.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', pod.metadata.annotations);
  if (pod.metadata.deletionTimestamp && st.phase !== 'Failed' && st.phase !== 'Succeeded') {
    w.write(LEVEL_0, `Status:\tTerminating (lasts ${age(pod.metadata.deletionTimestamp, ctx.now)})\n`);
    const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    w.write(LEVEL_0, `Termination Grace Period:\t${grace}s\n`);
  } else {
    w.write(LEVEL_0, `Status:\t${st.phase ?? ''}\n`);
  }
  if (st.reason) w.write(LEVEL_0, `Reason:\t${st.reason}\n`);
  if (st.message) w.write(LEVEL_0, `Message:\t${st.message}\n`);
  w.write(LEVEL_0, `IP:\t${st.podIP ?? ''}\n`);
  const ips = st.podIPs ?? (st.podIP ? [{ ip: st.podIP }] : []);
  if (ips.length === 0) w.write(LEVEL_0, 'IPs:\t<none>\n');
  else {
    w.write(LEVEL_0, 'IPs:\n');
    for (const ip of ips) w.write(LEVEL_1, `IP:\t${ip.ip}\n`);
  }
  controlledBy(w, pod);
  if (st.nominatedNodeName) w.write(LEVEL_0, `NominatedNodeName:\t${st.nominatedNodeName}\n`);
  if (pod.spec.initContainers && pod.spec.initContainers.length > 0) {
    describeContainers(w, 'Init Containers', pod.spec.initContainers, st.initContainerStatuses, pod, '');
  }
  describeContainers(w, 'Containers', pod.spec.containers, st.containerStatuses, pod, '');
  const conditions = st.conditions ?? [];
  if ((pod.spec.readinessGates ?? []).length > 0) {
    w.write(LEVEL_0, 'Readiness Gates:\n  Type\tStatus\n');
    for (const g of pod.spec.readinessGates!) {
      w.write(LEVEL_1, `${g.conditionType} \t${conditions.find((c) => c.type === g.conditionType)?.status ?? '<none>'} \n`);
    }
  }
  if (conditions.length > 0) {
    w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\n');
    for (const c of conditions) w.write(LEVEL_1, `${c.type} \t${c.status} \n`);
  }
  describeVolumes(w, pod.spec.volumes, '');
  w.write(LEVEL_0, `QoS Class:\t${podQOS(pod)}\n`);
  printLabelsMultiline(w, 'Node-Selectors', pod.spec.nodeSelector);
  printTolerationsMultiline(w, 'Tolerations', pod.spec.tolerations);
  describeTopologySpread(w, pod.spec, '');
  describeEvents(w, events, ctx.now);
  return w.toString();
}

// ---------- Node ----------

interface ResourceTotals {
  cpuMilli: number;
  memory: number;
  memoryFormat?: QuantityFormat;
  ephemeral: number;
  ephemeralFormat?: QuantityFormat;
  other: Map<string, number>;
}

const emptyTotals = (): ResourceTotals => ({ cpuMilli: 0, memory: 0, ephemeral: 0, other: new Map() });

/** Requests of a container after API defaulting (a limit without a request becomes the request). */
function containerRequests(c: Container): Record<string, string> {
  return { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
}

function addList(t: ResourceTotals, list: Record<string, string>): void {
  for (const [name, text] of Object.entries(list)) {
    const q = parseQuantity(text);
    if (!q) continue;
    if (name === 'cpu') t.cpuMilli += milliValue(q);
    else if (name === 'memory') {
      t.memory += wholeValue(q);
      t.memoryFormat ??= q.format;
    } else if (name === 'ephemeral-storage') {
      t.ephemeral += wholeValue(q);
      t.ephemeralFormat ??= q.format;
    } else t.other.set(name, (t.other.get(name) ?? 0) + wholeValue(q));
  }
}

function maxInto(t: ResourceTotals, o: ResourceTotals): void {
  t.cpuMilli = Math.max(t.cpuMilli, o.cpuMilli);
  if (o.memory > t.memory) [t.memory, t.memoryFormat] = [o.memory, t.memoryFormat ?? o.memoryFormat];
  if (o.ephemeral > t.ephemeral) [t.ephemeral, t.ephemeralFormat] = [o.ephemeral, t.ephemeralFormat ?? o.ephemeralFormat];
  for (const [k, v] of o.other) t.other.set(k, Math.max(t.other.get(k) ?? 0, v));
}

/** resourcehelper.PodRequestsAndLimits: containers summed, each init container as a floor. */
export function podRequestsAndLimits(pod: Pod): { requests: ResourceTotals; limits: ResourceTotals } {
  const requests = emptyTotals();
  const limits = emptyTotals();
  for (const c of pod.spec.containers) {
    addList(requests, containerRequests(c));
    addList(limits, c.resources?.limits ?? {});
  }
  for (const c of pod.spec.initContainers ?? []) {
    const r = emptyTotals();
    addList(r, containerRequests(c));
    maxInto(requests, r);
    const l = emptyTotals();
    addList(l, c.resources?.limits ?? {});
    maxInto(limits, l);
  }
  return { requests, limits };
}

const percent = (part: number, whole: number): number => (whole === 0 ? 0 : Math.trunc((part / whole) * 100));
const memText = (t: ResourceTotals): string => formatWhole(t.memory, t.memoryFormat ?? 'BinarySI');
const ephemeralText = (t: ResourceTotals): string => formatWhole(t.ephemeral, t.ephemeralFormat ?? 'BinarySI');

function describeNodeResource(w: PrefixWriter, node: Node, pods: Pod[], ctx: PrintContext): void {
  w.write(LEVEL_0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(LEVEL_1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(LEVEL_1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const allocatable = Object.keys(node.status?.allocatable ?? {}).length > 0 ? node.status!.allocatable! : node.status?.capacity ?? {};
  const allocCpu = milliValue(parseQuantity(allocatable.cpu));
  const allocMem = wholeValue(parseQuantity(allocatable.memory));
  const allocEphemeral = wholeValue(parseQuantity(allocatable['ephemeral-storage']));
  const totalReq = emptyTotals();
  const totalLim = emptyTotals();
  for (const pod of pods) {
    const { requests: r, limits: l } = podRequestsAndLimits(pod);
    w.write(
      LEVEL_1,
      `${pod.metadata.namespace ?? ''}\t${pod.metadata.name ?? ''}\t\t` +
        `${formatMillis(r.cpuMilli)} (${percent(r.cpuMilli, allocCpu)}%)\t${formatMillis(l.cpuMilli)} (${percent(l.cpuMilli, allocCpu)}%)\t` +
        `${memText(r)} (${percent(r.memory, allocMem)}%)\t${memText(l)} (${percent(l.memory, allocMem)}%)\t` +
        `${age(pod.metadata.creationTimestamp, ctx.now)}\n`,
    );
    for (const [total, part] of [[totalReq, r], [totalLim, l]] as const) {
      total.cpuMilli += part.cpuMilli;
      total.memory += part.memory;
      total.memoryFormat ??= part.memory ? part.memoryFormat : undefined;
      total.ephemeral += part.ephemeral;
      total.ephemeralFormat ??= part.ephemeral ? part.ephemeralFormat : undefined;
      for (const [k, v] of part.other) total.other.set(k, (total.other.get(k) ?? 0) + v);
    }
  }
  w.write(LEVEL_0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(LEVEL_1, 'Resource\tRequests\tLimits\n');
  w.write(LEVEL_1, '--------\t--------\t------\n');
  w.write(LEVEL_1, `cpu\t${formatMillis(totalReq.cpuMilli)} (${percent(totalReq.cpuMilli, allocCpu)}%)\t${formatMillis(totalLim.cpuMilli)} (${percent(totalLim.cpuMilli, allocCpu)}%)\n`);
  w.write(LEVEL_1, `memory\t${memText(totalReq)} (${percent(totalReq.memory, allocMem)}%)\t${memText(totalLim)} (${percent(totalLim.memory, allocMem)}%)\n`);
  w.write(
    LEVEL_1,
    `ephemeral-storage\t${ephemeralText(totalReq)} (${percent(totalReq.ephemeral, allocEphemeral)}%)\t` +
      `${ephemeralText(totalLim)} (${percent(totalLim.ephemeral, allocEphemeral)}%)\n`,
  );
  for (const name of Object.keys(allocatable).filter((n) => n.startsWith('hugepages-')).sort()) {
    const alloc = wholeValue(parseQuantity(allocatable[name]));
    const req = totalReq.other.get(name) ?? 0;
    const lim = totalLim.other.get(name) ?? 0;
    w.write(LEVEL_1, `${name}\t${formatWhole(req, 'BinarySI')} (${percent(req, alloc)}%)\t${formatWhole(lim, 'BinarySI')} (${percent(lim, alloc)}%)\n`);
  }
}

function describeNode(node: Node, reader: ClusterReader, events: Event[], ctx: PrintContext): string {
  const w = new PrefixWriter();
  const st = node.status ?? {};
  writeHeader(w, node, false);
  w.write(LEVEL_0, `Roles:\t${nodeRoles(node).join(',') || '<none>'}\n`);
  printLabelsMultiline(w, 'Labels', node.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', node.metadata.annotations);
  w.write(LEVEL_0, `CreationTimestamp:\t${formatRFC1123Z(node.metadata.creationTimestamp)}\n`);
  printTaintsMultiline(w, 'Taints', node.spec?.taints);
  w.write(LEVEL_0, `Unschedulable:\t${!!node.spec?.unschedulable}\n`);
  // The simulator has no Lease objects: the kubelet's lease is renewed with every heartbeat, so show that.
  const heartbeat = st.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime;
  w.write(LEVEL_0, 'Lease:\n');
  w.write(LEVEL_1, `HolderIdentity:\t${node.metadata.name ?? ''}\n`);
  w.write(LEVEL_1, 'AcquireTime:\t<unset>\n');
  w.write(LEVEL_1, `RenewTime:\t${heartbeat ? formatRFC1123Z(heartbeat) : '<unset>'}\n`);
  if ((st.conditions ?? []).length > 0) {
    w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(LEVEL_1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of st.conditions!) {
      w.write(
        LEVEL_1,
        `${c.type} \t${c.status} \t${formatRFC1123Z(c.lastHeartbeatTime)} \t${formatRFC1123Z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`,
      );
    }
  }
  w.write(LEVEL_0, 'Addresses:\n');
  for (const a of st.addresses ?? []) w.write(LEVEL_1, `${a.type}:\t${a.address}\n`);
  for (const [title, list] of [['Capacity', st.capacity], ['Allocatable', st.allocatable]] as const) {
    if (Object.keys(list ?? {}).length === 0) continue;
    w.write(LEVEL_0, `${title}:\n`);
    for (const name of Object.keys(list!).sort()) w.write(LEVEL_0, `  ${name}:\t${canonicalQuantity(list![name])}\n`);
  }
  const info = st.nodeInfo;
  w.write(LEVEL_0, 'System Info:\n');
  const infoLines: [string, string | undefined][] = [
    ['Machine ID', info?.machineID], ['System UUID', info?.systemUUID], ['Boot ID', info?.bootID], ['Kernel Version', info?.kernelVersion],
    ['OS Image', info?.osImage], ['Operating System', info?.operatingSystem], ['Architecture', info?.architecture],
    ['Container Runtime Version', info?.containerRuntimeVersion], ['Kubelet Version', info?.kubeletVersion],
    ['Kube-Proxy Version', info?.kubeProxyVersion],
  ];
  for (const [k, v] of infoLines) w.write(LEVEL_0, `  ${k}:\t${v ?? ''}\n`);
  if (node.spec?.podCIDR) w.write(LEVEL_0, `PodCIDR:\t${node.spec.podCIDR}\n`);
  if (node.spec?.podCIDRs?.length) w.write(LEVEL_0, `PodCIDRs:\t${node.spec.podCIDRs.join(',')}\n`);
  if (node.spec?.providerID) w.write(LEVEL_0, `ProviderID:\t${node.spec.providerID}\n`);
  const pods = reader
    .list('Pod', { fieldSelector: `spec.nodeName=${node.metadata.name ?? ''}` })
    .filter((p) => p.spec.nodeName === node.metadata.name && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  describeNodeResource(w, node, pods, ctx);
  describeEvents(w, events, ctx.now);
  return w.toString();
}

// ---------- workload controllers ----------

function podCounts(reader: ClusterReader, owner: KubeObject): string {
  const counts = { Running: 0, Pending: 0, Succeeded: 0, Failed: 0 };
  for (const pod of reader.list('Pod', { namespace: owner.metadata.namespace })) {
    if (controllerOf(pod.metadata)?.uid !== owner.metadata.uid) continue;
    const phase = pod.status?.phase;
    if (phase && phase in counts) counts[phase as keyof typeof counts]++;
  }
  return `${counts.Running} Running / ${counts.Pending} Waiting / ${counts.Succeeded} Succeeded / ${counts.Failed} Failed`;
}

function describeConditionsWithReason(w: PrefixWriter, conditions: { type: string; status: string; reason?: string }[] | undefined): void {
  if (!conditions || conditions.length === 0) return;
  w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tReason\n');
  w.write(LEVEL_1, '----\t------\t------\n');
  for (const c of conditions) w.write(LEVEL_1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
}

/** The template without the pod-template-hash label, for finding a Deployment's new ReplicaSet. */
function templateKey(template: Deployment['spec']['template']): string {
  const labels = { ...(template.metadata?.labels ?? {}) };
  delete labels['pod-template-hash'];
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical)
    : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
    : v;
  return JSON.stringify(canonical({ ...template, metadata: { ...(template.metadata ?? {}), labels } }));
}

function describeDeployment(d: Deployment, reader: ClusterReader, events: Event[], ctx: PrintContext): string {
  const w = new PrefixWriter();
  const st = d.status ?? {};
  writeHeader(w, d);
  w.write(LEVEL_0, `CreationTimestamp:\t${formatRFC1123Z(d.metadata.creationTimestamp)}\n`);
  printLabelsMultiline(w, 'Labels', d.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', d.metadata.annotations);
  w.write(LEVEL_0, `Selector:\t${selectorString(d.spec.selector)}\n`);
  w.write(
    LEVEL_0,
    `Replicas:\t${d.spec.replicas ?? 1} desired | ${st.updatedReplicas ?? 0} updated | ${st.replicas ?? 0} total | ` +
      `${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable\n`,
  );
  const strategy = d.spec.strategy?.type ?? 'RollingUpdate';
  w.write(LEVEL_0, `StrategyType:\t${strategy}\n`);
  w.write(LEVEL_0, `MinReadySeconds:\t${d.spec.minReadySeconds ?? 0}\n`);
  if (strategy === 'RollingUpdate') {
    const ru = d.spec.strategy?.rollingUpdate ?? {};
    w.write(LEVEL_0, `RollingUpdateStrategy:\t${ru.maxUnavailable ?? '25%'} max unavailable, ${ru.maxSurge ?? '25%'} max surge\n`);
  }
  describePodTemplate(w, d.spec.template);
  describeConditionsWithReason(w, st.conditions);
  const owned = reader.list('ReplicaSet', { namespace: d.metadata.namespace }).filter((rs) => controllerOf(rs.metadata)?.uid === d.metadata.uid);
  const key = templateKey(d.spec.template);
  const byAge = [...owned].sort((a, b) => (Date.parse(a.metadata.creationTimestamp ?? '') || 0) - (Date.parse(b.metadata.creationTimestamp ?? '') || 0));
  const newRS = byAge.find((rs) => templateKey(rs.spec.template) === key);
  const oldRSs = owned.filter((rs) => rs !== newRS);
  if (owned.length > 0) {
    const list = (rss: ReplicaSet[]): string =>
      rss.map((rs) => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec.replicas ?? 1} replicas created)`).join(', ') || '<none>';
    w.write(LEVEL_0, `OldReplicaSets:\t${list(oldRSs)}\n`);
    w.write(LEVEL_0, `NewReplicaSet:\t${list(newRS ? [newRS] : [])}\n`);
  }
  describeEvents(w, events, ctx.now);
  return w.toString();
}

function describeReplicaSet(rs: ReplicaSet, reader: ClusterReader, events: Event[], ctx: PrintContext): string {
  const w = new PrefixWriter();
  writeHeader(w, rs);
  w.write(LEVEL_0, `Selector:\t${formatLabelSelector(rs.spec.selector)}\n`);
  printLabelsMultiline(w, 'Labels', rs.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', rs.metadata.annotations);
  controlledBy(w, rs);
  w.write(LEVEL_0, `Replicas:\t${rs.status?.replicas ?? 0} current / ${rs.spec.replicas ?? 1} desired\n`);
  w.write(LEVEL_0, `Pods Status:\t${podCounts(reader, rs)}\n`);
  describePodTemplate(w, rs.spec.template);
  describeConditionsWithReason(w, rs.status?.conditions);
  describeEvents(w, events, ctx.now);
  return w.toString();
}

function describeStatefulSet(sts: StatefulSet, reader: ClusterReader, events: Event[], ctx: PrintContext): string {
  const w = new PrefixWriter();
  writeHeader(w, sts);
  w.write(LEVEL_0, `CreationTimestamp:\t${formatRFC1123Z(sts.metadata.creationTimestamp)}\n`);
  w.write(LEVEL_0, `Selector:\t${selectorString(sts.spec.selector)}\n`);
  printLabelsMultiline(w, 'Labels', sts.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', sts.metadata.annotations);
  w.write(LEVEL_0, `Replicas:\t${sts.spec.replicas ?? 1} desired | ${sts.status?.replicas ?? 0} total\n`);
  w.write(LEVEL_0, `Update Strategy:\t${sts.spec.updateStrategy?.type ?? 'RollingUpdate'}\n`);
  const ru = sts.spec.updateStrategy?.rollingUpdate;
  if (ru?.partition !== undefined) {
    w.write(LEVEL_1, `Partition:\t${ru.partition}\n`);
    if (ru.maxUnavailable !== undefined) w.write(LEVEL_1, `MaxUnavailable:\t${ru.maxUnavailable}\n`);
  }
  w.write(LEVEL_0, `Pods Status:\t${podCounts(reader, sts)}\n`);
  describePodTemplate(w, sts.spec.template);
  const templates = sts.spec.volumeClaimTemplates ?? [];
  if (templates.length === 0) w.write(LEVEL_0, 'Volume Claims:\t<none>\n');
  else {
    w.write(LEVEL_0, 'Volume Claims:\n');
    for (const t of templates) {
      w.write(LEVEL_1, `Name:\t${t.metadata.name ?? ''}\n`);
      w.write(LEVEL_1, `StorageClass:\t${t.spec.storageClassName ?? ''}\n`);
      printLabelsMultiline(w, 'Labels', t.metadata.labels, '  ');
      printLabelsMultiline(w, 'Annotations', t.metadata.annotations, '  ');
      const capacity = t.spec.resources?.requests?.storage;
      w.write(LEVEL_1, `Capacity:\t${capacity ? canonicalQuantity(capacity) : '<default>'}\n`);
      w.write(LEVEL_1, `Access Modes:\t[${(t.spec.accessModes ?? []).join(' ')}]\n`);
    }
  }
  describeEvents(w, events, ctx.now);
  return w.toString();
}

function describeDaemonSet(ds: DaemonSet, reader: ClusterReader, events: Event[], ctx: PrintContext): string {
  const w = new PrefixWriter();
  const st = ds.status;
  writeHeader(w, ds);
  w.write(LEVEL_0, `Selector:\t${selectorString(ds.spec.selector)}\n`);
  w.write(LEVEL_0, `Node-Selector:\t${formatLabels(ds.spec.template.spec.nodeSelector)}\n`);
  printLabelsMultiline(w, 'Labels', ds.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', ds.metadata.annotations);
  w.write(LEVEL_0, `Desired Number of Nodes Scheduled: ${st?.desiredNumberScheduled ?? 0}\n`);
  w.write(LEVEL_0, `Current Number of Nodes Scheduled: ${st?.currentNumberScheduled ?? 0}\n`);
  w.write(LEVEL_0, `Number of Nodes Scheduled with Up-to-date Pods: ${st?.updatedNumberScheduled ?? 0}\n`);
  w.write(LEVEL_0, `Number of Nodes Scheduled with Available Pods: ${st?.numberAvailable ?? 0}\n`);
  w.write(LEVEL_0, `Number of Nodes Misscheduled: ${st?.numberMisscheduled ?? 0}\n`);
  w.write(LEVEL_0, `Pods Status:\t${podCounts(reader, ds)}\n`);
  describePodTemplate(w, ds.spec.template);
  describeEvents(w, events, ctx.now);
  return w.toString();
}

function describeJob(job: Job, events: Event[], ctx: PrintContext): string {
  const w = new PrefixWriter();
  const st = job.status ?? {};
  writeHeader(w, job);
  w.write(LEVEL_0, `Selector:\t${selectorString(job.spec.selector)}\n`);
  printLabelsMultiline(w, 'Labels', job.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', job.metadata.annotations);
  controlledBy(w, job);
  if (job.spec.parallelism !== undefined) w.write(LEVEL_0, `Parallelism:\t${job.spec.parallelism}\n`);
  w.write(LEVEL_0, `Completions:\t${job.spec.completions ?? '<unset>'}\n`);
  if (job.spec.completionMode) w.write(LEVEL_0, `Completion Mode:\t${job.spec.completionMode}\n`);
  if (job.spec.suspend !== undefined) w.write(LEVEL_0, `Suspend:\t${job.spec.suspend}\n`);
  if (job.spec.backoffLimit !== undefined) w.write(LEVEL_0, `Backoff Limit:\t${job.spec.backoffLimit}\n`);
  if (job.spec.ttlSecondsAfterFinished !== undefined) w.write(LEVEL_0, `TTL Seconds After Finished:\t${job.spec.ttlSecondsAfterFinished}\n`);
  if (st.startTime) w.write(LEVEL_0, `Start Time:\t${formatRFC1123Z(st.startTime)}\n`);
  if (st.completionTime) w.write(LEVEL_0, `Completed At:\t${formatRFC1123Z(st.completionTime)}\n`);
  if (st.startTime && st.completionTime) w.write(LEVEL_0, `Duration:\t${humanDuration(Date.parse(st.completionTime) - Date.parse(st.startTime))}\n`);
  if (job.spec.activeDeadlineSeconds !== undefined) w.write(LEVEL_0, `Active Deadline Seconds:\t${job.spec.activeDeadlineSeconds}s\n`);
  const ready = st.ready === undefined ? '' : ` (${st.ready} Ready)`;
  w.write(LEVEL_0, `Pods Statuses:\t${st.active ?? 0} Active${ready} / ${st.succeeded ?? 0} Succeeded / ${st.failed ?? 0} Failed\n`);
  if (job.spec.completionMode === 'Indexed') w.write(LEVEL_0, `Completed Indexes:\t${st.completedIndexes || '<none>'}\n`);
  describePodTemplate(w, job.spec.template);
  describeEvents(w, events, ctx.now);
  return w.toString();
}

function describeCronJob(cj: CronJob, events: Event[], ctx: PrintContext): string {
  const w = new PrefixWriter();
  const unset = (v: number | undefined, suffix = ''): string => (v === undefined ? '<unset>' : `${v}${suffix}`);
  writeHeader(w, cj);
  printLabelsMultiline(w, 'Labels', cj.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', cj.metadata.annotations);
  w.write(LEVEL_0, `Schedule:\t${cj.spec.schedule}\n`);
  w.write(LEVEL_0, `Concurrency Policy:\t${cj.spec.concurrencyPolicy ?? 'Allow'}\n`);
  w.write(LEVEL_0, `Suspend:\t${printBool(cj.spec.suspend)}\n`);
  w.write(LEVEL_0, `Successful Job History Limit:\t${unset(cj.spec.successfulJobsHistoryLimit)}\n`);
  w.write(LEVEL_0, `Failed Job History Limit:\t${unset(cj.spec.failedJobsHistoryLimit)}\n`);
  w.write(LEVEL_0, `Starting Deadline Seconds:\t${unset(cj.spec.startingDeadlineSeconds, 's')}\n`);
  const jt = cj.spec.jobTemplate.spec;
  w.write(LEVEL_0, `Selector:\t${jt.selector ? selectorString(jt.selector) : '<unset>'}\n`);
  w.write(LEVEL_0, `Parallelism:\t${unset(jt.parallelism)}\n`);
  w.write(LEVEL_0, `Completions:\t${unset(jt.completions)}\n`);
  if (jt.activeDeadlineSeconds !== undefined) w.write(LEVEL_0, `Active Deadline Seconds:\t${jt.activeDeadlineSeconds}s\n`);
  describePodTemplate(w, jt.template);
  const last = cj.status?.lastScheduleTime;
  w.write(LEVEL_0, `Last Schedule Time:\t${last ? formatRFC1123Z(last) : '<unset>'}\n`);
  const active = cj.status?.active ?? [];
  w.write(LEVEL_0, `Active Jobs:\t${active.length === 0 ? '<none>' : active.map((j) => j.name ?? '').join(', ')}\n`);
  describeEvents(w, events, ctx.now);
  return w.toString();
}

// ---------- Service and config ----------

function describeService(svc: Service, reader: ClusterReader, events: Event[], ctx: PrintContext): string {
  const w = new PrefixWriter();
  const spec = svc.spec;
  writeHeader(w, svc);
  printLabelsMultiline(w, 'Labels', svc.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', svc.metadata.annotations);
  w.write(LEVEL_0, `Selector:\t${formatLabels(spec.selector)}\n`);
  w.write(LEVEL_0, `Type:\t${spec.type ?? 'ClusterIP'}\n`);
  if (spec.ipFamilyPolicy) w.write(LEVEL_0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
  w.write(LEVEL_0, `IP Families:\t${spec.ipFamilies?.length ? spec.ipFamilies.join(',') : '<none>'}\n`);
  w.write(LEVEL_0, `IP:\t${spec.clusterIP ?? ''}\n`);
  w.write(LEVEL_0, `IPs:\t${spec.clusterIPs?.length ? spec.clusterIPs.join(',') : '<none>'}\n`);
  if (spec.externalIPs?.length) w.write(LEVEL_0, `External IPs:\t${spec.externalIPs.join(',')}\n`);
  if (spec.loadBalancerIP) w.write(LEVEL_0, `Desired LoadBalancer IP:\t${spec.loadBalancerIP}\n`);
  if (spec.externalName) w.write(LEVEL_0, `External Name:\t${spec.externalName}\n`);
  const ingress = svc.status?.loadBalancer?.ingress ?? [];
  if (ingress.length > 0) w.write(LEVEL_0, `LoadBalancer Ingress:\t${ingress.map((i) => i.ip || i.hostname || '').join(', ')}\n`);
  const endpoints = reader.get('Endpoints', svc.metadata.namespace, svc.metadata.name ?? '');
  for (const p of spec.ports ?? []) {
    const name = p.name || '<unset>';
    const protocol = p.protocol ?? 'TCP';
    w.write(LEVEL_0, `Port:\t${name}\t${p.port}/${protocol}\n`);
    w.write(LEVEL_0, `TargetPort:\t${p.targetPort ?? p.port}/${protocol}\n`);
    if (p.nodePort) w.write(LEVEL_0, `NodePort:\t${name}\t${p.nodePort}/${protocol}\n`);
    w.write(LEVEL_0, `Endpoints:\t${formatEndpoints(endpoints, new Set([p.name ?? '']))}\n`);
  }
  w.write(LEVEL_0, `Session Affinity:\t${spec.sessionAffinity ?? 'None'}\n`);
  if (spec.externalTrafficPolicy) w.write(LEVEL_0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`);
  if (spec.internalTrafficPolicy) w.write(LEVEL_0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
  describeEvents(w, events, ctx.now);
  return w.toString();
}

function describeNamespace(ns: Namespace): string {
  const w = new PrefixWriter();
  writeHeader(w, ns, false);
  printLabelsMultiline(w, 'Labels', ns.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', ns.metadata.annotations);
  w.write(LEVEL_0, `Status:\t${ns.status?.phase ?? ''}\n`);
  // The simulator serves no ResourceQuota or LimitRange, which kubectl reports like this.
  w.write(LEVEL_0, '\nNo resource quota.\n');
  w.write(LEVEL_0, '\nNo LimitRange resource.\n');
  return w.toString();
}

function describeConfigMap(cm: ConfigMap, events: Event[], ctx: PrintContext): string {
  const w = new PrefixWriter();
  writeHeader(w, cm);
  printLabelsMultiline(w, 'Labels', cm.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', cm.metadata.annotations);
  w.write(LEVEL_0, '\nData\n====\n');
  for (const k of Object.keys(cm.data ?? {}).sort()) w.write(LEVEL_0, `${k}:\n----\n${cm.data![k]}\n\n`);
  w.write(LEVEL_0, '\nBinaryData\n====\n');
  for (const k of Object.keys(cm.binaryData ?? {}).sort()) w.write(LEVEL_0, `${k}: ${Buffer.from(cm.binaryData![k]!, 'base64').length} bytes\n`);
  w.write(LEVEL_0, '\n');
  describeEvents(w, events, ctx.now);
  return w.toString();
}

function describeSecret(s: Secret): string {
  const w = new PrefixWriter();
  writeHeader(w, s);
  printLabelsMultiline(w, 'Labels', s.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', s.metadata.annotations);
  w.write(LEVEL_0, `\nType:\t${s.type ?? 'Opaque'}\n`);
  w.write(LEVEL_0, '\nData\n====\n');
  const sizes = new Map<string, number>();
  for (const [k, v] of Object.entries(s.data ?? {})) sizes.set(k, Buffer.from(v, 'base64').length);
  for (const [k, v] of Object.entries(s.stringData ?? {})) sizes.set(k, Buffer.byteLength(v));
  for (const k of [...sizes.keys()].sort()) w.write(LEVEL_0, `${k}:\t${sizes.get(k)} bytes\n`);
  return w.toString();
}

// ---------- generic ----------

const ACRONYMS = new Set(['API', 'URL', 'UID', 'OSB', 'GUID']);

/** smartLabelFor: `apiVersion` -> `API Version`, `creationTimestamp` -> `Creation Timestamp`. */
export function smartLabelFor(field: string): string {
  if (/[^A-Za-z-]/.test(field)) return field;
  const parts = field.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[^A-Za-z]+/g) ?? [field];
  return parts.map((p) => (ACRONYMS.has(p.toUpperCase()) ? p.toUpperCase() : p.charAt(0).toUpperCase() + p.slice(1))).join(' ');
}

function printUnstructured(w: PrefixWriter, level: number, content: Record<string, unknown>, prefix: string, skip: Set<string>): void {
  for (const field of Object.keys(content).sort()) {
    const value = content[field];
    const path = `${prefix}.${field}`;
    if (skip.has(path) || value === undefined) continue;
    if (Array.isArray(value)) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      for (const child of value) {
        if (child && typeof child === 'object') printUnstructured(w, level + 1, child as Record<string, unknown>, path, skip);
        else w.write(level + 1, `${String(child)}\n`);
      }
    } else if (value && typeof value === 'object') {
      w.write(level, `${smartLabelFor(field)}:\n`);
      printUnstructured(w, level + 1, value as Record<string, unknown>, path, skip);
    } else {
      w.write(level, `${smartLabelFor(field)}:\t${value === null ? '<nil>' : String(value)}\n`);
    }
  }
}

const GENERIC_SKIP = new Set(['.metadata.managedFields', '.metadata.name', '.metadata.namespace', '.metadata.labels', '.metadata.annotations']);

function describeGeneric(obj: KubeObject, events: Event[], ctx: PrintContext): string {
  const w = new PrefixWriter();
  writeHeader(w, obj);
  printLabelsMultiline(w, 'Labels', obj.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', obj.metadata.annotations);
  printUnstructured(w, LEVEL_0, obj as unknown as Record<string, unknown>, '', GENERIC_SKIP);
  describeEvents(w, events, ctx.now);
  return w.toString();
}

/** The text of `kubectl describe <kind> <name>` for one object. */
export function describe(object: AnyObject, reader: ClusterReader, ctx: PrintContext): string {
  const events = (): Event[] => eventsFor(reader, object);
  switch (object.kind) {
    case 'Pod': return describePod(object, events(), ctx);
    case 'Node': return describeNode(object, reader, events(), ctx);
    case 'Deployment': return describeDeployment(object, reader, events(), ctx);
    case 'ReplicaSet': return describeReplicaSet(object, reader, events(), ctx);
    case 'StatefulSet': return describeStatefulSet(object, reader, events(), ctx);
    case 'DaemonSet': return describeDaemonSet(object, reader, events(), ctx);
    case 'Job': return describeJob(object, events(), ctx);
    case 'CronJob': return describeCronJob(object, events(), ctx);
    case 'Service': return describeService(object, reader, events(), ctx);
    case 'Namespace': return describeNamespace(object);
    case 'ConfigMap': return describeConfigMap(object, events(), ctx);
    case 'Secret': return describeSecret(object);
    default: return describeGeneric(object, events(), ctx);
  }
}
