/**
 * `kubectl rollout status|history|undo` for Deployments (kubectl pkg/polymorphichelpers: rollout_status.go,
 * history.go, rollback.go), and the rollout progress the dashboard draws.
 */
import { kindInfo, objectRef } from '../api/kinds.js';
import type { Deployment, Pod, ReplicaSet } from '../api/types.js';
import { ActionError } from '../actions.js';
import type { ClusterClient, ClusterReader } from '../client.js';
import { maxUnavailable, replicasOf } from '../controllers/deployment/fenceposts.js';
import { POD_TEMPLATE_HASH_LABEL } from '../controllers/deployment/hash.js';
import {
  ANNOTATIONS_TO_SKIP, CHANGE_CAUSE_ANNOTATION, equalIgnoreHash, findNewReplicaSet, findOldReplicaSets, revisionOf,
} from '../controllers/deployment/replicaSets.js';
import { getCondition, PROGRESSING, Reason } from '../controllers/deployment/status.js';
import { controllerOf, isPodReady } from '../controllers/podState.js';
import { matchesLabelSelector } from '../selectors.js';
import type { RevisionPods, RolloutHistory, RolloutOps, RolloutProgress, RolloutStatus, StuckReason } from './progress.js';

const ref = (d: Deployment) => objectRef(kindInfo('Deployment')!, d.metadata.name!);

/** The stored version (kubectl reads the Deployment again before it acts). */
function latest(reader: ClusterReader, d: Deployment): Deployment {
  return reader.get('Deployment', d.metadata.namespace, d.metadata.name!) ?? d;
}

/** deploymentutil.GetAllReplicaSets as kubectl does it: controlled by the Deployment and matching its selector. */
function replicaSetsOf(reader: ClusterReader, d: Deployment): { newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] } {
  const rss = reader.list('ReplicaSet', { namespace: d.metadata.namespace })
    .filter((rs) => controllerOf(rs)?.uid === d.metadata.uid && matchesLabelSelector(d.spec.selector, rs.metadata.labels));
  const newRS = findNewReplicaSet(d, rss);
  return { newRS, oldRSs: findOldReplicaSets(d, rss, newRS) };
}

// ---------- status ----------

