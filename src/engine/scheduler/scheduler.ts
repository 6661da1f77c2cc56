/**
 * The scheduler (kube-scheduler's default profile): takes pending pods in priority order, runs the filters on the
 * nodes (a share of them in big clusters: percentageOfNodesToScore), scores the feasible ones, and binds the pod to
 * the best (ties broken by the cluster's seeded random) — or records FailedScheduling with the real message and
 * waits for a cluster change that could help. Every attempt's node-by-node verdict is kept for the dashboard.
 */
import type { Condition } from '../api/meta.js';
import { updatePodCondition } from '../api/podConditions.js';
import type { Pod } from '../api/types.js';
import type { WatchEvent } from '../client.js';
import type { Cluster } from '../cluster.js';
import { ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE } from '../controllers/persistentVolumeMatch.js';
import { eventMessage, type EventSource } from '../events.js';
import { WorkQueue, type Controller } from '../workqueue.js';
import { SchedulerCache, type NodeInfo } from './cache.js';
import { fitErrorMessage, NO_NODES_AVAILABLE } from './fitError.js';
import { Rejections, type Cycle, type FilterPlugin, type NodeFilter, type ScorePlugin } from './framework.js';
import { interPodAffinityFilter, interPodAffinityScore } from './interPodAffinity.js';
import {
  balancedAllocationScore, imageLocalityScore, leastAllocatedScore, nodeAffinity, nodeAffinityScore, nodeName, nodePorts,
  nodeResourcesFit, nodeUnschedulable, taintToleration, taintTolerationScore,
} from './nodePlugins.js';
import { SchedulingQueue, type QueuedPod } from './queue.js';
import { podTopologySpreadFilter, podTopologySpreadScore } from './topologySpread.js';
import {
  DEFAULT_SCHEDULER_NAME, SCORE_PLUGINS, type FilterPluginName, type QueueInfo, type SchedulingVerdict,
} from './types.js';
import { materialize, VerdictStore, type AttemptRecord } from './verdicts.js';
import { podClaimNames, podVolumesBound, volumeBindingFilter, volumePlan } from './volumeBinding.js';

export const SCHEDULER_NAME = 'scheduler';
export const SCHEDULER_COMPONENT = DEFAULT_SCHEDULER_NAME;
/** kube-scheduler records through events.k8s.io/v1, which neither combines nor rate-limits events. */
const SCHEDULER_SOURCE: EventSource = { component: SCHEDULER_COMPONENT, eventsApi: true };

const FILTERS: readonly FilterPlugin[] = [
  nodeUnschedulable, nodeName, taintToleration, nodeAffinity, nodePorts, nodeResourcesFit, volumeBindingFilter,
  podTopologySpreadFilter, interPodAffinityFilter,
];
/** In SCORE_PLUGINS order. */
const SCORERS: readonly ScorePlugin[] = [
  taintTolerationScore, nodeAffinityScore, leastAllocatedScore, podTopologySpreadScore, interPodAffinityScore,
  balancedAllocationScore, imageLocalityScore,
];

export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE = 5;

/** numFeasibleNodesToFind: all nodes below 100; else a percentage (adaptive 50 − nodes/125, at least 5%), at least 100. */
export function numFeasibleNodesToFind(percentageOfNodesToScore: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let percentage = percentageOfNodesToScore;
  if (percentage <= 0) {
    percentage = 50 - Math.trunc(numAllNodes / 125);
    if (percentage < MIN_FEASIBLE_NODES_PERCENTAGE) percentage = MIN_FEASIBLE_NODES_PERCENTAGE;
  }
  const n = Math.trunc((numAllNodes * percentage) / 100);
  return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}

export interface SchedulerOptions {
  /** 0 (the default) is adaptive, as kube-scheduler's default configuration. */
  percentageOfNodesToScore?: number;
  /** Bound pods whose full node-by-node verdict is kept (older ones keep a summary). Default 1000. */
  fullVerdicts?: number;
}

interface Attempt {
  node?: NodeInfo;
  record: AttemptRecord;
  rejectedBy: Set<FilterPluginName>;
}

const isTerminal = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
const P = SCORE_PLUGINS.length;

