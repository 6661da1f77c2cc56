/** The kubedeck command line: headless kubectl-style commands, scenarios, and (later) the dashboard. */
import { stat, writeFile } from 'node:fs/promises';
import { MAX_SPEED, MIN_SPEED } from '../engine/realtime.js';
import { MIN_COLUMNS, MIN_ROWS } from '../tui/controller.js';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { formatManifestError } from '../manifests/index.js';
import { bool, list, parseArgs, str, UsageError, type ParsedArgs } from './argv.js';
import { helpText, type Flag } from './command.js';
import { watchGet } from './commands/watchGet.js';
import { parseDuration } from './duration.js';
import { COMMANDS, executeCommand, findCommand, HELP_FLAG, type ExitCode } from './kubectl.js';
import { runScenario } from './runScenario.js';
import { checkRecording } from './fileEdit.js';
import { checkHeadless, loadScenario, ScenarioError, type Scenario } from './scenario.js';
import { DEFAULT_WORKERS, openSession } from './session.js';

export interface Io {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  cwd: string;
  /** Resolves when the user interrupts (Ctrl-C); `get --watch` runs until then. */
  interrupted: () => Promise<void>;
}

export const SESSION_FLAGS: readonly Flag[] = [
  { name: 'dir', kind: 'list', value: 'DIR', help: 'a folder of manifests to load (repeatable)' },
  { name: 'seed', kind: 'string', value: 'N', help: 'seed for names, IPs and timings (default 1)' },
  { name: 'nodes', kind: 'string', value: 'N', help: `worker nodes when no manifest declares a Node (default ${DEFAULT_WORKERS})` },
  { name: 'at', kind: 'string', value: 'DURATION', help: 'run the simulated cluster to this time first, e.g. 90s (default: until quiet, at most 10m)' },
  { name: 'speed', kind: 'string', value: 'X', help: 'with --watch: simulated seconds per real second, 0.1 to 100 (default 1)' },
];

const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

export function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 'run'.length) + 2;
  return [
    'kubedeck: a live terminal dashboard for a Kubernetes cluster simulated in-process.',
    '',
    'Usage:',
    '  kubedeck [DIR...]                    the dashboard on these manifest folders (default: .)',
    '  kubedeck COMMAND [ARGS] --dir DIR    one kubectl-style command against the simulated cluster',
    '  kubedeck run SCENARIO.yaml           timed commands from a scenario file',
    '  kubedeck record SCENARIO.yaml -o F   play a scenario through the dashboard into an asciicast file',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    `  ${'run'.padEnd(width)}Run a scenario: folders to load and kubectl-style commands at simulated times.`,
    `  ${'record'.padEnd(width)}Play a scenario (commands, keys, waits, edits, captions) through the dashboard into an asciicast file.`,
    '',
    'Flags of every command:',
    ...SESSION_FLAGS.map((f) => `  --${`${f.name} ${f.value ?? ''}`.padEnd(18)}${f.help}`),
    '',
    'Flags of the dashboard (also --seed, --nodes, --speed):',
    ...DASHBOARD_FLAGS.map((f) => `  --${`${f.name} ${f.value ?? ''}`.padEnd(18)}${f.help}`),
    '',
    "Run 'kubedeck COMMAND --help' for a command's flags and examples.",
    '',
  ].join('\n');
}

const RUN_HELP = `Run a scenario: folders to load and kubectl-style commands at simulated times.

Usage:
  kubedeck run SCENARIO.yaml

Each step prints "# t=<time> $ <command>" and then the command's output and errors, in order, on stdout.
Exit code 1 when a manifest failed to load or any step failed; 2 when the scenario file is invalid.
`;

function integerFlag(args: ParsedArgs, name: string, min: number): number | undefined {
  const v = str(args, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`invalid argument "${v}" for "--${name}": must be a whole number`);
  return Number(v);
}

