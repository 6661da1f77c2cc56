/**
 * The Deployment controller (pkg/controller/deployment): one sync per key, as syncDeployment does it — claim the
 * ReplicaSets, report paused/resumed, scale on a size change (proportionally mid-rollout), otherwise run the
 * strategy (RollingUpdate or Recreate), clean up old ReplicaSets beyond revisionHistoryLimit, and keep status and
 * the Progressing/Available conditions, re-checking the progress deadline when it would pass.
 */
import type { Condition } from '../../api/meta.js';
import type { Deployment, DeploymentStatus, Pod, ReplicaSet } from '../../api/types.js';
import type { Cluster } from '../../cluster.js';
import type { TimerHandle } from '../../clock.js';
import { ApiError } from '../../errors.js';
import { jsonEqual } from '../../store/immutable.js';
import { fromLabelSelector, matches } from '../../selectors.js';
import { WorkQueue, type Controller } from '../../workqueue.js';
import { claim, claimCandidates, OrphanIndex } from '../replicaSetOwnership.js';
import { controllerOf, controllerRef } from '../podState.js';
import { isRollingUpdate, replicasOf } from './fenceposts.js';
import { computeHash, POD_TEMPLATE_HASH_LABEL } from './hash.js';
import {
  actualReplicas, desiredReplicasAnnotation, equalIgnoreHash, filterActive, findNewReplicaSet, findOldReplicaSets,
  maxRevision, newReplicaSetAnnotations, replicasAnnotationsFor, REVISION_ANNOTATION, rsReplicas, withReplicasAnnotations,
} from './replicaSets.js';
import { newRSNewReplicas, planHistoryCleanup, planNewReplicaSet, planOldReplicaSets, planScale } from './rolling.js';
import {
  calculateStatus, deploymentComplete, getCondition, hasProgressDeadline, newCondition, progressDeadline, PROGRESSING, Reason,
  rolloutStatus, setCondition,
} from './status.js';

export const DEPLOYMENT_CONTROLLER = 'deployment-controller';
const SOURCE = { component: DEPLOYMENT_CONTROLLER };
const RETRY_BASE_MS = 5;
const RETRY_MAX_MS = 1000 * 1000;

const keyOf = (namespace: string | undefined, name: string) => `${namespace ?? 'default'}/${name}`;
/** JSON.stringify(a) === JSON.stringify(b), without building the text. */
const sameJson = jsonEqual;

/** A sync's view of its Deployment: the latest stored version, replaced after every write. */
interface Run {
  d: Deployment;
  now: number;
}

export class DeploymentController implements Controller {
  readonly name = DEPLOYMENT_CONTROLLER;
  readonly queue = new WorkQueue();
  private readonly orphanRSs: OrphanIndex<ReplicaSet>;
  /** ReplicaSet uid -> the key of the Deployment that controlled it when last seen. */
  private readonly rsOwner = new Map<string, string>();
  private readonly deadlineTimers = new Map<string, TimerHandle>();
  private readonly retries = new Map<string, { failures: number; timer: TimerHandle }>();

  constructor(private readonly cluster: Cluster) {
    const api = cluster.api;
    api.watch({ kinds: ['Deployment'] }, (e) => this.queue.add(keyOf(e.object.metadata.namespace, e.object.metadata.name!)));
    this.orphanRSs = new OrphanIndex<ReplicaSet>(api, 'ReplicaSet', (rs, type) => this.replicaSetChanged(rs, type));
    api.watch({ kinds: ['Pod'] }, (e) => {
      if (e.type === 'DELETED') this.podDeleted(e.object as Pod);
    });
    for (const d of api.store.list('Deployment')) this.queue.add(keyOf(d.metadata.namespace, d.metadata.name!));
  }

  // ---------- event handlers ----------

  private replicaSetChanged(rs: ReplicaSet, type: 'ADDED' | 'MODIFIED' | 'DELETED'): void {
    const uid = rs.metadata.uid!;
    const ref = controllerOf(rs);
    const ownerKey = ref?.kind === 'Deployment' ? keyOf(rs.metadata.namespace, ref.name) : undefined;
    const previous = this.rsOwner.get(uid);
    if (previous !== undefined && previous !== ownerKey) this.queue.add(previous);
    if (type === 'DELETED' || !ownerKey) this.rsOwner.delete(uid);
    else this.rsOwner.set(uid, ownerKey);
    if (ownerKey) {
      this.queue.add(ownerKey);
      return;
    }
    if (ref || type === 'DELETED') return;
    for (const d of this.cluster.api.store.list('Deployment', rs.metadata.namespace)) {
      if (matches(fromLabelSelector(d.spec.selector), rs.metadata.labels)) this.queue.add(keyOf(d.metadata.namespace, d.metadata.name!));
    }
  }

