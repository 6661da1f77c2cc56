/**
 * Pod facts the ReplicaSet and Deployment controllers read (pkg/api/v1/pod, pkg/controller/controller_utils.go):
 * active, ready, available after minReadySeconds, the controller reference, slow-start batches, and the order in
 * which a ReplicaSet picks the pods to delete when it scales down (ActivePodsWithRanks).
 */
import type { KubeObject, OwnerReference } from '../api/meta.js';
import type { Pod, PodTemplateSpec } from '../api/types.js';
import { parseTimestamp } from '../clock.js';
import { controllerRef, isPodActive, isPodReady, readyCondition } from './podState.js';

export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';
/** The most pods a ReplicaSet creates or deletes in one sync (replicaset_controller.go BurstReplicas). */
export const BURST_REPLICAS = 500;
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

/** controller.slowStartBatch's batch sizes: 1, 2, 4, ... until `count` are made. */
export function slowStartBatches(count: number, initial = SLOW_START_INITIAL_BATCH_SIZE): number[] {
  const out: number[] = [];
  let remaining = count;
  for (let size = Math.min(remaining, initial); size > 0; size = Math.min(2 * size, remaining)) {
    out.push(size);
    remaining -= size;
  }
  return out;
}

/** getPodsPrefix: `<controller>-`, used as the pods' generateName. */
export function podsPrefix(controllerName: string): string {
  const prefix = `${controllerName}-`;
  return prefix.length > 253 ? controllerName : prefix;
}

/** GetPodFromTemplate: labels, annotations and finalizers from the template, generateName and the owner reference. */
export function podFromTemplate(template: PodTemplateSpec, owner: KubeObject): Pod {
  const meta = template.metadata ?? {};
  const { generateName, ownerReferences } = ownerParts(owner);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    // Not copied: the template and the owner's parts belong to stored objects, which never change, so every pod of
    // the owner shares them (create it with `owned`).
    metadata: {
      generateName,
      namespace: owner.metadata.namespace,
      ...(meta.labels ? { labels: meta.labels } : {}),
      ...(meta.annotations ? { annotations: meta.annotations } : {}),
      ...(meta.finalizers ? { finalizers: meta.finalizers } : {}),
      ownerReferences,
    },
    spec: template.spec,
  };
}

/** Per stored owner version: its pods' generateName and owner references. */
const ownerPartsOf = new WeakMap<KubeObject, { generateName: string; ownerReferences: OwnerReference[] }>();

function ownerParts(owner: KubeObject): { generateName: string; ownerReferences: OwnerReference[] } {
  let parts = ownerPartsOf.get(owner);
  if (!parts) ownerPartsOf.set(owner, (parts = { generateName: podsPrefix(owner.metadata.name!), ownerReferences: [controllerRef(owner)] }));
  return parts;
}

// ---------- the scale-down order ----------

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function parseTime(t: string | undefined | null): number | undefined {
  if (!t) return undefined;
  const ms = parseTimestamp(t);
  return Number.isNaN(ms) ? undefined : ms;
}

