/**
 * Raw storage: objects by kind and namespace/name, a cluster-wide resourceVersion, indexes by owner and by node,
 * and a bounded log of changes so a watch can resume from a resourceVersion. No API semantics live here
 * (defaulting, validation, deletion rules): see apiServer.ts.
 */
import type { KindMap, KindName, AnyObject } from '../api/types.js';
import type { WatchEvent, WatchEventType } from '../client.js';
import { LabelIndex } from '../labelIndex.js';
import { matches, type Selector } from '../selectors.js';
import { deepFreeze } from './immutable.js';

export const objectKey = (namespace: string | undefined, name: string): string => (namespace ? `${namespace}/${name}` : name);

interface KindTable {
  /** Every object by its flat key, in an entry a later version reuses: an update writes no map. */
  objects: Map<string, Entry>;
  /** Keys sorted as etcd lists them (namespace, then name); rebuilt lazily after adds and removes. */
  sorted: string[] | null;
  /** Object keys by label: selector lists visit only the objects that can match. */
  labels: LabelIndex<string>;
  /**
   * The same objects by namespace ('' when cluster-scoped), then name: a lookup hashes two strings the objects already
   * hold instead of building and hashing `namespace/name`. Objects whose namespace or name contains '/' (never valid,
   * but the flat key would conflate them) are left out, and while any is stored lookups use the flat map.
   */
  byName: Map<string, Map<string, Entry>>;
  slashed: number;
}

/**
 * An object and its flat key, shared by both maps: a write of a stored name neither rebuilds nor rehashes the key,
 * and replaces the object in the entry instead of setting it in two large maps.
 */
interface Entry {
  readonly key: string;
  object: AnyObject;
}

/** Whether `objectKey` could conflate this namespace and name with another pair (or they are not plain strings). */
const hasSlash = (namespace: unknown, name: unknown): boolean =>
  typeof name !== 'string' || name.includes('/') || (typeof namespace === 'string' ? namespace.includes('/') : !!namespace);

interface Listener {
  kinds: ReadonlySet<KindName> | null;
  namespace: string | undefined;
  handler: (event: WatchEvent) => void;
}

const freezeObjects = process.env.VITEST !== undefined || process.env.KUBEDECK_FREEZE === '1';

export class ResourceVersionTooOld extends Error {
  constructor(rv: string) {
    super(`too old resource version: ${rv}`);
  }
}


export class ObjectStore {
  private readonly tables = new Map<KindName, KindTable>();
  private readonly byOwner = new Map<string, Set<AnyObject>>();
  private readonly podsByNode = new Map<string, Map<string, AnyObject>>();
  private readonly listeners = new Set<Listener>();
  /** Per kind, the listeners that want it, in the order they started watching; rebuilt when listeners change. */
  private byKind = new Map<KindName, Listener[]>();
  private readonly log: { rv: number; event: WatchEvent }[] = [];
  private rv = 0;
  /**
   * Where `vacant` last found nothing, until the next put (a removal leaves it vacant): a create looks before it
   * stores (AlreadyExists comes first), and `put` then need not look again (in the largest table, the Events', every
   * create's lookups miss).
   */
  private readonly vacancy: { kind: string | undefined; namespace: string | undefined; name: string | undefined } = {
    kind: undefined,
    namespace: undefined,
    name: undefined,
  };

  constructor(private readonly logLimit = 10_000) {}

  /** The last resourceVersion handed out. */
  resourceVersion(): number {
    return this.rv;
  }

  nextResourceVersion(): string {
    return String(++this.rv);
  }

  get<K extends KindName>(kind: K, namespace: string | undefined, name: string): KindMap[K] | undefined {
    const table = this.tables.get(kind);
    if (!table) return undefined;
    return this.entry(table, namespace, name)?.object as KindMap[K] | undefined;
  }

  count(kind: KindName): number {
    return this.tables.get(kind)?.objects.size ?? 0;
  }

  /** Every object of a kind, optionally in one namespace, in etcd's order. */
  list<K extends KindName>(kind: K, namespace?: string): KindMap[K][] {
    const table = this.tables.get(kind);
    if (!table) return [];
    if (!table.sorted) table.sorted = [...table.objects.keys()].sort();
    const out: KindMap[K][] = [];
    if (namespace === undefined) {
      for (const k of table.sorted) out.push(table.objects.get(k)!.object as KindMap[K]);
    } else {
      const prefix = `${namespace}/`;
      let i = lowerBound(table.sorted, prefix);
      for (; i < table.sorted.length && table.sorted[i]!.startsWith(prefix); i++) out.push(table.objects.get(table.sorted[i]!)!.object as KindMap[K]);
    }
    return out;
  }

