/**
 * The StatefulSet controller (pkg/controller/statefulset, v1.31): ordered or parallel pod management with stable
 * identities, claims from volumeClaimTemplates with their retention policy, RollingUpdate from the highest ordinal
 * down to the partition, OnDelete, ControllerRevisions with currentRevision/updateRevision, status and events.
 */
import type { OwnerReference } from '../api/meta.js';
import type { ControllerRevision, PersistentVolumeClaim, Pod, StatefulSet } from '../api/types.js';
import type { Cluster } from '../cluster.js';
import type { TimerHandle } from '../clock.js';
import { ApiError } from '../errors.js';
import {
  HISTORY_HASH_LABEL, hashRevision, newRevision, nextRevisionNumber, ownedRevisions, revisionsToDelete, sameData, templateOf,
} from './history.js';
import { PodClaimer } from './podClaimer.js';
import {
  availableAfter, controllerOf, isPodAvailable, isRunningAndReady, isTerminal, isTerminating, keyOf, scaledIntOrPercent, splitKey,
} from './podState.js';
import {
  claimOwners, claimsFor, identityMatches, isMemberOf, newPod, ordinalOf, POD_INDEX_LABEL, POD_NAME_LABEL, replicaCount, revisionOf,
  startOrdinal, usesCurrentRevision,
} from './statefulSetIdentity.js';
import { WorkQueue, type Controller } from '../workqueue.js';

export const STATEFUL_SET_CONTROLLER = 'statefulset-controller';

export interface StatefulSetControllerOptions {
  /** The MaxUnavailableStatefulSet feature gate (alpha in 1.31, off by default): honour rollingUpdate.maxUnavailable. */
  maxUnavailableStatefulSet?: boolean;
}

type Status = NonNullable<StatefulSet['status']>;

export class StatefulSetController implements Controller {
  readonly name = STATEFUL_SET_CONTROLLER;
  readonly queue = new WorkQueue();
  private readonly timers = new Map<string, TimerHandle>();
  private readonly claimer: PodClaimer<StatefulSet>;

  constructor(
    private readonly cluster: Cluster,
    private readonly options: StatefulSetControllerOptions = {},
  ) {
    const api = cluster.api;
    this.claimer = new PodClaimer(cluster, 'StatefulSet', (set, pod) => isMemberOf(set, pod));
    api.watch({ kinds: ['StatefulSet'] }, (e) => {
      const key = keyOf(e.object);
      if (e.type === 'DELETED') {
        this.clock.cancel(this.timers.get(key));
        this.timers.delete(key);
        return;
      }
      if (e.type === 'ADDED') this.claimer.scanNamespace(e.object as StatefulSet);
      this.queue.add(key);
    });
    api.watch({ kinds: ['Pod'] }, (e) => {
      const pod = e.object as Pod;
      const ref = controllerOf(pod);
      if (ref) {
        if (ref.kind === 'StatefulSet') this.queue.add(`${pod.metadata.namespace}/${ref.name}`);
        return;
      }
      if (e.type !== 'DELETED') for (const key of this.claimer.orphanMatches(pod)) this.queue.add(key);
    });
  }

  private get clock() {
    return this.cluster.clock;
  }

  sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const set = this.cluster.api.get('StatefulSet', namespace, name);
    if (!set) return;
    const pods = this.claimer.claim(set, key);
    const revisions = ownedRevisions(this.cluster.store, set.metadata.uid!);
    const { current, update, collisionCount } = this.revisions(set, revisions);
    if (!set.metadata.deletionTimestamp) this.reconcile(set, pods, current, update);
    this.updateStatus(set, current, update, collisionCount);
    this.truncateHistory(set, current, update);
  }

  // ---------- revisions ----------

  /** getStatefulSetRevisions: find or create the update revision; the current one is status.currentRevision. */
  private revisions(set: StatefulSet, sorted: ControllerRevision[]) {
    const api = this.cluster.api;
    let collisionCount = set.status?.collisionCount ?? 0;
    const labels = set.spec.template.metadata?.labels ?? {};
    const build = (revision: number) =>
      newRevision(set, revision, (data) => hashRevision(data, collisionCount), labels);
    let candidate = build(nextRevisionNumber(sorted));
    const equal = sorted.filter((r) => sameData(r, candidate));
    let update: ControllerRevision;
    const last = sorted.at(-1);
    if (equal.length > 0 && last && equal.at(-1) === last) {
      update = last;
    } else if (equal.length > 0) {
      update = api.update({ ...equal.at(-1)!, revision: candidate.revision });
    } else {
      for (;;) {
        candidate.metadata.labels = { ...candidate.metadata.labels, [HISTORY_HASH_LABEL]: candidate.metadata.name!.slice(set.metadata.name!.length + 1) };
        const existing = api.get('ControllerRevision', set.metadata.namespace, candidate.metadata.name!);
        if (!existing) {
          update = api.create(candidate);
          break;
        }
        if (sameData(existing, candidate) && existing.metadata.ownerReferences?.some((r) => r.uid === set.metadata.uid)) {
          update = existing;
          break;
        }
        collisionCount++;
        candidate = build(candidate.revision);
      }
    }
    const current = sorted.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
    return { current, update, collisionCount };
  }

  private truncateHistory(set: StatefulSet, current: ControllerRevision, update: ControllerRevision): void {
    const live = new Set([current.metadata.name!, update.metadata.name!]);
    for (const pod of this.ownedPods(set)) {
      const rev = revisionOf(pod);
      if (rev) live.add(rev);
    }
    const sorted = ownedRevisions(this.cluster.store, set.metadata.uid!);
    for (const r of revisionsToDelete(sorted, live, set.spec.revisionHistoryLimit ?? 10)) {
      this.cluster.api.delete('ControllerRevision', r.metadata.namespace, r.metadata.name!);
    }
  }

  // ---------- pods ----------

  private ownedPods(set: StatefulSet): Pod[] {
    return this.cluster.store.dependents(set.metadata.uid!).filter(
      (o): o is Pod => o.kind === 'Pod' && controllerOf(o)?.uid === set.metadata.uid,
    );
  }

  /** updateStatefulSet: one pass of the invariants, in the order the real controller applies them. */
  private reconcile(set: StatefulSet, pods: Pod[], current: ControllerRevision, update: ControllerRevision): void {
    const start = startOrdinal(set);
    const count = replicaCount(set);
    const replicas: (Pod | undefined)[] = new Array(count).fill(undefined);
    const condemned: Pod[] = [];
    for (const pod of pods) {
      const ord = ordinalOf(pod);
      if (ord >= start && ord < start + count) replicas[ord - start] = pod;
      else if (ord >= 0) condemned.push(pod);
    }
    condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
    const monotonic = set.spec.podManagementPolicy !== 'Parallel';
    const minReady = set.spec.minReadySeconds ?? 0;
    const now = this.clock.now();
    const currentTemplate = templateOf(current) ?? set.spec.template;
    const healthy = (p: Pod) => isRunningAndReady(p) && !isTerminating(p);

    let firstUnhealthy: Pod | undefined = replicas.find((p) => p && !healthy(p));
    if (!firstUnhealthy) firstUnhealthy = [...condemned].reverse().find((p) => !healthy(p));

    const versioned = (ordinal: number): Pod =>
      usesCurrentRevision(set, ordinal)
        ? newPod(set, currentTemplate, ordinal, current.metadata.name!)
        : newPod(set, set.spec.template, ordinal, update.metadata.name!);

    // 1. Every in-range replica: recreate failed ones, create missing ones, wait (OrderedReady) until healthy.
    for (let i = 0; i < count; i++) {
      const ordinal = start + i;
      let pod = replicas[i];
      if (pod && isTerminal(pod)) {
        const failed = pod.status?.phase === 'Failed';
        this.event(set, failed ? 'Warning' : 'Normal', failed ? 'RecreatingFailedPod' : 'RecreatingTerminatedPod',
          `StatefulSet ${set.metadata.namespace}/${set.metadata.name} is recreating ${failed ? 'failed' : 'terminated'} Pod ${pod.metadata.name}`);
        if (!this.deletePod(set, pod)) return;
        pod = undefined;
      }
      if (!pod) {
        pod = this.createPod(set, versioned(ordinal));
        if (!pod) return;
        replicas[i] = pod;
        if (monotonic) return;
      }
      if (pod.status?.phase === 'Pending') this.createMissingClaims(set, pod, ordinal);
      if (monotonic && isTerminating(pod)) return;
      if (monotonic && !isRunningAndReady(pod)) return;
      if (monotonic && !isPodAvailable(pod, minReady, now)) return;
      this.enforceIdentity(set, pod, ordinal);
    }

    // 2. Claims of condemned pods follow the whenScaled policy; then scale down, highest ordinal first.
    for (const pod of condemned) this.fixClaimOwners(set, pod, ordinalOf(pod), true);
    for (const pod of condemned) {
      if (isTerminating(pod)) {
        if (monotonic) return;
        continue;
      }
      if (monotonic && pod !== firstUnhealthy && (!isRunningAndReady(pod) || !isPodAvailable(pod, minReady, now))) return;
      this.deletePod(set, pod);
      if (monotonic) return;
    }

    // 3. Updates.
    if (set.spec.updateStrategy?.type === 'OnDelete') return;
    const partition = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    const live = replicas.map((p) => (p ? this.cluster.api.get('Pod', p.metadata.namespace, p.metadata.name!) : undefined));
    if (this.options.maxUnavailableStatefulSet) {
      this.rollWithMaxUnavailable(set, live, update.metadata.name!, partition);
      return;
    }
    for (let target = count - 1; target >= partition; target--) {
      const pod = live[target];
      if (!pod) return;
      if (revisionOf(pod) !== update.metadata.name && !isTerminating(pod)) {
        this.deletePod(set, pod);
        return;
      }
      if (!healthy(pod)) return;
    }
  }

  /** updateStatefulSetAfterInvariantEstablished (MaxUnavailableStatefulSet). */
  private rollWithMaxUnavailable(set: StatefulSet, replicas: (Pod | undefined)[], updateRevision: string, partition: number): void {
    const count = replicas.length;
    const raw = set.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1;
    const maxUnavailable = Math.max(1, scaledIntOrPercent(raw, count, false));
    const minReady = set.spec.minReadySeconds ?? 0;
    const now = this.clock.now();
    let unavailable = 0;
    for (const p of replicas) if (!p || isTerminating(p) || !isPodAvailable(p, minReady, now) || p.status?.phase !== 'Running') unavailable++;
    let budget = maxUnavailable - unavailable;
    for (let target = count - 1; target >= partition && budget > 0; target--) {
      const pod = replicas[target];
      if (pod && revisionOf(pod) !== updateRevision && !isTerminating(pod)) {
        this.deletePod(set, pod);
        budget--;
      }
    }
  }

  private createPod(set: StatefulSet, pod: Pod): Pod | undefined {
    const ordinal = ordinalOf(pod);
    if (!this.createMissingClaims(set, pod, ordinal)) return undefined;
    try {
      const created = this.cluster.api.create(pod);
      this.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
      return created;
    } catch (err) {
      if (err instanceof ApiError) {
        this.event(set, 'Warning', 'FailedCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${err.message}`);
        return undefined;
      }
      throw err;
    }
  }

  /** DeleteStatefulPod; true when the pod is gone at once (a terminal pod), so its replacement can be created now. */
  private deletePod(set: StatefulSet, pod: Pod): boolean {
    try {
      this.cluster.api.delete('Pod', pod.metadata.namespace, pod.metadata.name!);
    } catch (err) {
      if (err instanceof ApiError && err.reason === 'NotFound') return true;
      throw err;
    }
    this.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    return this.cluster.api.get('Pod', pod.metadata.namespace, pod.metadata.name!) === undefined;
  }

  /** createPersistentVolumeClaims: false when a claim cannot be used yet (it is being deleted). */
  private createMissingClaims(set: StatefulSet, pod: Pod, ordinal: number): boolean {
    const api = this.cluster.api;
    let ok = true;
    for (const claim of claimsFor(set, ordinal)) {
      const existing = api.get('PersistentVolumeClaim', claim.metadata.namespace, claim.metadata.name!);
      if (existing) {
        if (existing.metadata.deletionTimestamp) ok = false;
        continue;
      }
      const owners = claimOwners(set, undefined, false);
      const toCreate: PersistentVolumeClaim = owners.length > 0 ? { ...claim, metadata: { ...claim.metadata, ownerReferences: owners } } : claim;
      try {
        api.create(toCreate);
        this.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        this.event(set, 'Warning', 'FailedCreate', `create Claim ${claim.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${err.message}`);
        ok = false;
      }
    }
    return ok;
  }

  /** The retention policy on a pod's claims: owner references to the set and/or the pod. */
  private fixClaimOwners(set: StatefulSet, pod: Pod, ordinal: number, scaledDown: boolean): void {
    const api = this.cluster.api;
    const wanted = claimOwners(set, pod, scaledDown);
    for (const claim of claimsFor(set, ordinal)) {
      const existing = api.get('PersistentVolumeClaim', claim.metadata.namespace, claim.metadata.name!);
      if (!existing || existing.metadata.deletionTimestamp) continue;
      const ours = (r: OwnerReference) => r.uid === set.metadata.uid || (r.kind === 'Pod' && r.name === pod.metadata.name);
      const refs = [...(existing.metadata.ownerReferences ?? []).filter((r) => !ours(r)), ...wanted];
      if (JSON.stringify(refs) === JSON.stringify(existing.metadata.ownerReferences ?? [])) continue;
      const metadata = { ...existing.metadata, ownerReferences: refs };
      if (refs.length === 0) delete (metadata as { ownerReferences?: unknown }).ownerReferences;
      api.update({ ...existing, metadata });
    }
  }

  /** The identity labels a pod must carry (a user may have removed them), and its claims' owners. */
  private enforceIdentity(set: StatefulSet, pod: Pod, ordinal: number): void {
    this.fixClaimOwners(set, pod, ordinal, false);
    if (identityMatches(set, pod)) return;
    const live = this.cluster.api.get('Pod', pod.metadata.namespace, pod.metadata.name!);
    if (!live) return;
    const labels = { ...(live.metadata.labels ?? {}), [POD_NAME_LABEL]: live.metadata.name!, [POD_INDEX_LABEL]: String(ordinal) };
    this.cluster.api.update({ ...live, metadata: { ...live.metadata, labels } });
  }

  // ---------- status ----------

  private updateStatus(set: StatefulSet, current: ControllerRevision, update: ControllerRevision, collisionCount: number): void {
    const minReady = set.spec.minReadySeconds ?? 0;
    const now = this.clock.now();
    let replicas = 0, ready = 0, available = 0, currentReplicas = 0, updated = 0;
    let nextAvailable = Infinity;
    for (const pod of this.ownedPods(set)) {
      replicas++;
      if (isRunningAndReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReady, now)) available++;
        else nextAvailable = Math.min(nextAvailable, availableAfter(pod, minReady)!);
      }
      if (!isTerminating(pod)) {
        const rev = revisionOf(pod);
        if (rev === current.metadata.name) currentReplicas++;
        if (rev === update.metadata.name) updated++;
      }
    }
    let currentRevision = current.metadata.name!;
    const rollingUpdate = (set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    // completeRollingUpdate
    if (rollingUpdate && updated === replicas && ready === replicas) {
      currentReplicas = updated;
      currentRevision = update.metadata.name!;
    }
    const status: Status = {
      observedGeneration: set.metadata.generation,
      replicas,
      ...(ready ? { readyReplicas: ready } : {}),
      ...(currentReplicas ? { currentReplicas } : {}),
      ...(updated ? { updatedReplicas: updated } : {}),
      currentRevision,
      updateRevision: update.metadata.name!,
      collisionCount,
      availableReplicas: available,
    };
    const fresh = this.cluster.api.get('StatefulSet', set.metadata.namespace, set.metadata.name!);
    if (fresh && JSON.stringify(fresh.status ?? {}) !== JSON.stringify({ ...status, ...(fresh.status?.conditions ? { conditions: fresh.status.conditions } : {}) })) {
      this.cluster.api.updateStatus({ ...fresh, status: { ...status, ...(fresh.status?.conditions ? { conditions: fresh.status.conditions } : {}) } });
    }
    this.requeueAt(keyOf(set), nextAvailable);
  }

  /** Ready pods become available after minReadySeconds: look again just after that moment. */
  private requeueAt(key: string, availableAt: number): void {
    const existing = this.timers.get(key);
    if (availableAt === Infinity) {
      this.clock.cancel(existing);
      this.timers.delete(key);
      return;
    }
    const at = availableAt + 1;
    if (existing && !existing.cancelled && existing.at === at) return;
    this.clock.cancel(existing);
    this.timers.set(key, this.clock.at(at, () => {
      this.timers.delete(key);
      this.queue.add(key);
    }));
  }

  private event(set: StatefulSet, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.cluster.events.record(set, type, reason, message, { component: STATEFUL_SET_CONTROLLER });
  }
}

/** Installs the StatefulSet controller once; returns the installed one. */
export function installStatefulSetController(cluster: Cluster, options: StatefulSetControllerOptions = {}): StatefulSetController {
  const existing = cluster.controller<StatefulSetController>(STATEFUL_SET_CONTROLLER);
  if (existing) return existing;
  const controller = new StatefulSetController(cluster, options);
  cluster.addController(controller);
  for (const set of cluster.store.list('StatefulSet')) controller.queue.add(keyOf(set));
  return controller;
}
