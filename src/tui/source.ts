/**
 * What the dashboard reads and does, and nothing more: a cluster reader, kubectl's verbs, and (for the simulated
 * cluster) the clock and fault injection. The simulated session implements it in simulatedSource.ts; a real cluster
 * (@kubernetes/client-node) could implement it too, leaving `simulation` and `inspect` out.
 *
 * Components never touch the engine: they go through this interface (and the pure printers).
 */
import type { AnyObject, KindName } from '../engine/api/types.js';
import type { ClusterReader, PropagationPolicy } from '../engine/client.js';
import type { PodProbeStates } from '../engine/kubelet/index.js';
import type { RolloutProgress } from '../engine/rollout/index.js';
import type { QueueInfo, SchedulingVerdict } from '../engine/scheduler/index.js';
import type { ManifestError } from '../manifests/index.js';

export interface ObjectRef {
  kind: KindName;
  namespace?: string | undefined;
  name: string;
}

export interface LogLine {
  time: number;
  text: string;
}

/** kubectl drain's options as the dashboard asks for them. */
export interface DrainChoice {
  ignoreDaemonSets: boolean;
  deleteEmptyDirData: boolean;
  force: boolean;
  /** Seconds; negative: each pod's own grace period. */
  gracePeriodSeconds: number;
  /** Seconds; 0 waits for ever. */
  timeoutSeconds: number;
}

/** A drain running in (simulated) time: its lines grow as the clock runs. */
export interface DrainTask {
  node: string;
  status(): 'running' | 'drained' | 'failed';
  lines(): readonly { stream: 'out' | 'err'; text: string }[];
  cancel(): void;
}

/** What `kubectl rollout undo` would do: from which revision to which, and what changes. */
export interface UndoPlan {
  from: number;
  to: number;
  /** e.g. `nginx: nginx:1.27 -> nginx:1.25`; empty when only other template fields differ. */
  changes: string[];
}

/** kubectl's verbs. Each returns kubectl's message, or throws an error with `kubectlMessage()`. */
export interface DashboardActions {
  scale(ref: ObjectRef, replicas: number): string;
  cordon(node: string, unschedulable: boolean): string;
  delete(ref: ObjectRef, propagation: PropagationPolicy): string;
  /** Force-deletes a pod (grace period 0): `pod "x" force deleted`. */
  kill(ref: ObjectRef): string;
  setImage(ref: ObjectRef, images: Record<string, string>): string;
  restart(ref: ObjectRef): string;
  /** To the previous revision, or to `toRevision`. */
  undoPlan(ref: ObjectRef, toRevision?: number): UndoPlan;
  undo(ref: ObjectRef, toRevision?: number): string;
  drain(node: string, options: DrainChoice): DrainTask;
}

/** The simulated cluster's extras: its clock and fault injection. */
export interface SimulationControls {
  /** Virtual time (epoch ms) and when the simulation started. */
  now(): number;
  startedAt: number;
  speed(): number;
  paused(): boolean;
  togglePause(): void;
  faster(): void;
  slower(): void;
  /** One step while paused (to the next event, at most one second). */
  step(): void;
  nodeFailed(node: string): boolean;
  failNode(node: string): string;
  recoverNode(node: string): string;
  /** Stops and restarts real-time driving (while an editor has the terminal). */
  suspend(): void;
  resume(): void;
}

/** Watched manifest folders: the last reload and where each object is declared. */
export interface ManifestSource {
  dirs: readonly string[];
  /** How the header names the folders (default: relative to the current folder). */
  labels?: readonly string[];
  lastReload(): { at: Date; applied: number; errors: readonly ManifestError[] } | undefined;
  sourceOf(ref: ObjectRef): { file: string; line: number } | undefined;
}

/** Read-only looks into the simulation's controllers, for panels (probes, scheduler verdicts). */
export interface SimulationInsight {
  probeStates(namespace: string, pod: string): PodProbeStates[];
  /**
   * Recent runs per `container/probe`, oldest first (bounded). The kubelet keeps only the latest run: the source
   * samples the states each time they are read (every frame for what is on screen) and infers the runs between.
   */
  probeHistory(namespace: string, pod: string): ReadonlyMap<string, readonly { result: 'Success' | 'Failure'; time: number; message?: string }[]>;
  /** The scheduler's last attempt for a pod, node by node (undefined if it never tried). */
  schedulingVerdict(namespace: string, pod: string): SchedulingVerdict | undefined;
  /** Where a pending pod stands in the scheduling queue. */
  schedulingQueue(namespace: string, pod: string): QueueInfo | undefined;
}

/** A workload's rollout as the rollout panel draws it. */
export interface RolloutInfo {
  progress: RolloutProgress;
  strategy: string;
  /** Pods above `desired` the rollout may create, and pods below it that may be unavailable (0 when not rolling). */
  maxSurge: number;
  maxUnavailable: number;
  /** As written in the spec (`25%`), when set. */
  maxSurgeSpec?: string | undefined;
  maxUnavailableSpec?: string | undefined;
  /** kubectl rollout history, newest first, with each revision's images. */
  history: { revision: number; changeCause?: string | undefined; images: string[] }[];
}

/** `kubectl rollout` reads (pure over the reader; a real cluster could implement it too). */
export interface RolloutReader {
  info(ref: ObjectRef): RolloutInfo | undefined;
}

export interface DashboardSource {
  reader: ClusterReader;
  /** Wall-like time the tables measure ages against (virtual time for the simulation). */
  now(): number;
  logs(namespace: string, pod: string, container: string): readonly LogLine[];
  actions: DashboardActions;
  simulation?: SimulationControls;
  manifests?: ManifestSource;
  inspect?: SimulationInsight;
  rollouts?: RolloutReader;
  /**
   * Calls `onData(kinds)` for object changes (several per call are fine) and `onTick()` when only time moved or a
   * control changed (speed, pause, reload). Returns a function that stops both.
   */
  subscribe(onData: (kind: KindName) => void, onTick: () => void): () => void;
  /** Stops everything the source started (watches, drivers, folder watchers). */
  close(): Promise<void>;
}

export const refOf = (o: AnyObject): ObjectRef => ({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name ?? '' });
export const refKey = (r: ObjectRef): string => `${r.kind}/${r.namespace ?? ''}/${r.name}`;

/** An error from an action, in kubectl's words when it has some. */
export function errorMessage(e: unknown): string {
  if (e && typeof e === 'object' && 'kubectlMessage' in e && typeof (e as { kubectlMessage: unknown }).kubectlMessage === 'function') {
    return (e as { kubectlMessage(): string }).kubectlMessage();
  }
  return `error: ${e instanceof Error ? e.message : String(e)}`;
}
