/**
 * The scheduler's view of the cluster, kept incrementally from watch events (like kube-scheduler's cache and
 * snapshot): per node its allocatable, what its pods request, its taints, labels, images and host ports; assigned
 * pods by namespace; pods with inter-pod affinity; counts of pods matching a selector, per node.
 * Terminal pods (Succeeded, Failed) are invisible, as to the real scheduler's informer.
 */
import type { Labels } from '../api/meta.js';
import type { Node, Pod, Taint } from '../api/types.js';
import { LabelIndex } from '../labelIndex.js';
import { jsonEqual } from '../store/immutable.js';
import { matches, type Requirement, type Selector } from '../selectors.js';
import { podAffinityInfo, type PodAffinityInfo } from './podAffinity.js';
import { parseAllocatable, podRequests, type Allocatable, type PodRequests } from './resources.js';

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

export interface PodRecord {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  pod: Pod;
  labels: Labels | undefined;
  node: NodeInfo;
  readonly requests: PodRequests;
  deleting: boolean;
  readonly hostPorts: readonly HostPort[];
  readonly affinity: PodAffinityInfo | null;
  /** Chosen by the scheduler but not bound yet (waiting for its volumes). */
  assumed: boolean;
}

export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
const REGION_LABEL = 'topology.kubernetes.io/region';
const BETA_ZONE_LABEL = 'failure-domain.beta.kubernetes.io/zone';
const BETA_REGION_LABEL = 'failure-domain.beta.kubernetes.io/region';

function zoneKey(labels: Labels | undefined): string {
  const zone = labels?.[ZONE_LABEL] ?? labels?.[BETA_ZONE_LABEL] ?? '';
  const region = labels?.[REGION_LABEL] ?? labels?.[BETA_REGION_LABEL] ?? '';
  return zone === '' && region === '' ? '' : `${region}:\x00:${zone}`;
}

/** kube-scheduler's normalizedImageName: an image without a tag is `:latest`. */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

/** Whether two versions of a node are the same to the scheduler (as JSON: equal copies are the same). */
function sameForScheduling(a: Node, b: Node): boolean {
  return (a.spec?.unschedulable === true) === (b.spec?.unschedulable === true)
    && jsonEqual(a.metadata.labels ?? {}, b.metadata.labels ?? {})
    && jsonEqual(a.spec?.taints ?? [], b.spec?.taints ?? [])
    && jsonEqual(a.status?.allocatable ?? {}, b.status?.allocatable ?? {})
    && jsonEqual(a.status?.images ?? [], b.status?.images ?? []);
}

export class NodeInfo {
  node: Node | undefined;
  labels: Labels = {};
  unschedulable = false;
  /** taints.length and preferNoScheduleTaints.length beside `unschedulable`: the filter and score loops look at them for hundreds of nodes a pod, and an untainted node's arrays need not be read. */
  taintCount = 0;
  preferNoScheduleCount = 0;
  taints: readonly Taint[] = [];
  preferNoScheduleTaints: readonly Taint[] = [];
  alloc: Allocatable = parseAllocatable(undefined);
  /** alloc's cpu, memory and pods, flat: the filter and score loops read them for hundreds of nodes per pod. */
  allocCpu = 0.5;
  allocMemory = 0.5;
  allocPods = 0.5;
  images: ReadonlyMap<string, number> = new Map();
  zone = '';
  /** Its hostname and zone labels, the usual topology keys: PodTopologySpread reads them for hundreds of nodes a pod. */
  hostnameLabel: string | undefined = undefined;
  zoneLabel: string | undefined = undefined;

  // Start as doubles (0.5, reset in the constructor) so V8 never migrates these fields from small ints.
  requestedCpu = 0.5;
  requestedMemory = 0.5;
  requestedEphemeral = 0.5;
  readonly requestedScalar = new Map<string, number>();
  nonZeroCpu = 0.5;
  nonZeroMemory = 0.5;
  readonly pods = new Map<string, PodRecord>();
  podCount = 0;
  hostPortPods = 0;
  affinityPods = 0;

  constructor(
    readonly id: number,
    readonly name: string,
  ) {
    this.requestedCpu = this.requestedMemory = this.requestedEphemeral = this.nonZeroCpu = this.nonZeroMemory = 0;
    this.allocCpu = this.allocMemory = this.allocPods = 0;
  }

