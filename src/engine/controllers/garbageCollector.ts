/**
 * The garbage collector: when an owner is gone, its dependents go too (background), unless another owner of theirs
 * still lives; a foreground deletion waits for the dependents before the owner itself is removed.
 */
import type { AnyObject, KindName } from '../api/types.js';
import { FOREGROUND_FINALIZER, type ApiServer } from '../apiServer.js';
import { WorkQueue, type Controller } from '../workqueue.js';

export class GarbageCollector implements Controller {
  readonly name = 'garbage-collector';
  readonly queue = new WorkQueue();
  /** Owners (by uid) whose deletion is waiting on their dependents. */
  private readonly foreground = new Map<string, AnyObject>();

  constructor(private readonly api: ApiServer) {
    api.hooks.onRemoved = (o) => this.removed(o);
    api.hooks.onForegroundDeletion = (o) => {
      this.foreground.set(o.metadata.uid!, o);
      this.queue.add(o.metadata.uid!);
    };
  }

  private removed(o: AnyObject): void {
    this.queue.add(o.metadata.uid!);
    for (const ref of o.metadata.ownerReferences ?? []) if (this.foreground.has(ref.uid)) this.queue.add(ref.uid);
  }

  sync(ownerUid: string): void {
    const dependents = this.api.store.dependents(ownerUid);
    const waitingOwner = this.foreground.get(ownerUid);
    for (const dep of dependents) {
      if (dep.metadata.deletionTimestamp) continue;
      if (!waitingOwner && this.hasLiveOwner(dep, ownerUid)) continue;
      // As the real GC: dependents of an owner deleted in foreground are deleted in foreground too, so the whole
      // tree goes bottom-up and the owner is last.
      const propagationPolicy = waitingOwner ? 'Foreground' : 'Background';
      this.api.delete(dep.kind as KindName, dep.metadata.namespace, dep.metadata.name!, { propagationPolicy });
    }
    if (waitingOwner && this.api.store.dependents(ownerUid).length === 0) {
      this.foreground.delete(ownerUid);
      this.api.removeFinalizer(waitingOwner, FOREGROUND_FINALIZER);
    }
  }

  /** A dependent stays while any owner other than the one just deleted still exists. */
  private hasLiveOwner(dep: AnyObject, goneUid: string): boolean {
    return (dep.metadata.ownerReferences ?? []).some((ref) => {
      if (ref.uid === goneUid) return false;
      const owner = this.api.store.get(ref.kind as KindName, dep.metadata.namespace, ref.name)
        ?? this.api.store.get(ref.kind as KindName, undefined, ref.name);
      return owner?.metadata.uid === ref.uid;
    });
  }
}
