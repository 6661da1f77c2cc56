/**
 * Verdicts kept compactly: per attempt, the evaluated nodes as ids, each node's filter outcome as an interned
 * rejection id, and the feasible nodes' normalized plugin scores as bytes. Turned into SchedulingVerdict on demand.
 * Pending pods keep their full verdict; of the bound pods, the most recent `fullLimit` do, older ones a summary.
 */
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

const SUMMARY_STATUS = Uint32Array.of(0);
// Two packed integers hold the scores of up to 8 plugins.
if (P > 8) throw new Error(`summaries pack 8 plugin scores, not ${P}`);

/**
 * A bound pod's record once newer ones are kept in full: the chosen node and its plugin scores, packed (7 bits
 * each, scores are 0–100) into two small integers. Arrays of its own cost a summary ~800 bytes, most of a
 * 150,000-pod scheduler's memory; they are made when the verdict is asked for.
 */
class Summary implements AttemptRecord {
  readonly at: string;
  readonly attempts: number;
  readonly node: string | undefined;
  readonly nodesTotal: number;
  readonly nodesToFind: number;
  readonly nodesEvaluated: number;
  readonly feasibleNodes: number;
  readonly skipped: number;
  private readonly nodeId: number;
  /** Scores of plugins 0–3 and 4–6, 7 bits each; -1 when the pod was not scored. */
  private readonly low: number;
  private readonly high: number;

  constructor(record: AttemptRecord, scores: Uint8Array | null) {
    this.at = record.at;
    this.attempts = record.attempts;
    this.node = record.node;
    this.nodesTotal = record.nodesTotal;
    this.nodesToFind = record.nodesToFind;
    this.nodesEvaluated = record.nodesEvaluated;
    this.feasibleNodes = record.feasibleNodes;
    this.skipped = record.skipped;
    this.nodeId = record.evaluated[record.selected]!;
    this.low = scores ? pack(scores, 0, 4) : -1;
    this.high = scores ? pack(scores, 4, P) : -1;
  }

  get outcome(): SchedulingOutcome {
    return 'Scheduled';
  }

  get detail(): 'summary' {
    return 'summary';
  }

  get selected(): number {
    return 0;
  }

  get evaluated(): Int32Array {
    return Int32Array.of(this.nodeId);
  }

  get status(): Uint32Array {
    return SUMMARY_STATUS;
  }

  get scores(): Uint8Array | null {
    if (this.low < 0) return null;
    const out = new Uint8Array(P);
    for (let i = 0; i < P; i++) out[i] = ((i < 4 ? this.low : this.high) >> (7 * (i % 4))) & 127;
    return out;
  }
}

function pack(scores: Uint8Array, from: number, to: number): number {
  let packed = 0;
  for (let i = from; i < to; i++) packed |= scores[i]! << (7 * (i - from));
  return packed;
}

/** Keeps only the chosen node of a record. */
export function summarize(record: AttemptRecord): AttemptRecord {
  if (record.detail === 'summary' || record.selected < 0) return record;
  let feasibleIndex = 0;
  for (let i = 0; i < record.selected; i++) if (record.status[i] === 0) feasibleIndex++;
  return new Summary(record, record.scores ? record.scores.subarray(feasibleIndex * P, feasibleIndex * P + P) : null);
}

const SLAB_BYTES = 64 * 1024;
/** Empty slabs kept for reuse (4 MB); more are left to the garbage collector. */
const SPARE_SLABS = 64;

interface Slab {
  readonly buffer: ArrayBuffer;
  used: number;
  /** Records with space in it. */
  live: number;
}

/**
 * Space for full records' arrays, carved from 64 kB slabs (an ArrayBuffer of its own per record cost more than the
 * rest of building it), and given back when the store lets a record go (summarized, replaced, deleted): a slab
 * whose records are all gone is reused. A new ArrayBuffer cost ~100 µs each (V8 counts it as external memory, which
 * paces its collections): allocating one per eight pods was a twentieth of taking 10,000 pods to Running.
 */
class RecordArena {
  private readonly slabs = new Map<ArrayBuffer, Slab>();
  private readonly spare: Slab[] = [];
  private current: Slab | undefined;

  /** `bytes` at `offset` in `buffer`, 8-byte aligned; the space may hold an earlier record's bytes. */
  alloc(bytes: number): { buffer: ArrayBuffer; offset: number } {
    if (bytes > SLAB_BYTES / 4) return { buffer: new ArrayBuffer(bytes), offset: 0 };
    let slab = this.current;
    if (!slab || slab.used + bytes > SLAB_BYTES) {
      slab = this.spare.pop();
      if (!slab) {
        slab = { buffer: new ArrayBuffer(SLAB_BYTES), used: 0, live: 0 };
        this.slabs.set(slab.buffer, slab);
      }
      this.current = slab;
    }
    const offset = slab.used;
    slab.used += (bytes + 7) & ~7;
    slab.live++;
    return { buffer: slab.buffer, offset };
  }

  /** The space of a record in `buffer` is no longer used. */
  release(buffer: ArrayBuffer): void {
    const slab = this.slabs.get(buffer);
    if (!slab || --slab.live > 0) return;
    slab.used = 0;
    if (slab === this.current) return;
    if (this.spare.length < SPARE_SLABS) this.spare.push(slab);
    else this.slabs.delete(buffer);
  }
}

/** Records by pod uid; bound pods beyond the newest `fullLimit` are summarized. */
export class VerdictStore {
  private readonly records = new Map<string, AttemptRecord>();
  /** Bound pods with full records, oldest first. */
  private readonly fullBound = new Set<string>();
  private readonly arena = new RecordArena();

  constructor(private readonly fullLimit: number) {}

  /** Space for a record's arrays; the record must then be `set` (its space is given back when the store drops it). */
  space(bytes: number): { buffer: ArrayBuffer; offset: number } {
    return this.arena.alloc(bytes);
  }

  get(uid: string): AttemptRecord | undefined {
    return this.records.get(uid);
  }

  set(uid: string, record: AttemptRecord): void {
    const previous = this.records.get(uid);
    // A copy with another outcome (waiting for volumes, then bound) keeps the same arrays.
    if (previous && previous.evaluated !== record.evaluated) this.release(previous);
    this.records.set(uid, record);
    this.fullBound.delete(uid);
    if (record.outcome !== 'Scheduled' || record.detail !== 'full') return;
    this.fullBound.add(uid);
    if (this.fullBound.size > this.fullLimit) {
      const oldest = this.fullBound.values().next().value!;
      this.fullBound.delete(oldest);
      const r = this.records.get(oldest);
      const summary = r && summarize(r);
      if (r && summary !== r) {
        this.records.set(oldest, summary!);
        this.release(r);
      }
    }
  }

  private release(record: AttemptRecord): void {
    if (record.detail === 'full') this.arena.release(record.evaluated.buffer as ArrayBuffer);
  }

  /** Marks a record as bound (a pod that waited for its volumes). */
  bound(uid: string, node: string): void {
    const r = this.records.get(uid);
    if (r) this.set(uid, { ...r, outcome: 'Scheduled', node });
  }

  delete(uid: string): void {
    const record = this.records.get(uid);
    if (record) this.release(record);
    this.records.delete(uid);
    this.fullBound.delete(uid);
  }
}
