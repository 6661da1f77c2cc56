/**
 * The built CLI in a real pseudo-terminal (tmux, 120×40), driven as a person would: scale from :deploy, cordon a
 * node, edit a manifest and see it applied, quit and find the terminal restored; the session was recorded with
 * --record, and the cast replays what was on screen.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from './recording/replay.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SOCKET = `kubedeck-e2e-${process.pid}`;
const SESSION = 'kd';
const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const screen = (): string => tmux('capture-pane', '-p', '-t', SESSION);
const keys = (...k: string[]): void => void tmux('send-keys', '-t', SESSION, ...k);

/** Polls the screen (the program runs in real time) until `test` holds. */
async function waitFor(test: RegExp | string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = screen();
    if (typeof test === 'string' ? last.includes(test) : test.test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${test}; the screen was:\n${last}`);
}

let dir: string;

describe.skipIf(!hasTmux)('the dashboard in tmux', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(ROOT, 'scripts/ensure-built.mjs')], { cwd: ROOT, stdio: 'ignore' });
    dir = mkdtempSync(join(tmpdir(), 'kubedeck-e2e-'));
    cpSync(join(ROOT, 'demo-manifests'), join(dir, 'demo-manifests'), { recursive: true });
    const command = `cd ${dir} && node ${join(ROOT, 'dist/cli.js')} demo-manifests --speed 100 --record session.cast; echo EXIT=$?; sleep 30`;
    tmux('new-session', '-d', '-s', SESSION, '-x', '120', '-y', '40', command);
  }, 180_000); // ensure-built may have to compile

  afterAll(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens on the pods and explains itself', async () => {
    const s = await waitFor('pods(all)');
    expect(s).toContain('kubedeck');
    expect(s).toMatch(/nodes \d+\/\d+ ready/);
    expect(s).toContain('watching demo-manifests');
    expect(s).toContain('? help');
    expect(tmux('display', '-p', '-t', SESSION, '#{alternate_on}').trim()).toBe('1');
  }, 20_000);

  it(':deploy, s, 3, Enter scales my-nginx to 3/3', async () => {
    keys(':deploy', 'Enter');
    await waitFor('deployments(all)');
    keys('/my-nginx', 'Enter');
    await waitFor(/filter: my-nginx/);
    keys('s');
    await waitFor('Scale deployment my-nginx to (replicas): 2');
    keys('3');
    keys('Enter');
    await waitFor('deployment.apps/my-nginx scaled');
    const s = await waitFor(/my-nginx\s+3\/3/);
    expect(s).toMatch(/my-nginx\s+3\/3\s+/);
    keys('Escape');
  }, 30_000);

  it('cordons a node and reads SchedulingDisabled', async () => {
    keys(':no', 'Enter');
    await waitFor(' nodes ');
    keys('/worker3', 'Enter');
    await waitFor(/filter: worker3/);
    keys('c');
    const s = await waitFor('Ready,SchedulingDisabled');
    expect(s).toContain('node/kubedeck-worker3 cordoned');
    keys('Escape');
  }, 30_000);

  it('an edited manifest shows on screen', async () => {
    keys(':deploy', 'Enter');
    await waitFor('deployments(all)');
    const file = join(dir, 'demo-manifests/01-web/my-nginx.yaml');
    // The file said 2 and the dashboard scaled to 3: the file's new count wins (kubectl apply's three-way merge).
    writeFileSync(file, readFileSync(file, 'utf8').replace('replicas: 2', 'replicas: 4'));
    const s = await waitFor(/my-nginx\s+4\/4/);
    expect(s).toMatch(/reload \S+: 1 file applied/);
  }, 30_000);

  it('q quits and gives the terminal back (alternate screen left, cursor shown)', async () => {
    keys('q');
    const s = await waitFor('EXIT=0');
    expect(s).not.toContain('pods(all)');
    expect(tmux('display', '-p', '-t', SESSION, '#{alternate_on} #{cursor_flag}').trim()).toBe('0 1');
    expect(s).toContain('recorded session.cast; play it with: asciinema play session.cast');
  }, 20_000);

  it('--record wrote the session as a cast that replays what was on screen', async () => {
    const played = await replay(readFileSync(join(dir, 'session.cast'), 'utf8'));
    expect(played.cast.header).toMatchObject({ version: 2, width: 120, height: 40 });
    const seen = (text: string) => played.screens.some((s) => s.screen.join('\n').includes(text));
    expect(seen('deployment.apps/my-nginx scaled')).toBe(true);
    expect(seen('node/kubedeck-worker3 cordoned')).toBe(true);
    expect(played.cast.events.every(([, code, data]) => code !== 'o' || !/[^\r]\n/.test(data))).toBe(true);
    expect(played.screens.at(-1)!.screen.join('')).not.toContain('pods(all)'); // it ends back on the normal screen
  });
});
