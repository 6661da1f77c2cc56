import type { Labels } from './api/meta.js';
import type { Selector } from './selectors.js';

/**
 * Records by label key and value, so that a selector with an equality or `in` requirement visits only the records
 * carrying one of its values. The store keeps one per kind (of object keys); the scheduler one per namespace (of its
 * pod records), where a new selector counter starts: with 1,500 Deployments its 512 counters are evicted and rebuilt
 * all the time, and each rebuild used to walk every pod in the namespace.
 * A record is deleted with the labels it was added with.
 */
export class LabelIndex<T> {
  private readonly byKey = new Map<string, Map<string, Set<T>>>();

  add(record: T, labels: Labels | undefined): void {
    for (const key in labels) {
      let byValue = this.byKey.get(key);
      if (!byValue) this.byKey.set(key, (byValue = new Map()));
      const value = labels[key]!;
      let set = byValue.get(value);
      if (!set) byValue.set(value, (set = new Set()));
      set.add(record);
    }
  }

  delete(record: T, labels: Labels | undefined): void {
    for (const key in labels) {
      const byValue = this.byKey.get(key);
      const value = labels[key]!;
      const set = byValue?.get(value);
      if (!set) continue;
      set.delete(record);
      if (set.size > 0) continue;
      byValue!.delete(value);
      if (byValue!.size === 0) this.byKey.delete(key);
    }
  }

  /**
   * The records that may match the selector: those carrying a value its most selective `In` requirement allows
   * (a superset of the matches), each once. Undefined when it has no `In` requirement, so every record may match.
   */
  candidates(selector: Selector): Set<T>[] | undefined {
    let best: Set<T>[] | undefined;
    let bestSize = Infinity;
    for (const r of selector) {
      if (r.op !== 'In') continue;
      const byValue = this.byKey.get(r.key);
      const sets: Set<T>[] = [];
      let size = 0;
      for (const v of r.values) {
        const set = byValue?.get(v);
        // `in (a, a)` names a value twice: its records are offered once (a record has one value per key).
        if (!set || sets.includes(set)) continue;
        sets.push(set);
        size += set.size;
      }
      if (size < bestSize) {
        best = sets;
        bestSize = size;
      }
    }
    return best;
  }
}
