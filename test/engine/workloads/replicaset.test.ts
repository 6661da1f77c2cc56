/** The ReplicaSet controller: pods from the template, slow start, victims, ownership, status and events. */
import { describe, expect, it } from 'vitest';
import { scale } from '../../../src/engine/actions.js';
import type { Pod, ReplicaSet } from '../../../src/engine/api/types.js';
import { ApiError } from '../../../src/engine/errors.js';
import { rankPodsForDeletion, slowStartBatches } from '../../../src/engine/controllers/replicaSetPods.js';
import { scenario } from './deploymentScenario.js';

const NAME = /^frontend-[bcdfghjklmnpqrstvwxz2456789]{5}$/;

function frontend(replicas: number, extra: Partial<ReplicaSet['spec']> = {}): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'frontend', labels: { tier: 'frontend' } },
    spec: {
      replicas,
      selector: { matchLabels: { tier: 'frontend' } },
      template: { metadata: { labels: { tier: 'frontend', team: 'web' }, annotations: { note: 'from template' } }, spec: { containers: [{ name: 'php', image: 'php:8' }] } },
      ...extra,
    },
  };
}

const podsOf = (s: ReturnType<typeof scenario>) => s.c.list('Pod', { namespace: 'default' });

describe('creating pods', () => {
  it('creates pods named <rs>-<5 chars> from the template, owned by the ReplicaSet, with one event each', () => {
    const s = scenario();
    const rs = s.c.create(frontend(3));
    const pods = podsOf(s);
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(NAME);
      expect(p.metadata.labels).toEqual({ tier: 'frontend', team: 'web' });
      expect(p.metadata.annotations).toEqual({ note: 'from template' });
      expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'frontend', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    expect(s.events('SuccessfulCreate').sort()).toEqual(pods.map((p) => `SuccessfulCreate Created pod: ${p.metadata.name}`).sort());
    expect(s.c.get('ReplicaSet', 'default', 'frontend')!.status).toEqual({
      replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1,
    });
  });

  it('creates in slow-start batches of 1, 2, 4, ... and stops at the first batch with a failure', () => {
    expect(slowStartBatches(0)).toEqual([]);
    expect(slowStartBatches(1)).toEqual([1]);
    expect(slowStartBatches(3)).toEqual([1, 2]);
    expect(slowStartBatches(10)).toEqual([1, 2, 4, 3]);
    expect(slowStartBatches(500)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 245]);

    const s = scenario();
    let quota = 5;
    const create = s.c.api.create.bind(s.c.api);
    s.c.api.create = ((o: Parameters<typeof create>[0]) => {
      if (o.kind === 'Pod' && s.c.store.count('Pod') >= quota) {
        throw new ApiError('Forbidden', `pods "${o.metadata.generateName}xxxxx" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=${quota}, limited: pods=${quota}`);
      }
      return create(o);
    }) as typeof create;
    s.c.create(frontend(10));
    // batches 1, 2 succeed; the batch of 4 gets 2 through and 2 refused, so the last batch is never tried
    expect(podsOf(s)).toHaveLength(5);
    const message = 'pods "frontend-xxxxx" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=5, limited: pods=5';
    const failed = s.c.list('Event').filter((e) => e.reason === 'FailedCreate');
    // one Event, counted: two refusals in the first sync, more as the controller retries
    expect(failed.map((e) => [e.type, e.message])).toEqual([['Warning', `Error creating: ${message}`]]);
    expect(failed[0]!.count).toBeGreaterThanOrEqual(2);
    const status = s.c.get('ReplicaSet', 'default', 'frontend')!.status!;
    expect(status.replicas).toBe(5);
    expect(status.conditions?.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([['ReplicaFailure', 'True', 'FailedCreate', message]]);
    // retried with backoff; once the quota allows, the rest come and the condition goes
    quota = 100;
    s.c.advance(1000);
    expect(podsOf(s)).toHaveLength(10);
    expect(s.c.get('ReplicaSet', 'default', 'frontend')!.status!.conditions).toBeUndefined();
  });

  it('creates at most 500 pods per sync but gets to any size', () => {
    const s = scenario();
    s.c.create(frontend(1200));
    expect(podsOf(s)).toHaveLength(1200);
    expect(s.c.get('ReplicaSet', 'default', 'frontend')!.status).toMatchObject({ replicas: 1200, readyReplicas: 1200 });
  });

  it('replaces a pod that is deleted', () => {
    const s = scenario();
    s.c.create(frontend(2));
    const [victim] = podsOf(s);
    s.c.delete('Pod', 'default', victim!.metadata.name!);
    const pods = podsOf(s);
    expect(pods).toHaveLength(2);
    expect(pods.map((p) => p.metadata.name)).not.toContain(victim!.metadata.name);
  });
});

