/**
 * The Job controller (pkg/controller/job, v1.31) and the TTL-after-finished rule: completions and parallelism,
 * NonIndexed and Indexed, pod-failure back-off (10 s doubling, capped at 6 minutes), backoffLimit, activeDeadlineSeconds,
 * suspend, the job-tracking finalizer, interim conditions (SuccessCriteriaMet, FailureTarget) then Complete/Failed,
 * status and events.
 */
import type { Condition, LabelSelector } from '../api/meta.js';
import { jobSelectorAndLabels } from '../api/defaults.js';
import type { Job, Pod } from '../api/types.js';
import type { Cluster } from '../cluster.js';
import type { TimerHandle } from '../clock.js';
import { ApiError } from '../errors.js';
import { WorkQueue, type Controller } from '../workqueue.js';
import {
  COMPLETION_INDEX_KEY, completionIndex, formatIndexes, indexedGenerateName, isIndexed, parseIndexes, pendingIndexes,
} from './jobIndexes.js';
import { PodClaimer } from './podClaimer.js';
import { controllerOf, controllerRef, deletionRank, finishedTime, isPodActive, isPodReady, isTerminal, keyOf, splitKey } from './podState.js';

export const JOB_CONTROLLER = 'job-controller';
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const POD_FAILURE_BACKOFF_MS = 10_000;
/** The cap the Kubernetes docs give (the controller's constant is 10 minutes; the spec for this simulator says 6). */
export const POD_FAILURE_BACKOFF_MAX_MS = 6 * 60_000;
const MAX_PODS_PER_SYNC = 500;

type Status = NonNullable<Job['status']>;

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

/** backoffStore.newBackoffRecord: failures since the last success, and when the last of them happened. */
export function nextBackoffRecord(previous: BackoffRecord, succeededAt: readonly number[], failedAt: readonly number[]): BackoffRecord {
  const succeeded = [...succeededAt].sort((a, b) => a - b);
  const failed = [...failedAt].sort((a, b) => a - b);
  if (succeeded.length === 0) {
    if (failed.length === 0) return previous;
    return { failuresAfterLastSuccess: previous.failuresAfterLastSuccess + failed.length, lastFailureTime: failed.at(-1) };
  }
  const lastSuccess = succeeded.at(-1)!;
  const after = failed.filter((t) => t > lastSuccess);
  return after.length === 0 ? { failuresAfterLastSuccess: 0 } : { failuresAfterLastSuccess: after.length, lastFailureTime: after.at(-1) };
}

/** getRemainingTimeForFailuresCount: how long pod creation still waits after `n` failures in a row. */
export function remainingBackoff(record: BackoffRecord, now: number): number {
  if (record.failuresAfterLastSuccess === 0 || record.lastFailureTime === undefined) return 0;
  let delay = POD_FAILURE_BACKOFF_MS;
  for (let i = 1; i < record.failuresAfterLastSuccess; i++) {
    delay *= 2;
    if (delay >= POD_FAILURE_BACKOFF_MAX_MS) {
      delay = POD_FAILURE_BACKOFF_MAX_MS;
      break;
    }
  }
  const elapsed = now - record.lastFailureTime;
  return delay < elapsed ? 0 : delay - elapsed;
}

