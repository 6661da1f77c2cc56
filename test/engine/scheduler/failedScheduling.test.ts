import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../../src/engine/api/types.js';
import { createCluster } from '../../../src/engine/cluster.js';
import { installScheduler } from '../../../src/engine/scheduler/index.js';
import { cordon, eventsFor, nodeOf, pod, scheduledCondition, schedulingCluster, WORKERS } from './fixtures.js';

const scheduledOf = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'PodScheduled');

const TAINT = '1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';

describe('binding', () => {
  it('binds a pod, sets PodScheduled=True and records Scheduled from default-scheduler', () => {
    const { cluster } = schedulingCluster();
    cluster.create(pod('web', { cpu: '500m' }));
    const node = nodeOf(cluster, 'web');
    expect(WORKERS).toContain(node);
    expect(scheduledCondition(cluster, 'web')).toEqual({
      type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-01-01T00:00:00Z',
    });
    expect(eventsFor(cluster, 'web')).toEqual([
      { type: 'Normal', reason: 'Scheduled', message: `Successfully assigned default/web to ${node}`, count: 1, source: 'default-scheduler' },
    ]);
  });

  it('binds in one write that sets spec.nodeName and PodScheduled=True, as kube-apiserver\'s binding does; a False condition turns True with a new transition time', () => {
    const { cluster } = schedulingCluster();
    const writes: { pod: Pod; at: string }[] = [];
    cluster.watch({ kinds: ['Pod'] }, (e) => e.type === 'MODIFIED' && writes.push({ pod: e.object as Pod, at: cluster.clock.nowRfc3339() }));
    cluster.create(pod('web'));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.pod.spec.nodeName).toBeDefined();
    expect(writes[0]!.pod.status?.conditions).toEqual([{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-01-01T00:00:00Z' }]);

    for (const w of WORKERS) cordon(cluster, w);
    writes.length = 0;
    cluster.create(pod('late'));
    expect(writes.map((w) => scheduledOf(w.pod)?.status)).toEqual(['False']);
    cluster.advance(4000);
    cordon(cluster, 'kubedeck-worker2', false);
    cluster.advance(10_000);
    const binds = writes.filter((w) => w.pod.spec.nodeName);
    expect(binds).toHaveLength(1);
    expect(binds[0]!.pod.spec.nodeName).toBe('kubedeck-worker2');
    expect(binds[0]!.at).not.toBe('2025-01-01T00:00:00Z');
    expect(scheduledOf(binds[0]!.pod)).toEqual({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: binds[0]!.at });
  });

  it('leaves pods of another scheduler and pods with a nodeName alone', () => {
    const { cluster } = schedulingCluster();
    cluster.create(pod('other', { spec: { schedulerName: 'my-scheduler' } }));
    cluster.create(pod('pinned', { spec: { nodeName: 'kubedeck-worker2' } }));
    expect(nodeOf(cluster, 'other')).toBeUndefined();
    expect(eventsFor(cluster, 'other')).toEqual([]);
    expect(nodeOf(cluster, 'pinned')).toBe('kubedeck-worker2');
    expect(eventsFor(cluster, 'pinned')).toEqual([]);
  });

  it('is reproducible under a seed', () => {
    const run = () => {
      const { cluster } = schedulingCluster({ seed: 7 });
      for (let i = 0; i < 9; i++) cluster.create(pod(`p${i}`));
      return cluster.list('Pod').map((p) => p.spec.nodeName);
    };
    expect(run()).toEqual(run());
  });
});

describe('FailedScheduling', () => {
  it('gives the exact message for a pod too big for any node, on the event and on PodScheduled', () => {
    const { cluster } = schedulingCluster();
    cluster.create(pod('huge', { cpu: '5' }));
    const message = `0/4 nodes are available: ${TAINT}, 3 Insufficient cpu.`;
    expect(nodeOf(cluster, 'huge')).toBeUndefined();
    expect(cluster.get('Pod', 'default', 'huge')?.status?.phase).toBe('Pending');
    expect(eventsFor(cluster, 'huge')).toEqual([{ type: 'Warning', reason: 'FailedScheduling', message, count: 1, source: 'default-scheduler' }]);
    expect(scheduledCondition(cluster, 'huge')).toEqual({
      type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: '2025-01-01T00:00:00Z',
    });
  });

  it('counts every insufficient resource of every node', () => {
    const { cluster } = schedulingCluster();
    cluster.create(pod('huge', { cpu: '5', memory: '20Gi' }));
    expect(eventsFor(cluster, 'huge')[0]?.message).toBe(`0/4 nodes are available: ${TAINT}, 3 Insufficient cpu, 3 Insufficient memory.`);
  });

  it('extended resources: Insufficient NAME until a node offers it, then the one that does until it is used', () => {
    const { cluster } = schedulingCluster();
    const gpuPod = (name: string) => pod(name, { container: { resources: { limits: { 'example.com/gpu': '1' } } } });
    cluster.create(gpuPod('gpu0'));
    expect(eventsFor(cluster, 'gpu0')[0]?.message).toBe(`0/4 nodes are available: ${TAINT}, 3 Insufficient example.com/gpu.`);
    const n = cluster.get('Node', undefined, 'kubedeck-worker2')!;
    cluster.updateStatus({ ...n, status: { ...n.status, capacity: { ...n.status!.capacity, 'example.com/gpu': '1' }, allocatable: { ...n.status!.allocatable, 'example.com/gpu': '1' } } });
    cluster.advance(10_000); // the node update moves the pod out of the unschedulable queue, through its back-off
    expect(nodeOf(cluster, 'gpu0')).toBe('kubedeck-worker2');
    cluster.create(gpuPod('gpu1'));
    expect(nodeOf(cluster, 'gpu1')).toBeUndefined();
    expect(eventsFor(cluster, 'gpu1')[0]?.message).toBe(`0/4 nodes are available: ${TAINT}, 3 Insufficient example.com/gpu.`);
  });

  it('names the control-plane taint when only the control plane would do', () => {
    const { cluster } = schedulingCluster();
    cluster.create(pod('cp', { spec: { nodeSelector: { 'node-role.kubernetes.io/control-plane': '' } } }));
    expect(eventsFor(cluster, 'cp')[0]?.message).toBe(
      `0/4 nodes are available: ${TAINT}, 3 node(s) didn't match Pod's node affinity/selector.`,
    );
  });

  it('goes to the control plane when the pod tolerates the taint', () => {
    const { cluster } = schedulingCluster();
    cluster.create(pod('cp', {
      spec: {
        nodeSelector: { 'node-role.kubernetes.io/control-plane': '' },
        tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
      },
    }));
    expect(nodeOf(cluster, 'cp')).toBe('kubedeck-control-plane');
  });

  it('says so when there are no nodes at all, and schedules once one registers', () => {
    const cluster = createCluster();
    installScheduler(cluster);
    cluster.create(pod('early'));
    expect(eventsFor(cluster, 'early')[0]?.message).toBe('no nodes available to schedule pods');
    cluster.advance(5000);
    cluster.create<Node>({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'late' } });
    expect(nodeOf(cluster, 'early')).toBe('late');
  });

  it('does not repeat itself: retries count on the same event and the cluster goes idle', () => {
    const { cluster } = schedulingCluster();
    cluster.create(pod('huge', { cpu: '5' }));
    cluster.create(pod('small'));
    cluster.delete('Pod', 'default', 'small'); // a cluster change that brings the pod back for another try
    cluster.advance(2000);
    cluster.runUntilIdle();
    const events = eventsFor(cluster, 'huge');
    expect(events).toHaveLength(1);
    expect(events[0]!.count).toBe(2);
  });

  it('retries a long-pending pod every five minutes or so', () => {
    const { cluster } = schedulingCluster();
    cluster.create(pod('huge', { cpu: '5' }));
    cluster.advance(5 * 60 * 1000);
    expect(eventsFor(cluster, 'huge')[0]!.count).toBe(1);
    cluster.advance(30 * 1000);
    expect(eventsFor(cluster, 'huge')[0]!.count).toBe(2);
  });
});

describe('cordoned nodes', () => {
  it('get no new pods', () => {
    const { cluster } = schedulingCluster();
    cordon(cluster, 'kubedeck-worker');
    cordon(cluster, 'kubedeck-worker2');
    for (let i = 0; i < 6; i++) cluster.create(pod(`p${i}`));
    expect(cluster.list('Pod').map((p) => p.spec.nodeName)).toEqual(Array(6).fill('kubedeck-worker3'));
  });

  it('are reported as unschedulable, and an uncordon brings the pod in after its backoff', () => {
    const { cluster } = schedulingCluster();
    for (const w of WORKERS) cordon(cluster, w);
    cluster.create(pod('waiting'));
    expect(eventsFor(cluster, 'waiting')[0]?.message).toBe(`0/4 nodes are available: ${TAINT}, 3 node(s) were unschedulable.`);
    cordon(cluster, 'kubedeck-worker2', false);
    expect(nodeOf(cluster, 'waiting')).toBeUndefined(); // still in its 1 s backoff
    cluster.advance(999);
    expect(nodeOf(cluster, 'waiting')).toBeUndefined();
    cluster.advance(1);
    expect(nodeOf(cluster, 'waiting')).toBe('kubedeck-worker2');
  });

  it('an uncordon long after the failure schedules at once', () => {
    const { cluster } = schedulingCluster();
    for (const w of WORKERS) cordon(cluster, w);
    cluster.create(pod('waiting'));
    cluster.advance(60_000);
    cordon(cluster, 'kubedeck-worker3', false);
    expect(nodeOf(cluster, 'waiting')).toBe('kubedeck-worker3');
  });
});

describe('node updates', () => {
  it('retry a pending pod when what the scheduler reads of a node changes, not for an equal copy of it', () => {
    const { cluster } = schedulingCluster();
    cluster.create(pod('huge', { cpu: '5' }));
    cluster.advance(60_000); // past its backoff, waiting for a change
    const retries = () => eventsFor(cluster, 'huge')[0]!.count;
    expect(retries()).toBe(1);

    // A heartbeat with equal copies of allocatable and images: nothing to retry for.
    let node = cluster.get('Node', undefined, 'kubedeck-worker')!;
    const heartbeat = cluster.clock.nowRfc3339();
    cluster.api.updateStatus({
      ...node,
      status: {
        ...node.status,
        allocatable: { ...node.status!.allocatable },
        images: structuredClone(node.status!.images ?? []),
        conditions: node.status!.conditions!.map((c) => ({ ...c, lastHeartbeatTime: heartbeat })),
      },
    });
    expect(cluster.get('Node', undefined, 'kubedeck-worker')!.status!.conditions![0]!.lastHeartbeatTime).toBe(heartbeat);
    cluster.advance(1000);
    expect(retries()).toBe(1);

    // An image pulled there: the pod is tried again at once.
    node = cluster.get('Node', undefined, 'kubedeck-worker')!;
    cluster.api.updateStatus({
      ...node,
      status: { ...node.status, images: [...(node.status!.images ?? []), { names: ['registry.k8s.io/pause:3.10'], sizeBytes: 273874 }] },
    });
    cluster.settle();
    expect(retries()).toBe(2);
  });
});

describe('capacity', () => {
  it('a pending pod gets the room a deleted pod frees', () => {
    const { cluster } = schedulingCluster();
    for (let i = 0; i < 3; i++) cluster.create(pod(`big${i}`, { cpu: '3' }));
    cluster.create(pod('late', { cpu: '3' }));
    expect(nodeOf(cluster, 'late')).toBeUndefined();
    cluster.advance(10_000);
    const freed = nodeOf(cluster, 'big1');
    cluster.delete('Pod', 'default', 'big1', { gracePeriodSeconds: 0 });
    expect(nodeOf(cluster, 'late')).toBe(freed);
  });

  it('a finished pod frees its requests', () => {
    const { cluster } = schedulingCluster({ workers: 1 });
    const job = cluster.create(pod('job', { cpu: '3' }));
    cluster.create(pod('next', { cpu: '3' }));
    expect(nodeOf(cluster, 'next')).toBeUndefined();
    cluster.advance(5000);
    const latest = cluster.get('Pod', 'default', job.metadata.name!)!;
    cluster.updateStatus({ ...latest, status: { ...latest.status, phase: 'Succeeded' } });
    expect(nodeOf(cluster, 'next')).toBe('kubedeck-worker');
  });

  it('backs off 1 s, 2 s, 4 s ... up to 10 s between attempts', () => {
    const { cluster, scheduler } = schedulingCluster({ workers: 1 });
    cluster.create(pod('huge', { cpu: '5' }));
    const waits: number[] = [];
    let last = cluster.clock.now();
    for (let i = 0; i < 6; i++) {
      // Keep the cluster changing so the pod is always due for another try once its backoff ends.
      cluster.create(pod(`churn${i}`));
      cluster.delete('Pod', 'default', `churn${i}`, { gracePeriodSeconds: 0 });
      const info = scheduler.queueInfo('default', 'huge')!;
      expect(info.state).toBe('backoff');
      waits.push(info.nextAttemptAt! - last);
      cluster.advanceTo(info.nextAttemptAt!);
      last = cluster.clock.now();
      expect(scheduler.queueInfo('default', 'huge')!.state).toBe('unschedulable');
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('Too many pods, and the init-container max rule', () => {
    const cluster = createCluster();
    installScheduler(cluster);
    cluster.create<Node>({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'tiny' }, status: { capacity: { pods: '1', cpu: '4' } } });
    cluster.create(pod('first', {
      spec: { initContainers: [{ name: 'init', image: 'busybox', resources: { requests: { cpu: '3' } } }] },
      cpu: '1',
    }));
    expect(nodeOf(cluster, 'first')).toBe('tiny');
    cluster.create(pod('second'));
    expect(eventsFor(cluster, 'second')[0]?.message).toBe('0/1 nodes are available: 1 Too many pods.');
  });

  it('an init container bigger than the node keeps the pod out', () => {
    const { cluster } = schedulingCluster();
    cluster.create(pod('init', { spec: { initContainers: [{ name: 'init', image: 'busybox', resources: { requests: { cpu: '6' } } }] } }));
    expect(eventsFor(cluster, 'init')[0]?.message).toBe(`0/4 nodes are available: ${TAINT}, 3 Insufficient cpu.`);
  });

  it('host ports: one pod per node and port', () => {
    const { cluster } = schedulingCluster();
    const withPort = (name: string) => pod(name, { container: { ports: [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }] } });
    for (let i = 0; i < 4; i++) cluster.create(withPort(`hp${i}`));
    expect(new Set([0, 1, 2].map((i) => nodeOf(cluster, `hp${i}`))).size).toBe(3);
    expect(eventsFor(cluster, 'hp3')[0]?.message).toBe(
      `0/4 nodes are available: ${TAINT}, 3 node(s) didn't have free ports for the requested pod ports.`,
    );
  });
});

describe('priority', () => {
  it('the higher-priority pending pod gets freed room first', () => {
    const { cluster } = schedulingCluster({ workers: 1 });
    cluster.create(pod('blocker', { cpu: '3' }));
    cluster.create(pod('low', { cpu: '3', spec: { priority: 0 } }));
    cluster.create(pod('high', { cpu: '3', spec: { priority: 1000 } }));
    cluster.advance(5000);
    cluster.delete('Pod', 'default', 'blocker', { gracePeriodSeconds: 0 });
    expect(nodeOf(cluster, 'high')).toBe('kubedeck-worker');
    expect(nodeOf(cluster, 'low')).toBeUndefined();
  });
});