export async function main(argv: readonly string[], io: Io): Promise<ExitCode> {
  const out = (t: string) => void io.stdout.write(t);
  const err = (t: string) => void io.stderr.write(t);
  const [first, ...rest] = argv;
  try {
    if (first === '--help' || first === '-h' || first === 'help') {
      out(globalHelp());
      return 0;
    }
    if (first === '--version') {
      out(`kubedeck ${VERSION}\n`);
      return 0;
    }
    if (first === 'run') return await runCommand(rest, io);
    if (first === 'record') return await recordCommand(rest, io);
    if (first !== undefined && findCommand(first)) return await headless(argv, io);
    if (first !== undefined && !first.startsWith('-') && /^[a-z]+$/.test(first) && !(await isFolder(io.cwd, first))) {
      err(`error: unknown command "${first}" (and no folder of that name)\nSee 'kubedeck --help' for the commands.\n`);
      return 2;
    }
    return await dashboard(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      const help = first !== undefined && (first === 'run' || first === 'record' || findCommand(first)) ? `kubedeck ${first} --help` : 'kubedeck --help';
      err(`error: ${e.message}\nSee '${help}' for usage.\n`);
      return 2;
    }
    throw e;
  }
}

async function isFolder(cwd: string, name: string): Promise<boolean> {
  return (await stat(resolve(cwd, name)).catch(() => undefined))?.isDirectory() ?? false;
}

/** Loads a scenario and checks it; a problem is printed as `file:line:col: field: why` and gives undefined. */
async function loadChecked(io: Io, file: string, check: (scenario: Scenario) => void): Promise<Scenario | undefined> {
  try {
    const scenario = await loadScenario(resolve(io.cwd, file));
    check(scenario);
    return scenario;
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    io.stderr.write(`error: ${e.message}\n`);
    return undefined;
  }
}

async function runCommand(argv: readonly string[], io: Io): Promise<ExitCode> {
  const args = parseArgs(argv, [HELP_FLAG]);
  if (bool(args, 'help')) {
    io.stdout.write(RUN_HELP);
    return 0;
  }
  const [file, ...extra] = args.positionals;
  if (!file || extra.length > 0) throw new UsageError('expected one scenario file: kubedeck run SCENARIO.yaml');
  const scenario = await loadChecked(io, file, checkHeadless);
  if (!scenario) return 2;
  return runScenario(scenario, { write: (t) => void io.stdout.write(t), error: (t) => void io.stderr.write(t) });
}

export const RECORD_FLAGS: readonly Flag[] = [
  { name: 'output', short: 'o', kind: 'string', value: 'FILE', help: 'the asciicast v2 file to write (required)' },
  { name: 'cols', kind: 'string', value: 'N', help: 'terminal columns (default 120)' },
  { name: 'rows', kind: 'string', value: 'N', help: 'terminal rows, the caption line included (default 35)' },
  { name: 'speed', kind: 'string', value: 'X', help: "simulated seconds per second of playback, 0.1 to 100 (default: the scenario's speed, or 1)" },
];

const RECORD_HELP = `Play a scenario through the real dashboard at a fixed size and write it as an asciicast v2 file.

Usage:
  kubedeck record SCENARIO.yaml -o FILE.cast [--cols 120] [--rows 35] [--speed X]

Steps run in order: "run" (a kubectl-style command; its answer shows in the footer), "keys" (typed into the
dashboard: ":deploy⏎", "s3<enter>", "<ctrl-d>"), "wait" (playback time while the clock runs at the dashboard's
speed), "edit" (a manifest file changed and reloaded), "caption" (a line of text under the dashboard). "at" makes a
step wait for that simulated time. The same scenario gives the same file, but for the header's timestamp. The
folders are copied first: edits never touch your files. What the "run" steps printed goes to stdout.

Flags:
${RECORD_FLAGS.map((f) => `  ${`${f.short ? `-${f.short}, ` : '    '}--${f.name} ${f.value ?? ''}`.padEnd(22)}${f.help}`).join('\n')}

Play it with: asciinema play FILE.cast
`;

function positiveInteger(args: ParsedArgs, name: string, fallback: number, min: number): number {
  const v = integerFlag(args, name, 0);
  if (v === undefined) return fallback;
  if (v < min) throw new UsageError(`invalid argument "${v}" for "--${name}": must be at least ${min}`);
  return v;
}

