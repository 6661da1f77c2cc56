/**
 * `kubedeck [DIR...]`: opens the session, draws the dashboard full screen on the alternate screen, and gives the
 * terminal back as it found it on quit, Ctrl-C, SIGTERM or a crash (the error is printed after).
 */
import { spawnSync } from 'node:child_process';
import { render } from 'ink';
import { createElement } from 'react';
import { openSession } from '../cli/session.js';
import { App } from './app.js';
import './panels/index.js';
import { DashboardController } from './controller.js';
import { KeymapError, loadKeymapFile, type UserKeymap } from './keymap.js';
import { createSimulatedSource } from './simulatedSource.js';

export interface DashboardOptions {
  dirs: readonly string[];
  seed?: number;
  nodes?: number;
  speed?: number;
  readonly?: boolean;
  yes?: boolean;
  keymapFile?: string;
}

export interface Terminal {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  stderr: { write(text: string): unknown };
}

const ENTER_ALT = '\x1b[?1049h\x1b[H\x1b[2J';
const LEAVE_ALT = '\x1b[?1049l\x1b[?25h';

/** Splits `$EDITOR` ("code -w", "vim") into a command and its arguments, and adds the line the way editors take it. */
export function editorCommand(editor: string, file: string, line: number): { command: string; args: string[] } {
  const [command, ...args] = editor.trim().split(/\s+/);
  const base = (command ?? 'vi').split('/').pop()!;
  if (base === 'code' || base === 'codium' || base === 'subl') return { command: command!, args: [...args, '--goto', `${file}:${line}`] };
  return { command: command ?? 'vi', args: [...args, `+${line}`, file] };
}

export async function runDashboard(options: DashboardOptions, term: Terminal): Promise<0 | 1 | 2> {
  let keymap: UserKeymap | undefined;
  if (options.keymapFile) {
    try {
      keymap = loadKeymapFile(options.keymapFile, DashboardController.keymapSections());
    } catch (e) {
      if (!(e instanceof KeymapError)) throw e;
      term.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
  }
  const session = await openSession({
    dirs: options.dirs,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.nodes !== undefined ? { nodes: options.nodes } : {}),
    watch: true,
  });
  const source = createSimulatedSource({ ...session, dirs: options.dirs }, options.speed !== undefined ? { speed: options.speed } : {});
  const { stdout, stdin } = term;

  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      if (stdin.isTTY) stdin.setRawMode(false);
    } catch {
      // the terminal may be gone already
    }
    stdout.write(LEAVE_ALT);
  };

  let quit!: () => void;
  const quitting = new Promise<void>((resolve) => (quit = resolve));
  let crash: unknown;
  const onCrash = (e: unknown) => {
    crash = e;
    quit();
  };
  const onSignal = () => quit();
  const onExit = () => restore();
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  process.on('exit', onExit);

  let instance: ReturnType<typeof render> | undefined;
  const controller = new DashboardController(source, {
    readonly: !!options.readonly,
    yes: !!options.yes,
    keymap,
    onQuit: () => quit(),
    openEditor: (file, line) => {
      const { command, args } = editorCommand(process.env.VISUAL || process.env.EDITOR || 'vi', file, line);
      if (stdin.isTTY) stdin.setRawMode(false);
      stdout.write(LEAVE_ALT);
      const result = spawnSync(command, args, { stdio: 'inherit' });
      stdout.write(ENTER_ALT);
      if (stdin.isTTY) stdin.setRawMode(true);
      instance?.clear();
      if (result.error) controller.toast(`error: cannot run ${command}: ${result.error.message} (set $EDITOR)`, 'error');
      else controller.toast(`back from ${command} ${file}:${line}; saved changes reload on their own`);
    },
  });

  stdout.write(ENTER_ALT);
  try {
    instance = render(createElement(App, { controller }), { stdout, stdin, exitOnCtrlC: false, patchConsole: true, maxFps: 30 });
    const onResize = () => {
      instance?.clear();
      stdout.write('\x1b[H\x1b[2J');
    };
    stdout.on('resize', onResize);
    source.driver.start();
    await Promise.race([quitting, instance.waitUntilExit().catch((e: unknown) => void (crash = e))]);
    stdout.off('resize', onResize);
    source.driver.stop();
    instance.unmount();
  } catch (e) {
    crash = e;
  } finally {
    restore();
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    process.off('exit', onExit);
    controller.close();
    await source.close();
  }
  if (crash) {
    term.stderr.write(`kubedeck: the dashboard crashed: ${crash instanceof Error ? (crash.stack ?? crash.message) : String(crash)}\n`);
    return 1;
  }
  return 0;
}
