import { describe, expect, it } from 'vitest';
import type { Node } from '../../../src/engine/api/types.js';
import { createCluster } from '../../../src/engine/cluster.js';
import { defaultNodes } from '../../../src/engine/nodes.js';
import { installScheduler, numFeasibleNodesToFind, type FeasibleNode, type NodeVerdict, type SchedulingVerdict } from '../../../src/engine/scheduler/index.js';
import { cordon, nodeOf, pod, schedulingCluster } from './fixtures.js';

const byNode = (nodes: readonly NodeVerdict[]) => Object.fromEntries(nodes.map((n) => [n.node, n]));

describe('verdicts', () => {
  it('say, for a pending pod, which filter rejected each node and why', () => {
    const { cluster, scheduler } = schedulingCluster();
    cordon(cluster, 'kubedeck-worker');
    cluster.create(pod('blocker', { cpu: '3' }));
    const blockerNode = nodeOf(cluster, 'blocker')!;
    cluster.create(pod('big', { cpu: '2', memory: '20Gi' }));
    const v = scheduler.verdict('default', 'big')!;
    expect(v).toMatchObject({ namespace: 'default', name: 'big', outcome: 'Unschedulable', attempts: 1, nodesTotal: 4, nodesEvaluated: 4, feasibleNodes: 0, detail: 'full' });
    expect(v.message).toBe(
      '0/4 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) were unschedulable, 2 Insufficient memory.',
    );
    const nodes = byNode(v.nodes);
    expect(nodes['kubedeck-control-plane']).toEqual({
      node: 'kubedeck-control-plane', feasible: false, plugin: 'TaintToleration', reasons: ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
    });
    expect(nodes['kubedeck-worker']).toMatchObject({ feasible: false, plugin: 'NodeUnschedulable', reasons: ['node(s) were unschedulable'] });
    expect(nodes[blockerNode]).toMatchObject({ feasible: false, plugin: 'NodeResourcesFit', reasons: ['Insufficient cpu', 'Insufficient memory'] });
    expect(scheduler.queueInfo('default', 'big')).toMatchObject({ state: 'unschedulable', attempts: 1 });
    expect(new Set(scheduler.queueInfo('default', 'big')!.rejectedBy)).toEqual(new Set(['TaintToleration', 'NodeUnschedulable', 'NodeResourcesFit']));
  });

  it('say, for a bound pod, every plugin score of every feasible node, the chosen one best', () => {
    const { cluster, scheduler } = schedulingCluster();
    cluster.create(pod('busy', { cpu: '2', memory: '4Gi' }));
    cluster.create(pod('web', { cpu: '1', memory: '1Gi' }));
    const v = scheduler.verdict('default', 'web')!;
    expect(v.outcome).toBe('Scheduled');
    expect(v.node).toBe(nodeOf(cluster, 'web'));
    const feasible = v.nodes.filter((n) => n.feasible);
    expect(feasible).toHaveLength(3);
    const [best, ...rest] = feasible;
    expect(best).toMatchObject({ node: v.node, selected: true });
    for (const other of rest) expect(other.feasible && other.total! <= (best as { total: number }).total).toBe(true);
    // The busy node: LeastAllocated (2+1 of 4 cpu, 4+1 of 16Gi) and BalancedAllocation are lower there.
    const busy = byNode(v.nodes)[nodeOf(cluster, 'busy')!]!;
    expect(busy.feasible && busy.scores!.map((s) => [s.plugin, s.score, s.skipped])).toEqual([
      ['TaintToleration', 100, false],
      ['NodeAffinity', 0, true],
      ['NodeResourcesFit', Math.trunc((25 + Math.trunc((11 * 100) / 16)) / 2), false],
      ['PodTopologySpread', 0, true],
      ['InterPodAffinity', 0, true],
      ['NodeResourcesBalancedAllocation', Math.trunc((1 - Math.abs(3 / 4 - 5 / 16) / 2) * 100), false],
      ['ImageLocality', 0, false],
    ]);
    expect(busy.feasible && busy.total).toBe(300 + 46 + 78);
  });

  it('are dropped when the pod goes, and follow a pending pod to its node', () => {
    const { cluster, scheduler } = schedulingCluster();
    for (const w of ['kubedeck-worker', 'kubedeck-worker2', 'kubedeck-worker3']) cordon(cluster, w);
    cluster.create(pod('p'));
    expect(scheduler.verdict('default', 'p')!.outcome).toBe('Unschedulable');
    cluster.advance(2000);
    cordon(cluster, 'kubedeck-worker2', false);
    const v = scheduler.verdict('default', 'p')!;
    expect(v).toMatchObject({ outcome: 'Scheduled', node: 'kubedeck-worker2', attempts: 2, feasibleNodes: 1 });
    expect(byNode(v.nodes)['kubedeck-worker2']).toEqual({ node: 'kubedeck-worker2', feasible: true, selected: true });
    expect(scheduler.queueInfo('default', 'p')).toBeUndefined();
    cluster.delete('Pod', 'default', 'p', { gracePeriodSeconds: 0 });
    expect(scheduler.verdict('default', 'p')).toBeUndefined();
  });

  it('keep a summary only for older bound pods', () => {
    const { cluster, scheduler } = schedulingCluster({ scheduler: { fullVerdicts: 1 } });
    const chosen = (name: string) => scheduler.verdict('default', name)!.nodes.find((n): n is FeasibleNode => n.feasible && n.selected);
    const fullChoices = [];
    for (let i = 0; i < 4; i++) {
      cluster.create(pod(`p${i}`, { cpu: '1', memory: '2Gi' }));
      fullChoices.push(chosen(`p${i}`));
    }
    expect(scheduler.verdict('default', 'p0')!.detail).toBe('summary');
    expect(scheduler.verdict('default', 'p0')!.nodes).toHaveLength(1);
    expect(scheduler.verdict('default', 'p0')!.nodes[0]).toMatchObject({ node: nodeOf(cluster, 'p0'), selected: true });
    // The summary keeps the chosen node's plugin scores as the full verdict had them.
    expect(fullChoices[0]!.scores).toHaveLength(7);
    expect(chosen('p0')).toEqual(fullChoices[0]);
    expect(chosen('p1')).toEqual(fullChoices[1]);
    expect(scheduler.verdict('default', 'p2')!.detail).toBe('summary');
    expect(chosen('p2')).toEqual(fullChoices[2]);
    expect(scheduler.verdict('default', 'p3')!.detail).toBe('full');
    expect(scheduler.verdict('default', 'p3')!.nodes).toHaveLength(4);
  });
});

