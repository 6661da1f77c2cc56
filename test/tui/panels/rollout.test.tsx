/** The rollout panel (`o` on a workload): a stalled rollout on a broken image, its stuck reason, the history table, and a rollback from it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import '../../../src/tui/panels/index.js';
import { DEMO, frame, openDashboard, type Dashboard } from '../harness.js';


// Each test drives minutes of simulated time through the real dashboard: generous on a busy machine.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });
let d: Dashboard;
beforeAll(async () => {
  d = await openDashboard({ files: { 'checkout.yaml': readFileSync(join(DEMO, '06-trouble/checkout.yaml'), 'utf8') }, settle: 60_000 });
});
afterAll(async () => {
  await d.close();
});

async function tick(ms: number): Promise<string> {
  d.cluster.advance(ms);
  d.controller.store.publish();
  await frame();
  return d.screen();
}

const toast = () => d.controller.toasts.map((t) => t.text).join('\n');

describe('the rollout panel', () => {
  it('o on a deployment opens it: complete, bars against the budgets, one revision in the history table', async () => {
    await d.press(':', ...'deploy', 'enter');
    const s = await d.press('o');
    expect(s).toContain('rollout checkout');
    expect(s).toContain('Rollout of deployment default/checkout  complete');
    expect(s).toMatch(/updated {4}█{18}│░{6} 3\/3/);
    expect(s).toContain('at least 3 must stay available (maxUnavailable 0)');
    expect(s).toContain('at most 4 pods (desired 3 + maxSurge 1)');
    expect(s).toContain('strategy RollingUpdate: maxSurge 25% → 1 pod, maxUnavailable 25% → 0 pods');
    expect(s).toMatch(/│ ▶ *│ 1 \(current\) *│ <none> *│ registry\.example\.com\/checkout:1\.0 *│/);
  });

  it('set image to a broken tag: 1 of 3 updated, the new pod cannot pull, then stuck past the progress deadline', async () => {
    d.source.actions.setImage({ kind: 'Deployment', namespace: 'default', name: 'checkout' }, { app: 'registry.example.com/checkout:2.0-broken' });
    const rolling = await tick(10_000);
    // The engine sees the pull failing before the deadline: the panel says so at once.
    expect(rolling).toContain('STUCK');
    expect(rolling).toMatch(/why stuck: ImagePullFailing: checkout-\w+-\w+: (ErrImagePull|ImagePullBackOff)/);
    expect(rolling).toMatch(/step: waiting for checkout-\w+-\w+ to be Ready/);
    expect(rolling).toMatch(/updated {4}█{6}░{12}│░{6} 1\/3/);
    expect(rolling).toMatch(/pods {7}█{18}│█{6} 4\/3/);
    expect(rolling).toMatch(/rev 2\s+new checkout-\w+\s+1 pod/);
    expect(rolling).toMatch(/checkout-\w+-\w+\s+0\/1\s+(ErrImagePull|ImagePullBackOff)/);
    expect(rolling).toMatch(/rev 1\s+old checkout-\w+\s+3 pods/);
    const stuck = await tick(70_000);
    expect(stuck).toContain('STUCK');
    expect(stuck).toMatch(/why stuck: ImagePullFailing: [^]*has timed out\s+progressing/);
    expect(stuck).toMatch(/Progressing\s+False\s+ProgressDeadlineExceeded/);
    expect(stuck).toMatch(/│ *│ 2 \(current\) *│ <none> *│ registry\.example\.com\/checkout:2\.0-broken *│/);
    expect(stuck).toMatch(/│ ▶ *│ 1 *│ <none> *│ registry\.example\.com\/checkout:1\.0 *│/);
  });

  it('↑/↓ choose a row; Enter on the current revision explains; Enter on revision 1 asks, then rolls back', async () => {
    await d.press('up');
    expect(d.screen()).toMatch(/│ ▶ *│ 2 \(current\)/);
    await d.press('enter');
    expect(toast()).toContain('revision 2 is the current one');
    await d.press('down');
    const dialog = await d.press('enter');
    expect(dialog).toContain('Roll back deployment checkout to revision 1?');
    expect(dialog).toContain('from revision 2 to revision 1');
    expect(dialog).toContain('image app: registry.example.com/checkout:2.0-broken -> registry.example.com/checkout:1.0');
    expect(dialog).toContain('▶ Cancel ◀');
    await d.press('right', 'enter');
    expect(toast()).toContain('deployment.apps/checkout rolled back');
    const after = await tick(30_000);
    expect(after).toContain('complete');
    expect(after).toMatch(/│ *│ 3 \(current\) *│ <none> *│ registry\.example\.com\/checkout:1\.0 *│/);
    expect(after).not.toMatch(/│ 1 *│/);
  });
});
