import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../../src/engine/cluster.js';
import type { Pod, ReplicaSet, Taint } from '../../../src/engine/api/types.js';
import type { Scheduler } from '../../../src/engine/scheduler/index.js';
import { defaultSelector } from '../../../src/engine/scheduler/topologySpread.js';
import { cordon, eventsFor, nodeOf, pod, schedulingCluster, WORKERS } from './fixtures.js';

const TAINT = '1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';

function label(cluster: Cluster, node: string, labels: Record<string, string>): void {
  const n = cluster.get('Node', undefined, node)!;
  cluster.update({ ...n, metadata: { ...n.metadata, labels: { ...n.metadata.labels, ...labels } } });
}

function taint(cluster: Cluster, node: string, t: Taint): void {
  const n = cluster.get('Node', undefined, node)!;
  cluster.update({ ...n, spec: { ...n.spec, taints: [...(n.spec?.taints ?? []), t] } });
}

/**
 * Creates pod 'spread' (app: s) with ScheduleAnyway zone and hostname constraints over app=s pods, and returns its
 * PodTopologySpread score per feasible node.
 */
function spreadScores(cluster: Cluster, scheduler: Scheduler): Record<string, number | undefined> {
  const selector = { matchLabels: { app: 's' } };
  cluster.create(pod('spread', {
    labels: { app: 's' },
    spec: {
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
      ],
    },
  }));
  const verdict = scheduler.verdict('default', 'spread')!;
  return Object.fromEntries(verdict.nodes.flatMap((n) => (n.feasible ? [[n.node, n.scores?.find((s) => s.plugin === 'PodTopologySpread')?.score]] : [])));
}

describe('node affinity', () => {
  it('nodeSelector picks the labelled node', () => {
    const { cluster } = schedulingCluster();
    label(cluster, 'kubedeck-worker2', { disktype: 'ssd' });
    for (let i = 0; i < 3; i++) cluster.create(pod(`ssd${i}`, { spec: { nodeSelector: { disktype: 'ssd' } } }));
    expect([0, 1, 2].map((i) => nodeOf(cluster, `ssd${i}`))).toEqual(Array(3).fill('kubedeck-worker2'));
  });

  it('required terms: In, NotIn, Gt and Lt; terms are ORed', () => {
    const { cluster } = schedulingCluster();
    label(cluster, 'kubedeck-worker', { cores: '8', zone: 'a' });
    label(cluster, 'kubedeck-worker2', { cores: '16', zone: 'b' });
    label(cluster, 'kubedeck-worker3', { cores: '32', zone: 'c' });
    const required = (terms: object[]) => ({
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } },
    });
    cluster.create(pod('gt', { spec: required([{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['16'] }] }]) as never }));
    cluster.create(pod('lt', { spec: required([{ matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['16'] }] }]) as never }));
    cluster.create(pod('notin', {
      spec: required([{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a', 'c'] }, { key: 'cores', operator: 'Exists' }] }]) as never,
    }));
    cluster.create(pod('or', {
      spec: required([
        { matchExpressions: [{ key: 'zone', operator: 'In', values: ['nowhere'] }] },
        { matchExpressions: [{ key: 'zone', operator: 'In', values: ['c'] }] },
      ]) as never,
    }));
    expect(['gt', 'lt', 'notin', 'or'].map((p) => nodeOf(cluster, p))).toEqual(['kubedeck-worker3', 'kubedeck-worker', 'kubedeck-worker2', 'kubedeck-worker3']);
  });

  it('matchFields metadata.name pins a pod to a node (how DaemonSet pods are placed)', () => {
    const { cluster } = schedulingCluster();
    cluster.create(pod('pinned', {
      spec: {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['kubedeck-worker3'] }] }],
            },
          },
        },
      },
    }));
    expect(nodeOf(cluster, 'pinned')).toBe('kubedeck-worker3');
  });

  it('preferred terms win when everything else is equal', () => {
    const { cluster, scheduler } = schedulingCluster();
    label(cluster, 'kubedeck-worker3', { gpu: 'yes' });
    cluster.create(pod('likes-gpu', {
      spec: {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'gpu', operator: 'In', values: ['yes'] }] } }],
          },
        },
      },
    }));
    expect(nodeOf(cluster, 'likes-gpu')).toBe('kubedeck-worker3');
    const best = scheduler.verdict('default', 'likes-gpu')!.nodes[0]!;
    expect(best.feasible && best.scores?.find((s) => s.plugin === 'NodeAffinity')).toEqual({ plugin: 'NodeAffinity', weight: 2, score: 100, skipped: false });
  });
});

