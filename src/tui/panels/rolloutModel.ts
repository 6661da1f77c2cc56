/** The rollout panel's pure parts: budget bars and which pods belong to which revision. */
import type { Pod } from '../../engine/api/types.js';
import type { RevisionPods } from '../../engine/rollout/index.js';

/**
 * `███████░░░│░░`: `value` on a scale of `desired + surge` slots, `│` marking `desired`; what lies right of the
 * mark is the surge budget (pods the rollout may add above desired).
 */
export function budgetBar(value: number, desired: number, surge: number, width = 24): string {
  const scale = Math.max(1, desired + surge);
  const fill = Math.max(0, Math.min(width, Math.round((Math.min(value, scale) / scale) * width)));
  const chars = [...'█'.repeat(fill) + '░'.repeat(width - fill)];
  if (surge > 0) {
    const mark = Math.round((desired / scale) * width);
    chars.splice(mark, 0, '│');
  }
  return chars.join('');
}

/** Whether a pod belongs to a revision: its ReplicaSet (Deployments) or its controller-revision-hash (StatefulSets, DaemonSets). */
export function podOfRevision(pod: Pod, revision: RevisionPods, kind: string): boolean {
  if (kind === 'Deployment') return !!pod.metadata.ownerReferences?.some((r) => r.kind === 'ReplicaSet' && r.name === revision.name);
  const hash = pod.metadata.labels?.['controller-revision-hash'];
  return !!hash && (hash === revision.name || revision.name.endsWith(`-${hash}`));
}

/** `app: nginx:1.27 -> nginx:1.25` lines, from two `name=image` lists. */
export function imageChanges(from: readonly string[], to: readonly string[]): string[] {
  const split = (l: readonly string[]) => new Map(l.map((x) => [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)]));
  const a = split(from);
  const b = split(to);
  const out: string[] = [];
  for (const [name, image] of b) if (a.get(name) !== image) out.push(`${name}: ${a.get(name) ?? '(none)'} -> ${image}`);
  for (const [name, image] of a) if (!b.has(name)) out.push(`${name}: ${image} -> (removed)`);
  return out;
}
