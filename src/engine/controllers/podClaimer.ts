/**
 * ControllerRefManager.ClaimPods for the StatefulSet, DaemonSet and Job controllers: owned pods that stop matching
 * the selector are released, matching orphans are adopted. Orphans are found from pod events (and one scan of the
 * namespace when an owner appears), so a sync never lists every pod.
 */
import type { LabelSelector } from '../api/meta.js';
import type { KindName, Pod } from '../api/types.js';
import type { Cluster } from '../cluster.js';
import { ApiError } from '../errors.js';
import { matchesLabelSelector } from '../selectors.js';
import { controllerOf, controllerRef, isTerminating, keyOf } from './podState.js';

export interface PodOwner {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; uid?: string; deletionTimestamp?: string };
  spec: { selector?: LabelSelector };
}

export class PodClaimer<T extends PodOwner> {
  /** Owner key -> names of orphan pods that matched its selector when last seen. */
  private readonly candidates = new Map<string, Set<string>>();

  constructor(
    private readonly cluster: Cluster,
    private readonly kind: KindName,
    /** Extra condition for adoption (StatefulSet: the pod's name carries the set's name). */
    private readonly accepts: (owner: T, pod: Pod) => boolean = () => true,
    private readonly selectorOf: (owner: T) => LabelSelector | undefined = (o) => o.spec.selector,
  ) {}

  /** Owners in the pod's namespace that would adopt this orphan: remembered, returned as keys to queue. */
  orphanMatches(pod: Pod): string[] {
    if (isTerminating(pod) || controllerOf(pod)) return [];
    const keys: string[] = [];
    for (const owner of this.cluster.store.list(this.kind, pod.metadata.namespace) as unknown as T[]) {
      if (!this.adoptable(owner, pod)) continue;
      const key = keyOf(owner as never);
      let set = this.candidates.get(key);
      if (!set) this.candidates.set(key, (set = new Set()));
      set.add(pod.metadata.name!);
      keys.push(key);
    }
    return keys;
  }

  /** A new owner may adopt pods that already exist. */
  scanNamespace(owner: T): void {
    for (const pod of this.cluster.store.list('Pod', owner.metadata.namespace)) {
      if (!controllerOf(pod) && this.adoptable(owner, pod)) {
        const key = keyOf(owner as never);
        let set = this.candidates.get(key);
        if (!set) this.candidates.set(key, (set = new Set()));
        set.add(pod.metadata.name!);
      }
    }
  }

  private adoptable(owner: T, pod: Pod): boolean {
    const selector = this.selectorOf(owner);
    if (!selector || (!selector.matchLabels && !selector.matchExpressions)) return false;
    return !owner.metadata.deletionTimestamp && !isTerminating(pod) && matchesLabelSelector(selector, pod.metadata.labels) && this.accepts(owner, pod);
  }

  /** The owner's pods after adopting matching orphans and releasing owned pods that no longer match. */
  claim(owner: T, key: string): Pod[] {
    const api = this.cluster.api;
    const uid = owner.metadata.uid!;
    const selector = this.selectorOf(owner);
    const pods: Pod[] = [];
    for (const o of this.cluster.store.dependents(uid)) {
      if (o.kind !== 'Pod' || controllerOf(o)?.uid !== uid) continue;
      if (!isTerminating(o) && !owner.metadata.deletionTimestamp && !(matchesLabelSelector(selector, o.metadata.labels) && this.accepts(owner, o))) {
        const ownerReferences = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        const metadata = { ...o.metadata, ownerReferences };
        if (ownerReferences.length === 0) delete (metadata as { ownerReferences?: unknown }).ownerReferences;
        this.tryUpdate({ ...o, metadata });
        continue;
      }
      pods.push(o);
    }
    const names = this.candidates.get(key);
    if (names) {
      this.candidates.delete(key);
      for (const name of names) {
        const pod = api.get('Pod', owner.metadata.namespace, name);
        if (!pod || controllerOf(pod) || !this.adoptable(owner, pod)) continue;
        const adopted = this.tryUpdate({
          ...pod,
          metadata: { ...pod.metadata, ownerReferences: [...(pod.metadata.ownerReferences ?? []), controllerRef(owner as never)] },
        });
        if (adopted) pods.push(adopted);
      }
    }
    return pods;
  }

  private tryUpdate(pod: Pod): Pod | undefined {
    try {
      return this.cluster.api.update(pod);
    } catch (err) {
      if (err instanceof ApiError) return undefined;
      throw err;
    }
  }
}
