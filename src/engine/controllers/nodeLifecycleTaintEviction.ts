/**
 * The taint-eviction controller (pkg/controller/tainteviction): pods on a node with NoExecute taints are deleted,
 * at once when a taint is not tolerated, otherwise when the shortest tolerationSeconds of the tolerations in use runs
 * out (the default 300 s for not-ready/unreachable). Before deleting it records TaintManagerEviction "Marking for
 * deletion Pod ns/name" and adds the DisruptionTarget condition; a schedule cancelled because the taints went away
 * records "Cancelling deletion of Pod ns/name".
 */
import type { Condition } from '../api/meta.js';
import type { Pod, Taint } from '../api/types.js';
import type { ApiServer } from '../apiServer.js';
import type { TimerHandle, VirtualClock } from '../clock.js';
import type { EventRecorder } from '../events.js';
import { objectKey } from '../store/objectStore.js';
import { WorkQueue, type Controller } from '../workqueue.js';
import { matchingTolerations, minTolerationMs, noExecuteTaints } from './nodeLifecycleTaints.js';

export const TAINT_EVICTION_CONTROLLER = 'taint-eviction-controller';
const SOURCE = { component: TAINT_EVICTION_CONTROLLER };

/** A scheduled eviction (TimedWorkerQueue entry); a fired one stays so the same pod is not scheduled twice. */
interface Work {
  createdAt: number;
  fireAt: number;
  timer?: TimerHandle;
  fired: boolean;
}

export class TaintEvictionController implements Controller {
  readonly name = TAINT_EVICTION_CONTROLLER;
  readonly queue = new WorkQueue();
  /** NoExecute taints per node, for nodes that have any. */
  private readonly tainted = new Map<string, Taint[]>();
  private readonly work = new Map<string, Work>();

  constructor(
    private readonly api: ApiServer,
    private readonly clock: VirtualClock,
    private readonly events: EventRecorder,
  ) {
    api.watch({ kinds: ['Node', 'Pod'] }, (e) => {
      const o = e.object;
      if (o.kind === 'Node') {
        const name = o.metadata.name!;
        const taints = e.type === 'DELETED' ? [] : noExecuteTaints(o);
        const before = this.tainted.get(name) ?? [];
        if (JSON.stringify(before) === JSON.stringify(taints)) return;
        if (taints.length > 0) this.tainted.set(name, taints);
        else this.tainted.delete(name);
        if (e.type !== 'DELETED') this.queue.add(`node:${name}`);
      } else if (o.kind === 'Pod') {
        const key = objectKey(o.metadata.namespace, o.metadata.name!);
        if (e.type === 'DELETED') {
          if (this.work.has(key)) this.queue.add(`pod:${key}`);
        } else if (o.spec.nodeName && this.tainted.has(o.spec.nodeName)) {
          this.queue.add(`pod:${key}`);
        }
      }
    });
    for (const node of api.store.list('Node')) {
      const taints = noExecuteTaints(node);
      if (taints.length > 0) {
        this.tainted.set(node.metadata.name!, taints);
        this.queue.add(`node:${node.metadata.name}`);
      }
    }
  }

  /** When the pod is due to be evicted, if it is scheduled (for the dashboard: "evicted in 4m12s"). */
  scheduledEviction(namespace: string, name: string): number | undefined {
    const w = this.work.get(objectKey(namespace, name));
    return w && !w.fired ? w.fireAt : undefined;
  }

  sync(key: string): void {
    const colon = key.indexOf(':');
    const kind = key.slice(0, colon);
    const arg = key.slice(colon + 1);
    if (kind === 'node') this.syncNode(arg);
    else if (kind === 'pod') this.syncPod(arg);
    else if (kind === 'evict') this.evict(arg);
  }

  private syncNode(nodeName: string): void {
    const taints = this.tainted.get(nodeName);
    const now = this.clock.now();
    for (const pod of this.api.store.podsOnNode(nodeName)) {
      const key = objectKey(pod.metadata.namespace, pod.metadata.name!);
      if (!taints) this.cancelWithEvent(key);
      else this.processPod(key, pod, taints, now);
    }
  }

  private syncPod(key: string): void {
    const i = key.indexOf('/');
    const pod = this.api.get('Pod', key.slice(0, i), key.slice(i + 1));
    if (!pod) {
      this.cancelWithEvent(key);
      return;
    }
    const taints = pod.spec.nodeName ? this.tainted.get(pod.spec.nodeName) : undefined;
    if (taints) this.processPod(key, pod, taints, this.clock.now());
  }

  /** processPodOnNode. */
  private processPod(key: string, pod: Pod, taints: readonly Taint[], now: number): void {
    const used = matchingTolerations(taints, pod.spec.tolerations ?? []);
    if (!used) {
      this.cancelWithEvent(key);
      this.addWork(key, now, now);
      return;
    }
    const min = minTolerationMs(used);
    if (min === Infinity) {
      this.cancelWithEvent(key);
      return;
    }
    const existing = this.work.get(key);
    if (existing) {
      // An eviction already scheduled earlier keeps its time; one that already happened is not repeated.
      if (existing.fired || existing.createdAt < now) return;
      this.cancelWithEvent(key);
    }
    this.addWork(key, now, now + min);
  }

  private addWork(key: string, createdAt: number, fireAt: number): void {
    if (this.work.has(key)) return;
    const w: Work = { createdAt, fireAt, fired: false };
    if (fireAt <= this.clock.now()) this.queue.add(`evict:${key}`);
    else w.timer = this.clock.at(fireAt, () => this.queue.add(`evict:${key}`));
    this.work.set(key, w);
  }

  private cancelWithEvent(key: string): void {
    const w = this.work.get(key);
    if (!w) return;
    this.work.delete(key);
    if (w.fired) return;
    this.clock.cancel(w.timer);
    const i = key.indexOf('/');
    this.events.record(podRef(key.slice(0, i), key.slice(i + 1)), 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`, SOURCE);
  }

  /** deletePodHandler: the event, the DisruptionTarget condition, then an ordinary (graceful) delete. */
  private evict(key: string): void {
    const w = this.work.get(key);
    if (!w || w.fired) return;
    const i = key.indexOf('/');
    const [namespace, name] = [key.slice(0, i), key.slice(i + 1)];
    const pod = this.api.get('Pod', namespace, name);
    if (!pod) {
      this.work.delete(key);
      return;
    }
    w.fired = true;
    this.events.record(podRef(namespace, name), 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`, SOURCE);
    const conditions = pod.status?.conditions ?? [];
    if (!conditions.some((c) => c.type === 'DisruptionTarget' && c.status === 'True' && c.reason === 'DeletionByTaintManager')) {
      const condition: Condition = {
        type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: this.clock.nowRfc3339(),
        reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint',
      };
      this.api.updateStatus<Pod>({ ...pod, status: { ...pod.status, conditions: [...conditions.filter((c) => c.type !== 'DisruptionTarget'), condition] } });
    }
    this.api.delete('Pod', namespace, name);
  }
}

/** The reference the real controller records against: kind, namespace and name, no uid. */
function podRef(namespace: string, name: string) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace } };
}
