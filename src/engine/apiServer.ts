/**
 * The API server's semantics over the raw store: defaulting, validation, naming, uid, resourceVersion, generation,
 * the status subresource, namespaces, finalizers, graceful pod deletion and deletion propagation.
 */
import { jobSelectorAndLabels, withDefaults } from './api/defaults.js';
import { kindInfo, qualifiedResource, type KindInfo } from './api/kinds.js';
import type { KubeObject, ObjectMeta, OwnerReference } from './api/meta.js';
import { updatePodCondition } from './api/podConditions.js';
import type { AnyObject, KindMap, KindName, Namespace, Pod } from './api/types.js';
import { validate, validationError } from './api/validation.js';
import type { ClusterClient, DeleteOptions, ListOptions, WatchEvent, WatchOptions } from './client.js';
import type { VirtualClock } from './clock.js';
import { alreadyExists, ApiError, invalid, notFound } from './errors.js';
import type { SeededRandom } from './random.js';
import { fromLabelSelector, matches, matchesFields, parseFieldSelector, parseSelector } from './selectors.js';
import { copyUnshared, jsonEqual, shallowCopy } from './store/immutable.js';
import type { ObjectStore } from './store/objectStore.js';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

/** Kinds whose metadata.generation tracks spec changes. */
const GENERATION_KINDS: ReadonlySet<KindName> = new Set<KindName>([
  'Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob',
]);

/** Kinds whose status is a subresource: a plain update keeps it, updateStatus changes only it. */
const STATUS_KINDS: ReadonlySet<KindName> = new Set<KindName>([
  'Pod', 'Node', 'Namespace', 'Service', 'PersistentVolume', 'PersistentVolumeClaim',
  'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob',
]);

/** Hooks the rest of the engine installs: the garbage collector and the kubelets hear about deletions here. */
export interface DeletionHooks {
  /** The object was removed; its dependents may need collecting. */
  onRemoved?(object: AnyObject): void;
  /** Foreground deletion started: the collector must delete dependents, then drop the finalizer. */
  onForegroundDeletion?(object: AnyObject): void;
  /** A namespace entered Terminating. */
  onNamespaceTerminating?(namespace: Namespace): void;
  /** Whether a kubelet runs on this node to carry out a pod's graceful termination. */
  hasKubelet?(nodeName: string): boolean;
}

/**
 * A registry step after defaulting and validation, before the object is stored (how the Service IP and node-port
 * allocators take part in create and update). Returns the object to store, or throws an ApiError.
 */
export type AdmissionHook = (object: AnyObject, existing: AnyObject | undefined) => AnyObject;

type Mutable<T> = { -readonly [P in keyof T]: T[P] };

/**
 * The copy of a new object's metadata that create fills in. Metadata that already has every key create sets (an
 * Event's, built so) is copied by a spread, which keeps its layout: its values are then replaced in place and the
 * object stays 64 bytes. Other metadata gets keys added, which a spread copy makes slow (see shallowCopy); there an
 * Object.assign copy keeps four keys in the object and the rest out of line (an Event's metadata took 136 bytes).
 */
function metadataCopy(m: ObjectMeta, namespaced: boolean): ObjectMeta {
  const complete = Object.hasOwn(m, 'uid') && Object.hasOwn(m, 'resourceVersion') && Object.hasOwn(m, 'creationTimestamp')
    && Object.hasOwn(m, 'name') && (!namespaced || Object.hasOwn(m, 'namespace')) && !Object.hasOwn(m, '__proto__');
  return complete ? { ...m } : shallowCopy(m);
}

export class ApiServer implements ClusterClient {
  hooks: DeletionHooks = {};
  readonly admission: AdmissionHook[] = [];

  constructor(
    readonly store: ObjectStore,
    private readonly clock: VirtualClock,
    private readonly random: SeededRandom,
  ) {}

  // ---------- read ----------

  get<K extends KindName>(kind: K, namespace: string | undefined, name: string): KindMap[K] | undefined {
    const info = this.info(kind);
    return this.store.get(kind, info.namespaced ? namespace ?? 'default' : undefined, name);
  }