/** DeploymentStatusViewer.Status: the line `kubectl rollout status` prints now; errors start with `error: `. */
export function deploymentRolloutStatus(d: Deployment, revision?: number): RolloutStatus {
  const name = d.metadata.name;
  if (revision !== undefined && revision > 0) {
    const current = revisionOf(d);
    if (Number.isNaN(current)) {
      return { done: true, message: `error: cannot get the revision of deployment "${name}": strconv.ParseInt: parsing "${d.metadata.annotations?.['deployment.kubernetes.io/revision']}": invalid syntax` };
    }
    if (current !== revision) return { done: true, message: `error: desired revision (${revision}) is different from the running revision (${current})` };
  }
  const s = d.status ?? {};
  if ((d.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) {
    return { done: false, message: 'Waiting for deployment spec update to be observed...' };
  }
  if (getCondition(s, PROGRESSING)?.reason === Reason.ProgressDeadlineExceeded) {
    return { done: true, message: `error: deployment "${name}" exceeded its progress deadline` };
  }
  const replicas = replicasOf(d);
  const updated = s.updatedReplicas ?? 0;
  if (updated < replicas) {
    return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...` };
  }
  if ((s.replicas ?? 0) > updated) {
    return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${(s.replicas ?? 0) - updated} old replicas are pending termination...` };
  }
  if ((s.availableReplicas ?? 0) < updated) {
    return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${s.availableReplicas ?? 0} of ${updated} updated replicas are available...` };
  }
  return { done: true, message: `deployment "${name}" successfully rolled out` };
}

// ---------- history ----------

/** `kubectl rollout history deployment/x [--revision=N]` as data (the ReplicaSets' revisions and change-causes). */
export function deploymentHistory(reader: ClusterReader, object: Deployment, revision?: number): RolloutHistory {
  const d = latest(reader, object);
  const { newRS, oldRSs } = replicaSetsOf(reader, d);
  const byRevision = new Map<number, ReplicaSet>();
  for (const rs of [...oldRSs, ...(newRS ? [newRS] : [])]) {
    const v = revisionOf(rs);
    if (!Number.isNaN(v)) byRevision.set(v, rs);
  }
  if (revision !== undefined && revision > 0) {
    const rs = byRevision.get(revision);
    if (!rs) throw new ActionError('unable to find the specified revision');
    return { ref: ref(d), revision, template: templateWithChangeCause(rs) };
  }
  return {
    ref: ref(d),
    revisions: [...byRevision.keys()].sort((a, b) => a - b).map((r) => {
      const changeCause = byRevision.get(r)!.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION];
      return changeCause ? { revision: r, changeCause } : { revision: r };
    }),
  };
}

/** The revision's template, with the ReplicaSet's change-cause shown among its annotations (as kubectl does). */
function templateWithChangeCause(rs: ReplicaSet): ReplicaSet['spec']['template'] {
  const t = rs.spec.template;
  const cause = rs.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION];
  if (!cause) return t;
  return { ...t, metadata: { ...(t.metadata ?? {}), annotations: { ...(t.metadata?.annotations ?? {}), [CHANGE_CAUSE_ANNOTATION]: cause } } };
}

// ---------- undo ----------

/** DeploymentRollbacker.Rollback: copies a revision's template (and its annotations) back into the Deployment. */
export function undoDeployment(client: ClusterClient, object: Deployment, toRevision = 0): string {
  if (toRevision < 0) throw new ActionError(`unable to find specified revision ${toRevision} in history`);
  const d = latest(client, object);
  const { newRS, oldRSs } = replicaSetsOf(client, d);
  let target: ReplicaSet | undefined;
  if (toRevision > 0) {
    target = [...oldRSs, ...(newRS ? [newRS] : [])].find((rs) => revisionOf(rs) === toRevision);
    if (!target) throw new ActionError(`unable to find specified revision ${toRevision} in history`);
  } else {
    let latestRev = -1;
    let previousRev = -1;
    let latestRS: ReplicaSet | undefined;
    for (const rs of [...oldRSs, ...(newRS ? [newRS] : [])]) {
      const v = revisionOf(rs);
      if (Number.isNaN(v)) continue;
      if (latestRev < v) {
        previousRev = latestRev;
        target = latestRS;
        latestRev = v;
        latestRS = rs;
      } else if (previousRev < v) {
        previousRev = v;
        target = rs;
      }
    }
    if (!target) throw new ActionError(`no rollout history found for deployment "${d.metadata.name}"`);
  }
  if (d.spec.paused) {
    throw new ActionError("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
  }
  if (equalIgnoreHash(target.spec.template, d.spec.template)) {
    return `${ref(d)} skipped rollback (current template already matches revision ${toRevision})`;
  }
  const template = structuredClone(target.spec.template);
  const labels = { ...(template.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  template.metadata = { ...(template.metadata ?? {}), labels };
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(target.metadata.annotations ?? {})) if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  const metadata = { ...d.metadata, annotations };
  if (Object.keys(annotations).length === 0) delete (metadata as { annotations?: unknown }).annotations;
  client.update({ ...d, metadata, spec: { ...d.spec, template } });
  return `${ref(d)} rolled back`;
}

// ---------- progress for the dashboard ----------

function podsByOwner(reader: ClusterReader, d: Deployment): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>();
  for (const p of reader.list('Pod', { namespace: d.metadata.namespace, labelSelector: d.spec.selector })) {
    const uid = controllerOf(p)?.uid;
    if (!uid) continue;
    let list = out.get(uid);
    if (!list) out.set(uid, (list = []));
    list.push(p);
  }
  return out;
}

const PULL_FAILURES = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull']);

/** Why a pod of the new revision does not become Ready, when it can be told from its status and events. */
function podTrouble(reader: ClusterReader, pod: Pod): { reason: StuckReason; message: string } | undefined {
  const name = pod.metadata.name;
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    return { reason: 'Unschedulable', message: `${name}: ${scheduled.message ?? 'Unschedulable'}` };
  }
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const waiting = s.state?.waiting;
    if (!waiting?.reason) continue;
    const detail = `${name}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`;
    if (PULL_FAILURES.has(waiting.reason)) return { reason: 'ImagePullFailing', message: detail };
    if (waiting.reason === 'CrashLoopBackOff') return { reason: 'CrashLooping', message: detail };
  }
  if (pod.status?.phase === 'Running' && !isPodReady(pod)) {
    const events = reader.list('Event', { namespace: pod.metadata.namespace, fieldSelector: `involvedObject.name=${name}` });
    const probe = events
      .filter((e) => e.reason === 'Unhealthy' && e.involvedObject.uid === pod.metadata.uid && /^(Readiness|Startup) probe/.test(e.message ?? ''))
      .sort((a, b) => (a.lastTimestamp ?? '') < (b.lastTimestamp ?? '') ? 1 : -1)[0];
    if (probe) return { reason: 'ProbeFailing', message: `${name}: ${probe.message}` };
  }
  return undefined;
}

/** The rollout as data: counts, revisions with their pods, the step in words, and why it is stuck. */
export function deploymentProgress(object: Deployment, reader: ClusterReader): RolloutProgress {
  const d = latest(reader, object);
  const s = d.status ?? {};
  const { newRS, oldRSs } = replicaSetsOf(reader, d);
  const pods = podsByOwner(reader, d);
  const podsOf = (rs: ReplicaSet) => pods.get(rs.metadata.uid!) ?? [];
  const status = deploymentRolloutStatus(d);
  const complete = status.done && !status.message.startsWith('error: ');

  const revisions: RevisionPods[] = [...oldRSs, ...(newRS ? [newRS] : [])]
    .filter((rs) => rs === newRS || podsOf(rs).length > 0 || (rs.spec.replicas ?? 0) > 0)
    .map((rs) => ({ revision: revisionOf(rs) || 0, name: rs.metadata.name!, pods: podsOf(rs).length, current: rs === newRS }))
    .sort((a, b) => b.revision - a.revision);

  const newPods = newRS ? podsOf(newRS).filter((p) => !p.metadata.deletionTimestamp) : [];
  const notReady = newPods.filter((p) => !isPodReady(p));
  const oldPods = oldRSs.reduce((n, rs) => n + podsOf(rs).length, 0);

  let step: string;
  if (complete) step = 'rolled out';
  else if ((d.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) step = 'waiting for the controller to see the change';
  else if (d.spec.paused) step = newRS ? 'paused' : 'paused before creating the new replica set';
  else if (newRS && (newRS.spec.replicas ?? 0) > (newRS.status?.availableReplicas ?? 0)) {
    const from = newRS.status?.availableReplicas ?? 0;
    const to = newRS.spec.replicas ?? 0;
    step = to - from === 1 && notReady.length === 1
      ? `waiting for ${notReady[0]!.metadata.name} to be Ready`
      : to - from === 1 && newPods.length === to && notReady.length === 0
        ? `waiting for ${newPods.map((p) => p.metadata.name).sort()[0]} to be available (minReadySeconds ${d.spec.minReadySeconds ?? 0})`
        : `scaling up ${newRS.metadata.name} from ${from} to ${to}`;
  } else if (oldPods > 0) step = `waiting: ${oldPods} old pod${oldPods === 1 ? '' : 's'} pending termination`;
  else if (!newRS) step = 'creating the new replica set';
  else step = `waiting: ${s.availableReplicas ?? 0} of ${replicasOf(d)} available (at least ${replicasOf(d) - maxUnavailable(d)} needed)`;

  let stuck: RolloutProgress['stuck'];
  if (!complete) {
    const progressing = getCondition(s, PROGRESSING);
    const timedOut = progressing?.reason === Reason.ProgressDeadlineExceeded;
    let trouble: { reason: StuckReason; message: string } | undefined;
    for (const p of notReady) if ((trouble = podTrouble(reader, p))) break;
    if (trouble) stuck = timedOut ? { reason: trouble.reason, message: `${trouble.message} (${progressing!.message})` } : trouble;
    else if (timedOut) stuck = { reason: 'ProgressDeadlineExceeded', message: progressing!.message ?? '' };
    else if (d.spec.paused) stuck = { reason: 'Paused', message: `deployment "${d.metadata.name}" is paused; resume it with 'kubectl rollout resume'` };
  }

  return {
    kind: 'Deployment',
    namespace: d.metadata.namespace ?? 'default',
    name: d.metadata.name!,
    desired: replicasOf(d),
    updated: s.updatedReplicas ?? 0,
    ready: s.readyReplicas ?? 0,
    available: s.availableReplicas ?? 0,
    revisions,
    step,
    ...(stuck ? { stuck } : {}),
    complete,
  };
}

export const deploymentRollout: RolloutOps<'Deployment'> = {
  progress: (object, reader) => deploymentProgress(object, reader),
  status: (object, reader, options) => deploymentRolloutStatus(latest(reader, object), options?.revision),
  history: (object, reader, options) => deploymentHistory(reader, object, options?.revision),
  undo: (client, object, options) => undoDeployment(client, object, options?.toRevision ?? 0),
};
