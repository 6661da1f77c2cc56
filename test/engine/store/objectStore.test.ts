import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnyObject } from '../../../src/engine/api/types.js';
import type { WatchEvent } from '../../../src/engine/client.js';
import { ObjectStore } from '../../../src/engine/store/objectStore.js';

/**
 * The raw store against a model that is one map by (namespace, name): whatever the store indexes (by name, label,
 * owner, node), every read must say what scanning the model says. Names holding '/' are invalid at the API but the
 * raw store takes them, each pair its own object, even where `namespace/name` would be the same text ('a' + 'b/c'
 * and 'a/b' + 'c', 'a' + 'b' and none + 'a/b').
 */
const PAIRS: readonly (readonly [string | undefined, string])[] = [
  ...[undefined, 'a', 'd'].flatMap((ns) => ['b', 'c', 'x'].map((name) => [ns, name] as const)),
  [undefined, 'a/b'],
  ['a', 'b/c'],
  ['a/b', 'c'],
  [undefined, 'd/c'],
];
const NAMESPACES = [...new Set(PAIRS.map(([ns]) => ns))];
const NODES = [undefined, 'n1', 'n2'] as const;
const OWNERS = ['u1', 'u2'] as const;

type Op =
  | { op: 'put'; pair: number; app: number; node: number; owners: number; keepLabels: boolean; keepOwners: boolean; added: boolean }
  | { op: 'remove'; pair: number }
  | { op: 'vacant'; pair: number };

/** A pair's index, or -1: the previous step's pair (so that steps on one name follow each other often). */
const pairArb = fc.oneof(fc.constant(-1), fc.nat(PAIRS.length - 1));

const stepArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('put' as const),
    pair: pairArb,
    app: fc.nat(2),
    node: fc.nat(NODES.length - 1),
    owners: fc.nat(3),
    keepLabels: fc.boolean(),
    keepOwners: fc.boolean(),
    added: fc.boolean(),
  }),
  fc.record({ op: fc.constant('remove' as const), pair: pairArb }),
  fc.record({ op: fc.constant('vacant' as const), pair: pairArb }),
);

/** Steps with every pair resolved to an index. */
const opsArb = fc.array(stepArb, { maxLength: 40 }).map((steps) => {
  let last = 0;
  return steps.map((step) => ({ ...step, pair: (last = step.pair < 0 ? last : step.pair) }));
});

function podOf(op: Extract<Op, { op: 'put' }>, previous: AnyObject | undefined, rv: number): AnyObject {
  const labels = op.keepLabels && previous ? previous.metadata.labels : { app: `app${op.app}` };
  const ownerReferences =
    op.keepOwners && previous
      ? previous.metadata.ownerReferences
      : OWNERS.filter((_, i) => op.owners & (1 << i)).map((uid) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: uid, uid }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: PAIRS[op.pair]![0], name: PAIRS[op.pair]![1], resourceVersion: String(rv), labels, ownerReferences },
    spec: { containers: [], nodeName: NODES[op.node] },
  } as unknown as AnyObject;
}

/** The model's key: the pair itself. */
const pairKey = (namespace: string | undefined, name: string) => JSON.stringify([namespace ?? '', name]);
const keyOf = (o: AnyObject) => pairKey(o.metadata.namespace, o.metadata.name!);
/** etcd's order: by namespace and '/' (so 'a-b' before 'a'), then by name. */
const sortedKeys = (objects: readonly AnyObject[]) =>
  [...objects]
    .sort((a, b) => {
      const x = `${a.metadata.namespace ?? ''}/`;
      const y = `${b.metadata.namespace ?? ''}/`;
      if (x !== y) return x < y ? -1 : 1;
      return a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0;
    })
    .map(keyOf);

