/** The Deployment controller's arithmetic, table by table, against the numbers kube-controller-manager computes. */
import { describe, expect, it } from 'vitest';
import type { IntOrString } from '../../../src/engine/api/meta.js';
import type { Deployment, ReplicaSet } from '../../../src/engine/api/types.js';
import {
  computeHash, equalIgnoreHash, maxSurge, maxUnavailable, minAvailable, planHistoryCleanup, planNewReplicaSet,
  planOldReplicaSets, planScale, resolveFenceposts,
} from '../../../src/engine/controllers/deployment/index.js';
import { fnv32a, safeEncodeString } from '../../../src/engine/controllers/deployment/hash.js';
import { deploymentRolloutStatus } from '../../../src/engine/rollout/deployment.js';

function dep(replicas: number, surge: IntOrString = '25%', unavailable: IntOrString = '25%', extra: Partial<Deployment['spec']> = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'd-uid', generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } },
      ...extra,
    },
  };
}

interface RSOpts { available?: number; created?: number; revision?: number; maxReplicas?: number; desired?: number; statusReplicas?: number; generation?: number; observed?: number }

function rs(name: string, replicas: number, o: RSOpts = {}): ReplicaSet {
  const annotations: Record<string, string> = {};
  if (o.revision !== undefined) annotations['deployment.kubernetes.io/revision'] = String(o.revision);
  if (o.maxReplicas !== undefined) annotations['deployment.kubernetes.io/max-replicas'] = String(o.maxReplicas);
  if (o.desired !== undefined) annotations['deployment.kubernetes.io/desired-replicas'] = String(o.desired);
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name, namespace: 'default', uid: `${name}-uid`, generation: o.generation ?? 1, annotations,
      creationTimestamp: new Date(Date.UTC(2025, 0, 1) + (o.created ?? 0) * 1000).toISOString().replace('.000Z', 'Z'),
    },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: name }] } } },
    status: { replicas: o.statusReplicas ?? replicas, availableReplicas: o.available ?? 0, observedGeneration: o.observed ?? o.generation ?? 1 },
  };
}

const sizes = (plan: { rs: ReplicaSet; to: number }[]) => plan.map((s) => `${s.rs.metadata.name}=${s.to}`);

describe('fenceposts (ResolveFenceposts, MaxSurge, MaxUnavailable)', () => {
  it.each([
    // maxSurge, maxUnavailable, replicas -> surge, unavailable
    ['25%', '25%', 10, 3, 2],
    ['25%', '25%', 4, 1, 1],
    ['25%', '25%', 3, 1, 0],
    ['25%', '25%', 1, 1, 0],
    ['1%', '1%', 10, 1, 0],
    ['50%', '0%', 3, 2, 0],
    [0, '25%', 3, 0, 1], // both round to 0: unavailable becomes 1
    [0, '10%', 5, 0, 1],
    [2, 1, 10, 2, 1],
    ['100%', '100%', 7, 7, 7],
    [0, 0, 5, 0, 1],
  ] as const)('maxSurge %s, maxUnavailable %s of %i -> surge %i, unavailable %i', (s, u, replicas, surge, unavailable) => {
    expect(resolveFenceposts(s, u, replicas)).toEqual({ surge, unavailable });
    const d = dep(replicas, s, u);
    expect(maxSurge(d)).toBe(surge);
    expect(maxUnavailable(d)).toBe(Math.min(unavailable, replicas));
    expect(minAvailable(d)).toBe(replicas - Math.min(unavailable, replicas));
  });

  it('caps maxUnavailable at replicas, and is 0 for no replicas or Recreate', () => {
    expect(maxUnavailable(dep(3, 1, 5))).toBe(3);
    expect(maxUnavailable(dep(0))).toBe(0);
    const recreate = dep(10, '25%', '25%', { strategy: { type: 'Recreate' } });
    expect([maxSurge(recreate), maxUnavailable(recreate), minAvailable(recreate)]).toEqual([0, 0, 0]);
  });
});

describe('reconcileNewReplicaSet', () => {
  it.each([
    // replicas, surge, unavailable, new spec, old specs -> new size (undefined: no change)
    [10, '25%', '25%', 0, [10], 3],
    [10, '25%', '25%', 3, [8], 5],
    [10, '25%', '25%', 3, [10], undefined],
    [10, '25%', '25%', 12, [0], 10],
    [10, '25%', '25%', 10, [2], undefined],
    [3, 0, 1, 0, [3], undefined],
    [3, 0, 1, 0, [2], 1],
    [3, 1, 0, 0, [3], 1],
    [5, '100%', 0, 0, [5], 5],
    [10, '25%', '25%', 9, [2, 1], 10],
  ] as const)('%i replicas, surge %s, unavailable %s: new %i with old %j -> %s', (replicas, s, u, newSize, olds, expected) => {
    const d = dep(replicas, s, u);
    const newRS = rs('new', newSize, { created: 100 });
    const oldRSs = olds.map((n, i) => rs(`old${i}`, n, { created: i }));
    expect(planNewReplicaSet(d, [...oldRSs, newRS], newRS)).toBe(expected);
  });
});

