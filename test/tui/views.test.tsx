/** Resource views: command mode, filter, sort, namespaces, drill-down, crumbs, colours and change marks. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDashboard, rowOf, type Dashboard } from './harness.js';

let d: Dashboard;
beforeAll(async () => {
  d = await openDashboard();
});
afterAll(async () => {
  await d.close();
});

/** Back to the pods list of all namespaces, no filter or sort. */
async function home(): Promise<string> {
  d.controller.overlay = undefined;
  return d.press(':', ...'po 0'.split('').map((c) => (c === ' ' ? 'space' : c)), 'enter', '0');
}

describe('command mode', () => {
  const cases: [string, string, string][] = [
    ['po', 'pods', 'RESTARTS'],
    ['deploy', 'deployments', 'UP-TO-DATE'],
    ['rs', 'replicasets', 'DESIRED'],
    ['sts', 'statefulsets', 'READY'],
    ['ds', 'daemonsets', 'NODE SELECTOR'],
    ['jobs', 'jobs', 'COMPLETIONS'],
    ['cj', 'cronjobs', 'SCHEDULE'],
    ['svc', 'services', 'CLUSTER-IP'],
    ['ep', 'endpoints', 'ENDPOINTS'],
    ['no', 'nodes', 'ROLES'],
    ['pv', 'persistentvolumes', 'RECLAIM POLICY'],
    ['pvc', 'persistentvolumeclaims', 'CAPACITY'],
    ['ev', 'events', 'REASON'],
    ['ns', 'namespaces', 'STATUS'],
    ['deployments.apps', 'deployments', 'AVAILABLE'],
  ];
  it.each(cases)(':%s opens the %s view with kubectl\'s columns', async (name, view, column) => {
    await d.press(':');
    const screen = await d.type(name);
    expect(screen).toContain(`:${name}`);
    const after = await d.press('enter');
    expect(after).toContain(` ${view}`);
    expect(after).toContain(column);
    expect(d.controller.screenId()).toBe(view);
  });

  it('Tab completes a view name, and ↑/↓ walk the history', async () => {
    await d.press(':');
    await d.type('stat');
    expect(d.screen()).toContain(':statefulset'); // the suggestion, drawn after the text
    await d.press('tab');
    expect(d.controller.overlay).toMatchObject({ text: 'statefulset' });
    await d.press('enter');
    expect(d.controller.screenId()).toBe('statefulsets');
    await d.press(':', 'up');
    expect(d.controller.overlay).toMatchObject({ text: 'statefulset' });
    await d.press('up');
    expect(d.controller.overlay).toMatchObject({ purpose: 'command' });
    await d.press('down', 'down');
    expect(d.controller.overlay).toMatchObject({ text: '' });
    await d.press('esc');
    expect(d.controller.overlay).toBeUndefined();
  });

  it('an unknown name answers as kubectl does', async () => {
    await d.press(':');
    await d.type('bogus');
    const s = await d.press('enter');
    expect(s).toContain(`error: the server doesn't have a resource type "bogus"`);
  });
});

describe('filter', () => {
  it('/ filters rows by a regex as you type, ! inverts, Esc clears', async () => {
    await home();
    await d.press('/');
    const s = await d.type('nginx');
    expect(rowOf(s, 'my-nginx-')).toBeDefined();
    expect(rowOf(s, 'checkout-')).toBeUndefined();
    expect(s).toContain('filter: nginx');
    await d.press('enter');
    expect(d.controller.overlay).toBeUndefined();
    expect(rowOf(d.screen(), 'checkout-')).toBeUndefined();
    const cleared = await d.press('esc');
    expect(rowOf(cleared, 'checkout-')).toBeDefined();

    await d.press('/');
    const inverted = await d.type('!Running');
    expect(rowOf(inverted, 'my-nginx-')).toBeUndefined();
    expect(rowOf(inverted, 'pi-')).toContain('Completed');
    const esc = await d.press('esc');
    expect(rowOf(esc, 'my-nginx-')).toBeDefined();
  });

  it('-l selects by labels', async () => {
    await home();
    await d.press('/');
    const s = await d.type('-l run=my-nginx');
    const rows = s.split('\n').filter((l) => l.startsWith('default'));
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.includes('my-nginx-'))).toBe(true);
    await d.press('esc');
  });

  it('a regex that does not compile matches literally', async () => {
    await home();
    await d.press('/');
    const s = await d.type('web-[');
    expect(s).toContain('No pods match the filter');
    await d.press('esc');
  });
});

describe('sort', () => {
  const names = (s: string) => s.split('\n').filter((l) => /^(default|kube-system) /.test(l)).map((l) => l.split(/\s+/)[1]!);
  it('N sorts by name, again reverses; A by age; S by status', async () => {
    await home();
    const byName = names(await d.press('N'));
    expect(byName).toEqual([...byName].sort());
    const reversed = names(await d.press('N'));
    expect(reversed).toEqual([...byName].reverse());
    const s = await d.press('A');
    expect(s).toContain('sort: age ↑');
    const ages = names(s);
    // web-2 is the youngest StatefulSet pod (ordered start): it comes before web-0.
    expect(ages.indexOf('web-2')).toBeLessThan(ages.indexOf('web-0'));
    expect(names(await d.press('A')).indexOf('web-2')).toBeGreaterThan(names(d.screen()).indexOf('web-0'));
    const byStatus = (await d.press('S')).split('\n').filter((l) => /^(default|kube-system) /.test(l)).map((l) => l.split(/\s+/)[3]!);
    expect(byStatus).toEqual([...byStatus].sort());
  });
});

