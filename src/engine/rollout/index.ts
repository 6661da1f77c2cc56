/** `kubectl rollout` for each workload kind that has revisions. */
import type { KindName } from '../api/types.js';
import { daemonSetRollout } from './daemonSet.js';
import { deploymentRollout } from './deployment.js';
import type { RolloutKind, RolloutOps } from './progress.js';
import { statefulSetRollout } from './statefulSet.js';

export type { RevisionPods, RolloutHistory, RolloutKind, RolloutOps, RolloutProgress, RolloutStatus, StuckReason } from './progress.js';

const OPS: { [K in RolloutKind]: RolloutOps<K> } = {
  Deployment: deploymentRollout,
  StatefulSet: statefulSetRollout,
  DaemonSet: daemonSetRollout,
};

export function isRolloutKind(kind: KindName): kind is RolloutKind {
  return kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet';
}

export function rolloutOps<K extends RolloutKind>(kind: K): RolloutOps<K> {
  return OPS[kind] as RolloutOps<K>;
}
