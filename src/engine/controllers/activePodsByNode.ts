/**
 * How many active pods each owner has on each node, kept from pod watch events: the doubled-up rank of the
 * ReplicaSet scale-down order (getIndirectlyRelatedPods, then a count per node) read without walking every pod
 * of every sibling ReplicaSet on each scale-down. A pod counts once for each distinct uid among its
 * ownerReferences, as the store's owner index lists it once per owner; unscheduled pods count under ''.
 */
import type { Pod } from '../api/types.js';
import { isPodActive } from './podState.js';

/** What one pod adds: its node and the distinct owner uids it counts for (none when not active). */
interface Contribution {
  node: string;
  owners: readonly string[];
}

const NONE: Contribution = { node: '', owners: [] };

export class ActivePodsByNode {
  private readonly byOwner = new Map<string, Map<string, number>>();
  private readonly byPod = new Map<string, Contribution>();

  /** A pod was stored (`present`) or removed. */
  observe(pod: Pod, present: boolean): void {
    const uid = pod.metadata.uid!;
    const before = this.byPod.get(uid) ?? NONE;
    const after = present ? contributionOf(pod) : NONE;
    if (before.node === after.node && sameOwners(before.owners, after.owners)) {
      if (!present) this.byPod.delete(uid);
      return;
    }
    for (const owner of before.owners) this.add(owner, before.node, -1);
    for (const owner of after.owners) this.add(owner, after.node, 1);
    if (after.owners.length > 0) this.byPod.set(uid, after);
    else this.byPod.delete(uid);
  }

  /** Adds the counts of `owner`'s active pods, by node, to `into`. */
  addCounts(owner: string, into: Map<string, number>): void {
    const counts = this.byOwner.get(owner);
    if (!counts) return;
    for (const [node, n] of counts) into.set(node, (into.get(node) ?? 0) + n);
  }

  private add(owner: string, node: string, delta: number): void {
    let counts = this.byOwner.get(owner);
    if (!counts) this.byOwner.set(owner, (counts = new Map()));
    const n = (counts.get(node) ?? 0) + delta;
    if (n === 0) counts.delete(node);
    else counts.set(node, n);
    if (counts.size === 0) this.byOwner.delete(owner);
  }
}

function contributionOf(pod: Pod): Contribution {
  const refs = pod.metadata.ownerReferences;
  if (!refs || refs.length === 0 || !isPodActive(pod)) return NONE;
  const owners: string[] = [];
  for (const r of refs) if (!owners.includes(r.uid)) owners.push(r.uid);
  return { node: pod.spec.nodeName ?? '', owners };
}

function sameOwners(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
