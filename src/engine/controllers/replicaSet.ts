/**
 * The ReplicaSet controller (pkg/controller/replicaset): keeps `spec.replicas` active pods, creating them in
 * slow-start batches and deleting the best victims first, adopts matching orphans and releases pods that stop
 * matching, and reports replicas / fullyLabeledReplicas / readyReplicas / availableReplicas and ReplicaFailure.
 */
import type { Condition, LabelSelector, OwnerReference } from '../api/meta.js';
import type { Pod, ReplicaSet } from '../api/types.js';
import type { Cluster } from '../cluster.js';
import { toRfc3339, type TimerHandle } from '../clock.js';
import { ApiError } from '../errors.js';
import { fromLabelSelector, matches, type Selector } from '../selectors.js';
import { WorkQueue, type Controller } from '../workqueue.js';
import { claim, OrphanIndex, release } from './replicaSetOwnership.js';
import { Tallies, type Tally } from './replicaSetTally.js';
import { ActivePodsByNode } from './activePodsByNode.js';
import { BURST_REPLICAS, podFromTemplate, podsToDelete, slowStartBatches } from './replicaSetPods.js';
import { controllerOf, isPodActive } from './podState.js';

export const REPLICASET_CONTROLLER = 'replicaset-controller';
const SOURCE = { component: REPLICASET_CONTROLLER };

/** The workqueue's per-item exponential backoff after a failed sync: 5 ms doubling, capped at 1000 s. */
const RETRY_BASE_MS = 5;
const RETRY_MAX_MS = 1000 * 1000;

export type ReplicaSetStatus = NonNullable<ReplicaSet['status']>;

const keyOf = (namespace: string | undefined, name: string) => `${namespace ?? 'default'}/${name}`;

/** A pod's owner key by its (immutable, shared by the pod's versions) controller reference: built once per pod. */
const ownerKeys = new WeakMap<OwnerReference, { namespace: string | undefined; key: string }>();

function ownerKeyOf(pod: Pod, ref: OwnerReference): string {
  const namespace = pod.metadata.namespace;
  const cached = ownerKeys.get(ref);
  if (cached && cached.namespace === namespace) return cached.key;
  const key = keyOf(namespace, ref.name);
  ownerKeys.set(ref, { namespace, key });
  return key;
}

export interface ReplicaCounts {
  replicas: number;
  fullyLabeled: number;
  ready: number;
  available: number;
}