function speedFlag(args: ParsedArgs): number | undefined {
  const speed = str(args, 'speed');
  if (speed === undefined) return undefined;
  if (!(Number(speed) >= MIN_SPEED && Number(speed) <= MAX_SPEED)) throw new UsageError(`invalid argument "${speed}" for "--speed": must be a number from ${MIN_SPEED} to ${MAX_SPEED}`);
  return Number(speed);
}

async function recordCommand(argv: readonly string[], io: Io): Promise<ExitCode> {
  const args = parseArgs(argv, [...RECORD_FLAGS, HELP_FLAG]);
  if (bool(args, 'help')) {
    io.stdout.write(RECORD_HELP);
    return 0;
  }
  const [file, ...extra] = args.positionals;
  if (!file || extra.length > 0) throw new UsageError('expected one scenario file: kubedeck record SCENARIO.yaml -o FILE.cast');
  const output = str(args, 'output');
  if (!output) throw new UsageError('-o FILE.cast is required: where to write the recording');
  const columns = positiveInteger(args, 'cols', 120, MIN_COLUMNS);
  const rows = positiveInteger(args, 'rows', 35, MIN_ROWS + 1);
  const speed = speedFlag(args);
  // Before anything plays: a repeating step, an edit that does not fit its file.
  const scenario = await loadChecked(io, file, checkRecording);
  if (!scenario) return 2;
  // What the recording looks like must not depend on this process's terminal or time zone.
  // (chalk takes FORCE_COLOR as a minimum, then looks at TERM; with COLORTERM=truecolor every terminal gets 24-bit.)
  process.env.FORCE_COLOR = '3';
  process.env.COLORTERM = 'truecolor';
  process.env.TZ = 'UTC';
  process.env.NODE_ENV ??= 'production';
  const { recordScenario } = await import('./record.js');
  let recording;
  try {
    recording = await recordScenario(scenario, { columns, rows, ...(speed !== undefined ? { speed } : {}) });
  } catch (e) {
    // A step that could not play (its time never came: the clock was paused).
    if (e instanceof ScenarioError) {
      io.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  for (const e of recording.loadErrors) io.stderr.write(`${formatManifestError(e, io.cwd)}\n`);
  await writeFile(resolve(io.cwd, output), recording.cast);
  io.stdout.write(recording.transcript);
  io.stderr.write(`recorded ${output}: ${recording.duration.toFixed(1)} s at ${columns}×${rows}; play it with: asciinema play ${output}\n`);
  return recording.failed || recording.loadErrors.length > 0 ? 1 : 0;
}

async function headless(argv: readonly string[], io: Io): Promise<ExitCode> {
  const [name, ...rest] = argv;
  const command = findCommand(name!)!;
  const args = parseArgs(rest, [...command.flags, ...SESSION_FLAGS, HELP_FLAG]);
  const ctxBase = { cwd: io.cwd, out: (t: string) => void io.stdout.write(t), err: (t: string) => void io.stderr.write(t) };
  if (bool(args, 'help')) {
    io.stdout.write(helpText(command, SESSION_FLAGS));
    return 0;
  }
  const at = str(args, 'at');
  const atMs = at === undefined ? undefined : durationFlag(at, 'at');
  const speed = str(args, 'speed');
  const watching = command.name === 'get' && bool(args, 'watch');
  const session = await openSession({
    dirs: list(args, 'dir').map((d) => resolve(io.cwd, d)),
    ...optionalNumber('seed', integerFlag(args, 'seed', 0)),
    ...optionalNumber('nodes', integerFlag(args, 'nodes', 0)),
    watch: watching,
  });
  try {
    for (const e of session.errors) io.stderr.write(`${formatManifestError(e, io.cwd)}\n`);
    const { cluster } = session;
    if (atMs !== undefined) cluster.advanceTo(cluster.clock.now() + atMs);
    else cluster.runUntilIdle();
    const ctx = { ...ctxBase, cluster };
    let code: ExitCode;
    if (watching) {
      let failed = false;
      // Each report lists every outstanding problem: print a problem once, when it appears.
      let shown = new Set(session.errors.map((e) => formatManifestError(e, io.cwd)));
      session.sync.onReport((report) => {
        const now = new Set(report.errors.map((e) => formatManifestError(e, io.cwd)));
        for (const line of now) if (!shown.has(line)) io.stderr.write(`${line}\n`);
        shown = now;
      });
      const keepAlive = setInterval(() => undefined, 1 << 30);
      try {
        await watchGet(args, cluster, { ...ctx, fail: () => void (failed = true) }, io.interrupted(), speed === undefined ? 1 : Number(speed));
      } finally {
        clearInterval(keepAlive);
      }
      code = failed ? 1 : 0;
    } else {
      code = await executeCommand(argv, ctx, SESSION_FLAGS);
    }
    return session.errors.length > 0 && code === 0 ? 1 : code;
  } finally {
    await session.close();
  }
}

function durationFlag(value: string, name: string): number {
  try {
    return parseDuration(value);
  } catch (e) {
    throw new UsageError(`invalid argument "${value}" for "--${name}": ${(e as Error).message}`);
  }
}

function optionalNumber<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}

/** Flags of the dashboard (besides the session's --seed, --nodes, --speed). */
export const DASHBOARD_FLAGS: readonly Flag[] = [
  { name: 'readonly', kind: 'boolean', help: 'no action that changes the cluster or its files (scale, delete, cordon, drain, edit...)' },
  { name: 'yes', kind: 'boolean', help: 'kill pods (ctrl-k) without asking' },
  { name: 'keymap', kind: 'string', value: 'FILE', help: 'remap keys from a YAML file (see the README)' },
  { name: 'record', kind: 'string', value: 'FILE', help: 'also write the session to an asciicast v2 file (asciinema play FILE)' },
];

/** The dashboard in a terminal; a pipe gets a pointer to `kubedeck get`. */
async function dashboard(argv: readonly string[], io: Io): Promise<ExitCode> {
  const args = parseArgs(argv, [...SESSION_FLAGS, ...DASHBOARD_FLAGS, HELP_FLAG]);
  if (bool(args, 'help')) {
    io.stdout.write(globalHelp());
    return 0;
  }
  const dirs = [...args.positionals, ...list(args, 'dir')];
  if (dirs.length === 0) dirs.push('.');
  if (!io.stdout.isTTY || !process.stdin.isTTY) {
    io.stderr.write(`kubedeck: the dashboard needs an interactive terminal. For scripts and CI use the headless commands, e.g.\n  kubedeck get all --dir ${dirs[0]}\n`);
    return 2;
  }
  const speed = str(args, 'speed');
  if (speed !== undefined && !(Number(speed) > 0)) throw new UsageError(`invalid argument "${speed}" for "--speed": must be a number from 0.1 to 100`);
  // React's development build renders several times slower; load the production one unless told otherwise.
  process.env.NODE_ENV ??= 'production';
  // Ink draws only the last frame when CI is set (for CI logs); this is an interactive terminal, so draw live.
  // It must go before Ink loads: Ink reads the variable once, when imported.
  delete process.env.CI;
  const { runDashboard } = await import('../tui/run.js');
  const recordFile = str(args, 'record');
  const { recordTerminal } = await import('../tui/recording/liveRecorder.js');
  const recording = recordFile === undefined ? undefined : recordTerminal(io.stdout as NodeJS.WriteStream, resolve(io.cwd, recordFile), `kubedeck ${dirs.join(' ')}`);
  const code = await runDashboard(
    {
      dirs: dirs.map((d) => resolve(io.cwd, d)),
      ...optionalNumber('seed', integerFlag(args, 'seed', 0)),
      ...optionalNumber('nodes', integerFlag(args, 'nodes', 0)),
      ...(speed !== undefined ? { speed: Number(speed) } : {}),
      readonly: bool(args, 'readonly'),
      yes: bool(args, 'yes'),
      ...(str(args, 'keymap') !== undefined ? { keymapFile: resolve(io.cwd, str(args, 'keymap')!) } : {}),
    },
    { stdout: recording?.stdout ?? (io.stdout as NodeJS.WriteStream), stdin: process.stdin, stderr: io.stderr },
  );
  if (recording) {
    await recording.close();
    io.stderr.write(`recorded ${recordFile}; play it with: asciinema play ${recordFile}\n`);
  }
  return code;
}
