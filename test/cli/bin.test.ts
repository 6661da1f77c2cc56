/** The built executable, as a user runs it: exit codes, streams. */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { folder, WEB } from './harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = `${root}dist/cli.js`;
const kubedeck = (args: string[], cwd: string) => spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });

describe('dist/cli.js', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [`${root}scripts/ensure-built.mjs`], { stdio: 'pipe' });
  }, 120_000);

  it('runs from a shell with exit 0 and kubectl output on stdout', () => {
    const dir = folder({ 'web.yaml': WEB });
    const r = kubedeck(['get', 'deploy', '--dir', '.'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s/);
  });

  it('exits 1 when a command fails and 2 on bad usage, with the message on stderr', () => {
    const dir = folder({});
    expect(kubedeck(['get', 'deploy', 'nope'], dir)).toMatchObject({ status: 1, stdout: '', stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n' });
    const usage = kubedeck(['get', 'pods', '--bogus'], dir);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("See 'kubedeck get --help' for usage.");
  });

  it('points a non-terminal to the headless commands instead of opening the dashboard', () => {
    const dir = folder({});
    const r = kubedeck([], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('kubedeck get all --dir .');
  });
});