export function jobCondition(job: Job, type: string): Condition | undefined {
  return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

/** Complete or Failed. */
export function finishedCondition(job: Job): Condition | undefined {
  return jobCondition(job, 'Complete') ?? jobCondition(job, 'Failed');
}

function newCondition(type: string, reason: string, message: string, now: string): Condition {
  return { type, status: 'True', lastProbeTime: now, lastTransitionTime: now, reason, message };
}

/** ensureJobConditionStatus: returns the new list, or undefined when nothing changed. */
function ensureCondition(conditions: Condition[], type: string, status: 'True' | 'False', reason: string, message: string, now: string): Condition[] | undefined {
  const i = conditions.findIndex((c) => c.type === type);
  if (i < 0) return status === 'True' ? [...conditions, { type, status, lastProbeTime: now, lastTransitionTime: now, reason, message }] : undefined;
  const c = conditions[i]!;
  if (c.status === status && c.reason === reason && c.message === message) return undefined;
  const next = [...conditions];
  next[i] = { ...c, status, reason, message, lastProbeTime: now, ...(c.status !== status ? { lastTransitionTime: now } : {}) };
  return next;
}

/** isPodFailed with podReplacementPolicy TerminatingOrFailed: a pod deleted before it succeeded counts as failed. */
function isPodFailed(pod: Pod, job: Job): boolean {
  if (pod.status?.phase === 'Failed') return true;
  if (job.spec.podReplacementPolicy === 'Failed') return false;
  return pod.metadata.deletionTimestamp !== undefined && pod.status?.phase !== 'Succeeded';
}

const hasFinalizer = (pod: Pod) => (pod.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);

export class JobController implements Controller {
  readonly name = JOB_CONTROLLER;
  readonly queue = new WorkQueue();
  private readonly claimer: PodClaimer<Job>;
  private readonly timers = new Map<string, TimerHandle>();
  private readonly backoff = new Map<string, BackoffRecord>();
  /** Pods that vanished while still carrying the tracking finalizer, by job uid: counted at the next sync. */
  private readonly vanished = new Map<string, Pod[]>();

  constructor(private readonly cluster: Cluster) {
    const api = cluster.api;
    this.claimer = new PodClaimer<Job>(cluster, 'Job', () => true, (job) => selectorOf(job));
    api.watch({ kinds: ['Job'] }, (e) => {
      const key = keyOf(e.object);
      if (e.type === 'DELETED') {
        this.forget(key, e.object as Job);
        return;
      }
      if (e.type === 'ADDED') this.claimer.scanNamespace(e.object as Job);
      this.queue.add(key);
    });
    api.watch({ kinds: ['Pod'] }, (e) => {
      const pod = e.object as Pod;
      const ref = controllerOf(pod);
      if (!ref) {
        if (e.type !== 'DELETED') for (const key of this.claimer.orphanMatches(pod)) this.queue.add(key);
        return;
      }
      if (ref.kind !== 'Job') return;
      if (e.type === 'DELETED' && hasFinalizer(pod)) {
        const list = this.vanished.get(ref.uid) ?? [];
        list.push(pod);
        this.vanished.set(ref.uid, list);
      }
      this.queue.add(`${pod.metadata.namespace}/${ref.name}`);
    });
  }

  private forget(key: string, job: Job): void {
    this.cluster.clock.cancel(this.timers.get(key));
    this.timers.delete(key);
    this.backoff.delete(key);
    this.vanished.delete(job.metadata.uid!);
    // cleanupPodFinalizers: the pods of a deleted Job must not wait for a tracker that is gone.
    for (const o of this.cluster.store.dependents(job.metadata.uid!)) {
      if (o.kind === 'Pod' && hasFinalizer(o)) this.cluster.api.removeFinalizer(o, JOB_TRACKING_FINALIZER);
    }
  }

  sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const job = this.cluster.api.get('Job', namespace, name);
    if (!job) return;
    if (job.metadata.deletionTimestamp) {
      this.forget(key, job);
      return;
    }
    if (finishedCondition(job)) {
      this.releaseFinalizers(this.ownedPods(job));
      this.expireAfterFinished(key, job);
      return;
    }
    this.reconcile(key, job);
  }

  private ownedPods(job: Job): Pod[] {
    return this.cluster.store.dependents(job.metadata.uid!).filter(
      (o): o is Pod => o.kind === 'Pod' && controllerOf(o)?.uid === job.metadata.uid,
    );
  }

  private reconcile(key: string, job: Job): void {
    const clock = this.cluster.clock;
    const now = clock.now();
    const nowText = clock.nowRfc3339();
    const pods = this.claimer.claim(job, key);
    const suspended = job.spec.suspend === true;
    let status: Status = structuredClone(job.status ?? {});
    let conditions = [...(status.conditions ?? [])];
    if (!status.startTime && !suspended) status.startTime = nowText;

    // Count pods that finished (or vanished) while still carrying the tracking finalizer.
    const gone = this.vanished.get(job.metadata.uid!) ?? [];
    this.vanished.delete(job.metadata.uid!);
    const newSucceeded: Pod[] = [];
    const newFailed: Pod[] = [];
    // Pods stopped because the Job is suspended are let go without counting as failures.
    const stopped: Pod[] = [];
    for (const pod of [...pods.filter(hasFinalizer), ...gone]) {
      if (pod.status?.phase === 'Succeeded') newSucceeded.push(pod);
      else if (suspended && pod.status?.phase !== 'Failed') {
        if (pod.metadata.deletionTimestamp || gone.includes(pod)) stopped.push(pod);
      } else if (isPodFailed(pod, job) || gone.includes(pod)) newFailed.push(pod);
    }
    const completions = job.spec.completions;
    let succeeded = (status.succeeded ?? 0) + newSucceeded.length;
    const failed = (status.failed ?? 0) + newFailed.length;
    let succeededIndexes = new Set<number>();
    if (isIndexed(job)) {
      succeededIndexes = parseIndexes(status.completedIndexes, completions ?? 0);
      for (const p of newSucceeded) {
        const i = completionIndex(p);
        if (i >= 0 && i < (completions ?? 0)) succeededIndexes.add(i);
      }
      succeeded = succeededIndexes.size;
    }
    const record = nextBackoffRecord(
      this.backoff.get(key) ?? { failuresAfterLastSuccess: 0 },
      newSucceeded.map((p) => finishedTime(p, now)),
      newFailed.map((p) => finishedTime(p, now)),
    );
    this.backoff.set(key, record);

    let active = pods.filter(isPodActive);
    let wake = Infinity;
    // The terminal condition, if any: an interim one first (FailureTarget, SuccessCriteriaMet), the final one once
    // no pod is left terminating.
    let finishing: { interim: Condition; final: Condition } | undefined;
    const failureTarget = jobCondition(job, 'FailureTarget');
    const successMet = jobCondition(job, 'SuccessCriteriaMet');
    const backoffLimit = job.spec.backoffLimit ?? 6;
    if (failureTarget) finishing = { interim: failureTarget, final: newCondition('Failed', failureTarget.reason!, failureTarget.message!, nowText) };
    else if (successMet) finishing = { interim: successMet, final: newCondition('Complete', successMet.reason!, successMet.message!, nowText) };
    else if (failed > backoffLimit || this.pastBackoffLimitOnFailure(job, pods)) {
      finishing = this.failure('BackoffLimitExceeded', 'Job has reached the specified backoff limit', nowText);
    } else if (this.pastActiveDeadline(job, status, now)) {
      finishing = this.failure('DeadlineExceeded', 'Job was active longer than specified deadline', nowText);
    } else if (job.spec.activeDeadlineSeconds !== undefined && !suspended && status.startTime) {
      wake = Math.min(wake, Date.parse(status.startTime) + job.spec.activeDeadlineSeconds * 1000);
    }

    if (finishing) {
      for (const pod of active) this.deletePod(job, pod);
      active = [];
    } else {
      const result = this.manage(job, key, active, succeeded, succeededIndexes, record, now);
      active = result.active;
      wake = Math.min(wake, result.wake);
      const complete = completions === undefined ? succeeded > 0 && active.length === 0 : succeeded >= completions && active.length === 0;
      if (complete) {
        const reason = 'CompletionsReached';
        const message = 'Reached expected number of succeeded pods';
        finishing = { interim: newCondition('SuccessCriteriaMet', reason, message, nowText), final: newCondition('Complete', reason, message, nowText) };
      } else if (suspended) {
        const next = ensureCondition(conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended', nowText);
        if (next) {
          conditions = next;
          this.event(job, 'Normal', 'Suspended', 'Job suspended');
        }
      } else {
        const next = ensureCondition(conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed', nowText);
        if (next) {
          conditions = next;
          this.event(job, 'Normal', 'Resumed', 'Job resumed');
          status.startTime = nowText;
        }
      }
    }

    const live = pods.map((p) => this.cluster.api.get('Pod', p.metadata.namespace, p.metadata.name!)).filter((p): p is Pod => p !== undefined);
    const terminating = live.filter((p) => p.metadata.deletionTimestamp && !isTerminal(p)).length;
    let finished: Condition | undefined;
    if (finishing) {
      if (!conditions.some((c) => c.type === finishing.interim.type)) conditions.push(finishing.interim);
      if (terminating === 0) {
        finished = finishing.final;
        conditions.push(finished);
        if (finished.type === 'Complete') status.completionTime = finished.lastTransitionTime;
      }
    }
    const activeLive = live.filter(isPodActive);
    status = {
      ...(conditions.length > 0 ? { conditions } : {}),
      ...(status.startTime ? { startTime: status.startTime } : {}),
      ...(status.completionTime ? { completionTime: status.completionTime } : {}),
      ...(activeLive.length ? { active: activeLive.length } : {}),
      ...(succeeded ? { succeeded } : {}),
      ...(failed ? { failed } : {}),
      ...(isIndexed(job) && succeededIndexes.size > 0 ? { completedIndexes: formatIndexes(succeededIndexes) } : {}),
      terminating,
      uncountedTerminatedPods: {},
      ready: activeLive.filter(isPodReady).length,
    };
    const fresh = this.cluster.api.get('Job', job.metadata.namespace, job.metadata.name!)!;
    if (JSON.stringify(fresh.status ?? {}) !== JSON.stringify(status)) this.cluster.api.updateStatus({ ...fresh, status });
    // Counted: the finalizers can go.
    this.releaseFinalizers([...newSucceeded, ...newFailed, ...stopped].filter((p) => !gone.includes(p)));
    if (finished) {
      this.releaseFinalizers(this.ownedPods(job));
      if (finished.type === 'Complete') {
        if (completions !== undefined && succeeded > completions) {
          this.event(job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
        }
        this.event(job, 'Normal', 'Completed', 'Job completed');
      } else {
        this.event(job, 'Warning', finished.reason!, finished.message!);
      }
      this.backoff.delete(key);
      const done = this.cluster.api.get('Job', job.metadata.namespace, job.metadata.name!);
      if (done) this.expireAfterFinished(key, done);
      return;
    }
    this.wakeAt(key, wake);
  }

  private failure(reason: string, message: string, now: string) {
    return { interim: newCondition('FailureTarget', reason, message, now), final: newCondition('Failed', reason, message, now) };
  }

  /** restartPolicy OnFailure: container restarts of running and pending pods count against backoffLimit. */
  private pastBackoffLimitOnFailure(job: Job, pods: readonly Pod[]): boolean {
    if (job.spec.template.spec.restartPolicy !== 'OnFailure') return false;
    let restarts = 0;
    for (const p of pods) {
      if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
      for (const cs of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) restarts += cs.restartCount;
    }
    const limit = job.spec.backoffLimit ?? 6;
    return limit === 0 ? restarts > 0 : restarts >= limit;
  }

  private pastActiveDeadline(job: Job, status: Status, now: number): boolean {
    if (job.spec.activeDeadlineSeconds === undefined || !status.startTime || job.spec.suspend === true) return false;
    return now - Date.parse(status.startTime) >= job.spec.activeDeadlineSeconds * 1000;
  }

  /** manageJob: delete surplus pods, or create missing ones once the failure back-off allows. */
  private manage(
    job: Job,
    key: string,
    active: Pod[],
    succeeded: number,
    succeededIndexes: ReadonlySet<number>,
    record: BackoffRecord,
    now: number,
  ): { active: Pod[]; wake: number } {
    const parallelism = job.spec.parallelism ?? 1;
    const completions = job.spec.completions;
    if (job.spec.suspend === true) {
      for (const pod of active) this.deletePod(job, pod);
      return { active: [], wake: Infinity };
    }
    let want: number;
    if (completions === undefined) want = succeeded > 0 ? active.length : parallelism;
    else want = Math.max(0, Math.min(completions - succeeded, parallelism));

    const surplus = this.podsForRemoval(job, active, Math.max(0, active.length - want), succeededIndexes);
    if (surplus.length > 0) {
      for (const pod of surplus.slice(0, MAX_PODS_PER_SYNC)) this.deletePod(job, pod);
      return { active: active.filter((p) => !surplus.includes(p)), wake: Infinity };
    }
    const terminating = job.spec.podReplacementPolicy === 'Failed' ? this.ownedPods(job).filter((p) => p.metadata.deletionTimestamp && !isTerminal(p)).length : 0;
    let diff = want - terminating - active.length;
    if (diff <= 0) return { active, wake: Infinity };
    const remaining = remainingBackoff(record, now);
    if (remaining > 0) return { active, wake: now + remaining };
    diff = Math.min(diff, MAX_PODS_PER_SYNC);
    const indexes = isIndexed(job) ? pendingIndexes(succeededIndexes, active, diff, completions ?? 0) : new Array<number>(diff).fill(-1);
    const created = [...active];
    for (const index of indexes) {
      const pod = this.createPod(job, index);
      if (pod) created.push(pod);
      else break;
    }
    return { active: created, wake: Infinity };
  }

  /** activePodsForRemoval: for Indexed jobs, pods with a bad or repeated index first; then the usual ranking. */
  private podsForRemoval(job: Job, active: Pod[], count: number, succeededIndexes: ReadonlySet<number>): Pod[] {
    const out: Pod[] = [];
    let rest = active;
    if (isIndexed(job)) {
      const seen = new Set<number>();
      rest = [];
      for (const p of [...active].sort((a, b) => deletionRank(b, a))) {
        const i = completionIndex(p);
        if (i < 0 || i >= (job.spec.completions ?? 0) || succeededIndexes.has(i) || seen.has(i)) out.push(p);
        else {
          seen.add(i);
          rest.push(p);
        }
      }
    }
    if (out.length >= count) return out;
    return [...out, ...[...rest].sort(deletionRank).slice(0, count - out.length)];
  }

  private createPod(job: Job, index: number): Pod | undefined {
    const template = structuredClone(job.spec.template);
    const selectorLabels = job.spec.selector ? {} : jobSelectorAndLabels(job, job.metadata.uid!).templateLabels;
    const labels: Record<string, string> = { ...selectorLabels, ...(template.metadata?.labels ?? {}) };
    const annotations: Record<string, string> = { ...(template.metadata?.annotations ?? {}) };
    const spec = template.spec;
    let generateName = `${job.metadata.name}-`;
    if (index >= 0) {
      annotations[COMPLETION_INDEX_KEY] = String(index);
      labels[COMPLETION_INDEX_KEY] = String(index);
      spec.hostname = `${job.metadata.name}-${index}`;
      generateName = indexedGenerateName(job.metadata.name!, index);
      const env = { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_KEY}']` } } };
      const withEnv = (cs: typeof spec.containers) => cs.map((c) => (c.env?.some((e) => e.name === env.name) ? c : { ...c, env: [...(c.env ?? []), env] }));
      spec.containers = withEnv(spec.containers);
      if (spec.initContainers) spec.initContainers = withEnv(spec.initContainers);
    }
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName,
        namespace: job.metadata.namespace,
        labels,
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
        finalizers: [...(template.metadata?.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER), JOB_TRACKING_FINALIZER],
        ownerReferences: [controllerRef(job)],
      },
      spec,
    };
    try {
      const created = this.cluster.api.create(pod);
      this.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
      return created;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      this.event(job, 'Warning', 'FailedCreate', `Error creating: ${err.message}`);
      return undefined;
    }
  }

  private deletePod(job: Job, pod: Pod): void {
    try {
      this.cluster.api.delete('Pod', pod.metadata.namespace, pod.metadata.name!);
      this.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
    }
  }

  private releaseFinalizers(pods: readonly Pod[]): void {
    for (const p of pods) {
      const live = this.cluster.api.get('Pod', p.metadata.namespace, p.metadata.name!);
      if (live && live.metadata.uid === p.metadata.uid && hasFinalizer(live)) this.cluster.api.removeFinalizer(live, JOB_TRACKING_FINALIZER);
    }
  }

  /** The TTL-after-finished controller: a finished Job goes (with its pods, foreground) ttlSecondsAfterFinished later. */
  private expireAfterFinished(key: string, job: Job): void {
    const ttl = job.spec.ttlSecondsAfterFinished;
    const finished = finishedCondition(job);
    if (ttl === undefined || !finished?.lastTransitionTime) return;
    const expireAt = Date.parse(finished.lastTransitionTime) + ttl * 1000;
    if (this.cluster.clock.now() >= expireAt) {
      this.cluster.api.delete('Job', job.metadata.namespace, job.metadata.name!, { propagationPolicy: 'Foreground' });
      return;
    }
    this.wakeAt(key, expireAt);
  }

  private wakeAt(key: string, at: number): void {
    const existing = this.timers.get(key);
    if (at === Infinity) {
      this.cluster.clock.cancel(existing);
      this.timers.delete(key);
      return;
    }
    if (existing && !existing.cancelled && existing.at === at) return;
    this.cluster.clock.cancel(existing);
    this.timers.set(key, this.cluster.clock.at(at, () => {
      this.timers.delete(key);
      this.queue.add(key);
    }));
  }

  private event(job: Job, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.cluster.events.record(job, type, reason, message, { component: JOB_CONTROLLER });
  }
}

/** The Job's selector: as stored, or the one the API server generates from its uid. */
function selectorOf(job: Job): LabelSelector | undefined {
  return job.spec.selector ?? (job.metadata.uid ? jobSelectorAndLabels(job, job.metadata.uid).selector : undefined);
}

/** Installs the Job controller once; returns the installed one. */
export function installJobController(cluster: Cluster): JobController {
  const existing = cluster.controller<JobController>(JOB_CONTROLLER);
  if (existing) return existing;
  const controller = new JobController(cluster);
  cluster.addController(controller);
  for (const job of cluster.store.list('Job')) controller.queue.add(keyOf(job));
  return controller;
}
