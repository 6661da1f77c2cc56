/** A small in-memory ClusterClient: resourceVersions, a little defaulting, and one validation rule (replicas >= 0). */
import { kindInfo, qualifiedKind, qualifiedResource } from '../../src/engine/api/kinds.js';
import type { AnyObject, KindMap, KindName } from '../../src/engine/api/types.js';
import type { ClusterClient, ListOptions, WatchEvent } from '../../src/engine/client.js';
import { alreadyExists, ApiError, invalid, notFound } from '../../src/engine/errors.js';

export class FakeClient implements ClusterClient {
  readonly objects = new Map<string, AnyObject>();
  readonly calls: string[] = [];
  private rv = 1;
  private uid = 1;

  constructor(namespaces: string[] = ['default', 'kube-system']) {
    for (const name of namespaces) this.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    this.calls.length = 0;
  }

  private key(kind: string, namespace: string | undefined, name: string): string {
    const info = kindInfo(kind);
    return `${kind}/${info?.namespaced ? namespace || 'default' : ''}/${name}`;
  }

  get<K extends KindName>(kind: K, namespace: string | undefined, name: string): KindMap[K] | undefined {
    const o = this.objects.get(this.key(kind, namespace, name));
    return o ? (structuredClone(o) as KindMap[K]) : undefined;
  }

  list<K extends KindName>(kind: K, options: ListOptions = {}): KindMap[K][] {
    return [...this.objects.values()]
      .filter((o) => o.kind === kind && (!options.namespace || o.metadata.namespace === options.namespace))
      .map((o) => structuredClone(o) as KindMap[K]);
  }

  watch(_options: unknown, _handler: (event: WatchEvent) => void): () => void {
    return () => {};
  }

  create<T extends AnyObject>(object: T): T {
    const info = kindInfo(object.kind)!;
    const o = structuredClone(object);
    if (info.namespaced) {
      o.metadata.namespace ||= 'default';
      if (!this.objects.has(this.key('Namespace', undefined, o.metadata.namespace))) throw notFound('namespaces', o.metadata.namespace);
    }
    const key = this.key(o.kind, o.metadata.namespace, o.metadata.name!);
    if (this.objects.has(key)) throw alreadyExists(qualifiedResource(info), o.metadata.name!);
    defaults(o);
    validate(o);
    o.metadata.uid = `uid-${this.uid++}`;
    o.metadata.resourceVersion = String(this.rv++);
    o.metadata.creationTimestamp = '2025-01-01T00:00:00Z';
    o.metadata.generation = 1;
    this.objects.set(key, o);
    this.calls.push(`create ${key}`);
    return structuredClone(o);
  }

  update<T extends AnyObject>(object: T): T {
    const key = this.key(object.kind, object.metadata.namespace, object.metadata.name!);
    const existing = this.objects.get(key);
    if (!existing) throw notFound(qualifiedResource(kindInfo(object.kind)!), object.metadata.name!);
    if (object.metadata.resourceVersion && object.metadata.resourceVersion !== existing.metadata.resourceVersion) {
      throw new ApiError('Conflict', 'the object has been modified');
    }
    const o = structuredClone(object);
    o.metadata = { ...o.metadata, uid: existing.metadata.uid, creationTimestamp: existing.metadata.creationTimestamp };
    (o as { status?: unknown }).status = (existing as { status?: unknown }).status;
    defaults(o);
    validate(o);
    o.metadata.resourceVersion = String(this.rv++);
    this.objects.set(key, o);
    this.calls.push(`update ${key}`);
    return structuredClone(o);
  }

  updateStatus<T extends AnyObject>(object: T): T {
    const key = this.key(object.kind, object.metadata.namespace, object.metadata.name!);
    const existing = this.objects.get(key)!;
    const o = { ...existing, status: (object as { status?: unknown }).status } as AnyObject;
    o.metadata = { ...o.metadata, resourceVersion: String(this.rv++) };
    this.objects.set(key, o);
    return structuredClone(o) as T;
  }

  delete<K extends KindName>(kind: K, namespace: string | undefined, name: string): KindMap[K] | undefined {
    const key = this.key(kind, namespace, name);
    if (!this.objects.delete(key)) throw notFound(qualifiedResource(kindInfo(kind)!), name);
    this.calls.push(`delete ${key}`);
    return undefined;
  }

  /** What `kubectl scale` does: a plain update of spec.replicas. */
  scale(kind: 'Deployment' | 'StatefulSet', namespace: string, name: string, replicas: number): void {
    const o = this.get(kind, namespace, name)!;
    o.spec.replicas = replicas;
    this.update(o);
  }
}

function defaults(o: AnyObject): void {
  if (o.kind === 'Deployment') {
    o.spec.replicas ??= 1;
    o.spec.strategy ??= { type: 'RollingUpdate' };
    if (o.spec.strategy.type === 'RollingUpdate') o.spec.strategy.rollingUpdate ??= { maxUnavailable: '25%', maxSurge: '25%' };
    for (const c of o.spec.template.spec.containers ?? []) {
      c.imagePullPolicy ??= 'IfNotPresent';
      for (const p of c.ports ?? []) p.protocol ??= 'TCP';
    }
  }
  if (o.kind === 'Service') {
    o.spec.clusterIP ??= '10.96.0.10';
    for (const p of o.spec.ports ?? []) p.protocol ??= 'TCP';
  }
}

function validate(o: AnyObject): void {
  if (o.kind === 'Deployment') {
    if ((o.spec.replicas ?? 0) < 0) {
      throw invalid(qualifiedKind(kindInfo('Deployment')!), o.metadata.name!, [
        { field: 'spec.replicas', type: 'Invalid value', value: String(o.spec.replicas), detail: 'must be greater than or equal to 0' },
      ]);
    }
    if (o.spec.strategy?.type === 'Recreate' && o.spec.strategy.rollingUpdate) {
      throw invalid(qualifiedKind(kindInfo('Deployment')!), o.metadata.name!, [
        { field: 'spec.strategy.rollingUpdate', type: 'Forbidden', detail: "may not be specified when strategy `type` is 'Recreate'" },
      ]);
    }
  }
}