  list<K extends KindName>(kind: K, options: ListOptions = {}): KindMap[K][] {
    const info = this.info(kind);
    const namespace = info.namespaced ? options.namespace : undefined;
    const labels =
      options.labelSelector === undefined
        ? []
        : typeof options.labelSelector === 'string'
          ? parseSelector(options.labelSelector)
          : fromLabelSelector(options.labelSelector);
    const fields = options.fieldSelector ? parseFieldSelector(options.fieldSelector) : [];
    // Pods by spec.nodeName come from the store's node index, as the API server's watch cache indexes that field
    // (kubectl describe node, the dashboard's node columns): a node's pods without walking every pod.
    const node = kind === 'Pod' ? fields.find((f) => f.field === 'spec.nodeName' && !f.negate && f.value !== '') : undefined;
    const selected = node
      ? this.store.listPodsOnNode(node.value, namespace).filter((o) => labels.length === 0 || matches(labels, o.metadata.labels))
      : labels.length > 0
        ? this.store.select(kind, namespace, labels)
        : this.store.list(kind, namespace);
    return fields.length === 0 ? (selected as KindMap[K][]) : (selected.filter((o) => matchesFields(fields, o)) as KindMap[K][]);
  }

  watch(options: WatchOptions, handler: (event: WatchEvent) => void): () => void {
    return this.store.watch(options, handler);
  }

  // ---------- write ----------

  /**
   * `owned`: every part of `input` was built for this call (the caller keeps no reference into it) or belongs to a
   * stored object (which never changes), so its parts are stored as they are instead of deep-copied.
   */
  create<T extends AnyObject>(input: T, options: { owned?: boolean } = {}): T {
    const info = this.info(input.kind);
    // copyUnshared makes a new plain object unless the input is frozen (then it is shared with a stored object) or
    // has an own `__proto__` key (which its copy set as the prototype): only those need the copy the spread made.
    // An owned input is the object to store: a copy of it would hold most of its keys out of line (an Event's 16).
    const copied = options.owned ? input : copyUnshared(input);
    const keep = copied !== input || (options.owned && !Object.isFrozen(input));
    const obj = (keep && !Object.hasOwn(input, '__proto__') ? copied : shallowCopy(copied)) as Mutable<T>;
    const meta = (obj.metadata = metadataCopy(obj.metadata ?? {}, info.namespaced));
    if (info.namespaced) meta.namespace = meta.namespace || 'default';
    else delete meta.namespace;

    if (info.namespaced) this.checkNamespaceOpen(meta.namespace!);
    if (!meta.name) {
      if (!meta.generateName) {
        throw invalid(info.kind, '', [{ field: 'metadata.name', type: 'Required value', detail: 'name or generateName is required' }]);
      }
      meta.name = this.generateName(info, meta.namespace, meta.generateName);
    }
    if (!this.store.vacant(info.kind, meta.namespace, meta.name)) throw alreadyExists(qualifiedResource(info), meta.name);

    let defaulted = withDefaults(obj as AnyObject) as Mutable<AnyObject>;
    const errors = validate(defaulted, undefined, { immutable: true });
    if (errors.length > 0) throw validationError(defaulted, errors);
    for (const admit of this.admission) defaulted = admit(defaulted, undefined) as Mutable<AnyObject>;

    const m = defaulted.metadata;
    m.uid = this.random.uuid();
    if (defaulted.kind === 'Job') generateJobSelector(defaulted);
    m.resourceVersion = this.store.nextResourceVersion();
    m.creationTimestamp = this.clock.nowRfc3339();
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    if (GENERATION_KINDS.has(info.kind)) m.generation = 1;
    else delete m.generation;
    resetStatusOnCreate(defaulted);
    this.store.put('ADDED', defaulted);
    return defaulted as T;
  }