  /** A Recreate Deployment waits for its old pods to be gone: resync it when one goes. */
  private podDeleted(pod: Pod): void {
    const ref = controllerOf(pod);
    if (ref?.kind !== 'ReplicaSet') return;
    const store = this.cluster.api.store;
    const rs = store.get('ReplicaSet', pod.metadata.namespace, ref.name);
    const dref = rs && controllerOf(rs);
    if (dref?.kind !== 'Deployment') return;
    const d = store.get('Deployment', pod.metadata.namespace, dref.name);
    if (d && !isRollingUpdate(d)) this.queue.add(keyOf(d.metadata.namespace, d.metadata.name!));
  }

  // ---------- sync ----------

  sync(key: string): void {
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const d = this.cluster.api.get('Deployment', namespace, name);
    this.cluster.clock.cancel(this.deadlineTimers.get(key));
    this.deadlineTimers.delete(key);
    if (!d) {
      this.clearRetry(key);
      return;
    }
    try {
      this.syncDeployment({ d, now: this.cluster.clock.now() }, key);
      this.clearRetry(key);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      this.scheduleRetry(key);
    }
  }

  private syncDeployment(run: Run, key: string): void {
    const rsList = this.getReplicaSetsForDeployment(run.d);
    if (run.d.metadata.deletionTimestamp) {
      const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(run, rsList, false);
      this.syncDeploymentStatus(run, [...oldRSs, newRS], newRS);
      return;
    }
    this.checkPausedConditions(run);
    if (run.d.spec.paused) {
      this.syncScale(run, rsList);
      return;
    }
    if (this.isScalingEvent(run, rsList)) {
      this.syncScale(run, rsList);
      return;
    }
    if (isRollingUpdate(run.d)) this.rolloutRolling(run, rsList, key);
    else this.rolloutRecreate(run, rsList, key);
  }

  /** getReplicaSetsForDeployment: the ReplicaSets it controls after adoption and release. */
  private getReplicaSetsForDeployment(d: Deployment): ReplicaSet[] {
    const api = this.cluster.api;
    return claim(api, d, fromLabelSelector(d.spec.selector), claimCandidates(api, d, 'ReplicaSet', this.orphanRSs));
  }

  /** The stored version of each ReplicaSet (writes earlier in the sync may have changed them). */
  private fresh(rss: readonly ReplicaSet[]): ReplicaSet[] {
    const out: ReplicaSet[] = [];
    for (const rs of rss) {
      const cur = this.cluster.api.store.get('ReplicaSet', rs.metadata.namespace, rs.metadata.name!);
      if (cur && cur.metadata.uid === rs.metadata.uid) out.push(cur);
    }
    return out;
  }

  private freshOne(rs: ReplicaSet | undefined): ReplicaSet | undefined {
    return rs ? this.fresh([rs])[0] : undefined;
  }

  // ---------- writes to the Deployment ----------

  /** What the status subresource persists in the real API: the revision annotation and the status. */
  private writeDeployment(run: Run, annotations: Record<string, string> | undefined, status: DeploymentStatus): void {
    const api = this.cluster.api;
    if (annotations && !sameJson(annotations, run.d.metadata.annotations ?? {})) {
      run.d = api.update({ ...run.d, metadata: { ...run.d.metadata, annotations } });
    }
    if (!sameJson(status, run.d.status ?? {})) run.d = api.updateStatus({ ...run.d, status });
  }

  private revisionAnnotations(d: Deployment, revision: string): Record<string, string> | undefined {
    if (d.metadata.annotations?.[REVISION_ANNOTATION] === revision) return undefined;
    return { ...(d.metadata.annotations ?? {}), [REVISION_ANNOTATION]: revision };
  }

  // ---------- the new ReplicaSet ----------

