/** `kubedeck run SCENARIO.yaml`: load the scenario's folders, then run each step at its simulated time. */
import { dirname, resolve } from 'node:path';
import { formatManifestError } from '../manifests/index.js';
import { executeCommand, type ExitCode } from './kubectl.js';
import { commandArgv, occurrences, stepHeader, type Scenario } from './scenario.js';
import { openSession } from './session.js';

export interface ScenarioOutput {
  /** Step headers, command output and command errors, in the order they happen (one transcript). */
  write(text: string): void;
  /** Problems loading the folders. */
  error(text: string): void;
}

export async function runScenario(scenario: Scenario, output: ScenarioOutput): Promise<ExitCode> {
  const session = await openSession({
    dirs: scenario.dirs,
    ...(scenario.seed !== undefined ? { seed: scenario.seed } : {}),
    ...(scenario.nodes !== undefined ? { nodes: scenario.nodes } : {}),
  });
  const cwd = dirname(resolve(scenario.file));
  for (const e of session.errors) output.error(`${formatManifestError(e, process.cwd())}\n`);
  let exit: ExitCode = session.errors.length > 0 ? 1 : 0;
  const { cluster } = session;
  const start = cluster.clock.now();
  try {
    for (const { time, step } of occurrences(scenario.steps)) {
      // A command that blocks in simulated time (drain waits for its pods) delays the steps after it, as it would
      // delay the next line of a shell script; the header shows when a step really ran.
      if (cluster.clock.now() < start + time) cluster.advanceTo(start + time);
      output.write(stepHeader(cluster.clock.now() - start, step.run));
      const code = await executeCommand(commandArgv(step.run), { cluster, cwd, out: output.write, err: output.write });
      if (code !== 0) exit = 1;
    }
  } finally {
    await session.close();
  }
  return exit;
}