  update<T extends AnyObject>(input: T): T {
    const info = this.info(input.kind);
    const existing = this.mustGet(info, input.metadata.namespace, input.metadata.name);
    this.checkVersion(info, existing, input);

    // The caller's own parts are copied; what it kept of the stored version is shared (never changed in place).
    const next = { ...copyUnshared(input, existing) } as Mutable<AnyObject>;
    next.metadata = {
      ...next.metadata,
      name: existing.metadata.name,
      namespace: existing.metadata.namespace,
      uid: existing.metadata.uid,
      creationTimestamp: existing.metadata.creationTimestamp,
      generation: existing.metadata.generation,
      resourceVersion: existing.metadata.resourceVersion,
    };
    if (existing.metadata.deletionTimestamp) {
      next.metadata.deletionTimestamp = existing.metadata.deletionTimestamp;
      if (existing.metadata.deletionGracePeriodSeconds !== undefined) {
        next.metadata.deletionGracePeriodSeconds = existing.metadata.deletionGracePeriodSeconds;
      }
    } else {
      delete next.metadata.deletionTimestamp;
      delete next.metadata.deletionGracePeriodSeconds;
    }
    if (!info.namespaced) delete next.metadata.namespace;
    if (STATUS_KINDS.has(info.kind)) copyStatus(existing, next);

    let defaulted = withDefaults(next as AnyObject) as Mutable<AnyObject>;
    const errors = validate(defaulted, existing, { immutable: true });
    if (errors.length > 0) throw validationError(defaulted, errors);
    for (const admit of this.admission) defaulted = admit(defaulted, existing) as Mutable<AnyObject>;

    if (GENERATION_KINDS.has(info.kind) && !jsonEqual(specOf(existing), specOf(defaulted))) {
      defaulted.metadata.generation = (existing.metadata.generation ?? 0) + 1;
    }
    return this.commit(existing, defaulted) as T;
  }

  /**
   * The pods/binding subresource (the scheduler's write): sets spec.nodeName of a pod not bound yet, as an update of
   * that one field would, without defaulting and validating again what was checked when the pod was stored.
   */
  bind(pod: Pod, nodeName: string): Pod {
    const existing = this.mustGet(this.info('Pod'), pod.metadata.namespace, pod.metadata.name) as Pod;
    this.checkVersion(this.info('Pod'), existing, pod);
    // Already bound (the update is then refused or changes nothing): the full update path gives the answer.
    if (existing.spec.nodeName) return this.update({ ...existing, spec: { ...existing.spec, nodeName } });
    const spec = shallowCopy(existing.spec);
    spec.nodeName = nodeName;
    const next = {
      ...existing,
      metadata: { ...existing.metadata, generation: (existing.metadata.generation ?? 0) + 1 },
      spec,
      // What kube-apiserver's BindingREST sets in the same write: PodScheduled=True.
      status: updatePodCondition(existing.status, { type: 'PodScheduled', status: 'True', lastProbeTime: null }, this.clock.nowRfc3339()).status,
    };
    return this.commit(existing, next, true) as Pod;
  }

  /** `owned`: as for create, the status was built for this call and nothing else refers to its new parts. */
  updateStatus<T extends AnyObject>(input: T, options: { owned?: boolean } = {}): T {
    const info = this.info(input.kind);
    const existing = this.mustGet(info, input.metadata.namespace, input.metadata.name);
    this.checkVersion(info, existing, input);
    const status = (input as { status?: unknown }).status;
    // Only the status can differ: compare it alone (kubelets and controllers post unchanged statuses often).
    if (jsonEqual((existing as { status?: unknown }).status, status)) return existing as T;
    const next = { ...existing } as Mutable<AnyObject> & { status?: unknown };
    if (status === undefined) delete next.status;
    else next.status = options.owned ? status : copyUnshared(status, (existing as { status?: unknown }).status);
    return this.commit(existing, next, true) as T;
  }

  delete<K extends KindName>(kind: K, namespace: string | undefined, name: string, options: DeleteOptions = {}): KindMap[K] | undefined {
    const info = this.info(kind);
    const existing = this.mustGet(info, namespace, name);
    const policy = options.propagationPolicy ?? 'Background';

    if (existing.kind === 'Pod') {
      const grace = this.podGracePeriod(existing, options.gracePeriodSeconds);
      if (grace > 0) return this.startGracefulDeletion(existing, grace) as KindMap[K];
    } else if (existing.metadata.deletionTimestamp) {
      return existing as KindMap[K];
    }

    if (policy === 'Orphan') this.orphanDependents(existing);

    if (existing.kind === 'Namespace') {
      const terminating = this.markDeleting(existing, { phase: 'Terminating' }) as Namespace;
      this.hooks.onNamespaceTerminating?.(terminating);
      return this.store.get('Namespace', undefined, name) as KindMap[K] | undefined;
    }
    if (policy === 'Foreground') {
      const marked = this.markDeleting(existing, undefined, FOREGROUND_FINALIZER);
      this.hooks.onForegroundDeletion?.(marked);
      return this.store.get(kind, existing.metadata.namespace, name);
    }
    if ((existing.metadata.finalizers ?? []).length > 0) {
      return this.markDeleting(existing) as KindMap[K];
    }
    this.removeNow(existing);
    return undefined;
  }

