/**
 * The scheduler's vocabulary: its plugins (in the default profile's order, with the default score weights) and the
 * verdict it keeps per pod so the dashboard can answer "why is this pod pending" and "why this node".
 */

/** Filter plugins of the default profile, in the order kube-scheduler runs them on a node (the first failure wins). */
export const FILTER_PLUGINS = [
  'NodeUnschedulable',
  'NodeName',
  'TaintToleration',
  'NodeAffinity',
  'NodePorts',
  'NodeResourcesFit',
  'VolumeBinding',
  'PodTopologySpread',
  'InterPodAffinity',
] as const;
export type FilterPluginName = (typeof FILTER_PLUGINS)[number];

/** Score plugins of the default profile, in its order, with their default weights. */
export const SCORE_PLUGINS = [
  { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 },
  { name: 'NodeResourcesFit', weight: 1 },
  { name: 'PodTopologySpread', weight: 2 },
  { name: 'InterPodAffinity', weight: 2 },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  { name: 'ImageLocality', weight: 1 },
] as const;
export type ScorePluginName = (typeof SCORE_PLUGINS)[number]['name'];

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

/** One score plugin's say about a node: `score` is normalized to 0..100; `skipped` plugins had nothing to say. */
export interface PluginScore {
  plugin: ScorePluginName;
  weight: number;
  score: number;
  skipped: boolean;
}

/** A node the pod could not go to: the first filter plugin that rejected it and its reasons, in kube-scheduler's words. */
export interface RejectedNode {
  node: string;
  feasible: false;
  plugin: FilterPluginName;
  reasons: readonly string[];
}

/**
 * A node that passed every filter. `scores` is absent when it was the only feasible node (kube-scheduler then
 * skips scoring); `total` is the weighted sum the scheduler ranked by.
 */
export interface FeasibleNode {
  node: string;
  feasible: true;
  selected: boolean;
  scores?: readonly PluginScore[];
  total?: number;
}

export type NodeVerdict = RejectedNode | FeasibleNode;

export type SchedulingOutcome =
  /** Bound to `node`. */
  | 'Scheduled'
  /** No node fits: `message` is the FailedScheduling text. */
  | 'Unschedulable'
  /** A node is chosen; the pod waits for its WaitForFirstConsumer claims to be provisioned or bound first. */
  | 'WaitingForVolumes';

/** The last scheduling attempt of a pod, node by node. */
export interface SchedulingVerdict {
  namespace: string;
  name: string;
  uid: string;
  /** How many times the scheduler has tried this pod. */
  attempts: number;
  /** When the last attempt ran (RFC 3339). */
  attemptedAt: string;
  outcome: SchedulingOutcome;
  /** The chosen node (Scheduled, WaitingForVolumes). */
  node?: string;
  /** The FailedScheduling message (Unschedulable). */
  message?: string;
  /** Set when a PreFilter plugin rejected the pod before any node was looked at. */
  preFilter?: { plugin: FilterPluginName; reason: string };
  /** Nodes in the cluster at the time. */
  nodesTotal: number;
  /** Nodes the filters ran on (fewer than nodesTotal in big clusters: percentageOfNodesToScore). */
  nodesEvaluated: number;
  /** How many feasible nodes the scheduler looked for before it stopped searching. */
  nodesToFind: number;
  feasibleNodes: number;
  /**
   * Every evaluated node: feasible ones by total score (best first), then rejected ones by name.
   * `summary` verdicts (older bound pods) keep only the chosen node.
   */
  nodes: readonly NodeVerdict[];
  detail: 'full' | 'summary';
}

/** Where a pod stands in the scheduling queue. */
export interface QueueInfo {
  state: 'active' | 'backoff' | 'unschedulable' | 'waiting-for-volumes';
  attempts: number;
  /** Virtual time (ms) of the next attempt, when one is due (backoff). */
  nextAttemptAt?: number;
  /** Plugins that rejected the pod last time: cluster changes that concern them bring it back. */
  rejectedBy: readonly FilterPluginName[];
}
