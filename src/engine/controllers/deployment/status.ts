/**
 * Deployment status and conditions (sync.go calculateStatus, progress.go syncRolloutStatus, deployment_util.go):
 * counts from the ReplicaSets, Available, Progressing with its reasons, completeness and the progress deadline.
 */
import type { Condition } from '../../api/meta.js';
import type { Deployment, DeploymentStatus, ReplicaSet } from '../../api/types.js';
import { parseTimestamp, toRfc3339 } from '../../clock.js';
import { maxUnavailable, replicasOf } from './fenceposts.js';
import { actualReplicas, availableReplicas, readyReplicas, specReplicas } from './replicaSets.js';

export const PROGRESSING = 'Progressing';
export const AVAILABLE = 'Available';
export const REPLICA_FAILURE = 'ReplicaFailure';

export const Reason = {
  NewReplicaSetCreated: 'NewReplicaSetCreated',
  FoundNewReplicaSet: 'FoundNewReplicaSet',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  FailedRSCreate: 'ReplicaSetCreateError',
  DeploymentPaused: 'DeploymentPaused',
  DeploymentResumed: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** NewDeploymentCondition: both times now. */
export function newCondition(type: string, status: Condition['status'], reason: string, message: string, now: number): Condition {
  const t = toRfc3339(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export function getCondition(status: DeploymentStatus | undefined, type: string): Condition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * SetDeploymentCondition: nothing when status and reason are unchanged; keeps lastTransitionTime when only the reason
 * changes; the condition moves to the end of the list.
 */
export function setCondition(status: DeploymentStatus, condition: Condition): DeploymentStatus {
  const current = getCondition(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return status;
  const next = { ...condition };
  if (current && current.status === condition.status && current.lastTransitionTime) next.lastTransitionTime = current.lastTransitionTime;
  return { ...status, conditions: [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next] };
}

export function removeCondition(status: DeploymentStatus, type: string): DeploymentStatus {
  if (!getCondition(status, type)) return status;
  const conditions = (status.conditions ?? []).filter((c) => c.type !== type);
  const { conditions: _dropped, ...rest } = status;
  return conditions.length === 0 ? rest : { ...status, conditions };
}

/** HasProgressDeadline: set and not MaxInt32. */
export function hasProgressDeadline(d: Deployment): boolean {
  const p = d.spec.progressDeadlineSeconds;
  return p !== undefined && p !== 2147483647;
}

/** Drops zero counts, as the API's omitempty does. */
function compact(s: DeploymentStatus): DeploymentStatus {
  const out: Record<string, unknown> = {};
  for (const k in s) {
    const v = (s as Record<string, unknown>)[k];
    if (v === undefined || v === 0 || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out as DeploymentStatus;
}

/** calculateStatus: counts from the ReplicaSets and the Available condition. */
export function calculateStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment, now: number): DeploymentStatus {
  const available = availableReplicas(allRSs);
  const unavailable = Math.max(0, specReplicas(allRSs) - available);
  let status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: actualReplicas(allRSs),
    updatedReplicas: actualReplicas([newRS]),
    readyReplicas: readyReplicas(allRSs),
    availableReplicas: available,
    unavailableReplicas: unavailable,
    conditions: [...(d.status?.conditions ?? [])],
    collisionCount: d.status?.collisionCount,
  };
  const cond = available >= replicasOf(d) - maxUnavailable(d)
    ? newCondition(AVAILABLE, 'True', Reason.MinimumReplicasAvailable, 'Deployment has minimum availability.', now)
    : newCondition(AVAILABLE, 'False', Reason.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', now);
  status = setCondition(status, cond);
  return compact(status);
}

/** DeploymentComplete: every replica updated and available, and the latest spec observed. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus | undefined): boolean {
  const r = replicasOf(d);
  return (s?.updatedReplicas ?? 0) === r && (s?.replicas ?? 0) === r && (s?.availableReplicas ?? 0) === r
    && (s?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available than the last recorded status. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld
    || (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** When the progress deadline passes (Progressing.lastUpdateTime + progressDeadlineSeconds), if it applies. */
export function progressDeadline(d: Deployment, s: DeploymentStatus | undefined): number | undefined {
  if (!hasProgressDeadline(d)) return undefined;
  const c = getCondition(s, PROGRESSING);
  if (!c?.lastUpdateTime) return undefined;
  return parseTimestamp(c.lastUpdateTime) + d.spec.progressDeadlineSeconds! * 1000;
}

/** DeploymentTimedOut: the Progressing condition says so, or its last update is older than the deadline. */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, PROGRESSING);
  if (!c) return false;
  if (c.reason === Reason.ProgressDeadlineExceeded) return true;
  if (c.reason === Reason.NewReplicaSetAvailable) return false;
  const deadline = progressDeadline(d, s);
  return deadline !== undefined && deadline < now;
}

const rsName = (rs: ReplicaSet | undefined) => rs?.metadata.name;

/** syncRolloutStatus's new status: counts, Available, Progressing (complete / progressing / timed out), ReplicaFailure. */
export function rolloutStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment, now: number): DeploymentStatus {
  let s = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) s = removeCondition(s, PROGRESSING);
  const current = getCondition(d.status, PROGRESSING);
  const isComplete = (s.replicas ?? 0) === (s.updatedReplicas ?? 0) && current?.reason === Reason.NewReplicaSetAvailable;
  if (hasProgressDeadline(d) && !isComplete) {
    const name = rsName(newRS);
    if (deploymentComplete(d, s)) {
      const msg = name ? `ReplicaSet "${name}" has successfully progressed.` : `Deployment "${d.metadata.name}" has successfully progressed.`;
      s = setCondition(s, newCondition(PROGRESSING, 'True', Reason.NewReplicaSetAvailable, msg, now));
    } else if (deploymentProgressing(d, s)) {
      const msg = name ? `ReplicaSet "${name}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
      const cond = newCondition(PROGRESSING, 'True', Reason.ReplicaSetUpdated, msg, now);
      if (current) {
        if (current.status === 'True' && current.lastTransitionTime) cond.lastTransitionTime = current.lastTransitionTime;
        s = removeCondition(s, PROGRESSING);
      }
      s = setCondition(s, cond);
    } else if (deploymentTimedOut(d, s, now)) {
      const msg = name ? `ReplicaSet "${name}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
      s = setCondition(s, newCondition(PROGRESSING, 'False', Reason.ProgressDeadlineExceeded, msg, now));
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  s = failure ? setCondition(s, failure) : removeCondition(s, REPLICA_FAILURE);
  return s;
}

/** getReplicaFailures: the new ReplicaSet's ReplicaFailure first, else the first old one's. */
function replicaFailure(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Condition | undefined {
  const toDeployment = (c: Condition): Condition => ({
    type: REPLICA_FAILURE, status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime,
    ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}),
  });
  const fromNew = newRS?.status?.conditions?.find((c) => c.type === REPLICA_FAILURE);
  if (fromNew) return toDeployment(fromNew);
  for (const rs of allRSs) {
    const c = rs?.status?.conditions?.find((x) => x.type === REPLICA_FAILURE);
    if (c) return toDeployment(c);
  }
  return undefined;
}