export class Scheduler implements Controller {
  readonly name = SCHEDULER_NAME;
  readonly queue = new WorkQueue();
  private readonly cache = new SchedulerCache();
  private readonly rejections = new Rejections();
  private readonly pending: SchedulingQueue;
  private readonly verdicts: VerdictStore;
  private readonly percentage: number;
  private nextStartNodeIndex = 0;
  /** Reused per cycle: evaluated node ids and their filter outcomes, copied into the verdict. */
  private scratchIds = new Int32Array(0);
  private scratchStatus = new Uint32Array(0);
  /** Reused per cycle too: the feasible nodes and where each was evaluated (two growing arrays per pod were ~25 kB). */
  private scratchFeasible: NodeInfo[] = [];
  private scratchFeasibleAt = new Int32Array(0);
  private scratchRaw = new Float64Array(0);
  private scratchTotals = new Float64Array(0);
  /** Pods with a chosen node, waiting for their volumes: uid -> node. */
  private readonly waiting = new Map<string, string>();

  constructor(
    private readonly cluster: Cluster,
    options: SchedulerOptions = {},
  ) {
    this.percentage = options.percentageOfNodesToScore ?? 0;
    this.verdicts = new VerdictStore(options.fullVerdicts ?? 1000);
    this.pending = new SchedulingQueue(cluster.clock, () => this.queue.add('schedule'));
    const store = cluster.store;
    for (const n of store.list('Node')) this.onNode({ type: 'ADDED', object: n });
    for (const p of store.list('Pod')) this.onPod({ type: 'ADDED', object: p });
    cluster.api.watch({ kinds: ['Node'] }, (e) => this.onNode(e));
    cluster.api.watch({ kinds: ['Pod'] }, (e) => this.onPod(e));
    cluster.api.watch({ kinds: ['PersistentVolumeClaim'] }, () => this.onVolumes('PvcChange'));
    cluster.api.watch({ kinds: ['PersistentVolume'] }, () => this.onVolumes('PvChange'));
    cluster.api.watch({ kinds: ['StorageClass'] }, () => this.onVolumes('StorageClassChange'));
    cluster.api.watch({ kinds: ['Namespace'] }, (e) => {
      if (e.type === 'MODIFIED') this.pending.onEvent('NamespaceChange');
    });
  }

  // ---------- what the dashboard reads ----------

  /** The last scheduling attempt of a pod, node by node; undefined if the scheduler never tried it. */
  verdict(namespace: string, name: string): SchedulingVerdict | undefined {
    const pod = this.cluster.store.get('Pod', namespace, name);
    const uid = pod?.metadata.uid;
    const record = uid ? this.verdicts.get(uid) : undefined;
    if (!record) return undefined;
    return materialize(record, { namespace, name, uid: uid! }, (id) => this.cache.nodeName(id), this.rejections);
  }

  /** Where a pending pod stands in the scheduling queue; undefined once it is bound (or not the scheduler's). */
  queueInfo(namespace: string, name: string): QueueInfo | undefined {
    const uid = this.cluster.store.get('Pod', namespace, name)?.metadata.uid;
    return uid ? this.pending.info(uid) : undefined;
  }

  // ---------- the controller loop ----------

  sync(): void {
    while (this.pending.activeCount > 0) {
      for (const qp of this.pending.takeActive()) {
        if (this.pending.get(qp.uid) === qp && qp.state === 'active') this.scheduleOne(qp);
      }
    }
  }

  private scheduleOne(qp: QueuedPod): void {
    const pod = qp.pod;
    qp.attempts++;
    const attempt = this.findNode(pod, qp.attempts);
    const uid = qp.uid;
    if (!attempt.node) {
      this.verdicts.set(uid, attempt.record);
      this.failed(qp, attempt.record.message!, attempt.rejectedBy);
      return;
    }
    const node = attempt.node;
    const plan = podClaimNames(pod).length > 0 ? volumePlan(pod, this.cluster.store, { name: node.name, labels: node.labels }) : undefined;
    if (!plan) {
      this.verdicts.set(uid, attempt.record);
      this.bind(qp, node.name);
      return;
    }
    // Reserve the node for the pod, then start binding its volumes (PreBind); it is bound once they are.
    this.verdicts.set(uid, { ...attempt.record, outcome: 'WaitingForVolumes' });
    this.cache.upsertPod(pod, node.name, true);
    this.waiting.set(uid, node.name);
    this.pending.markWaiting(qp);
    const api = this.cluster.api;
    for (const { claim, volume } of plan.bind) {
      api.update({
        ...volume,
        metadata: { ...volume.metadata, annotations: { ...(volume.metadata.annotations ?? {}), [ANN_BOUND_BY_CONTROLLER]: 'yes' } },
        spec: {
          ...volume.spec,
          claimRef: {
            kind: 'PersistentVolumeClaim',
            namespace: claim.metadata.namespace,
            name: claim.metadata.name,
            uid: claim.metadata.uid,
            apiVersion: 'v1',
            resourceVersion: claim.metadata.resourceVersion,
          },
        },
      });
    }
    for (const claim of plan.provision) {
      const latest = this.cluster.store.get('PersistentVolumeClaim', claim.metadata.namespace, claim.metadata.name!);
      if (!latest || latest.metadata.annotations?.[ANN_SELECTED_NODE] === node.name) continue;
      api.update({ ...latest, metadata: { ...latest.metadata, annotations: { ...(latest.metadata.annotations ?? {}), [ANN_SELECTED_NODE]: node.name } } });
    }
    this.checkWaiting();
  }

