/** podutil's condition helpers, shared by the API server's binding and the scheduler. */
import type { Condition } from './meta.js';
import type { PodStatus } from './types.js';
import { shallowCopy, withKeys } from '../store/immutable.js';

/**
 * podutil.UpdatePodCondition: a copy of the status with `condition` in its type's place (or last), its
 * lastTransitionTime kept while the status stays the same, else `now`. `changed` is false when the condition the
 * status had says the same (status, reason, message and transition time).
 */
export function updatePodCondition(
  status: PodStatus | undefined, condition: Condition, now: string,
): { status: PodStatus; changed: boolean } {
  const conditions = [...(status?.conditions ?? [])];
  const i = conditions.findIndex((c) => c.type === condition.type);
  const old = i >= 0 ? conditions[i] : undefined;
  const next: Condition = withKeys(condition, { lastTransitionTime: old && old.status === condition.status ? old.lastTransitionTime : now });
  const changed = !(old && old.status === next.status && old.reason === next.reason && old.message === next.message
    && old.lastTransitionTime === next.lastTransitionTime);
  if (i >= 0) conditions[i] = next;
  else conditions.push(next);
  const out = shallowCopy(status ?? {});
  out.conditions = conditions;
  return { status: out, changed };
}
