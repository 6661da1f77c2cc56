/**
 * Plays scheduler and kubelet for the Deployment and ReplicaSet tests: binds each new pod to a node (round robin) and
 * makes it Running and Ready, at once or after a delay on the virtual clock, or never; optionally plays graceful
 * deletion (pods being deleted linger for a while, then go).
 */
import type { Pod, PodStatus } from '../../../src/engine/api/types.js';
import type { Cluster } from '../../../src/engine/cluster.js';
import { WorkQueue, type Controller } from '../../../src/engine/workqueue.js';

/** What happens to a new pod: Ready after some ms; Running but never Ready; or left Pending and unscheduled. */
export type PodFate = { readyAfterMs: number } | 'running' | 'pending';

export interface FakeKubeletOptions {
  fate?: (pod: Pod) => PodFate;
  nodes?: readonly string[];
  /** Deleted pods stay Terminating this long (the API server asks the "kubelet"); default: they go at once. */
  terminateAfterMs?: number;
}

export class FakeKubelet implements Controller {
  readonly name = 'test-kubelet';
  readonly queue = new WorkQueue();
  private next = 0;
  private readonly terminating = new Set<string>();
  readonly options: Required<Omit<FakeKubeletOptions, 'terminateAfterMs'>> & { terminateAfterMs?: number };

  constructor(private readonly cluster: Cluster, options: FakeKubeletOptions) {
    this.options = { fate: options.fate ?? (() => ({ readyAfterMs: 0 })), nodes: options.nodes ?? ['kubedeck-worker', 'kubedeck-worker2', 'kubedeck-worker3'], ...(options.terminateAfterMs !== undefined ? { terminateAfterMs: options.terminateAfterMs } : {}) };
    if (options.terminateAfterMs !== undefined) cluster.api.hooks.hasKubelet = () => true;
    cluster.api.watch({ kinds: ['Pod'] }, (e) => {
      const pod = e.object as Pod;
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      if (e.type === 'DELETED') return;
      if (pod.metadata.deletionTimestamp) {
        if (this.options.terminateAfterMs !== undefined && !this.terminating.has(pod.metadata.uid!)) {
          this.terminating.add(pod.metadata.uid!);
          cluster.clock.after(this.options.terminateAfterMs, () => this.queue.add(`remove/${key}`));
        }
        return;
      }
      if (e.type === 'ADDED' && !pod.spec.nodeName) this.queue.add(`bind/${key}`);
    });
  }

  sync(task: string): void {
    const [verb, namespace, name] = task.split('/') as [string, string, string];
    const api = this.cluster.api;
    const pod = api.get('Pod', namespace, name);
    if (!pod) return;
    if (verb === 'remove') {
      api.finalizeRemoval(pod);
      return;
    }
    if (pod.metadata.deletionTimestamp) return;
    if (verb === 'bind') {
      const fate = this.options.fate(pod);
      if (fate === 'pending') return;
      const nodeName = this.options.nodes[this.next++ % this.options.nodes.length]!;
      const bound = api.update({ ...pod, spec: { ...pod.spec, nodeName } });
      if (fate === 'running') {
        api.updateStatus({ ...bound, status: this.status(bound, false) });
        return;
      }
      if (fate.readyAfterMs === 0) api.updateStatus({ ...bound, status: this.status(bound, true) });
      else this.cluster.clock.after(fate.readyAfterMs, () => this.queue.add(`ready/${namespace}/${name}`));
      return;
    }
    if (verb === 'ready') api.updateStatus({ ...pod, status: this.status(pod, true) });
  }

  private status(pod: Pod, ready: boolean): PodStatus {
    const now = this.cluster.clock.nowRfc3339();
    const r = ready ? 'True' : 'False';
    return {
      ...(pod.status ?? {}),
      phase: 'Running',
      startTime: pod.status?.startTime ?? now,
      conditions: [
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: now },
        { type: 'Ready', status: r, lastProbeTime: null, lastTransitionTime: now },
        { type: 'ContainersReady', status: r, lastProbeTime: null, lastTransitionTime: now },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now },
      ],
      containerStatuses: pod.spec.containers.map((c) => ({
        name: c.name, image: c.image ?? '', imageID: '', ready, restartCount: 0, started: true,
        state: { running: { startedAt: now } }, lastState: {},
      })),
    };
  }

  /** Makes a pod Ready now (for pods whose fate was 'running'). */
  makeReady(namespace: string, name: string): void {
    this.queue.add(`ready/${namespace}/${name}`);
    this.cluster.settle();
  }
}

export function fakeKubelet(cluster: Cluster, options: FakeKubeletOptions = {}): FakeKubelet {
  const k = new FakeKubelet(cluster, options);
  cluster.addController(k);
  return k;
}