  /**
   * Takes the node's new version; says whether anything scheduling depends on changed (labels, unschedulable, taints,
   * allocatable, images): an update that changes none of them (a heartbeat) concerns no pending pod.
   */
  setNode(node: Node): boolean {
    const previous = this.node;
    this.node = node;
    this.labels = node.metadata.labels ?? {};
    this.unschedulable = node.spec?.unschedulable === true;
    this.taints = node.spec?.taints ?? [];
    this.preferNoScheduleTaints = this.taints.filter((t) => t.effect === 'PreferNoSchedule');
    this.taintCount = this.taints.length;
    this.preferNoScheduleCount = this.preferNoScheduleTaints.length;
    // Most node writes (status images, conditions) keep the stored allocatable: parsed once per version of it.
    if (!previous || previous.status?.allocatable !== node.status?.allocatable) this.alloc = parseAllocatable(node.status?.allocatable);
    this.allocCpu = this.alloc.cpu;
    this.allocMemory = this.alloc.memory;
    this.allocPods = this.alloc.pods;
    if (!previous || previous.status?.images !== node.status?.images) {
      const images = new Map<string, number>();
      for (const img of node.status?.images ?? []) for (const n of img.names ?? []) images.set(n, img.sizeBytes ?? 0);
      this.images = images;
    }
    this.zone = zoneKey(node.metadata.labels);
    this.hostnameLabel = this.labels[HOSTNAME_LABEL];
    this.zoneLabel = this.labels[ZONE_LABEL];
    return !previous || !sameForScheduling(previous, node);
  }

  /** Host ports in use (NodeInfo.UsedPorts). */
  usedPorts(): HostPort[] {
    const out: HostPort[] = [];
    if (this.hostPortPods === 0) return out;
    for (const p of this.pods.values()) out.push(...p.hostPorts);
    return out;
  }
}

/** Pods in one namespace matching a selector and not being deleted, counted per node (PodTopologySpread's counts). */
export class SelectorCounter {
  /** Matching live pods per node, by the node's NodeInfo (the spreading walks these: no lookup by name for each). */
  readonly live = new Map<NodeInfo, number>();
  /** The same counts by node id, once asked for (hostname spreading reads one per scored node, hundreds a pod). */
  private ids: Int32Array | undefined;

  constructor(
    readonly namespace: string,
    readonly selector: Selector,
  ) {}

  adjust(p: PodRecord, delta: 1 | -1): void {
    if (p.deleting || !matches(this.selector, p.labels)) return;
    bump(this.live, p.node, delta);
    if (this.ids && p.node.id < this.ids.length) this.ids[p.node.id]! += delta;
  }

  /** Matching live pods by node id, for ids below `nodes` at least: kept from then on, as `live` is. */
  byId(nodes: number): Int32Array {
    if (this.ids && this.ids.length >= nodes) return this.ids;
    const ids = new Int32Array(nodes);
    this.live.forEach((count, n) => {
      if (n.id < nodes) ids[n.id] = count;
    });
    return (this.ids = ids);
  }
}

function bump<K>(m: Map<K, number>, key: K, delta: number): void {
  const v = (m.get(key) ?? 0) + delta;
  if (v === 0) m.delete(key);
  else m.set(key, v);
}

const MAX_COUNTERS = 512;

/**
 * One namespace's selector counters, indexed by a label value their selector requires (its first `In`), so that a
 * pod's change visits only the counters that could count it: a fleet of 1,500 Deployments keeps 512 counters, and
 * matching every pod write against all of them was a fifth of a large rollout.
 */
class CounterIndex {
  /** Label key -> value -> counters whose selector requires that value (nested: a pod write builds no key string). */
  private readonly byLabel = new Map<string, Map<string, Set<SelectorCounter>>>();
  /** Counters whose selector requires no label value (Exists, NotIn, DoesNotExist, or empty). */
  private readonly others = new Set<SelectorCounter>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(c: SelectorCounter): void {
    const r = CounterIndex.indexed(c);
    if (!r) this.others.add(c);
    else {
      let byValue = this.byLabel.get(r.key);
      if (!byValue) this.byLabel.set(r.key, (byValue = new Map()));
      for (const v of r.values) {
        let set = byValue.get(v);
        if (!set) byValue.set(v, (set = new Set()));
        set.add(c);
      }
    }
    this.count++;
  }

  delete(c: SelectorCounter): void {
    const r = CounterIndex.indexed(c);
    if (!r) this.others.delete(c);
    else {
      const byValue = this.byLabel.get(r.key);
      for (const v of r.values) {
        const set = byValue?.get(v);
        set?.delete(c);
        if (set?.size === 0) byValue!.delete(v);
      }
      if (byValue?.size === 0) this.byLabel.delete(r.key);
    }
    this.count--;
  }

