import { describe, expect, it } from 'vitest';
import type { DaemonSet, Event, Node, Pod } from '../../../src/engine/api/types.js';
import { cordon } from '../../../src/engine/actions.js';
import { createCluster, type Cluster } from '../../../src/engine/cluster.js';
import { installDaemonSetController, rolloutBudget } from '../../../src/engine/controllers/daemonSet.js';
import { nodeShouldRunDaemonPod } from '../../../src/engine/controllers/daemonSetNodes.js';
import { PodDriver } from './podDriver-workloads.js';

function agent(overrides: Partial<DaemonSet['spec']> = {}, tolerateControlPlane = false): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { name: 'agent' } },
      template: {
        metadata: { labels: { name: 'agent' } },
        spec: {
          ...(tolerateControlPlane ? { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] } : {}),
          containers: [{ name: 'agent', image: 'fluentd:v1' }],
        },
      },
      ...overrides,
    },
  };
}

function setup(): { c: Cluster; driver: PodDriver } {
  const c = createCluster();
  c.ensureDefaultNodes();
  installDaemonSetController(c);
  return { c, driver: new PodDriver(c) };
}

const podNodes = (c: Cluster): string[] =>
  c.list('Pod', { namespace: 'kube-system' }).filter((p) => !p.metadata.deletionTimestamp).map((p: Pod) => p.spec.nodeName ?? pinned(p)).sort();
const pinned = (p: Pod) => p.spec.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms[0]!.matchFields![0]!.values![0]!;
const columns = (c: Cluster) => {
  const s = c.get('DaemonSet', 'kube-system', 'agent')!.status!;
  return [s.desiredNumberScheduled, s.currentNumberScheduled, s.numberReady, s.updatedNumberScheduled ?? 0, s.numberAvailable ?? 0];
};
const dsEvents = (c: Cluster, reason: string) =>
  c.list('Event').filter((e: Event) => e.involvedObject.kind === 'DaemonSet' && e.reason === reason).map((e) => e.message);