describe('ObjectStore', () => {
  it('reads back what a map by namespace/name holds, through every index, across creates, updates and removes', () => {
    fc.assert(
      fc.property(opsArb, (ops) => {
        const store = new ObjectStore();
        const model = new Map<string, AnyObject>();
        const seen: WatchEvent[] = [];
        store.watch({}, (e) => seen.push(e));
        ops.forEach((op, i) => {
          const key = pairKey(...PAIRS[op.pair]!);
          const previous = model.get(key);
          if (op.op === 'vacant') {
            expect(store.vacant('Pod', ...PAIRS[op.pair]!)).toBe(!previous);
          } else if (op.op === 'remove') {
            if (!previous) return;
            store.remove(previous, previous);
            model.delete(key);
          } else {
            // The type is what watchers are told; the store finds what it replaces either way (ADDED after `vacant`
            // found nothing there, and nothing was written since, need not look).
            const pod = podOf(op, previous, i + 1);
            store.put(op.added ? 'ADDED' : 'MODIFIED', pod);
            model.set(key, pod);
          }
          // After every step: an object left behind, or found under another pair, shows at once.
          for (const [ns, name] of PAIRS) expect(store.get('Pod', ns, name)).toBe(model.get(pairKey(ns, name)));
        });
        const all = [...model.values()];
        for (const ns of NAMESPACES) {
          const inNs = ns === undefined ? all : all.filter((o) => o.metadata.namespace === ns);
          expect(store.list('Pod', ns).map(keyOf)).toEqual(sortedKeys(inNs));
        }
        expect(store.count('Pod')).toBe(model.size);
        for (const app of ['app0', 'app1', 'app2']) {
          const selected = store.select('Pod', undefined, [{ key: 'app', op: 'In', values: [app] }]);
          expect(selected.map(keyOf)).toEqual(sortedKeys(all.filter((o) => o.metadata.labels?.app === app)));
          expect(selected.every((o) => model.get(keyOf(o)) === o)).toBe(true);
        }
        for (const uid of OWNERS) {
          const owned = all.filter((o) => o.metadata.ownerReferences?.some((r) => r.uid === uid));
          expect(new Set(store.dependents(uid))).toEqual(new Set(owned));
        }
        for (const node of NODES.slice(1)) {
          const bound = all.filter((o) => (o as { spec: { nodeName?: string } }).spec.nodeName === node);
          expect(new Set(store.podsOnNode(node!))).toEqual(new Set(bound));
          expect(store.listPodsOnNode(node!).map(keyOf)).toEqual(sortedKeys(bound));
        }
        expect(seen.length).toBe(ops.filter((op, i) => op.op === 'put' || (op.op === 'remove' && wasStored(ops, i))).length);
      }),
      { numRuns: 500 },
    );
  });
  it("keeps a name holding '/' apart from the pair whose namespace/name reads the same", () => {
    const store = new ObjectStore();
    const plain = { kind: 'Pod', metadata: { namespace: 'a', name: 'b' }, spec: {} } as unknown as AnyObject;
    const slashed = { kind: 'Pod', metadata: { name: 'a/b' }, spec: {} } as unknown as AnyObject;
    store.put('ADDED', plain);
    store.put('ADDED', slashed);
    expect(store.get('Pod', 'a', 'b')).toBe(plain);
    expect(store.get('Pod', undefined, 'a/b')).toBe(slashed);
    expect(store.count('Pod')).toBe(2);
    store.remove(slashed, slashed);
    expect(store.get('Pod', 'a', 'b')).toBe(plain);
    expect(store.list('Pod')).toEqual([plain]);
  });

  it('lists a namespace and its neighbours in etcd order (a-b/ before a/), and nothing for the empty namespace', () => {
    const store = new ObjectStore();
    const pod = (namespace: string, name: string) =>
      ({ kind: 'Pod', metadata: { namespace, name, labels: { app: 'web' } }, spec: { nodeName: 'n1' } }) as unknown as AnyObject;
    for (const [ns, name] of [['a', 'y'], ['a-b', 'x'], ['a', 'x'], ['a.b', 'z'], ['b', 'a']] as const) store.put('ADDED', pod(ns, name));
    const keys = (objects: AnyObject[]) => objects.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    const etcdOrder = ['a-b/x', 'a.b/z', 'a/x', 'a/y', 'b/a'];
    expect(keys(store.list('Pod'))).toEqual(etcdOrder);
    expect(keys(store.select('Pod', undefined, [{ key: 'app', op: 'In', values: ['web'] }]))).toEqual(etcdOrder);
    expect(keys(store.listPodsOnNode('n1'))).toEqual(etcdOrder);
    expect(store.list('Pod', 'a').map((o) => o.metadata.name)).toEqual(['x', 'y']);
    expect(store.list('Pod', '')).toEqual([]);
    expect(store.list('Pod', 'c')).toEqual([]);
  });
});

describe('ObjectStore.vacant', () => {
  const pod = (namespace: string, name: string, rv: string, owner: string) =>
    ({ kind: 'Pod', metadata: { namespace, name, resourceVersion: rv, ownerReferences: [{ uid: owner }] }, spec: {} }) as unknown as AnyObject;

  it('says whether a name is free, and a put after it replaces what another write stored there since', () => {
    const store = new ObjectStore();
    expect(store.vacant('Pod', 'a', 'b')).toBe(true);
    store.put('ADDED', pod('a', 'b', '1', 'u1'));
    expect(store.vacant('Pod', 'a', 'b')).toBe(false);
    // Stored after the vacancy was seen: a later ADDED for the name finds and replaces it.
    store.put('ADDED', pod('a', 'b', '2', 'u2'));
    expect(store.dependents('u1')).toEqual([]);
    expect(store.count('Pod')).toBe(1);
  });

  it('is about one kind, namespace and name: a put of another replaces what is stored under it', () => {
    const store = new ObjectStore();
    store.put('ADDED', pod('a', 'c', '1', 'u1'));
    store.put('ADDED', pod('d', 'b', '2', 'u2'));
    for (const [namespace, name, owner] of [['a', 'c', 'u1'], ['d', 'b', 'u2']] as const) {
      expect(store.vacant('Pod', 'a', 'b')).toBe(true);
      store.put('ADDED', pod(namespace, name, '3', `${owner}-again`));
      expect(store.dependents(owner)).toEqual([]);
    }
    expect(store.vacant('Service', 'a', 'c')).toBe(true);
    store.put('ADDED', pod('a', 'c', '4', 'u3'));
    expect(store.dependents('u1-again')).toEqual([]);
    expect(store.count('Pod')).toBe(2);
  });
});

/** Whether a remove at index i found something to remove (replaying the puts and removes before it). */
function wasStored(ops: readonly Op[], i: number): boolean {
  const keys = new Set<string>();
  for (let j = 0; j < i; j++) {
    const op = ops[j]!;
    const key = pairKey(...PAIRS[op.pair]!);
    if (op.op === 'put') keys.add(key);
    else if (op.op === 'remove') keys.delete(key);
  }
  return keys.has(pairKey(...PAIRS[ops[i]!.pair]!));
}
