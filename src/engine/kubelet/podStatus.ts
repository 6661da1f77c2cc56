/**
 * Pure parts of the kubelet's status generation (pkg/kubelet/kubelet_pods.go, pkg/kubelet/status/generate.go):
 * the pod phase from container statuses, and the pod conditions with their kubelet reasons and messages.
 */
import type { Condition } from '../api/meta.js';
import { BoundedMemo } from '../boundedMemo.js';
import type { Container, ContainerStatus, PodPhase, PodSpec } from '../api/types.js';

const isSidecar = (c: Container) => c.restartPolicy === 'Always';

/** getPhase: Pending / Running / Succeeded / Failed from the statuses. `podIsTerminal`: the pod is being torn down. */
export function podPhase(
  spec: PodSpec,
  initStatuses: readonly ContainerStatus[],
  statuses: readonly ContainerStatus[],
  podIsTerminal: boolean,
): PodPhase {
  const find = (list: readonly ContainerStatus[], name: string) => list.find((s) => s.name === name);
  let pendingInitialization = 0;
  let failedInitialization = 0;
  for (const c of spec.initContainers ?? []) {
    if (isSidecar(c)) continue;
    const s = find(initStatuses, c.name);
    if (!s) {
      pendingInitialization++;
      continue;
    }
    if (s.state.running) pendingInitialization++;
    else if (s.state.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInitialization++;
    } else if (s.state.waiting) {
      if (s.lastState.terminated) {
        if (s.lastState.terminated.exitCode !== 0) failedInitialization++;
      } else pendingInitialization++;
    } else pendingInitialization++;
  }

  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of spec.initContainers ?? []) {
    if (!isSidecar(c)) continue;
    const s = find(initStatuses, c.name);
    if (!s) {
      unknown++;
      continue;
    }
    if (s.state.running) {
      if (!s.started) pendingInitialization++;
      running++;
    } else if (s.state.waiting && !s.lastState.terminated) {
      pendingInitialization++;
      waiting++;
    } else if (!s.state.terminated && !s.state.waiting) {
      pendingInitialization++;
      unknown++;
    }
  }
  let anyRegularStarted = false;
  for (const c of spec.containers) {
    const s = find(statuses, c.name);
    if (!s) {
      unknown++;
      continue;
    }
    if (s.state.running || s.state.terminated || s.lastState.terminated) anyRegularStarted = true;
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state.waiting) {
      if (s.lastState.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }

  if (failedInitialization > 0 && spec.restartPolicy === 'Never') return 'Failed';
  if ((pendingInitialization > 0 && !anyRegularStarted) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (spec.restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (spec.restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

/** Shared between pods (the common ones are constants): never changed. */
interface Verdict {
  readonly status: 'True' | 'False';
  readonly reason?: string;
  readonly message?: string;
}

const list = (names: string[]) => `[${names.join(' ')}]`;

const NO_CONTAINERS: readonly Container[] = [];
const TRUE: Verdict = { status: 'True' };
const FALSE: Verdict = { status: 'False' };
const TRUE_COMPLETED: Verdict = { status: 'True', reason: 'PodCompleted' };
const FALSE_COMPLETED: Verdict = { status: 'False', reason: 'PodCompleted' };

/** The kubelet-owned conditions, in the order the kubelet lists them. */
export function kubeletConditions(input: {
  spec: PodSpec;
  phase: PodPhase;
  sandboxReady: boolean;
  initStatuses: readonly ContainerStatus[];
  statuses: readonly ContainerStatus[];
  /** Current conditions, for readiness gates. */
  existing: readonly Condition[];
}): { type: string; verdict: Verdict }[] {
  const { spec, phase } = input;
  const succeeded = phase === 'Succeeded';
  // Loops and shared verdicts, not filter/map chains: this runs for every status a kubelet writes.
  const inits = spec.initContainers ?? NO_CONTAINERS;
  const statusOf = (statuses: readonly ContainerStatus[], name: string) => statuses.find((x) => x.name === name);

  const incomplete: string[] = [];
  for (const c of inits) {
    const s = statusOf(input.initStatuses, c.name);
    if (isSidecar(c) ? !s?.started : !(s?.state.terminated?.exitCode === 0)) incomplete.push(c.name);
  }
  const initialized: Verdict = succeeded
    ? TRUE_COMPLETED
    : incomplete.length === 0
      ? TRUE
      : { status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: ${list(incomplete)}` };

  // Sidecars first, then the regular containers.
  const unready: string[] = [];
  for (const c of inits) if (isSidecar(c) && !statusOf(input.initStatuses, c.name)?.ready) unready.push(c.name);
  for (const c of spec.containers) if (!statusOf(input.statuses, c.name)?.ready) unready.push(c.name);
  const containersReady: Verdict = succeeded
    ? FALSE_COMPLETED
    : unready.length === 0
      ? TRUE
      : { status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: ${list(unready)}` };

  let ready: Verdict = containersReady;
  if (containersReady.status === 'True') {
    const missing: string[] = [];
    for (const gate of spec.readinessGates ?? []) {
      const c = input.existing.find((x) => x.type === gate.conditionType);
      if (!c) missing.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
      else if (c.status !== 'True') missing.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
    }
    if (missing.length) ready = { status: 'False', reason: 'ReadinessGatesNotReady', message: missing.join(', ') };
  }

  return [
    { type: 'PodReadyToStartContainers', verdict: input.sandboxReady ? TRUE : FALSE },
    { type: 'Initialized', verdict: initialized },
    { type: 'Ready', verdict: ready },
    { type: 'ContainersReady', verdict: containersReady },
  ];
}

/**
 * Pods' conditions are alike (the same type, status and reason, changed in the same second): one object for each,
 * shared by the pods and versions that have it (stored objects never change).
 */
const conditions = new BoundedMemo<Condition>(8192);
/** The conditions `condition` made: one that still says what a verdict says is kept as it is, without a lookup. */
const made = new WeakSet<Condition>();

/** The last condition made per type: pods changing together (a Deployment's, in the same second) ask for it again. */
const lastOfType = new Map<string, Condition>();

function condition(type: string, verdict: Verdict, lastTransitionTime: string): Condition {
  const last = lastOfType.get(type);
  if (last && says(last, verdict, lastTransitionTime)) return last;
  const c = memoCondition(type, verdict, lastTransitionTime);
  lastOfType.set(type, c);
  return c;
}

function memoCondition(type: string, verdict: Verdict, lastTransitionTime: string): Condition {
  const { status, reason, message } = verdict;
  return conditions.get(`${type}\0${status}\0${lastTransitionTime}\0${reason ?? ''}\0${message ?? ''}`, () => {
    const c: Condition = { type, status, lastProbeTime: null, lastTransitionTime };
    if (reason) c.reason = reason;
    if (message) c.message = message;
    made.add(c);
    return c;
  });
}

/** Whether `c`, made by `condition`, is what it would make for this verdict since `lastTransitionTime`. */
const says = (c: Condition, verdict: Verdict, lastTransitionTime: string): boolean =>
  made.has(c) && c.status === verdict.status && c.lastTransitionTime === lastTransitionTime
  && c.reason === (verdict.reason || undefined) && c.message === (verdict.message || undefined);

/**
 * Merges the kubelet's verdicts into the pod's conditions: a condition keeps its lastTransitionTime while its
 * status stays the same; PodScheduled and conditions other components own keep their place after the kubelet's.
 */
export function mergeConditions(existing: readonly Condition[], verdicts: { type: string; verdict: Verdict }[], now: string): Condition[] {
  const out: Condition[] = [];
  for (const { type, verdict } of verdicts) {
    const prev = existing.find((c) => c.type === type);
    const since = prev && prev.status === verdict.status && prev.lastTransitionTime ? prev.lastTransitionTime : now;
    // Most writes leave most conditions as they were: the same object then (building the memo's key cost more).
    out.push(prev && says(prev, verdict, since) ? prev : condition(type, verdict, since));
  }
  const scheduled = existing.find((c) => c.type === 'PodScheduled');
  out.push(scheduled ?? { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now });
  for (const c of existing) if (c.type !== 'PodScheduled' && !verdicts.some((v) => v.type === c.type)) out.push(c);
  // An array grown by push keeps room for 17: every pod holds its conditions, so they are kept in one of their size.
  return out.slice();
}
