/**
 * The terminal always comes back usable (issue 8, part 4), with the built CLI in real pseudo-terminals (tmux): a
 * resize storm down to 1×1, SIGTERM, SIGHUP, a render exception, an exception in a timer, the pane closed under
 * the program, and stdout's terminal closed under it. After each: the process is gone, the alternate screen is left,
 * the cursor is shown, the terminal is in cooked mode again, and what went wrong is printed on the normal screen.
 *
 * Each program runs as `sh -c 'echo $$ > PIDFILE; exec node dist/cli.js ...'` so the test knows node's pid, and the
 * pane's shell then prints `EXIT=<code>` and `STTY=` with the terminal's isig/icanon/echo flags.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, demoCopy, hasTmux, removeFolder, tmuxServer } from './tmux.js';

const LEAVE_ALT = '\x1b[?1049l';
const server = tmuxServer(`kubedeck-term-${process.pid}`);
const { tmux, waitFor } = server;
const flags = (session: string): string => tmux('display', '-p', '-t', session, '#{alternate_on} #{cursor_flag}').trim();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls (the program runs in real time) until `test` returns a value. */
async function until<T>(what: string, test: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = test();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** A process is gone when it has no /proc entry or is a zombie (dead, not yet reaped). */
function gone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').startsWith('Z');
  } catch {
    return true;
  }
}

let dir: string;
let count = 0;

interface Started {
  session: string;
  pid: number;
  /** Everything the program wrote to the pane from when its first frame showed. */
  output: () => string;
}

