/**
 * ControllerRefManager (controller_ref_manager.go) for ReplicaSets (claiming pods) and Deployments (claiming
 * ReplicaSets): owned objects that stop matching the selector are released, matching orphans are adopted, objects
 * controlled by someone else are left alone. Orphans are kept in an index fed by watch events, so a sync reads its own
 * dependents (store.dependents) plus the few orphans of its namespace, never every object.
 */
import type { KubeObject } from '../api/meta.js';
import type { AnyObject, KindName } from '../api/types.js';
import type { ApiServer } from '../apiServer.js';
import { ApiError } from '../errors.js';
import { matches, type Selector } from '../selectors.js';
import { controllerOf, controllerRef } from './podState.js';

/** Objects of one kind that have no controller, by namespace. */
export class OrphanIndex<T extends AnyObject> {
  private readonly byNamespace = new Map<string, Map<string, T>>();

  constructor(api: ApiServer, kind: KindName, onChange?: (object: T, type: 'ADDED' | 'MODIFIED' | 'DELETED') => void) {
    for (const o of api.store.list(kind)) this.observe(o as T, false);
    api.watch({ kinds: [kind] }, (e) => {
      this.observe(e.object as T, e.type !== 'DELETED');
      onChange?.(e.object as T, e.type);
    });
  }

  private observe(o: T, present: boolean): void {
    const ns = o.metadata.namespace ?? '';
    const name = o.metadata.name!;
    if (present && !controllerOf(o)) {
      let m = this.byNamespace.get(ns);
      if (!m) this.byNamespace.set(ns, (m = new Map()));
      m.set(name, o);
    } else {
      const m = this.byNamespace.get(ns);
      if (m?.get(name)?.metadata.uid === o.metadata.uid || !present) m?.delete(name);
      if (m?.size === 0) this.byNamespace.delete(ns);
    }
  }

  in(namespace: string | undefined): T[] {
    return [...(this.byNamespace.get(namespace ?? '')?.values() ?? [])];
  }
}

/** The owner's dependents of a kind that it controls, plus the orphans of its namespace: what a claim looks at. */
export function claimCandidates<T extends AnyObject>(api: ApiServer, owner: KubeObject, kind: KindName, orphans: OrphanIndex<T>): T[] {
  const uid = owner.metadata.uid!;
  const out: T[] = [];
  for (const d of api.store.dependents(uid)) {
    if (d.kind === kind && controllerOf(d)?.uid === uid) out.push(d as T);
  }
  for (const o of orphans.in(owner.metadata.namespace)) out.push(o);
  return out;
}

/**
 * ClaimObject for each candidate: returns the objects the owner controls after adopting and releasing.
 * `owner` must be the current stored version (its deletionTimestamp decides whether it may adopt or release).
 */
export function claim<T extends AnyObject>(api: ApiServer, owner: KubeObject, selector: Selector, candidates: readonly T[]): T[] {
  const uid = owner.metadata.uid!;
  const deleting = !!owner.metadata.deletionTimestamp;
  const claimed: T[] = [];
  for (const o of candidates) {
    const ref = controllerOf(o);
    const matching = matches(selector, o.metadata.labels);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matching) claimed.push(o);
      else if (!deleting) release(api, o, uid);
      continue;
    }
    if (deleting || !matching || o.metadata.deletionTimestamp) continue;
    if (o.metadata.namespace !== owner.metadata.namespace) continue;
    const adopted = adopt(api, o, owner);
    if (adopted) claimed.push(adopted);
  }
  return claimed;
}

function adopt<T extends AnyObject>(api: ApiServer, o: T, owner: KubeObject): T | undefined {
  const current = api.store.get(o.kind as KindName, o.metadata.namespace, o.metadata.name!) as T | undefined;
  if (!current || current.metadata.uid !== o.metadata.uid || controllerOf(current)) return undefined;
  const refs = (current.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid);
  try {
    return api.update({ ...current, metadata: { ...current.metadata, ownerReferences: [...refs, controllerRef(owner)] } } as T);
  } catch (e) {
    if (e instanceof ApiError) return undefined;
    throw e;
  }
}

/** Drops the owner's reference from an object it controlled (ReleasePod / ReleaseReplicaSet). */
export function release(api: ApiServer, o: AnyObject, ownerUid: string): void {
  const current = api.store.get(o.kind as KindName, o.metadata.namespace, o.metadata.name!);
  if (!current || current.metadata.uid !== o.metadata.uid) return;
  const refs = (current.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
  const metadata = { ...current.metadata, ownerReferences: refs };
  if (refs.length === 0) delete (metadata as { ownerReferences?: unknown }).ownerReferences;
  try {
    api.update({ ...current, metadata } as AnyObject);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
  }
}
