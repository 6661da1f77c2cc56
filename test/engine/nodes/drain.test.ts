import { describe, expect, it } from 'vitest';
import type { DaemonSet, Pod } from '../../../src/engine/api/types.js';
import { createCluster, type Cluster } from '../../../src/engine/cluster.js';
import { installNodeLifecycle } from '../../../src/engine/controllers/nodeLifecycle.js';
import { drain, goDuration, startDrain, type DrainOptions } from '../../../src/engine/drain.js';
import { ApiError } from '../../../src/engine/errors.js';
import { ownerRef, replicaSet } from '../fixtures.js';
import { podSpec, setPodStatus } from '../services/helpers.js';

const W1 = 'kubedeck-worker';

function setup(): Cluster {
  const cluster = createCluster({ seed: 5 });
  cluster.ensureDefaultNodes(3);
  installNodeLifecycle(cluster);
  return cluster;
}

/** Plays the kubelets' part in graceful deletion: a deleted pod goes when its grace period is over. */
function kubeletsFinishDeletions(cluster: Cluster): void {
  cluster.api.hooks.hasKubelet = () => true;
  const scheduled = new Set<string>();
  cluster.watch({ kinds: ['Pod'] }, (e) => {
    const pod = e.object as Pod;
    const id = pod.metadata.uid!;
    if (e.type !== 'MODIFIED' || !pod.metadata.deletionTimestamp || scheduled.has(id)) return;
    scheduled.add(id);
    cluster.clock.at(Date.parse(pod.metadata.deletionTimestamp), () => cluster.api.finalizeRemoval(pod));
  });
}

function ownedPod(cluster: Cluster, name: string, extra: Partial<Pod['spec']> = {}, namespace = 'default'): Pod {
  let rs = cluster.get('ReplicaSet', namespace, 'web');
  if (!rs) rs = cluster.create({ ...replicaSet('web'), metadata: { ...replicaSet('web').metadata, namespace } });
  const base = podSpec(name, { nodeName: W1, namespace });
  cluster.create<Pod>({ ...base, metadata: { ...base.metadata, ownerReferences: [ownerRef(rs)] }, spec: { ...base.spec, ...extra } });
  return setPodStatus(cluster, namespace, name, { ip: '10.244.1.9', ready: true });
}

function daemonSetPod(cluster: Cluster, name: string, dsName = 'fluentd'): Pod {
  const ds: DaemonSet = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: dsName, namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { app: dsName } },
      template: { metadata: { labels: { app: dsName } }, spec: { containers: [{ name: 'f', image: 'fluentd' }] } },
    },
  };
  const owner = cluster.get('DaemonSet', 'kube-system', dsName) ?? cluster.create(ds);
  const base = podSpec(name, { nodeName: W1, namespace: 'kube-system', labels: { app: dsName } });
  return cluster.create<Pod>({ ...base, metadata: { ...base.metadata, ownerReferences: [ownerRef(owner)] } });
}

const lines = (op: { lines: { stream: string; text: string }[] }) => op.lines.map((l) => `${l.stream}: ${l.text}`);

