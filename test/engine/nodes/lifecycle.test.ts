import { describe, expect, it } from 'vitest';
import { cordon } from '../../../src/engine/actions.js';
import type { Node, Pod, Toleration } from '../../../src/engine/api/types.js';
import { createCluster, type Cluster } from '../../../src/engine/cluster.js';
import { installNodeLifecycle, NodeLifecycleController, type KubeletHeartbeats } from '../../../src/engine/controllers/nodeLifecycle.js';
import { addNode, failNode, recoverNode, removeNode } from '../../../src/engine/nodeActions.js';
import { WorkQueue } from '../../../src/engine/workqueue.js';
import { nodeStatus } from '../../../src/printers/printers.js';
import { podSpec, setPodStatus } from '../services/helpers.js';

const W1 = 'kubedeck-worker';
const W2 = 'kubedeck-worker2';
const W3 = 'kubedeck-worker3';

function setup(): Cluster {
  const cluster = createCluster({ seed: 3 });
  cluster.ensureDefaultNodes(3);
  installNodeLifecycle(cluster);
  return cluster;
}

function readyPod(cluster: Cluster, name: string, nodeName: string, tolerations?: Toleration[]): Pod {
  const spec = podSpec(name, { nodeName });
  cluster.create<Pod>(tolerations ? { ...spec, spec: { ...spec.spec, tolerations } } : spec);
  return setPodStatus(cluster, 'default', name, { ip: `10.244.1.${cluster.list('Pod').length + 1}`, ready: true });
}

const node = (c: Cluster, name: string) => c.get('Node', undefined, name)!;
const condition = (c: Cluster, name: string, type: string) => node(c, name).status!.conditions!.find((x) => x.type === type)!;
const taints = (c: Cluster, name: string) => (node(c, name).spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);
const eventsAbout = (c: Cluster, name: string, reason?: string) =>
  c.list('Event').filter((e) => e.involvedObject.name === name && (!reason || e.reason === reason)).map((e) => [e.type, e.reason, e.message, e.source?.component]);
const podReady = (c: Cluster, name: string) => c.get('Pod', 'default', name)?.status?.conditions?.find((x) => x.type === 'Ready')?.status;
const at = (c: Cluster, start: number, seconds: number) => c.advanceTo(start + seconds * 1000);

describe('registration', () => {
  it('records RegisteredNode for every node, and RemovingNode when one goes', () => {
    const cluster = setup();
    expect(eventsAbout(cluster, W1)).toEqual([['Normal', 'RegisteredNode', `Node ${W1} event: Registered Node ${W1} in Controller`, 'node-controller']]);
    expect(addNode(cluster, 'kubedeck-worker4', { labels: { 'topology.kubernetes.io/zone': 'b' } })).toBe('node/kubedeck-worker4 created');
    expect(nodeStatus(node(cluster, 'kubedeck-worker4'))).toBe('Ready');
    expect(eventsAbout(cluster, 'kubedeck-worker4', 'RegisteredNode')).toHaveLength(1);
    expect(removeNode(cluster, 'kubedeck-worker4')).toBe('node "kubedeck-worker4" deleted');
    expect(eventsAbout(cluster, 'kubedeck-worker4', 'RemovingNode')).toEqual([
      ['Normal', 'RemovingNode', 'Node kubedeck-worker4 event: Removing Node kubedeck-worker4 from Controller', 'node-controller'],
    ]);
  });
});

describe('cordon', () => {
  it('adds the unschedulable NoSchedule taint and the kubelet events; uncordon takes them back', () => {
    const cluster = setup();
    expect(cordon(cluster, W2)).toBe(`node/${W2} cordoned`);
    expect(node(cluster, W2).spec!.taints).toEqual([{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: '2025-01-01T00:00:00Z' }]);
    expect(nodeStatus(node(cluster, W2))).toBe('Ready,SchedulingDisabled');
    expect(eventsAbout(cluster, W2, 'NodeNotSchedulable')).toEqual([['Normal', 'NodeNotSchedulable', `Node ${W2} status is now: NodeNotSchedulable`, 'kubelet']]);
    expect(cluster.list('Event').find((e) => e.reason === 'NodeNotSchedulable')!.source).toEqual({ component: 'kubelet', host: W2 });

    expect(cordon(cluster, W2, false)).toBe(`node/${W2} uncordoned`);
    expect(node(cluster, W2).spec?.taints).toBeUndefined();
    expect(eventsAbout(cluster, W2, 'NodeSchedulable')).toEqual([['Normal', 'NodeSchedulable', `Node ${W2} status is now: NodeSchedulable`, 'kubelet']]);
  });

  it('keeps other taints where they are', () => {
    const cluster = setup();
    const cp = 'kubedeck-control-plane';
    cordon(cluster, cp);
    expect(taints(cluster, cp)).toEqual(['node-role.kubernetes.io/control-plane:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule']);
    cordon(cluster, cp, false);
    expect(taints(cluster, cp)).toEqual(['node-role.kubernetes.io/control-plane:NoSchedule']);
  });
});

