/**
 * `kubedeck [DIR...]`: opens the session, draws the dashboard full screen on the alternate screen, and gives the
 * terminal back as it found it on quit, Ctrl-C, SIGTERM, SIGHUP or a crash (the error is printed after). A terminal
 * that goes away (a write or read fails with EIO/EPIPE) ends the dashboard too, with exit code 1.
 */
import { spawnSync } from 'node:child_process';
import { closeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { render } from 'ink';
import { createElement } from 'react';
import { openSession } from '../cli/session.js';
import { App } from './app.js';
import './panels/index.js';
import { DashboardController } from './controller.js';
import { KeymapError, loadKeymapFile, type UserKeymap } from './keymap.js';
import { createSimulatedSource } from './simulatedSource.js';
import { INK_MAX_FPS } from './store.js';

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
  stderr: { write(text: string): unknown; on?: NodeJS.WriteStream['on']; off?: NodeJS.WriteStream['off'] };
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

/**
 * Node 20 puts fds 0-2 back in the terminal modes it found them in when it exits, and aborts (exit 134 and a native
 * stack trace: "Assertion failed" in node::ResetStdio) when that fails, as it does on a terminal that hung up (the
 * tmux pane or ssh session closed). Newer Node ignores the failure (nodejs/node#58200). A hung-up terminal answers
 * isatty() false (EIO), and Node skips a descriptor that is closed: close those, as the very last thing.
 */
function releaseHungUpTerminal(ttys: readonly number[]): void {
  for (const fd of ttys) {
    if (isatty(fd)) continue;
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }
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
  const ttys = [0, 1, 2].filter((fd) => isatty(fd));
  process.once('exit', () => releaseHungUpTerminal(ttys));

  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      if (stdin.isTTY && !stdin.destroyed) stdin.setRawMode(false);
    } catch {
      // the terminal may be gone already
    }
    try {
      if (!stdout.destroyed) stdout.write(LEAVE_ALT);
    } catch {
      // the terminal may be gone already
    }
  };

  let quit!: () => void;
  const quitting = new Promise<void>((resolve) => (quit = resolve));
  let crash: unknown;
  const onCrash = (e: unknown) => {
    crash ??= e;
    quit();
  };
  // A write to a terminal that went away (tmux pane killed, ssh dropped, stdout closed) fails with EIO or EPIPE, a
  // read with EIO. Unheard, that error is an uncaught exception, and every later frame another one: quit instead.
  let lost: Error | undefined;
  const onStreamError = (e: Error) => {
    lost ??= e;
    quit();
  };
  const ignore = () => undefined;
  const streams = [stdout, stdin, term.stderr].filter((s, i, all) => typeof s.on === 'function' && all.indexOf(s) === i) as NodeJS.EventEmitter[];
  for (const s of streams) s.on('error', onStreamError);
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
    instance = render(createElement(App, { controller }), { stdout, stdin, exitOnCtrlC: false, patchConsole: true, maxFps: INK_MAX_FPS });
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
    for (const s of streams) {
      s.off('error', onStreamError);
      // A lost terminal fails every write still queued (Ink's last frame, the messages below): let them fail quietly.
      if (lost) s.on('error', ignore);
    }
    controller.close();
    await source.close();
  }
  if (lost && !crash) {
    term.stderr.write(`kubedeck: lost the terminal (${lost.message}); the dashboard quit.\n`);
    return 1;
  }
  if (crash) {
    term.stderr.write(`kubedeck: the dashboard crashed: ${crash instanceof Error ? (crash.stack ?? crash.message) : String(crash)}\n`);
    return 1;
  }
  return 0;
}