describe('drain', () => {
  it('cordons, evicts the pods and reports each as kubectl does', () => {
    const cluster = setup();
    ownedPod(cluster, 'web-a');
    ownedPod(cluster, 'web-b');
    const op = drain(cluster, W1);
    expect(lines(op)).toEqual([
      `out: node/${W1} cordoned`,
      'out: evicting pod default/web-a',
      'out: evicting pod default/web-b',
      'out: pod/web-a evicted',
      'out: pod/web-b evicted',
      `out: node/${W1} drained`,
    ]);
    expect(op.status).toBe('drained');
    expect(cluster.list('Pod')).toEqual([]);
    expect(cluster.get('Node', undefined, W1)!.spec!.unschedulable).toBe(true);
    expect(lines(drain(cluster, W1))).toEqual([`out: node/${W1} already cordoned`, `out: node/${W1} drained`]);
  });

  it('waits for graceful termination, reporting each pod at the next one-second poll after it is gone', () => {
    const cluster = setup();
    kubeletsFinishDeletions(cluster);
    ownedPod(cluster, 'slow');
    ownedPod(cluster, 'quick', { terminationGracePeriodSeconds: 5 });
    const t0 = cluster.clock.now();
    const op = startDrain(cluster, W1);
    expect(op.status).toBe('running');
    expect(cluster.get('Pod', 'default', 'slow')!.metadata.deletionTimestamp).toBe('2025-01-01T00:00:30Z');
    cluster.advanceTo(t0 + 4999);
    expect(op.text('out')).not.toContain('pod/quick evicted');
    cluster.advanceTo(t0 + 5000);
    expect(op.text('out')).toContain('pod/quick evicted');
    cluster.advanceTo(t0 + 30_000);
    expect(op.text()).toBe(
      [`node/${W1} cordoned`, 'evicting pod default/quick', 'evicting pod default/slow', 'pod/quick evicted', 'pod/slow evicted', `node/${W1} drained`, ''].join('\n'),
    );
  });

  it('uses --grace-period for every pod', () => {
    const cluster = setup();
    kubeletsFinishDeletions(cluster);
    ownedPod(cluster, 'slow');
    const t0 = cluster.clock.now();
    const op = drain(cluster, W1, { gracePeriodSeconds: 2 });
    expect(op.status).toBe('drained');
    expect(cluster.clock.now()).toBe(t0 + 2000);
  });

  it('refuses DaemonSet pods without --ignore-daemonsets, and leaves them with it', () => {
    const cluster = setup();
    ownedPod(cluster, 'web-a');
    daemonSetPod(cluster, 'fluentd-x7k2p');
    const refused = drain(cluster, W1);
    expect(refused.status).toBe('failed');
    expect(lines(refused)).toEqual([
      `out: node/${W1} cordoned`,
      `err: error: unable to drain node "${W1}" due to error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): kube-system/fluentd-x7k2p, continuing command...`,
      'err: There are pending nodes to be drained:',
      `err:  ${W1}`,
      'err: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): kube-system/fluentd-x7k2p',
    ]);
    expect(cluster.get('Pod', 'default', 'web-a')).toBeDefined();

    const op = drain(cluster, W1, { ignoreDaemonSets: true });
    expect(lines(op)).toEqual([
      `out: node/${W1} already cordoned`,
      'err: Warning: ignoring DaemonSet-managed Pods: kube-system/fluentd-x7k2p',
      'out: evicting pod default/web-a',
      'out: pod/web-a evicted',
      `out: node/${W1} drained`,
    ]);
    expect(cluster.get('Pod', 'kube-system', 'fluentd-x7k2p')).toBeDefined();
  });

  it('refuses pods that declare no controller without --force, and deletes them with it', () => {
    const cluster = setup();
    cluster.create(podSpec('p', { nodeName: W1 }));
    expect(lines(drain(cluster, W1)).at(-1)).toBe('err: cannot delete Pods that declare no controller (use --force to override): default/p');
    const op = drain(cluster, W1, { force: true });
    expect(lines(op)).toEqual([
      `out: node/${W1} already cordoned`,
      'err: Warning: deleting Pods that declare no controller: default/p',
      'out: evicting pod default/p',
      'out: pod/p evicted',
      `out: node/${W1} drained`,
    ]);
  });

  it('aggregates several refusals', () => {
    const cluster = setup();
    cluster.create(podSpec('p', { nodeName: W1 }));
    cluster.create(podSpec('q', { nodeName: W1 }));
    daemonSetPod(cluster, 'fluentd-x7k2p');
    const op = drain(cluster, W1);
    expect(lines(op).slice(1)).toEqual([
      `err: error: unable to drain node "${W1}" due to error: [cannot delete Pods that declare no controller (use --force to override): default/p, default/q, cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): kube-system/fluentd-x7k2p], continuing command...`,
      'err: There are pending nodes to be drained:',
      `err:  ${W1}`,
      'err: cannot delete Pods that declare no controller (use --force to override): default/p, default/q',
      'err: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): kube-system/fluentd-x7k2p',
    ]);
  });

  it('refuses pods with emptyDir data without --delete-emptydir-data', () => {
    const cluster = setup();
    ownedPod(cluster, 'cache', { volumes: [{ name: 'tmp', emptyDir: {} }] });
    expect(lines(drain(cluster, W1)).at(-1)).toBe('err: cannot delete Pods with local storage (use --delete-emptydir-data to override): default/cache');
    // The local-storage warning is dropped by the filters after it, exactly as kubectl does.
    expect(lines(drain(cluster, W1, { deleteEmptyDirData: true }))).toEqual([
      `out: node/${W1} already cordoned`,
      'out: evicting pod default/cache',
      'out: pod/cache evicted',
      `out: node/${W1} drained`,
    ]);
  });

  it('skips mirror pods, and evicts finished pods whatever owns them', () => {
    const cluster = setup();
    const mirror = podSpec('kube-apiserver-x', { nodeName: W1, namespace: 'kube-system' });
    cluster.create<Pod>({ ...mirror, metadata: { ...mirror.metadata, annotations: { 'kubernetes.io/config.mirror': 'abc' } } });
    cluster.create(podSpec('done', { nodeName: W1 }));
    setPodStatus(cluster, 'default', 'done', { phase: 'Succeeded' });
    expect(lines(drain(cluster, W1))).toEqual([
      `out: node/${W1} cordoned`,
      'out: evicting pod default/done',
      'out: pod/done evicted',
      `out: node/${W1} drained`,
    ]);
    expect(cluster.get('Pod', 'kube-system', 'kube-apiserver-x')).toBeDefined();
  });

  it('refuses pods whose DaemonSet is gone, and --force evicts them (its warning is dropped by the later filters, as in kubectl)', () => {
    const cluster = setup();
    const base = podSpec('agent-1', { nodeName: W1, namespace: 'kube-system' });
    const dangling = { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: '0d2f8c2e-1111-4222-8333-444455556666', controller: true };
    cluster.create<Pod>({ ...base, metadata: { ...base.metadata, ownerReferences: [dangling] } });
    expect(lines(drain(cluster, W1, { ignoreDaemonSets: true })).at(-1)).toBe('err: cannot delete daemonsets.apps "agent" not found: kube-system/agent-1');
    expect(lines(drain(cluster, W1, { force: true }))).toEqual([
      `out: node/${W1} already cordoned`,
      'out: evicting pod kube-system/agent-1',
      'out: pod/agent-1 evicted',
      `out: node/${W1} drained`,
    ]);
  });

  it('only takes the pods matching --pod-selector', () => {
    const cluster = setup();
    ownedPod(cluster, 'web-a');
    const other = podSpec('db', { nodeName: W1, labels: { app: 'db' } });
    cluster.create(other);
    expect(lines(drain(cluster, W1, { podSelector: 'app=web' }))).toContain('out: pod/web-a evicted');
    expect(cluster.get('Pod', 'default', 'db')).toBeDefined();
  });

  it('gives up after --timeout with kubectl\'s report when pods never finish terminating', () => {
    const cluster = setup();
    cluster.api.hooks.hasKubelet = () => true; // the kubelet is gone: the pod stays Terminating
    ownedPod(cluster, 'stuck');
    const t0 = cluster.clock.now();
    const options: DrainOptions = { timeoutSeconds: 60 };
    const op = drain(cluster, W1, options);
    expect(cluster.clock.now()).toBe(t0 + 60_000);
    const error = 'error when waiting for pod "stuck" in namespace "default" to terminate: global timeout reached: 1m0s';
    expect(lines(op)).toEqual([
      `out: node/${W1} cordoned`,
      'out: evicting pod default/stuck',
      'out: pod/stuck eviction failed',
      `err: There are pending pods in node "${W1}" when an error occurred: ${error}`,
      'err: pod/stuck',
      `err: error: unable to drain node "${W1}" due to error: ${error}, continuing command...`,
      'err: There are pending nodes to be drained:',
      `err:  ${W1}`,
      `err: ${error}`,
    ]);
    expect(op.status).toBe('failed');
  });

  it('hands back a drain still waiting after the wait limit, and says nothing more once cancelled', () => {
    const cluster = setup();
    cluster.api.hooks.hasKubelet = () => true;
    ownedPod(cluster, 'stuck');
    const op = drain(cluster, W1, {}, 120_000);
    expect(op.status).toBe('running');
    op.cancel();
    const count = op.lines.length;
    cluster.api.finalizeRemoval(cluster.get('Pod', 'default', 'stuck')!);
    cluster.advance(5000);
    expect(op.lines.length).toBe(count);
  });

  it('fails like kubectl for a node that does not exist', () => {
    const cluster = setup();
    try {
      drain(cluster, 'nope');
      throw new Error('expected NotFound');
    } catch (e) {
      expect((e as ApiError).kubectlMessage()).toBe('Error from server (NotFound): nodes "nope" not found');
    }
  });
});

describe('goDuration', () => {
  it('prints durations the Go way', () => {
    expect([0, 1500, 30_000, 60_000, 90_000, 3_600_000, 3_661_000].map(goDuration)).toEqual(['0s', '1.5s', '30s', '1m0s', '1m30s', '1h0m0s', '1h1m1s']);
  });
});
