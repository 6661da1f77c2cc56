/** What the probes panel and the PROBES column say about each probe of a pod. Pure. */
import type { Container, ContainerStatus, Pod, Probe } from '../../engine/api/types.js';
import type { PodProbeStates, ProbeKind, ProbeState } from '../../engine/kubelet/index.js';
import { describeProbe } from '../../printers/describeContainers.js';
import type { ProbeRun } from './probeHistory.js';
import { historyKey } from './probeHistory.js';

export const PROBE_KINDS: readonly ProbeKind[] = ['startup', 'liveness', 'readiness'];
export const PROBE_LETTER: Record<ProbeKind, string> = { startup: 'S', liveness: 'L', readiness: 'R' };
export const PROBE_NAME: Record<ProbeKind, string> = { startup: 'Startup', liveness: 'Liveness', readiness: 'Readiness' };

export type ProbeCondition =
  /** The container is not running (yet, or any more). */
  | { type: 'not-started'; why: string }
  /** Liveness and readiness wait until the startup probe has succeeded. */
  | { type: 'waiting-startup' }
  /** Running, but still in initialDelaySeconds, or no run yet. */
  | { type: 'pending'; why: string }
  | { type: 'passing'; successes: number }
  /** Failed its last run(s): n of the failure threshold. */
  | { type: 'failing'; failures: number; threshold: number }
  /** Startup succeeded: the startup probe does not run any more. */
  | { type: 'started' };

export interface ProbeRow {
  container: string;
  kind: ProbeKind;
  probe: Probe;
  /** kubectl describe's wording: `exec [cat /tmp/healthy] delay=5s timeout=1s period=5s #success=1 #failure=3`. */
  config: string;
  condition: ProbeCondition;
  state?: ProbeState;
  /** Milliseconds to the next run (virtual clock), when one is due. */
  nextInMs?: number;
  /** The last failure's output (the kubelet's Unhealthy message). */
  lastFailure?: string;
  history: readonly ProbeRun[];
}

const probeOf = (c: Container, kind: ProbeKind): Probe | undefined => c[`${kind}Probe`];

function conditionOf(kind: ProbeKind, probe: Probe, c: Container, status: ContainerStatus | undefined, state: ProbeState | undefined, now: number): ProbeCondition {
  const running = status?.state.running;
  if (!running) {
    const why = status?.state.waiting?.reason ?? (status?.state.terminated ? `terminated: ${status.state.terminated.reason ?? 'Error'}` : 'not running');
    return { type: 'not-started', why };
  }
  if (kind === 'startup' && status?.started) return { type: 'started' };
  if (kind !== 'startup' && c.startupProbe && !status?.started) return { type: 'waiting-startup' };
  const startedAt = Date.parse(running.startedAt ?? '') || 0;
  const ranThisInstance = state?.lastProbeTime !== undefined && state.lastProbeTime >= startedAt && state.consecutiveFailures + state.consecutiveSuccesses > 0;
  if (!ranThisInstance || !state?.lastResult) {
    const delay = probe.initialDelaySeconds ?? 0;
    const left = Math.ceil((startedAt + delay * 1000 - now) / 1000);
    return { type: 'pending', why: left > 0 ? `initial delay, ${left}s left` : 'no run yet' };
  }
  if (state.lastResult === 'Failure') return { type: 'failing', failures: state.consecutiveFailures, threshold: probe.failureThreshold ?? 3 };
  return { type: 'passing', successes: state.consecutiveSuccesses };
}

/** The worker ticks every period but skips ticks inside initialDelaySeconds: the first tick past the delay runs. */
function firstRunAfterDelay(next: number, probe: Probe, status: ContainerStatus | undefined, now: number): number {
  const startedAt = Date.parse(status?.state.running?.startedAt ?? '') || 0;
  const delayEnd = startedAt + (probe.initialDelaySeconds ?? 0) * 1000;
  if (delayEnd <= next || delayEnd <= now) return next;
  const periodMs = Math.max(1, probe.periodSeconds ?? 10) * 1000;
  return next + Math.ceil((delayEnd - next) / periodMs) * periodMs;
}

/** Every probe of every (app and sidecar) container of the pod, startup first. */
export function probeRows(pod: Pod, states: readonly PodProbeStates[], history: ReadonlyMap<string, readonly ProbeRun[]>, now: number): ProbeRow[] {
  const rows: ProbeRow[] = [];
  const containers = [...(pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'), ...pod.spec.containers];
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const c of containers) {
    const status = statuses.find((s) => s.name === c.name);
    for (const kind of PROBE_KINDS) {
      const probe = probeOf(c, kind);
      if (!probe) continue;
      const state = states.find((s) => s.container === c.name)?.probes.find((p) => p.probe === kind);
      const condition = conditionOf(kind, probe, c, status, state, now);
      const row: ProbeRow = { container: c.name, kind, probe, config: describeProbe(probe), condition, history: history.get(historyKey(c.name, kind)) ?? [] };
      if (state) row.state = state;
      const live = condition.type !== 'not-started' && condition.type !== 'waiting-startup' && condition.type !== 'started';
      if (live && state?.nextProbeTime !== undefined) row.nextInMs = Math.max(0, firstRunAfterDelay(state.nextProbeTime, probe, status, now) - now);
      // The kubelet keeps only the last run's output: an earlier failure's comes from the sampled history.
      const lastFailure = state?.lastResult === 'Failure' ? state.lastMessage : [...row.history].reverse().find((r) => r.result === 'Failure' && r.message)?.message;
      if (lastFailure) row.lastFailure = lastFailure;
      rows.push(row);
    }
  }
  return rows;
}

/** The condition in words: `passing`, `failing 2/3`, `not started (ContainerCreating)`, `waiting on startup`. */
export function conditionText(c: ProbeCondition): string {
  switch (c.type) {
    case 'not-started':
      return `not started (${c.why})`;
    case 'waiting-startup':
      return 'waiting on startup';
    case 'pending':
      return `not run yet (${c.why})`;
    case 'passing':
      return 'passing';
    case 'failing':
      return `failing ${c.failures}/${c.threshold}`;
    case 'started':
      return 'succeeded (stops probing)';
  }
}

/** The PROBES column: `L✓ R✗2/3 S…` — ✓ passing, ✗n/threshold failing, … waiting (startup, delay, not running). */
export function compactCell(rows: readonly ProbeRow[]): string {
  if (rows.length === 0) return '-';
  return rows
    .map((r) => {
      const l = PROBE_LETTER[r.kind];
      const c = r.condition;
      if (c.type === 'passing' || c.type === 'started') return `${l}✓`;
      if (c.type === 'failing') return `${l}✗${c.failures}/${c.threshold}`;
      return `${l}…`;
    })
    .join(' ');
}

/** `✓✓✓✗✗`: the recent runs, oldest first, at most `width`. */
export function strip(history: readonly ProbeRun[], width = 20): string {
  return history.slice(-width).map((r) => (r.result === 'Success' ? '✓' : '✗')).join('');
}

export function seconds(ms: number): string {
  const s = ms / 1000;
  return s >= 10 || Number.isInteger(s) ? `${Math.round(s)}s` : `${s.toFixed(1)}s`;
}
