/**
 * The guarantees Kubernetes' controllers keep whatever users do (issue 8, part 2), checked on a live simulated
 * cluster at every settled state of the virtual clock (after each timer and each write), and at the moments that
 * matter (a pod created, a pod bound) through the watch stream. Read-only: it never changes what it observes.
 *
 * How things are counted follows ../shared/reference/kubernetes-behaviour.md: a pod counts for a ReplicaSet, a Job or
 * a DaemonSet while it is active (neither terminal nor terminating); maxSurge/maxUnavailable resolve against
 * spec.replicas (surge rounded up, unavailable down, both 0 -> unavailable 1; Recreate: 0 and 0).
 */
import type { AnyObject, DaemonSet, Deployment, Job, Node, Pod, StatefulSet, Toleration } from '../../../src/engine/api/types.js';
import type { Cluster } from '../../../src/engine/cluster.js';
import { isPodAvailable } from '../../../src/engine/controllers/podState.js';

export interface Violation {
  /** Virtual ms since the start. */
  at: number;
  invariant: string;
  detail: string;
}

const isActive = (p: Pod) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';
const ownerUid = (o: AnyObject) => o.metadata.ownerReferences?.find((r) => r.controller)?.uid;

function scaled(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const pct = Number(v.replace('%', ''));
  return roundUp ? Math.ceil((pct * total) / 100) : Math.floor((pct * total) / 100);
}