  /** Every counter that may count a pod with these labels (each once: a pod has one value per key). */
  adjust(p: PodRecord, delta: 1 | -1): void {
    for (const c of this.others) c.adjust(p, delta);
    const labels = p.labels;
    if (!labels) return;
    for (const k in labels) {
      const set = this.byLabel.get(k)?.get(labels[k]!);
      if (set) for (const c of set) c.adjust(p, delta);
    }
  }

  private static indexed(c: SelectorCounter): (Requirement & { op: 'In' }) | undefined {
    return c.selector.find((r): r is Requirement & { op: 'In' } => r.op === 'In');
  }
}

/** Nodes in kube-scheduler's nodeTree order: round-robin across zones, each zone in the order its nodes arrived. */
class NodeTree {
  private readonly zones: string[] = [];
  private readonly tree = new Map<string, NodeInfo[]>();
  private cached: NodeInfo[] | null = null;

  add(n: NodeInfo): void {
    let list = this.tree.get(n.zone);
    if (!list) {
      this.tree.set(n.zone, (list = []));
      this.zones.push(n.zone);
    }
    list.push(n);
    this.cached = null;
  }

  remove(n: NodeInfo, zone: string): void {
    const list = this.tree.get(zone);
    if (!list) return;
    const i = list.indexOf(n);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) {
      this.tree.delete(zone);
      this.zones.splice(this.zones.indexOf(zone), 1);
    }
    this.cached = null;
  }

  list(): readonly NodeInfo[] {
    if (this.cached) return this.cached;
    const out: NodeInfo[] = [];
    const lists = this.zones.map((z) => this.tree.get(z)!);
    const longest = Math.max(0, ...lists.map((l) => l.length));
    for (let i = 0; i < longest; i++) for (const l of lists) if (i < l.length) out.push(l[i]!);
    return (this.cached = out);
  }
}

export class SchedulerCache {
  private readonly infos = new Map<string, NodeInfo>();
  private readonly tree = new NodeTree();
  private readonly nodeIds = new Map<string, number>();
  /** Node names by id, so verdicts can store a node as a number. */
  readonly nodeNames: string[] = [];
  readonly podsByUid = new Map<string, PodRecord>();
  readonly podsByNamespace = new Map<string, Set<PodRecord>>();
  /** The same pods by label, per namespace: where a new selector counter starts. */
  private readonly podsByLabel = new Map<string, LabelIndex<PodRecord>>();
  /** Pods with any inter-pod affinity or anti-affinity term. */
  readonly podsWithAffinity = new Set<PodRecord>();
  /** Pods with a required anti-affinity term (they can keep others off their topology domain). */
  readonly podsWithRequiredAntiAffinity = new Set<PodRecord>();
  /** Image name -> { size, number of nodes that have it }. */
  readonly imageStates = new Map<string, { size: number; nodes: number }>();
  /** Existing nodes per value of the zone label ('' for none). */
  private readonly zoneLabelValues = new Map<string, number>();
  /** Selector counters, least recently used first; and the same by namespace, for updates. */
  private readonly counters = new Map<string, SelectorCounter>();
  private readonly countersByNamespace = new Map<string, CounterIndex>();

  /** Nodes that exist, in the scheduler's iteration order. */
  nodes(): readonly NodeInfo[] {
    return this.tree.list();
  }

  /** How many values the zone label takes on the existing nodes ('' for nodes without it). */
  zoneLabelValueCount(): number {
    return this.zoneLabelValues.size;
  }

  nodeCount(): number {
    return this.tree.list().length;
  }

  node(name: string): NodeInfo | undefined {
    const n = this.infos.get(name);
    return n?.node ? n : undefined;
  }

  nodeName(id: number): string {
    return this.nodeNames[id] ?? '';
  }

  private info(name: string): NodeInfo {
    let n = this.infos.get(name);
    if (!n) {
      let id = this.nodeIds.get(name);
      if (id === undefined) {
        id = this.nodeNames.length;
        this.nodeIds.set(name, id);
        this.nodeNames.push(name);
      }
      this.infos.set(name, (n = new NodeInfo(id, name)));
    }
    return n;
  }

