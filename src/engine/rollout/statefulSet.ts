/**
 * `kubectl rollout status|history|undo` for StatefulSets (kubectl/pkg/polymorphichelpers: statefulSetStatusViewer,
 * StatefulSetHistoryViewer, StatefulSetRollbacker) and rollout progress as data. The ControllerRevision history,
 * undo and template rendering here are shared with DaemonSets.
 */
import type { KubeObject } from '../api/meta.js';
import type { ControllerRevision, Pod, PodTemplateSpec, StatefulSet } from '../api/types.js';
import { ActionError } from '../actions.js';
import type { ClusterClient, ClusterReader } from '../client.js';
import { goJson, revisionData, templateOf } from '../controllers/history.js';
import { isPodReady, isTerminating } from '../controllers/podState.js';
import { ordinalOf, podName, replicaCount, revisionOf, startOrdinal } from '../controllers/statefulSetIdentity.js';
import type { RevisionPods, RolloutHistory, RolloutOps, RolloutProgress, RolloutStatus, StuckReason } from './progress.js';

const CHANGE_CAUSE = 'kubernetes.io/change-cause';

// ---------- shared by StatefulSets and DaemonSets ----------

type RevisionOwner = KubeObject & { spec: { template: PodTemplateSpec } };

/** The owner's ControllerRevisions (controlled by it), oldest revision first. */
export function revisionHistory(reader: ClusterReader, owner: KubeObject): ControllerRevision[] {
  return reader
    .list('ControllerRevision', { namespace: owner.metadata.namespace })
    .filter((r) => r.metadata.ownerReferences?.some((ref) => ref.controller && ref.uid === owner.metadata.uid))
    .sort((a, b) => a.revision - b.revision);
}

/** Pods controlled by the owner. */
export function ownedPods(reader: ClusterReader, owner: KubeObject): Pod[] {
  return reader.list('Pod', { namespace: owner.metadata.namespace }).filter((p) => p.metadata.ownerReferences?.some((r) => r.controller && r.uid === owner.metadata.uid));
}

/** printHistory as data: the revisions with their change-cause, or one revision's pod template. */
export function historyOf(revisions: readonly ControllerRevision[], ref: string, revision?: number): RolloutHistory {
  const byNumber = new Map<number, ControllerRevision>();
  for (const r of revisions) byNumber.set(r.revision, r);
  if (revision !== undefined && revision > 0) {
    const r = byNumber.get(revision);
    if (!r) throw new ActionError('unable to find the specified revision');
    const template = templateOf(r);
    if (!template) throw new ActionError(`unable to parse history ${r.metadata.name}`);
    return { ref, revision, template };
  }
  return {
    ref,
    revisions: [...byNumber.keys()].sort((a, b) => a - b).map((n) => {
      const changeCause = byNumber.get(n)!.metadata.annotations?.[CHANGE_CAUSE];
      return changeCause ? { revision: n, changeCause } : { revision: n };
    }),
  };
}

/** kubectl's rollback for ControllerRevision kinds: the revision's template is patched back onto the object. */
export function undoToRevision(client: ClusterClient, object: RevisionOwner, ref: string, toRevision = 0): string {
  if (toRevision < 0) throw new ActionError(`unable to find specified revision ${toRevision} in history`);
  const history = revisionHistory(client, object);
  if (toRevision === 0 && history.length <= 1) throw new ActionError('no last revision to roll back to');
  const target = toRevision === 0 ? history[history.length - 2] : history.find((r) => r.revision === toRevision);
  if (!target) throw new ActionError(`unable to find specified revision ${toRevision} in history`);
  if (goJson(revisionData(object.spec.template)) === goJson(target.data)) {
    return `${ref} skipped rollback (current template already matches revision ${toRevision})`;
  }
  const template = templateOf(target)!;
  client.update({ ...object, spec: { ...object.spec, template } } as never);
  return `${ref} rolled back`;
}

/** Why pods are not becoming ready, if one of them says so. */
export function stuckFromPods(pods: readonly Pod[]): { reason: StuckReason; message: string } | undefined {
  for (const p of pods) {
    if (isTerminating(p) || isPodReady(p)) continue;
    const scheduled = p.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
      return { reason: 'Unschedulable', message: `${p.metadata.name} cannot be scheduled: ${scheduled.message ?? ''}`.trim() };
    }
    for (const cs of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
      const waiting = cs.state.waiting?.reason;
      if (waiting === 'ErrImagePull' || waiting === 'ImagePullBackOff') {
        return { reason: 'ImagePullFailing', message: `${p.metadata.name}: ${waiting} pulling ${cs.image}` };
      }
      if (waiting === 'CrashLoopBackOff') return { reason: 'CrashLooping', message: `${p.metadata.name}: container ${cs.name} is in CrashLoopBackOff` };
    }
    const probed = p.spec.containers.some((c) => c.readinessProbe);
    if (p.status?.phase === 'Running' && probed && (p.status.containerStatuses ?? []).every((c) => c.started !== false)) {
      return { reason: 'ProbeFailing', message: `${p.metadata.name}: readiness probe failing` };
    }
  }
  return undefined;
}

export function revisionPods(revisions: readonly ControllerRevision[], pods: readonly Pod[], updateRevision: string | undefined, hashOf: (r: ControllerRevision) => string): RevisionPods[] {
  const counts = new Map<string, number>();
  for (const p of pods) {
    if (isTerminating(p)) continue;
    const h = revisionOf(p);
    if (h) counts.set(h, (counts.get(h) ?? 0) + 1);
  }
  return [...revisions]
    .reverse()
    .map((r) => ({ revision: r.revision, name: r.metadata.name!, pods: counts.get(hashOf(r)) ?? 0, current: r.metadata.name === updateRevision }))
    .filter((r) => r.pods > 0 || r.current);
}


