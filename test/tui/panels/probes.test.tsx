/** The probes panel (`p` on a pod) and the PROBES column, on the Kubernetes docs' liveness-exec example. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import '../../../src/tui/panels/index.js';
import { DEMO, frame, openDashboard, rowOf, type Dashboard } from '../harness.js';


// Each test drives minutes of simulated time through the real dashboard: generous on a busy machine.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });
let d: Dashboard;
beforeAll(async () => {
  d = await openDashboard({ files: { 'liveness.yaml': readFileSync(join(DEMO, '05-probes/liveness-exec.yaml'), 'utf8') }, settle: 1000 });
});
afterAll(async () => {
  await d.close();
});

/** One second of simulated time, then a frame (as the real-time driver's tick publishes one). */
async function tick(): Promise<string> {
  d.cluster.advance(1000);
  d.controller.store.publish();
  await frame();
  return d.screen();
}

/** Advances the clock a second at a time until the screen matches (at most `limit` seconds). */
async function until(test: (screen: string) => boolean, limit = 120): Promise<string> {
  let s = d.screen();
  for (let i = 0; i < limit && !test(s); i++) s = await tick();
  expect(test(s), s).toBe(true);
  return s;
}

describe('the PROBES column', () => {
  it('shows the liveness probe waiting, passing, then failing n/threshold', async () => {
    expect(rowOf(d.screen(), 'liveness-exec')).toMatch(/L…/);
    const passing = await until((s) => /L✓/.test(rowOf(s, 'liveness-exec') ?? ''));
    expect(passing).toMatch(/PROBES/);
    const failing = await until((s) => /L✗2\/3/.test(rowOf(s, 'liveness-exec') ?? ''));
    expect(rowOf(failing, 'liveness-exec')).toContain('Running');
  });
});

describe('the probes panel', () => {
  it('p opens it: configuration, failing 2/3, the last failure message and the recent runs', async () => {
    const s = await d.press('p');
    expect(s).toContain('probes liveness-exec');
    expect(s).toContain('Probes of pod default/liveness-exec');
    expect(s).toContain('container liveness');
    expect(s).toContain('Liveness   exec [cat /tmp/healthy] delay=5s timeout=1s period=5s #success=1 #failure=3');
    expect(s).toContain('failing 2/3');
    expect(s).toContain('✓ 0 ✗ 2 in a row');
    expect(s).toMatch(/next run in \d/);
    expect(s).toContain("last failure: cat: can't open '/tmp/healthy': No such file or directory");
    expect(s).toMatch(/✓{3,}✗✗ {2}last \d+ runs/);
  });

  it('the third failure restarts the container; the probe starts over and the strip keeps the failures', async () => {
    const s = await until((x) => x.includes('restarts 1'));
    expect(s).toMatch(/✗✗✗/);
    const again = await until((x) => /^\s+passing\s/m.test(x) && x.includes('restarts 1'));
    expect(again).toContain("last failure: cat: can't open '/tmp/healthy'");
    expect(again).toMatch(/✗✗✗✓/);
  });

  it('Esc goes back to the pods list', async () => {
    const s = await d.press('esc');
    expect(s).toContain('NAME');
    expect(d.controller.screenId()).toBe('pods');
  });
});
