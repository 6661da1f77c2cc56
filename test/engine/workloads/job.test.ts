import { describe, expect, it } from 'vitest';
import type { Event, Job, Pod } from '../../../src/engine/api/types.js';
import { createCluster, type Cluster } from '../../../src/engine/cluster.js';
import { installJobController, nextBackoffRecord, remainingBackoff } from '../../../src/engine/controllers/job.js';
import { formatIndexes, parseIndexes } from '../../../src/engine/controllers/jobIndexes.js';
import { type Outcome, PodDriver } from './podDriver-workloads.js';

const START = Date.UTC(2025, 0, 1);

function job(name: string, spec: Partial<Job['spec']> = {}, restartPolicy: 'Never' | 'OnFailure' = 'Never'): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      template: { spec: { restartPolicy, containers: [{ name: 'pi', image: 'perl:5.34.0', command: ['perl', '-e', 'print 1'] }] } },
      ...spec,
    },
  };
}

function setup(outcome?: (pod: Pod) => Outcome): { c: Cluster; driver: PodDriver } {
  const c = createCluster();
  c.ensureDefaultNodes();
  installJobController(c);
  const driver = new PodDriver(c);
  if (outcome) driver.auto({ outcome });
  return { c, driver };
}

const jobEvents = (c: Cluster, reason?: string) =>
  c.list('Event')
    .filter((e: Event) => e.involvedObject.kind === 'Job' && (!reason || e.reason === reason))
    .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
    .map((e) => `${e.reason}: ${e.message}`);
const conditions = (j: Job) => (j.status?.conditions ?? []).map((c) => `${c.type}=${c.status}${c.reason ? `/${c.reason}` : ''}`);
const seconds = (c: Cluster) => (c.clock.now() - START) / 1000;