  /** Drops one finalizer; an object being deleted goes once its last finalizer is gone. */
  removeFinalizer(object: AnyObject, finalizer: string): void {
    const existing = this.store.get(object.kind as KindName, object.metadata.namespace, object.metadata.name!);
    if (!existing) return;
    const finalizers = (existing.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    const next = { ...existing, metadata: { ...existing.metadata, finalizers } } as Mutable<AnyObject>;
    if (finalizers.length === 0) delete next.metadata.finalizers;
    this.commit(existing, next);
  }

  // ---------- internals ----------

  private commit(existing: AnyObject, next: Mutable<AnyObject>, knownChanged = false): AnyObject {
    // A Pod still in its grace period is removed by its kubelet, a Namespace by the namespace controller.
    const removedByOthers = existing.kind === 'Namespace' || (existing.kind === 'Pod' && next.metadata.deletionGracePeriodSeconds !== 0);
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0 && !removedByOthers) {
      this.removeNow(next);
      return next;
    }
    if (!knownChanged && jsonEqual(existing, next)) return existing;
    next.metadata = withResourceVersion(next.metadata, this.store.nextResourceVersion());
    this.store.put('MODIFIED', next as AnyObject);
    return next as AnyObject;
  }

  /** Removes a Namespace or Pod whose deletion has finished (called by their controllers / kubelets). */
  finalizeRemoval(object: AnyObject): void {
    const existing = this.store.get(object.kind as KindName, object.metadata.namespace, object.metadata.name!);
    if (existing) this.removeNow(existing);
  }

  private removeNow(object: AnyObject): void {
    const final = { ...object, metadata: { ...object.metadata, resourceVersion: this.store.nextResourceVersion() } } as AnyObject;
    this.store.remove(object, final);
    this.hooks.onRemoved?.(final);
  }

  private markDeleting(object: AnyObject, status?: Record<string, unknown>, finalizer?: string): AnyObject {
    const metadata = { ...object.metadata, deletionTimestamp: object.metadata.deletionTimestamp ?? this.clock.nowRfc3339(), deletionGracePeriodSeconds: 0 };
    if (finalizer && !(metadata.finalizers ?? []).includes(finalizer)) metadata.finalizers = [...(metadata.finalizers ?? []), finalizer];
    const next = { ...object, metadata } as Mutable<AnyObject> & { status?: Record<string, unknown> };
    if (status) next.status = { ...((object as { status?: object }).status ?? {}), ...status };
    next.metadata = { ...next.metadata, resourceVersion: this.store.nextResourceVersion() };
    this.store.put('MODIFIED', next as AnyObject);
    return next as AnyObject;
  }

  private podGracePeriod(pod: Pod, requested: number | undefined): number {
    const unscheduled = !pod.spec.nodeName || !this.hooks.hasKubelet?.(pod.spec.nodeName);
    const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    if (unscheduled || terminal) return 0;
    const grace = requested ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    if (pod.metadata.deletionGracePeriodSeconds !== undefined) return Math.min(grace, pod.metadata.deletionGracePeriodSeconds);
    return grace;
  }

