/** Drives the dashboard in ink-testing-library: one `press` that sends a key and waits for the frame. */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { render } from 'ink-testing-library';
import { vi } from 'vitest';
import { openSession } from '../../src/cli/session.js';
import type { Cluster } from '../../src/engine/cluster.js';
import { App } from '../../src/tui/app.js';
import { bytesOf } from '../../src/tui/recording/keyPresses.js';
import { DashboardController, type ControllerOptions } from '../../src/tui/controller.js';
import { createSimulatedSource, type SimulatedSource } from '../../src/tui/simulatedSource.js';

// Each key re-renders the whole dashboard with React's development build: on a busy 2-core machine a test of a few
// dozen keys can pass vitest's default 5 s while doing nothing wrong.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });

export const DEMO = resolve(import.meta.dirname, '../../demo-manifests');

/** The raw bytes a terminal sends for a key name (`ctrl-d`, `enter`, `N`): the same table recordings type with. */
export const sequenceOf = bytesOf;

/** Lets Ink parse the input (a lone Esc waits one setImmediate) and draw the frame (a macrotask). */
export async function frame(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 0));
}

export interface Dashboard {
  controller: DashboardController;
  source: SimulatedSource;
  cluster: Cluster;
  /** Presses keys in order (key names as in keymaps: `j`, `enter`, `ctrl-d`), waiting for the frame after each. */
  press(...keys: string[]): Promise<string>;
  /** Types text (each character a key, sent in one write), then waits for the frame. */
  type(text: string): Promise<string>;
  /** Re-reads the manifest folders (what the folder watcher does on a save), then waits for the frame. */
  reload(): Promise<string>;
  /** Advances the simulated clock, then waits for the frame. */
  advance(ms: number): Promise<string>;
  screen(): string;
  /** The last frame with its colour escapes (present when colours are on, e.g. FORCE_COLOR=3 before Ink loads). */
  raw(): string;
  close(): Promise<void>;
}

export interface OpenOptions extends Omit<ControllerOptions, 'frameMs'> {
  dirs?: string[];
  /** Files to write into a fresh temporary folder (path -> YAML), used instead of `dirs`. */
  files?: Record<string, string>;
  nodes?: number;
  /** Simulated time to run before the dashboard draws (default 90 s: the demo's rollouts are done). */
  settle?: number | 'idle';
}

export async function openDashboard(options: OpenOptions = {}): Promise<Dashboard & { dir?: string }> {
  let dir: string | undefined;
  let dirs = options.dirs ?? [DEMO];
  if (options.files) {
    dir = mkdtempSync(join(tmpdir(), 'kubedeck-tui-'));
    for (const [name, text] of Object.entries(options.files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    dirs = [dir];
  }
  const session = await openSession({ dirs, seed: 1, ...(options.nodes !== undefined ? { nodes: options.nodes } : {}), watch: false });
  const { cluster } = session;
  if (options.settle === 'idle') cluster.runUntilIdle(120_000);
  else cluster.advance(options.settle ?? 90_000);
  const source = createSimulatedSource({ ...session, dirs });
  const controller = new DashboardController(source, { ...options, frameMs: 0 });
  const ink = render(<App controller={controller} />);
  await frame();
  const screen = () => stripAnsi(ink.lastFrame() ?? '');
  const dashboard = {
    controller,
    source,
    cluster,
    ...(dir ? { dir } : {}),
    async press(...keys: string[]) {
      for (const k of keys) {
        ink.stdin.write(sequenceOf(k));
        await frame();
      }
      return screen();
    },
    async type(text: string) {
      // One write, as a paste or a fast typist's burst arrives: every character is a key, one frame after them all.
      ink.stdin.write(text);
      await frame();
      return screen();
    },
    async reload() {
      await session.sync.reload();
      await frame();
      return screen();
    },
    async advance(ms: number) {
      cluster.advance(ms);
      await frame();
      return screen();
    },
    screen,
    raw: () => ink.lastFrame() ?? '',
    async close() {
      ink.unmount();
      controller.close();
      await source.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return dashboard;
}

// eslint-disable-next-line no-control-regex
export const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

/** The table row that mentions `text` (first match). */
export function rowOf(screen: string, text: string): string | undefined {
  return screen.split('\n').find((l) => l.includes(text));
}
