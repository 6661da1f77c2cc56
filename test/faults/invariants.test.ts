/**
 * Invariants under random actions (issue 8, part 2): random small clusters (Deployments with maxSurge/maxUnavailable
 * variants and Recreate, a StatefulSet, a DaemonSet, a Job) and random sequences of what users do (scale, set image
 * including broken images, undo, pause/resume/restart, cordon, drain, node failure and recovery, pod deletion,
 * workload deletion, manifest edits applied with `apply -f`: new images, replica counts, readiness failures, crashes),
 * checked at every settled state of the virtual clock. A failure is shrunk by fast-check and saved as a `kubedeck run`
 * scenario under test/faults/repros/.
 *
 * PROPERTY_RUNS (default 20) sets the number of random runs, PROPERTY_STEPS (default 10) the longest sequence,
 * FAULTS_SEED the seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { envCount, faultsSeed } from './support/budget.js';
import { runChecked, writeRepro } from './support/harness.js';
import { clusterArb, stepsArb, type ClusterSpec, type Step } from './support/model.js';

const RUNS = envCount('PROPERTY_RUNS', 20);
const MAX_STEPS = envCount('PROPERTY_STEPS', 10);
const seed = faultsSeed();

describe('controller invariants under random actions', () => {
  it('hold at every step of the virtual clock', async () => {
    const totals = { runs: 0, actions: 0, checks: 0, simulatedMs: 0 };
    const outcome = await fc.check(
      fc.asyncProperty(clusterArb, stepsArb(MAX_STEPS), async (spec: ClusterSpec, plan: Step[]) => {
        const result = await runChecked(spec, plan);
        totals.runs++;
        totals.actions += result.steps.length;
        totals.checks += result.checks;
        totals.simulatedMs += result.endMs;
        if (result.violations.length > 0) {
          throw new Error(result.violations.map((v) => `t=${v.at / 1000}s ${v.invariant}: ${v.detail}`).join('\n'));
        }
      }),
      { numRuns: RUNS, seed },
    );
    console.log(
      `invariants: ${totals.runs} runs (shrinking included), ${totals.actions} actions, ${totals.checks} settled states checked, ` +
        `${Math.round(totals.simulatedMs / 60_000)} simulated minutes, seed ${seed}`,
    );
    if (outcome.failed) {
      const [spec, plan] = outcome.counterexample as [ClusterSpec, Step[]];
      const result = await runChecked(spec, plan);
      const file = result.violations.length > 0 ? await writeRepro(spec, plan, result, `seed ${seed}, counterexample path ${outcome.counterexamplePath}`) : '(did not reproduce on a re-run)';
      console.log(`invariants: minimal reproduction written to ${file}`);
      throw new Error(`invariant violated (seed ${seed}); reproduction: ${file}\n${String(outcome.errorInstance)}\n${fc.stringify(outcome.counterexample)}`);
    }
  }, 600_000);

  it('the same seed gives the same history', async () => {
    const runs = Math.max(2, Math.ceil(RUNS / 5));
    await fc.assert(
      fc.asyncProperty(clusterArb, stepsArb(Math.min(MAX_STEPS, 6)), async (spec: ClusterSpec, plan: Step[]) => {
        const a = await runChecked(spec, plan);
        const b = await runChecked(spec, plan);
        expect(b.steps).toEqual(a.steps);
        expect(b.transcript).toBe(a.transcript);
        expect(b.history).toBe(a.history);
      }),
      { numRuns: runs, seed: seed + 1 },
    );
    console.log(`determinism: ${runs} cluster+action sequences each run twice, same transcript and watch history`);
  }, 600_000);
});
