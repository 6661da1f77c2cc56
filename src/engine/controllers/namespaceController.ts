/** Deleting a namespace deletes everything in it; the namespace itself goes once it is empty. */
import { KINDS } from '../api/kinds.js';
import type { AnyObject, Namespace } from '../api/types.js';
import type { ApiServer } from '../apiServer.js';
import { WorkQueue, type Controller } from '../workqueue.js';

export class NamespaceController implements Controller {
  readonly name = 'namespace-controller';
  readonly queue = new WorkQueue();

  constructor(private readonly api: ApiServer) {
    const previous = api.hooks.onRemoved;
    api.hooks.onRemoved = (o: AnyObject) => {
      previous?.(o);
      const ns = o.metadata.namespace && api.get('Namespace', undefined, o.metadata.namespace);
      if (ns && ns.metadata.deletionTimestamp) this.queue.add(ns.metadata.name!);
    };
    api.hooks.onNamespaceTerminating = (ns: Namespace) => this.queue.add(ns.metadata.name!);
  }

  sync(name: string): void {
    const ns = this.api.get('Namespace', undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    let remaining = 0;
    for (const info of KINDS) {
      if (!info.namespaced) continue;
      for (const o of this.api.store.list(info.kind, name)) {
        remaining++;
        if (!o.metadata.deletionTimestamp) this.api.delete(info.kind, name, o.metadata.name!);
      }
    }
    if (remaining === 0) this.api.finalizeRemoval(ns);
  }
}
