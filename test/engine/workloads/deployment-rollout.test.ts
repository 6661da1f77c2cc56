/** Deployment rollouts on the virtual clock: event sequences, conditions, kubectl rollout output. */
import { describe, expect, it } from 'vitest';
import { formatRolloutHistory } from '../../../src/printers/index.js';
import { rolloutRestart, scale, setImage, setPaused } from '../../../src/engine/actions.js';
import type { Deployment } from '../../../src/engine/api/types.js';
import { deploymentRollout } from '../../../src/engine/rollout/deployment.js';
import { scenario, webDeployment } from './deploymentScenario.js';

const cond = (d: Deployment, type: string) => {
  const c = d.status?.conditions?.find((x) => x.type === type);
  return c && `${c.status} ${c.reason} ${c.message}`;
};

describe('RollingUpdate', () => {
  it('rolls 10 replicas with 25%/25% in the real ScalingReplicaSet sequence', () => {
    const s = scenario({ fate: () => ({ readyAfterMs: 5000 }) });
    s.c.create(webDeployment(10));
    s.c.runUntilIdle();
    const [v1] = Object.values(s.byRevision());
    setImage(s.c, 'Deployment', 'default', 'web', { nginx: 'nginx:1.26' });
    s.c.runUntilIdle();
    const { 1: old, 2: next } = s.byRevision();
    expect(old).toBe(v1);
    expect(s.scaling).toEqual([
      `0 Scaled up replica set ${old} from 0 to 10`,
      // the update at 5 s: surge 3 (13 pods), then unavailable 2 (8 old), then the freed room goes to the new set
      `5 Scaled up replica set ${next} from 0 to 3`,
      `5 Scaled down replica set ${old} from 10 to 8`,
      `5 Scaled up replica set ${next} from 3 to 5`,
      // each new pod that becomes available lets one old pod go, which makes room for one more new pod
      `10 Scaled down replica set ${old} from 8 to 7`,
      `10 Scaled up replica set ${next} from 5 to 6`,
      `10 Scaled down replica set ${old} from 7 to 6`,
      `10 Scaled up replica set ${next} from 6 to 7`,
      `10 Scaled down replica set ${old} from 6 to 5`,
      `10 Scaled up replica set ${next} from 7 to 8`,
      `10 Scaled down replica set ${old} from 5 to 4`,
      `10 Scaled up replica set ${next} from 8 to 9`,
      `10 Scaled down replica set ${old} from 4 to 3`,
      `10 Scaled up replica set ${next} from 9 to 10`,
      `15 Scaled down replica set ${old} from 3 to 2`,
      `15 Scaled down replica set ${old} from 2 to 1`,
      `15 Scaled down replica set ${old} from 1 to 0`,
    ]);
    // client-go's correlator: nine distinct messages keep Events of their own, the rest go to one, counted.
    const written = s.c.list('Event').filter((e) => e.reason === 'ScalingReplicaSet').map((e) => [e.message, e.count]);
    expect(written).toHaveLength(10);
    expect(written).toContainEqual([`(combined from similar events): Scaled down replica set ${old} from 1 to 0`, 8]);
    const d = s.deploy();
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(d.status).toMatchObject({ observedGeneration: 2, replicas: 10, updatedReplicas: 10, readyReplicas: 10, availableReplicas: 10 });
    expect(d.status?.unavailableReplicas).toBeUndefined();
    expect(d.status?.conditions?.map((c) => `${c.type} ${c.status} ${c.reason} ${c.message}`)).toEqual([
      'Available True MinimumReplicasAvailable Deployment has minimum availability.',
      `Progressing True NewReplicaSetAvailable ReplicaSet "${next}" has successfully progressed.`,
    ]);
    const oldRS = s.c.get('ReplicaSet', 'default', old!)!;
    expect(oldRS.spec.replicas).toBe(0);
    expect(oldRS.metadata.annotations).toEqual({
      'deployment.kubernetes.io/desired-replicas': '10',
      'deployment.kubernetes.io/max-replicas': '13',
      'deployment.kubernetes.io/revision': '1',
    });
    expect(deploymentRollout.status(d, s.c).message).toBe('deployment "web" successfully rolled out');
  });

  it('names the ReplicaSet <deployment>-<pod-template-hash> and labels its selector, template and pods with the hash', () => {
    const s = scenario();
    s.c.create(webDeployment(2));
    const [rs] = s.replicaSets();
    const hash = rs!.metadata.labels!['pod-template-hash']!;
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(rs!.spec.selector).toEqual({ matchLabels: { app: 'web', 'pod-template-hash': hash } });
    expect(rs!.spec.template.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs!.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: s.deploy().metadata.uid, controller: true, blockOwnerDeletion: true }]);
    const pods = s.c.list('Pod', { namespace: 'default' });
    expect(pods.map((p) => p.metadata.name)).toEqual(pods.map(() => expect.stringMatching(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`))));
    // the same template hashes the same: undo to it later finds the same name
    const again = scenario();
    again.c.create(webDeployment(2));
    expect(again.replicaSets()[0]!.metadata.name).toBe(rs!.metadata.name);
  });

  it('copies kubernetes.io/change-cause to the new ReplicaSet and shows it in rollout history', () => {
    const s = scenario();
    const d = webDeployment(2);
    s.c.create({ ...d, metadata: { ...d.metadata, annotations: { 'kubernetes.io/change-cause': 'kubectl create --filename=web.yaml' } } });
    const cur = s.deploy();
    s.c.update({
      ...cur,
      metadata: { ...cur.metadata, annotations: { ...cur.metadata.annotations, 'kubernetes.io/change-cause': 'kubectl set image deployment/web nginx=nginx:1.26' } },
      spec: { ...cur.spec, template: { ...cur.spec.template, spec: { containers: [{ name: 'nginx', image: 'nginx:1.26' }] } } },
    });
    s.c.runUntilIdle();
    const rev = s.byRevision();
    expect(s.c.get('ReplicaSet', 'default', rev[2]!)!.metadata.annotations?.['kubernetes.io/change-cause']).toBe('kubectl set image deployment/web nginx=nginx:1.26');
    expect(formatRolloutHistory(deploymentRollout.history(s.deploy(), s.c))).toBe(
      'deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         kubectl create --filename=web.yaml\n2         kubectl set image deployment/web nginx=nginx:1.26\n\n',
    );
  });

  it('scales proportionally when resized mid-rollout (10 -> 15 with maxSurge 3, maxUnavailable 2)', () => {
    const s = scenario({ fate: (p) => (p.spec.containers[0]!.image === 'nginx:bad' ? 'running' : { readyAfterMs: 0 }) });
    s.c.create(webDeployment(10, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    setImage(s.c, 'Deployment', 'default', 'web', { nginx: 'nginx:bad' });
    const { 1: old, 2: next } = s.byRevision();
    expect(s.scaling.slice(1)).toEqual([
      `0 Scaled up replica set ${next} from 0 to 3`,
      `0 Scaled down replica set ${old} from 10 to 8`,
      `0 Scaled up replica set ${next} from 3 to 5`,
    ]);
    scale(s.c, 'Deployment', 'default', 'web', 15);
    expect(s.scaling.slice(4)).toEqual([`0 Scaled up replica set ${old} from 8 to 11`, `0 Scaled up replica set ${next} from 5 to 7`]);
    for (const name of [old!, next!]) {
      expect(s.c.get('ReplicaSet', 'default', name)!.metadata.annotations).toMatchObject({
        'deployment.kubernetes.io/desired-replicas': '15',
        'deployment.kubernetes.io/max-replicas': '18',
      });
    }
    s.c.advance(60_000);
    expect(s.scaling).toHaveLength(6);
    const progress = deploymentRollout.progress(s.deploy(), s.c);
    expect(progress).toMatchObject({ desired: 15, updated: 7, ready: 11, available: 11, step: `scaling up ${next} from 0 to 7`, complete: false });
    expect(progress.revisions).toEqual([{ revision: 2, name: next, pods: 7, current: true }, { revision: 1, name: old, pods: 11, current: false }]);
  });

  it('keeps revisionHistoryLimit old ReplicaSets once a rollout completes', () => {
    const s = scenario();
    s.c.create(webDeployment(1, { revisionHistoryLimit: 1 }));
    for (const tag of ['1.26', '1.27', '1.28']) {
      setImage(s.c, 'Deployment', 'default', 'web', { nginx: `nginx:${tag}` });
      s.c.runUntilIdle();
    }
    expect(Object.keys(s.byRevision())).toEqual(['3', '4']);
    expect(formatRolloutHistory(deploymentRollout.history(s.deploy(), s.c))).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n3         <none>\n4         <none>\n\n');
  });

  it('rollout restart makes a new revision that replaces every pod', () => {
    const s = scenario();
    s.c.create(webDeployment(2));
    const before = s.c.list('Pod').map((p) => p.metadata.name);
    expect(rolloutRestart(s.c, 'Deployment', 'default', 'web', s.c.clock.nowRfc3339())).toBe('deployment.apps/web restarted');
    s.c.runUntilIdle();
    const after = s.c.list('Pod').map((p) => p.metadata.name);
    expect(after).toHaveLength(2);
    expect(after.some((n) => before.includes(n))).toBe(false);
    expect(s.deploy().metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
  });
});

describe('Recreate', () => {
  it('scales every old pod away, waits until they are gone, then creates the new ReplicaSet at full size', () => {
    const s = scenario({ fate: () => ({ readyAfterMs: 1000 }), terminateAfterMs: 3000 });
    s.c.create(webDeployment(3, { strategy: { type: 'Recreate' } }));
    s.c.runUntilIdle();
    setImage(s.c, 'Deployment', 'default', 'web', { nginx: 'nginx:1.26' });
    const old = s.byRevision()[1]!;
    expect(s.scaling).toEqual([`0 Scaled up replica set ${old} from 0 to 3`, `1 Scaled down replica set ${old} from 3 to 0`]);
    expect(s.replicaSets()).toHaveLength(1);
    const progress = deploymentRollout.progress(s.deploy(), s.c);
    expect(progress.step).toBe('waiting: 3 old pods pending termination');
    expect(deploymentRollout.status(s.deploy(), s.c).message).toBe('Waiting for deployment "web" rollout to finish: 0 out of 3 new replicas have been updated...');
    s.c.advance(2999);
    expect(s.replicaSets()).toHaveLength(1);
    s.c.advance(1);
    const next = s.byRevision()[2]!;
    expect(s.scaling.slice(2)).toEqual([`4 Scaled up replica set ${next} from 0 to 3`]);
    s.c.runUntilIdle();
    expect(deploymentRollout.status(s.deploy(), s.c).message).toBe('deployment "web" successfully rolled out');
    expect(s.seconds()).toBe(5);
  });
});

describe('progress deadline', () => {
  it('reports ProgressDeadlineExceeded once progressDeadlineSeconds pass without progress', () => {
    const s = scenario({ fate: (p) => (p.spec.containers[0]!.image === 'nginx:broken' ? 'running' : { readyAfterMs: 0 }) });
    s.c.create(webDeployment(3, { progressDeadlineSeconds: 30 }));
    setImage(s.c, 'Deployment', 'default', 'web', { nginx: 'nginx:broken' });
    const next = s.byRevision()[2]!;
    expect(cond(s.deploy(), 'Progressing')).toBe(`True ReplicaSetUpdated ReplicaSet "${next}" is progressing.`);
    expect(deploymentRollout.status(s.deploy(), s.c).message).toBe('Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...');
    s.c.advance(30_500);
    expect(cond(s.deploy(), 'Progressing')).toBe(`True ReplicaSetUpdated ReplicaSet "${next}" is progressing.`);
    s.c.advance(500);
    expect(cond(s.deploy(), 'Progressing')).toBe(`False ProgressDeadlineExceeded ReplicaSet "${next}" has timed out progressing.`);
    expect(cond(s.deploy(), 'Available')).toBe('True MinimumReplicasAvailable Deployment has minimum availability.');
    expect(deploymentRollout.status(s.deploy(), s.c)).toEqual({ done: true, message: 'error: deployment "web" exceeded its progress deadline' });
    const progress = deploymentRollout.progress(s.deploy(), s.c);
    expect(progress).toMatchObject({ desired: 3, updated: 1, ready: 3, available: 3, complete: false, stuck: { reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${next}" has timed out progressing.` } });
    expect(progress.revisions).toEqual([
      { revision: 2, name: next, pods: 1, current: true },
      { revision: 1, name: s.byRevision()[1], pods: 3, current: false },
    ]);
    // the controller only reports it: nothing else is scheduled, and a fix still rolls out
    const end = s.c.runUntilIdle();
    expect(end).toBe(s.c.clock.now());
    s.kubelet.makeReady('default', s.c.list('Pod').find((p) => p.spec.containers[0]!.image === 'nginx:broken')!.metadata.name!);
    expect(cond(s.deploy(), 'Progressing')).toBe(`True ReplicaSetUpdated ReplicaSet "${next}" is progressing.`);
  });

  it('names the cause when a new pod cannot become Ready: a failing readiness probe, or no node to run on', () => {
    const s = scenario({ fate: (p) => (p.spec.containers[0]!.image === 'nginx:probe' ? 'running' : p.spec.containers[0]!.image === 'nginx:huge' ? 'pending' : { readyAfterMs: 0 }) });
    s.c.create(webDeployment(2));
    setImage(s.c, 'Deployment', 'default', 'web', { nginx: 'nginx:probe' });
    const pod = s.c.list('Pod').find((p) => p.spec.containers[0]!.image === 'nginx:probe')!;
    s.c.events.record(pod, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', { component: 'kubelet', host: pod.spec.nodeName! });
    const progress = deploymentRollout.progress(s.deploy(), s.c);
    expect(progress.stuck).toEqual({ reason: 'ProbeFailing', message: `${pod.metadata.name}: Readiness probe failed: HTTP probe failed with statuscode: 503` });
    expect(progress.step).toBe(`waiting for ${pod.metadata.name} to be Ready`);

    setImage(s.c, 'Deployment', 'default', 'web', { nginx: 'nginx:huge' });
    const pending = s.c.list('Pod').find((p) => p.spec.containers[0]!.image === 'nginx:huge')!;
    s.c.updateStatus({ ...pending, status: { ...pending.status, conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu.' }] } });
    expect(deploymentRollout.progress(s.deploy(), s.c).stuck).toEqual({
      reason: 'Unschedulable',
      message: `${pending.metadata.name}: 0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu.`,
    });
  });
});

describe('pause and resume', () => {
  it('makes no new ReplicaSet while paused, still scales, and rolls out once on resume', () => {
    const s = scenario();
    s.c.create(webDeployment(3));
    const old = s.byRevision()[1]!;
    expect(setPaused(s.c, 'Deployment', 'default', 'web', true)).toBe('deployment.apps/web paused');
    expect(cond(s.deploy(), 'Progressing')).toBe('Unknown DeploymentPaused Deployment is paused');
    setImage(s.c, 'Deployment', 'default', 'web', { nginx: 'nginx:1.26' });
    setImage(s.c, 'Deployment', 'default', 'web', { nginx: 'nginx:1.27' });
    expect(s.replicaSets()).toHaveLength(1);
    expect(s.deploy().status).toMatchObject({ replicas: 3, availableReplicas: 3, observedGeneration: 4 });
    expect(s.deploy().status?.updatedReplicas).toBeUndefined();
    expect(deploymentRollout.progress(s.deploy(), s.c)).toMatchObject({ step: 'paused before creating the new replica set', stuck: { reason: 'Paused' } });
    expect(() => deploymentRollout.undo(s.c, s.deploy())).toThrow('no rollout history found for deployment "web"');

    scale(s.c, 'Deployment', 'default', 'web', 5);
    expect(s.scaling).toEqual([`0 Scaled up replica set ${old} from 0 to 3`, `0 Scaled up replica set ${old} from 3 to 5`]);

    expect(setPaused(s.c, 'Deployment', 'default', 'web', false)).toBe('deployment.apps/web resumed');
    s.c.runUntilIdle();
    expect(Object.keys(s.byRevision())).toEqual(['1', '2']);
    expect(s.c.get('ReplicaSet', 'default', s.byRevision()[2]!)!.spec.template.spec.containers[0]!.image).toBe('nginx:1.27');
    expect(cond(s.deploy(), 'Progressing')).toBe(`True NewReplicaSetAvailable ReplicaSet "${s.byRevision()[2]}" has successfully progressed.`);
  });

  it('records the resumed condition before the rollout goes on', () => {
    const s = scenario({ fate: () => 'running' });
    s.c.create(webDeployment(1));
    setPaused(s.c, 'Deployment', 'default', 'web', true);
    setImage(s.c, 'Deployment', 'default', 'web', { nginx: 'nginx:1.26' });
    const seen: string[] = [cond(s.deploy(), 'Progressing')!];
    s.c.watch({ kinds: ['Deployment'] }, (e) => {
      const c = cond(e.object as Deployment, 'Progressing');
      if (c && seen[seen.length - 1] !== c) seen.push(c);
    });
    setPaused(s.c, 'Deployment', 'default', 'web', false);
    expect(seen.slice(0, 3)).toEqual([
      'Unknown DeploymentPaused Deployment is paused',
      'Unknown DeploymentResumed Deployment is resumed',
      expect.stringMatching(/^True NewReplicaSetCreated Created new replica set "web-\w+"$/),
    ]);
  });
});

describe('rollout undo and history', () => {
  function threeRevisions() {
    const s = scenario();
    s.c.create(webDeployment(2));
    setImage(s.c, 'Deployment', 'default', 'web', { nginx: 'nginx:1.26' });
    s.c.runUntilIdle();
    setImage(s.c, 'Deployment', 'default', 'web', { nginx: 'nginx:1.27' });
    s.c.runUntilIdle();
    return s;
  }

  it('rolls back to the previous revision, which becomes the newest, keeping its old number in revision-history', () => {
    const s = threeRevisions();
    const { 2: rev2 } = s.byRevision();
    expect(deploymentRollout.undo(s.c, s.deploy())).toBe('deployment.apps/web rolled back');
    s.c.runUntilIdle();
    const rs = s.c.get('ReplicaSet', 'default', rev2!)!;
    expect(rs.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('4');
    expect(rs.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('2');
    expect(s.deploy().spec.template.spec.containers[0]!.image).toBe('nginx:1.26');
    expect(s.deploy().spec.template.metadata?.labels).toEqual({ app: 'web' });
    expect(s.deploy().metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('4');
    expect(formatRolloutHistory(deploymentRollout.history(s.deploy(), s.c))).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n3         <none>\n4         <none>\n\n');
    const rev3 = s.byRevision()[3];
    expect(s.scaling.slice(-4).map((l) => l.replace(/^\S+ /, ''))).toEqual([
      `Scaled up replica set ${rev2} from 0 to 1`,
      `Scaled down replica set ${rev3} from 2 to 1`,
      `Scaled up replica set ${rev2} from 1 to 2`,
      `Scaled down replica set ${rev3} from 1 to 0`,
    ]);
  });

  it('goes to --to-revision, skips when the template already matches, and errors in kubectl words', () => {
    const s = threeRevisions();
    expect(deploymentRollout.undo(s.c, s.deploy(), { toRevision: 1 })).toBe('deployment.apps/web rolled back');
    s.c.runUntilIdle();
    expect(s.deploy().spec.template.spec.containers[0]!.image).toBe('nginx:1.25');
    expect(deploymentRollout.undo(s.c, s.deploy(), { toRevision: 4 })).toBe('deployment.apps/web skipped rollback (current template already matches revision 4)');
    expect(() => deploymentRollout.undo(s.c, s.deploy(), { toRevision: 5 })).toThrow('unable to find specified revision 5 in history');
    setPaused(s.c, 'Deployment', 'default', 'web', true);
    expect(() => deploymentRollout.undo(s.c, s.deploy())).toThrow("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
  });

  it('has no history to go back to with a single revision', () => {
    const s = scenario();
    s.c.create(webDeployment(1));
    expect(() => deploymentRollout.undo(s.c, s.deploy())).toThrow('no rollout history found for deployment "web"');
    expect(formatRolloutHistory(deploymentRollout.history(s.deploy(), s.c))).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n\n');
  });

  it('prints one revision\'s pod template with --revision, with raw tabs as kubectl does', () => {
    const s = threeRevisions();
    const hash = s.c.get('ReplicaSet', 'default', s.byRevision()[2]!)!.metadata.labels!['pod-template-hash'];
    expect(formatRolloutHistory(deploymentRollout.history(s.deploy(), s.c, { revision: 2 }))).toBe(
      'deployment.apps/web with revision #2\n' +
      'Pod Template:\n' +
      `  Labels:\tapp=web\n\tpod-template-hash=${hash}\n` +
      '  Containers:\n' +
      '   nginx:\n' +
      '    Image:\tnginx:1.26\n' +
      '    Port:\t<none>\n' +
      '    Host Port:\t<none>\n' +
      '    Environment:\t<none>\n' +
      '    Mounts:\t<none>\n' +
      '  Volumes:\t<none>\n' +
      '  Node-Selectors:\t<none>\n' +
      '  Tolerations:\t<none>\n\n',
    );
    expect(() => deploymentRollout.history(s.deploy(), s.c, { revision: 9 })).toThrow('unable to find the specified revision');
  });
});