describe('reconcileOldReplicaSets (cleanupUnhealthyReplicas, then scaleDownOldReplicaSetsForRollingUpdate)', () => {
  it.each([
    {
      what: 'new pods not available yet: scale old down to minAvailable',
      d: dep(10), olds: [rs('old', 10, { available: 10 })], newRS: rs('new', 3, { created: 9 }),
      cleanup: [], scaleDown: ['old=8'],
    },
    {
      what: 'the new ReplicaSet unavailable uses up the budget',
      d: dep(10), olds: [rs('old', 8, { available: 8 })], newRS: rs('new', 5, { created: 9 }),
      cleanup: [], scaleDown: [],
    },
    {
      what: 'each available new pod lets one old pod go',
      d: dep(10), olds: [rs('old', 8, { available: 8 })], newRS: rs('new', 5, { available: 1, created: 9 }),
      cleanup: [], scaleDown: ['old=7'],
    },
    {
      what: 'unhealthy old pods go first and do not count against availability',
      d: dep(10), olds: [rs('old', 10, { available: 7 })], newRS: rs('new', 3, { created: 9 }),
      cleanup: ['old=8'], scaleDown: [],
    },
    {
      what: 'cleanup takes the oldest ReplicaSet first, within maxScaledDown',
      d: dep(10), olds: [rs('b', 5, { available: 3, created: 2 }), rs('a', 2, { available: 0, created: 1 })], newRS: rs('new', 3, { available: 3, created: 9 }),
      cleanup: ['a=0'], scaleDown: [],
    },
    {
      what: 'scale-down goes oldest first and can empty an old ReplicaSet',
      d: dep(10), olds: [rs('b', 5, { available: 5, created: 2 }), rs('a', 2, { available: 2, created: 1 })], newRS: rs('new', 6, { available: 6, created: 9 }),
      cleanup: [], scaleDown: ['a=0', 'b=2'],
    },
    {
      what: 'maxSurge 0: make room by taking pods away first',
      d: dep(3, 0, 1), olds: [rs('old', 3, { available: 3 })], newRS: rs('new', 0, { created: 9 }),
      cleanup: [], scaleDown: ['old=2'],
    },
  ])('$what', ({ d, olds, newRS, cleanup, scaleDown }) => {
    const plan = planOldReplicaSets(d, olds, newRS);
    expect(sizes(plan.cleanup)).toEqual(cleanup);
    expect(sizes(plan.scaleDown)).toEqual(scaleDown);
  });
});

describe('proportional scaling (sync.go scale)', () => {
  it('scaling 10 -> 15 mid-rollout gives 3 to the old and 2 to the new ReplicaSet (the documented example)', () => {
    const d = dep(15, 3, 2);
    const old = rs('old', 8, { available: 8, created: 0, maxReplicas: 13, desired: 10 });
    const newRS = rs('new', 5, { created: 9, maxReplicas: 13, desired: 10 });
    expect(sizes(planScale(d, newRS, [old]))).toEqual(['old=11', 'new=7']);
  });

  it('scaling down mid-rollout takes from the larger (older on ties) first', () => {
    const d = dep(5, 3, 2);
    const old = rs('old', 8, { created: 0, maxReplicas: 13 });
    const newRS = rs('new', 5, { created: 9, maxReplicas: 13 });
    expect(sizes(planScale(d, newRS, [old]))).toEqual(['old=5', 'new=3']);
  });

  it('gives the rounding leftover to the first ReplicaSet in order', () => {
    // 3 -> 4 replicas with 25%: allowed 5, 3 exist, 2 to add; old 2*5/4=2.5 rounds to 3 (+1), new 1*5/4 rounds to 1 (+0)
    const d = dep(4);
    const old = rs('old', 2, { created: 0, maxReplicas: 4 });
    const newRS = rs('new', 1, { created: 9, maxReplicas: 4 });
    expect(sizes(planScale(d, newRS, [old]))).toEqual(['old=4', 'new=1']);
  });

  it('breaks size ties newer-first when scaling up and older-first when scaling down', () => {
    const a = rs('a', 4, { created: 0, maxReplicas: 10 });
    const b = rs('b', 4, { created: 5, maxReplicas: 10 });
    // up: 2 to add, each share rounds to 0, so the leftover goes to the newer one
    expect(sizes(planScale(dep(9, 1, 0), b, [a]))).toEqual(['b=6', 'a=4']);
    // down: 2 to remove, the older one's share (4*6/10 rounds to 2) takes it all
    expect(sizes(planScale(dep(5, 1, 0), b, [a]))).toEqual(['a=2', 'b=4']);
  });

  it('scales to zero: every active ReplicaSet goes to 0', () => {
    const old = rs('old', 3, { created: 0, maxReplicas: 5 });
    const newRS = rs('new', 2, { created: 9, maxReplicas: 5 });
    expect(sizes(planScale(dep(0), newRS, [old]))).toEqual(['old=0', 'new=0']);
  });

  it('one active ReplicaSet simply takes the new size; with none active the newest does', () => {
    expect(sizes(planScale(dep(7), rs('new', 3, { created: 9 }), [rs('old', 0)]))).toEqual(['new=7']);
    expect(sizes(planScale(dep(2), undefined, [rs('a', 0, { created: 0 }), rs('b', 0, { created: 5 })]))).toEqual(['b=2']);
  });

  it('a saturated new ReplicaSet sends the old ones to 0', () => {
    const newRS = rs('new', 4, { created: 9, available: 4, desired: 4 });
    expect(sizes(planScale(dep(4), newRS, [rs('old', 2, { created: 0 })]))).toEqual(['old=0']);
  });
});

