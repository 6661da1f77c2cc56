/**
 * Indexed Jobs' bookkeeping (pkg/controller/job/indexed_job_utils.go): the completion index of a pod, the
 * `status.completedIndexes` interval string, and which indexes still need a pod.
 */
import type { Job, Pod } from '../api/types.js';

export const COMPLETION_INDEX_KEY = 'batch.kubernetes.io/job-completion-index';

export function isIndexed(job: Job): boolean {
  return job.spec.completionMode === 'Indexed';
}

/** The pod's index from its annotation (the label is only a copy); -1 when missing or malformed. */
export function completionIndex(pod: Pod): number {
  const v = pod.metadata.annotations?.[COMPLETION_INDEX_KEY] ?? pod.metadata.labels?.[COMPLETION_INDEX_KEY];
  if (v === undefined || !/^\d+$/.test(v)) return -1;
  return Number(v);
}

/** `1,3-5` -> {1,3,4,5}; indexes at or above `completions` are dropped. */
export function parseIndexes(text: string | undefined, completions: number): Set<number> {
  const out = new Set<number>();
  if (!text) return out;
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const from = Number(m[1]);
    const to = m[2] !== undefined ? Number(m[2]) : from;
    for (let i = from; i <= to && i < completions; i++) out.add(i);
  }
  return out;
}

/** {0,1,2,4} -> `0-2,4`. */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** firstPendingIndexes: the lowest indexes neither succeeded nor held by an active pod. */
export function pendingIndexes(succeeded: ReadonlySet<number>, active: readonly Pod[], count: number, completions: number): number[] {
  const taken = new Set(active.map(completionIndex));
  const out: number[] = [];
  for (let i = 0; i < completions && out.length < count; i++) if (!succeeded.has(i) && !taken.has(i)) out.push(i);
  return out;
}

/** `<job>-<index>-`, shortened like the controller does so the generated name fits. */
export function indexedGenerateName(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const max = 63 - 5 - suffix.length;
  return `${jobName.length > max ? jobName.slice(0, max) : jobName}${suffix}`;
}
