/**
 * Verdicts kept compactly: per attempt, the evaluated nodes as ids, each node's filter outcome as an interned
 * rejection id, and the feasible nodes' normalized plugin scores as bytes. Turned into SchedulingVerdict on demand.
 * Pending pods keep their full verdict; of the bound pods, the most recent `fullLimit` do, older ones a summary.
 */
import { BoundedMemo } from '../boundedMemo.js';
import type { Rejections } from './framework.js';
import {
  SCORE_PLUGINS, type FilterPluginName, type NodeVerdict, type PluginScore, type SchedulingOutcome, type SchedulingVerdict,
} from './types.js';

export interface AttemptRecord {
  at: string;
  attempts: number;
  outcome: SchedulingOutcome;
  node?: string;
  message?: string;
  preFilter?: { plugin: FilterPluginName; reason: string };
  nodesTotal: number;
  nodesToFind: number;
  nodesEvaluated: number;
  feasibleNodes: number;
  /** Node ids, in evaluation order. */
  evaluated: Int32Array;
  /** Per evaluated node: 0 when it passed every filter, else a rejection id. */
  status: Uint32Array;
  /** Per feasible node (evaluation order), one normalized score per SCORE_PLUGINS entry; null when not scored. */
  scores: Uint8Array | null;
  /** Bit i set: SCORE_PLUGINS[i] skipped. */
  skipped: number;
  /** Index into `evaluated` of the chosen node, or -1. */
  selected: number;
  detail: 'full' | 'summary';
}

const P = SCORE_PLUGINS.length;

function pluginScores(scores: Uint8Array, feasibleIndex: number, skipped: number): { list: PluginScore[]; total: number } {
  const list: PluginScore[] = [];
  let total = 0;
  SCORE_PLUGINS.forEach((p, i) => {
    const score = scores[feasibleIndex * P + i]!;
    const isSkipped = (skipped & (1 << i)) !== 0;
    list.push({ plugin: p.name, weight: p.weight, score, skipped: isSkipped });
    if (!isSkipped) total += score * p.weight;
  });
  return { list, total };
}

export function materialize(
  record: AttemptRecord,
  pod: { namespace: string; name: string; uid: string },
  nodeName: (id: number) => string,
  rejections: Rejections,
): SchedulingVerdict {
  const feasible: NodeVerdict[] = [];
  const rejected: NodeVerdict[] = [];
  let f = 0;
  for (let i = 0; i < record.evaluated.length; i++) {
    const node = nodeName(record.evaluated[i]!);
    const s = record.status[i]!;
    if (s !== 0) {
      const r = rejections.get(s);
      rejected.push({ node, feasible: false, plugin: r.plugin, reasons: r.reasons });
      continue;
    }
    const v: NodeVerdict = { node, feasible: true, selected: i === record.selected };
    if (record.scores) {
      const { list, total } = pluginScores(record.scores, f, record.skipped);
      v.scores = list;
      v.total = total;
    }
    feasible.push(v);
    f++;
  }
  feasible.sort((a, b) => {
    const ta = (a as { total?: number }).total ?? 0;
    const tb = (b as { total?: number }).total ?? 0;
    if (ta !== tb) return tb - ta;
    return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
  });
  rejected.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  const verdict: SchedulingVerdict = {
    ...pod,
    attempts: record.attempts,
    attemptedAt: record.at,
    outcome: record.outcome,
    nodesTotal: record.nodesTotal,
    nodesEvaluated: record.nodesEvaluated,
    nodesToFind: record.nodesToFind,
    feasibleNodes: record.feasibleNodes,
    nodes: [...feasible, ...rejected],
    detail: record.detail,
  };
  if (record.node !== undefined) verdict.node = record.node;
  if (record.message !== undefined) verdict.message = record.message;
  if (record.preFilter) verdict.preFilter = record.preFilter;
  return verdict;
}

/**
 * Summaries share their arrays (never changed once made): the status [0], one id array per node, score rows by
 * content. Three arrays of its own cost a summary ~800 bytes, most of a 150,000-pod scheduler's memory.
 */
const SUMMARY_STATUS = Uint32Array.of(0);
const nodeIdArrays: Int32Array[] = [];
const scoreRows = new BoundedMemo<Uint8Array>(4096);

const nodeIdArray = (id: number): Int32Array => (nodeIdArrays[id] ??= Int32Array.of(id));

function scoreRow(scores: Uint8Array, from: number): Uint8Array {
  const row = scores.subarray(from, from + P);
  return scoreRows.get(String.fromCharCode(...row), () => row.slice());
}

/** Keeps only the chosen node of a record. */
export function summarize(record: AttemptRecord): AttemptRecord {
  if (record.detail === 'summary' || record.selected < 0) return record;
  let feasibleIndex = 0;
  for (let i = 0; i < record.selected; i++) if (record.status[i] === 0) feasibleIndex++;
  return {
    ...record,
    evaluated: nodeIdArray(record.evaluated[record.selected]!),
    status: SUMMARY_STATUS,
    scores: record.scores ? scoreRow(record.scores, feasibleIndex * P) : null,
    selected: 0,
    detail: 'summary',
  };
}

/** Records by pod uid; bound pods beyond the newest `fullLimit` are summarized. */
export class VerdictStore {
  private readonly records = new Map<string, AttemptRecord>();
  /** Bound pods with full records, oldest first. */
  private readonly fullBound = new Set<string>();

  constructor(private readonly fullLimit: number) {}

  get(uid: string): AttemptRecord | undefined {
    return this.records.get(uid);
  }

  set(uid: string, record: AttemptRecord): void {
    this.records.set(uid, record);
    this.fullBound.delete(uid);
    if (record.outcome !== 'Scheduled' || record.detail !== 'full') return;
    this.fullBound.add(uid);
    if (this.fullBound.size > this.fullLimit) {
      const oldest = this.fullBound.values().next().value!;
      this.fullBound.delete(oldest);
      const r = this.records.get(oldest);
      if (r) this.records.set(oldest, summarize(r));
    }
  }

  /** Marks a record as bound (a pod that waited for its volumes). */
  bound(uid: string, node: string): void {
    const r = this.records.get(uid);
    if (r) this.set(uid, { ...r, outcome: 'Scheduled', node });
  }

  delete(uid: string): void {
    this.records.delete(uid);
    this.fullBound.delete(uid);
  }
}
