/** maxSurge / maxUnavailable as numbers of pods (util/deployment_util.go ResolveFenceposts, MaxSurge, MaxUnavailable). */
import type { IntOrString } from '../../api/meta.js';
import type { Deployment } from '../../api/types.js';
import { BoundedMemo } from '../../boundedMemo.js';

/**
 * intstr.GetScaledValueFromIntOrPercent: an int as is, "25%" of `total` rounded up or down.
 * Throws on a malformed percentage (validation rejects those before they get here).
 */
export function scaledValue(value: IntOrString, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const parsed = parseIntOrPercent(value);
  if (!('percent' in parsed)) return parsed.int;
  const scaled = (parsed.percent * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

type IntOrPercent = { percent: number } | { int: number };
const parsedIntOrPercent = new BoundedMemo<IntOrPercent>(1024);

/** A Deployment's few fencepost strings ("25%") are read in every sync: each is parsed once. */
const parseIntOrPercent = (value: string): IntOrPercent => parsedIntOrPercent.get(value, intOrPercent);

function intOrPercent(value: string): IntOrPercent {
  const m = /^(-?\d+)%$/.exec(value);
  if (m) return { percent: Number(m[1]) };
  if (/^-?\d+$/.test(value)) return { int: Number(value) };
  throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
}

export interface Fenceposts {
  surge: number;
  unavailable: number;
}

/** Surge rounds up, unavailable rounds down; both 0 after rounding makes unavailable 1. */
export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, desired: number): Fenceposts {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export const replicasOf = (d: Deployment): number => d.spec.replicas ?? 1;

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

function fenceposts(d: Deployment): Fenceposts {
  const ru = d.spec.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicasOf(d));
}

/** 0 for Recreate or no replicas; never more than spec.replicas. */
export function maxUnavailable(d: Deployment): number {
  const replicas = replicasOf(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(fenceposts(d).unavailable, replicas);
}

/** 0 for Recreate. */
export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? fenceposts(d).surge : 0;
}

/** replicas - maxUnavailable for RollingUpdate, 0 for Recreate. */
export function minAvailable(d: Deployment): number {
  return isRollingUpdate(d) ? replicasOf(d) - maxUnavailable(d) : 0;
}