describe('Job: one pod to completion', () => {
  it('runs the pi example to Complete with the interim SuccessCriteriaMet condition', () => {
    const { c } = setup(() => ({ action: 'succeed', afterMs: 8000 }));
    c.create(job('pi', { backoffLimit: 4 }));
    let j = c.get('Job', 'default', 'pi')!;
    expect(j.status).toEqual({ startTime: '2025-01-01T00:00:00Z', active: 1, terminating: 0, uncountedTerminatedPods: {}, ready: 0 });
    const pod = c.list('Pod')[0]!;
    expect(pod.metadata.name).toMatch(/^pi-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(pod.metadata.labels).toEqual({
      'batch.kubernetes.io/controller-uid': j.metadata.uid,
      'batch.kubernetes.io/job-name': 'pi',
      'controller-uid': j.metadata.uid,
      'job-name': 'pi',
    });
    expect(pod.metadata.finalizers).toEqual(['batch.kubernetes.io/job-tracking']);
    expect(j.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': j.metadata.uid } });
    c.advance(10_000);
    j = c.get('Job', 'default', 'pi')!;
    expect(conditions(j)).toEqual(['SuccessCriteriaMet=True/CompletionsReached', 'Complete=True/CompletionsReached']);
    expect(j.status).toMatchObject({ succeeded: 1, completionTime: '2025-01-01T00:00:08Z', ready: 0, terminating: 0 });
    expect(j.status!.active).toBeUndefined();
    expect(j.status!.conditions![1]!.message).toBe('Reached expected number of succeeded pods');
    expect(c.list('Pod')[0]!.metadata.finalizers).toBeUndefined();
    expect(jobEvents(c)).toEqual([`SuccessfulCreate: Created pod: ${pod.metadata.name}`, 'Completed: Job completed']);
  });

  it('counts ready pods', () => {
    const { c } = setup(() => ({ action: 'ready', afterMs: 1000 }));
    c.create(job('w', { parallelism: 2, completions: 4 }));
    c.advance(2000);
    expect(c.get('Job', 'default', 'w')!.status).toMatchObject({ active: 2, ready: 2 });
  });
});

describe('Job: failures', () => {
  it('replaces failed pods after 10, 20, 40 s until BackoffLimitExceeded', () => {
    const { c } = setup(() => ({ action: 'fail', afterMs: 5000 }));
    const created: number[] = [];
    c.watch({ kinds: ['Pod'] }, (e) => {
      if (e.type === 'ADDED') created.push(seconds(c));
    });
    c.create(job('flaky', { backoffLimit: 3 }));
    c.advance(200_000);
    // Fails at 5, 20, 45, 90: each replacement waits 10 s, 20 s, 40 s after the last failure.
    expect(created).toEqual([0, 15, 40, 85]);
    const j = c.get('Job', 'default', 'flaky')!;
    expect(conditions(j)).toEqual(['FailureTarget=True/BackoffLimitExceeded', 'Failed=True/BackoffLimitExceeded']);
    expect(j.status!.conditions![1]!.message).toBe('Job has reached the specified backoff limit');
    expect(j.status).toMatchObject({ failed: 4, terminating: 0, ready: 0 });
    expect(j.status!.completionTime).toBeUndefined();
    expect(jobEvents(c, 'BackoffLimitExceeded')).toEqual(['BackoffLimitExceeded: Job has reached the specified backoff limit']);
    expect(c.list('Pod').every((p) => p.status?.phase === 'Failed' && !p.metadata.finalizers)).toBe(true);
  });

  it('caps the delay at 6 minutes and resets it after a success', () => {
    let r = { failuresAfterLastSuccess: 0 } as ReturnType<typeof nextBackoffRecord>;
    for (let i = 0; i < 8; i++) r = nextBackoffRecord(r, [], [1000 * i]);
    expect(remainingBackoff(r, 7000)).toBe(360_000);
    expect(remainingBackoff(nextBackoffRecord(r, [9000], []), 9000)).toBe(0);
    expect(remainingBackoff(nextBackoffRecord({ failuresAfterLastSuccess: 0 }, [], [0]), 4000)).toBe(6000);
  });

  it('restartPolicy OnFailure: container restarts count against backoffLimit', () => {
    const { c, driver } = setup(() => ({ action: 'running', afterMs: 1000 }));
    c.create(job('retry', { backoffLimit: 2 }, 'OnFailure'));
    c.advance(2000);
    const name = c.list('Pod')[0]!.metadata.name!;
    driver.restart(c.get('Pod', 'default', name)!);
    expect(conditions(c.get('Job', 'default', 'retry')!)).toEqual([]);
    driver.restart(c.get('Pod', 'default', name)!);
    const j = c.get('Job', 'default', 'retry')!;
    expect(conditions(j)).toEqual(['FailureTarget=True/BackoffLimitExceeded', 'Failed=True/BackoffLimitExceeded']);
    expect(c.get('Pod', 'default', name)).toBeUndefined(); // the active pod was deleted
    expect(jobEvents(c, 'SuccessfulDelete')).toEqual([`SuccessfulDelete: Deleted pod: ${name}`]);
  });

  it('activeDeadlineSeconds fails the job and deletes its pods', () => {
    const { c } = setup(() => ({ action: 'ready', afterMs: 1000 }));
    c.create(job('slow', { activeDeadlineSeconds: 30, parallelism: 2, completions: 2 }));
    c.advance(29_000);
    expect(c.list('Pod')).toHaveLength(2);
    c.advance(1000);
    const j = c.get('Job', 'default', 'slow')!;
    expect(conditions(j)).toEqual(['FailureTarget=True/DeadlineExceeded', 'Failed=True/DeadlineExceeded']);
    expect(j.status!.conditions![1]!.message).toBe('Job was active longer than specified deadline');
    expect(c.list('Pod')).toEqual([]);
    expect(jobEvents(c, 'DeadlineExceeded')).toEqual(['DeadlineExceeded: Job was active longer than specified deadline']);
  });
});

describe('Job: completions and parallelism', () => {
  it('keeps min(parallelism, completions - succeeded) pods running', () => {
    const { c } = setup(() => ({ action: 'succeed', afterMs: 10_000 }));
    c.create(job('batch', { completions: 5, parallelism: 2 }));
    const active = () => c.list('Pod').filter((p) => p.status?.phase !== 'Succeeded').length;
    expect(active()).toBe(2);
    c.advance(10_000);
    expect(active()).toBe(2);
    c.advance(10_000);
    expect(active()).toBe(1);
    expect(c.get('Job', 'default', 'batch')!.status).toMatchObject({ succeeded: 4, active: 1 });
    c.advance(10_000);
    expect(conditions(c.get('Job', 'default', 'batch')!)).toContain('Complete=True/CompletionsReached');
  });

  it('Indexed: one pod per index, named and labelled with it, and completedIndexes', () => {
    const { c } = setup((p) => (p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'] === '1' ? { action: 'fail', afterMs: 3000 } : { action: 'succeed', afterMs: 2000 }));
    c.create(job('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    const pods = c.list('Pod').sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
    expect(pods.map((p) => p.metadata.name!.slice(0, 6))).toEqual(['idx-0-', 'idx-1-', 'idx-2-']);
    expect(pods.map((p) => p.spec.hostname)).toEqual(['idx-0', 'idx-1', 'idx-2']);
    expect(pods[1]!.metadata.labels!['batch.kubernetes.io/job-completion-index']).toBe('1');
    expect(pods[1]!.metadata.annotations!['batch.kubernetes.io/job-completion-index']).toBe('1');
    expect(pods[1]!.spec.containers[0]!.env).toEqual([
      { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
    ]);
    c.advance(3000);
    expect(c.get('Job', 'default', 'idx')!.status).toMatchObject({ succeeded: 2, failed: 1, completedIndexes: '0,2' });
    const running = () => c.list('Pod').filter((p) => p.status?.phase === 'Pending' || p.status?.phase === 'Running');
    // Index 1 is retried 10 s after its failure, with a new pod for the same index.
    c.advance(9000);
    expect(running()).toEqual([]);
    c.advance(1000);
    expect(running().map((p) => p.spec.hostname)).toEqual(['idx-1']);
    expect(c.get('Job', 'default', 'idx')!.status!.active).toBe(1);
  });

  it('formats completed indexes as intervals', () => {
    expect(formatIndexes([0, 1, 2, 4, 6, 7])).toBe('0-2,4,6-7');
    expect([...parseIndexes('0-2,4,6-7', 7)]).toEqual([0, 1, 2, 4, 6]);
  });
});

describe('Job: suspend and TTL', () => {
  it('a suspended job has no pods and no startTime; resuming starts it', () => {
    const { c } = setup(() => ({ action: 'ready', afterMs: 1000 }));
    c.create(job('later', { suspend: true }));
    let j = c.get('Job', 'default', 'later')!;
    expect(c.list('Pod')).toEqual([]);
    expect(j.status!.startTime).toBeUndefined();
    expect(conditions(j)).toEqual(['Suspended=True/JobSuspended']);
    c.advance(60_000);
    c.update({ ...j, spec: { ...j.spec, suspend: false } });
    j = c.get('Job', 'default', 'later')!;
    expect(conditions(j)).toEqual(['Suspended=False/JobResumed']);
    expect(j.status!.startTime).toBe('2025-01-01T00:01:00Z');
    expect(c.list('Pod')).toHaveLength(1);
    c.advance(2000);
    c.update({ ...c.get('Job', 'default', 'later')!, spec: { ...j.spec, suspend: true } });
    expect(c.list('Pod')).toEqual([]);
    const counts = c.list('Event').filter((e) => e.reason === 'Suspended' || e.reason === 'Resumed').map((e) => `${e.reason}: ${e.message} x${e.count}`).sort();
    expect(counts).toEqual(['Resumed: Job resumed x1', 'Suspended: Job suspended x2']);
    expect(c.get('Job', 'default', 'later')!.status!.failed).toBeUndefined(); // stopped by suspension, not failed
  });

  it('ttlSecondsAfterFinished deletes the job and its pods', () => {
    const { c } = setup(() => ({ action: 'succeed', afterMs: 5000 }));
    c.create(job('short', { ttlSecondsAfterFinished: 100 }));
    c.advance(104_000);
    expect(c.get('Job', 'default', 'short')).toBeDefined();
    c.advance(1000);
    expect(c.get('Job', 'default', 'short')).toBeUndefined();
    expect(c.list('Pod')).toEqual([]);
  });

  it('deleting a job takes its pods, finalizers and all', () => {
    const { c } = setup(() => ({ action: 'ready', afterMs: 1000 }));
    c.create(job('gone', { parallelism: 3, completions: 3 }));
    c.advance(2000);
    c.delete('Job', 'default', 'gone');
    expect(c.list('Pod')).toEqual([]);
  });
});
