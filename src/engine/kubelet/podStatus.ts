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

interface Verdict {
  status: 'True' | 'False';
  reason?: string;
  message?: string;
}

const list = (names: string[]) => `[${names.join(' ')}]`;

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

  const incomplete = (spec.initContainers ?? [])
    .filter((c) => {
      const s = input.initStatuses.find((x) => x.name === c.name);
      if (isSidecar(c)) return !s?.started;
      return !(s?.state.terminated?.exitCode === 0);
    })
    .map((c) => c.name);
  const initialized: Verdict = succeeded
    ? { status: 'True', reason: 'PodCompleted' }
    : incomplete.length === 0
      ? { status: 'True' }
      : { status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: ${list(incomplete)}` };

  const sidecars = (spec.initContainers ?? []).filter(isSidecar);
  const unready = [...sidecars, ...spec.containers]
    .filter((c) => {
      const s = sidecars.includes(c) ? input.initStatuses.find((x) => x.name === c.name) : input.statuses.find((x) => x.name === c.name);
      return !s?.ready;
    })
    .map((c) => c.name);
  const containersReady: Verdict = succeeded
    ? { status: 'False', reason: 'PodCompleted' }
    : unready.length === 0
      ? { status: 'True' }
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
    { type: 'PodReadyToStartContainers', verdict: { status: input.sandboxReady ? 'True' : 'False' } },
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

function condition(type: string, verdict: Verdict, lastTransitionTime: string): Condition {
  const { status, reason, message } = verdict;
  return conditions.get(`${type}\0${status}\0${lastTransitionTime}\0${reason ?? ''}\0${message ?? ''}`, () => {
    const c: Condition = { type, status, lastProbeTime: null, lastTransitionTime };
    if (reason) c.reason = reason;
    if (message) c.message = message;
    return c;
  });
}

/**
 * Merges the kubelet's verdicts into the pod's conditions: a condition keeps its lastTransitionTime while its
 * status stays the same; PodScheduled and conditions other components own keep their place after the kubelet's.
 */
export function mergeConditions(existing: readonly Condition[], verdicts: { type: string; verdict: Verdict }[], now: string): Condition[] {
  const out: Condition[] = [];
  for (const { type, verdict } of verdicts) {
    const prev = existing.find((c) => c.type === type);
    const since = prev && prev.status === verdict.status && prev.lastTransitionTime ? prev.lastTransitionTime : now;
    out.push(condition(type, verdict, since));
  }
  const ours = new Set(verdicts.map((v) => v.type));
  const scheduled = existing.find((c) => c.type === 'PodScheduled');
  out.push(scheduled ?? { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now });
  for (const c of existing) if (!ours.has(c.type) && c.type !== 'PodScheduled') out.push(c);
  // An array grown by push keeps room for 17: every pod holds its conditions, so they are kept in one of their size.
  return out.slice();
}