  /**
   * The objects a label selector matches, in etcd's order. A selector with an equality or `in` requirement visits
   * only the objects carrying one of its values (the label index); others scan the kind.
   */
  select<K extends KindName>(kind: K, namespace: string | undefined, selector: Selector): KindMap[K][] {
    const table = this.tables.get(kind);
    if (!table) return [];
    const candidates = table.labels.candidates(selector);
    if (!candidates) return this.list(kind, namespace).filter((o) => matches(selector, o.metadata.labels));
    const keys = keysInOrder(candidates.flatMap((set) => [...set]), namespace);
    const out: KindMap[K][] = [];
    for (const k of keys) {
      const o = table.objects.get(k)!.object;
      if (matches(selector, o.metadata.labels)) out.push(o as KindMap[K]);
    }
    return out;
  }

  /** Objects whose ownerReferences name this uid. */
  dependents(ownerUid: string): AnyObject[] {
    return [...(this.byOwner.get(ownerUid) ?? [])];
  }

  podsOnNode(nodeName: string): KindMap['Pod'][] {
    return [...(this.podsByNode.get(nodeName)?.values() ?? [])] as KindMap['Pod'][];
  }

  /** The pods bound to a node, in `list`'s order (namespace/name), optionally of one namespace. */
  listPodsOnNode(nodeName: string, namespace?: string): KindMap['Pod'][] {
    const pods = this.podsByNode.get(nodeName);
    if (!pods) return [];
    return keysInOrder([...pods.keys()], namespace).map((k) => pods.get(k)!) as KindMap['Pod'][];
  }

  /**
   * Stores the object as given (the caller has set resourceVersion) and tells the watchers. Stored objects are never
   * changed in place (later versions share their unchanged parts); tests freeze them to prove it.
   */
  put(type: Exclude<WatchEventType, 'DELETED'>, object: AnyObject): void {
    if (freezeObjects) deepFreeze(object);
    const table = this.table(object.kind as KindName);
    const { namespace, name } = object.metadata;
    const { vacancy } = this;
    const vacant = type === 'ADDED' && object.kind === vacancy.kind && name === vacancy.name && namespace === vacancy.namespace;
    vacancy.kind = undefined;
    const entry = vacant ? undefined : this.entry(table, namespace, name!);
    if (entry) {
      const previous = entry.object;
      const sameLabels = previous.metadata.labels === object.metadata.labels;
      this.unindex(previous, table, entry.key, sameLabels);
      // Only a different namespace and name with the same flat key (one of them holding '/') moves in byName.
      const renamed = previous.metadata.namespace !== namespace || previous.metadata.name !== name;
      if (renamed) this.removeByName(previous, table);
      entry.object = object;
      if (renamed) this.addByName(entry, table);
      this.index(object, table, entry.key, sameLabels);
    } else {
      const added: Entry = { key: objectKey(namespace, name!), object };
      table.objects.set(added.key, added);
      table.sorted = null;
      this.addByName(added, table);
      this.index(object, table, added.key, false);
    }
    this.emit({ type, object });
  }

  /** Whether no object of this kind is stored under this namespace and name. */
  vacant(kind: KindName, namespace: string | undefined, name: string): boolean {
    const table = this.tables.get(kind);
    if (table && this.entry(table, namespace, name)) return false;
    this.vacancy.kind = kind;
    this.vacancy.namespace = namespace;
    this.vacancy.name = name;
    return true;
  }

  remove(object: AnyObject, finalVersion: AnyObject): void {
    if (freezeObjects) deepFreeze(finalVersion);
    const table = this.table(object.kind as KindName);
    const key = objectKey(object.metadata.namespace, object.metadata.name!);
    const entry = table.objects.get(key);
    if (!entry) return;
    this.unindex(entry.object, table, key, false);
    this.removeByName(entry.object, table);
    table.objects.delete(key);
    table.sorted = null;
    this.emit({ type: 'DELETED', object: finalVersion });
  }

  /** Events given while another is being delivered, in resourceVersion order. */
  private readonly undelivered: WatchEvent[] = [];
  private delivering = false;

  watch(
    options: { kinds?: readonly KindName[]; namespace?: string; resourceVersion?: string },
    handler: (event: WatchEvent) => void,
  ): () => void {
    const listener: Listener = {
      kinds: options.kinds ? new Set(options.kinds) : null,
      namespace: options.namespace,
      handler,
    };
    const from = options.resourceVersion ? Number(options.resourceVersion) : 0;
    if (from > 0) {
      const oldest = this.log[0]?.rv ?? this.rv + 1;
      if (from < oldest - 1 && from < this.rv) throw new ResourceVersionTooOld(options.resourceVersion!);
      for (const entry of this.log) if (entry.rv > from && wants(listener, entry.event)) handler(entry.event);
    }
    this.listeners.add(listener);
    this.byKind = new Map();
    return () => {
      this.listeners.delete(listener);
      this.byKind = new Map();
    };
  }

