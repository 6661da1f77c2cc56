/**
 * The built CLI in a real pseudo-terminal (tmux, 120×40), driven as a person would: scale from :deploy, cordon a
 * node, edit a manifest and see it applied, quit and find the terminal restored; the session was recorded with
 * --record, and the cast replays what was on screen.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from './recording/replay.js';
import { CLI, demoCopy, hasTmux, removeFolder, tmuxServer } from './tmux.js';

const SESSION = 'kd';
const server = tmuxServer(`kubedeck-e2e-${process.pid}`);
const { tmux } = server;
const keys = (...k: string[]): void => void tmux('send-keys', '-t', SESSION, ...k);
const waitFor = (text: RegExp | string, timeoutMs?: number): Promise<string> => server.waitFor(SESSION, text, timeoutMs);

let dir: string;

describe.skipIf(!hasTmux)('the dashboard in tmux', () => {
  beforeAll(() => {
    dir = demoCopy('kubedeck-e2e-');
    const command = `cd ${dir} && node ${CLI} demo-manifests --speed 100 --record session.cast; echo EXIT=$?; sleep 30`;
    tmux('new-session', '-d', '-s', SESSION, '-x', '120', '-y', '40', command);
  }, 180_000); // ensure-built may have to compile

  afterAll(() => {
    server.close();
    removeFolder(dir);
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
