/**
 * The built CLI in real pseudo-terminals, as a person runs it: a tmux server of the test's own (no user config),
 * and a copy of demo-manifests to run it on.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'dist/cli.js');

export const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

export interface TmuxServer {
  tmux(...args: string[]): string;
  screen(session: string): string;
  /** Polls the session's screen (the program runs in real time) until it shows `text`; returns the screen. */
  waitFor(session: string, text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Ends the server and every session in it. */
  close(): void;
}

export function tmuxServer(socket: string): TmuxServer {
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const screen = (session: string): string => tmux('capture-pane', '-p', '-t', session);
  return {
    tmux,
    screen,
    async waitFor(session, text, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < deadline) {
        last = screen(session);
        if (typeof text === 'string' ? last.includes(text) : text.test(last)) return last;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${text} in ${session}; the screen was:\n${last}`);
    },
    close() {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    },
  };
}

/** Builds dist/ when stale and copies demo-manifests into a fresh temporary folder; returns the folder. */
export function demoCopy(prefix: string): string {
  execFileSync(process.execPath, [join(ROOT, 'scripts/ensure-built.mjs')], { cwd: ROOT, stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cpSync(join(ROOT, 'demo-manifests'), join(dir, 'demo-manifests'), { recursive: true });
  return dir;
}

export const removeFolder = (dir: string): void => rmSync(dir, { recursive: true, force: true });
