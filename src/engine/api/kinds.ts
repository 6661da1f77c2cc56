/** The resource registry: how kubectl names each kind (plural, short names, group) and whether it is namespaced. */
import type { KindName } from './types.js';

export interface KindInfo {
  kind: KindName;
  apiVersion: string;
  group: string; // '' for core
  plural: string;
  singular: string;
  shortNames: readonly string[];
  namespaced: boolean;
}

const K = (kind: KindName, apiVersion: string, plural: string, shortNames: string[], namespaced = true): KindInfo => ({
  kind,
  apiVersion,
  group: apiVersion.includes('/') ? apiVersion.split('/')[0]! : '',
  plural,
  singular: kind.toLowerCase(),
  shortNames,
  namespaced,
});

export const KINDS: readonly KindInfo[] = [
  K('Pod', 'v1', 'pods', ['po']),
  K('Service', 'v1', 'services', ['svc']),
  K('Endpoints', 'v1', 'endpoints', ['ep']),
  K('ConfigMap', 'v1', 'configmaps', ['cm']),
  K('Secret', 'v1', 'secrets', []),
  K('PersistentVolumeClaim', 'v1', 'persistentvolumeclaims', ['pvc']),
  K('Event', 'v1', 'events', ['ev']),
  K('Namespace', 'v1', 'namespaces', ['ns'], false),
  K('Node', 'v1', 'nodes', ['no'], false),
  K('PersistentVolume', 'v1', 'persistentvolumes', ['pv'], false),
  K('StorageClass', 'storage.k8s.io/v1', 'storageclasses', ['sc'], false),
  K('Deployment', 'apps/v1', 'deployments', ['deploy']),
  K('ReplicaSet', 'apps/v1', 'replicasets', ['rs']),
  K('StatefulSet', 'apps/v1', 'statefulsets', ['sts']),
  K('DaemonSet', 'apps/v1', 'daemonsets', ['ds']),
  K('ControllerRevision', 'apps/v1', 'controllerrevisions', []),
  K('Job', 'batch/v1', 'jobs', []),
  K('CronJob', 'batch/v1', 'cronjobs', ['cj']),
];

const byKind = new Map<string, KindInfo>(KINDS.map((k) => [k.kind, k]));
const byName = new Map<string, KindInfo>();
for (const k of KINDS) {
  for (const n of [k.plural, k.singular, ...k.shortNames]) {
    byName.set(n, k);
    if (k.group) byName.set(`${n}.${k.group}`, k);
  }
}

export function kindInfo(kind: string): KindInfo | undefined {
  return byKind.get(kind);
}

/** Resolves what a user types after `kubectl get` (`po`, `deploy`, `deployments.apps`, `Pod`) to a kind. */
export function resolveResource(name: string): KindInfo | undefined {
  return byName.get(name.toLowerCase());
}

/** `deployments.apps` / `pods`: how the API server names a resource in its errors. */
export function qualifiedResource(k: KindInfo): string {
  return k.group ? `${k.plural}.${k.group}` : k.plural;
}

/** `deployment.apps/web` / `pod/web-1`: how kubectl names one object in its messages. */
export function objectRef(k: KindInfo, name: string): string {
  return k.group ? `${k.singular}.${k.group}/${name}` : `${k.singular}/${name}`;
}

/** `Deployment.apps "web"`: how the API server names an object in a validation error. */
export function qualifiedKind(k: KindInfo): string {
  return k.group ? `${k.kind}.${k.group}` : k.kind;
}