  private emit(event: WatchEvent): void {
    this.log.push({ rv: Number(event.object.metadata.resourceVersion), event });
    // Trimmed in batches: one splice per logLimit events instead of an O(n) splice on every event.
    if (this.log.length >= 2 * this.logLimit) this.log.splice(0, this.log.length - this.logLimit);
    // A handler that writes gives an event while this one is still being delivered: it waits its turn, so every
    // watcher sees events in resourceVersion order, as an API server's watch delivers them.
    this.undelivered.push(event);
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let next = this.undelivered.shift(); next; next = this.undelivered.shift()) this.deliver(next);
    } finally {
      this.delivering = false;
    }
  }

  private deliver(event: WatchEvent): void {
    // A snapshot: listeners added or removed by a handler take effect from the next event, as before.
    for (const l of this.listenersOf(event.object.kind as KindName)) {
      if (l.namespace === undefined || event.object.metadata.namespace === l.namespace) l.handler(event);
    }
  }

  private listenersOf(kind: KindName): Listener[] {
    let list = this.byKind.get(kind);
    if (!list) {
      list = [];
      for (const l of this.listeners) if (!l.kinds || l.kinds.has(kind)) list.push(l);
      this.byKind.set(kind, list);
    }
    return list;
  }

  private table(kind: KindName): KindTable {
    let t = this.tables.get(kind);
    if (!t) this.tables.set(kind, (t = { objects: new Map(), sorted: null, labels: new LabelIndex(), byName: new Map(), slashed: 0 }));
    return t;
  }

  /** The entry stored under this namespace and name (byName unless an object holding '/' makes it unsafe). */
  private entry(table: KindTable, namespace: string | undefined, name: string): Entry | undefined {
    if (table.slashed > 0 || hasSlash(namespace, name)) return table.objects.get(objectKey(namespace, name));
    return table.byName.get(namespace || '')?.get(name);
  }

  /** Enters a new entry's object in byName, or counts it as slashed. */
  private addByName(entry: Entry, table: KindTable): void {
    const { namespace, name } = entry.object.metadata;
    if (hasSlash(namespace, name)) {
      table.slashed++;
      return;
    }
    let names = table.byName.get(namespace || '');
    if (!names) table.byName.set(namespace || '', (names = new Map()));
    names.set(name!, entry);
  }

  /** Takes a stored object out of byName, or uncounts it as slashed. */
  private removeByName(o: AnyObject, table: KindTable): void {
    const { namespace, name } = o.metadata;
    if (hasSlash(namespace, name)) {
      table.slashed--;
      return;
    }
    const names = table.byName.get(namespace || '');
    names?.delete(name!);
    if (names?.size === 0) table.byName.delete(namespace || '');
  }

  /** `sameLabels`: the labels are the object the previous version had (its index entries were kept). */
  private index(o: AnyObject, table: KindTable, key: string, sameLabels: boolean): void {
    if (!sameLabels) table.labels.add(key, o.metadata.labels);
    for (const ref of o.metadata.ownerReferences ?? []) {
      let set = this.byOwner.get(ref.uid);
      if (!set) this.byOwner.set(ref.uid, (set = new Set()));
      set.add(o);
    }
    if (o.kind === 'Pod' && o.spec.nodeName) {
      let m = this.podsByNode.get(o.spec.nodeName);
      if (!m) this.podsByNode.set(o.spec.nodeName, (m = new Map()));
      m.set(key, o);
    }
  }

  private unindex(o: AnyObject, table: KindTable, key: string, sameLabels: boolean): void {
    if (!sameLabels) table.labels.delete(key, o.metadata.labels);
    for (const ref of o.metadata.ownerReferences ?? []) {
      const set = this.byOwner.get(ref.uid);
      set?.delete(o);
      if (set?.size === 0) this.byOwner.delete(ref.uid);
    }
    if (o.kind === 'Pod' && o.spec.nodeName) {
      const m = this.podsByNode.get(o.spec.nodeName);
      m?.delete(key);
      if (m?.size === 0) this.podsByNode.delete(o.spec.nodeName);
    }
  }
}

/** Object keys of one namespace (every key when undefined), in etcd's order. */
function keysInOrder(keys: string[], namespace: string | undefined): string[] {
  const prefix = namespace === undefined ? undefined : `${namespace}/`;
  return (prefix === undefined ? keys : keys.filter((k) => k.startsWith(prefix))).sort();
}

function wants(l: Listener, e: WatchEvent): boolean {
  if (l.kinds && !l.kinds.has(e.object.kind as KindName)) return false;
  return l.namespace === undefined || e.object.metadata.namespace === l.namespace;
}

function lowerBound(sorted: readonly string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
