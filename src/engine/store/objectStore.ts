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

/** `namespace/name` (the name alone when cluster-scoped), as etcd keys objects: controllers key their own maps so. */
export const objectKey = (namespace: string | undefined, name: string): string => (namespace ? `${namespace}/${name}` : name);

interface KindTable {
  /**
   * Objects by namespace ('' when cluster-scoped), then name, each in an entry a later version reuses: a lookup
   * hashes two strings the object already holds, and an update writes no map.
   */
  byName: Map<string, Map<string, Entry>>;
  size: number;
  /** Every entry in etcd's order (namespace, then name), and where each namespace's run starts; rebuilt lazily. */
  sorted: SortedEntries | null;
  /** Entries by label: selector lists visit only the objects that can match. */
  labels: LabelIndex<Entry>;
}

/** A stored object, replaced in place by each later version: the indexes hold the entry, not the version. */
interface Entry {
  object: AnyObject;
}

interface SortedEntries {
  entries: Entry[];
  /** Each namespace's first index in `entries` and its count. */
  runs: Map<string, { from: number; count: number }>;
}

/**
 * etcd lists by key, `namespace/name`: by namespace (a namespace and '/', so 'a-b' comes before 'a'), then by name.
 * Namespaces and names cannot hold '/', so comparing the parts orders as the keys would.
 */
const textOrder = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

const namespaceOrder = (a: string, b: string): number => textOrder(`${a}/`, `${b}/`);

const entryOrder = (a: Entry, b: Entry): number => {
  const na = a.object.metadata.namespace || '';
  const nb = b.object.metadata.namespace || '';
  return na !== nb ? namespaceOrder(na, nb) : textOrder(a.object.metadata.name!, b.object.metadata.name!);
};

interface Listener {
  kinds: ReadonlySet<KindName> | null;
  namespace: string | undefined;
  handler: (event: WatchEvent) => void;
}

/** The entries' objects. A loop: `Array.from(set, mapFn)` costs ten times as much for the one-entry sets most are. */
function objectsOf(entries: ReadonlySet<Entry> | undefined): AnyObject[] {
  const out: AnyObject[] = [];
  if (entries) for (const e of entries) out.push(e.object);
  return out;
}

const freezeObjects = process.env.VITEST !== undefined || process.env.KUBEDECK_FREEZE === '1';

export class ResourceVersionTooOld extends Error {
  constructor(rv: string) {
    super(`too old resource version: ${rv}`);
  }
}

const KEPT_LABELS = 1;
const KEPT_OWNERS = 2;
const KEPT_NODE = 4;

/**
 * Which index keys a new version shares with the stored one: the same labels or ownerReferences object (stored
 * versions share unchanged parts) and the same node. Most writes are status writes that keep all three, and the
 * index entries (which point at the object's entry, not at a version) then stay where they are.
 */
function keptIndexKeys(previous: AnyObject, next: AnyObject): number {
  let kept = 0;
  if (previous.metadata.labels === next.metadata.labels) kept |= KEPT_LABELS;
  if (previous.metadata.ownerReferences === next.metadata.ownerReferences) kept |= KEPT_OWNERS;
  if (previous.kind !== 'Pod' || previous.spec.nodeName === (next as typeof previous).spec.nodeName) kept |= KEPT_NODE;
  return kept;
}

export class ObjectStore {
  private readonly tables = new Map<KindName, KindTable>();
  /** Dependents by owner uid, in the order their ownerReferences were last set. */
  private readonly byOwner = new Map<string, Set<Entry>>();
  /** Pods by node, each node's in the order they were bound to it. */
  private readonly podsByNode = new Map<string, Set<Entry>>();
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
  private readonly vacancy: { kind: KindName | undefined; namespace: string | undefined; name: string | undefined } = {
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
    return this.tables.get(kind)?.size ?? 0;
  }

  /** Every object of a kind, optionally in one namespace, in etcd's order. */
  list<K extends KindName>(kind: K, namespace?: string): KindMap[K][] {
    const table = this.tables.get(kind);
    if (!table) return [];
    const sorted = (table.sorted ??= sortEntries(table.byName));
    let from = 0;
    let count = sorted.entries.length;
    if (namespace !== undefined) {
      // As a key prefix `namespace/`: '' names no namespace (cluster-scoped objects have none).
      const run = namespace === '' ? undefined : sorted.runs.get(namespace);
      if (!run) return [];
      ({ from, count } = run);
    }
    const out = new Array<KindMap[K]>(count);
    for (let i = 0; i < count; i++) out[i] = sorted.entries[from + i]!.object as KindMap[K];
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
    const out: KindMap[K][] = [];
    for (const e of inOrder(candidates.flatMap((set) => [...set]), namespace)) {
      if (matches(selector, e.object.metadata.labels)) out.push(e.object as KindMap[K]);
    }
    return out;
  }

