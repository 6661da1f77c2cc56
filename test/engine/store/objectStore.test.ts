import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnyObject } from '../../../src/engine/api/types.js';
import type { WatchEvent } from '../../../src/engine/client.js';
import { ObjectStore, objectKey } from '../../../src/engine/store/objectStore.js';

/**
 * The raw store against a model that is one map by `namespace/name`: whatever the store indexes (by name, label,
 * owner, node), every read must say what scanning the model says. Names holding '/' are invalid at the API but the
 * raw store takes them; each shares a flat key with another pair ('a' + 'b/c' and 'a/b' + 'c',
 * 'a' + 'b' and none + 'a/b'), and the later replaces the earlier, as the model does.
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
  | { op: 'put'; pair: number; app: number; node: number; owners: number; keepLabels: boolean; keepOwners: boolean }
  | { op: 'remove'; pair: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('put' as const),
    pair: fc.nat(PAIRS.length - 1),
    app: fc.nat(2),
    node: fc.nat(NODES.length - 1),
    owners: fc.nat(3),
    keepLabels: fc.boolean(),
    keepOwners: fc.boolean(),
  }),
  fc.record({ op: fc.constant('remove' as const), pair: fc.nat(PAIRS.length - 1) }),
);

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

const keyOf = (o: AnyObject) => objectKey(o.metadata.namespace, o.metadata.name!);
const sortedKeys = (objects: readonly AnyObject[]) => objects.map(keyOf).sort();

describe('ObjectStore', () => {
  it('reads back what a map by namespace/name holds, through every index, across creates, updates and removes', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const store = new ObjectStore();
        const model = new Map<string, AnyObject>();
        const seen: WatchEvent[] = [];
        store.watch({}, (e) => seen.push(e));
        ops.forEach((op, i) => {
          const key = objectKey(...PAIRS[op.pair]!);
          const previous = model.get(key);
          if (op.op === 'remove') {
            if (!previous) return;
            store.remove(previous, previous);
            model.delete(key);
          } else {
            const pod = podOf(op, previous, i + 1);
            store.put(previous ? 'MODIFIED' : 'ADDED', pod);
            model.set(key, pod);
          }
          // After every step: a stale by-name entry shows only once no name holding '/' is stored.
          for (const [ns, name] of PAIRS) expect(store.get('Pod', ns, name)).toBe(model.get(objectKey(ns, name)));
        });
        const all = [...model.values()];
        for (const ns of NAMESPACES) {
          const inNs = ns === undefined ? all : all.filter((o) => keyOf(o).startsWith(`${ns}/`));
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
        expect(seen.length).toBe(ops.filter((op, i) => op.op === 'put' || wasStored(ops, i)).length);
      }),
      { numRuns: 300 },
    );
  });
});

/** Whether a remove at index i found something to remove (replaying the puts and removes before it). */
function wasStored(ops: readonly Op[], i: number): boolean {
  const keys = new Set<string>();
  for (let j = 0; j < i; j++) {
    const op = ops[j]!;
    const key = objectKey(...PAIRS[op.pair]!);
    if (op.op === 'put') keys.add(key);
    else keys.delete(key);
  }
  return keys.has(objectKey(...PAIRS[ops[i]!.pair]!));
}