describe('taints', () => {
  it('NoSchedule keeps pods off unless tolerated; PreferNoSchedule only discourages', () => {
    const { cluster } = schedulingCluster();
    taint(cluster, 'kubedeck-worker', { key: 'dedicated', value: 'db', effect: 'NoSchedule' });
    taint(cluster, 'kubedeck-worker2', { key: 'noisy', effect: 'PreferNoSchedule' });
    for (let i = 0; i < 4; i++) cluster.create(pod(`p${i}`));
    expect([0, 1, 2, 3].map((i) => nodeOf(cluster, `p${i}`))).toEqual(Array(4).fill('kubedeck-worker3'));
    cluster.create(pod('db', { spec: { nodeSelector: { 'kubernetes.io/hostname': 'kubedeck-worker' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] } }));
    expect(nodeOf(cluster, 'db')).toBe('kubedeck-worker');
  });

  it('names the untolerated taint with its value', () => {
    const { cluster } = schedulingCluster({ workers: 1 });
    taint(cluster, 'kubedeck-worker', { key: 'dedicated', value: 'db', effect: 'NoExecute' });
    cluster.create(pod('web'));
    expect(eventsFor(cluster, 'web')[0]?.message).toBe(`0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: db}, ${TAINT}.`);
  });
});

describe('inter-pod affinity', () => {
  const antiAffinity = (app: string) => ({
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app } }, topologyKey: 'kubernetes.io/hostname' }],
    },
  });

  it('required anti-affinity puts each replica on its own node, then says why the next one cannot go', () => {
    const { cluster } = schedulingCluster();
    for (let i = 0; i < 4; i++) cluster.create(pod(`cache${i}`, { labels: { app: 'cache' }, spec: { affinity: antiAffinity('cache') } }));
    expect(new Set([0, 1, 2].map((i) => nodeOf(cluster, `cache${i}`)))).toEqual(new Set(WORKERS));
    expect(nodeOf(cluster, 'cache3')).toBeUndefined();
    expect(eventsFor(cluster, 'cache3')[0]?.message).toBe(`0/4 nodes are available: ${TAINT}, 3 node(s) didn't match pod anti-affinity rules.`);
  });

  it("a pod without terms stays off nodes where existing pods' anti-affinity rejects it", () => {
    const { cluster } = schedulingCluster({ workers: 1 });
    cluster.create(pod('loner', { labels: { app: 'loner' }, spec: { affinity: antiAffinity('web') } }));
    cluster.create(pod('web', { labels: { app: 'web' } }));
    expect(eventsFor(cluster, 'web')[0]?.message).toBe(`0/2 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules, ${TAINT}.`);
    cluster.delete('Pod', 'default', 'loner', { gracePeriodSeconds: 0 });
    cluster.advance(1000);
    expect(nodeOf(cluster, 'web')).toBe('kubedeck-worker');
  });

  it('required affinity follows the matching pod; the first of a self-affine group goes anywhere', () => {
    const { cluster } = schedulingCluster();
    const withCache = {
      podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'kubernetes.io/hostname' }] },
    };
    cluster.create(pod('orphan', { labels: { app: 'web' }, spec: { affinity: withCache } }));
    expect(eventsFor(cluster, 'orphan')[0]?.message).toBe(`0/4 nodes are available: ${TAINT}, 3 node(s) didn't match pod affinity rules.`);
    cluster.create(pod('cache', { labels: { app: 'cache' } }));
    cluster.advance(1000);
    expect(nodeOf(cluster, 'orphan')).toBe(nodeOf(cluster, 'cache'));

    const self = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'team' } }, topologyKey: 'kubernetes.io/hostname' }] } };
    for (let i = 0; i < 3; i++) cluster.create(pod(`team${i}`, { labels: { app: 'team' }, spec: { affinity: self } }));
    expect(new Set([0, 1, 2].map((i) => nodeOf(cluster, `team${i}`))).size).toBe(1);
  });

  it('preferred anti-affinity spreads, preferred affinity gathers', () => {
    const { cluster } = schedulingCluster();
    const prefer = (kind: 'podAffinity' | 'podAntiAffinity', app: string) => ({
      [kind]: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app } }, topologyKey: 'kubernetes.io/hostname' } }] },
    });
    for (let i = 0; i < 3; i++) cluster.create(pod(`s${i}`, { labels: { app: 's' }, spec: { affinity: prefer('podAntiAffinity', 's') } }));
    expect(new Set([0, 1, 2].map((i) => nodeOf(cluster, `s${i}`)))).toEqual(new Set(WORKERS));
    cluster.create(pod('friend', { spec: { affinity: prefer('podAffinity', 'x') } }));
    cluster.create(pod('x', { labels: { app: 'x' } }));
    cluster.create(pod('friend2', { spec: { affinity: prefer('podAffinity', 'x') } }));
    expect(nodeOf(cluster, 'friend2')).toBe(nodeOf(cluster, 'x'));
  });
});