/** calculateStatus (replica_set_utils.go), with the API's omitempty: zero counts are left out. */
export function replicaSetStatus(rs: ReplicaSet, counts: ReplicaCounts, now: number, manageError: string | undefined): ReplicaSetStatus {
  let conditions = rs.status?.conditions ?? [];
  const failure = conditions.find((c) => c.type === 'ReplicaFailure');
  if (manageError !== undefined && !failure) {
    const diff = counts.replicas - (rs.spec.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const cond: Condition = { type: 'ReplicaFailure', status: 'True', lastTransitionTime: toRfc3339(now), ...(reason ? { reason } : {}), message: manageError };
    conditions = [...conditions, cond];
  } else if (manageError === undefined && failure) {
    conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
  }
  return {
    replicas: counts.replicas,
    ...(counts.fullyLabeled ? { fullyLabeledReplicas: counts.fullyLabeled } : {}),
    ...(counts.ready ? { readyReplicas: counts.ready } : {}),
    ...(counts.available ? { availableReplicas: counts.available } : {}),
    ...(rs.metadata.generation ? { observedGeneration: rs.metadata.generation } : {}),
    ...(conditions.length ? { conditions } : {}),
  };
}

/** updateReplicaSetStatus's skip test: counts, observedGeneration and conditions unchanged. */
function sameStatus(a: ReplicaSetStatus | undefined, b: ReplicaSetStatus): boolean {
  if (!a) return false;
  return a.replicas === b.replicas && a.fullyLabeledReplicas === b.fullyLabeledReplicas && a.readyReplicas === b.readyReplicas
    && a.availableReplicas === b.availableReplicas && a.observedGeneration === b.observedGeneration
    && (a.conditions === b.conditions || JSON.stringify(a.conditions) === JSON.stringify(b.conditions));
}

export class ReplicaSetController implements Controller {
  readonly name = REPLICASET_CONTROLLER;
  readonly queue = new WorkQueue();
  private readonly orphanPods: OrphanIndex<Pod>;
  /** Pod uid -> the key of the ReplicaSet that controlled it when last seen, to resync a former owner. */
  private readonly podOwner = new Map<string, string>();
  private readonly availabilityTimers = new Map<string, TimerHandle>();
  private readonly retries = new Map<string, { failures: number; timer: TimerHandle }>();
  private readonly selectors = new Map<string, { source: LabelSelector; parsed: Selector }>();
  /** Set while this controller writes a status: the watch event that write causes needs no sync. */
  private writingStatus = false;
  private readonly tallies: Tallies;
  private readonly activeOnNode = new ActivePodsByNode();

  constructor(private readonly cluster: Cluster) {
    const api = cluster.api;
    this.tallies = new Tallies(api.store);
    api.watch({ kinds: ['ReplicaSet'] }, (e) => {
      // Our own status write changes nothing a sync reads: no need to sync again for it.
      if (e.type === 'MODIFIED' && this.writingStatus) return;
      this.queue.add(keyOf(e.object.metadata.namespace, e.object.metadata.name!));
    });
    for (const pod of api.store.list('Pod')) this.activeOnNode.observe(pod, true);
    this.orphanPods = new OrphanIndex<Pod>(api, 'Pod', (pod, type) => this.podChanged(pod, type));
    for (const rs of api.store.list('ReplicaSet')) this.queue.add(keyOf(rs.metadata.namespace, rs.metadata.name!));
  }

  private podChanged(pod: Pod, type: 'ADDED' | 'MODIFIED' | 'DELETED'): void {
    const uid = pod.metadata.uid!;
    this.activeOnNode.observe(pod, type !== 'DELETED');
    const ref = controllerOf(pod);
    const ownerKey = ref?.kind === 'ReplicaSet' ? ownerKeyOf(pod, ref) : undefined;
    const previous = this.podOwner.get(uid);
    if (previous !== undefined && previous !== ownerKey) {
      this.tallies.forgetPod(previous, uid);
      this.queue.add(previous);
    }
    if (ownerKey) this.tallies.observe(ownerKey, pod, type === 'DELETED');
    if (type === 'DELETED' || !ownerKey) this.podOwner.delete(uid);
    else if (previous !== ownerKey) this.podOwner.set(uid, ownerKey);
    if (ownerKey) {
      this.queue.add(ownerKey);
      return;
    }
    if (ref || type === 'DELETED' || !isPodActive(pod)) return;
    // An orphan: every ReplicaSet whose selector matches may adopt it.
    for (const rs of this.cluster.api.store.list('ReplicaSet', pod.metadata.namespace)) {
      if (matches(fromLabelSelector(rs.spec.selector), pod.metadata.labels)) this.queue.add(keyOf(rs.metadata.namespace, rs.metadata.name!));
    }
  }

  sync(key: string): void {
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const api = this.cluster.api;
    const rs = api.get('ReplicaSet', namespace, name);
    this.cluster.clock.cancel(this.availabilityTimers.get(key));
    this.availabilityTimers.delete(key);
    if (!rs) {
      this.clearRetry(key);
      this.selectors.delete(key);
      this.tallies.drop(key);
      return;
    }
    const tally = this.tallies.of(key, rs);
    if (!rs.metadata.deletionTimestamp) for (const stray of [...tally.stray.values()]) release(api, stray, rs.metadata.uid!);
    const orphans = this.orphanPods.in(namespace);
    if (orphans.length > 0) claim(api, rs, this.selectorOf(key, rs), orphans.filter(isPodActive));

    let manageError: string | undefined;
    if (!rs.metadata.deletionTimestamp) {
      const diff = tally.counted - (rs.spec.replicas ?? 1);
      manageError = diff === 0 ? undefined : this.manageReplicas(rs, tally, diff);
      if (manageError === undefined) this.clearRetry(key);
      else this.scheduleRetry(key);
    }

    const now = this.cluster.clock.now();
    const current = api.get('ReplicaSet', namespace, name) ?? rs;
    const { available, next } = tally.availability(current.spec.minReadySeconds ?? 0, now);
    const counts = { replicas: tally.counted, fullyLabeled: tally.fullyLabeled, ready: tally.ready, available };
    const status = replicaSetStatus(current, counts, now, manageError);
    if (!sameStatus(current.status, status)) {
      this.writingStatus = true;
      try {
        api.updateStatus({ ...current, status });
      } finally {
        this.writingStatus = false;
      }
    }
    // The real controller re-checks minReadySeconds + 1 s after a pod turns Ready.
    if (next !== Infinity) {
      this.availabilityTimers.set(key, this.cluster.clock.at(next + 1000, () => {
        this.availabilityTimers.delete(key);
        this.queue.add(key);
      }));
    }
  }

  /** The parsed selector, kept while the ReplicaSet's selector (immutable in the API) stays the same object. */
  private selectorOf(key: string, rs: ReplicaSet): Selector {
    const cached = this.selectors.get(key);
    if (cached && cached.source === rs.spec.selector) return cached.parsed;
    const parsed = fromLabelSelector(rs.spec.selector);
    this.selectors.set(key, { source: rs.spec.selector, parsed });
    return parsed;
  }

  private clearRetry(key: string): void {
    const retry = this.retries.get(key);
    if (retry) this.cluster.clock.cancel(retry.timer);
    this.retries.delete(key);
  }

  /** manageReplicas: creates or deletes pods towards spec.replicas; returns the error text of a failed call. */
  private manageReplicas(rs: ReplicaSet, tally: Tally, diff: number): string | undefined {
    const api = this.cluster.api;
    if (diff < 0) {
      const count = Math.min(-diff, BURST_REPLICAS);
      for (const batch of slowStartBatches(count)) {
        let error: string | undefined;
        for (let i = 0; i < batch; i++) {
          const e = this.createPod(rs);
          if (e !== undefined && error === undefined) error = e;
        }
        if (error !== undefined) return error;
      }
      return undefined;
    }
    if (diff > 0) {
      const count = Math.min(diff, BURST_REPLICAS);
      const victims = podsToDelete(tally.candidates(), this.relatedNodeCounts(rs), count, this.cluster.clock.now());
      let error: string | undefined;
      for (const pod of victims) {
        try {
          api.delete('Pod', pod.metadata.namespace, pod.metadata.name!);
          this.cluster.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, SOURCE);
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          if (e.reason === 'NotFound') continue;
          this.cluster.events.record(rs, 'Warning', 'FailedDelete', `Error deleting: ${e.message}`, SOURCE);
          error ??= e.message;
        }
      }
      return error;
    }
    return undefined;
  }

  private createPod(rs: ReplicaSet): string | undefined {
    const template = rs.spec.template;
    try {
      if (Object.keys(template.metadata?.labels ?? {}).length === 0) throw new Error('unable to create pods, no labels');
      // A new pod object around the stored template's spec.
      const pod = this.cluster.api.create(podFromTemplate(template, rs), { owned: true });
      this.cluster.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, SOURCE);
      return undefined;
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      // A terminating namespace refuses every create; the controller says nothing about it.
      if (e instanceof ApiError && e.message.includes('because it is being terminated')) return undefined;
      if (!(e instanceof ApiError) && e.message !== 'unable to create pods, no labels') throw e;
      this.cluster.events.record(rs, 'Warning', 'FailedCreate', `Error creating: ${e.message}`, SOURCE);
      return e.message;
    }
  }

  /**
   * getIndirectlyRelatedPods, counted by node: the active pods of every ReplicaSet with the same controller (for
   * the doubled-up rank).
   */
  private relatedNodeCounts(rs: ReplicaSet): Map<string, number> {
    const owner = controllerOf(rs);
    const siblings = owner ? this.cluster.api.store.dependents(owner.uid).filter((o) => o.kind === 'ReplicaSet') : [rs];
    const onNode = new Map<string, number>();
    for (const s of siblings) this.activeOnNode.addCounts(s.metadata.uid!, onNode);
    return onNode;
  }

  private scheduleRetry(key: string): void {
    const previous = this.retries.get(key);
    if (previous) this.cluster.clock.cancel(previous.timer);
    const failures = (previous?.failures ?? 0) + 1;
    const delay = Math.min(RETRY_BASE_MS * 2 ** (failures - 1), RETRY_MAX_MS);
    const timer = this.cluster.clock.after(delay, () => this.queue.add(key));
    this.retries.set(key, { failures, timer });
  }
}

/** Installs the ReplicaSet controller once; returns the installed one. */
export function installReplicaSets(cluster: Cluster): ReplicaSetController {
  const existing = cluster.controller<ReplicaSetController>(REPLICASET_CONTROLLER);
  if (existing) return existing;
  const controller = new ReplicaSetController(cluster);
  cluster.addController(controller);
  return controller;
}