describe('namespaces', () => {
  it(':ns NAME switches the namespace, 0 shows all namespaces', async () => {
    await home();
    await d.press(':');
    await d.type('ns');
    await d.press('space');
    await d.type('kube-system');
    const s = await d.press('enter');
    expect(s).toContain('pods(kube-system)');
    expect(rowOf(s, 'fluentd-elasticsearch')).toBeDefined();
    expect(rowOf(s, 'my-nginx')).toBeUndefined();
    expect(s).not.toContain('NAMESPACE');
    const all = await d.press('0');
    expect(all).toContain('pods(all)');
    expect(all).toContain('NAMESPACE');
    expect(rowOf(all, 'my-nginx')).toBeDefined();
  });

  it('Enter on a namespace opens its pods', async () => {
    await d.type(':ns\r');
    const rows = d.screen().split('\n');
    const target = rows.findIndex((l) => l.startsWith('kube-system'));
    const first = rows.findIndex((l) => l.startsWith('default'));
    for (let i = first; i < target; i++) await d.press('j');
    const s = await d.press('enter');
    expect(s).toContain('pods(kube-system)');
    await d.press('0');
  });
});

describe('navigation and drill-down', () => {
  it('j/k, arrows, PgUp/PgDn, g/G move the selection', async () => {
    await home();
    const c = d.controller;
    const sel = () => c.selectedObject()?.metadata.name;
    const first = sel();
    await d.press('j');
    const second = sel();
    expect(second).not.toBe(first);
    await d.press('down', 'up', 'k');
    expect(sel()).toBe(first);
    await d.press('G');
    const last = sel();
    await d.press('g');
    expect(sel()).toBe(first);
    await d.press('pgdn');
    expect(sel()).toBe(last); // fewer rows than a page
    await d.press('pgup');
    expect(sel()).toBe(first);
    await d.press('end');
    expect(sel()).toBe(last);
    await d.press('home');
    expect(sel()).toBe(first);
  });

  async function select(name: string): Promise<void> {
    await d.press('g');
    for (let i = 0; i < 50 && d.controller.selectedObject()?.metadata.name !== name; i++) await d.press('j');
    expect(d.controller.selectedObject()?.metadata.name).toBe(name);
  }

  it('deployment -> its pods, Esc back, with a crumb trail', async () => {
    await d.type(':deploy\r');
    await select('my-nginx');
    const s = await d.press('enter');
    expect(s).toMatch(/deployments\(all\) ›\s+pods\(deploy\/my-nginx\)/);
    const rows = s.split('\n').filter((l) => /^\S+-\S+\s+\d+\/\d+/.test(l));
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.startsWith('my-nginx-'))).toBe(true);
    const back = await d.press('esc');
    expect(back).toContain(' deployments(all) ');
    expect(back).not.toContain('›');
  });

  it('node -> its pods', async () => {
    await d.type(':no\r');
    await select('kubedeck-control-plane');
    const s = await d.press('enter');
    expect(s).toContain('pods(node/kubedeck-control-plane)');
    const rows = s.split('\n').filter((l) => /^(default|kube-system) /.test(l));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.includes('fluentd') || r.includes('logging'))).toBe(true);
    await d.press('esc');
  });

  it('job -> its pods', async () => {
    await d.type(':jobs\r');
    await select('pi');
    const s = await d.press('enter');
    expect(s).toContain('pods(job/pi)');
    expect(rowOf(s, 'pi-')).toContain('Completed');
    await d.press('esc');
  });

  it('service -> the pods behind its endpoints', async () => {
    await d.type(':svc\r');
    await select('my-nginx');
    const s = await d.press('enter');
    expect(s).toContain('pods(svc/my-nginx endpoints)');
    expect(s.split('\n').filter((l) => l.startsWith('my-nginx-'))).toHaveLength(2);
    await d.press('esc');
  });
});

describe('colours and change marks', () => {
  it('rows read at a glance: pending orange, failing red, completed grey, terminating purple', async () => {
    await home();
    const frame = d.controller.listFrame(d.controller.screen as never);
    const tone = (name: string) => frame.rows.find((r) => r.cells.some((c) => c.startsWith(name)))?.tone;
    expect(tone('my-nginx-')).toBe('ok');
    expect(tone('too-big')).toBe('pending');
    expect(tone('crashloop')).toBe('error');
    expect(tone('bad-image')).toBe('error');
    expect(tone('pi-')).toBe('done');
    d.cluster.delete('Pod', 'default', 'web-1');
    await d.advance(0);
    const after = d.controller.listFrame(d.controller.screen as never);
    expect(after.rows.find((r) => r.cells.includes('web-1'))?.tone).toBe('terminating');
  });

  it('a cell that changed is marked ↑, ↓ or Δ', async () => {
    await d.type(':deploy\r');
    d.source.actions.scale({ kind: 'Deployment', namespace: 'default', name: 'my-nginx' }, 4);
    const s = await d.advance(1000);
    expect(rowOf(s, 'my-nginx')).toMatch(/\/4\s*Δ/);
    const up = await d.advance(30_000);
    expect(rowOf(up, 'my-nginx')).toMatch(/4\/4\s*↑/);
    d.source.actions.scale({ kind: 'Deployment', namespace: 'default', name: 'my-nginx' }, 3);
    const down = await d.advance(30_000);
    expect(rowOf(down, 'my-nginx')).toMatch(/3\/3\s*↓/);
    d.source.actions.scale({ kind: 'Deployment', namespace: 'default', name: 'my-nginx' }, 2);
    await d.advance(30_000);
  });
});