  /** One scheduling cycle: PreFilter, Filter over the nodes from where the last cycle stopped, Score, select. */
  private findNode(pod: Pod, attempts: number): Attempt {
    const nodes = this.cache.nodes();
    const total = nodes.length;
    const at = this.cluster.clock.nowRfc3339();
    const base = (over: Partial<AttemptRecord>): AttemptRecord => ({
      at, attempts, outcome: 'Unschedulable', nodesTotal: total, nodesToFind: 0, nodesEvaluated: 0, feasibleNodes: 0,
      evaluated: new Int32Array(0), status: new Uint32Array(0), scores: null, skipped: 0, selected: -1, detail: 'full', ...over,
    });
    if (total === 0) return { record: base({ message: NO_NODES_AVAILABLE }), rejectedBy: new Set() };

    const store = this.cluster.store;
    const cycle: Cycle = {
      pod,
      namespace: pod.metadata.namespace ?? 'default',
      requests: this.cache.requestsOf(pod),
      cache: this.cache,
      store,
      rejections: this.rejections,
      namespaceLabels: (ns) => store.get('Namespace', undefined, ns)?.metadata.labels,
    };

    const filters: NodeFilter[] = [];
    for (const plugin of FILTERS) {
      const r = plugin.preFilter(cycle);
      if (r === null) continue;
      if (typeof r === 'function') {
        filters.push(r);
        continue;
      }
      const message = fitErrorMessage(total, r.reject, []);
      return { record: base({ message, preFilter: { plugin: plugin.name, reason: r.reject } }), rejectedBy: new Set([plugin.name]) };
    }

    const toFind = numFeasibleNodesToFind(this.percentage, total);
    if (this.scratchIds.length < total) {
      this.scratchIds = new Int32Array(total);
      this.scratchStatus = new Uint32Array(total);
      this.scratchFeasibleAt = new Int32Array(total);
    }
    const evaluated = this.scratchIds;
    const status = this.scratchStatus;
    const filterCount = filters.length;
    const feasible = this.scratchFeasible;
    const feasibleAt = this.scratchFeasibleAt;
    let F = 0;
    const start = this.nextStartNodeIndex % total;
    let processed = 0;
    // The first three filters through call sites of their own (each sees one plugin, so V8 can inline it), then the rest.
    const f0 = filters[0];
    const f1 = filters[1];
    const f2 = filters[2];
    for (let i = 0; i < total && F < toFind; i++) {
      const n = nodes[(start + i) % total]!;
      let s = 0;
      if (filterCount > 0 && (s = f0!(n)) === 0 && filterCount > 1 && (s = f1!(n)) === 0 && filterCount > 2 && (s = f2!(n)) === 0) {
        for (let k = 3; k < filterCount; k++) {
          s = filters[k]!(n);
          if (s !== 0) break;
        }
      }
      evaluated[processed] = n.id;
      status[processed] = s;
      if (s === 0) {
        feasible[F] = n;
        feasibleAt[F++] = processed;
      }
      processed++;
    }
    this.nextStartNodeIndex = (start + processed) % total;
    feasible.length = F;
    // The record's arrays share one buffer (one allocation instead of three: hundreds of bytes each, per pod).
    const scoreBytes = F > 1 ? F * P : 0;
    const { buffer, offset } = this.verdicts.space(processed * 8 + scoreBytes);
    const evaluatedCopy = new Int32Array(buffer, offset, processed);
    evaluatedCopy.set(evaluated.subarray(0, processed));
    const statusCopy = new Uint32Array(buffer, offset + processed * 4, processed);
    statusCopy.set(status.subarray(0, processed));
    const common = {
      nodesToFind: toFind,
      nodesEvaluated: processed,
      feasibleNodes: F,
      evaluated: evaluatedCopy,
      status: statusCopy,
    };

    if (feasible.length === 0) {
      const rejectedBy = new Set<FilterPluginName>();
      const reasons: string[] = [];
      for (let i = 0; i < processed; i++) {
        const r = this.rejections.get(status[i]!);
        rejectedBy.add(r.plugin);
        reasons.push(...r.reasons);
      }
      return { record: base({ ...common, message: fitErrorMessage(total, undefined, reasons) }), rejectedBy };
    }
    if (feasible.length === 1) {
      return { node: feasible[0], record: base({ ...common, outcome: 'Scheduled', node: feasible[0]!.name, selected: feasibleAt[0]! }), rejectedBy: new Set() };
    }

    const scores = new Uint8Array(buffer, offset + processed * 8, scoreBytes);
    // Skipped plugins' columns stay as they are: zero, and the space may have held an earlier record.
    scores.fill(0);
    if (this.scratchRaw.length < F) {
      this.scratchRaw = new Float64Array(total);
      this.scratchTotals = new Float64Array(total);
    }
    const raw = this.scratchRaw.subarray(0, F);
    const totals = this.scratchTotals.subarray(0, F);
    totals.fill(0);
    let skipped = 0;
    for (let p = 0; p < SCORERS.length; p++) {
      const scorer = SCORERS[p]!.preScore(cycle, feasible);
      if (!scorer) {
        skipped |= 1 << p;
        continue;
      }
      if (scorer.scoreAll) scorer.scoreAll(feasible, raw);
      else for (let j = 0; j < F; j++) raw[j] = scorer.score(feasible[j]!);
      scorer.normalize?.(raw, feasible);
      const weight = SCORE_PLUGINS[p]!.weight;
      for (let j = 0; j < F; j++) {
        const s = raw[j]!;
        scores[j * P + p] = s < 0 ? 0 : s > 100 ? 100 : s;
        totals[j]! += s * weight;
      }
    }
    // selectHost: the highest total; among equals, each is kept with probability 1/count (reservoir sampling).
    let best = -Infinity;
    let chosen = 0;
    let ties = 0;
    for (let j = 0; j < F; j++) {
      const t = totals[j]!;
      if (t > best) {
        best = t;
        chosen = j;
        ties = 1;
      } else if (t === best) {
        ties++;
        if (this.cluster.random.int(ties) === 0) chosen = j;
      }
    }
    const node = feasible[chosen]!;
    // What base({ ...common, outcome, node, scores, skipped, selected }) gives (same keys, same order), built at once.
    const record: AttemptRecord = {
      at, attempts, outcome: 'Scheduled', nodesTotal: total, nodesToFind: toFind, nodesEvaluated: processed, feasibleNodes: F,
      evaluated: evaluatedCopy, status: statusCopy, scores, skipped, selected: feasibleAt[chosen]!, detail: 'full', node: node.name,
    };
    return { node, record, rejectedBy: new Set() };
  }

