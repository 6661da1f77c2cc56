/**
 * Fuzzing the manifest path (issue 8, part 1): mangled versions of every demo manifest go through ManifestSync on a
 * real temporary folder, applied to a full simulated cluster. Each case: no exception, errors that name the file
 * and the place, nothing already applied changes when the file is broken, and the file applies again once fixed.
 *
 * FUZZ_CASES (default 200) sets the number of random mutation cases; FAULTS_SEED the seed.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/engine/cluster.js';
import { createSimulatedCluster } from '../../src/engine/simulation.js';
import { ManifestSync, type ReloadReport } from '../../src/manifests/index.js';
import { envCount, faultsSeed } from './support/budget.js';
import { demoCopy, demoCorpus, type CorpusFile } from './support/corpus.js';
import { errorProblems } from './support/checks.js';
import { COUNT_FIELDS, VALID_BUT_HUGE, HUGE_NUMBERS, keyValueLines, mutate, mutationArb, WRONG_TYPES, UNICODE } from './support/mutate.js';

const RANDOM_CASES = envCount('FUZZ_CASES', 200);
/** How many of the wrong values each field gets in the sweeps: 2 by default, every one with FUZZ_CASES >= 3000. */
const PER_FIELD = Math.max(2, Math.ceil(RANDOM_CASES / 150));

/** `PER_FIELD` of `values` for the `n`th field, rotating so every value is used across the fields. */
function sample<T>(values: readonly T[], n: number): T[] {
  if (PER_FIELD >= values.length) return [...values];
  return Array.from({ length: PER_FIELD }, (_, k) => values[(n * PER_FIELD + k) % values.length]!);
}
const seed = faultsSeed();

let dir: string;
let cluster: Cluster;
let sync: ManifestSync;
let corpus: CorpusFile[];
/** The objects each demo file applies, as kubectl refs. */
const originalRefs = new Map<string, string[]>();
const counts = { cases: 0, rejected: 0, applied: 0, rejectedMs: 0, appliedMs: 0 };
/** Every write to the cluster (Events aside) since the current case began: a rejected file must cause none. */
const writes: string[] = [];

beforeAll(async () => {
  corpus = await demoCorpus();
  dir = await demoCopy();
  cluster = createSimulatedCluster({ seed: 1 });
  cluster.ensureDefaultNodes(3);
  sync = new ManifestSync(cluster, [dir], { watch: false });
  const first = await sync.start();
  expect(first.errors).toEqual([]);
  cluster.advance(60_000);
  cluster.watch({}, (e) => {
    if (e.object.kind !== 'Event') writes.push(`${e.type} ${e.object.kind} ${e.object.metadata.namespace ?? ''}/${e.object.metadata.name}`);
  });
  for (const f of corpus) originalRefs.set(f.rel, sync.applier.objectsOf(join(dir, f.rel)));
});

afterAll(async () => {
  console.log(`manifest fuzz: ${counts.cases} cases (${counts.rejected} rejected with errors, ${counts.applied} applied as valid edits), seed ${seed}`);
  await sync?.stop();
  await rm(dir, { recursive: true, force: true });
});

/**
 * One case: write `text` over the demo file `rel`, reload, check, restore the original and check it applies again.
 * Returns the problems found (empty when the case passes).
 */
