import { describe, expect, it } from 'vitest';
import { formatRolloutHistory } from '../../../src/printers/index.js';
import type { DaemonSet, StatefulSet } from '../../../src/engine/api/types.js';
import { setImage } from '../../../src/engine/actions.js';
import { createCluster, type Cluster } from '../../../src/engine/cluster.js';
import { installDaemonSetController } from '../../../src/engine/controllers/daemonSet.js';
import { installStatefulSetController } from '../../../src/engine/controllers/statefulSet.js';
import { daemonSetRollout } from '../../../src/engine/rollout/daemonSet.js';
import { statefulSetRollout } from '../../../src/engine/rollout/statefulSet.js';
import { PodDriver } from './podDriver-workloads.js';

function web(spec: Partial<StatefulSet['spec']> = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web' },
    spec: {
      replicas: 3,
      serviceName: 'nginx',
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.24', ports: [{ containerPort: 80 }] }] } },
      ...spec,
    },
  };
}

function cluster(): { c: Cluster; driver: PodDriver } {
  const c = createCluster();
  c.ensureDefaultNodes();
  installStatefulSetController(c);
  installDaemonSetController(c);
  const driver = new PodDriver(c).auto({ outcome: () => ({ action: 'ready', afterMs: 1000 }) });
  return { c, driver };
}

const sts = (c: Cluster) => c.get('StatefulSet', 'default', 'web')!;

