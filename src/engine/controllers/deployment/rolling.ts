/**
 * The rolling-update and scaling arithmetic (rolling.go, sync.go `scale`, deployment_util.go), as pure plans:
 * each returns the ReplicaSets to scale and their new sizes, in the order the controller applies them.
 */
import type { Deployment, ReplicaSet } from '../../api/types.js';
import { isRollingUpdate, maxSurge, maxUnavailable, replicasOf, scaledValue } from './fenceposts.js';
import {
  availableReplicas, byCreation, byRevision, bySizeNewer, bySizeOlder, desiredReplicasAnnotation, filterActive,
  maxReplicasAnnotation, rsAvailable, rsReplicas, specReplicas,
} from './replicaSets.js';

export interface Scale {
  rs: ReplicaSet;
  to: number;
}

/** NewRSNewReplicas: the size the new ReplicaSet may grow to now. */
export function newRSNewReplicas(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return replicasOf(d);
  const surge = scaledValue(d.spec.strategy?.rollingUpdate?.maxSurge ?? 0, replicasOf(d), true);
  const current = specReplicas(allRSs);
  const maxTotal = replicasOf(d) + surge;
  if (current >= maxTotal) return rsReplicas(newRS);
  return rsReplicas(newRS) + Math.min(maxTotal - current, replicasOf(d) - rsReplicas(newRS));
}

/** reconcileNewReplicaSet: the new ReplicaSet's next size, or undefined when it stays. */
export function planNewReplicaSet(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet): number | undefined {
  const replicas = replicasOf(d);
  const current = rsReplicas(newRS);
  if (current === replicas) return undefined;
  if (current > replicas) return replicas;
  const next = newRSNewReplicas(d, allRSs, newRS);
  return next === current ? undefined : next;
}

/** cleanupUnhealthyReplicas: old ReplicaSets, oldest first, each down by its unavailable pods within `budget`. */
export function planCleanupUnhealthy(oldRSs: readonly ReplicaSet[], budget: number): Scale[] {
  const out: Scale[] = [];
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= budget) break;
    const spec = rsReplicas(rs);
    if (spec === 0 || spec === rsAvailable(rs)) continue;
    const down = Math.min(budget - total, spec - rsAvailable(rs));
    out.push({ rs, to: spec - down });
    total += down;
  }
  return out;
}

/** scaleDownOldReplicaSetsForRollingUpdate: remove what is available beyond minAvailable, oldest ReplicaSet first. */
export function planScaleDownOld(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], oldRSs: readonly ReplicaSet[]): Scale[] {
  const min = replicasOf(d) - maxUnavailable(d);
  const available = availableReplicas(allRSs);
  if (available <= min) return [];
  const wanted = available - min;
  const out: Scale[] = [];
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= wanted) break;
    const spec = rsReplicas(rs);
    if (spec === 0) continue;
    const down = Math.min(spec, wanted - total);
    out.push({ rs, to: spec - down });
    total += down;
  }
  return out;
}

/** How many old pods may go now: sum(spec) - minAvailable - the new ReplicaSet's unavailable pods. */
export function maxScaledDown(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet): number {
  const min = replicasOf(d) - maxUnavailable(d);
  return specReplicas(allRSs) - min - (rsReplicas(newRS) - rsAvailable(newRS));
}

/**
 * reconcileOldReplicaSets: first cleanupUnhealthyReplicas within maxScaledDown, then
 * scaleDownOldReplicaSetsForRollingUpdate over the result. `oldRSs` are the active old ReplicaSets.
 */
