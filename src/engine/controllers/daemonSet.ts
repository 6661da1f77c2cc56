/**
 * The DaemonSet controller (pkg/controller/daemon, v1.31): one pod per eligible node, pinned to it with required node
 * affinity and placed by the scheduler; pods follow node labels, taints and nodes coming and going; RollingUpdate with
 * maxUnavailable or maxSurge (percentages round up), OnDelete; ControllerRevisions; the five status numbers and events.
 */
import type { ControllerRevision, DaemonSet, Node, Pod } from '../api/types.js';
import type { Cluster } from '../cluster.js';
import type { TimerHandle } from '../clock.js';
import { ApiError } from '../errors.js';
import { WorkQueue, type Controller } from '../workqueue.js';
import { daemonPodTolerations, nodeShouldRunDaemonPod, pinToNode, PlacementSignatures, targetNodeName } from './daemonSetNodes.js';
import {
  CONTROLLER_REVISION_HASH_LABEL, controllerRevisionName, hashTemplate, newRevision, ownedRevisions, revisionData, revisionsToDelete, sameData,
} from './history.js';
import { PodClaimer } from './podClaimer.js';
import {
  availableAfter, controllerOf, controllerRef, isPodAvailable, isPodReady, isTerminal, keyOf, scaledIntOrPercent, splitKey,
} from './podState.js';

export const DAEMON_SET_CONTROLLER = 'daemonset-controller';
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset-template-generation';
export const POD_TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

const FAILED_POD_BACKOFF_MS = 1000;
const FAILED_POD_BACKOFF_MAX_MS = 15 * 60 * 1000;

type Status = NonNullable<DaemonSet['status']>;

/** podByCreationTimestampAndPhase: scheduled pods first, then oldest, then by name. */
function byAge(a: Pod, b: Pod): number {
  const sa = a.spec.nodeName ? 0 : 1;
  const sb = b.spec.nodeName ? 0 : 1;
  if (sa !== sb) return sa - sb;
  const ca = a.metadata.creationTimestamp ?? '';
  const cb = b.metadata.creationTimestamp ?? '';
  if (ca !== cb) return ca < cb ? -1 : 1;
  return a.metadata.name! < b.metadata.name! ? -1 : 1;
}

/** util.IsPodUpdated: the pod carries the current revision's hash (or the current template generation). */
export function isPodUpdated(ds: DaemonSet, pod: Pod, hash: string): boolean {
  const generation = ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  const labels = pod.metadata.labels ?? {};
  return labels[CONTROLLER_REVISION_HASH_LABEL] === hash || (generation !== undefined && labels[POD_TEMPLATE_GENERATION_LABEL] === generation);
}

