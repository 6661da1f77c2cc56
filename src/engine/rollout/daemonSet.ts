/**
 * `kubectl rollout status|history|undo` for DaemonSets (kubectl/pkg/polymorphichelpers: DaemonSetStatusViewer,
 * DaemonSetHistoryViewer, DaemonSetRollbacker) and rollout progress as data.
 */
import type { DaemonSet, Pod } from '../api/types.js';
import { ActionError } from '../actions.js';
import { isPodUpdated } from '../controllers/daemonSet.js';
import { targetNodeName } from '../controllers/daemonSetNodes.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../controllers/history.js';
import { isPodReady, isTerminating } from '../controllers/podState.js';
import type { RolloutOps, RolloutStatus } from './progress.js';
import { historyOf, ownedPods, revisionHistory, revisionPods, stuckFromPods, undoToRevision } from './statefulSet.js';

/** DaemonSetStatusViewer.Status. */
export function daemonSetStatus(ds: DaemonSet): RolloutStatus {
  if ((ds.spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') {
    throw new ActionError('rollout status is only available for RollingUpdate strategy type');
  }
  const s = ds.status;
  const name = ds.metadata.name!;
  if (s && (ds.metadata.generation ?? 0) <= (s.observedGeneration ?? 0)) {
    const updated = s.updatedNumberScheduled ?? 0;
    if (updated < s.desiredNumberScheduled) {
      return { done: false, message: `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${s.desiredNumberScheduled} new pods have been updated...` };
    }
    const available = s.numberAvailable ?? 0;
    if (available < s.desiredNumberScheduled) {
      return { done: false, message: `Waiting for daemon set "${name}" rollout to finish: ${available} of ${s.desiredNumberScheduled} updated pods are available...` };
    }
    return { done: true, message: `daemon set "${name}" successfully rolled out` };
  }
  return { done: false, message: 'Waiting for daemon set spec update to be observed...' };
}

function daemonSetStep(ds: DaemonSet, pods: readonly Pod[], updateHash: string | undefined): string {
  const s = ds.status;
  if (!s || (ds.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) return 'waiting for the controller to observe the change';
  const where = (p: Pod) => targetNodeName(p.spec) ?? '?';
  const terminating = pods.filter((p) => isTerminating(p));
  if (terminating.length > 0) return `waiting: ${terminating.length} old pods pending termination (${terminating.map(where).sort().join(', ')})`;
  const fresh = pods.filter((p) => updateHash !== undefined && isPodUpdated(ds, p, updateHash));
  const notReady = fresh.find((p) => !isPodReady(p));
  if (notReady) return `waiting for ${notReady.metadata.name} on ${where(notReady)} to be Ready`;
  if ((s.currentNumberScheduled ?? 0) < s.desiredNumberScheduled) return `creating pods on ${s.desiredNumberScheduled - s.currentNumberScheduled} nodes`;
  const old = pods.length - fresh.length;
  if (old > 0) {
    return ds.spec.updateStrategy?.type === 'OnDelete'
      ? `waiting for ${old} pods at an old revision to be deleted (OnDelete)`
      : `replacing ${old} old pods, ${(s.updatedNumberScheduled ?? 0)} of ${s.desiredNumberScheduled} nodes updated`;
  }
  if ((s.numberAvailable ?? 0) < s.desiredNumberScheduled) return `waiting for ${s.desiredNumberScheduled - (s.numberAvailable ?? 0)} pods to be available`;
  return 'up to date';
}

export const daemonSetRollout: RolloutOps<'DaemonSet'> = {
  progress(ds, reader) {
    const pods = ownedPods(reader, ds);
    const revisions = revisionHistory(reader, ds);
    const newest = revisions.at(-1);
    const updateHash = newest?.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
    let complete: boolean;
    try {
      complete = daemonSetStatus(ds).done;
    } catch {
      complete = (ds.status?.updatedNumberScheduled ?? 0) === ds.status?.desiredNumberScheduled;
    }
    const stuck = complete ? undefined : stuckFromPods(pods);
    return {
      kind: 'DaemonSet',
      namespace: ds.metadata.namespace ?? 'default',
      name: ds.metadata.name!,
      desired: ds.status?.desiredNumberScheduled ?? 0,
      updated: ds.status?.updatedNumberScheduled ?? 0,
      ready: ds.status?.numberReady ?? 0,
      available: ds.status?.numberAvailable ?? 0,
      revisions: revisionPods(revisions, pods, newest?.metadata.name, (r) => r.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? r.metadata.name!),
      step: daemonSetStep(ds, pods, updateHash),
      ...(stuck ? { stuck } : {}),
      complete,
    };
  },
  status(ds) {
    return daemonSetStatus(ds);
  },
  history(ds, reader, options) {
    return historyOf(revisionHistory(reader, ds), `daemonset.apps/${ds.metadata.name}`, options?.revision);
  },
  undo(client, ds, options) {
    return undoToRevision(client, ds, `daemonset.apps/${ds.metadata.name}`, options?.toRevision ?? 0);
  },
};