export function planOldReplicaSets(d: Deployment, oldRSs: readonly ReplicaSet[], newRS: ReplicaSet): { cleanup: Scale[]; scaleDown: Scale[] } {
  const none = { cleanup: [], scaleDown: [] };
  if (specReplicas(oldRSs) === 0) return none;
  const allRSs = [...oldRSs, newRS];
  const budget = maxScaledDown(d, allRSs, newRS);
  if (budget <= 0) return none;
  const cleanup = planCleanupUnhealthy(oldRSs, budget);
  const after = oldRSs.map((rs) => {
    const s = cleanup.find((c) => c.rs === rs);
    return s ? { ...rs, spec: { ...rs.spec, replicas: s.to } } : rs;
  });
  const scaleDown = planScaleDownOld(d, [...after, newRS], after).map((s) => ({ rs: oldRSs[after.indexOf(s.rs)]!, to: s.to }));
  return { cleanup, scaleDown };
}

/** IsSaturated: the new ReplicaSet has all the replicas, says so in its annotation, and all are available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicasAnnotation(rs);
  if (desired === undefined) return false;
  return rsReplicas(rs) === replicasOf(d) && desired === replicasOf(d) && rsAvailable(rs) === replicasOf(d);
}

/** FindActiveOrLatest: the one active ReplicaSet, the newest when none is active, undefined when several are. */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = filterActive([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** getReplicaSetFraction: how much of `toAdd` this ReplicaSet takes, from its max-replicas annotation. */
function replicaSetFraction(rs: ReplicaSet, d: Deployment, statusReplicas: number): number {
  if (replicasOf(d) === 0) return -rsReplicas(rs);
  const deploymentMax = replicasOf(d) + maxSurge(d);
  let before = maxReplicasAnnotation(rs);
  if (before === undefined || before === 0) {
    before = statusReplicas;
    if (before === 0) return rsReplicas(rs);
  }
  return roundHalfAwayFromZero((rsReplicas(rs) * deploymentMax) / before) - rsReplicas(rs);
}

function roundHalfAwayFromZero(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/** GetReplicaSetProportion. */
export function replicaSetProportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d, d.status?.replicas ?? 0);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * sync.go `scale()`: when the Deployment's size changed. One active (or only a latest) ReplicaSet takes it all;
 * a saturated new ReplicaSet sends the old ones to 0; otherwise (RollingUpdate) every active ReplicaSet takes a share
 * in proportion to its size, larger first, and the first takes the leftover. The plan lists every active ReplicaSet
 * (the controller also refreshes their replica annotations) in the order they are written.
 */
export function planScale(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): Scale[] {
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) return rsReplicas(activeOrLatest) === replicasOf(d) ? [] : [{ rs: activeOrLatest, to: replicasOf(d) }];
  if (isSaturated(d, newRS)) return filterActive(oldRSs).map((rs) => ({ rs, to: 0 }));
  if (!isRollingUpdate(d)) return [];
  const all = filterActive([...oldRSs, newRS]);
  const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
  const toAdd = allowed - specReplicas(all);
  if (toAdd > 0) all.sort(bySizeNewer);
  else if (toAdd < 0) all.sort(bySizeOlder);
  let added = 0;
  const sizes = all.map((rs) => {
    if (toAdd === 0) return rsReplicas(rs);
    const p = replicaSetProportion(rs, d, toAdd, added);
    added += p;
    return rsReplicas(rs) + p;
  });
  if (toAdd !== 0 && sizes.length > 0) sizes[0] = Math.max(0, sizes[0]! + toAdd - added);
  return all.map((rs, i) => ({ rs, to: sizes[i]! }));
}

/** cleanupDeployment: the old ReplicaSets beyond revisionHistoryLimit that may go, lowest revision first. */
export function planHistoryCleanup(oldRSs: readonly ReplicaSet[], limit: number | undefined): ReplicaSet[] {
  if (limit === undefined) return [];
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp).sort(byRevision);
  const diff = cleanable.length - limit;
  const out: ReplicaSet[] = [];
  for (let i = 0; i < diff; i++) {
    const rs = cleanable[i]!;
    if ((rs.status?.replicas ?? 0) !== 0 || rsReplicas(rs) !== 0) continue;
    if ((rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    out.push(rs);
  }
  return out;
}