describe('DaemonSet placement', () => {
  it('runs one pod per worker; the control-plane taint keeps it off the control plane', () => {
    const { c, driver } = setup();
    driver.auto();
    c.create(agent());
    expect(podNodes(c)).toEqual(['kubedeck-worker', 'kubedeck-worker2', 'kubedeck-worker3']);
    expect(columns(c)).toEqual([3, 3, 0, 3, 0]);
    c.advance(2000);
    expect(columns(c)).toEqual([3, 3, 3, 3, 3]);
    expect(dsEvents(c, 'SuccessfulCreate')).toHaveLength(3);
    expect(dsEvents(c, 'SuccessfulCreate')[0]).toMatch(/^Created pod: agent-[a-z0-9]{5}$/);
  });

  it('runs on the control plane too when the template tolerates its taint', () => {
    const { c } = setup();
    c.create(agent({}, true));
    expect(podNodes(c)).toEqual(['kubedeck-control-plane', 'kubedeck-worker', 'kubedeck-worker2', 'kubedeck-worker3']);
  });

  it('pins each pod to its node with required node affinity and adds the daemon tolerations, leaving binding to the scheduler', () => {
    const { c } = setup();
    c.create(agent());
    const pod = c.list('Pod', { namespace: 'kube-system' })[0]!;
    const ds = c.get('DaemonSet', 'kube-system', 'agent')!;
    expect(pod.spec.nodeName).toBeUndefined();
    expect(pod.metadata.generateName).toBe('agent-');
    expect(pod.spec.affinity).toEqual({
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [pinned(pod)] }] }] } },
    });
    expect(pod.spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(pod.metadata.labels).toEqual({ name: 'agent', 'controller-revision-hash': expect.stringMatching(/^[bcdfghjklmnpqrstvwxz2456789]+$/) });
    expect(pod.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'DaemonSet', name: 'agent', uid: ds.metadata.uid, controller: true });
    const revision = c.list('ControllerRevision', { namespace: 'kube-system' });
    expect(revision.map((r) => r.metadata.name)).toEqual([`agent-${pod.metadata.labels!['controller-revision-hash']}`]);
  });

  it('keeps its pods on a cordoned node (they tolerate unschedulable)', () => {
    const { c, driver } = setup();
    driver.auto();
    c.create(agent());
    c.advance(2000);
    const before = c.list('Pod', { namespace: 'kube-system' }).map((p) => p.metadata.uid).sort();
    cordon(c, 'kubedeck-worker2');
    const node = c.get('Node', undefined, 'kubedeck-worker2')!;
    // The node lifecycle controller turns cordoning into a taint; the daemon pod tolerates that too.
    c.update({ ...node, spec: { ...node.spec, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] } });
    expect(c.list('Pod', { namespace: 'kube-system' }).map((p) => p.metadata.uid).sort()).toEqual(before);
    expect(columns(c)).toEqual([3, 3, 3, 3, 3]);
  });

  it('follows node labels with nodeSelector', () => {
    const { c } = setup();
    c.create(agent({ template: { metadata: { labels: { name: 'agent' } }, spec: { nodeSelector: { app: 'logging-node' }, containers: [{ name: 'a', image: 'busybox' }] } } }));
    expect(columns(c)).toEqual([0, 0, 0, 0, 0]);
    const label = (name: string, labels: Record<string, string>) => {
      const n = c.get('Node', undefined, name)!;
      c.update({ ...n, metadata: { ...n.metadata, labels } });
    };
    const worker2 = c.get('Node', undefined, 'kubedeck-worker2')!;
    label('kubedeck-worker2', { ...worker2.metadata.labels, app: 'logging-node' });
    expect(podNodes(c)).toEqual(['kubedeck-worker2']);
    label('kubedeck-worker2', worker2.metadata.labels!);
    expect(podNodes(c)).toEqual([]);
    expect(dsEvents(c, 'SuccessfulDelete')).toHaveLength(1);
  });

  it('untolerated NoSchedule keeps new pods away but lets existing ones stay (misscheduled); NoExecute evicts', () => {
    const { c } = setup();
    c.create(agent());
    const taint = (effect: 'NoSchedule' | 'NoExecute') => {
      const n = c.get('Node', undefined, 'kubedeck-worker3')!;
      c.update({ ...n, spec: { ...n.spec, taints: [{ key: 'dedicated', value: 'db', effect }] } });
    };
    taint('NoSchedule');
    expect(podNodes(c)).toContain('kubedeck-worker3');
    const s = c.get('DaemonSet', 'kube-system', 'agent')!.status!;
    expect([s.desiredNumberScheduled, s.numberMisscheduled]).toEqual([2, 1]);
    taint('NoExecute');
    expect(podNodes(c)).not.toContain('kubedeck-worker3');
  });

  it('adds a pod when a node joins and counts one fewer when a node leaves', () => {
    const { c } = setup();
    c.create(agent());
    c.create<Node>({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'kubedeck-worker4' } });
    expect(podNodes(c)).toContain('kubedeck-worker4');
    c.delete('Node', undefined, 'kubedeck-worker4');
    expect(columns(c)[0]).toBe(3);
    // The pod was never scheduled: the controller deletes it itself.
    expect(podNodes(c)).not.toContain('kubedeck-worker4');
  });

  it('tolerations for network-unavailable only with hostNetwork', () => {
    const base = agent();
    const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n', labels: {} }, spec: { taints: [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] } };
    expect(nodeShouldRunDaemonPod(node, base).shouldRun).toBe(false);
    const host = agent({ template: { ...base.spec.template, spec: { ...base.spec.template.spec, hostNetwork: true } } });
    expect(nodeShouldRunDaemonPod(node, host).shouldRun).toBe(true);
  });
});