  private getAllReplicaSetsAndSyncRevision(run: Run, rsList: readonly ReplicaSet[], create: boolean): { newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] } {
    const list = this.fresh(rsList);
    const oldRSs = findOldReplicaSets(run.d, list);
    const newRS = this.getNewReplicaSet(run, list, oldRSs, create);
    return { newRS, oldRSs: this.fresh(oldRSs) };
  }

  private getNewReplicaSet(run: Run, rsList: readonly ReplicaSet[], oldRSs: readonly ReplicaSet[], create: boolean): ReplicaSet | undefined {
    const api = this.cluster.api;
    const d = run.d;
    const existing = findNewReplicaSet(d, rsList);
    const newRevision = maxRevision(oldRSs) + 1;

    if (existing) {
      const annotations = newReplicaSetAnnotations(d, existing, newRevision, true);
      const minReadyChanged = (existing.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0);
      if (annotations || minReadyChanged) {
        const spec = { ...existing.spec };
        if (d.spec.minReadySeconds) spec.minReadySeconds = d.spec.minReadySeconds;
        else delete spec.minReadySeconds;
        return api.update({ ...existing, metadata: { ...existing.metadata, annotations: annotations ?? existing.metadata.annotations }, spec });
      }
      const revisionAnnotations = this.revisionAnnotations(d, existing.metadata.annotations?.[REVISION_ANNOTATION] ?? '');
      let status = d.status ?? {};
      if (hasProgressDeadline(d) && !getCondition(status, PROGRESSING)) {
        const msg = `Found new replica set "${existing.metadata.name}"`;
        status = setCondition(status, newCondition(PROGRESSING, 'True', Reason.FoundNewReplicaSet, msg, run.now));
      }
      this.writeDeployment(run, revisionAnnotations, status);
      return existing;
    }
    if (!create) return undefined;

    const hash = computeHash(d.spec.template, d.status?.collisionCount);
    const labels = { ...(d.spec.template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
    const template = structuredClone(d.spec.template);
    template.metadata = { ...(template.metadata ?? {}), labels };
    const selector = structuredClone(d.spec.selector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
    const rsName = `${d.metadata.name}-${hash}`;
    const draft: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: rsName, namespace: d.metadata.namespace, labels: { ...labels }, ownerReferences: [controllerRef(d)] },
      spec: { replicas: 0, ...(d.spec.minReadySeconds ? { minReadySeconds: d.spec.minReadySeconds } : {}), selector, template },
    };
    const replicas = newRSNewReplicas(d, [...oldRSs, draft], draft);
    draft.spec.replicas = replicas;
    const annotations = newReplicaSetAnnotations(d, draft, newRevision, false);
    if (annotations) draft.metadata.annotations = annotations;

    let created: ReplicaSet;
    let alreadyExists = false;
    try {
      created = api.create(draft);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.reason === 'AlreadyExists') {
        const rs = api.get('ReplicaSet', d.metadata.namespace, rsName);
        if (rs && controllerOf(rs)?.uid === d.metadata.uid && equalIgnoreHash(d.spec.template, rs.spec.template)) {
          created = rs;
          alreadyExists = true;
        } else {
          // A hash collision: bump collisionCount and try again with a different name.
          const status = { ...(d.status ?? {}), collisionCount: (d.status?.collisionCount ?? 0) + 1 };
          run.d = api.updateStatus({ ...d, status });
          throw e;
        }
      } else if (e.message.includes('because it is being terminated')) {
        throw e;
      } else {
        const msg = `Failed to create new replica set "${rsName}": ${e.message}`;
        if (hasProgressDeadline(d)) {
          const status = setCondition(d.status ?? {}, newCondition(PROGRESSING, 'False', Reason.FailedRSCreate, msg, run.now));
          this.writeDeployment(run, undefined, status);
        }
        this.cluster.events.record(run.d, 'Warning', Reason.FailedRSCreate, msg, SOURCE);
        throw e;
      }
    }
    if (!alreadyExists && replicas > 0) {
      this.cluster.events.record(run.d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`, SOURCE);
    }
    let status = run.d.status ?? {};
    if (!alreadyExists && hasProgressDeadline(run.d)) {
      const msg = `Created new replica set "${created.metadata.name}"`;
      status = setCondition(status, newCondition(PROGRESSING, 'True', Reason.NewReplicaSetCreated, msg, run.now));
    }
    this.writeDeployment(run, this.revisionAnnotations(run.d, String(newRevision)), status);
    return created;
  }

  // ---------- scaling ReplicaSets ----------

  /** scaleReplicaSet: sets the size and the replica annotations; records ScalingReplicaSet when the size changed. */
  private scaleReplicaSet(run: Run, rs: ReplicaSet, to: number): boolean {
    const current = this.freshOne(rs);
    if (!current) return false;
    const from = rsReplicas(current);
    const { desired, max } = replicasAnnotationsFor(run.d);
    const annotations = withReplicasAnnotations(current, desired, max);
    if (from === to && !annotations) return false;
    const updated = this.cluster.api.update({
      ...current,
      metadata: { ...current.metadata, annotations: annotations ?? current.metadata.annotations },
      spec: { ...current.spec, replicas: to },
    });
    if (from === to) return false;
    const op = from < to ? 'up' : 'down';
    this.cluster.events.record(run.d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${updated.metadata.name} from ${from} to ${to}`, SOURCE);
    return true;
  }

  /** scaleReplicaSetAndRecordEvent: nothing when the size is already right. */
  private scaleTo(run: Run, rs: ReplicaSet, to: number): boolean {
    const current = this.freshOne(rs);
    if (!current || rsReplicas(current) === to) return false;
    return this.scaleReplicaSet(run, current, to);
  }

  // ---------- paused, scaling events, status ----------

  private checkPausedConditions(run: Run): void {
    const d = run.d;
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status, PROGRESSING);
    if (cond?.reason === Reason.ProgressDeadlineExceeded) return;
    const pausedCond = cond?.reason === Reason.DeploymentPaused;
    let next: Condition | undefined;
    if (d.spec.paused && !pausedCond) next = newCondition(PROGRESSING, 'Unknown', Reason.DeploymentPaused, 'Deployment is paused', run.now);
    else if (!d.spec.paused && pausedCond) next = newCondition(PROGRESSING, 'Unknown', Reason.DeploymentResumed, 'Deployment is resumed', run.now);
    if (next) this.writeDeployment(run, undefined, setCondition(d.status ?? {}, next));
  }

  /** isScalingEvent: an active ReplicaSet was sized for a different spec.replicas. */
  private isScalingEvent(run: Run, rsList: readonly ReplicaSet[]): boolean {
    const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(run, rsList, false);
    for (const rs of filterActive([...oldRSs, newRS])) {
      const desired = desiredReplicasAnnotation(rs);
      if (desired !== undefined && desired !== replicasOf(run.d)) return true;
    }
    return false;
  }

  /** sync.go sync(): scale (proportionally if need be), clean up history while paused, update status. */
  private syncScale(run: Run, rsList: readonly ReplicaSet[]): void {
    const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(run, rsList, false);
    for (const s of planScale(run.d, newRS, oldRSs)) this.scaleReplicaSet(run, s.rs, s.to);
    if (run.d.spec.paused) this.cleanupDeployment(run, this.fresh(oldRSs));
    const fresh = this.fresh([...oldRSs, ...(newRS ? [newRS] : [])]);
    this.syncDeploymentStatus(run, fresh, this.freshOne(newRS));
  }

  private syncDeploymentStatus(run: Run, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): void {
    const status = calculateStatus(allRSs, newRS, run.d, run.now);
    this.writeDeployment(run, undefined, status);
  }

  private syncRolloutStatus(run: Run, key: string, rss: readonly ReplicaSet[], newRS: ReplicaSet | undefined): void {
    const allRSs = this.fresh(rss);
    const status = rolloutStatus(allRSs, this.freshOne(newRS), run.d, run.now);
    if (sameJson(status, run.d.status ?? {})) {
      this.requeueStuckDeployment(run, key, status);
      return;
    }
    this.writeDeployment(run, undefined, status);
  }

  /** Re-check the progress deadline one second after it would pass (requeueStuckDeployment). */
  private requeueStuckDeployment(run: Run, key: string, status: DeploymentStatus): void {
    const cond = getCondition(run.d.status, PROGRESSING);
    if (!hasProgressDeadline(run.d) || !cond) return;
    if (deploymentComplete(run.d, status) || cond.reason === Reason.ProgressDeadlineExceeded) return;
    const deadline = progressDeadline(run.d, run.d.status);
    if (deadline === undefined) return;
    const after = deadline - run.now;
    // Past the deadline with nothing to change (a complete rollout whose pods became unavailable: it never times
    // out), Kubernetes requeues rate-limited. A timer at a past time would fire at once, for ever: poll each second,
    // in the background, instead.
    const overdue = deadline + 1 <= run.now;
    const at = overdue ? run.now + 1000 : after < 1000 ? deadline + 1 : deadline + 1000;
    this.deadlineTimers.set(key, this.cluster.clock.at(at, () => {
      this.deadlineTimers.delete(key);
      this.queue.add(key);
    }, overdue ? { background: true } : {}));
  }

  /** cleanupDeployment: delete old ReplicaSets beyond revisionHistoryLimit (only empty, settled ones). */
  private cleanupDeployment(run: Run, oldRSs: readonly ReplicaSet[]): void {
    for (const rs of planHistoryCleanup(oldRSs, run.d.spec.revisionHistoryLimit)) {
      try {
        this.cluster.api.delete('ReplicaSet', rs.metadata.namespace, rs.metadata.name!);
      } catch (e) {
        if (!(e instanceof ApiError) || e.reason !== 'NotFound') throw e;
      }
    }
  }

  // ---------- strategies ----------

  private rolloutRolling(run: Run, rsList: readonly ReplicaSet[], key: string): void {
    const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(run, rsList, true);
    if (!newRS) return;
    const all = (): ReplicaSet[] => [...oldRSs, newRS];
    const target = planNewReplicaSet(run.d, all(), newRS);
    if (target !== undefined && this.scaleTo(run, newRS, target)) {
      this.syncRolloutStatus(run, key, all(), newRS);
      return;
    }
    const { cleanup, scaleDown } = planOldReplicaSets(run.d, filterActive(oldRSs), newRS);
    let scaledDown = false;
    for (const s of [...cleanup, ...scaleDown]) if (this.scaleTo(run, s.rs, s.to)) scaledDown = true;
    if (scaledDown) {
      this.syncRolloutStatus(run, key, all(), newRS);
      return;
    }
    if (deploymentComplete(run.d, run.d.status)) this.cleanupDeployment(run, this.fresh(oldRSs));
    this.syncRolloutStatus(run, key, all(), newRS);
  }

  private rolloutRecreate(run: Run, rsList: readonly ReplicaSet[], key: string): void {
    let { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(run, rsList, false);
    const all = (): ReplicaSet[] => [...oldRSs, ...(newRS ? [newRS] : [])];
    let scaledDown = false;
    for (const rs of filterActive(oldRSs)) if (this.scaleTo(run, rs, 0)) scaledDown = true;
    if (scaledDown) {
      this.syncRolloutStatus(run, key, all(), newRS);
      return;
    }
    if (this.oldPodsRunning(newRS, this.fresh(oldRSs))) {
      this.syncRolloutStatus(run, key, all(), newRS);
      return;
    }
    if (!newRS) ({ newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(run, rsList, true));
    if (newRS) this.scaleTo(run, newRS, replicasOf(run.d));
    if (deploymentComplete(run.d, run.d.status)) this.cleanupDeployment(run, this.fresh(oldRSs));
    this.syncRolloutStatus(run, key, all(), newRS);
  }

  /** oldPodsRunning: old ReplicaSets still report pods, or an old pod (even one terminating) is not finished. */
  private oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): boolean {
    if (actualReplicas(oldRSs) > 0) return true;
    for (const rs of oldRSs) {
      if (rs.metadata.uid === newRS?.metadata.uid) continue;
      for (const p of this.cluster.api.store.dependents(rs.metadata.uid!)) {
        if (p.kind !== 'Pod' || controllerOf(p)?.uid !== rs.metadata.uid) continue;
        const phase = p.status?.phase;
        if (phase !== 'Succeeded' && phase !== 'Failed') return true;
      }
    }
    return false;
  }

  // ---------- retries ----------

  private clearRetry(key: string): void {
    const retry = this.retries.get(key);
    if (retry) this.cluster.clock.cancel(retry.timer);
    this.retries.delete(key);
  }

  private scheduleRetry(key: string): void {
    const previous = this.retries.get(key);
    if (previous) this.cluster.clock.cancel(previous.timer);
    const failures = (previous?.failures ?? 0) + 1;
    const delay = Math.min(RETRY_BASE_MS * 2 ** (failures - 1), RETRY_MAX_MS);
    this.retries.set(key, { failures, timer: this.cluster.clock.after(delay, () => this.queue.add(key)) });
  }
}

/** Installs the Deployment controller once; returns the installed one. Install the ReplicaSet controller too. */
export function installDeployments(cluster: Cluster): DeploymentController {
  const existing = cluster.controller<DeploymentController>(DEPLOYMENT_CONTROLLER);
  if (existing) return existing;
  const controller = new DeploymentController(cluster);
  cluster.addController(controller);
  return controller;
}
