import { describe, expect, it } from 'vitest';
import type { CronJob, Event } from '../../../src/engine/api/types.js';
import { createCluster, type Cluster } from '../../../src/engine/cluster.js';
import { installCronJobController, jobNameFor } from '../../../src/engine/controllers/cronJob.js';
import { mostRecentScheduleTime, parseSchedule, rfc3339InZone } from '../../../src/engine/controllers/cronJobSchedule.js';
import { installJobController } from '../../../src/engine/controllers/job.js';
import { PodDriver } from './podDriver-workloads.js';

const START = Date.UTC(2025, 0, 1);
const MIN = 60_000;
const minute = (n: number) => jobNameFor('hello', START + n * MIN);

function hello(spec: Partial<CronJob['spec']> = {}): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hello' },
    spec: {
      schedule: '* * * * *',
      jobTemplate: {
        spec: {
          template: {
            spec: {
              restartPolicy: 'OnFailure',
              containers: [{ name: 'hello', image: 'busybox:1.28', command: ['/bin/sh', '-c', 'date; echo Hello from the Kubernetes cluster'] }],
            },
          },
        },
      },
      ...spec,
    },
  };
}

/** Each job's pod runs for `runMs` then succeeds. */
function setup(runMs: number): Cluster {
  const c = createCluster();
  c.ensureDefaultNodes();
  installJobController(c);
  installCronJobController(c);
  new PodDriver(c).auto({ outcome: () => ({ action: 'succeed', afterMs: runMs }) });
  return c;
}

const jobNames = (c: Cluster) => c.list('Job').map((j) => j.metadata.name!).sort();
const cjEvents = (c: Cluster, reason?: string) =>
  c.list('Event')
    .filter((e: Event) => e.involvedObject.kind === 'CronJob' && (!reason || e.reason === reason))
    .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
    .map((e) => `${e.reason}: ${e.message}${(e.count ?? 1) > 1 ? ` x${e.count}` : ''}`);
const status = (c: Cluster) => c.get('CronJob', 'default', 'hello')!.status ?? {};