describe('topology spread', () => {
  it('DoNotSchedule with maxSkew 1 over hostnames: two per worker, and the message when skew would break', () => {
    const { cluster } = schedulingCluster();
    const spread = {
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' as const, labelSelector: { matchLabels: { app: 'web' } } }],
      // Without this the control plane would count as a domain with no pods (nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore).
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' as const }] }] },
        },
      },
    };
    for (let i = 0; i < 6; i++) cluster.create(pod(`web${i}`, { labels: { app: 'web' }, spec: spread }));
    const counts = new Map<string, number>();
    for (let i = 0; i < 6; i++) counts.set(nodeOf(cluster, `web${i}`)!, (counts.get(nodeOf(cluster, `web${i}`)!) ?? 0) + 1);
    expect([...counts.values()]).toEqual([2, 2, 2]);

    cordon(cluster, 'kubedeck-worker');
    cordon(cluster, 'kubedeck-worker2');
    cluster.create(pod('web6', { labels: { app: 'web' }, spec: spread }));
    expect(nodeOf(cluster, 'web6')).toBe('kubedeck-worker3'); // 3 against 2: skew 1
    cluster.create(pod('web7', { labels: { app: 'web' }, spec: spread }));
    expect(eventsFor(cluster, 'web7')[0]?.message).toBe(
      `0/4 nodes are available: 1 node(s) didn't match pod topology spread constraints, ${TAINT}, 2 node(s) were unschedulable.`,
    );
  });

  it('a missing topology label rejects the node', () => {
    const { cluster } = schedulingCluster();
    label(cluster, 'kubedeck-worker', { 'topology.kubernetes.io/zone': 'a' });
    cluster.create(pod('zonal', {
      labels: { app: 'z' },
      spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'z' } } }] },
    }));
    expect(nodeOf(cluster, 'zonal')).toBe('kubedeck-worker');
  });

  it('ScheduleAnyway scores: domains weighted by ln(count + 2), nodes without a required key scored 0', () => {
    const { cluster, scheduler } = schedulingCluster();
    label(cluster, 'kubedeck-worker', { 'topology.kubernetes.io/zone': 'a' });
    label(cluster, 'kubedeck-worker2', { 'topology.kubernetes.io/zone': 'b' });
    // kubedeck-worker3 has no zone: with user-defined constraints it is ignored (score 0).
    for (const [name, node] of [['s0', 'kubedeck-worker'], ['s1', 'kubedeck-worker'], ['s2', 'kubedeck-worker2']]) {
      cluster.create(pod(name!, { labels: { app: 's' }, spec: { nodeName: node } }));
    }
    const spread = spreadScores(cluster, scheduler);
    // Raw: worker 2·ln 4 + 2·ln 4 = 5.5 -> 6, worker2 ln 4 + ln 4 = 2.8 -> 3; normalized 100·(max + min − s)/max.
    expect(spread).toEqual({ 'kubedeck-worker': 50, 'kubedeck-worker2': 100, 'kubedeck-worker3': 0 });
  });

  it('pods still bound to a deleted node count in no domain', () => {
    const { cluster, scheduler } = schedulingCluster();
    label(cluster, 'kubedeck-worker', { 'topology.kubernetes.io/zone': 'a' });
    label(cluster, 'kubedeck-worker2', { 'topology.kubernetes.io/zone': 'b' });
    label(cluster, 'kubedeck-worker3', { 'topology.kubernetes.io/zone': 'b' });
    for (const [name, node] of [['s0', 'kubedeck-worker'], ['s1', 'kubedeck-worker'], ['s2', 'kubedeck-worker3']]) {
      cluster.create(pod(name!, { labels: { app: 's' }, spec: { nodeName: node } }));
    }
    // Nothing here collects s2: it stays bound to a node the scheduler no longer has.
    cluster.delete('Node', undefined, 'kubedeck-worker3');
    expect(cluster.get('Pod', 'default', 's2')?.spec.nodeName).toBe('kubedeck-worker3');
    const spread = spreadScores(cluster, scheduler);
    // Raw: worker 2·ln 4 + 2·ln 4 -> 6, worker2 0 (s2 would make it ln 4 -> 1, and worker 16).
    expect(spread).toEqual({ 'kubedeck-worker': 0, 'kubedeck-worker2': 100 });
  });

  it("one ReplicaSet's pods do not count in another's spreading", () => {
    const { cluster, scheduler } = schedulingCluster();
    /** Makes a ReplicaSet (no replicas of its own) and returns a maker of its pods, on `nodeName` or scheduled. */
    const replicaSet = (app: string) => {
      const rs = cluster.create<ReplicaSet>({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: app },
        spec: { replicas: 0, selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'a', image: 'nginx' }] } } },
      });
      const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: app, uid: rs.metadata.uid!, controller: true };
      return (name: string, nodeName?: string): Pod => {
        const p = pod(name, { labels: { app }, spec: nodeName ? { nodeName } : {} });
        return { ...p, metadata: { ...p.metadata, ownerReferences: [owner] } };
      };
    };
    const web = replicaSet('web');
    for (let i = 0; i < 3; i++) cluster.create(web(`web-${i}`, 'kubedeck-worker'));
    cluster.create(web('web-3')); // scored: three web pods on kubedeck-worker
    const api = replicaSet('api');
    cluster.create(api('api-0'));
    const spread = scheduler.verdict('default', 'api-0')!.nodes.flatMap((n) => (n.feasible ? [n.scores?.find((x) => x.plugin === 'PodTopologySpread')?.score] : []));
    expect(spread).toEqual([100, 100, 100]); // no api pod anywhere yet: every worker alike
  });

  it("spreads a ReplicaSet's pods by the system default constraints", () => {
    const { cluster, scheduler } = schedulingCluster();
    const rs = cluster.create<ReplicaSet>({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web' },
      spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'nginx' }] } } },
    });
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid!, controller: true };
    for (let i = 0; i < 6; i++) {
      const p = pod(`web-${i}`, { labels: { app: 'web' } });
      cluster.create({ ...p, metadata: { ...p.metadata, ownerReferences: [owner] } });
    }
    const perNode = new Map<string, number>();
    for (let i = 0; i < 6; i++) perNode.set(nodeOf(cluster, `web-${i}`)!, (perNode.get(nodeOf(cluster, `web-${i}`)!) ?? 0) + 1);
    expect([...perNode.values()].sort()).toEqual([2, 2, 2]);
    const spreadScore = scheduler.verdict('default', 'web-5')!.nodes.flatMap((n) => (n.feasible ? n.scores ?? [] : [])).find((s) => s.plugin === 'PodTopologySpread');
    expect(spreadScore?.skipped).toBe(false);
  });

  it("the default selector: the selecting Services' labels by key, then the ReplicaSet's selector", () => {
    const { cluster } = schedulingCluster();
    const rs = cluster.create<ReplicaSet>({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web' },
      spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', tier: 'front' } }, spec: { containers: [{ name: 'a', image: 'nginx' }] } } },
    });
    const owned = (name: string): Pod => {
      const p = pod(name, { labels: { app: 'web', tier: 'front' } });
      return { ...p, metadata: { ...p.metadata, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid!, controller: true }] } };
    };
    const before = defaultSelector(owned('a'), cluster.store);
    expect(before).toEqual([{ key: 'app', op: 'In', values: ['web'] }]);
    cluster.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'front' }, spec: { selector: { tier: 'front' }, ports: [{ port: 80 }] } });
    cluster.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'other' }, spec: { selector: { tier: 'back' }, ports: [{ port: 80 }] } });
    expect(defaultSelector(owned('b'), cluster.store)).toEqual([{ key: 'tier', op: 'In', values: ['front'] }, { key: 'app', op: 'In', values: ['web'] }]);
    // What was given before is unchanged (the ReplicaSet's part is shared by its pods).
    expect(before).toEqual([{ key: 'app', op: 'In', values: ['web'] }]);
    expect(defaultSelector(pod('bare', { labels: { app: 'web' } }), cluster.store)).toEqual([]);
  });

  it('system default spreading weighs every zone the feasible nodes are in, after a node changes zone too', () => {
    const { cluster, scheduler } = schedulingCluster();
    for (const node of ['kubedeck-control-plane', ...WORKERS]) label(cluster, node, { 'topology.kubernetes.io/zone': 'a' });
    // Now in a zone of its own: the cluster's zone values are a and b.
    label(cluster, 'kubedeck-worker3', { 'topology.kubernetes.io/zone': 'b' });
    const rs = cluster.create<ReplicaSet>({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web' },
      spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'nginx' }] } } },
    });
    const owned = (p: Pod): Pod => ({ ...p, metadata: { ...p.metadata, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid!, controller: true }] } });
    for (const name of ['web-0', 'web-1']) cluster.create(owned(pod(name, { labels: { app: 'web' }, spec: { nodeName: 'kubedeck-worker3' } })));
    cluster.create(owned(pod('web-2', { labels: { app: 'web' } })));
    const verdict = scheduler.verdict('default', 'web-2')!;
    const spread = Object.fromEntries(verdict.nodes.flatMap((n) => (n.feasible ? [[n.node, n.scores?.find((s) => s.plugin === 'PodTopologySpread')?.score]] : [])));
    // Hostname maxSkew 3 weighted ln(3 + 2), zone maxSkew 5 weighted ln(2 zones + 2). Raw: worker and worker2
    // 0 + 2 + 0 + 4 = 6; worker3 2·ln 5 + 2 + 2·ln 4 + 4 = 12. Normalized 100·(12 + 6 − s)/12.
    // (Zone b missed: worker3 9 and a weight ln 3, so 66 for it.)
    expect(spread).toEqual({ 'kubedeck-worker': 100, 'kubedeck-worker2': 100, 'kubedeck-worker3': 50 });
  });
});

describe('image locality', () => {
  it('prefers a node that already has the image', () => {
    const { cluster, scheduler } = schedulingCluster();
    const n = cluster.get('Node', undefined, 'kubedeck-worker2')!;
    cluster.updateStatus({ ...n, status: { ...n.status, images: [{ names: ['registry.k8s.io/big:1.0'], sizeBytes: 800 * 1024 * 1024 }] } });
    cluster.create(pod('big', { image: 'registry.k8s.io/big:1.0' }));
    expect(nodeOf(cluster, 'big')).toBe('kubedeck-worker2');
    const best = scheduler.verdict('default', 'big')!.nodes[0]!;
    // 800 MiB on 1 of 4 nodes: 200 MiB scaled, (200 − 23) × 100 / (1000 − 23) = 18.
    expect(best.feasible && best.scores?.find((s) => s.plugin === 'ImageLocality')?.score).toBe(18);
  });
});