// ---------- StatefulSet ----------

const stsRef = (name: string) => `statefulset.apps/${name}`;

/** statefulSetStatusViewer.Status. */
export function statefulSetStatus(sts: StatefulSet): RolloutStatus {
  const strategy = sts.spec.updateStrategy;
  if ((strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') throw new ActionError('rollout status is only available for RollingUpdate strategy type');
  const s = sts.status;
  if (!s?.observedGeneration || (sts.metadata.generation ?? 0) > s.observedGeneration) {
    return { done: false, message: 'Waiting for statefulset spec update to be observed...' };
  }
  const replicas = replicaCount(sts);
  const ready = s.readyReplicas ?? 0;
  if (ready < replicas) return { done: false, message: `Waiting for ${replicas - ready} pods to be ready...` };
  const updated = s.updatedReplicas ?? 0;
  if (strategy?.rollingUpdate) {
    const partition = strategy.rollingUpdate.partition;
    if (partition !== undefined && updated < replicas - partition) {
      return { done: false, message: `Waiting for partitioned roll out to finish: ${updated} out of ${replicas - partition} new pods have been updated...` };
    }
    return { done: true, message: `partitioned roll out complete: ${updated} new pods have been updated...` };
  }
  if (s.updateRevision !== s.currentRevision) {
    return { done: false, message: `waiting for statefulset rolling update to complete ${updated} pods at revision ${s.updateRevision}...` };
  }
  return { done: true, message: `statefulset rolling update complete ${s.currentReplicas ?? 0} pods at revision ${s.currentRevision}...` };
}

/** The step the StatefulSet controller is on, in words, following its own order of work. */
function statefulSetStep(sts: StatefulSet, pods: readonly Pod[]): string {
  const s = sts.status;
  if (!s?.observedGeneration || (sts.metadata.generation ?? 0) > s.observedGeneration) return 'waiting for the controller to observe the change';
  const start = startOrdinal(sts);
  const count = replicaCount(sts);
  const byOrdinal = new Map(pods.map((p) => [ordinalOf(p), p]));
  const minReady = sts.spec.minReadySeconds ?? 0;
  for (let ord = start; ord < start + count; ord++) {
    const name = podName(sts, ord);
    const p = byOrdinal.get(ord);
    if (!p) return `creating ${name}`;
    if (isTerminating(p)) return `waiting for ${name} to terminate`;
    if (!isPodReady(p)) return `waiting for ${name} to be Ready`;
    // The controller's status says how many ready pods have been ready for minReadySeconds; the newest ones are not.
    const notAvailable = (s.readyReplicas ?? 0) - (s.availableReplicas ?? 0);
    if (minReady > 0 && notAvailable > 0 && ord - start >= (s.readyReplicas ?? 0) - notAvailable) {
      return `waiting for ${name} to be available (minReadySeconds ${minReady})`;
    }
  }
  const condemned = pods.filter((p) => ordinalOf(p) >= start + count || ordinalOf(p) < start).sort((a, b) => ordinalOf(b) - ordinalOf(a));
  if (condemned.length > 0) {
    const first = condemned[0]!;
    return isTerminating(first) ? `scaling down: waiting for ${first.metadata.name} to terminate` : `scaling down: deleting ${first.metadata.name}`;
  }
  const update = s.updateRevision;
  const old = pods.filter((p) => revisionOf(p) !== update && !isTerminating(p));
  if (sts.spec.updateStrategy?.type === 'OnDelete') {
    return old.length > 0 ? `waiting for ${old.length} pods at an old revision to be deleted (OnDelete)` : 'up to date';
  }
  const partition = sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  for (let ord = start + count - 1; ord >= start + partition; ord--) {
    const p = byOrdinal.get(ord);
    if (p && revisionOf(p) !== update) return `updating ${p.metadata.name} to revision ${update}`;
  }
  return partition > 0 && old.length > 0 ? `partitioned: ${old.length} pods below ordinal ${start + partition} stay at ${s.currentRevision}` : 'up to date';
}

export const statefulSetRollout: RolloutOps<'StatefulSet'> = {
  progress(sts, reader): RolloutProgress {
    const pods = ownedPods(reader, sts);
    const revisions = revisionHistory(reader, sts);
    let complete: boolean;
    try {
      complete = statefulSetStatus(sts).done;
    } catch {
      complete = (sts.status?.updatedReplicas ?? 0) === replicaCount(sts) && (sts.status?.readyReplicas ?? 0) === replicaCount(sts);
    }
    const stuck = complete ? undefined : stuckFromPods(pods);
    return {
      kind: 'StatefulSet',
      namespace: sts.metadata.namespace ?? 'default',
      name: sts.metadata.name!,
      desired: replicaCount(sts),
      updated: sts.status?.updatedReplicas ?? 0,
      ready: sts.status?.readyReplicas ?? 0,
      available: sts.status?.availableReplicas ?? 0,
      revisions: revisionPods(revisions, pods, sts.status?.updateRevision, (r) => r.metadata.name!),
      step: statefulSetStep(sts, pods),
      ...(stuck ? { stuck } : {}),
      complete,
    };
  },
  status(sts) {
    return statefulSetStatus(sts);
  },
  history(sts, reader, options) {
    return historyOf(revisionHistory(reader, sts), stsRef(sts.metadata.name!), options?.revision);
  },
  undo(client, sts, options) {
    return undoToRevision(client, sts, stsRef(sts.metadata.name!), options?.toRevision ?? 0);
  },
};