describe('hostname spreading scores', () => {
  it('count a node that joins after the spreading began as holding none of the pods', () => {
    const { cluster, scheduler } = schedulingCluster({ workers: 2 });
    const spread = (name: string) =>
      pod(name, {
        labels: { app: 'web' },
        spec: {
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } }],
        },
      });
    for (let i = 0; i < 4; i++) cluster.create(spread(`web-${i}`));
    expect(new Set(['web-0', 'web-1', 'web-2', 'web-3'].map((p) => nodeOf(cluster, p)))).toEqual(new Set(['kubedeck-worker', 'kubedeck-worker2']));
    cluster.create(defaultNodes(3).find((n) => n.metadata.name === 'kubedeck-worker3')!);

    cluster.create(spread('web-4'));
    const scores = Object.fromEntries(
      scheduler.verdict('default', 'web-4')!.nodes.filter((n) => n.feasible).map((n) => [n.node, n.scores!.find((s) => s.plugin === 'PodTopologySpread')!.score]),
    );
    // Two pods on each old worker, none on the new one: normalized, 0 and 100.
    expect(scores).toEqual({ 'kubedeck-worker': 0, 'kubedeck-worker2': 0, 'kubedeck-worker3': 100 });
    expect(nodeOf(cluster, 'web-4')).toBe('kubedeck-worker3');
  });
});

