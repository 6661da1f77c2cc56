/**
 * Recent probe results per container and probe. The kubelet keeps only the latest run (its time, result and the
 * consecutive counts), so the dashboard samples those states whenever it reads them (every frame for the pods on
 * screen and the open panel) and infers the runs in between from the counts and the period. Bounded per probe and
 * in the number of pods remembered.
 */
import type { ProbeKind, ProbeResult, ProbeState } from '../../engine/kubelet/index.js';

export interface ProbeRun {
  result: ProbeResult;
  /** Virtual time of the run (inferred runs between two samples are spaced by the period). */
  time: number;
  /** The probe's output, for the run that was sampled (inferred runs have none). */
  message?: string;
}

/** `container/probe` -> runs, oldest first. */
export type PodProbeHistory = ReadonlyMap<string, readonly ProbeRun[]>;

export const historyKey = (container: string, probe: ProbeKind): string => `${container}/${probe}`;

interface Track {
  last?: ProbeState;
  runs: ProbeRun[];
}

const countOf = (s: ProbeState, r: ProbeResult): number => (r === 'Success' ? s.consecutiveSuccesses : s.consecutiveFailures);

/** The runs between two samples of one probe, oldest first. Pure. */
export function inferRuns(prev: ProbeState | undefined, next: ProbeState, limit: number): ProbeRun[] {
  const r = next.lastResult;
  const t = next.lastProbeTime;
  if (r === undefined || t === undefined) return [];
  if (prev?.lastProbeTime === t) return [];
  const periodMs = Math.max(1, next.periodSeconds) * 1000;
  const c = countOf(next, r);
  // Counts back at 0 after a run: the container was replaced (a restart), and the gap since is its back-off, not runs.
  const reset = prev !== undefined && prev.lastProbeTime !== undefined && prev.consecutiveFailures + prev.consecutiveSuccesses === 0;
  let runs = prev?.lastProbeTime === undefined || reset ? c || 1 : Math.max(1, Math.round((t - prev.lastProbeTime) / periodMs));
  const before = prev && prev.lastResult === r ? countOf(prev, r) : 0;
  // Same result as before and its count grew: exactly the growth; otherwise the run of `r` is all since the switch.
  let same = before > 0 && c >= before ? c - before : Math.min(runs, Math.max(1, c));
  if (same > runs) runs = same;
  runs = Math.min(runs, limit);
  same = Math.min(same, runs);
  const other: ProbeResult = r === 'Success' ? 'Failure' : 'Success';
  const out: ProbeRun[] = [];
  for (let i = runs - 1; i >= 0; i--) out.push({ result: i < same ? r : other, time: t - i * periodMs });
  if (next.lastMessage) out[out.length - 1]!.message = next.lastMessage;
  return out;
}

export class ProbeHistoryRecorder {
  private readonly pods = new Map<string, Map<string, Track>>();

  constructor(
    /** Runs kept per probe. */
    readonly perProbe = 24,
    /** Pods remembered (least recently read are forgotten first). */
    readonly maxPods = 2000,
  ) {}

  /** Records what `states` add to the history of pod `uid` and returns its history. */
  sample(uid: string, states: readonly { container: string; probes: readonly ProbeState[] }[]): PodProbeHistory {
    let tracks = this.pods.get(uid);
    if (tracks) this.pods.delete(uid);
    else tracks = new Map();
    this.pods.set(uid, tracks);
    if (this.pods.size > this.maxPods) this.pods.delete(this.pods.keys().next().value!);
    const out = new Map<string, readonly ProbeRun[]>();
    for (const c of states) {
      for (const p of c.probes) {
        const key = historyKey(c.container, p.probe);
        let track = tracks.get(key);
        if (!track) tracks.set(key, (track = { runs: [] }));
        const added = inferRuns(track.last, p, this.perProbe);
        if (added.length > 0) {
          track.runs.push(...added);
          if (track.runs.length > this.perProbe) track.runs.splice(0, track.runs.length - this.perProbe);
        }
        track.last = p;
        out.set(key, track.runs);
      }
    }
    return out;
  }

  forget(uid: string): void {
    this.pods.delete(uid);
  }
}