describe('status', () => {
  it('counts available pods only minReadySeconds after Ready (re-checked a second later, as the real controller)', () => {
    const s = scenario({ fate: () => ({ readyAfterMs: 2000 }) });
    s.c.create(frontend(3, { minReadySeconds: 10 }));
    const status = () => s.c.get('ReplicaSet', 'default', 'frontend')!.status!;
    expect(status()).toEqual({ replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
    s.c.advance(2000);
    expect(status()).toMatchObject({ readyReplicas: 3 });
    expect(status().availableReplicas).toBeUndefined();
    s.c.advance(10_999);
    expect(status().availableReplicas).toBeUndefined();
    s.c.advance(1);
    expect(status().availableReplicas).toBe(3);
  });

  it('does not count pods being deleted, nor replace them twice', () => {
    const s = scenario({ terminateAfterMs: 30_000 });
    s.c.create(frontend(3));
    scale(s.c, 'ReplicaSet', 'default', 'frontend', 1);
    const pods = podsOf(s);
    expect(pods).toHaveLength(3);
    expect(pods.filter((p) => p.metadata.deletionTimestamp)).toHaveLength(2);
    expect(s.c.get('ReplicaSet', 'default', 'frontend')!.status).toMatchObject({ replicas: 1, readyReplicas: 1 });
    expect(s.events('SuccessfulDelete')).toHaveLength(2);
    s.c.advance(30_000);
    expect(podsOf(s)).toHaveLength(1);
    expect(s.events('SuccessfulCreate')).toHaveLength(3);
  });

  it('counts fullyLabeledReplicas: pods with every template label', () => {
    const s = scenario();
    const orphan: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray', labels: { tier: 'frontend' } }, spec: { containers: [{ name: 'php', image: 'php:8' }] } };
    s.c.create(orphan);
    s.c.create(frontend(2));
    expect(s.c.get('ReplicaSet', 'default', 'frontend')!.status).toMatchObject({ replicas: 2, fullyLabeledReplicas: 1 });
  });
});

describe('ownership', () => {
  it('adopts matching orphans instead of creating pods, and ignores pods another controller owns', () => {
    const s = scenario();
    const mk = (name: string, labels: Record<string, string>): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'php', image: 'php:8' }] } });
    s.c.create(mk('pod1', { tier: 'frontend' }));
    s.c.create(mk('pod2', { tier: 'backend' }));
    const rs = s.c.create(frontend(2));
    const pod1 = s.c.get('Pod', 'default', 'pod1')!;
    expect(pod1.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'frontend', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(s.c.get('Pod', 'default', 'pod2')!.metadata.ownerReferences).toBeUndefined();
    expect(s.events('SuccessfulCreate')).toHaveLength(1);
    // an orphan created later is adopted too, and the surplus deleted
    s.c.create(mk('pod3', { tier: 'frontend' }));
    expect(podsOf(s).filter((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid)).toHaveLength(2);
    expect(s.events('SuccessfulDelete')).toHaveLength(1);
  });

  it('releases a pod whose labels stop matching and creates a replacement', () => {
    const s = scenario();
    s.c.create(frontend(2));
    const [pod] = podsOf(s);
    s.c.update({ ...pod!, metadata: { ...pod!.metadata, labels: { tier: 'debug' } } });
    const released = s.c.get('Pod', 'default', pod!.metadata.name!)!;
    expect(released.metadata.ownerReferences).toBeUndefined();
    expect(podsOf(s).filter((p) => p.metadata.ownerReferences)).toHaveLength(2);
    expect(s.c.get('ReplicaSet', 'default', 'frontend')!.status!.replicas).toBe(2);
  });
});