describe('revisionHistoryLimit cleanup', () => {
  const olds = () => [1, 2, 3, 4, 5].map((r) => rs(`r${r}`, 0, { revision: r, created: 10 - r }));

  it.each([
    [2, ['r1', 'r2', 'r3']],
    [0, ['r1', 'r2', 'r3', 'r4', 'r5']],
    [5, []],
    [10, []],
  ] as const)('limit %i deletes %j (lowest revisions first)', (limit, expected) => {
    expect(planHistoryCleanup(olds(), limit).map((r) => r.metadata.name)).toEqual(expected);
  });

  it('skips ReplicaSets that still have pods, are being scaled, or are being deleted, without taking the next one', () => {
    const list = olds();
    list[0] = rs('r1', 0, { revision: 1, statusReplicas: 1 });
    list[1] = rs('r2', 0, { revision: 2, generation: 3, observed: 2 });
    list[2] = { ...list[2]!, metadata: { ...list[2]!.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' } };
    // r3 is being deleted so it is not cleanable: 4 cleanable, limit 2 -> look at r1, r2 only
    expect(planHistoryCleanup(list, 2).map((r) => r.metadata.name)).toEqual([]);
    expect(planHistoryCleanup(list, 1).map((r) => r.metadata.name)).toEqual(['r4']);
  });
});

describe('pod-template-hash', () => {
  it('is FNV-32a printed in decimal and re-encoded with the safe alphabet', () => {
    expect(fnv32a(new Uint8Array())).toBe(0x811c9dc5);
    expect(fnv32a(new TextEncoder().encode('a'))).toBe(0xe40c292c);
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
  });

  it('depends on the template and the collision count, not on the hash label', () => {
    const t = dep(1).spec.template;
    const h = computeHash(t);
    expect(h).toMatch(/^[456789bcdf]{1,10}$/);
    expect(computeHash(structuredClone(t))).toBe(h);
    expect(computeHash(t, 1)).not.toBe(h);
    const other = { ...t, spec: { containers: [{ name: 'app', image: 'nginx:2' }] } };
    expect(computeHash(other)).not.toBe(h);
    const labelled = { ...t, metadata: { labels: { app: 'web', 'pod-template-hash': h } } };
    expect(equalIgnoreHash(labelled, t)).toBe(true);
    expect(equalIgnoreHash(other, t)).toBe(false);
  });
});

describe('kubectl rollout status lines', () => {
  const withStatus = (status: Deployment['status'], generation = 1): Deployment => ({ ...dep(3), metadata: { ...dep(3).metadata, generation }, status });
  it.each([
    [withStatus({ observedGeneration: 1 }, 2), false, 'Waiting for deployment spec update to be observed...'],
    [withStatus({ observedGeneration: 1, replicas: 4, updatedReplicas: 1 }), false, 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...'],
    [withStatus({ observedGeneration: 1, replicas: 5, updatedReplicas: 3 }), false, 'Waiting for deployment "web" rollout to finish: 2 old replicas are pending termination...'],
    [withStatus({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 2 }), false, 'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...'],
    [withStatus({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }), true, 'deployment "web" successfully rolled out'],
    [withStatus({ observedGeneration: 1, replicas: 3, updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] }), true, 'error: deployment "web" exceeded its progress deadline'],
  ] as const)('%#: %s', (d, done, message) => {
    expect(deploymentRolloutStatus(d)).toEqual({ done, message });
  });

  it('checks --revision against the running revision', () => {
    const d = { ...withStatus({ observedGeneration: 1 }), metadata: { ...dep(3).metadata, annotations: { 'deployment.kubernetes.io/revision': '2' } } };
    expect(deploymentRolloutStatus(d, 3).message).toBe('error: desired revision (3) is different from the running revision (2)');
  });
});