  private bind(qp: QueuedPod, nodeName: string): void {
    const api = this.cluster.api;
    const pod = this.cluster.store.get('Pod', qp.pod.metadata.namespace, qp.pod.metadata.name!);
    if (!pod || pod.metadata.uid !== qp.uid) return;
    let bound: Pod;
    try {
      bound = api.bind(pod, nodeName);
    } catch (e) {
      this.cache.removePod(qp.uid);
      this.failed(qp, `Binding rejected: ${(e as Error).message}`, new Set());
      return;
    }
    // The binding set PodScheduled=True in the same write, as kube-apiserver's does: the scheduler writes no status.
    this.pending.delete(qp.uid);
    const ns = bound.metadata.namespace ?? 'default';
    this.cluster.events.record(bound, 'Normal', 'Scheduled', eventMessage('Successfully assigned ', ns, '/', bound.metadata.name!, ' to ', nodeName), SCHEDULER_SOURCE);
  }

  private failed(qp: QueuedPod, message: string, rejectedBy: Set<FilterPluginName>): void {
    this.pending.markUnschedulable(qp, rejectedBy);
    const pod = this.cluster.store.get('Pod', qp.pod.metadata.namespace, qp.pod.metadata.name!);
    if (!pod || pod.metadata.uid !== qp.uid) return;
    this.cluster.events.record(pod, 'Warning', 'FailedScheduling', message, SCHEDULER_SOURCE);
    this.setScheduledCondition(pod, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null });
  }

  /** podutil.UpdatePodCondition: lastTransitionTime moves only when the status does; no write when nothing changed. */
  private setScheduledCondition(pod: Pod, condition: Condition): void {
    const latest = this.cluster.store.get('Pod', pod.metadata.namespace, pod.metadata.name!) ?? pod;
    const { status, changed } = updatePodCondition(latest.status, condition, this.cluster.clock.nowRfc3339());
    if (changed) this.cluster.api.updateStatus({ ...latest, status });
  }

  // ---------- pods waiting for their volumes ----------

  private checkWaiting(): void {
    for (const [uid, nodeName] of [...this.waiting]) {
      const qp = this.pending.get(uid);
      if (!qp) {
        this.waiting.delete(uid);
        continue;
      }
      const store = this.cluster.store;
      const pod = store.get('Pod', qp.pod.metadata.namespace, qp.pod.metadata.name!);
      if (!pod || pod.metadata.uid !== uid) continue;
      const ns = pod.metadata.namespace ?? 'default';
      const gone = podClaimNames(pod).some((c) => {
        const pvc = store.get('PersistentVolumeClaim', ns, c);
        return !pvc || pvc.metadata.deletionTimestamp !== undefined;
      });
      if (gone) {
        this.waiting.delete(uid);
        this.cache.removePod(uid);
        this.pending.retry(qp);
        continue;
      }
      if (!podVolumesBound(pod, store)) continue;
      this.waiting.delete(uid);
      this.verdicts.bound(uid, nodeName);
      this.bind(qp, nodeName);
    }
  }

  // ---------- watch handlers ----------

  private onVolumes(event: 'PvcChange' | 'PvChange' | 'StorageClassChange'): void {
    this.pending.onEvent(event);
    if (this.waiting.size > 0) this.checkWaiting();
  }

  private onNode(e: WatchEvent): void {
    const name = e.object.metadata.name!;
    if (e.type === 'DELETED') {
      this.cache.removeNode(name);
      return;
    }
    const { added, changed } = this.cache.upsertNode(e.object as never);
    if (added) this.pending.onEvent('NodeAdd');
    else if (changed) this.pending.onEvent('NodeUpdate');
  }

  private onPod(e: WatchEvent): void {
    const pod = e.object as Pod;
    const uid = pod.metadata.uid!;
    if (e.type === 'DELETED') {
      this.cache.forgetRequests(uid);
      this.pending.delete(uid);
      this.verdicts.delete(uid);
      this.waiting.delete(uid);
      if (this.cache.removePod(uid)) this.pending.onEvent('AssignedPodDelete');
      return;
    }
    const nodeName = pod.spec.nodeName;
    if (nodeName) {
      this.pending.delete(uid);
      this.waiting.delete(uid);
      if (isTerminal(pod)) {
        if (this.cache.removePod(uid)) this.pending.onEvent('AssignedPodDelete');
        return;
      }
      const change = this.cache.upsertPod(pod, nodeName);
      if (change === 'added') this.pending.onEvent('AssignedPodAdd');
      else if (change === 'labels') this.pending.onEvent('AssignedPodUpdate');
      return;
    }
    const responsible = (pod.spec.schedulerName ?? DEFAULT_SCHEDULER_NAME) === DEFAULT_SCHEDULER_NAME && !pod.metadata.deletionTimestamp && !isTerminal(pod);
    if (this.waiting.has(uid)) {
      const qp = this.pending.get(uid);
      if (qp) qp.pod = pod;
      if (!responsible) {
        this.waiting.delete(uid);
        this.cache.removePod(uid);
        this.pending.delete(uid);
      }
      return;
    }
    if (!responsible) {
      this.pending.delete(uid);
      this.cache.forgetRequests(uid);
      return;
    }
    this.pending.addOrUpdate(pod);
  }
}

/** Installs the scheduler once; later calls return the installed one. */
export function installScheduler(cluster: Cluster, options: SchedulerOptions = {}): Scheduler {
  const existing = cluster.controller<Scheduler>(SCHEDULER_NAME);
  if (existing) return existing;
  const scheduler = new Scheduler(cluster, options);
  cluster.addController(scheduler);
  cluster.settle(); // pods that were already pending
  return scheduler;
}