describe('DaemonSet rollout budget', () => {
  it.each([
    [undefined, undefined, 10, { maxSurge: 0, maxUnavailable: 1 }],
    ['10%', 0, 15, { maxSurge: 0, maxUnavailable: 2 }],
    [0, '25%', 3, { maxSurge: 1, maxUnavailable: 0 }],
    [0, 0, 3, { maxSurge: 0, maxUnavailable: 1 }],
    ['50%', 0, 5, { maxSurge: 0, maxUnavailable: 3 }],
  ])('maxUnavailable %s maxSurge %s over %i nodes', (mu, ms, desired, expected) => {
    const ds = agent({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { ...(mu !== undefined ? { maxUnavailable: mu } : {}), ...(ms !== undefined ? { maxSurge: ms } : {}) } } });
    expect(rolloutBudget(ds, desired)).toEqual(expected);
  });
});

describe('DaemonSet updates', () => {
  function started(spec: Partial<DaemonSet['spec']> = {}) {
    const { c, driver } = setup();
    driver.auto({ outcome: () => ({ action: 'ready', afterMs: 1000 }), terminateAfterMs: () => 2000 });
    c.create(agent(spec));
    c.advance(5000);
    const ds = c.get('DaemonSet', 'kube-system', 'agent')!;
    const template = structuredClone(ds.spec.template);
    template.spec.containers[0]!.image = 'fluentd:v2';
    c.update({ ...ds, spec: { ...ds.spec, template } });
    return c;
  }
  const images = (c: Cluster) =>
    c.list('Pod', { namespace: 'kube-system' }).map((p) => `${p.spec.nodeName}:${p.spec.containers[0]!.image}${p.metadata.deletionTimestamp ? ' (terminating)' : ''}`).sort();

  it('RollingUpdate maxUnavailable 1: one node at a time, old pod gone before the new one starts', () => {
    const c = started();
    expect(images(c)).toEqual(['kubedeck-worker2:fluentd:v1', 'kubedeck-worker3:fluentd:v1', 'kubedeck-worker:fluentd:v1 (terminating)']);
    expect(columns(c)).toEqual([3, 3, 3, 0, 3]);
    c.advance(2000); // old pod gone, new one created
    expect(images(c)).toEqual(['kubedeck-worker2:fluentd:v1', 'kubedeck-worker3:fluentd:v1', 'undefined:fluentd:v2']);
    c.advance(1000); // new pod ready -> next node
    expect(images(c).filter((s) => s.includes('terminating'))).toHaveLength(1);
    c.advance(20_000);
    expect(images(c)).toEqual(['kubedeck-worker2:fluentd:v2', 'kubedeck-worker3:fluentd:v2', 'kubedeck-worker:fluentd:v2']);
    expect(columns(c)).toEqual([3, 3, 3, 3, 3]);
    expect(c.list('ControllerRevision', { namespace: 'kube-system' }).map((r) => r.revision).sort()).toEqual([1, 2]);
  });

  it('RollingUpdate maxSurge: the new pod comes up next to the old one, which goes once the new one is available', () => {
    const c = started({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } });
    expect(images(c)).toEqual(['kubedeck-worker2:fluentd:v1', 'kubedeck-worker3:fluentd:v1', 'kubedeck-worker:fluentd:v1', 'undefined:fluentd:v2']);
    c.advance(1000);
    expect(images(c)).toContain('kubedeck-worker:fluentd:v1 (terminating)');
    c.advance(20_000);
    expect(images(c)).toEqual(['kubedeck-worker2:fluentd:v2', 'kubedeck-worker3:fluentd:v2', 'kubedeck-worker:fluentd:v2']);
  });

  it('OnDelete: pods change only when deleted', () => {
    const c = started({ updateStrategy: { type: 'OnDelete' } });
    c.advance(10_000);
    expect(columns(c)).toEqual([3, 3, 3, 0, 3]);
    const victim = c.list('Pod', { namespace: 'kube-system' })[0]!;
    c.delete('Pod', 'kube-system', victim.metadata.name!);
    c.advance(10_000);
    expect(columns(c)).toEqual([3, 3, 3, 1, 3]);
  });
});
