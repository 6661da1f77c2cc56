/** Sizes of the fault suites: modest by default (CI), larger through environment variables. */

/** A positive integer from the environment, or `fallback`. */
export function envCount(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

/** The seed of a fuzz or property run: FAULTS_SEED, or a fixed default so CI runs are reproducible. */
export function faultsSeed(): number {
  return envCount('FAULTS_SEED', 20261125);
}
