/**
 * How many active pods each owner has on each node, kept from pod watch events: the doubled-up rank of the
 * ReplicaSet scale-down order (getIndirectlyRelatedPods, then a count per node) read without walking every pod
 * of every sibling ReplicaSet on each scale-down. A pod counts once for each distinct uid among its
 * ownerReferences, as the store's owner index lists it once per owner; unscheduled pods count under ''.
 */
import type { OwnerReference } from '../api/meta.js';
import type { Pod } from '../api/types.js';
import { isPodActive } from './podState.js';

/** What one pod adds: its node and the distinct uids among its ownerReferences (read from `refs`). */
interface Contribution {
  node: string;
  refs: readonly OwnerReference[];
  owners: readonly string[];
}

export class ActivePodsByNode {
  private readonly byOwner = new Map<string, Map<string, number>>();
  private readonly byPod = new Map<string, Contribution>();

  /** A pod was stored (`present`) or removed. */
  observe(pod: Pod, present: boolean): void {
    const uid = pod.metadata.uid!;
    const before = this.byPod.get(uid);
    const refs = pod.metadata.ownerReferences;
    if (!present || !refs || refs.length === 0 || !isPodActive(pod)) {
      if (before) {
        this.count(before, -1);
        this.byPod.delete(uid);
      }
      return;
    }
    const node = pod.spec.nodeName ?? '';
    // Stored objects never change in place: the same references array names the same owners.
    if (before && before.node === node && before.refs === refs) return;
    // Made at its size (a pod has one owner): an array grown by push keeps room for 17.
    const owners = refs.length === 1 ? [refs[0]!.uid] : [...new Set(refs.map((r) => r.uid))];
    if (before) this.count(before, -1);
    const after = { node, refs, owners };
    this.count(after, 1);
    this.byPod.set(uid, after);
  }

  /** Adds the counts of `owner`'s active pods, by node, to `into`. */
  addCounts(owner: string, into: Map<string, number>): void {
    const counts = this.byOwner.get(owner);
    if (!counts) return;
    for (const [node, n] of counts) into.set(node, (into.get(node) ?? 0) + n);
  }

  private count(c: Contribution, delta: 1 | -1): void {
    for (const owner of c.owners) {
      let counts = this.byOwner.get(owner);
      if (!counts) this.byOwner.set(owner, (counts = new Map()));
      const n = (counts.get(c.node) ?? 0) + delta;
      if (n === 0) counts.delete(c.node);
      else counts.set(c.node, n);
      if (counts.size === 0) this.byOwner.delete(owner);
    }
  }
}