  /** Objects whose ownerReferences name this uid. */
  dependents(ownerUid: string): AnyObject[] {
    return objectsOf(this.byOwner.get(ownerUid));
  }

  podsOnNode(nodeName: string): KindMap['Pod'][] {
    return objectsOf(this.podsByNode.get(nodeName)) as KindMap['Pod'][];
  }

  /** The pods bound to a node, in `list`'s order (namespace/name), optionally of one namespace. */
  listPodsOnNode(nodeName: string, namespace?: string): KindMap['Pod'][] {
    const pods = this.podsByNode.get(nodeName);
    if (!pods) return [];
    return inOrder([...pods], namespace).map((e) => e.object) as KindMap['Pod'][];
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
      const kept = keptIndexKeys(previous, object);
      this.unindex(previous, table, entry, kept);
      entry.object = object;
      this.index(object, table, entry, kept);
    } else {
      const added: Entry = { object };
      let names = table.byName.get(namespace || '');
      if (!names) table.byName.set(namespace || '', (names = new Map()));
      names.set(name!, added);
      table.size++;
      table.sorted = null;
      this.index(object, table, added, 0);
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
    const namespace = object.metadata.namespace || '';
    const names = table.byName.get(namespace);
    const entry = names?.get(object.metadata.name!);
    if (!entry) return;
    this.unindex(entry.object, table, entry, 0);
    names!.delete(object.metadata.name!);
    if (names!.size === 0) table.byName.delete(namespace);
    table.size--;
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
    if (!t) this.tables.set(kind, (t = { byName: new Map(), size: 0, sorted: null, labels: new LabelIndex() }));
    return t;
  }

  private entry(table: KindTable, namespace: string | undefined, name: string): Entry | undefined {
    return table.byName.get(namespace || '')?.get(name);
  }

  /** `kept`: KEPT_* bits for what this version shares with the previous one, whose index entries stay as they are. */
  private index(o: AnyObject, table: KindTable, entry: Entry, kept: number): void {
    if (!(kept & KEPT_LABELS)) table.labels.add(entry, o.metadata.labels);
    if (!(kept & KEPT_OWNERS)) {
      for (const ref of o.metadata.ownerReferences ?? []) {
        let set = this.byOwner.get(ref.uid);
        if (!set) this.byOwner.set(ref.uid, (set = new Set()));
        set.add(entry);
      }
    }
    if (!(kept & KEPT_NODE) && o.kind === 'Pod' && o.spec.nodeName) {
      let pods = this.podsByNode.get(o.spec.nodeName);
      if (!pods) this.podsByNode.set(o.spec.nodeName, (pods = new Set()));
      pods.add(entry);
    }
  }

  private unindex(o: AnyObject, table: KindTable, entry: Entry, kept: number): void {
    if (!(kept & KEPT_LABELS)) table.labels.delete(entry, o.metadata.labels);
    if (!(kept & KEPT_OWNERS)) {
      for (const ref of o.metadata.ownerReferences ?? []) {
        const set = this.byOwner.get(ref.uid);
        set?.delete(entry);
        if (set?.size === 0) this.byOwner.delete(ref.uid);
      }
    }
    if (!(kept & KEPT_NODE) && o.kind === 'Pod' && o.spec.nodeName) {
      const pods = this.podsByNode.get(o.spec.nodeName);
      pods?.delete(entry);
      if (pods?.size === 0) this.podsByNode.delete(o.spec.nodeName);
    }
  }
}

/** Every entry in etcd's order: the namespaces in order, each one's names sorted (native string sorts). */
function sortEntries(byName: ReadonlyMap<string, ReadonlyMap<string, Entry>>): SortedEntries {
  const entries: Entry[] = [];
  const runs = new Map<string, { from: number; count: number }>();
  for (const namespace of [...byName.keys()].sort(namespaceOrder)) {
    const names = byName.get(namespace)!;
    runs.set(namespace, { from: entries.length, count: names.size });
    for (const name of [...names.keys()].sort()) entries.push(names.get(name)!);
  }
  return { entries, runs };
}

/** Entries of one namespace (every entry when undefined), in etcd's order. */
function inOrder(entries: Entry[], namespace: string | undefined): Entry[] {
  if (namespace === '') return [];
  return (namespace === undefined ? entries : entries.filter((e) => e.object.metadata.namespace === namespace)).sort(entryOrder);
}

function wants(l: Listener, e: WatchEvent): boolean {
  if (l.kinds && !l.kinds.has(e.object.kind as KindName)) return false;
  return l.namespace === undefined || e.object.metadata.namespace === l.namespace;
}