async function runCase(rel: string, text: string | Buffer): Promise<string[]> {
  const file = join(dir, rel);
  const original = corpus.find((f) => f.rel === rel)!.text;
  const problems: string[] = [];
  const t0 = performance.now();
  writes.length = 0;
  await writeFile(file, text);
  let report: ReloadReport;
  try {
    report = await sync.reload([file]);
  } catch (err) {
    problems.push(`reload threw: ${(err as Error).stack ?? String(err)}`);
    await writeFile(file, original);
    await sync.reload([file]).catch(() => undefined);
    return problems;
  }
  const mine = report.errors.filter((e) => e.file === file);
  const others = report.errors.filter((e) => e.file !== file);
  if (others.length > 0) problems.push(`errors in other files: ${others.map((e) => e.message).join('; ')}`);
  counts.cases++;
  if (mine.length > 0) {
    counts.rejected++;
    problems.push(...errorProblems(mine, file, typeof text === 'string' ? text : undefined, process.cwd()));
    if (writes.length > 0) problems.push(`a rejected file wrote to the cluster: ${[...new Set(writes)].slice(0, 5).join(', ')}`);
  } else {
    counts.applied++;
  }
  await writeFile(file, original);
  const back = await sync.reload([file]).catch((err: Error) => ({ errors: [{ file, message: `reload threw: ${err.message}` }] }) as unknown as ReloadReport);
  if (back.errors.length > 0) problems.push(`the restored file does not apply: ${back.errors.map((e) => e.message).join('; ')}`);
  const refs = sync.applier.objectsOf(file);
  if (JSON.stringify(refs) !== JSON.stringify(originalRefs.get(rel))) problems.push(`after the fix the file applies ${refs.join(', ')} instead of ${originalRefs.get(rel)!.join(', ')}`);
  if (mine.length > 0) counts.rejectedMs += performance.now() - t0; else counts.appliedMs += performance.now() - t0;
  return problems;
}

describe('fuzzing the manifest path', () => {
  it('a wrong type at every field of every demo manifest is refused with its place, and changes nothing', async () => {
    const failures: string[] = [];
    let n = 0;
    for (const f of corpus) {
      for (const line of keyValueLines(f.text)) {
        for (const value of sample(WRONG_TYPES, n++)) {
          const problems = await runCase(f.rel, mutate(f.text, { op: 'value', line, value }));
          if (problems.length > 0) failures.push(`${f.rel} line ${line + 1} := ${value}: ${problems.join(' | ')}`);
        }
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
  }, 120_000);

  it('huge, negative and special numbers at every field are refused or applied, never crash', async () => {
    const failures: string[] = [];
    let n = 0;
    for (const f of corpus) {
      for (const line of keyValueLines(f.text)) {
        for (const value of sample(HUGE_NUMBERS, n++)) {
          if (VALID_BUT_HUGE.has(value) && COUNT_FIELDS.test(f.text.split('\n')[line]!)) continue;
          const problems = await runCase(f.rel, mutate(f.text, { op: 'value', line, value }));
          if (problems.length > 0) failures.push(`${f.rel} line ${line + 1} := ${value}: ${problems.join(' | ')}`);
        }
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
  }, 120_000);

  it('random edits (deleted lines, indentation, tabs, wrong types, unicode, truncation, stray syntax)', async () => {
    const outcome = await fc.check(
      fc.asyncProperty(fc.nat({ max: corpus.length - 1 }), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), async (fi, mutations) => {
        const f = corpus[fi]!;
        const text = mutations.reduce((t, m) => mutate(t, m), f.text);
        const problems = await runCase(f.rel, text);
        if (problems.length > 0) throw new Error(`${f.rel}: ${problems.join('\n')}`);
      }),
      { numRuns: RANDOM_CASES, seed },
    );
    if (outcome.failed) throw new Error(`fuzz case failed (seed ${seed}, path ${outcome.counterexamplePath}):\n${fc.stringify(outcome.counterexample)}\n${String(outcome.errorInstance)}`);
  }, 120_000);

  it('unicode in every value of a manifest', async () => {
    const failures: string[] = [];
    const f = corpus.find((c) => c.rel.endsWith('my-nginx.yaml'))!;
    let n = 0;
    for (const line of keyValueLines(f.text)) {
      for (const text of sample(UNICODE, n++)) {
        const problems = await runCase(f.rel, mutate(f.text, { op: 'unicode', line, at: 200, text }));
        if (problems.length > 0) failures.push(`line ${line + 1} += ${JSON.stringify(text)}: ${problems.join(' | ')}`);
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
  }, 60_000);

  it('ran the number of cases it promises', () => {
    // Sweeps: every key-value line of every demo manifest gets PER_FIELD wrong types and PER_FIELD special numbers.
    const fields = corpus.reduce((n, f) => n + keyValueLines(f.text).length, 0);
    expect(fields).toBeGreaterThan(200);
    expect(counts.cases).toBeGreaterThanOrEqual(RANDOM_CASES + 2 * Math.min(PER_FIELD, WRONG_TYPES.length) * fields - 50);
    expect(counts.rejected).toBeGreaterThan(counts.cases / 2);
  });
});
