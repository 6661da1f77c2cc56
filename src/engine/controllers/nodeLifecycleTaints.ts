/**
 * Taint and toleration rules the node lifecycle and taint-eviction controllers apply (k8s.io/api/core/v1 helpers,
 * pkg/controller/nodelifecycle, pkg/controller/tainteviction), as pure functions.
 */
import type { Condition } from '../api/meta.js';
import type { Node, Taint, TaintEffect, Toleration } from '../api/types.js';
import { toleratesTaint } from '../scheduler/nodeSelector.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';

/** nodeConditionToTaintKeyStatusMap: which condition status puts which NoSchedule taint on a node. */
const CONDITION_TAINTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: TAINT_MEMORY_PRESSURE },
  DiskPressure: { True: TAINT_DISK_PRESSURE },
  NetworkUnavailable: { True: TAINT_NETWORK_UNAVAILABLE },
  PIDPressure: { True: TAINT_PID_PRESSURE },
};
const CONDITION_TAINT_KEYS = new Set(Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)));

export type ReadyStatus = Condition['status'] | undefined;

export function readyCondition(node: Node): Condition | undefined {
  return node.status?.conditions?.find((c) => c.type === 'Ready');
}

export const readyStatus = (node: Node): ReadyStatus => readyCondition(node)?.status;

/**
 * GetMatchingTolerations: for each taint the first toleration that tolerates it; `undefined` when some taint is not
 * tolerated at all.
 */
export function matchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[]): Toleration[] | undefined {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = tolerations.find((x) => toleratesTaint(x, taint));
    if (!t) return undefined;
    used.push(t);
  }
  return used;
}

/**
 * getMinTolerationTime in ms: the shortest tolerationSeconds among the tolerations used; 0 when none are used or one
 * is zero or negative; Infinity when none of them is limited (the pod stays for ever).
 */
export function minTolerationMs(used: readonly Toleration[]): number {
  if (used.length === 0) return 0;
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds * 1000);
  }
  return min;
}

export const noExecuteTaints = (node: Node | undefined): Taint[] => (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');

const sameTaint = (a: Taint, b: { key: string; effect: TaintEffect }) => a.key === b.key && a.effect === b.effect;

/** doNoScheduleTaintingPass: the NoSchedule taints a node's conditions and `spec.unschedulable` call for. */
export function desiredNoScheduleTaints(node: Node): { key: string; effect: 'NoSchedule' }[] {
  const out: { key: string; effect: 'NoSchedule' }[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) out.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) out.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  return out;
}

/** The NoSchedule taints the controller owns on a node right now. */
function controllerNoScheduleTaints(node: Node): Taint[] {
  return (node.spec?.taints ?? []).filter((t) => t.effect === 'NoSchedule' && (t.key === TAINT_UNSCHEDULABLE || CONDITION_TAINT_KEYS.has(t.key)));
}

export interface TaintSwap {
  add: { key: string; effect: TaintEffect }[];
  remove: { key: string; effect: TaintEffect }[];
}

export function noScheduleSwap(node: Node): TaintSwap {
  const desired = desiredNoScheduleTaints(node);
  const current = controllerNoScheduleTaints(node);
  return {
    add: desired.filter((d) => !current.some((c) => sameTaint(c, d))),
    remove: current.filter((c) => !desired.some((d) => sameTaint(c, d))).map((t) => ({ key: t.key, effect: t.effect })),
  };
}

/**
 * SwapNodeControllerTaint: added taints are stamped with timeAdded and appended (or replace one with the same key and
 * effect); removed ones go. Returns the new taint list, or undefined when nothing changes.
 */
export function swapTaints(taints: readonly Taint[], swap: TaintSwap, nowRfc3339: string): Taint[] | undefined {
  if (swap.add.length === 0 && swap.remove.every((r) => !taints.some((t) => sameTaint(t, r)))) return undefined;
  let out = [...taints];
  for (const a of swap.add) {
    const taint: Taint = { key: a.key, effect: a.effect, timeAdded: nowRfc3339 };
    const i = out.findIndex((t) => sameTaint(t, a));
    if (i >= 0) out[i] = taint;
    else out.push(taint);
  }
  out = out.filter((t) => !swap.remove.some((r) => sameTaint(t, r)));
  return out;
}

/** GetZoneKey: region and zone labels joined by ":\0:", or "" for a node without either. */
export function zoneKey(node: Node): string {
  const labels = node.metadata.labels ?? {};
  const region = labels['topology.kubernetes.io/region'] ?? labels['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = labels['topology.kubernetes.io/zone'] ?? labels['failure-domain.beta.kubernetes.io/zone'] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\u0000:${zone}`;
}

export type ZoneState = 'Initial' | 'Normal' | 'FullDisruption' | 'PartialDisruption';

/** ComputeZoneState with the default unhealthy-zone threshold of 55 %. */
export function computeZoneState(ready: number, notReady: number, unhealthyThreshold = 0.55): ZoneState {
  if (ready === 0 && notReady > 0) return 'FullDisruption';
  if (notReady > 2 && notReady / (notReady + ready) >= unhealthyThreshold) return 'PartialDisruption';
  return 'Normal';
}
