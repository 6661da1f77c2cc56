/**
 * Runs a generated cluster and action sequence exactly as `kubedeck run` would run the equivalent scenario (same
 * session, same command code, same step timing), with the invariant checker watching, and writes the scenario
 * files of a failure so a user can replay it with `node dist/cli.js run FILE`.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { executeCommand } from '../../../src/cli/kubectl.js';
import { commandArgv } from '../../../src/cli/scenario.js';
import { openSession } from '../../../src/cli/session.js';
import { humanDuration } from '../../../src/printers/index.js';
import { InvariantChecker, type Violation } from './invariants.js';
import { commandFor, deploymentName, deploymentYaml, renderManifests, type ClusterSpec, type Step } from './model.js';

export const REPROS_DIR = resolve(import.meta.dirname, '../repros');

/** How long the cluster runs after the last action, so what the actions started plays out. */
export const TAIL_MS = 4 * 60_000;

export interface RunStep {
  /** Virtual ms after the start when the step was due. */
  at: number;
  run: string;
}

export interface RunResult {
  violations: Violation[];
  steps: RunStep[];
  /** Command output, in order (what `kubedeck run` prints after each header). */
  transcript: string;
  /** Every watch event as `TYPE Kind ns/name rv`, hashed: the history. */
  history: string;
  checks: number;
  endMs: number;
  /** The scenario folder's files (relative path -> content). */
  files: Record<string, string>;
}

/** Runs the scenario; stops at the first violation (the end of a shrunk reproduction). */
export async function runChecked(spec: ClusterSpec, plan: readonly Step[]): Promise<RunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'kubedeck-inv-'));
  const files: Record<string, string> = {};
  for (const [name, text] of Object.entries(renderManifests(spec))) files[`manifests/${name}`] = text;
  try {
    await mkdir(join(dir, 'manifests'));
    await mkdir(join(dir, 'edits'));
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    const session = await openSession({ dirs: [join(dir, 'manifests')], seed: spec.seed, nodes: spec.workers });
    const { cluster } = session;
    const checker = new InvariantChecker(cluster);
    const hash = createHash('sha256');
    cluster.watch({}, (e) => hash.update(`${e.type} ${e.object.kind} ${e.object.metadata.namespace ?? ''}/${e.object.metadata.name} ${e.object.metadata.resourceVersion}\n`));
    const start = cluster.clock.now();
    const steps: RunStep[] = [];
    let transcript = '';
    const out = (t: string) => void (transcript += t);
    let due = 0;
    let edits = 0;
    try {
      for (const { after, action } of plan) {
        due += after * 1000;
        if (cluster.clock.now() < start + due) cluster.advanceTo(start + due);
        if (checker.violations.length > 0) break;
        const pods = cluster.list('Pod').filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name!).sort();
        let editFile = '';
        if (action.do === 'edit') {
          const i = action.deployment % spec.deployments.length;
          editFile = `edits/${deploymentName(i)}-${++edits}.yaml`;
          files[editFile] = deploymentYaml(i, spec.deployments[i]!, { edit: action.edit, replicas: action.replicas, n: edits });
          await writeFile(join(dir, editFile), files[editFile]!);
        }
        const run = commandFor(action, spec, pods, editFile);
        if (!run) continue;
        steps.push({ at: due, run });
        transcript += `# t=${humanDuration(cluster.clock.now() - start)} $ ${run}\n`;
        await executeCommand(commandArgv(run), { cluster, cwd: dir, out, err: out });
        if (checker.violations.length > 0) break;
      }
      if (checker.violations.length === 0) cluster.advanceTo(Math.max(cluster.clock.now(), start + due + TAIL_MS));
    } finally {
      await session.close();
    }
    return { violations: checker.violations, steps, transcript, history: hash.digest('hex'), checks: checker.checks, endMs: cluster.clock.now() - start, files };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Seconds as a scenario duration (`90s`, `1500ms`). */
function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * Writes the reproduction of a failed run as a scenario folder under test/faults/repros/ and returns the scenario's
 * path. Its last step shows the cluster at the moment of the first violation.
 */
export async function writeRepro(spec: ClusterSpec, plan: readonly Step[], result: RunResult, title: string, root = REPROS_DIR): Promise<string> {
  const v = result.violations[0]!;
  const id = createHash('sha256').update(JSON.stringify({ spec, steps: result.steps })).digest('hex').slice(0, 10);
  const dir = join(root, `${v.invariant.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase().slice(0, 40)}-${id}`);
  await mkdir(join(dir, 'manifests'), { recursive: true });
  await mkdir(join(dir, 'edits'), { recursive: true });
  for (const [name, text] of Object.entries(result.files)) await writeFile(join(dir, name), text);
  // The generated input itself, to re-check the reproduction with runChecked after a fix.
  await writeFile(join(dir, 'counterexample.json'), `${JSON.stringify({ spec, plan }, null, 2)}\n`);
  const lastDue = result.steps.at(-1)?.at ?? 0;
  const showAt = Math.max(v.at, lastDue);
  const steps = [
    ...result.steps.map((s) => `    - at: ${duration(s.at)}\n      run: ${s.run}`),
    `    - at: ${duration(showAt)}\n      run: get deploy,rs,sts,ds,jobs,pods -o wide`,
    `    - at: ${duration(showAt)}\n      run: get events`,
  ];
  const scenario = `# ${title}
# Invariant violated at t=${duration(v.at)}: ${v.invariant}
#   ${v.detail}
# Found by test/faults/invariants.test.ts and shrunk by fast-check. Replay: node dist/cli.js run ${relative(process.cwd(), join(dir, 'scenario.yaml'))}
apiVersion: kubedeck.dev/v1alpha1
kind: Scenario
metadata: {name: repro-${id}}
spec:
  dirs: [./manifests]
  seed: ${spec.seed}
  nodes: ${spec.workers}
  steps:
${steps.join('\n')}
`;
  const file = join(dir, 'scenario.yaml');
  await writeFile(file, scenario);
  return file;
}
