/** Identity, naming and apply order of the objects a manifest declares. */
import { kindInfo, objectRef, type KindInfo } from '../engine/api/kinds.js';
import type { AnyObject, KindName } from '../engine/api/types.js';

export interface ObjectKey {
  kind: KindName;
  /** Undefined for cluster-scoped kinds. */
  namespace: string | undefined;
  name: string;
}

/** `Deployment/default/web`, `Namespace//shop`: the key tracking and ownership use. */
export function keyString(k: ObjectKey): string {
  return `${k.kind}/${k.namespace ?? ''}/${k.name}`;
}

/** The key of `kind/namespace/name` as a user names it: namespaced kinds default to `defaultNamespace`. */
export function objectKey(kind: string, namespace: string | undefined, name: string, defaultNamespace = 'default'): ObjectKey | undefined {
  const info = kindInfo(kind);
  if (!info) return undefined;
  return { kind: info.kind, namespace: info.namespaced ? namespace || defaultNamespace : undefined, name };
}

/** `deployment.apps/web`, kubectl's name for the object in apply output. */
export function refOf(k: ObjectKey): string {
  return objectRef(kindInfo(k.kind) as KindInfo, k.name);
}

/** The object as apply sends it: namespaced kinds get the default namespace, cluster-scoped ones lose theirs. */
export function normalizeObject(object: AnyObject, defaultNamespace: string): AnyObject {
  const info = kindInfo(object.kind);
  // Only metadata changes; what is below is shared with the file's object, which nothing changes.
  const copy = { ...object, metadata: { ...(object.metadata ?? {}) } };
  if (info?.namespaced) copy.metadata.namespace = copy.metadata.namespace || defaultNamespace;
  else delete copy.metadata.namespace;
  return copy;
}

/**
 * Helm's install order, restricted to the kinds the engine serves: a namespace exists before its objects,
 * storage and configuration before the workloads that mount them. Deletion (prune) runs in reverse.
 */
const ORDER: readonly KindName[] = [
  'Namespace', 'Node', 'Secret', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'Service', 'Endpoints', 'DaemonSet', 'Pod', 'ReplicaSet', 'Deployment', 'StatefulSet', 'Job', 'CronJob',
  'ControllerRevision', 'Event',
];

export function applyRank(kind: string): number {
  const i = ORDER.indexOf(kind as KindName);
  return i < 0 ? ORDER.length : i;
}

/** Stable sort by apply order. */
export function inApplyOrder<T>(items: readonly T[], kindOf: (t: T) => string): T[] {
  return items
    .map((item, i) => ({ item, i, rank: applyRank(kindOf(item)) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map((x) => x.item);
}