describe('node failure', () => {
  it('goes Unknown 40 s after the last heartbeat, is tainted, and its pods are evicted 300 s later', () => {
    const cluster = setup();
    readyPod(cluster, 'web-1', W1);
    readyPod(cluster, 'web-2', W1);
    readyPod(cluster, 'other', W2);
    const t0 = cluster.clock.now();
    expect(failNode(cluster, W1)).toBe(`node/${W1} failed`);
    expect(failNode(cluster, W1)).toBe(`node/${W1} already failed`);

    at(cluster, t0, 39);
    expect(condition(cluster, W1, 'Ready').status).toBe('True');

    at(cluster, t0, 40);
    for (const type of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']) {
      expect(condition(cluster, W1, type)).toMatchObject({
        status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: '2025-01-01T00:00:40Z',
      });
    }
    expect(nodeStatus(node(cluster, W1))).toBe('NotReady');
    expect(taints(cluster, W1)).toEqual(['node.kubernetes.io/unreachable:NoSchedule']);
    expect(eventsAbout(cluster, W1, 'NodeNotReady')).toEqual([['Normal', 'NodeNotReady', `Node ${W1} status is now: NodeNotReady`, 'node-controller']]);
    expect(podReady(cluster, 'web-1')).toBe('False');
    expect(podReady(cluster, 'other')).toBe('True');
    expect(eventsAbout(cluster, 'web-1', 'NodeNotReady')).toEqual([['Warning', 'NodeNotReady', 'Node is not ready', 'node-controller']]);

    // One monitor period later the NoExecute taint starts the pods' 300 s tolerations.
    at(cluster, t0, 44);
    expect(taints(cluster, W1)).toEqual(['node.kubernetes.io/unreachable:NoSchedule']);
    at(cluster, t0, 45);
    expect(node(cluster, W1).spec!.taints).toEqual([
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: '2025-01-01T00:00:40Z' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2025-01-01T00:00:45Z' },
    ]);

    at(cluster, t0, 344);
    expect(cluster.get('Pod', 'default', 'web-1')).toBeDefined();
    at(cluster, t0, 345);
    expect(cluster.get('Pod', 'default', 'web-1')).toBeUndefined();
    expect(cluster.get('Pod', 'default', 'web-2')).toBeUndefined();
    expect(cluster.get('Pod', 'default', 'other')).toBeDefined();
    expect(eventsAbout(cluster, 'web-1', 'TaintManagerEviction')).toEqual([
      ['Normal', 'TaintManagerEviction', 'Marking for deletion Pod default/web-1', 'taint-eviction-controller'],
    ]);
  });

  it('leaves evicted pods Terminating while the node is down (its kubelet cannot finish them)', () => {
    const cluster = setup();
    cluster.api.hooks.hasKubelet = () => true;
    readyPod(cluster, 'web-1', W1);
    const t0 = cluster.clock.now();
    failNode(cluster, W1);
    at(cluster, t0, 345);
    const pod = cluster.get('Pod', 'default', 'web-1')!;
    expect(pod.metadata.deletionTimestamp).toBe('2025-01-01T00:06:15Z'); // now + terminationGracePeriodSeconds
    expect(pod.status!.conditions!.find((c) => c.type === 'DisruptionTarget')).toMatchObject({
      status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint',
    });
  });

  it('evicts after the pod\'s own tolerationSeconds, and never a pod that tolerates the taint for ever', () => {
    const cluster = setup();
    readyPod(cluster, 'quick', W1, [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }]);
    readyPod(cluster, 'stays', W1, [{ operator: 'Exists' }]);
    const t0 = cluster.clock.now();
    failNode(cluster, W1);
    at(cluster, t0, 104);
    expect(cluster.get('Pod', 'default', 'quick')).toBeDefined();
    at(cluster, t0, 105);
    expect(cluster.get('Pod', 'default', 'quick')).toBeUndefined();
    at(cluster, t0, 3600);
    expect(cluster.get('Pod', 'default', 'stays')).toBeDefined();
  });

  it('evicts at once a pod that lands on the tainted node without tolerating it', () => {
    const cluster = setup();
    const t0 = cluster.clock.now();
    failNode(cluster, W1);
    at(cluster, t0, 60);
    cluster.create<Pod>({ ...podSpec('late', { nodeName: W1 }), spec: { ...podSpec('late', { nodeName: W1 }).spec, tolerations: [] } });
    // The DefaultTolerationSeconds admission adds the 300 s tolerations, so even a late pod gets its 5 minutes.
    expect(cluster.get('Pod', 'default', 'late')).toBeDefined();
    at(cluster, t0, 359);
    expect(cluster.get('Pod', 'default', 'late')).toBeDefined();
    at(cluster, t0, 360);
    expect(cluster.get('Pod', 'default', 'late')).toBeUndefined();
  });

  it('recovers: conditions True again, taints gone, scheduled evictions cancelled', () => {
    const cluster = setup();
    readyPod(cluster, 'web-1', W1);
    const t0 = cluster.clock.now();
    failNode(cluster, W1);
    at(cluster, t0, 100);
    expect(recoverNode(cluster, W1)).toBe(`node/${W1} recovered`);
    expect(recoverNode(cluster, W1)).toBe(`node/${W1} is not failed`);
    expect(condition(cluster, W1, 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady', lastTransitionTime: '2025-01-01T00:01:40Z' });
    expect(nodeStatus(node(cluster, W1))).toBe('Ready');
    expect(taints(cluster, W1)).toEqual(['node.kubernetes.io/unreachable:NoExecute']);
    at(cluster, t0, 105);
    expect(node(cluster, W1).spec?.taints).toBeUndefined();
    expect(eventsAbout(cluster, 'web-1', 'TaintManagerEviction')).toEqual([
      ['Normal', 'TaintManagerEviction', 'Cancelling deletion of Pod default/web-1', 'taint-eviction-controller'],
    ]);
    at(cluster, t0, 1000);
    expect(cluster.get('Pod', 'default', 'web-1')).toBeDefined();
    // Nothing left scheduled: the cluster is idle.
    const now = cluster.clock.now();
    expect(cluster.runUntilIdle()).toBe(now);
  });

  it('taints one node per 10 s in a healthy zone', () => {
    const cluster = setup();
    const t0 = cluster.clock.now();
    failNode(cluster, W1);
    failNode(cluster, W2);
    at(cluster, t0, 45);
    expect(taints(cluster, W1)).toContain('node.kubernetes.io/unreachable:NoExecute');
    expect(taints(cluster, W2)).toEqual(['node.kubernetes.io/unreachable:NoSchedule']);
    at(cluster, t0, 55);
    expect(taints(cluster, W2)).toContain('node.kubernetes.io/unreachable:NoExecute');
  });

  it('stops tainting in a small zone where most nodes are down, and everywhere when every node is', () => {
    const cluster = setup();
    readyPod(cluster, 'web-1', W1);
    const t0 = cluster.clock.now();
    for (const n of [W1, W2, W3]) failNode(cluster, n);
    at(cluster, t0, 400);
    const lifecycle = cluster.controller<NodeLifecycleController>('node-lifecycle-controller')!;
    expect(lifecycle.zoneState('')).toBe('PartialDisruption');
    for (const n of [W1, W2, W3]) expect(taints(cluster, n)).toEqual(['node.kubernetes.io/unreachable:NoSchedule']);
    expect(cluster.get('Pod', 'default', 'web-1')).toBeDefined();

    failNode(cluster, 'kubedeck-control-plane');
    at(cluster, t0, 500);
    expect(lifecycle.zoneState('')).toBe('FullDisruption');
    expect(cluster.get('Pod', 'default', 'web-1')).toBeDefined();

    // One node back: the zone is partially disrupted again (3 of 4 down), still no evictions in a 4-node zone.
    recoverNode(cluster, W3);
    at(cluster, t0, 1200);
    expect(lifecycle.zoneState('')).toBe('PartialDisruption');
    expect(cluster.get('Pod', 'default', 'web-1')).toBeDefined();
  });

  it('uses the kubelet\'s last heartbeat when a kubelet is installed', () => {
    const cluster = createCluster({ seed: 3 });
    cluster.ensureDefaultNodes(3);
    const down = new Set<string>();
    const start = cluster.clock.now();
    const kubelet: KubeletHeartbeats = {
      name: 'kubelet',
      queue: new WorkQueue(),
      sync: () => {},
      setNodeDown: (n, d) => (d ? down.add(n) : down.delete(n)),
      // Leases renew every 10 s: the last one went out 8 s before the failure.
      lastHeartbeat: () => start - 8000,
    };
    cluster.addController(kubelet);
    installNodeLifecycle(cluster);
    failNode(cluster, W1);
    expect(down.has(W1)).toBe(true);
    cluster.advanceTo(start + 31_000);
    expect(condition(cluster, W1, 'Ready').status).toBe('True');
    cluster.advanceTo(start + 32_000);
    expect(condition(cluster, W1, 'Ready').status).toBe('Unknown');
    recoverNode(cluster, W1);
    expect(down.has(W1)).toBe(false);
    expect(condition(cluster, W1, 'Ready').status).toBe('True');
  });
});

describe('removed nodes', () => {
  it('garbage-collects the pods of a deleted node 40 s later, marking them Failed', () => {
    const cluster = setup();
    cluster.api.hooks.hasKubelet = () => true;
    const seen: Pod[] = [];
    cluster.watch({ kinds: ['Pod'] }, (e) => {
      if (e.type === 'MODIFIED') seen.push(e.object as Pod);
    });
    readyPod(cluster, 'web-1', W3);
    const t0 = cluster.clock.now();
    removeNode(cluster, W3);
    at(cluster, t0, 39);
    expect(cluster.get('Pod', 'default', 'web-1')).toBeDefined();
    at(cluster, t0, 40);
    expect(cluster.get('Pod', 'default', 'web-1')).toBeUndefined();
    const last = seen.filter((p) => p.metadata.name === 'web-1').at(-1)!;
    expect(last.status!.phase).toBe('Failed');
    expect(last.status!.conditions!.find((c) => c.type === 'DisruptionTarget')).toMatchObject({ reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
  });

  it('spares pods whose node comes back within the quarantine', () => {
    const cluster = setup();
    readyPod(cluster, 'web-1', 'late-node');
    cluster.advance(20_000);
    addNode(cluster, 'late-node');
    cluster.advance(60_000);
    expect(cluster.get('Pod', 'default', 'web-1')).toBeDefined();
    expect(node(cluster, 'late-node')).toBeDefined();
  });

  it('garbage-collects a pod bound to a node that never registered, 40 s after it was seen', () => {
    const cluster = setup();
    const t0 = cluster.clock.now();
    readyPod(cluster, 'ghost-1', 'no-such-node');
    at(cluster, t0, 39);
    expect(cluster.get('Pod', 'default', 'ghost-1')).toBeDefined();
    at(cluster, t0, 40);
    expect(cluster.get('Pod', 'default', 'ghost-1')).toBeUndefined();
  });

  it('suspects no node that exists, registered before or after the pod garbage collector started', () => {
    const cluster = setup();
    addNode(cluster, 'kubedeck-worker4');
    const t0 = cluster.clock.now();
    const timers = cluster.clock.pendingTimers().active;
    readyPod(cluster, 'web-1', W2);
    readyPod(cluster, 'web-2', 'kubedeck-worker4');
    readyPod(cluster, 'web-3', W3);
    // No node is suspected (a quarantine is a timer).
    expect(cluster.clock.pendingTimers().active).toBe(timers);
    removeNode(cluster, W3);
    at(cluster, t0, 60);
    expect(cluster.get('Pod', 'default', 'web-1')).toBeDefined();
    expect(cluster.get('Pod', 'default', 'web-2')).toBeDefined();
    expect(cluster.get('Pod', 'default', 'web-3')).toBeUndefined();
  });
});

describe('nodes declared with conditions', () => {
  it('taints a node whose kubelet reports NotReady, and swaps to unreachable when it goes silent', () => {
    const cluster = setup();
    const n = node(cluster, W1);
    const now = cluster.clock.nowRfc3339();
    const conditions = n.status!.conditions!.map((c) =>
      c.type === 'Ready' ? { ...c, status: 'False' as const, reason: 'KubeletNotReady', message: 'container runtime is down', lastHeartbeatTime: now, lastTransitionTime: now } : c,
    );
    const t0 = cluster.clock.now();
    cluster.updateStatus<Node>({ ...n, status: { ...n.status, conditions } });
    expect(taints(cluster, W1)).toEqual(['node.kubernetes.io/not-ready:NoSchedule']);
    at(cluster, t0, 5);
    expect(taints(cluster, W1)).toEqual(['node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute']);
    failNode(cluster, W1);
    at(cluster, t0, 50);
    expect(taints(cluster, W1)).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
  });
});