function deletionCost(pod: Pod): number {
  const v = pod.metadata.annotations?.[POD_DELETION_COST];
  if (v === undefined || !/^[+-]?\d+$/.test(v.trim())) return 0;
  const n = Number(v.trim());
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

function maxRestarts(pod: Pod): { regular: number; sidecar: number } {
  let regular = 0;
  let sidecar = 0;
  for (const s of pod.status?.containerStatuses ?? []) regular = Math.max(regular, s.restartCount ?? 0);
  const sidecars = new Set((pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  for (const s of pod.status?.initContainerStatuses ?? []) if (sidecars.has(s.name)) sidecar = Math.max(sidecar, s.restartCount ?? 0);
  return { regular, sidecar };
}

/** What the ranking reads from a pod, computed once per stored version. */
export interface Candidate {
  pod: Pod;
  /** spec.nodeName, '' when unscheduled: the key of the node counts. */
  node: string;
  assigned: boolean;
  phase: number;
  ready: boolean;
  cost: number;
  readyTime: number | undefined;
  restarts: { regular: number; sidecar: number };
  created: number | undefined;
  uid: string;
}

/** Stored pods never change, so what the ranking reads from one is computed once. */
const candidateCache = new WeakMap<Pod, Candidate>();

function candidate(pod: Pod): Candidate {
  let c = candidateCache.get(pod);
  if (!c) candidateCache.set(pod, (c = deletionCandidate(pod)));
  return c;
}

/** What the scale-down order reads from a pod (callers that keep each pod version's facts cache it themselves). */
export function deletionCandidate(pod: Pod): Candidate {
  const ready = isPodReady(pod);
  return {
    pod,
    node: pod.spec.nodeName ?? '',
    assigned: !!pod.spec.nodeName,
    phase: PHASE_ORDINAL[pod.status?.phase ?? ''] ?? 0,
    ready,
    cost: deletionCost(pod),
    readyTime: ready ? parseTime(readyCondition(pod)?.lastTransitionTime) : undefined,
    restarts: maxRestarts(pod),
    created: parseTime(pod.metadata.creationTimestamp),
    uid: pod.metadata.uid ?? '',
  };
}

/** afterOrZero: a missing time sorts first, otherwise the later time first. */
function afterOrZero(t1: number | undefined, t2: number | undefined): boolean {
  if (t1 === undefined || t2 === undefined) return t1 === undefined;
  return t1 > t2;
}

/** LogarithmicScaleDown: times compare by floor(log2(age in ns)), so pods of similar age tie and fall to the uid. */
function logarithmicRankDiff(t1: number, t2: number, now: number): number {
  const d1 = (now - t1) * 1e6;
  const d2 = (now - t2) * 1e6;
  const r1 = d1 > 0 ? Math.floor(Math.log2(d1)) : -1;
  const r2 = d2 > 0 ? Math.floor(Math.log2(d2)) : -1;
  return r1 - r2;
}

function byTimeRank(t1: number | undefined, t2: number | undefined, a: Candidate, b: Candidate, now: number): boolean {
  if (t1 === undefined || t2 === undefined) return afterOrZero(t1, t2);
  const diff = logarithmicRankDiff(t1, t2, now);
  if (diff === 0) return a.uid < b.uid;
  return diff < 0;
}

/**
 * ActivePodsWithRanks.Less: whether `a` should be deleted before `b`; the rank of a pod is how many active related
 * pods share its node.
 */
function deleteBefore(a: Candidate, rankA: number, b: Candidate, rankB: number, now: number): boolean {
  if (a.assigned !== b.assigned) return !a.assigned;
  if (a.phase !== b.phase) return a.phase < b.phase;
  if (a.ready !== b.ready) return !a.ready;
  if (a.cost !== b.cost) return a.cost < b.cost;
  if (rankA !== rankB) return rankA > rankB;
  if (a.ready && b.ready && a.readyTime !== b.readyTime) return byTimeRank(a.readyTime, b.readyTime, a, b, now);
  if (a.restarts.regular !== b.restarts.regular) return a.restarts.regular > b.restarts.regular;
  if (a.restarts.sidecar !== b.restarts.sidecar) return a.restarts.sidecar > b.restarts.sidecar;
  if (a.created !== b.created) return byTimeRank(a.created, b.created, a, b, now);
  return false;
}

/** How many active pods of `related` are on each node ('' for unscheduled ones). */
export function nodeCounts(related: readonly Pod[]): Map<string, number> {
  const onNode = new Map<string, number>();
  for (const p of related) {
    if (!isPodActive(p)) continue;
    const node = p.spec.nodeName ?? '';
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  return onNode;
}

/**
 * The pods a ReplicaSet deletes when it has `count` too many (getPodsToDelete): ranked by ActivePodsWithRanks, where
 * the rank of a pod is how many active related pods (of every ReplicaSet with the same owner) share its node:
 * `onNode` holds those counts.
 */
export function podsToDelete(pods: readonly Candidate[], onNode: ReadonlyMap<string, number>, count: number, now: number): Pod[] {
  if (count >= pods.length) return pods.map((c) => c.pod);
  if (count > 4) return rankByNodeCounts(pods, onNode, now).slice(0, count);
  // A rolling update takes a pod or two at a time: pick the first few without sorting them all.
  const out: Pod[] = [];
  const taken: number[] = [];
  for (let k = 0; k < count; k++) {
    let best = -1;
    let bestC: Candidate | undefined;
    let bestRank = 0;
    for (let i = 0; i < pods.length; i++) {
      if (taken.includes(i)) continue;
      const c = pods[i]!;
      const rank = onNode.get(c.node) ?? 0;
      if (bestC === undefined || deleteBefore(c, rank, bestC, bestRank, now)) {
        best = i;
        bestC = c;
        bestRank = rank;
      }
    }
    taken.push(best);
    out.push(bestC!.pod);
  }
  return out;
}

/** Every pod in deletion order, first deleted first; the rank of a pod counts the active `related` pods on its node. */
export function rankPodsForDeletion(pods: readonly Pod[], related: readonly Pod[], now: number): Pod[] {
  return rankByNodeCounts(pods.map(candidate), nodeCounts(related), now);
}

function rankByNodeCounts(candidates: readonly Candidate[], onNode: ReadonlyMap<string, number>, now: number): Pod[] {
  const items = candidates.map((c) => ({ c, rank: onNode.get(c.node) ?? 0 }));
  items.sort((a, b) => (deleteBefore(a.c, a.rank, b.c, b.rank, now) ? -1 : deleteBefore(b.c, b.rank, a.c, a.rank, now) ? 1 : 0));
  return items.map((i) => i.c.pod);
}
