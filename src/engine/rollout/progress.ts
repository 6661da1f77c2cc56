/**
 * Rollout progress as data: what the dashboard draws for a Deployment, StatefulSet or DaemonSet, and what
 * `kubectl rollout status|history|undo` print. Each workload kind implements RolloutOps in its own module.
 */
import type { KindMap, PodTemplateSpec } from '../api/types.js';
import type { ClusterClient, ClusterReader } from '../client.js';

export type RolloutKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

export interface RevisionPods {
  /** The revision number (`deployment.kubernetes.io/revision`, ControllerRevision.revision). */
  revision: number;
  /** The ReplicaSet or ControllerRevision behind it. */
  name: string;
  /** Pods of this revision that exist now. */
  pods: number;
  /** The revision the rollout is moving to. */
  current: boolean;
}

export type StuckReason = 'ProgressDeadlineExceeded' | 'ProbeFailing' | 'Unschedulable' | 'ImagePullFailing' | 'CrashLooping' | 'Paused';

export interface RolloutProgress {
  kind: RolloutKind;
  namespace: string;
  name: string;
  desired: number;
  updated: number;
  ready: number;
  available: number;
  /** Old and new revisions with their pod counts, newest first. */
  revisions: RevisionPods[];
  /** The step in progress, in words: "scaling up web-7d9f4 from 3 to 5", "waiting for web-2 to be Ready". */
  step: string;
  /** Set when the rollout cannot go on by itself, with the reason a user acts on. */
  stuck?: { reason: StuckReason; message: string };
  /** Every replica updated and available: `rollout status` would return. */
  complete: boolean;
}

/** `kubectl rollout status` once (no waiting): the line kubectl prints now, and whether it would stop waiting. */
export interface RolloutStatus {
  done: boolean;
  message: string;
}

/**
 * `kubectl rollout history` as data: every revision with its change-cause, or one revision's pod template
 * (`--revision=N`). The printers render it as kubectl does; the dashboard draws it as a table.
 */
export type RolloutHistory =
  | { ref: string; revisions: { revision: number; changeCause?: string }[] }
  | { ref: string; revision: number; template: PodTemplateSpec };

export interface RolloutOps<K extends RolloutKind> {
  progress(object: KindMap[K], reader: ClusterReader): RolloutProgress;
  status(object: KindMap[K], reader: ClusterReader, options?: { revision?: number }): RolloutStatus;
  /** The revisions, or one revision's template with `revision`; throws kubectl's error for an unknown revision. */
  history(object: KindMap[K], reader: ClusterReader, options?: { revision?: number }): RolloutHistory;
  /** `kubectl rollout undo`: returns kubectl's message (`deployment.apps/web rolled back`) or throws its error. */
  undo(client: ClusterClient, object: KindMap[K], options?: { toRevision?: number }): string;
}