  /** Adds or refreshes a node; says whether anything scheduling depends on changed. */
  upsertNode(node: Node): { added: boolean; changed: boolean } {
    const n = this.info(node.metadata.name!);
    const added = n.node === undefined;
    const zoneBefore = n.zone;
    const zoneLabelBefore = n.zoneLabel ?? '';
    // Stored objects never change in place: the same images list names the same images.
    const sameImages = !added && n.node!.status?.images === node.status?.images;
    if (!added && !sameImages) this.untrackImages(n);
    const changed = n.setNode(node);
    if (!sameImages) this.trackImages(n);
    if (added || zoneLabelBefore !== (n.zoneLabel ?? '')) {
      if (!added) bump(this.zoneLabelValues, zoneLabelBefore, -1);
      bump(this.zoneLabelValues, n.zoneLabel ?? '', 1);
    }
    if (added) this.tree.add(n);
    else if (zoneBefore !== n.zone) {
      this.tree.remove(n, zoneBefore);
      this.tree.add(n);
    }
    return { added, changed };
  }

  removeNode(name: string): void {
    const n = this.infos.get(name);
    if (!n?.node) return;
    this.untrackImages(n);
    this.tree.remove(n, n.zone);
    bump(this.zoneLabelValues, n.zoneLabel ?? '', -1);
    n.node = undefined;
    if (n.pods.size === 0) this.infos.delete(name);
  }

  private trackImages(n: NodeInfo): void {
    for (const [name, size] of n.images) {
      const s = this.imageStates.get(name);
      if (s) s.nodes++;
      else this.imageStates.set(name, { size, nodes: 1 });
    }
  }

  private untrackImages(n: NodeInfo): void {
    for (const name of n.images.keys()) {
      const s = this.imageStates.get(name);
      if (s && --s.nodes === 0) this.imageStates.delete(name);
    }
  }

  // ---------- pods ----------

  /** A pod's requests, parsed once (they cannot change): the scheduling cycle and the accounting share them. */
  private readonly requestCache = new Map<string, PodRequests>();

  requestsOf(pod: Pod): PodRequests {
    const uid = pod.metadata.uid!;
    let r = this.requestCache.get(uid) ?? this.podsByUid.get(uid)?.requests;
    if (!r) this.requestCache.set(uid, (r = podRequests(pod.spec)));
    return r;
  }

  /** Forgets the parsed requests of a pod that is gone. */
  forgetRequests(uid: string): void {
    this.requestCache.delete(uid);
  }

  /**
   * Accounts an assigned, non-terminal pod on its node (or refreshes it). Returns what changed for the queue:
   * 'added' (a new pod on a node), 'labels' (its labels or deletion state changed), or null.
   */
  upsertPod(pod: Pod, nodeName: string, assumed = false): 'added' | 'labels' | null {
    const uid = pod.metadata.uid!;
    const existing = this.podsByUid.get(uid);
    const deleting = pod.metadata.deletionTimestamp !== undefined;
    if (existing) {
      existing.pod = pod;
      if (existing.node.name === nodeName) {
        const wasAssumed = existing.assumed;
        existing.assumed = assumed;
        if (sameLabels(existing.labels, pod.metadata.labels) && existing.deleting === deleting) return wasAssumed && !assumed ? 'added' : null;
        this.countAll(existing, -1);
        const byLabel = this.podsByLabel.get(existing.namespace)!;
        byLabel.delete(existing, existing.labels);
        existing.labels = pod.metadata.labels;
        existing.deleting = deleting;
        byLabel.add(existing, existing.labels);
        this.countAll(existing, 1);
        return 'labels';
      }
      this.removePod(uid);
    }
    const record: PodRecord = {
      uid,
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name!,
      pod,
      labels: pod.metadata.labels,
      node: this.info(nodeName),
      requests: this.requestsOf(pod),
      deleting,
      hostPorts: hostPorts(pod),
      affinity: podAffinityInfo(pod),
      assumed,
    };
    this.podsByUid.set(uid, record);
    this.requestCache.delete(uid);
    const n = record.node;
    n.pods.set(uid, record);
    n.podCount = n.pods.size;
    const r = record.requests;
    n.requestedCpu += r.cpu;
    n.requestedMemory += r.memory;
    n.requestedEphemeral += r.ephemeralStorage;
    for (const [k, v] of r.scalar) n.requestedScalar.set(k, (n.requestedScalar.get(k) ?? 0) + v);
    n.nonZeroCpu += r.nonZeroCpu;
    n.nonZeroMemory += r.nonZeroMemory;
    if (record.hostPorts.length > 0) n.hostPortPods++;
    if (record.affinity) {
      n.affinityPods++;
      this.podsWithAffinity.add(record);
      if (record.affinity.requiredAntiAffinity.length > 0) this.podsWithRequiredAntiAffinity.add(record);
    }
    let ns = this.podsByNamespace.get(record.namespace);
    if (!ns) this.podsByNamespace.set(record.namespace, (ns = new Set()));
    ns.add(record);
    let byLabel = this.podsByLabel.get(record.namespace);
    if (!byLabel) this.podsByLabel.set(record.namespace, (byLabel = new LabelIndex()));
    byLabel.add(record, record.labels);
    this.countAll(record, 1);
    return 'added';
  }

