/** Wall time, CPU time and peak memory of one benchmark case, measured in its own process. */

export interface Measurement {
  case: string;
  /** What was done, e.g. "10,000 objects from 100 files". */
  size: string;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  /** Extra figures of the case (rates, percentiles). */
  figures: Record<string, number>;
  /** The published figure or goal it compares against. */
  compare: string;
}

export interface CaseResult {
  size: string;
  figures?: Record<string, number>;
  compare: string;
}

/** Runs `fn`, timing only the part it reports through `timed` (set-up outside it is not counted). */
export async function measure(name: string, fn: (timed: <T>(work: () => Promise<T> | T) => Promise<T>) => Promise<CaseResult>): Promise<Measurement> {
  let wallMs = 0;
  let cpuMs = 0;
  const timed = async <T>(work: () => Promise<T> | T): Promise<T> => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const out = await work();
    wallMs += performance.now() - start;
    const used = process.cpuUsage(cpu);
    cpuMs += (used.user + used.system) / 1000;
    return out;
  };
  const result = await fn(timed);
  return {
    case: name,
    size: result.size,
    wallMs,
    cpuMs,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    figures: result.figures ?? {},
    compare: result.compare,
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
