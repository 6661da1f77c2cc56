/**
 * kube-scheduler's PriorityQueue: activeQ (priority, then arrival), backoff (1s doubling to 10s per attempt) and the
 * unschedulable pods, which a cluster event concerning a plugin that rejected them moves back (after their
 * backoff), and which are retried anyway after 5 minutes (checked every 30 s).
 */
import type { Pod } from '../api/types.js';
import type { TimerHandle, VirtualClock } from '../clock.js';
import type { FilterPluginName, QueueInfo } from './types.js';

export const INITIAL_BACKOFF_MS = 1000;
export const MAX_BACKOFF_MS = 10_000;
export const MAX_UNSCHEDULABLE_MS = 5 * 60 * 1000;
export const UNSCHEDULABLE_FLUSH_MS = 30_000;

export type ClusterEvent =
  | 'NodeAdd'
  | 'NodeUpdate'
  | 'AssignedPodAdd'
  | 'AssignedPodUpdate'
  | 'AssignedPodDelete'
  | 'PvcChange'
  | 'PvChange'
  | 'StorageClassChange'
  | 'NamespaceChange';

/** Which cluster events may make a pod rejected by a plugin schedulable (the plugins' EventsToRegister). */
const INTEREST: Record<FilterPluginName, readonly ClusterEvent[]> = {
  NodeUnschedulable: ['NodeAdd', 'NodeUpdate'],
  NodeName: ['NodeAdd'],
  TaintToleration: ['NodeAdd', 'NodeUpdate'],
  NodeAffinity: ['NodeAdd', 'NodeUpdate'],
  NodePorts: ['NodeAdd', 'AssignedPodDelete'],
  NodeResourcesFit: ['NodeAdd', 'NodeUpdate', 'AssignedPodDelete'],
  VolumeBinding: ['NodeAdd', 'NodeUpdate', 'PvcChange', 'PvChange', 'StorageClassChange'],
  PodTopologySpread: ['NodeAdd', 'NodeUpdate', 'AssignedPodAdd', 'AssignedPodUpdate', 'AssignedPodDelete'],
  InterPodAffinity: ['NodeAdd', 'NodeUpdate', 'AssignedPodAdd', 'AssignedPodUpdate', 'AssignedPodDelete', 'NamespaceChange'],
};

const PLUGINS_BY_EVENT = new Map<ClusterEvent, FilterPluginName[]>();
for (const [plugin, events] of Object.entries(INTEREST) as [FilterPluginName, readonly ClusterEvent[]][]) {
  for (const e of events) {
    let list = PLUGINS_BY_EVENT.get(e);
    if (!list) PLUGINS_BY_EVENT.set(e, (list = []));
    list.push(plugin);
  }
}

export type QueueState = QueueInfo['state'];

export interface QueuedPod {
  readonly uid: string;
  pod: Pod;
  attempts: number;
  state: QueueState;
  /** Arrival order, for equal priorities. */
  seq: number;
  lastFailureAt: number;
  rejectedBy: ReadonlySet<FilterPluginName>;
  timer?: TimerHandle;
}

/** calculateBackoffDuration: 1s for the first attempt, doubling, at most 10s. */
export function backoffDuration(attempts: number): number {
  let d = INITIAL_BACKOFF_MS;
  for (let i = 1; i < attempts; i++) {
    if (d > MAX_BACKOFF_MS - d) return MAX_BACKOFF_MS;
    d += d;
  }
  return d;
}

/** Whether a pod update is one the scheduler reacts to: anything but status, resourceVersion, generation, finalizers. */
function podUpdated(old: Pod, next: Pod): boolean {
  if (old.spec === next.spec && old.metadata.labels === next.metadata.labels && old.metadata.annotations === next.metadata.annotations) return false;
  const strip = (p: Pod) => JSON.stringify([{ ...p.metadata, resourceVersion: undefined, generation: undefined, finalizers: undefined }, p.spec]);
  return strip(old) !== strip(next);
}

export class SchedulingQueue {
  private readonly pods = new Map<string, QueuedPod>();
  private readonly active = new Set<QueuedPod>();
  private readonly unschedulable = new Set<QueuedPod>();
  private readonly byPlugin = new Map<FilterPluginName, Set<QueuedPod>>();
  /** Pods no plugin rejected (no nodes at all, a binding error): any event brings them back. */
  private readonly byAnyEvent = new Set<QueuedPod>();
  private seq = 0;
  private flushTimer: TimerHandle | undefined;

  constructor(
    private readonly clock: VirtualClock,
    /** Called when a pod becomes active: the scheduler should run. */
    private readonly wake: () => void,
  ) {}

  get(uid: string): QueuedPod | undefined {
    return this.pods.get(uid);
  }

  get activeCount(): number {
    return this.active.size;
  }

