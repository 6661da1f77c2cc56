/** A queue of keys that merges duplicates, like client-go's workqueue: a key waiting once is synced once. */
export class WorkQueue {
  private readonly keys = new Set<string>();

  add(key: string): void {
    this.keys.add(key);
  }

  get length(): number {
    return this.keys.size;
  }

  /** Takes every waiting key, in the order they were first added. */
  drain(): string[] {
    const out = [...this.keys];
    this.keys.clear();
    return out;
  }
}

/** A reconciler: the cluster calls sync for each queued key until nothing is left to do. */
export interface Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  sync(key: string): void;
}
