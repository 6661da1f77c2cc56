/** printPod's READY, STATUS and RESTARTS cells (pkg/printers/internalversion/printers.go). */
import type { Condition } from '../engine/api/meta.js';
import type { Container, ContainerStatus, Pod } from '../engine/api/types.js';
import { humanDuration } from './humanDuration.js';

export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

const time = (ts: string | undefined): number => (ts ? Date.parse(ts) || 0 : 0);
const isRestartable = (c: Container | undefined): boolean => c?.restartPolicy === 'Always';
const conditionTrue = (conditions: Condition[] | undefined, type: string): boolean =>
  !!conditions?.some((c) => c.type === type && c.status === 'True');

function terminatedReason(prefix: string, t: { reason?: string; signal?: number; exitCode: number }): string {
  if (t.reason) return prefix + t.reason;
  return t.signal ? `${prefix}Signal:${t.signal}` : `${prefix}ExitCode:${t.exitCode}`;
}

export function summarizePod(pod: Pod, now: number): PodSummary {
  const status = pod.status ?? {};
  const initSpecs = new Map((pod.spec.initContainers ?? []).map((c) => [c.name, c]));
  const total = pod.spec.containers.length + [...initSpecs.values()].filter(isRestartable).length;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let sidecarRestarts = 0;
  let lastSidecarRestart = 0;

  let reason: string = status.reason || status.phase || '';
  if (status.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  let initializing = false;
  const initStatuses: ContainerStatus[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i]!;
    const sidecar = isRestartable(initSpecs.get(c.name));
    const finished = time(c.lastState?.terminated?.finishedAt);
    restarts += c.restartCount;
    lastRestart = Math.max(lastRestart, finished);
    if (sidecar) {
      sidecarRestarts += c.restartCount;
      lastSidecarRestart = Math.max(lastSidecarRestart, finished);
    }
    const { terminated, waiting } = c.state ?? {};
    if (terminated && terminated.exitCode === 0) continue;
    if (sidecar && c.started) {
      if (c.ready) ready++;
      continue;
    }
    if (terminated) reason = terminatedReason('Init:', terminated);
    else if (waiting?.reason && waiting.reason !== 'PodInitializing') reason = `Init:${waiting.reason}`;
    else reason = `Init:${i}/${initSpecs.size}`;
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status.conditions, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    // Last to first, so the first container's state wins.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      restarts += c.restartCount;
      lastRestart = Math.max(lastRestart, time(c.lastState?.terminated?.finishedAt));
      const { waiting, terminated, running } = c.state ?? {};
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated) reason = terminatedReason('', terminated);
      else if (c.ready && running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = conditionTrue(status.conditions, 'Ready') ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';

  const restartsText = restarts !== 0 && lastRestart !== 0 ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsText };
}