  /** A new pending pod, or a change to one already queued. */
  addOrUpdate(pod: Pod): void {
    const uid = pod.metadata.uid!;
    const qp = this.pods.get(uid);
    if (!qp) {
      const fresh: QueuedPod = { uid, pod, attempts: 0, state: 'active', seq: this.seq++, lastFailureAt: 0, rejectedBy: new Set() };
      this.pods.set(uid, fresh);
      this.activate(fresh);
      return;
    }
    const old = qp.pod;
    qp.pod = pod;
    if (qp.state === 'unschedulable' && podUpdated(old, pod)) this.moveBack(qp);
  }

  delete(uid: string): void {
    const qp = this.pods.get(uid);
    if (!qp) return;
    this.leaveState(qp);
    this.pods.delete(uid);
  }

  /** The active pods in scheduling order (priority, then arrival); they leave the active queue. */
  takeActive(): QueuedPod[] {
    const out = [...this.active];
    this.active.clear();
    out.sort((a, b) => (b.pod.spec.priority ?? 0) - (a.pod.spec.priority ?? 0) || a.seq - b.seq);
    return out;
  }

  /** The attempt failed: wait for a cluster event concerning one of the rejecting plugins (or 5 minutes). */
  markUnschedulable(qp: QueuedPod, rejectedBy: ReadonlySet<FilterPluginName>): void {
    this.leaveState(qp);
    qp.state = 'unschedulable';
    qp.lastFailureAt = this.clock.now();
    qp.rejectedBy = rejectedBy;
    this.unschedulable.add(qp);
    if (rejectedBy.size === 0) this.byAnyEvent.add(qp);
    for (const p of rejectedBy) {
      let set = this.byPlugin.get(p);
      if (!set) this.byPlugin.set(p, (set = new Set()));
      set.add(qp);
    }
    this.ensureFlush();
  }

  /** A node is chosen; the pod waits for its volumes before it is bound. */
  markWaiting(qp: QueuedPod): void {
    this.leaveState(qp);
    qp.state = 'waiting-for-volumes';
  }

  /** Gives up waiting (e.g. a volume went wrong): retry after backoff. */
  retry(qp: QueuedPod): void {
    this.leaveState(qp);
    qp.lastFailureAt = this.clock.now();
    this.moveBack(qp);
  }

  /** A cluster event: pods a concerned plugin rejected go back to the active queue, or to backoff. */
  onEvent(event: ClusterEvent): void {
    if (this.unschedulable.size === 0) return;
    const moved = new Set<QueuedPod>(this.byAnyEvent);
    for (const plugin of PLUGINS_BY_EVENT.get(event) ?? []) for (const qp of this.byPlugin.get(plugin) ?? []) moved.add(qp);
    for (const qp of moved) this.moveBack(qp);
  }

  info(uid: string): QueueInfo | undefined {
    const qp = this.pods.get(uid);
    if (!qp) return undefined;
    const info: QueueInfo = { state: qp.state, attempts: qp.attempts, rejectedBy: [...qp.rejectedBy] };
    if (qp.state === 'backoff' && qp.timer) info.nextAttemptAt = qp.timer.at;
    return info;
  }

  /** To the active queue if its backoff is over, else to backoff until it is. */
  private moveBack(qp: QueuedPod): void {
    this.leaveState(qp);
    const until = qp.attempts === 0 ? 0 : qp.lastFailureAt + backoffDuration(qp.attempts);
    if (until <= this.clock.now()) {
      this.activate(qp);
      return;
    }
    qp.state = 'backoff';
    qp.timer = this.clock.at(until, () => {
      qp.timer = undefined;
      if (qp.state === 'backoff' && this.pods.get(qp.uid) === qp) this.activate(qp);
    });
  }

  private activate(qp: QueuedPod): void {
    this.leaveState(qp);
    qp.state = 'active';
    this.active.add(qp);
    this.wake();
  }

  private leaveState(qp: QueuedPod): void {
    this.clock.cancel(qp.timer);
    qp.timer = undefined;
    this.active.delete(qp);
    if (this.unschedulable.delete(qp)) {
      this.byAnyEvent.delete(qp);
      for (const p of qp.rejectedBy) this.byPlugin.get(p)?.delete(qp);
    }
  }

  /** flushUnschedulablePodsLeftover, every 30 s while pods wait: nothing changes by itself, so it runs in the background. */
  private ensureFlush(): void {
    if (this.flushTimer && !this.flushTimer.cancelled) return;
    this.flushTimer = this.clock.after(
      UNSCHEDULABLE_FLUSH_MS,
      () => {
        this.flushTimer = undefined;
        const now = this.clock.now();
        for (const qp of [...this.unschedulable]) if (now - qp.lastFailureAt > MAX_UNSCHEDULABLE_MS) this.moveBack(qp);
        if (this.unschedulable.size > 0) this.ensureFlush();
      },
      { background: true },
    );
  }
}