describe('CronJob: the hello example', () => {
  it('creates hello-<minutes since epoch> each minute, 100 ms after the minute, and keeps 3 successful jobs', () => {
    const c = setup(5000);
    c.create(hello());
    c.advance(MIN);
    expect(jobNames(c)).toEqual([]);
    c.advance(100);
    expect(jobNames(c)).toEqual([minute(1)]);
    expect(minute(1)).toBe('hello-28928161');
    const job = c.get('Job', 'default', minute(1))!;
    expect(job.metadata.annotations).toEqual({ 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2025-01-01T00:01:00Z' });
    expect(job.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'hello', controller: true });
    expect(status(c)).toMatchObject({ lastScheduleTime: '2025-01-01T00:01:00Z', active: [{ kind: 'Job', name: minute(1), apiVersion: 'batch/v1' }] });
    c.advance(10_000);
    expect(status(c)).toEqual({ lastScheduleTime: '2025-01-01T00:01:00Z', lastSuccessfulTime: '2025-01-01T00:01:05Z' });
    c.advance(5 * MIN);
    expect(jobNames(c)).toEqual([minute(4), minute(5), minute(6)]);
    const events = cjEvents(c);
    expect(events.slice(0, 2)).toEqual([`SuccessfulCreate: Created job ${minute(1)}`, `SawCompletedJob: Saw completed job: ${minute(1)}, condition: Complete`]);
    expect(events).toContain(`SuccessfulDelete: Deleted job ${minute(1)}`);
    expect(c.list('Pod')).toHaveLength(3); // the deleted jobs' pods went with them
  });
});

describe('CronJob: concurrencyPolicy', () => {
  it('Allow runs overlapping jobs', () => {
    const c = setup(150_000);
    c.create(hello());
    c.advance(2 * MIN + 200);
    expect(jobNames(c)).toEqual([minute(1), minute(2)]);
    expect(status(c).active).toHaveLength(2);
  });

  it('Forbid skips while a job is active, then runs the missed slot as soon as it finishes', () => {
    const c = setup(90_000);
    c.create(hello({ concurrencyPolicy: 'Forbid' }));
    c.advance(2 * MIN + 200);
    expect(jobNames(c)).toEqual([minute(1)]);
    expect(cjEvents(c, 'JobAlreadyActive')).toEqual(['JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid']);
    c.advance(30_000); // the first job completes at 2:30 and the 2:00 slot starts at once
    expect(jobNames(c)).toEqual([minute(1), minute(2)]);
    expect(c.get('Job', 'default', minute(2))!.metadata.creationTimestamp).toBe('2025-01-01T00:02:30Z');
  });

  it('Forbid with startingDeadlineSeconds: a slot that is too late is missed', () => {
    const c = setup(90_000);
    c.create(hello({ concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 10 }));
    c.advance(2 * MIN + 40_000);
    expect(jobNames(c)).toEqual([minute(1)]);
    c.advance(20_200);
    expect(jobNames(c)).toEqual([minute(1), minute(3)]);
    expect(cjEvents(c, 'MissSchedule')).toEqual([]);
    // startingDeadlineSeconds narrows the window: at 2:30 the 2:00 slot is past it, so nothing ran for it.
    expect(c.get('Job', 'default', minute(2))).toBeUndefined();
  });

  it('Replace deletes the running job and starts the new one', () => {
    const c = setup(150_000);
    c.create(hello({ concurrencyPolicy: 'Replace' }));
    c.advance(MIN + 200);
    const first = c.get('Job', 'default', minute(1))!;
    c.advance(MIN);
    expect(jobNames(c)).toEqual([minute(2)]);
    expect(status(c).active?.map((r) => r.name)).toEqual([minute(2)]);
    expect(cjEvents(c)).toEqual([
      `SuccessfulCreate: Created job ${minute(1)}`,
      `SuccessfulDelete: Deleted job ${minute(1)}`,
      `SuccessfulCreate: Created job ${minute(2)}`,
    ]);
    expect(c.list('Pod').some((p) => p.metadata.labels?.['batch.kubernetes.io/controller-uid'] === first.metadata.uid)).toBe(false);
  });
});

describe('CronJob: missed schedules, suspend, time zones', () => {
  it('suspend stops new runs; on resume only the most recent missed time runs, warning past 100 misses', () => {
    const c = setup(5000);
    c.create(hello({ suspend: true }));
    c.advance(150 * MIN);
    expect(jobNames(c)).toEqual([]);
    const cj = c.get('CronJob', 'default', 'hello')!;
    c.update({ ...cj, spec: { ...cj.spec, suspend: false } });
    expect(jobNames(c)).toEqual([minute(150)]);
    expect(cjEvents(c, 'TooManyMissedTimes')).toEqual(['TooManyMissedTimes: too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew']);
  });

  it('reports MissSchedule when the controller only gets to a slot after its starting deadline', () => {
    const c = setup(5000);
    c.create(hello({ schedule: '0 * * * *', startingDeadlineSeconds: 30, suspend: true }));
    c.advance(61 * MIN);
    const cj = c.get('CronJob', 'default', 'hello')!;
    // Resumed at 1:01: the 1:00 slot is outside the 30 s window, so it is skipped, silently (no slot inside it).
    c.update({ ...cj, spec: { ...cj.spec, suspend: false } });
    expect(jobNames(c)).toEqual([]);
    c.advance(60 * MIN);
    expect(jobNames(c)).toEqual([jobNameFor('hello', START + 120 * MIN)]);
  });

  it('schedules in spec.timeZone and stamps the scheduled time in that zone', () => {
    const c = setup(5000);
    c.create(hello({ schedule: '0 9 * * *', timeZone: 'America/New_York' }));
    c.advance(14 * 60 * MIN);
    expect(jobNames(c)).toEqual([]);
    c.advance(MIN);
    const [name] = jobNames(c);
    expect(name).toBe(jobNameFor('hello', START + 14 * 60 * MIN));
    expect(c.get('Job', 'default', name!)!.metadata.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe('2025-01-01T09:00:00-05:00');
  });
});

describe('cron schedules', () => {
  const next = (spec: string, from = START, tz?: string) => new Date(parseSchedule(spec, tz).next(from)).toISOString();
  it.each([
    ['@hourly', '2025-01-01T01:00:00.000Z'],
    ['@daily', '2025-01-02T00:00:00.000Z'],
    ['@midnight', '2025-01-02T00:00:00.000Z'],
    ['@weekly', '2025-01-05T00:00:00.000Z'],
    ['@monthly', '2025-02-01T00:00:00.000Z'],
    ['@yearly', '2026-01-01T00:00:00.000Z'],
    ['@annually', '2026-01-01T00:00:00.000Z'],
    ['*/15 * * * *', '2025-01-01T00:15:00.000Z'],
    ['30 6-16/4 * * 1-5', '2025-01-01T06:30:00.000Z'],
    ['@every 90s', '2025-01-01T00:01:30.000Z'],
  ])('%s', (spec, expected) => expect(next(spec)).toBe(expected));

  it('counts missed schedules like the controller', () => {
    const s = parseSchedule('* * * * *', undefined);
    expect(mostRecentScheduleTime(s, START, undefined, undefined, START + 30_000, true)).toEqual({ earliest: START, missed: 'none' });
    expect(mostRecentScheduleTime(s, START, undefined, undefined, START + 90_000, true)).toEqual({ earliest: START, mostRecent: START + MIN, missed: 'none' });
    expect(mostRecentScheduleTime(s, START, undefined, undefined, START + 5 * MIN, true)).toMatchObject({ mostRecent: START + 5 * MIN, missed: 'few' });
    expect(mostRecentScheduleTime(s, START, undefined, undefined, START + 200 * MIN, true).missed).toBe('many');
    expect(mostRecentScheduleTime(s, START, undefined, 90, START + 200 * MIN, true)).toMatchObject({ mostRecent: START + 200 * MIN, missed: 'few' });
  });

  it('formats instants in a zone as RFC 3339', () => {
    expect(rfc3339InZone(START, undefined)).toBe('2025-01-01T00:00:00Z');
    expect(rfc3339InZone(START, 'Asia/Kolkata')).toBe('2025-01-01T05:30:00+05:30');
  });
});
