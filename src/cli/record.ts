/**
 * `kubedeck record SCENARIO -o FILE.cast`: plays a scenario through the real dashboard in a terminal of a fixed size
 * that exists only in memory, and writes what that terminal showed as an asciicast v2 file.
 *
 * Nothing depends on the wall clock: a playback clock starts at 0 and moves only as the steps say (a `wait`, the
 * time a key takes to type, waiting for a step's `at`); the dashboard's real-time driver reads that clock, so the
 * simulation runs at the dashboard's speed exactly as it would live (Space pauses it, +/- change the speed). The
 * folders are copied first, so `edit` steps change the copies, never the scenario's own files.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { createElement } from 'react';
import { humanDuration } from '../printers/index.js';
import { App } from '../tui/app.js';
import { DashboardController } from '../tui/controller.js';
import '../tui/panels/index.js';
import { CastWriter } from '../tui/recording/asciicast.js';
import { ScreenEncoder } from '../tui/recording/screenEncoder.js';
import { VirtualTerminal } from '../tui/recording/virtualTerminal.js';
import { createSimulatedSource } from '../tui/simulatedSource.js';
import { applyEdit } from './fileEdit.js';
import { executeCommand } from './kubectl.js';
import { commandArgv, stepError, stepHeader, type FileEdit, type Scenario, type ScenarioStep } from './scenario.js';
import { openSession } from './session.js';
import { isWithin, type ManifestError } from '../manifests/index.js';

export interface RecordOptions {
  columns: number;
  rows: number;
  /** Overrides the scenario's speed. */
  speed?: number;
  /** The header's Unix timestamp (default: now). */
  timestamp?: number;
}

export interface Recording {
  /** The asciicast file's text. */
  cast: string;
  /** Playback seconds. */
  duration: number;
  /** What the `run` steps printed, as `kubedeck run` prints it. */
  transcript: string;
  /** Problems loading the folders (the dashboard's banner shows them too). */
  loadErrors: readonly ManifestError[];
  /** A `run` step failed. */
  failed: boolean;
}

/** Playback time between two frames while time passes (5 frames a second: a dashboard needs no more, and the file stays small). */
const TICK_MS = 200;
/** Playback time a typed key takes. */
const KEY_MS = 120;

/** Plays a scenario that passed `checkRecording` (fileEdit.ts). */
export async function recordScenario(scenario: Scenario, options: RecordOptions): Promise<Recording> {
  const { columns, rows } = options;
  const work = mkdtempSync(join(tmpdir(), 'kubedeck-record-'));
  const copies = scenario.dirs.map((dir, i) => {
    if (!existsSync(dir)) return dir; // the session reports it missing, by its own name
    const to = join(work, String(i), basename(dir));
    cpSync(dir, to, { recursive: true });
    return to;
  });
  const copyOf = (edit: FileEdit): string => {
    const i = scenario.dirs.findIndex((d) => isWithin(edit.file, d));
    return i < 0 ? edit.file : join(copies[i]!, relative(scenario.dirs[i]!, edit.file));
  };

  const session = await openSession({
    dirs: copies,
    ...(scenario.seed !== undefined ? { seed: scenario.seed } : {}),
    ...(scenario.nodes !== undefined ? { nodes: scenario.nodes } : {}),
    watch: false,
    simulatedReloadTimes: true,
  });
  const { cluster } = session;
  const start = cluster.clock.now();
  let wall = 0;
  const source = createSimulatedSource(
    { ...session, dirs: copies, dirLabels: scenario.dirs.map((d) => basename(d)) },
    { speed: options.speed ?? scenario.speed ?? 1, wallNow: () => wall },
  );
  let quit = false;
  const controller: DashboardController = new DashboardController(source, {
    frameMs: 0,
    wallNow: () => wall,
    onQuit: () => void (quit = true),
    openEditor: () => controller.toast('error: no editor opens in a recording: use an edit step', 'error'),
  });
  const term = new VirtualTerminal(createElement(App, { controller }), columns, rows);

  const lines: string[] = [];
  const writer = new CastWriter(
    {
      width: columns,
      height: rows,
      timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
      title: `kubedeck: ${scenario.name}`,
      env: { TERM: 'xterm-256color', SHELL: '/bin/sh' },
    },
    (line) => void lines.push(line),
  );
  const encoder = new ScreenEncoder(rows);
  let caption = '';
  let transcript = '';
  let failed = false;

  const capture = async () => {
    controller.store.publish();
    const screen = (await term.lines()).slice(0, rows - 1);
    while (screen.length < rows - 1) screen.push('');
    screen.push(captionLine(caption, columns));
    writer.output(wall / 1000, encoder.encode(screen));
  };
  /** Playback time passes; the driver moves the simulation by it × speed, as it does live. */
  const pass = async (ms: number) => {
    const end = wall + ms;
    while (wall < end) {
      wall = Math.min(end, wall + TICK_MS);
      source.driver.tick();
      await capture();
    }
  };
  const reach = async (step: ScenarioStep, at: number) => {
    while (cluster.clock.now() - start < at) {
      if (source.driver.paused) {
        throw stepError(scenario, step, `waits for t=${humanDuration(at)} but the clock is paused at t=${humanDuration(cluster.clock.now() - start)} (a Space pressed earlier)`);
      }
      // The last stretch is shorter, so the step runs at its time, not up to a frame's worth of time later.
      await pass(Math.min(TICK_MS, Math.max(1, (start + at - cluster.clock.now()) / source.driver.speed)));
    }
  };

  try {
    await capture();
    for (const step of scenario.steps) {
      if (quit) break;
      if (step.at !== undefined) await reach(step, step.at);
      switch (step.kind) {
        case 'run': {
          let out = '';
          const code = await executeCommand(commandArgv(step.run), {
            cluster,
            cwd: dirname(scenario.file),
            out: (t) => void (out += t),
            err: (t) => void (out += t),
          });
          if (code !== 0) failed = true;
          transcript += stepHeader(cluster.clock.now() - start, step.run) + out;
          const first = out.split('\n').find((l) => l.trim() !== '') ?? '';
          controller.toast(`$ kubectl ${step.run}${first ? `  →  ${first}` : ''}`, code === 0 ? 'info' : 'error');
          await capture();
          break;
        }
        case 'keys':
          for (const press of step.presses) {
            await term.press(press.bytes);
            await capture();
            if (quit) break;
            await pass(KEY_MS);
          }
          break;
        case 'wait':
          await pass(step.wait);
          break;
        case 'caption':
          caption = step.caption;
          if (caption !== '') writer.marker(wall / 1000, caption);
          await capture();
          break;
        case 'edit': {
          const file = copyOf(step.edit);
          writeFileSync(file, applyEdit(readFileSync(file, 'utf8'), step.edit.change));
          await session.sync.reload([file]);
          await capture();
          break;
        }
      }
    }
    await capture();
    writer.output(wall / 1000, encoder.finish());
  } finally {
    term.close();
    controller.close();
    await source.close();
    rmSync(work, { recursive: true, force: true });
  }
  return { cast: lines.join(''), duration: wall / 1000, transcript, loadErrors: session.errors, failed };
}

/** The recording's last row: the caption as a bar across the screen, or nothing. */
function captionLine(caption: string, columns: number): string {
  if (caption === '') return '';
  const chars = [...caption];
  const text = chars.length > columns - 2 ? `${chars.slice(0, columns - 3).join('')}…` : caption;
  return `\x1b[1;97;44m ${text.padEnd(columns - 2)} \x1b[0m`;
}
