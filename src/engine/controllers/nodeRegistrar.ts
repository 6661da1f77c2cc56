/** Plays the kubelet's registration: a Node that appears (default or from a manifest) gets labels, addresses, capacity and Ready. */
import type { ApiServer } from '../apiServer.js';
import type { VirtualClock } from '../clock.js';
import { registerNode } from '../nodes.js';
import { WorkQueue, type Controller } from '../workqueue.js';

export class NodeRegistrar implements Controller {
  readonly name = 'node-registrar';
  readonly queue = new WorkQueue();
  private readonly indexes = new Map<string, number>();

  constructor(
    private readonly api: ApiServer,
    private readonly clock: VirtualClock,
  ) {
    api.watch({ kinds: ['Node'] }, (e) => {
      if (e.type === 'ADDED') this.queue.add(e.object.metadata.name!);
    });
  }

  sync(name: string): void {
    const node = this.api.get('Node', undefined, name);
    if (!node || node.status?.nodeInfo) return;
    let index = this.indexes.get(name);
    if (index === undefined) this.indexes.set(name, (index = this.indexes.size));
    const registered = registerNode(node, index, this.clock.nowRfc3339());
    const updated = this.api.update({ ...registered, status: node.status ?? {} });
    this.api.updateStatus({ ...updated, status: registered.status });
  }
}