/** (maxSurge, maxUnavailable) as the Deployment controller resolves them for `replicas`. */
export function deploymentFenceposts(d: Deployment): { surge: number; unavailable: number } {
  const replicas = d.spec.replicas ?? 1;
  if (d.spec.strategy?.type === 'Recreate') return { surge: 0, unavailable: 0 };
  const ru = d.spec.strategy?.rollingUpdate;
  let surge = scaled(ru?.maxSurge ?? '25%', replicas, true);
  let unavailable = scaled(ru?.maxUnavailable ?? '25%', replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  if (replicas === 0) unavailable = 0;
  return { surge, unavailable: Math.min(unavailable, replicas) };
}

/** Whether `pod` belongs to a ReplicaSet that lost one of the `lost` pods. */
function lostFromSameReplicaSet(pod: Pod, lost: readonly string[], pods: readonly Pod[]): boolean {
  const rs = ownerUid(pod);
  return pods.some((p) => lost.includes(p.metadata.name!) && ownerUid(p) === rs);
}

function tolerates(tolerations: readonly Toleration[] | undefined, key: string, effect: string, value?: string): boolean {
  return (tolerations ?? []).some(
    (t) => (t.effect === undefined || t.effect === '' || t.effect === effect) &&
      (t.key === undefined || t.key === '' ? t.operator === 'Exists' : t.key === key && (t.operator === 'Exists' || (t.value ?? '') === (value ?? ''))),
  );
}

export class InvariantChecker {
  readonly violations: Violation[] = [];
  /** Settled states checked. */
  checks = 0;
  private readonly start: number;
  private lastRv = 0;
  private readonly rvByUid = new Map<string, number>();
  private readonly nodeOfPod = new Map<string, string>();
  /** Pods the ReplicaSet controller deleted since the last check (its SuccessfulDelete events). */
  private deletedByReplicaSets = new Set<string>();
  /** Per Deployment uid: available pod names and spec.replicas at the last check. */
  private previous = new Map<string, { available: Set<string>; replicas: number; armed: boolean }>();

  constructor(private readonly cluster: Cluster) {
    this.start = cluster.clock.now();
    // What exists already was bound (and versioned) before the checker looked.
    this.lastRv = cluster.store.resourceVersion();
    for (const p of cluster.list('Pod')) if (p.spec.nodeName) this.nodeOfPod.set(p.metadata.uid!, p.spec.nodeName);
    cluster.watch({}, (e) => this.onEvent(e.type, e.object as AnyObject));
    const settle = cluster.settle.bind(cluster);
    const inner = cluster as unknown as { settling: boolean };
    cluster.settle = () => {
      const nested = inner.settling;
      settle();
      if (!nested) this.check();
    };
  }

  private violate(invariant: string, detail: string): void {
    if (this.violations.length < 20) this.violations.push({ at: this.cluster.clock.now() - this.start, invariant, detail });
  }

  // ---------- at the moment things happen ----------

  private onEvent(type: string, o: AnyObject): void {
    const rv = Number(o.metadata.resourceVersion);
    if (!(rv > this.lastRv)) this.violate('resourceVersion only grows', `${type} ${o.kind} ${o.metadata.name}: resourceVersion ${rv} after ${this.lastRv}`);
    this.lastRv = Math.max(this.lastRv, rv);
    const uid = o.metadata.uid;
    if (uid) {
      const before = this.rvByUid.get(uid);
      if (before !== undefined && !(rv > before)) this.violate('resourceVersion only grows', `${o.kind} ${o.metadata.name}: ${rv} after ${before}`);
      if (type === 'DELETED') this.rvByUid.delete(uid);
      else this.rvByUid.set(uid, rv);
    }
    if (o.kind === 'Event' && (o as { reason?: string }).reason === 'SuccessfulDelete') {
      const m = /^Deleted pod: (\S+)$/.exec((o as { message?: string }).message ?? '');
      const involved = (o as { involvedObject?: { kind?: string } }).involvedObject;
      if (m && involved?.kind === 'ReplicaSet') this.deletedByReplicaSets.add(m[1]!);
    }
    if (o.kind !== 'Pod') return;
    const pod = o as Pod;
    if (type === 'DELETED') {
      this.nodeOfPod.delete(pod.metadata.uid!);
      return;
    }
    if (type === 'ADDED') this.onPodCreated(pod);
    const node = pod.spec.nodeName;
    if (node && !this.nodeOfPod.has(pod.metadata.uid!)) {
      this.nodeOfPod.set(pod.metadata.uid!, node);
      // A pod created with spec.nodeName skips the scheduler and may run on a cordoned node, as on a real cluster.
      if (type !== 'ADDED') this.onPodBound(pod, node);
    }
  }

  /** No new pod lands on a cordoned (or NoSchedule/NoExecute-tainted) node unless it tolerates it. */
  private onPodBound(pod: Pod, nodeName: string): void {
    const node = this.cluster.get('Node', undefined, nodeName) as Node | undefined;
    if (!node) return;
    const tolerations = pod.spec.tolerations;
    if (node.spec?.unschedulable && !tolerates(tolerations, 'node.kubernetes.io/unschedulable', 'NoSchedule')) {
      this.violate('no new pod on a cordoned node', `pod ${pod.metadata.name} bound to cordoned node ${nodeName}`);
    }
    for (const t of node.spec?.taints ?? []) {
      if ((t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(tolerations, t.key, t.effect, t.value)) {
        this.violate('no new pod on a tainted node', `pod ${pod.metadata.name} bound to ${nodeName} despite taint ${t.key}:${t.effect}`);
      }
    }
  }

  /** OrderedReady: ordinal k is created only when every lower ordinal is Running and Ready. */
  private onPodCreated(pod: Pod): void {
    const ref = pod.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'StatefulSet');
    if (!ref) return;
    const set = this.cluster.get('StatefulSet', pod.metadata.namespace, ref.name) as StatefulSet | undefined;
    if (!set || (set.spec.podManagementPolicy ?? 'OrderedReady') !== 'OrderedReady') return;
    const ordinal = Number(pod.metadata.name!.slice(ref.name.length + 1));
    for (let i = set.spec.ordinals?.start ?? 0; i < ordinal; i++) {
      const lower = this.cluster.get('Pod', pod.metadata.namespace, `${ref.name}-${i}`) as Pod | undefined;
      const ok = lower && !lower.metadata.deletionTimestamp && lower.status?.phase === 'Running' &&
        lower.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      if (!ok) {
        this.violate('OrderedReady creates in order', `${pod.metadata.name} created while ${ref.name}-${i} is ${lower ? (lower.metadata.deletionTimestamp ? 'terminating' : `${lower.status?.phase ?? 'Pending'}, not ready`) : 'missing'}`);
        return;
      }
    }
  }

  // ---------- at every settled state ----------

  check(): void {
    this.checks++;
    const now = this.cluster.clock.now();
    const pods = this.cluster.list('Pod') as Pod[];
    const byOwner = new Map<string, Pod[]>();
    for (const p of pods) {
      const uid = ownerUid(p);
      if (!uid) continue;
      if (!byOwner.has(uid)) byOwner.set(uid, []);
      byOwner.get(uid)!.push(p);
    }
    const replicaSets = this.cluster.list('ReplicaSet');
    const uids = new Set<string>();
    for (const kind of ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Node', 'Service'] as const) {
      for (const o of this.cluster.list(kind) as AnyObject[]) uids.add(o.metadata.uid!);
    }

    for (const d of this.cluster.list('Deployment') as Deployment[]) {
      if (d.metadata.deletionTimestamp) continue;
      const rsOf = replicaSets.filter((rs) => ownerUid(rs) === d.metadata.uid);
      const dPods = rsOf.flatMap((rs) => byOwner.get(rs.metadata.uid!) ?? []);
      const replicas = d.spec.replicas ?? 1;
      const { surge, unavailable } = deploymentFenceposts(d);
      const active = dPods.filter(isActive);
      if (active.length > replicas + surge) {
        this.violate('a rollout never runs more than replicas + maxSurge pods', `deployment ${d.metadata.name}: ${active.length} active pods > ${replicas} + ${surge} (${rsOf.map((rs) => `${rs.metadata.name}=${rs.spec.replicas}`).join(', ')})`);
      }
      const available = new Set(active.filter((p) => isPodAvailable(p, d.spec.minReadySeconds ?? 0, now)).map((p) => p.metadata.name!));
      const minAvailable = replicas - unavailable;
      const prev = this.previous.get(d.metadata.uid!);
      // "Once pods are ready": the guarantee holds from the first state with minAvailable pods available, until
      // something other than the controller (a deleted or evicted pod, a failing probe, a lost node) or the user
      // (a new replica count) takes availability away; it is armed again when the minimum is back.
      let armed = prev?.armed ?? false;
      if (prev && prev.replicas !== replicas) armed = false;
      const lost = prev ? [...prev.available].filter((n) => this.deletedByReplicaSets.has(n)) : [];
      // Which pods go is the ReplicaSet's ranking (kubernetes-behaviour.md section 2): "more siblings on the same node"
      // comes before "ready for less time", so when the Deployment scales an old ReplicaSet down by its unavailable
      // pods it may lose available ones instead, on a real cluster as here. Only a scale-down that left no
      // unavailable pod to take is the Deployment controller's own miscount.
      const spared = dPods.some((p) => isActive(p) && !available.has(p.metadata.name!) && !this.deletedByReplicaSets.has(p.metadata.name!) &&
        prev !== undefined && !prev.available.has(p.metadata.name!) && lostFromSameReplicaSet(p, lost, dPods));
      if (available.size < minAvailable) {
        if (armed && lost.length > 0 && !spared && d.spec.strategy?.type !== 'Recreate') {
          this.violate('a rollout never takes availability below replicas - maxUnavailable', `deployment ${d.metadata.name}: the ReplicaSet controller deleted available ${lost.join(', ')}, leaving ${available.size} available < ${replicas} - ${unavailable}`);
        }
        armed = false;
      } else {
        armed = true;
      }
      this.previous.set(d.metadata.uid!, { available, replicas, armed });
    }

    for (const set of this.cluster.list('StatefulSet') as StatefulSet[]) {
      const seen = new Map<number, string>();
      for (const p of (byOwner.get(set.metadata.uid!) ?? []).filter((x) => !x.metadata.deletionTimestamp)) {
        const ordinal = Number(p.metadata.labels?.['apps.kubernetes.io/pod-index'] ?? p.metadata.name!.slice(set.metadata.name!.length + 1));
        if (seen.has(ordinal)) this.violate('one pod per StatefulSet ordinal', `${set.metadata.name}: ${seen.get(ordinal)} and ${p.metadata.name} both have ordinal ${ordinal}`);
        seen.set(ordinal, p.metadata.name!);
      }
    }

    for (const ds of this.cluster.list('DaemonSet') as DaemonSet[]) {
      const surge = Number(ds.spec.updateStrategy?.rollingUpdate?.maxSurge ?? 0) > 0;
      const perNode = new Map<string, Pod[]>();
      for (const p of (byOwner.get(ds.metadata.uid!) ?? []).filter(isActive)) {
        const node = p.spec.nodeName ?? p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0] ?? '?';
        if (!perNode.has(node)) perNode.set(node, []);
        perNode.get(node)!.push(p);
      }
      for (const [node, list] of perNode) {
        const revisions = new Set(list.map((p) => p.metadata.labels?.['controller-revision-hash']));
        if (list.length > (surge ? 2 : 1) || revisions.size < list.length) {
          this.violate('at most one daemon pod per node', `daemonset ${ds.metadata.name}: ${list.map((p) => p.metadata.name).join(', ')} on ${node}`);
        }
      }
    }

    for (const job of this.cluster.list('Job') as Job[]) {
      const active = (byOwner.get(job.metadata.uid!) ?? []).filter(isActive).length;
      const parallelism = job.spec.parallelism ?? 1;
      if (active > parallelism) this.violate('a Job never runs more than parallelism pods', `job ${job.metadata.name}: ${active} active > parallelism ${parallelism}`);
    }

    // Background deletion: once settled, no dependent outlives all its owners without being deleted itself.
    for (const kind of ['ReplicaSet', 'Pod', 'ControllerRevision'] as const) {
      for (const o of this.cluster.list(kind) as AnyObject[]) {
        const refs = o.metadata.ownerReferences ?? [];
        if (refs.length === 0 || o.metadata.deletionTimestamp) continue;
        if (!refs.some((r) => uids.has(r.uid))) this.violate('no orphans after a background delete', `${kind} ${o.metadata.name} outlives its owner ${refs.map((r) => `${r.kind}/${r.name}`).join(', ')}`);
      }
    }

    this.deletedByReplicaSets = new Set();
  }
}