  private startGracefulDeletion(pod: Pod, grace: number): AnyObject {
    if (pod.metadata.deletionTimestamp && pod.metadata.deletionGracePeriodSeconds === grace) return pod;
    const deadline = this.clock.now() + grace * 1000;
    const existingDeadline = pod.metadata.deletionTimestamp ? Date.parse(pod.metadata.deletionTimestamp) : Infinity;
    const metadata = shallowCopy(pod.metadata);
    metadata.deletionTimestamp = new Date(Math.min(deadline, existingDeadline)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    metadata.deletionGracePeriodSeconds = grace;
    metadata.resourceVersion = this.store.nextResourceVersion();
    const next: Pod = { ...pod, metadata };
    this.store.put('MODIFIED', next);
    return next;
  }

  private orphanDependents(owner: AnyObject): void {
    for (const dep of this.store.dependents(owner.metadata.uid!)) {
      const ownerReferences = (dep.metadata.ownerReferences ?? []).filter((r: OwnerReference) => r.uid !== owner.metadata.uid);
      const next = { ...dep, metadata: { ...dep.metadata, ownerReferences } } as Mutable<AnyObject>;
      if (ownerReferences.length === 0) delete next.metadata.ownerReferences;
      this.commit(dep, next);
    }
  }

  private checkNamespaceOpen(namespace: string): void {
    const ns = this.store.get('Namespace', undefined, namespace);
    if (!ns) throw notFound('namespaces', namespace);
    if (ns.metadata.deletionTimestamp) {
      throw new ApiError('Forbidden', `unable to create new content in namespace ${namespace} because it is being terminated`);
    }
  }

  private generateName(info: KindInfo, namespace: string | undefined, prefix: string): string {
    const base = prefix.length > 58 ? prefix.slice(0, 58) : prefix;
    for (;;) {
      const name = base + this.random.string(5);
      if (!this.store.get(info.kind, namespace, name)) return name;
    }
  }

  private checkVersion(info: KindInfo, existing: KubeObject, input: KubeObject): void {
    const rv = input.metadata.resourceVersion;
    if (rv && rv !== existing.metadata.resourceVersion) {
      throw new ApiError(
        'Conflict',
        `Operation cannot be fulfilled on ${qualifiedResource(info)} "${existing.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
  }

  private mustGet(info: KindInfo, namespace: string | undefined, name: string | undefined): AnyObject {
    const ns = info.namespaced ? namespace || 'default' : undefined;
    const existing = name ? this.store.get(info.kind, ns, name) : undefined;
    if (!existing) throw notFound(qualifiedResource(info), name ?? '');
    return existing;
  }

  private info(kind: string): KindInfo {
    const info = kindInfo(kind);
    if (!info) throw new ApiError('BadRequest', `the server doesn't have a resource type "${kind}"`);
    return info;
  }
}

/** `{ ...metadata, resourceVersion }`, copied the cheaper way (see shallowCopy): the API's most frequent copy. */
function withResourceVersion<M extends object>(metadata: M, resourceVersion: string): M & { resourceVersion: string } {
  const out = shallowCopy(metadata) as M & { resourceVersion: string };
  out.resourceVersion = resourceVersion;
  return out;
}

/** The Job strategy's generateSelector: unless spec.manualSelector, the selector and pod labels carry the Job's uid. */
function generateJobSelector(job: Mutable<AnyObject>): void {
  if (job.kind !== 'Job' || job.spec.manualSelector === true) return;
  const { templateLabels, selector } = jobSelectorAndLabels(job, job.metadata.uid!);
  job.spec = { ...job.spec, selector, template: { ...job.spec.template, metadata: { ...(job.spec.template.metadata ?? {}), labels: templateLabels } } };
}

function specOf(o: AnyObject): unknown {
  return (o as { spec?: unknown }).spec;
}

function copyStatus(from: AnyObject, to: Mutable<AnyObject>): void {
  const status = (from as { status?: unknown }).status;
  const target = to as { status?: unknown };
  if (status === undefined) delete target.status;
  else target.status = status;
}

/** What the API server's PrepareForCreate does to status: user-set status is dropped, except where noted. */
function resetStatusOnCreate(o: Mutable<AnyObject>): void {
  switch (o.kind) {
    case 'Pod':
      o.status = { phase: 'Pending', qosClass: qosClass(o) };
      return;
    case 'Namespace':
      o.status = { phase: 'Active' };
      return;
    case 'PersistentVolume':
      o.status = { phase: 'Pending' };
      return;
    case 'PersistentVolumeClaim':
      o.status = { phase: 'Pending' };
      return;
    case 'Node':
    case 'Service':
      return; // a manifest's Node status (capacity, allocatable) is how users declare a node's size
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
    case 'CronJob':
      delete (o as { status?: unknown }).status;
      return;
    default:
      return;
  }
}

/** Guaranteed: every container has equal cpu and memory requests and limits; BestEffort: none at all. */
export function qosClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length > 0 || Object.keys(lim).length > 0) any = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || q !== l) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
