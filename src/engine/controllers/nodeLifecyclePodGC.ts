/**
 * The pod garbage collector's orphan sweep (pkg/controller/podgc gcOrphaned): pods bound to a node that no longer
 * exists are, after a 40 s quarantine (the node might only be re-registering), marked Failed with the DisruptionTarget
 * condition "PodGC: node no longer exists" and force-deleted. Their owners then replace them elsewhere.
 */
import type { Condition } from '../api/meta.js';
import type { Pod } from '../api/types.js';
import type { ApiServer } from '../apiServer.js';
import type { TimerHandle, VirtualClock } from '../clock.js';
import { WorkQueue, type Controller } from '../workqueue.js';

export const POD_GC_CONTROLLER = 'pod-garbage-collector';
export const POD_GC_QUARANTINE_MS = 40_000;

export class PodGarbageCollector implements Controller {
  readonly name = POD_GC_CONTROLLER;
  readonly queue = new WorkQueue();
  /** Missing nodes under quarantine. */
  private readonly quarantine = new Map<string, TimerHandle>();
  /** The nodes that exist, from the same watch: every pod event asks, and one set is cheaper than the store's maps. */
  private readonly nodes = new Set<string>();

  constructor(
    private readonly api: ApiServer,
    private readonly clock: VirtualClock,
  ) {
    for (const n of api.store.list('Node')) this.nodes.add(n.metadata.name!);
    api.watch({ kinds: ['Node', 'Pod'] }, (e) => {
      const o = e.object;
      if (o.kind === 'Node') {
        if (e.type === 'DELETED') {
          this.nodes.delete(o.metadata.name!);
          this.suspect(o.metadata.name!);
        } else {
          this.nodes.add(o.metadata.name!);
        }
      } else if (o.kind === 'Pod' && e.type !== 'DELETED' && o.spec.nodeName && !this.nodes.has(o.spec.nodeName)) {
        this.suspect(o.spec.nodeName);
      }
    });
  }

  private suspect(nodeName: string): void {
    if (this.quarantine.has(nodeName)) return;
    this.quarantine.set(nodeName, this.clock.after(POD_GC_QUARANTINE_MS, () => this.queue.add(nodeName)));
  }

  sync(nodeName: string): void {
    this.quarantine.delete(nodeName);
    if (this.api.get('Node', undefined, nodeName)) return;
    const now = this.clock.nowRfc3339();
    for (const pod of this.api.store.podsOnNode(nodeName)) {
      const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
      if (!terminal) {
        const condition: Condition = {
          type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: now,
          reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists',
        };
        const conditions = [...(pod.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget'), condition];
        this.api.updateStatus<Pod>({ ...pod, status: { ...pod.status, phase: 'Failed', conditions } });
      }
      this.api.delete('Pod', pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0 });
    }
  }
}
