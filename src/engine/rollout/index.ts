/** `kubectl rollout` for each workload kind that has revisions. */
import type { KindName } from '../api/types.js';
import type { RolloutKind, RolloutOps } from './progress.js';

export type { RevisionPods, RolloutKind, RolloutOps, RolloutProgress, RolloutStatus, StuckReason } from './progress.js';

const OPS: { [K in RolloutKind]?: RolloutOps<K> } = {};

export function isRolloutKind(kind: KindName): kind is RolloutKind {
  return kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet';
}

export function rolloutOps<K extends RolloutKind>(kind: K): RolloutOps<K> | undefined {
  return OPS[kind] as RolloutOps<K> | undefined;
}
