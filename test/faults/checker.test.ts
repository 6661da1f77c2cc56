/**
 * The invariant checker and the reproduction writer checked themselves: a violation planted by hand is caught, and a
 * reproduction is a scenario that `kubedeck run` accepts and replays.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/cli/scenario.js';
import { runScenario } from '../../src/cli/runScenario.js';
import type { Pod } from '../../src/engine/api/types.js';
import { createCluster } from '../../src/engine/cluster.js';
import { runChecked, writeRepro } from './support/harness.js';
import { deploymentFenceposts, InvariantChecker } from './support/invariants.js';
import type { ClusterSpec, Step } from './support/model.js';

describe('the invariant checker', () => {
  it('catches a pod bound to a cordoned node, and a resourceVersion that goes back', () => {
    const cluster = createCluster({ seed: 1 });
    cluster.ensureDefaultNodes(2);
    const checker = new InvariantChecker(cluster);
    const node = cluster.get('Node', undefined, 'kubedeck-worker')!;
    cluster.update({ ...node, spec: { ...node.spec, unschedulable: true } });
    const pod = cluster.create<Pod>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    cluster.update({ ...pod, spec: { ...pod.spec, nodeName: 'kubedeck-worker' } });
    expect(checker.violations.map((v) => v.invariant)).toContain('no new pod on a cordoned node');
    // Pinned with spec.nodeName at creation, a pod skips the scheduler: allowed, as on a real cluster.
    const before = checker.violations.length;
    cluster.create<Pod>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pinned' }, spec: { nodeName: 'kubedeck-worker', containers: [{ name: 'c', image: 'nginx' }] } });
    expect(checker.violations).toHaveLength(before);
  });

  it('resolves fenceposts as the Deployment controller does', () => {
    const d = (replicas: number, maxSurge: number | string, maxUnavailable: number | string) =>
      ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } } }) as never;
    expect(deploymentFenceposts(d(10, '25%', '25%'))).toEqual({ surge: 3, unavailable: 2 });
    expect(deploymentFenceposts(d(1, '25%', '25%'))).toEqual({ surge: 1, unavailable: 0 });
    expect(deploymentFenceposts(d(3, 0, '0%'))).toEqual({ surge: 0, unavailable: 1 });
    expect(deploymentFenceposts(d(2, 0, 5))).toEqual({ surge: 0, unavailable: 2 });
  });

  it('writes a reproduction that kubedeck run accepts and replays', async () => {
    const spec: ClusterSpec = {
      seed: 7, workers: 2,
      deployments: [{ replicas: 2, strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 }, minReadySeconds: 0, flaky: false }],
      statefulSet: { replicas: 2, parallel: false }, daemonSet: { maxSurge: 0 }, job: { completions: 2, parallelism: 1, crashes: false },
    };
    const plan: Step[] = [
      { after: 30, action: { do: 'setImage', target: { kind: 'deployment', index: 0 }, version: 2, broken: false } },
      { after: 10, action: { do: 'edit', deployment: 0, edit: 'replicas', replicas: 3 } },
      { after: 10, action: { do: 'deletePod', pick: 3 } },
      { after: 5, action: { do: 'drain', node: 1 } },
    ];
    const result = await runChecked(spec, plan);
    expect(result.violations).toEqual([]);
    expect(result.steps.map((s) => s.run.split(' ')[0])).toEqual(['set', 'apply', 'delete', 'drain']);
    const dir = await mkdtemp(join(tmpdir(), 'kubedeck-repro-'));
    try {
      const planted = { ...result, violations: [{ at: 61_000, invariant: 'planted for the test', detail: 'none' }] };
      const file = await writeRepro(spec, plan, planted, 'checker self-test', dir);
      expect(await readFile(file, 'utf8')).toMatch(/^# checker self-test\n# Invariant violated at t=61s: planted for the test\n/);
      const scenario = await loadScenario(file);
      let transcript = '';
      await runScenario(scenario, { write: (t) => void (transcript += t), error: (t) => void (transcript += t) });
      // The replay runs the same commands with the same results as the checked run.
      expect(transcript.startsWith(result.transcript)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