describe('verdicts over many pods', () => {
  it('stay as they were while the space of dropped ones is used again', () => {
    // 100 nodes: each full record takes ~1.5 kB, so 300 pods fill several 64 kB slabs, and with 5 full records
    // kept, slabs are emptied and reused.
    const cluster = createCluster({ seed: 3 });
    const scheduler = installScheduler(cluster, { fullVerdicts: 5 });
    for (let i = 0; i < 100; i++) cluster.create<Node>({ apiVersion: 'v1', kind: 'Node', metadata: { name: `n${String(i).padStart(3, '0')}`, labels: { disk: i % 2 ? 'ssd' : 'hdd' } } });
    const copy = <T>(v: T): T => structuredClone(v);
    cluster.create(pod('nowhere', { spec: { nodeSelector: { disk: 'tape' } } }));
    const pending = copy(scheduler.verdict('default', 'nowhere')!);
    expect(pending).toMatchObject({ outcome: 'Unschedulable', nodesEvaluated: 100, detail: 'full' });
    const seen: SchedulingVerdict[] = [];
    for (let i = 0; i < 300; i++) {
      // One pod in three prefers a disk, so NodeAffinity's score column is sometimes skipped, sometimes not.
      const spec = i % 3 === 0 ? { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, preference: { matchExpressions: [{ key: 'disk', operator: 'In' as const, values: ['ssd'] }] } }] } } } : {};
      cluster.create(pod(`p${i}`, { cpu: '10m', spec }));
      seen.push(copy(scheduler.verdict('default', `p${i}`)!));
    }
    expect(scheduler.verdict('default', 'nowhere')).toEqual(pending);
    for (let i = 295; i < 300; i++) expect(scheduler.verdict('default', `p${i}`)).toEqual(seen[i]);
    for (const i of [0, 1, 150, 294]) {
      const summary = scheduler.verdict('default', `p${i}`)!;
      expect(summary.detail).toBe('summary');
      expect(summary.nodes).toEqual(seen[i]!.nodes.filter((n) => n.feasible && n.selected));
    }
    // Skipped plugins scored 0 in every verdict, whatever the space held before.
    const skippedScores = seen.flatMap((v) => v.nodes.flatMap((n) => ((n.feasible && n.scores) || []).filter((s) => s.skipped).map((s) => s.score)));
    expect(skippedScores.length).toBeGreaterThan(10_000);
    expect(skippedScores.every((score) => score === 0)).toBe(true);
  });
});

describe('percentageOfNodesToScore', () => {
  it('is adaptive: all nodes below 100, then 50 − nodes/125 percent, at least 5% and 100 nodes', () => {
    expect(numFeasibleNodesToFind(0, 50)).toBe(50);
    expect(numFeasibleNodesToFind(0, 150)).toBe(100);
    expect(numFeasibleNodesToFind(0, 1000)).toBe(420);
    expect(numFeasibleNodesToFind(0, 5000)).toBe(500);
    expect(numFeasibleNodesToFind(0, 20_000)).toBe(1000);
    expect(numFeasibleNodesToFind(30, 1000)).toBe(300);
  });

  it('stops filtering once enough feasible nodes are found and goes on from there next time', () => {
    const cluster = createCluster();
    const scheduler = installScheduler(cluster);
    for (let i = 0; i < 300; i++) cluster.create<Node>({ apiVersion: 'v1', kind: 'Node', metadata: { name: `n${String(i).padStart(3, '0')}` } });
    cluster.create(pod('a'));
    cluster.create(pod('b'));
    const a = scheduler.verdict('default', 'a')!;
    const b = scheduler.verdict('default', 'b')!;
    // 50 − 300/125 = 48% of 300 = 144 nodes.
    expect(a).toMatchObject({ nodesTotal: 300, nodesToFind: 144, nodesEvaluated: 144, feasibleNodes: 144 });
    expect(new Set(a.nodes.map((n) => n.node))).toEqual(new Set(Array.from({ length: 144 }, (_, i) => `n${String(i).padStart(3, '0')}`)));
    expect(new Set(b.nodes.map((n) => n.node))).toEqual(new Set(Array.from({ length: 144 }, (_, i) => `n${String(i + 144).padStart(3, '0')}`)));
  });
});