describe('scale-down victims (ActivePodsWithRanks)', () => {
  const T0 = Date.UTC(2025, 0, 1, 1, 0, 0);
  const iso = (msAgo: number) => new Date(T0 - msAgo).toISOString().replace('.000Z', 'Z');
  interface P { node?: string; phase?: 'Pending' | 'Running' | 'Unknown'; readyFor?: number; restarts?: number; age?: number; cost?: number; uid?: string }
  const mk = (name: string, p: P): Pod => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name, uid: p.uid ?? name, creationTimestamp: iso(p.age ?? 3_600_000),
      ...(p.cost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': String(p.cost) } } : {}),
    },
    spec: { containers: [{ name: 'c' }], ...(p.node === undefined ? { nodeName: 'n1' } : p.node ? { nodeName: p.node } : {}) },
    status: {
      phase: p.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: p.readyFor !== undefined ? 'True' : 'False', lastTransitionTime: iso(p.readyFor ?? 0) }],
      containerStatuses: [{ name: 'c', image: '', imageID: '', ready: p.readyFor !== undefined, restartCount: p.restarts ?? 0, state: {}, lastState: {} }],
    },
  });

  it.each([
    ['unassigned before assigned', { a: { node: '', readyFor: 60_000 }, b: { readyFor: 60_000 } }],
    ['Pending before Unknown before Running', { a: { phase: 'Pending' as const }, b: { phase: 'Unknown' as const } }],
    ['Unknown before Running', { a: { phase: 'Unknown' as const }, b: { phase: 'Running' as const } }],
    ['not ready before ready', { a: {}, b: { readyFor: 1000 } }],
    ['lower pod-deletion-cost first', { a: { readyFor: 1000, cost: -5 }, b: { readyFor: 1000 } }],
    ['ready for a shorter time first', { a: { readyFor: 10_000 }, b: { readyFor: 1_000_000 } }],
    ['more restarts first', { a: { readyFor: 60_000, restarts: 3 }, b: { readyFor: 60_000, restarts: 1 } }],
    ['newer first', { a: { age: 60_000 }, b: { age: 3_600_000 } }],
    ['ready times in the same power-of-two bucket tie, then the uid decides', { a: { readyFor: 10_000, uid: 'a' }, b: { readyFor: 11_000, uid: 'b' } }],
  ] as const)('%s', (_what, { a, b }) => {
    const pa = mk('a', a as P);
    const pb = mk('b', b as P);
    expect(rankPodsForDeletion([pb, pa], [], T0).map((p) => p.metadata.name)).toEqual(['a', 'b']);
    expect(rankPodsForDeletion([pa, pb], [], T0).map((p) => p.metadata.name)).toEqual(['a', 'b']);
  });

  it('deletes pods doubled up on a node first (counting sibling ReplicaSets\' pods)', () => {
    const a = mk('a', { node: 'n1', readyFor: 60_000 });
    const b = mk('b', { node: 'n2', readyFor: 60_000 });
    const siblings = [mk('s1', { node: 'n2', readyFor: 1 }), mk('s2', { node: 'n2', readyFor: 1 })];
    expect(rankPodsForDeletion([a, b], [a, b, ...siblings], T0).map((p) => p.metadata.name)).toEqual(['b', 'a']);
  });

  it('scales down the not-ready pod first, with a SuccessfulDelete event', () => {
    const s = scenario({ fate: () => 'running' });
    s.c.create(frontend(3));
    const [first] = podsOf(s);
    s.kubelet.makeReady('default', podsOf(s)[1]!.metadata.name!);
    s.kubelet.makeReady('default', podsOf(s)[2]!.metadata.name!);
    scale(s.c, 'ReplicaSet', 'default', 'frontend', 2);
    expect(s.events('SuccessfulDelete')).toEqual([`SuccessfulDelete Deleted pod: ${first!.metadata.name}`]);
  });
});
