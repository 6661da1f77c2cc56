/**
 * The plugin contract of one scheduling cycle, in the shape of kube-scheduler's framework: PreFilter prepares per-pod
 * state and may skip (nothing to check) or reject the pod outright; Filter says, per node, fits or why not; PreScore
 * and Score rate the feasible nodes; NormalizeScore brings a plugin's scores to 0..100.
 */
import type { Labels } from '../api/meta.js';
import type { Pod } from '../api/types.js';
import type { ObjectStore } from '../store/objectStore.js';
import type { NodeInfo, SchedulerCache } from './cache.js';
import type { PodRequests } from './resources.js';
import type { FilterPluginName, ScorePluginName } from './types.js';

export const MAX_NODE_SCORE = 100;

/** A filter outcome: why a node was rejected, in kube-scheduler's words, interned to a number. */
export interface Rejection {
  plugin: FilterPluginName;
  reasons: readonly string[];
}

/** Interns rejections so a verdict stores a node's outcome as one number (0 = it fits). */
export class Rejections {
  private readonly byKey = new Map<string, number>();
  private readonly list: Rejection[] = [{ plugin: 'NodeName', reasons: [] }];

  id(plugin: FilterPluginName, reasons: readonly string[]): number {
    const key = `${plugin}\x00${reasons.join('\x00')}`;
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.list.length;
      this.list.push({ plugin, reasons });
      this.byKey.set(key, id);
    }
    return id;
  }

  get(id: number): Rejection {
    return this.list[id]!;
  }
}

/** What every plugin may read about the pod being scheduled. */
export interface Cycle {
  readonly pod: Pod;
  readonly namespace: string;
  readonly requests: PodRequests;
  readonly cache: SchedulerCache;
  readonly store: ObjectStore;
  readonly rejections: Rejections;
  namespaceLabels(namespace: string): Labels | undefined;
}

/** Returns 0 when the node fits, else a rejection id. */
export type NodeFilter = (node: NodeInfo) => number;

export type PreFilterResult =
  /** Skip: the plugin has nothing to check for this pod. */
  | null
  | NodeFilter
  /** The pod cannot be scheduled anywhere; `reason` is the PreFilter status message. */
  | { reject: string };

export interface FilterPlugin {
  readonly name: FilterPluginName;
  preFilter(cycle: Cycle): PreFilterResult;
}

export interface NodeScorer {
  score(node: NodeInfo): number;
  /** Optional: `out[j] = score(nodes[j])` for every node, in one loop the engine can specialise (hundreds of nodes per pod). */
  scoreAll?(nodes: readonly NodeInfo[], out: Float64Array): void;
  /** Rewrites raw scores (one per feasible node, in order) to 0..100. */
  normalize?(scores: Float64Array, nodes: readonly NodeInfo[]): void;
}

export interface ScorePlugin {
  readonly name: ScorePluginName;
  /** null: Skip (the plugin has nothing to say about this pod). */
  preScore(cycle: Cycle, feasible: readonly NodeInfo[]): NodeScorer | null;
}

/** helper.DefaultNormalizeScore. */
export function defaultNormalize(scores: Float64Array, reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) {
    if (reverse) scores.fill(MAX_NODE_SCORE);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    let s = Math.trunc((MAX_NODE_SCORE * scores[i]!) / max);
    if (reverse) s = MAX_NODE_SCORE - s;
    scores[i] = s;
  }
}