describe('StatefulSet rollout status, progress, history and undo', () => {
  it('prints kubectl status lines while coming up and when done', () => {
    const { c } = cluster();
    c.create(web());
    expect(statefulSetRollout.status(sts(c), c)).toEqual({ done: false, message: 'Waiting for 3 pods to be ready...' });
    expect(statefulSetRollout.progress(sts(c), c).step).toBe('waiting for web-0 to be Ready');
    c.advance(1000);
    expect(statefulSetRollout.status(sts(c), c).message).toBe('Waiting for 2 pods to be ready...');
    expect(statefulSetRollout.progress(sts(c), c).step).toBe('waiting for web-1 to be Ready');
    c.advance(5000);
    // With partition defaulted to 0, kubectl reports a partitioned roll out even for a plain one.
    expect(statefulSetRollout.status(sts(c), c)).toEqual({ done: true, message: 'partitioned roll out complete: 3 new pods have been updated...' });
    const p = statefulSetRollout.progress(sts(c), c);
    expect(p).toMatchObject({ kind: 'StatefulSet', desired: 3, updated: 3, ready: 3, available: 3, complete: true, step: 'up to date' });
    expect(p.revisions).toEqual([{ revision: 1, name: sts(c).status!.updateRevision, pods: 3, current: true }]);
  });

  it('reports a partitioned update and the step in words', () => {
    const { c } = cluster();
    c.create(web({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
    c.advance(5000);
    setImage(c, 'StatefulSet', 'default', 'web', { nginx: 'nginx:1.25' });
    expect(statefulSetRollout.status(sts(c), c).message).toBe('Waiting for 1 pods to be ready...');
    expect(statefulSetRollout.progress(sts(c), c).step).toBe('waiting for web-2 to be Ready');
    expect(statefulSetRollout.progress(sts(c), c).revisions.map((r) => [r.revision, r.pods, r.current])).toEqual([[2, 1, true], [1, 2, false]]);
    c.advance(1000);
    expect(statefulSetRollout.progress(sts(c), c).step).toBe('waiting for web-1 to be Ready');
    c.advance(5000);
    expect(statefulSetRollout.status(sts(c), c)).toEqual({ done: true, message: 'partitioned roll out complete: 2 new pods have been updated...' });
    expect(statefulSetRollout.progress(sts(c), c).step).toBe(`partitioned: 1 pods below ordinal 1 stay at ${sts(c).status!.currentRevision}`);
  });

  it('prints history, one revision, and undoes to the previous revision like kubectl', () => {
    const { c } = cluster();
    c.create(web());
    c.advance(5000);
    expect(() => statefulSetRollout.undo(c, sts(c))).toThrow('no last revision to roll back to');
    setImage(c, 'StatefulSet', 'default', 'web', { nginx: 'nginx:1.25' });
    c.advance(10_000);
    expect(formatRolloutHistory(statefulSetRollout.history(sts(c), c))).toBe('statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    expect(formatRolloutHistory(statefulSetRollout.history(sts(c), c, { revision: 1 }))).toMatch(/^statefulset\.apps\/web with revision #1\n[^]*    Image:\tnginx:1\.24/);
    expect(() => statefulSetRollout.history(sts(c), c, { revision: 7 })).toThrow('unable to find the specified revision');
    expect(() => statefulSetRollout.undo(c, sts(c), { toRevision: 7 })).toThrow('unable to find specified revision 7 in history');
    expect(statefulSetRollout.undo(c, sts(c), { toRevision: 2 })).toBe('statefulset.apps/web skipped rollback (current template already matches revision 2)');
    expect(statefulSetRollout.undo(c, sts(c))).toBe('statefulset.apps/web rolled back');
    c.advance(10_000);
    expect(c.list('Pod').map((p) => p.spec.containers[0]!.image)).toEqual(['nginx:1.24', 'nginx:1.24', 'nginx:1.24']);
    expect(formatRolloutHistory(statefulSetRollout.history(sts(c), c))).toBe('statefulset.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n');
  });

  it('waits for a partitioned roll out when every pod is ready but too few are updated', () => {
    const set = { ...web({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }), metadata: { name: 'web', generation: 2 } };
    set.status = { observedGeneration: 2, replicas: 3, readyReplicas: 3, updatedReplicas: 1, currentRevision: 'web-a', updateRevision: 'web-b' };
    expect(statefulSetRollout.status(set, createCluster())).toEqual({ done: false, message: 'Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...' });
    set.metadata.generation = 3;
    expect(statefulSetRollout.status(set, createCluster()).message).toBe('Waiting for statefulset spec update to be observed...');
  });

  it('rollout status refuses OnDelete like kubectl', () => {
    const { c } = cluster();
    c.create(web({ updateStrategy: { type: 'OnDelete' } }));
    expect(() => statefulSetRollout.status(sts(c), c)).toThrow('rollout status is only available for RollingUpdate strategy type');
  });

  it('says why a rollout is stuck', () => {
    const { c, driver } = cluster();
    driver.auto({ outcome: () => ({ action: 'none' }) });
    c.create(web({ replicas: 1 }));
    const pod = c.get('Pod', 'default', 'web-0')!;
    c.api.updateStatus({ ...pod, status: { ...pod.status, conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/4 nodes are available: 4 Insufficient cpu.' }] } });
    expect(statefulSetRollout.progress(sts(c), c).stuck).toEqual({ reason: 'Unschedulable', message: 'web-0 cannot be scheduled: 0/4 nodes are available: 4 Insufficient cpu.' });
  });
});

describe('DaemonSet rollout status, history and undo', () => {
  const agent: DaemonSet = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'x' },
    spec: {
      selector: { matchLabels: { name: 'x' } },
      template: { metadata: { labels: { name: 'x' } }, spec: { containers: [{ name: 'x', image: 'agent:1' }] } },
    },
  };
  const ds = (c: Cluster) => c.get('DaemonSet', 'default', 'x')!;

  it('prints the daemon set status lines through an update and undoes it', () => {
    const { c } = cluster();
    c.create(agent);
    expect(daemonSetRollout.status(ds(c), c).message).toBe('Waiting for daemon set "x" rollout to finish: 0 of 3 updated pods are available...');
    c.advance(2000);
    expect(daemonSetRollout.status(ds(c), c)).toEqual({ done: true, message: 'daemon set "x" successfully rolled out' });
    setImage(c, 'DaemonSet', 'default', 'x', { x: 'agent:2' });
    expect(daemonSetRollout.status(ds(c), c).message).toBe('Waiting for daemon set "x" rollout to finish: 1 out of 3 new pods have been updated...');
    const p = daemonSetRollout.progress(ds(c), c);
    expect(p).toMatchObject({ kind: 'DaemonSet', desired: 3, updated: 1, complete: false });
    expect(p.revisions.map((r) => [r.revision, r.pods, r.current])).toEqual([[2, 1, true], [1, 2, false]]);
    c.advance(10_000);
    expect(daemonSetRollout.status(ds(c), c).message).toBe('daemon set "x" successfully rolled out');
    expect(formatRolloutHistory(daemonSetRollout.history(ds(c), c))).toBe('daemonset.apps/x \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    expect(daemonSetRollout.undo(c, ds(c))).toBe('daemonset.apps/x rolled back');
    c.advance(10_000);
    expect(c.list('Pod').map((p) => p.spec.containers[0]!.image)).toEqual(['agent:1', 'agent:1', 'agent:1']);
  });
});
