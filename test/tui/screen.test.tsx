/** The screen as a whole: read-only mode, remapped keys, the reload banner, a terminal too small, the frame budget. */
import { describe, expect, it } from 'vitest';
import { buildKeymap, KeymapError, validateUserKeymap } from '../../src/tui/keymap.js';
import { keyNames } from '../../src/tui/keys.js';
import { DashboardController } from '../../src/tui/controller.js';
import { frame, openDashboard, rowOf } from './harness.js';

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;

describe('read-only', () => {
  it('--readonly removes every action that changes the cluster, from the keys, the hints and the help', async () => {
    const d = await openDashboard({ files: { 'web.yaml': WEB }, readonly: true, settle: 30_000 });
    try {
      await d.press(':');
      await d.type('deploy');
      const s = await d.press('enter');
      expect(s).toContain('[read-only]');
      expect(s).not.toContain('<s>scale');
      await d.press('s', 'ctrl-d', 'u', 'r', 'i', 'e');
      expect(d.controller.overlay).toBeUndefined();
      expect(d.cluster.get('Deployment', 'default', 'web')!.spec.replicas).toBe(2);
      const help = await d.press('?');
      expect(help).toContain('read-only');
      expect(help).toContain('describe');
      expect(help).not.toMatch(/<s>\s+scale/);
      await d.press('esc', 'd');
      expect(d.screen()).toMatch(/Name:\s+web/);
    } finally {
      await d.close();
    }
  });
});

describe('--yes', () => {
  it('ctrl-k kills without asking', async () => {
    const d = await openDashboard({ files: { 'web.yaml': WEB }, yes: true, settle: 30_000 });
    try {
      await d.press('g');
      const name = d.controller.selectedObject()!.metadata.name!;
      await d.press('ctrl-k');
      expect(d.controller.overlay).toBeUndefined();
      expect(d.screen()).toContain(`pod "${name}" force deleted`);
      expect(d.cluster.get('Pod', 'default', name)).toBeUndefined();
    } finally {
      await d.close();
    }
  });
});

describe('keymap file', () => {
  const sections = DashboardController.keymapSections();

  it('remaps an action per view; the key it takes leaves the action that had it', () => {
    const user = validateUserKeymap({ deployments: { scale: 'S' }, global: { quit: ['ctrl-q', 'Q'] } }, sections);
    const km = buildKeymap('deployments', ['global', 'list', 'deployments'], { user });
    expect(km.actionFor('S')).toBe('scale');
    expect(km.actionFor('s')).toBeUndefined();
    expect(km.keysOf('sortStatus')).toEqual([]);
    expect(km.actionFor('ctrl-q')).toBe('quit');
    expect(km.actionFor('q')).toBeUndefined();
    expect(buildKeymap('pods', ['global', 'list', 'pods'], { user }).actionFor('S')).toBe('sortStatus');
  });

  it('names what is wrong in a keymap file', () => {
    expect(() => validateUserKeymap({ podz: { kill: 'k' } }, sections)).toThrow(KeymapError);
    expect(() => validateUserKeymap({ pods: { explode: 'k' } }, sections)).toThrow(/pods.explode: unknown action/);
    expect(() => validateUserKeymap({ pods: { kill: 'hyper-k' } }, sections)).toThrow(/unknown key "hyper-k"/);
    expect(validateUserKeymap({ nodes: { drain: 'shift-d', cordon: 'Control-C' } }, sections)).toEqual({ nodes: { drain: ['D'], cordon: ['ctrl-c'] } });
  });

  it('the dashboard follows the remapped keys and hints them', async () => {
    const d = await openDashboard({ files: { 'web.yaml': WEB }, keymap: { deployments: { scale: 'S' } }, settle: 30_000 });
    try {
      await d.press(':');
      await d.type('deploy');
      const s = await d.press('enter');
      expect(s).toContain('<S>scale');
      const prompt = await d.press('S');
      expect(prompt).toContain('Scale deployment web to (replicas): 2');
      await d.press('esc');
    } finally {
      await d.close();
    }
  });

  it('reads key names from Ink key presses', () => {
    const none = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false };
    expect(keyNames('d', { ...none, ctrl: true })).toEqual(['ctrl-d']);
    expect(keyNames('N', { ...none, shift: true })).toEqual(['N']);
    expect(keyNames(':po\r', none)).toEqual([':', 'p', 'o', 'enter']);
    expect(keyNames('', { ...none, pageDown: true })).toEqual(['pgdn']);
    expect(keyNames(' ', none)).toEqual(['space']);
  });
});

describe('live reload', () => {
  it('a saved file shows on screen; a broken one raises a banner with file, line and message until fixed', async () => {
    const d = await openDashboard({ files: { 'web.yaml': WEB }, settle: 30_000 });
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    try {
      await d.press(':');
      await d.type('deploy');
      expect(rowOf(await d.press('enter'), 'web')).toMatch(/2\/2/);
      writeFileSync(join(d.dir!, 'web.yaml'), WEB.replace('replicas: 2', 'replicas: 3'));
      await d.reload();
      expect(rowOf(await d.advance(30_000), 'web')).toMatch(/3\/3/);
      writeFileSync(join(d.dir!, 'web.yaml'), WEB.replace('replicas: 2', 'replicas: three'));
      const broken = await d.reload();
      expect(broken).toContain('1 manifest error: the cluster keeps the last good version until fixed');
      expect(broken).toMatch(/web\.yaml:6:3: error validating/);
      expect(broken).toContain('ValidationError(Deployment.spec.replicas)');
      expect(broken).toContain('1 error');
      expect(rowOf(await d.advance(10_000), ' web ')).toMatch(/3\/3/);
      writeFileSync(join(d.dir!, 'web.yaml'), WEB);
      const fixed = await d.reload();
      expect(fixed).not.toContain('manifest error');
      expect(rowOf(await d.advance(30_000), ' web ')).toMatch(/2\/2/);
    } finally {
      await d.close();
    }
  });
});

describe('terminal size', () => {
  it('below 80×20 it says the terminal is too small, and reflows when it grows', async () => {
    const d = await openDashboard({ files: { 'web.yaml': WEB }, settle: 30_000 });
    try {
      d.controller.size = { columns: 70, rows: 18 };
      d.controller.store.publish();
      await frame();
      expect(d.screen()).toContain('Terminal too small: 70×18.');
      expect(d.screen()).toContain('at least 80×20');
      d.controller.size = { columns: 100, rows: 30 };
      d.controller.store.publish();
      await frame();
      expect(d.screen()).toContain('pods(all)');
      expect(d.screen().split('\n').length).toBeLessThanOrEqual(29);
    } finally {
      await d.close();
    }
  });
});

describe('frames', () => {
  it('engine changes are coalesced: many writes, one publish per frame', async () => {
    const d = await openDashboard({ files: { 'web.yaml': WEB }, settle: 30_000 });
    try {
      const before = d.controller.store.publishes;
      for (let i = 0; i < 20; i++) d.source.actions.scale({ kind: 'Deployment', namespace: 'default', name: 'web' }, 2 + (i % 3));
      await frame();
      expect(d.controller.store.publishes - before).toBe(1);
    } finally {
      await d.close();
    }
  });
});
