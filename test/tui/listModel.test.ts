/**
 * The list model follows the cluster's watch instead of listing, filtering and sorting everything again: whatever
 * the changes, the query (namespace, scope, label filter, regex, inverted, sort) and the order of operations, the
 * rows it gives are exactly those a fresh computation gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnyObject, Pod } from '../../src/engine/api/types.js';
import { createCluster, type Cluster } from '../../src/engine/cluster.js';
import { ListModel, type ComputedList, type ListQuery } from '../../src/tui/listModel.js';
import { createSimulatedSource } from '../../src/tui/simulatedSource.js';
import { viewById, type Scope } from '../../src/tui/views.js';
import { pod } from '../engine/fixtures.js';

const NAMESPACES = ['default', 'team-a', 'team'];
const APPS = ['web', 'api', 'db'];
const PHASES = ['Pending', 'Running', 'Succeeded', 'Failed'] as const;

type Op =
  | { op: 'create'; name: number; ns: number; app: number }
  | { op: 'delete'; pick: number }
  | { op: 'relabel'; pick: number; app: number }
  | { op: 'phase'; pick: number; phase: number }
  | { op: 'tick'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('create' as const), name: fc.nat(60), ns: fc.nat(2), app: fc.nat(2) }),
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('relabel' as const), pick: fc.nat(), app: fc.nat(2) }),
  fc.record({ op: fc.constant('phase' as const), pick: fc.nat(), phase: fc.nat(3) }),
  fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 90_000 }) }),
);

const SCOPES: (Scope | undefined)[] = [
  undefined,
  { label: 'app=web', labelSelector: { matchLabels: { app: 'web' } } },
  { label: 'team-a', namespace: 'team-a' },
  { label: 'odd', match: (o) => (o.metadata.name ?? '').length % 2 === 1 },
];

const queryArb = fc.record({
  namespace: fc.constantFrom(undefined, 'default', 'team-a'),
  scope: fc.nat(SCOPES.length - 1),
  filter: fc.constantFrom('', '', ' ', 'web', 'we', 'p-1', 'P-1', 'p-12', '!api', '-l app in (web,db)', '-l app=', '-l ', 'Run', '^team', '(bad'),
  sort: fc.constantFrom(undefined, { by: 'name' as const, desc: false }, { by: 'age' as const, desc: true }, { by: 'status' as const, desc: false }),
});

function apply(cluster: Cluster, op: Op): void {
  const pods = cluster.list('Pod');
  const picked = (n: number) => pods[n % Math.max(1, pods.length)];
  switch (op.op) {
    case 'create': {
      const name = `p-${op.name}`;
      const namespace = NAMESPACES[op.ns]!;
      if (!cluster.get('Pod', namespace, name)) cluster.create(pod(name, { namespace, labels: { app: APPS[op.app]! } }));
      break;
    }
    case 'delete': {
      const p = picked(op.pick);
      if (p) cluster.delete('Pod', p.metadata.namespace, p.metadata.name!, { gracePeriodSeconds: 0 });
      break;
    }
    case 'relabel': {
      const p = picked(op.pick);
      if (p) cluster.update({ ...p, metadata: { ...p.metadata, labels: { app: APPS[op.app]! } } });
      break;
    }
    case 'phase': {
      const p = picked(op.pick);
      if (p) cluster.updateStatus({ ...p, status: { ...p.status, phase: PHASES[op.phase]! } } as Pod);
      break;
    }
    case 'tick':
      cluster.advance(op.ms);
      break;
  }
}

const names = (objects: readonly AnyObject[]) => objects.map((o) => `${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion}`);

describe('list model', () => {
  it('gives exactly the rows of a fresh computation after any changes, filters and sorts', () => {
    const view = viewById('pods')!;
    let checks = 0;
    let followed = 0;
    fc.assert(
      fc.property(queryArb, fc.array(fc.tuple(fc.array(opArb, { maxLength: 12 }), fc.oneof({ arbitrary: fc.constant(null), weight: 5 }, { arbitrary: queryArb, weight: 1 })), { minLength: 1, maxLength: 15 }), (first, steps) => {
        const cluster = createCluster({ seed: 1 });
        for (const ns of NAMESPACES) if (ns !== 'default') cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
        const source = createSimulatedSource({ cluster });
        let lists = 0;
        const reader = source.reader;
        const counted = { ...source, reader: { get: reader.get.bind(reader), watch: reader.watch.bind(reader), list: ((kind: never, options?: never) => (lists++, reader.list(kind, options))) as typeof reader.list } };
        const model = new ListModel(counted);
        let version = 0;
        let q = first;
        let last: ComputedList | undefined;
        // Where a uid is in a list the model gave, as a walk over its rows finds it (changes since may be pending).
        const rowOfAgrees = (list: ComputedList) => {
          const uids = [...list.objects.map((o) => o.metadata.uid!), ...cluster.list('Pod').map((p) => p.metadata.uid!), 'gone'];
          for (const uid of uids) expect(model.rowOf(list, uid)).toBe(list.objects.findIndex((o) => o.metadata.uid === uid));
        };
        for (const [ops, next] of steps) {
          for (const op of ops) apply(cluster, op);
          if (last) rowOfAgrees(last);
          if (next) q = next; // most steps keep the query: the model follows the changes
          version++;
          const query: ListQuery = { view, namespace: q.namespace, scope: SCOPES[q.scope], filter: q.filter, sort: q.sort };
          const before = lists;
          const rows = model.compute(query, version);
          rowOfAgrees(rows);
          last = rows;
          if (lists === before) followed++;
          const fresh = new ListModel(source).compute(query, version);
          expect(names(rows.objects)).toEqual(names(fresh.objects));
          expect(rows.error).toEqual(fresh.error);
          checks++;
        }
        model.close();
      }),
      { numRuns: 150, seed: 7 },
    );
    expect(checks).toBeGreaterThan(500);
    expect(followed).toBeGreaterThan(checks / 3); // most computations followed the watch instead of listing
  });

  it('narrows the rows as a plain filter grows, and follows changes meanwhile', () => {
    const cluster = createCluster({ seed: 1 });
    for (let i = 0; i < 30; i++) cluster.create(pod(`web-${i}`, { labels: { app: 'web' } }));
    const source = createSimulatedSource({ cluster });
    const model = new ListModel(source);
    const view = viewById('pods')!;
    const q = (filter: string): ListQuery => ({ view, namespace: undefined, filter });
    expect(model.compute(q('web-1'), 1).objects).toHaveLength(11);
    expect(names(model.compute(q('web-12'), 1).objects)).toEqual(['default/web-12@' + cluster.get('Pod', 'default', 'web-12')!.metadata.resourceVersion]);
    cluster.create(pod('web-123'));
    cluster.delete('Pod', 'default', 'web-12', { gracePeriodSeconds: 0 });
    expect(model.compute(q('web-12'), 2).objects.map((o) => o.metadata.name)).toEqual(['web-123']);
    model.close();
  });

  it('sorts by name or status the other way by reversing the list it has, without listing, and both follow changes', () => {
    const cluster = createCluster({ seed: 1 });
    cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    for (let i = 0; i < 12; i++) cluster.create(pod(`web-${i % 4}${i}`, { namespace: i % 3 === 0 ? 'team-a' : 'default' }));
    const source = createSimulatedSource({ cluster });
    let lists = 0;
    const reader = source.reader;
    const counted = { ...source, reader: { get: reader.get.bind(reader), watch: reader.watch.bind(reader), list: ((kind: never, options?: never) => (lists++, reader.list(kind, options))) as typeof reader.list } };
    const model = new ListModel(counted);
    const view = viewById('pods')!;
    for (const by of ['name', 'status'] as const) {
      const q = (desc: boolean): ListQuery => ({ view, namespace: undefined, filter: 'web', sort: { by, desc } });
      let version = by === 'name' ? 1 : 10;
      model.compute(q(false), version);
      const before = lists;
      const reversed = model.compute(q(true), version);
      expect(lists).toBe(before);
      expect(names(reversed.objects)).toEqual(names(new ListModel(source).compute(q(true), version).objects));
      for (let round = 0; round < 3; round++) {
        version++;
        cluster.create(pod(`web-x${by}${round}`));
        const p = cluster.list('Pod')[round]!;
        cluster.updateStatus({ ...p, status: { ...p.status, phase: round % 2 === 0 ? 'Running' : 'Failed' } } as Pod);
        for (const desc of [true, false]) expect(names(model.compute(q(desc), version).objects)).toEqual(names(new ListModel(source).compute(q(desc), version).objects));
      }
    }
    model.close();
  });

  it('keeps lists that started from the same rows apart as both follow changes', () => {
    const cluster = createCluster({ seed: 1 });
    for (let i = 0; i < 5; i++) cluster.create(pod(`web-${i}`));
    const source = createSimulatedSource({ cluster });
    const model = new ListModel(source);
    const view = viewById('pods')!;
    const q = (filter: string): ListQuery => ({ view, namespace: undefined, filter });
    model.compute(q(''), 1);
    model.compute(q(' '), 1); // a blank filter takes the unfiltered rows as they are
    for (let round = 2; round <= 4; round++) {
      cluster.create(pod(`web-${round + 3}`));
      const web2 = cluster.get('Pod', 'default', 'web-2')!;
      cluster.updateStatus({ ...web2, status: { ...web2.status, phase: round % 2 === 0 ? 'Running' : 'Pending' } } as Pod);
      const fresh = names(new ListModel(source).compute(q(''), round).objects);
      expect(names(model.compute(q(''), round).objects)).toEqual(fresh);
      expect(names(model.compute(q(' '), round).objects)).toEqual(fresh);
    }
    model.close();
  });
});