  /** Forgets a pod (deleted, terminal, or an assumption given up). Returns whether it was accounted. */
  removePod(uid: string): PodRecord | undefined {
    const record = this.podsByUid.get(uid);
    if (!record) return undefined;
    this.countAll(record, -1);
    this.podsByUid.delete(uid);
    const n = record.node;
    n.pods.delete(uid);
    n.podCount = n.pods.size;
    const r = record.requests;
    n.requestedCpu -= r.cpu;
    n.requestedMemory -= r.memory;
    n.requestedEphemeral -= r.ephemeralStorage;
    for (const [k, v] of r.scalar) n.requestedScalar.set(k, (n.requestedScalar.get(k) ?? 0) - v);
    n.nonZeroCpu -= r.nonZeroCpu;
    n.nonZeroMemory -= r.nonZeroMemory;
    if (record.hostPorts.length > 0) n.hostPortPods--;
    if (record.affinity) {
      n.affinityPods--;
      this.podsWithAffinity.delete(record);
      this.podsWithRequiredAntiAffinity.delete(record);
    }
    const ns = this.podsByNamespace.get(record.namespace);
    ns?.delete(record);
    this.podsByLabel.get(record.namespace)?.delete(record, record.labels);
    if (ns?.size === 0) {
      this.podsByNamespace.delete(record.namespace);
      this.podsByLabel.delete(record.namespace);
    }
    if (!n.node && n.pods.size === 0) this.infos.delete(n.name);
    return record;
  }

  // ---------- selector counters ----------

  /** Per-node counts of the namespace's pods matching `selector`, kept up to date from now on. */
  counter(namespace: string, selector: Selector): SelectorCounter {
    // A cycle asks for one selector array several times (hostname and zone spreading), and a ReplicaSet's pods
    // share theirs (scheduled in a row after a scale-up): the same array is the last counter used then.
    if (selector === this.lastSelector && namespace === this.lastCounter?.namespace) return this.lastCounter;
    const key = `${namespace}\x00${selectorKey(selector)}`;
    let c = this.counters.get(key);
    if (c) {
      this.counters.delete(key); // most recently used last
      this.counters.set(key, c);
      this.lastSelector = selector;
      return (this.lastCounter = c);
    }
    c = new SelectorCounter(namespace, selector);
    const candidates = this.podsByLabel.get(namespace)?.candidates(selector);
    if (candidates) for (const set of candidates) for (const p of set) c.adjust(p, 1);
    else for (const p of this.podsByNamespace.get(namespace) ?? []) c.adjust(p, 1);
    this.counters.set(key, c);
    let index = this.countersByNamespace.get(namespace);
    if (!index) this.countersByNamespace.set(namespace, (index = new CounterIndex()));
    index.add(c);
    if (this.counters.size > MAX_COUNTERS) {
      const [oldestKey, oldest] = this.counters.entries().next().value!;
      this.counters.delete(oldestKey);
      const s = this.countersByNamespace.get(oldest.namespace);
      s?.delete(oldest);
      if (s?.size === 0) this.countersByNamespace.delete(oldest.namespace);
    }
    this.lastSelector = selector;
    return (this.lastCounter = c);
  }

  private lastSelector: Selector | undefined;
  private lastCounter: SelectorCounter | undefined;

  private countAll(p: PodRecord, delta: 1 | -1): void {
    this.countersByNamespace.get(p.namespace)?.adjust(p, delta);
  }
}

/** A cycle asks for the same selector array (never changed once built) for several constraints: its JSON once. */
const selectorKeys = new WeakMap<Selector, string>();

function selectorKey(selector: Selector): string {
  let key = selectorKeys.get(selector);
  if (key === undefined) selectorKeys.set(selector, (key = JSON.stringify(selector)));
  return key;
}

function sameLabels(a: Labels | undefined, b: Labels | undefined): boolean {
  if (a === b) return true;
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  for (const k of ka) if (a![k] !== b?.[k]) return false;
  return true;
}

/** The host ports a pod's containers ask for (NodePorts looks at regular containers only). */
export function hostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of pod.spec.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.hostPort && p.hostPort > 0) out.push({ ip: (p as { hostIP?: string }).hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  return out;
}
