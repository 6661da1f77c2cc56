/**
 * The CronJob controller (pkg/controller/cronjob/cronjob_controllerv2.go, v1.31): Jobs named after their scheduled
 * minute, concurrencyPolicy Allow/Forbid/Replace, startingDeadlineSeconds and missed schedules, suspend, history
 * limits, status.active / lastScheduleTime / lastSuccessfulTime, and the controller's events. Time comes only from
 * the virtual clock; the controller wakes 100 ms after each scheduled time, like the real one.
 */
import type { CronJob, Job, ObjectReference } from '../api/types.js';
import type { Cluster } from '../cluster.js';
import type { TimerHandle } from '../clock.js';
import { ApiError } from '../errors.js';
import { WorkQueue, type Controller } from '../workqueue.js';
import { mostRecentScheduleTime, parseSchedule, rfc1123z, rfc3339InZone, type Schedule } from './cronJobSchedule.js';
import { finishedCondition } from './job.js';
import { controllerOf, controllerRef, keyOf, splitKey } from './podState.js';

export const CRON_JOB_CONTROLLER = 'cronjob-controller';
export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
const NEXT_SCHEDULE_DELTA_MS = 100;

type Status = NonNullable<CronJob['status']>;

/** getJobName: `<cronjob>-<scheduled time in minutes since the epoch>`. */
export function jobNameFor(cronJobName: string, scheduledMs: number): string {
  return `${cronJobName}-${Math.floor(scheduledMs / 60_000)}`;
}

export class CronJobController implements Controller {
  readonly name = CRON_JOB_CONTROLLER;
  readonly queue = new WorkQueue();
  private readonly timers = new Map<string, TimerHandle>();

  constructor(private readonly cluster: Cluster) {
    cluster.api.watch({ kinds: ['CronJob'] }, (e) => {
      const key = keyOf(e.object);
      if (e.type === 'DELETED') {
        this.cluster.clock.cancel(this.timers.get(key));
        this.timers.delete(key);
        return;
      }
      this.queue.add(key);
    });
    cluster.api.watch({ kinds: ['Job'] }, (e) => {
      const ref = controllerOf(e.object);
      if (ref?.kind === 'CronJob') this.queue.add(`${e.object.metadata.namespace}/${ref.name}`);
    });
  }

  sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const cj = this.cluster.api.get('CronJob', namespace, name);
    if (!cj) return;
    const jobs = this.cluster.store.dependents(cj.metadata.uid!).filter(
      (o): o is Job => o.kind === 'Job' && controllerOf(o)?.uid === cj.metadata.uid,
    );
    const status: Status = structuredClone(cj.status ?? {});
    const requeueIn = this.syncCronJob(cj, status, jobs);
    if (!cj.metadata.deletionTimestamp) this.cleanupFinishedJobs(cj, status, jobs);
    const fresh = this.cluster.api.get('CronJob', namespace, name);
    if (fresh) {
      const next: Status = {
        ...(status.active && status.active.length > 0 ? { active: status.active } : {}),
        ...(status.lastScheduleTime ? { lastScheduleTime: status.lastScheduleTime } : {}),
        ...(status.lastSuccessfulTime ? { lastSuccessfulTime: status.lastSuccessfulTime } : {}),
      };
      if (JSON.stringify(fresh.status ?? {}) !== JSON.stringify(next)) this.cluster.api.updateStatus({ ...fresh, status: next });
    }
    this.cluster.clock.cancel(this.timers.get(key));
    this.timers.delete(key);
    if (requeueIn !== undefined) {
      this.timers.set(key, this.cluster.clock.after(requeueIn, () => {
        this.timers.delete(key);
        this.queue.add(key);
      }));
    }
  }

  /** syncCronJob: returns when to look again (ms from now), or undefined to wait for a change. */
  private syncCronJob(cj: CronJob, status: Status, jobs: Job[]): number | undefined {
    const clock = this.cluster.clock;
    const now = clock.now();
    const active = (status.active ??= []);
    const children = new Set(jobs.map((j) => j.metadata.uid));
    for (const j of jobs) {
      const found = active.some((r) => r.uid === j.metadata.uid);
      const finished = finishedCondition(j);
      if (!found && !finished) {
        this.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata.name}`);
      } else if (found && finished) {
        remove(active, j.metadata.uid);
        this.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${finished.type}`);
      }
      if (finished?.type === 'Complete' && j.status?.completionTime) {
        if (!status.lastSuccessfulTime || Date.parse(j.status.completionTime) > Date.parse(status.lastSuccessfulTime)) {
          status.lastSuccessfulTime = j.status.completionTime;
        }
      }
    }
    for (const ref of [...active]) {
      if (children.has(ref.uid)) continue;
      if (!this.cluster.api.get('Job', ref.namespace, ref.name!)) {
        this.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
        remove(active, ref.uid);
      }
    }
    if (cj.metadata.deletionTimestamp) return undefined;
    if (cj.spec.suspend === true) return undefined;

    let schedule: Schedule;
    try {
      schedule = parseSchedule(cj.spec.schedule, cj.spec.timeZone);
    } catch (err) {
      this.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${cj.spec.schedule}" : ${(err as Error).message}`);
      return undefined;
    }
    const created = Date.parse(cj.metadata.creationTimestamp!);
    const last = status.lastScheduleTime ? Date.parse(status.lastScheduleTime) : undefined;
    const deadline = cj.spec.startingDeadlineSeconds;
    const nextIn = (): number => {
      let r;
      let base: number;
      try {
        r = mostRecentScheduleTime(schedule, created, status.lastScheduleTime ? Date.parse(status.lastScheduleTime) : undefined, deadline, now, false);
        base = r.mostRecent ?? (r.missed === 'none' ? r.earliest : now);
      } catch {
        base = now;
      }
      return schedule.next(base) + NEXT_SCHEDULE_DELTA_MS - now;
    };

    let due;
    try {
      due = mostRecentScheduleTime(schedule, created, last, deadline, now, true);
    } catch (err) {
      this.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${cj.spec.schedule} : ${(err as Error).message}`);
      return undefined;
    }
    if (due.mostRecent === undefined || due.mostRecent > now) return nextIn();
    if (due.missed === 'many') {
      this.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
    }
    const scheduled = due.mostRecent;
    if (deadline !== undefined && scheduled + deadline * 1000 < now) {
      this.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
      return nextIn();
    }
    const jobName = jobNameFor(cj.metadata.name!, scheduled);
    if (active.some((r) => r.name === jobName) || last === scheduled) return nextIn();
    if (cj.spec.concurrencyPolicy === 'Forbid' && active.length > 0) {
      this.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return nextIn();
    }
    if (cj.spec.concurrencyPolicy === 'Replace') {
      for (const ref of [...active]) {
        const job = this.cluster.api.get('Job', ref.namespace, ref.name!);
        if (job) this.deleteJob(cj, status, job);
        else remove(active, ref.uid);
      }
    }

    const template = cj.spec.jobTemplate;
    const job: Job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: jobName,
        namespace: cj.metadata.namespace,
        labels: { ...(template.metadata?.labels ?? {}) },
        annotations: { ...(template.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: rfc3339InZone(scheduled, cj.spec.timeZone) },
        ownerReferences: [controllerRef(cj)],
      },
      spec: structuredClone(template.spec),
    };
    let createdJob: Job;
    try {
      createdJob = this.cluster.api.create(job);
      this.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${createdJob.metadata.name}`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.reason !== 'AlreadyExists') {
        this.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${err.message}`);
        return undefined;
      }
      const existing = this.cluster.api.get('Job', cj.metadata.namespace, jobName)!;
      if (controllerOf(existing)?.uid !== cj.metadata.uid || active.some((r) => r.uid === existing.metadata.uid)) return undefined;
      createdJob = existing;
    }
    active.push(jobRef(createdJob));
    status.lastScheduleTime = new Date(scheduled).toISOString().replace('.000Z', 'Z');
    return nextIn();
  }

  /** History limits: the oldest finished Jobs beyond successfulJobsHistoryLimit / failedJobsHistoryLimit go. */
  private cleanupFinishedJobs(cj: CronJob, status: Status, jobs: Job[]): void {
    const live = jobs.map((j) => this.cluster.api.get('Job', j.metadata.namespace, j.metadata.name!)).filter((j): j is Job => j !== undefined);
    const succeeded = live.filter((j) => finishedCondition(j)?.type === 'Complete');
    const failed = live.filter((j) => finishedCondition(j)?.type === 'Failed');
    const trim = (list: Job[], limit: number | undefined) => {
      if (limit === undefined || list.length <= limit) return;
      list.sort(byStartTime);
      for (const j of list.slice(0, list.length - limit)) this.deleteJob(cj, status, j);
    };
    trim(succeeded, cj.spec.successfulJobsHistoryLimit);
    trim(failed, cj.spec.failedJobsHistoryLimit);
  }

  private deleteJob(cj: CronJob, status: Status, job: Job): void {
    try {
      this.cluster.api.delete('Job', job.metadata.namespace, job.metadata.name!, { propagationPolicy: 'Background' });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      this.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${err.message}`);
      return;
    }
    if (status.active) remove(status.active, job.metadata.uid);
    this.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
  }

  private event(cj: CronJob, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.cluster.events.record(cj, type, reason, message, { component: CRON_JOB_CONTROLLER });
  }
}

function remove(list: ObjectReference[], uid: string | undefined): void {
  const i = list.findIndex((r) => r.uid === uid);
  if (i >= 0) list.splice(i, 1);
}

/** byJobStartTime: jobs that never started last, then by start time, then name. */
function byStartTime(a: Job, b: Job): number {
  const sa = a.status?.startTime;
  const sb = b.status?.startTime;
  if (!sa && sb) return 1;
  if (sa && !sb) return -1;
  if (sa && sb && sa !== sb) return sa < sb ? -1 : 1;
  return a.metadata.name! < b.metadata.name! ? -1 : 1;
}

function jobRef(job: Job): ObjectReference {
  return {
    kind: 'Job',
    namespace: job.metadata.namespace,
    name: job.metadata.name,
    uid: job.metadata.uid,
    apiVersion: 'batch/v1',
    resourceVersion: job.metadata.resourceVersion,
  };
}

/** Installs the CronJob controller once; returns the installed one. */
export function installCronJobController(cluster: Cluster): CronJobController {
  const existing = cluster.controller<CronJobController>(CRON_JOB_CONTROLLER);
  if (existing) return existing;
  const controller = new CronJobController(cluster);
  cluster.addController(controller);
  for (const cj of cluster.store.list('CronJob')) controller.queue.add(keyOf(cj));
  return controller;
}
