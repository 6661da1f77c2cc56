/**
 * Scenarios: folders to load and kubectl-style commands at simulated times. `kubedeck run` prints each step as
 * `# t=<HumanDuration> $ <command>` followed by what the command printed.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { isWithin, KUBEDECK_GROUP } from '../manifests/index.js';
import { MAX_SPEED, MIN_SPEED } from '../engine/realtime.js';
import { humanDuration } from '../printers/index.js';
import { parseKeys, type KeyPress } from '../tui/recording/keyPresses.js';
import { parseArgs, splitCommandLine, UsageError } from './argv.js';
import { parseDuration } from './duration.js';
import { findCommand } from './kubectl.js';

export const SCENARIO_API_VERSION = `${KUBEDECK_GROUP}/v1alpha1`;
/** A step repeating more often than this is almost certainly a typo (`every: 1ms`). */
const MAX_OCCURRENCES = 10_000;

interface StepBase {
  /** Where the step is written, for messages. */
  line: number;
  column: number;
  /** Its place in `spec.steps`. */
  index: number;
}

/** A kubectl-style command at a simulated time (`at`, ms after the start), maybe repeated `every` until `until`. */
export interface RunStep extends StepBase {
  kind: 'run';
  at: number;
  every?: number;
  until?: number;
  run: string;
}

/** Steps only a recording plays (`kubedeck record`): they drive the dashboard. `at` makes one wait for that time. */
export type DashboardStep = StepBase & { at?: number } & (
    | { kind: 'keys'; keys: string; presses: KeyPress[] }
    /** Playback time: the viewer waits this long while the clock runs at the dashboard's speed. */
    | { kind: 'wait'; wait: number }
    | { kind: 'edit'; edit: FileEdit }
    | { kind: 'caption'; caption: string }
  );

export type ScenarioStep = RunStep | DashboardStep;

/** A change to a manifest file, saved as an editor would. */
export interface FileEdit {
  /** Absolute; inside one of the scenario's folders. */
  file: string;
  change: { replace: string; with: string } | { patch: Record<string, unknown> };
}

export interface Scenario {
  file: string;
  name: string;
  /** Absolute folders, applied at t=0. */
  dirs: string[];
  seed?: number;
  nodes?: number;
  /** Simulated seconds per second of a recording's playback (default 1). */
  speed?: number;
  steps: ScenarioStep[];
}

/** A problem in a scenario file: `scenario.yaml:12:9: spec.steps[2].every: ...`. */
export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly field: string,
    detail: string,
  ) {
    super(`${file}:${line}:${column}: ${field}${field ? ': ' : ''}${detail}`);
  }
}

export async function loadScenario(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ScenarioError(file, 1, 1, '', `cannot read the scenario: ${(e as Error).message}`);
  }
  return parseScenario(file, text);
}