/** updatedDesiredNodeCounts' rollout budget: both percentages round up; both 0 means 1 unavailable. */
export function rolloutBudget(ds: DaemonSet, desired: number): { maxSurge: number; maxUnavailable: number } {
  const ru = ds.spec.updateStrategy?.rollingUpdate;
  let maxUnavailable = scaledIntOrPercent(ru?.maxUnavailable ?? 1, desired, true);
  const maxSurge = scaledIntOrPercent(ru?.maxSurge ?? 0, desired, true);
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

export class DaemonSetController implements Controller {
  readonly name = DAEMON_SET_CONTROLLER;
  readonly queue = new WorkQueue();
  private readonly claimer: PodClaimer<DaemonSet>;
  private readonly nodeSignatures = new PlacementSignatures();
  private readonly timers = new Map<string, TimerHandle>();
  /** Failed-pod back-off per DaemonSet and node: the delay and until when it holds. */
  private readonly backoff = new Map<string, { delay: number; until: number }>();

  constructor(private readonly cluster: Cluster) {
    const api = cluster.api;
    this.claimer = new PodClaimer(cluster, 'DaemonSet');
    api.watch({ kinds: ['DaemonSet'] }, (e) => {
      const key = keyOf(e.object);
      if (e.type === 'DELETED') {
        this.cluster.clock.cancel(this.timers.get(key));
        this.timers.delete(key);
        return;
      }
      if (e.type === 'ADDED') this.claimer.scanNamespace(e.object as DaemonSet);
      this.queue.add(key);
    });
    api.watch({ kinds: ['Pod'] }, (e) => {
      const pod = e.object as Pod;
      const ref = controllerOf(pod);
      if (ref) {
        if (ref.kind === 'DaemonSet') this.queue.add(`${pod.metadata.namespace}/${ref.name}`);
        return;
      }
      if (e.type !== 'DELETED') for (const key of this.claimer.orphanMatches(pod)) this.queue.add(key);
    });
    api.watch({ kinds: ['Node'] }, (e) => {
      const node = e.object as Node;
      const name = node.metadata.name!;
      if (e.type === 'DELETED') this.nodeSignatures.delete(name);
      else if (!this.nodeSignatures.changed(node)) return;
      for (const ds of this.cluster.store.list('DaemonSet')) this.queue.add(keyOf(ds));
    });
  }

  sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const ds = this.cluster.api.get('DaemonSet', namespace, name);
    if (!ds || ds.metadata.deletionTimestamp) return;
    this.claimer.claim(ds, key);
    const { cur, old } = this.constructHistory(ds);
    const hash = cur.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? cur.metadata.name!;
    const nodes = this.cluster.store.list('Node');
    const changed = this.manage(ds, nodes, hash);
    if (!changed && (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') this.rollingUpdate(ds, nodes, hash);
    this.cleanupHistory(ds, old);
    this.updateStatus(ds, nodes, hash);
  }

  // ---------- pods per node ----------

  private ownedPods(ds: DaemonSet): Pod[] {
    return this.cluster.store.dependents(ds.metadata.uid!).filter(
      (o): o is Pod => o.kind === 'Pod' && controllerOf(o)?.uid === ds.metadata.uid,
    );
  }

  /** getNodesToDaemonPods: terminal pods already being deleted are left out unless asked for. */
  private podsByNode(ds: DaemonSet, includeDeletedTerminal = false): Map<string, Pod[]> {
    const out = new Map<string, Pod[]>();
    for (const pod of this.ownedPods(ds)) {
      if (!includeDeletedTerminal && isTerminal(pod) && pod.metadata.deletionTimestamp) continue;
      const node = targetNodeName(pod.spec);
      if (node === undefined) continue;
      let list = out.get(node);
      if (!list) out.set(node, (list = []));
      list.push(pod);
    }
    return out;
  }

  // ---------- manage: the pods each node should have ----------

  /** Returns whether it created or deleted pods (the real controller then waits for its expectations). */
  private manage(ds: DaemonSet, nodes: Node[], hash: string): boolean {
    const byNode = this.podsByNode(ds);
    const create: string[] = [];
    const remove: Pod[] = [];
    const now = this.cluster.clock.now();
    const surge = rolloutBudget(ds, 1).maxSurge > 0 && (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const nodeNames = new Set<string>();
    for (const node of nodes) {
      const nodeName = node.metadata.name!;
      nodeNames.add(nodeName);
      const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
      const pods = byNode.get(nodeName);
      if (shouldRun && !pods) {
        create.push(nodeName);
      } else if (shouldContinueRunning && pods) {
        const running: Pod[] = [];
        for (const pod of pods) {
          if (pod.metadata.deletionTimestamp) continue;
          if (pod.status?.phase === 'Failed') {
            const bkey = `${keyOf(ds)}/${nodeName}`;
            const b = this.backoff.get(bkey);
            if (b && now < b.until) {
              this.requeue(keyOf(ds), b.until);
              continue;
            }
            const delay = b ? Math.min(b.delay * 2, FAILED_POD_BACKOFF_MAX_MS) : FAILED_POD_BACKOFF_MS;
            this.backoff.set(bkey, { delay, until: now + delay });
            this.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${nodeName}, will try to kill it`);
            remove.push(pod);
          } else if (pod.status?.phase === 'Succeeded') {
            remove.push(pod);
          } else {
            running.push(pod);
          }
        }
        running.sort(byAge);
        if (!surge) {
          remove.push(...running.slice(1));
          continue;
        }
        if (running.length === 0) {
          if (shouldRun) create.push(nodeName);
          continue;
        }
        if (running.length === 1) continue;
        // Surging: keep the oldest new pod, and the oldest old pod only while the new one is not yet available.
        let oldestNew: Pod | undefined;
        let oldestOld: Pod | undefined;
        for (const pod of running) {
          if (isPodUpdated(ds, pod, hash)) {
            if (!oldestNew) { oldestNew = pod; continue; }
          } else if (!oldestOld) { oldestOld = pod; continue; }
          remove.push(pod);
        }
        if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, ds.spec.minReadySeconds ?? 0, now))) remove.push(oldestOld);
      } else if (!shouldContinueRunning && pods) {
        for (const pod of pods) if (!pod.metadata.deletionTimestamp) remove.push(pod);
      }
    }
    // Pods pinned to nodes that no longer exist and never scheduled.
    for (const [nodeName, pods] of byNode) {
      if (nodeNames.has(nodeName)) continue;
      for (const pod of pods) if (!pod.spec.nodeName && !pod.metadata.deletionTimestamp) remove.push(pod);
    }
    this.syncNodes(ds, remove, create, hash);
    return create.length > 0 || remove.length > 0;
  }

  private syncNodes(ds: DaemonSet, remove: readonly Pod[], create: readonly string[], hash: string): void {
    const api = this.cluster.api;
    const template = ds.spec.template;
    const generation = ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
    for (const nodeName of create) {
      const labels: Record<string, string> = { ...(template.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash };
      if (generation !== undefined) labels[POD_TEMPLATE_GENERATION_LABEL] = generation;
      const spec = structuredClone(template.spec);
      spec.tolerations = daemonPodTolerations(spec);
      spec.affinity = pinToNode(spec.affinity, nodeName);
      const pod: Pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          generateName: `${ds.metadata.name}-`,
          namespace: ds.metadata.namespace,
          labels,
          ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
          ...(template.metadata?.finalizers ? { finalizers: [...template.metadata.finalizers] } : {}),
          ownerReferences: [controllerRef(ds)],
        },
        spec,
      };
      try {
        const created = api.create(pod);
        this.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        this.event(ds, 'Warning', 'FailedCreate', `Error creating: ${err.message}`);
      }
    }
    for (const pod of remove) {
      try {
        api.delete('Pod', pod.metadata.namespace, pod.metadata.name!);
        this.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
      }
    }
  }

  // ---------- rolling update ----------

  /** findUpdatedPodsOnNode: at most one new and one old live pod, else the node is left to manage(). */
  private splitPods(ds: DaemonSet, pods: readonly Pod[], hash: string): { newPod?: Pod; oldPod?: Pod; ok: boolean } {
    let newPod: Pod | undefined;
    let oldPod: Pod | undefined;
    for (const pod of pods) {
      if (pod.metadata.deletionTimestamp) continue;
      if (isPodUpdated(ds, pod, hash)) {
        if (newPod) return { ok: false };
        newPod = pod;
      } else {
        if (oldPod) return { ok: false };
        oldPod = pod;
      }
    }
    return { newPod, oldPod, ok: true };
  }

  private rollingUpdate(ds: DaemonSet, nodes: Node[], hash: string): void {
    const byNode = this.podsByNode(ds);
    const eligible = new Map<string, Node>();
    let desired = 0;
    for (const node of nodes) {
      if (!nodeShouldRunDaemonPod(node, ds).shouldRun) continue;
      desired++;
      eligible.set(node.metadata.name!, node);
      if (!byNode.has(node.metadata.name!)) byNode.set(node.metadata.name!, []);
    }
    const { maxSurge, maxUnavailable } = rolloutBudget(ds, desired);
    const minReady = ds.spec.minReadySeconds ?? 0;
    const now = this.cluster.clock.now();
    const available = (p: Pod) => isPodAvailable(p, minReady, now);
    const nodeNames = [...byNode.keys()].sort();

    if (maxSurge === 0) {
      let unavailable = 0;
      const replace: Pod[] = [];
      const candidates: Pod[] = [];
      for (const nodeName of nodeNames) {
        const { newPod, oldPod, ok } = this.splitPods(ds, byNode.get(nodeName)!, hash);
        if (!ok) { unavailable++; continue; }
        if ((!oldPod && !newPod) || (oldPod && newPod)) { unavailable++; continue; }
        if (newPod) { if (!available(newPod)) unavailable++; continue; }
        if (!available(oldPod!)) { replace.push(oldPod!); unavailable++; }
        else if (unavailable < maxUnavailable) candidates.push(oldPod!);
      }
      const remaining = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
      this.syncNodes(ds, [...replace, ...candidates.slice(0, remaining)], [], hash);
      return;
    }

    const remove: Pod[] = [];
    const shouldNotRun: Pod[] = [];
    const candidateNodes: string[] = [];
    const allowedNodes: string[] = [];
    let surged = 0;
    let availableCount = 0;
    for (const nodeName of nodeNames) {
      const { newPod, oldPod, ok } = this.splitPods(ds, byNode.get(nodeName)!, hash);
      if (!ok) { surged++; continue; }
      if (oldPod ? available(oldPod) : newPod ? available(newPod) : false) availableCount++;
      if (!oldPod) continue;
      if (!newPod) {
        const runs = eligible.has(nodeName);
        if (!available(oldPod)) {
          if (!runs) remove.push(oldPod);
          else allowedNodes.push(nodeName);
        } else if (!runs) {
          shouldNotRun.push(oldPod);
        } else if (surged < maxSurge) {
          candidateNodes.push(nodeName);
        }
        continue;
      }
      if (!available(newPod)) { surged++; continue; }
      remove.push(oldPod);
    }
    const deletable = Math.min(Math.max(0, availableCount - desired), shouldNotRun.length);
    remove.push(...shouldNotRun.slice(0, deletable));
    const remainingSurge = Math.min(Math.max(0, maxSurge - surged), candidateNodes.length);
    this.syncNodes(ds, remove, [...allowedNodes, ...candidateNodes.slice(0, remainingSurge)], hash);
  }

  // ---------- history ----------

  /** constructHistory: the revision matching the template (created or renumbered as the newest) and the others. */
  private constructHistory(ds: DaemonSet): { cur: ControllerRevision; old: ControllerRevision[] } {
    const api = this.cluster.api;
    const data = revisionData(ds.spec.template);
    const current: ControllerRevision[] = [];
    const old: ControllerRevision[] = [];
    for (let r of ownedRevisions(this.cluster.store, ds.metadata.uid!)) {
      if (!r.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]) {
        r = api.update({ ...r, metadata: { ...r.metadata, labels: { ...(r.metadata.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: r.metadata.name! } } });
      }
      (sameData(r, { data }) ? current : old).push(r);
    }
    const next = Math.max(0, ...old.map((r) => r.revision)) + 1;
    if (current.length === 0) return { cur: this.snapshot(ds, next), old };
    // dedupCurHistories: keep the newest; the others go.
    current.sort((a, b) => b.revision - a.revision);
    let cur = current[0]!;
    for (const dup of current.slice(1)) api.delete('ControllerRevision', dup.metadata.namespace, dup.metadata.name!);
    if (cur.revision < next) cur = api.update({ ...cur, revision: next });
    return { cur, old };
  }

  private snapshot(ds: DaemonSet, revision: number): ControllerRevision {
    const api = this.cluster.api;
    let collisionCount = ds.status?.collisionCount;
    for (;;) {
      const hash = hashTemplate(ds.spec.template, collisionCount);
      const labels = { ...(ds.spec.template.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash };
      const candidate = newRevision(ds, revision, () => hash, labels);
      candidate.metadata.name = controllerRevisionName(ds.metadata.name!, hash);
      const existing = api.get('ControllerRevision', ds.metadata.namespace, candidate.metadata.name);
      if (!existing) return api.create(candidate);
      if (sameData(existing, candidate) && existing.metadata.ownerReferences?.some((r) => r.uid === ds.metadata.uid)) return existing;
      collisionCount = (collisionCount ?? 0) + 1;
      const fresh = api.get('DaemonSet', ds.metadata.namespace, ds.metadata.name!)!;
      api.updateStatus({ ...fresh, status: { ...(fresh.status ?? ({} as Status)), collisionCount } });
    }
  }

  private cleanupHistory(ds: DaemonSet, old: ControllerRevision[]): void {
    const live = new Set<string>();
    for (const pods of this.podsByNode(ds, true).values()) {
      for (const pod of pods) {
        const hash = pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
        if (hash) live.add(controllerRevisionName(ds.metadata.name!, hash));
      }
    }
    const sorted = [...old].sort((a, b) => a.revision - b.revision);
    for (const r of revisionsToDelete(sorted, live, ds.spec.revisionHistoryLimit ?? 10, true)) {
      this.cluster.api.delete('ControllerRevision', r.metadata.namespace, r.metadata.name!);
    }
  }

  // ---------- status ----------

  private updateStatus(ds: DaemonSet, nodes: Node[], hash: string): void {
    const byNode = this.podsByNode(ds);
    const minReady = ds.spec.minReadySeconds ?? 0;
    const now = this.cluster.clock.now();
    let desired = 0, current = 0, ready = 0, available = 0, updated = 0, misscheduled = 0;
    let nextAvailable = Infinity;
    for (const node of nodes) {
      const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
      const pods = byNode.get(node.metadata.name!);
      if (!shouldRun) {
        if (pods && pods.length > 0) misscheduled++;
        continue;
      }
      desired++;
      if (!pods || pods.length === 0) continue;
      current++;
      const pod = [...pods].sort(byAge)[0]!;
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReady, now)) available++;
        else nextAvailable = Math.min(nextAvailable, availableAfter(pod, minReady)!);
      }
      if (isPodUpdated(ds, pod, hash)) updated++;
    }
    const fresh = this.cluster.api.get('DaemonSet', ds.metadata.namespace, ds.metadata.name!);
    if (!fresh) return;
    const status: Status = {
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired,
      numberReady: ready,
      observedGeneration: fresh.metadata.generation,
      ...(updated ? { updatedNumberScheduled: updated } : {}),
      ...(available ? { numberAvailable: available } : {}),
      ...(desired - available ? { numberUnavailable: desired - available } : {}),
      ...(fresh.status?.collisionCount !== undefined ? { collisionCount: fresh.status.collisionCount } : {}),
      ...(fresh.status?.conditions ? { conditions: fresh.status.conditions } : {}),
    };
    if (JSON.stringify(fresh.status ?? {}) !== JSON.stringify(status)) this.cluster.api.updateStatus({ ...fresh, status });
    if (nextAvailable !== Infinity) this.requeue(keyOf(ds), nextAvailable + 1);
  }

  private requeue(key: string, at: number): void {
    const existing = this.timers.get(key);
    if (existing && !existing.cancelled && existing.at <= at && existing.at > this.cluster.clock.now()) return;
    this.cluster.clock.cancel(existing);
    this.timers.set(key, this.cluster.clock.at(at, () => {
      this.timers.delete(key);
      this.queue.add(key);
    }));
  }

  private event(ds: DaemonSet, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.cluster.events.record(ds, type, reason, message, { component: DAEMON_SET_CONTROLLER });
  }
}

/** Installs the DaemonSet controller once; returns the installed one. */
export function installDaemonSetController(cluster: Cluster): DaemonSetController {
  const existing = cluster.controller<DaemonSetController>(DAEMON_SET_CONTROLLER);
  if (existing) return existing;
  const controller = new DaemonSetController(cluster);
  cluster.addController(controller);
  for (const ds of cluster.store.list('DaemonSet')) controller.queue.add(keyOf(ds));
  return controller;
}