/** Starts the dashboard in a new 120×40 session; resolves once it shows the pods. */
async function start(options: { env?: string; redirect?: string; waitForPods?: boolean } = {}): Promise<Started> {
  const session = `t${++count}`;
  const pidFile = join(dir, `${session}.pid`);
  const log = join(dir, `${session}.out`);
  // vitest sets NODE_ENV=test, which would load React's development build: run as a user does.
  const program = `exec env -u NODE_ENV ${options.env ?? ''} node ${CLI} demo-manifests --speed 100 ${options.redirect ?? ''}`;
  const command = `cd ${dir} && sh -c 'echo $$ > ${pidFile}; ${program}'; echo EXIT=$?; ` +
    `echo STTY=$(stty -a | tr ' ;' '\\n\\n' | grep -x -- '-\\?\\(isig\\|icanon\\|echo\\)' | tr '\\n' ' '); sleep 60`;
  tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', command);
  const pid = await until('the pid file', () => existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8')));
  if (options.waitForPods !== false) await waitFor(session, 'pods(all)');
  tmux('pipe-pane', '-t', session, '-o', `cat >> ${log}`);
  return { session, pid, output: () => (existsSync(log) ? readFileSync(log, 'latin1') : '') };
}

/** After the program ended: it printed its exit code, and the terminal is as the shell left it. */
async function expectRestored(s: Started, exitCode: number): Promise<string> {
  const text = await waitFor(s.session, /STTY=.*echo/);
  expect(text).toContain(`EXIT=${exitCode}`);
  expect(text).toMatch(/STTY=isig icanon echo/);
  expect(text).not.toContain('pods(all)');
  expect(flags(s.session)).toBe('0 1');
  expect(gone(s.pid)).toBe(true);
  // The restore ran once: one "leave the alternate screen".
  await until('the pane output', () => s.output().includes(LEAVE_ALT), 3_000);
  expect(s.output().split(LEAVE_ALT).length - 1).toBe(1);
  return text;
}

describe.skipIf(!hasTmux)('the terminal comes back usable', () => {
  beforeAll(() => {
    dir = demoCopy('kubedeck-term-');
  }, 180_000); // ensure-built may have to compile

  afterAll(() => {
    server.close();
    removeFolder(dir);
  });

  it('without colours (NO_COLOR) a ">" gutter shows the selected row, and it follows the cursor', async () => {
    const s = await start({ env: 'NO_COLOR=1' });
    const first = await waitFor(s.session, /^> default\s/m);
    expect(first).toMatch(/^ {2}NAMESPACE\s+NAME/m);
    tmux('send-keys', '-t', s.session, 'j');
    const moved = await waitFor(s.session, /^ {2}default\s.*\n> default\s/m);
    expect(moved.match(/^> /gm)).toHaveLength(1);
    tmux('send-keys', '-t', s.session, 'q');
    await expectRestored(s, 0);
  }, 30_000);

  it('a resize storm down to 1×1 and back: "Terminal too small" when small, the dashboard again when big', async () => {
    const s = await start();
    const sizes = [[1, 1], [20, 5], [120, 40], [2, 1], [79, 19], [80, 20], [200, 60], [1, 40], [120, 1], [33, 7]] as const;
    for (let i = 0; i < 8; i++) for (const [x, y] of sizes) tmux('resize-window', '-t', s.session, '-x', String(x), '-y', String(y));
    tmux('resize-window', '-t', s.session, '-x', '20', '-y', '5');
    await waitFor(s.session, 'Terminal too small');
    tmux('resize-window', '-t', s.session, '-x', '1', '-y', '1');
    await sleep(300);
    expect(gone(s.pid)).toBe(false);
    tmux('resize-window', '-t', s.session, '-x', '79', '-y', '40');
    await waitFor(s.session, 'Terminal too small: 79×40.');
    tmux('resize-window', '-t', s.session, '-x', '120', '-y', '40');
    const big = await waitFor(s.session, /q quit\s*$/);
    expect(big).not.toContain('Terminal too small');
    const lines = big.split('\n');
    expect(lines[0]).toMatch(/^kubedeck {2}nodes \d+\/\d+ ready/);
    expect(lines[3]).toMatch(/^ pods\(all\) +\d+ rows$/);
    tmux('send-keys', '-t', s.session, 'q');
    const after = await expectRestored(s, 0);
    expect(after).not.toContain('crashed');
  }, 30_000);

  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${signal}: the process exits and gives the terminal back`, async () => {
      const s = await start();
      process.kill(s.pid, signal);
      await until('the process to exit', () => gone(s.pid), 10_000);
      const after = await expectRestored(s, 0);
      expect(after).not.toContain('crashed');
    }, 30_000);
  }

  for (const [mode, message] of [
    ['render', 'KUBEDECK_TEST_CRASH=render: a component failed to render'],
    ['timer', 'KUBEDECK_TEST_CRASH=timer: a timer threw'],
  ] as const) {
    it(`an exception (${mode}) ends the dashboard with exit 1, the terminal restored and the error printed`, async () => {
      const s = await start({ env: `KUBEDECK_TEST_CRASH=${mode}`, waitForPods: false });
      const after = await expectRestored(s, 1);
      expect(after).toContain(`kubedeck: the dashboard crashed: Error: ${message}`);
    }, 30_000);
  }

  it('the pane closed under it (SIGHUP, then EIO on every read and write): it exits at once, not by an abort', async () => {
    // A shell that survives the hangup (it ignores SIGHUP; node resets that) records node's exit status.
    const session = `t${++count}`;
    const pidFile = join(dir, `${session}.pid`);
    const statusFile = join(dir, `${session}.status`);
    const program = `env -u NODE_ENV node ${CLI} demo-manifests --speed 100 < /dev/tty`;
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40',
      `cd ${dir} && sh -c 'trap "" HUP; ${program} & echo $! > ${pidFile}; wait $!; echo $? > ${statusFile}'`);
    const pid = await until('the pid file', () => existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8')));
    await waitFor(session, 'pods(all)');
    tmux('kill-session', '-t', session);
    await until('the process to exit', () => gone(pid), 10_000);
    const status = await until('the exit status', () => existsSync(statusFile) && readFileSync(statusFile, 'utf8').trim(), 5_000);
    // 0 when the SIGHUP came first, 1 when a failed write did; never 134 (Node 20's abort in ResetStdio).
    expect(['0', '1']).toContain(status);
  }, 30_000);

  it("stdout's terminal closed under it (EIO on writes, no SIGHUP): it quits, says why, and restores the other terminal", async () => {
    const out = `t${++count}`;
    tmux('new-session', '-d', '-s', out, '-x', '120', '-y', '40', 'sleep 60');
    const tty = tmux('display', '-p', '-t', out, '#{pane_tty}').trim();
    const s = await start({ redirect: `> ${tty}`, waitForPods: false });
    await waitFor(out, 'pods(all)');
    expect(gone(s.pid)).toBe(false);
    tmux('kill-session', '-t', out);
    await until('the process to exit', () => gone(s.pid), 10_000);
    const text = await waitFor(s.session, /STTY=.*echo/);
    expect(text).toContain('EXIT=1');
    expect(text).toMatch(/kubedeck: lost the terminal \(write EIO\); the dashboard quit\./);
    expect(text).toMatch(/STTY=isig icanon echo/);
    expect(text).not.toContain('crashed');
    expect(text).not.toContain('Assertion failed');
    expect(flags(s.session)).toBe('0 1');
  }, 30_000);
});
