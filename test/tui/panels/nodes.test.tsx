/** Nodes: `w` on a pending pod shows every node's scheduler verdict; the nodes view shows taints, allocation bars and pod counts. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import '../../../src/tui/panels/index.js';
import type { ListScreen } from '../../../src/tui/controller.js';
import { DEMO, openDashboard, rowOf, type Dashboard } from '../harness.js';


// Each test drives minutes of simulated time through the real dashboard: generous on a busy machine.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });
let d: Dashboard;
beforeAll(async () => {
  d = await openDashboard({
    files: {
      'too-big.yaml': readFileSync(join(DEMO, '06-trouble/too-big.yaml'), 'utf8'),
      'checkout.yaml': readFileSync(join(DEMO, '06-trouble/checkout.yaml'), 'utf8'),
    },
    settle: 30_000,
  });
});
afterAll(async () => {
  await d.close();
});

async function select(name: string): Promise<void> {
  await d.press('g');
  for (let i = 0; i < 30 && d.controller.selectedObject()?.metadata.name !== name; i++) await d.press('j');
  expect(d.controller.selectedObject()?.metadata.name).toBe(name);
}

describe('why (w on a pod)', () => {
  it('a pod too big for any node: the FailedScheduling message, then per node the filter and its reason', async () => {
    await select('too-big');
    const s = await d.press('w');
    expect(s).toContain('why too-big');
    expect(s).toContain('Why: scheduling of pod default/too-big');
    expect(s).toMatch(/FailedScheduling 0\/4 nodes are available: 1 node\(s\) had untolerated taint\s+\{node-role\.kubernetes\.io\/control-plane: \}, 3 Insufficient cpu/);
    expect(s).toContain('nodes: 4 in the cluster, 4 evaluated, 0 feasible');
    expect(s).toMatch(/queue: unschedulable — waits for a change that concerns/);
    expect(s).toMatch(/NODE\s+VERDICT\s+REASON\n/);
    expect(s).toMatch(/kubedeck-control-plane\s+✗ TaintToleration\s+node\(s\) had untolerated taint\s+(\n\s+)?\{node-role\.kubernetes\.io\/control-plane: \}/);
    const workers = s.split('\n').filter((l) => /^kubedeck-worker\d*\s+✗ NodeResourcesFit\s+Insufficient cpu/.test(l));
    expect(workers).toHaveLength(3);
    await d.press('esc');
  });

  it('on a scheduled pod: the chosen node, with every feasible node\'s plugin scores and total', async () => {
    await select(d.cluster.list('Pod').find((p) => p.metadata.name?.startsWith('checkout-'))!.metadata.name!);
    const s = await d.press('w');
    expect(s).toMatch(/last attempt #1 at \S+: scheduled on kubedeck-worker\d*/);
    expect(s).toMatch(/NODE\s+VERDICT\s+REASON\s+TT×3\s+NA×2\s+Fit×1\s+PTS×2\s+IPA×2\s+BA×1\s+IL×1\s+TOTAL/);
    expect(s).toContain('scores 0-100 × weight: TT TaintToleration, NA NodeAffinity, Fit NodeResourcesFit');
    expect(s).toMatch(/kubedeck-worker\d*\s+✓ selected\s+(\s+(\d+|-)){7}\s+\d+/);
    expect(s).toMatch(/kubedeck-control-plane\s+✗ TaintToleration/);
    await d.press('esc');
  });
});

describe('the nodes view', () => {
  it('shows roles, taints, CPU and memory requests against allocatable as bars, and the pod count; cordon shows SchedulingDisabled', async () => {
    const s = await d.press(':', 'n', 'o', 'enter');
    expect(s).toMatch(/NAME\s+STATUS\s+ROLES\s+CPU\s+MEM\s+PODS\s+TAINTS/);
    expect(rowOf(s, 'kubedeck-control-plane')).toMatch(/Ready\s+control-plane\s+[█░]{8}\s+\d+%\s+[█░]{8}\s+\d+%\s+0\s+control-plane:No/);
    // The test terminal is 100 columns: read the rest of the row from the frame the screen is drawn from.
    const frame = d.controller.listFrame(d.controller.screen as ListScreen);
    expect(frame.columns.map((c) => c.name)).toEqual(['NAME', 'STATUS', 'ROLES', 'CPU', 'MEM', 'PODS', 'TAINTS', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'].slice(0, frame.columns.length));
    const worker = d.cluster.list('Pod').find((p) => p.metadata.name?.startsWith('checkout-'))!.spec.nodeName!;
    const onIt = d.cluster.list('Pod', { fieldSelector: `spec.nodeName=${worker}` }).length;
    const cells = frame.rows.find((r) => r.cells[0] === worker)!.cells;
    // 100m of 4 CPUs requested: 3%; 64Mi of memory.
    expect(cells.slice(1, 7)).toEqual(['Ready', '<none>', expect.stringMatching(/^[█░]{8}\s+3%$/), expect.stringMatching(/^[█░]{8}\s+\d+%$/), String(onIt), '<none>']);
    await select(worker);
    const cordoned = await d.press('c');
    expect(rowOf(cordoned, `${worker} `)).toMatch(/Ready,SchedulingDisabledΔ?\s+<none>\s+[█░]{8}/);
    const after = d.controller.listFrame(d.controller.screen as ListScreen).rows.find((r) => r.cells[0] === worker)!.cells;
    expect(after[6]).toBe('unschedulable:NoSchedule');
    await d.press('u');
  });
});