export function parseScenario(file: string, text: string): Scenario {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number | undefined) => lines.linePos(offset ?? 0);
  const fail = (offset: number | undefined, field: string, detail: string): never => {
    const pos = at(offset);
    throw new ScenarioError(file, pos.line, pos.col, field, detail);
  };
  if (!Array.isArray(docs)) return fail(0, '', 'not a YAML document');
  for (const d of docs) {
    const e = d.errors[0];
    if (e) fail(e.pos[0], '', `YAML: ${e.message.split('\n')[0]}`);
  }
  const doc = docs.find((d) => (d.toJS() as { kind?: unknown } | null)?.kind === 'Scenario');
  if (!doc) return fail(0, 'kind', `no document with "kind: Scenario" and "apiVersion: ${SCENARIO_API_VERSION}"`);

  const offsetOf = (path: (string | number)[]): number | undefined => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return node.range[0];
    // A key without a usable node: point at its parent.
    return path.length > 0 ? offsetOf(path.slice(0, -1)) : 0;
  };
  const fieldName = (path: (string | number)[]) => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`)).join('');
  const bad = (path: (string | number)[], detail: string): never => fail(offsetOf(path), fieldName(path), detail);

  const root = doc.toJS() as Record<string, unknown>;
  if (root.apiVersion !== SCENARIO_API_VERSION) bad(['apiVersion'], `must be "${SCENARIO_API_VERSION}"`);
  const spec = root.spec;
  if (!isPlainObject(spec)) return bad(['spec'], 'Required value: a map with dirs and steps');
  checkKeys(['spec'], spec, ['dirs', 'seed', 'nodes', 'speed', 'steps'], bad);

  const dirs = spec.dirs ?? [];
  if (!Array.isArray(dirs) || dirs.some((d) => typeof d !== 'string')) bad(['spec', 'dirs'], 'must be a list of folders');
  const seed = spec.seed;
  if (seed !== undefined && !Number.isSafeInteger(seed)) bad(['spec', 'seed'], 'must be an integer');
  const nodes = spec.nodes;
  if (nodes !== undefined && (!Number.isSafeInteger(nodes) || (nodes as number) < 0)) bad(['spec', 'nodes'], 'must be a whole number of worker nodes');

  const speed = spec.speed;
  if (speed !== undefined && !(typeof speed === 'number' && speed >= MIN_SPEED && speed <= MAX_SPEED)) {
    bad(['spec', 'speed'], `must be a number from ${MIN_SPEED} to ${MAX_SPEED} (simulated seconds per second of playback)`);
  }

  const scenarioDir = dirname(resolve(file));
  const folders = (dirs as string[]).map((d) => resolve(scenarioDir, d));
  const rawSteps = spec.steps ?? [];
  if (!Array.isArray(rawSteps)) return bad(['spec', 'steps'], 'must be a list of steps');
  const steps = rawSteps.map((raw, i): ScenarioStep => {
    const path = ['spec', 'steps', i];
    if (!isPlainObject(raw)) return bad(path, 'each step is a map with at and run');
    const actions = STEP_ACTIONS.filter((a) => a in raw);
    if (actions.length > 1) bad([...path, actions[1]!], `a step does one thing: ${actions.join(' and ')} go in separate steps`);
    const action = actions[0] ?? 'run';
    checkKeys(path, raw, action === 'run' ? ['at', 'every', 'until', 'run'] : ['at', action], bad);
    const duration = (key: string): number | undefined => {
      const v = raw[key];
      if (v === undefined) return undefined;
      if (typeof v !== 'string' && typeof v !== 'number') return bad([...path, key], 'must be a duration like 30s, 2m or 1h30m');
      try {
        return parseDuration(v);
      } catch (e) {
        return bad([...path, key], (e as Error).message);
      }
    };
    const pos = at(offsetOf(path));
    const where = { line: pos.line, column: pos.col, index: i };
    const stepAt = duration('at');
    const timing = stepAt === undefined ? {} : { at: stepAt };
    switch (action) {
      case 'keys': {
        if (typeof raw.keys !== 'string' || raw.keys === '') return bad([...path, 'keys'], 'Required value: the keys to type, e.g. ":deploy⏎" or "s3<enter>"');
        try {
          return { ...where, ...timing, kind: 'keys', keys: raw.keys, presses: parseKeys(raw.keys) };
        } catch (e) {
          return bad([...path, 'keys'], (e as Error).message);
        }
      }
      case 'wait': {
        const wait = duration('wait')!;
        if (wait <= 0) bad([...path, 'wait'], 'must be longer than 0s');
        return { ...where, ...timing, kind: 'wait', wait };
      }
      case 'caption':
        if (typeof raw.caption !== 'string' || raw.caption.includes('\n')) return bad([...path, 'caption'], 'must be one line of text ("" clears the caption)');
        return { ...where, ...timing, kind: 'caption', caption: raw.caption };
      case 'edit':
        return { ...where, ...timing, kind: 'edit', edit: parseEdit(raw.edit, [...path, 'edit'], dirname(resolve(file)), folders, bad) };
    }
    const step: RunStep = { ...where, kind: 'run', at: stepAt ?? 0, run: '' };
    const every = duration('every');
    const until = duration('until');
    if (every !== undefined) {
      if (every <= 0) bad([...path, 'every'], 'must be longer than 0s');
      step.every = every;
      step.until = until ?? bad([...path, 'until'], 'Required value: a repeating step needs until');
      if (step.until < step.at) bad([...path, 'until'], 'must not be before at');
      if ((step.until - step.at) / every >= MAX_OCCURRENCES) bad([...path, 'every'], `repeats more than ${MAX_OCCURRENCES} times; use a longer interval`);
    } else if (until !== undefined) bad([...path, 'until'], 'only makes sense with every');
    if (typeof raw.run !== 'string' || raw.run.trim() === '') {
      return bad([...path, 'run'], 'Required value: a command such as "get pods" or "scale deploy/web --replicas=3" (a recording also takes keys, wait, edit, caption)');
    }
    step.run = raw.run.trim();
    try {
      checkCommand(commandArgv(step.run));
    } catch (e) {
      bad([...path, 'run'], (e as Error).message);
    }
    return step;
  });

  const metadata = isPlainObject(root.metadata) ? root.metadata : {};
  return {
    file,
    name: typeof metadata.name === 'string' ? metadata.name : 'scenario',
    dirs: folders,
    ...(seed !== undefined ? { seed: seed as number } : {}),
    ...(nodes !== undefined ? { nodes: nodes as number } : {}),
    ...(speed !== undefined ? { speed: speed as number } : {}),
    steps,
  };
}

/** `kubectl get pods` and `get pods` both work: a leading kubectl/kubedeck is dropped. */
export function commandArgv(run: string): string[] {
  const argv = splitCommandLine(run);
  return argv[0] === 'kubectl' || argv[0] === 'kubedeck' ? argv.slice(1) : argv;
}

function checkCommand(argv: string[]): void {
  const [name, ...rest] = argv;
  const command = name ? findCommand(name) : undefined;
  if (!command) throw new UsageError(`unknown command "${name ?? ''}"`);
  parseArgs(rest, command.flags);
}

function checkKeys(path: (string | number)[], value: Record<string, unknown>, allowed: string[], bad: (p: (string | number)[], d: string) => never): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) bad([...path, key], `unknown field; expected one of ${allowed.join(', ')}`);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const STEP_ACTIONS = ['run', 'keys', 'wait', 'edit', 'caption'] as const;

function parseEdit(
  raw: unknown,
  path: (string | number)[],
  base: string,
  folders: readonly string[],
  bad: (p: (string | number)[], d: string) => never,
): FileEdit {
  const usage = 'a map with file and either replace and with (text) or patch (a merge patch for the document)';
  if (!isPlainObject(raw)) return bad(path, usage);
  if (typeof raw.file !== 'string' || raw.file === '') return bad([...path, 'file'], 'Required value: the manifest file to change, relative to the scenario');
  const file = resolve(base, raw.file);
  if (!folders.some((d) => isWithin(file, d))) {
    bad([...path, 'file'], `must be a file inside one of spec.dirs (${folders.join(', ') || 'none'})`);
  }
  if ('patch' in raw) {
    checkKeys(path, raw, ['file', 'patch'], bad);
    if (!isPlainObject(raw.patch)) return bad([...path, 'patch'], 'must be a map, e.g. {spec: {replicas: 4}}');
    return { file, change: { patch: raw.patch } };
  }
  checkKeys(path, raw, ['file', 'replace', 'with'], bad);
  if (typeof raw.replace !== 'string' || raw.replace === '') return bad([...path, 'replace'], `Required value: ${usage}`);
  if (typeof raw.with !== 'string') return bad([...path, 'with'], 'Required value: the text that replaces it');
  return { file, change: { replace: raw.replace, with: raw.with } };
}

export interface Occurrence {
  time: number;
  step: RunStep;
}

/** Every run of every step, in time order; steps due at the same time run in the order they are written. */
export function occurrences(steps: readonly ScenarioStep[]): Occurrence[] {
  const out: (Occurrence & { index: number })[] = [];
  steps.forEach((step, index) => {
    if (step.kind !== 'run') return;
    if (step.every === undefined) out.push({ time: step.at, step, index });
    else for (let t = step.at; t <= step.until!; t += step.every) out.push({ time: t, step, index });
  });
  return out.sort((a, b) => a.time - b.time || a.index - b.index).map(({ time, step }) => ({ time, step }));
}

/** The header line before each step's output. */
export function stepHeader(time: number, run: string): string {
  return `# t=${humanDuration(time)} $ ${run}\n`;
}

/** A step that cannot play (a dashboard step in `kubedeck run`, an edit that does not fit its file...): `file:line:col: field: why`. */
export function stepError(scenario: Scenario, step: ScenarioStep, detail: string, field: string = step.kind): ScenarioError {
  return new ScenarioError(scenario.file, step.line, step.column, `spec.steps[${step.index}].${field}`, detail);
}

/** `kubedeck run` plays commands only: a dashboard step (keys, wait, edit, caption) needs `kubedeck record`. */
export function checkHeadless(scenario: Scenario): void {
  const step = scenario.steps.find((s) => s.kind !== 'run');
  if (step) throw stepError(scenario, step, 'a dashboard step: play this scenario with "kubedeck record SCENARIO -o FILE.cast"');
}

/** A recording plays its steps one after the other; a repeating command belongs to `kubedeck run`. */
export function checkRecordable(scenario: Scenario): void {
  const step = scenario.steps.find((s) => s.kind === 'run' && s.every !== undefined);
  if (step) throw stepError(scenario, step, 'a recording plays its steps in order: repeat the step, or use "kubedeck run" for repeating commands', 'every');
}
