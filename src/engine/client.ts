/**
 * The small interface everything above the engine talks to: read (get, list, watch) and act (create, update, delete).
 * The in-process cluster implements it; a real cluster through @kubernetes/client-node could too.
 */
import type { LabelSelector } from './api/meta.js';
import type { AnyObject, KindMap, KindName } from './api/types.js';

export interface ListOptions {
  /** Omitted: all namespaces. */
  namespace?: string;
  /** Either the API object form or the string form `app=web,tier!=db,env in (a,b)`. */
  labelSelector?: LabelSelector | string;
  /** `spec.nodeName=x`, `metadata.name=x`, `metadata.namespace=x`, `status.phase=Running` (`=`, `==`, `!=`, comma-joined). */
  fieldSelector?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent<T = KindMap[KindName]> {
  type: WatchEventType;
  object: T;
}

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  /** Pods only: 0 deletes at once; otherwise the pod stays Terminating until its kubelet removes it. */
  gracePeriodSeconds?: number;
}

export interface WatchOptions {
  kinds?: readonly KindName[];
  namespace?: string;
  /** Deliver every change after this resourceVersion first ("0" or omitted: from now on). */
  resourceVersion?: string;
}

export interface ClusterReader {
  get<K extends KindName>(kind: K, namespace: string | undefined, name: string): KindMap[K] | undefined;
  list<K extends KindName>(kind: K, options?: ListOptions): KindMap[K][];
  /** Returns a function that stops the watch. Handlers run synchronously, in resourceVersion order. */
  watch(options: WatchOptions, handler: (event: WatchEvent) => void): () => void;
}

export interface ClusterWriter {
  /** Defaults, validates, assigns uid/resourceVersion/creationTimestamp (and a name from generateName). Throws ApiError. */
  create<T extends AnyObject>(object: T): T;
  /** Replaces spec/metadata (status is kept). A resourceVersion in the object must match (409 Conflict otherwise). */
  update<T extends AnyObject>(object: T): T;
  /** Replaces status only (the status subresource). */
  updateStatus<T extends AnyObject>(object: T): T;
  /** Returns the object as it is after the call (with deletionTimestamp when it lingers), or undefined when gone. */
  delete<K extends KindName>(kind: K, namespace: string | undefined, name: string, options?: DeleteOptions): KindMap[K] | undefined;
}

export interface ClusterClient extends ClusterReader, ClusterWriter {}
