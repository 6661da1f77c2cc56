/** Every action of the keymap, pressed as a user would, with what the screen answers. */
import { Text } from 'ink';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_BINDINGS } from '../../src/tui/keymap.js';
import { registerPanel } from '../../src/tui/panels.js';
import { openDashboard, rowOf, type Dashboard } from './harness.js';

let d: Dashboard;
const pressed = new Set<string>();
const editor = vi.fn();

beforeAll(async () => {
  d = await openDashboard({ openEditor: editor });
  const run = d.controller.run.bind(d.controller);
  d.controller.run = (action: string) => {
    pressed.add(action);
    run(action);
  };
});
afterAll(async () => {
  await d.close();
  const all = new Set(Object.values(DEFAULT_BINDINGS).flatMap((b) => Object.keys(b)));
  expect([...all].filter((a) => !pressed.has(a))).toEqual([]);
});
beforeEach(() => {
  d.controller.overlay = undefined;
  d.controller.toasts = [];
});

async function view(name: string): Promise<void> {
  await d.press(':');
  await d.type(name);
  await d.press('enter');
}

async function select(name: string): Promise<void> {
  await d.press('g');
  for (let i = 0; i < 60 && !d.controller.selectedObject()?.metadata.name?.startsWith(name); i++) await d.press('j');
  expect(d.controller.selectedObject()?.metadata.name).toMatch(new RegExp(`^${name}`));
}

const toast = () => d.controller.toasts.map((t) => t.text).join('\n');

describe('global keys', () => {
  it('? shows the keys of the current screen, Esc closes it', async () => {
    await view('deploy');
    const s = await d.press('?');
    expect(s).toContain('Keys of this screen (deployments)');
    expect(s).toMatch(/<s>\s+scale/);
    expect(s).toMatch(/<ctrl-d>\s+delete/);
    const closed = await d.press('esc');
    expect(closed).not.toContain('Keys of this screen');
  });

  it('Space pauses and resumes the clock, . steps, + and - change the speed', async () => {
    const sim = d.source.simulation!;
    const s = await d.press('space');
    expect(sim.paused()).toBe(true);
    expect(s).toContain('PAUSED');
    const before = sim.now();
    await d.press('.');
    expect(sim.now()).toBeGreaterThan(before);
    expect(sim.now() - before).toBeLessThanOrEqual(1000);
    expect(await d.press('+')).toContain('speed 2×');
    expect(await d.press('-', '-')).toContain('speed 0.5×');
    await d.press('+');
    const resumed = await d.press('space');
    expect(sim.paused()).toBe(false);
    expect(resumed).not.toContain('PAUSED');
  });

  it(': then Esc leaves command mode; Esc on a list clears its filter, then goes back', async () => {
    await view('po');
    await d.press(':');
    expect(d.controller.overlay?.type).toBe('prompt');
    await d.press('esc');
    expect(d.controller.overlay).toBeUndefined();
    await d.press('/');
    await d.type('nginx');
    await d.press('enter');
    await d.press('esc');
    expect(d.controller.screen).toMatchObject({ filter: '' });
  });
});

describe('pods', () => {
  it('d describes, y shows live YAML, both scroll; Esc goes back', async () => {
    await view('po');
    await select('my-nginx');
    const s = await d.press('d');
    expect(s).toContain('Name:');
    expect(s).toContain('Controlled By:  ReplicaSet/my-nginx-');
    expect(s).toMatch(/describe my-nginx-/);
    const down = await d.press('j', 'down', 'pgdn');
    expect(down).not.toMatch(/^Name:/m);
    await d.press('k', 'up', 'pgup', 'g');
    expect(d.screen()).toMatch(/^Name:/m);
    await d.press('G');
    expect(d.screen()).toContain('Events:');
    const y = await d.press('y');
    expect(y).toContain('apiVersion: v1');
    expect(y).toContain('kind: Pod');
    expect(d.controller.screens).toHaveLength(2); // y on a detail replaces it
    await d.press('home', 'end');
    const back = await d.press('esc');
    expect(back).toContain('pods(all)');
  });

  it('l shows the logs and follows them; f stops following, G follows again', async () => {
    await view('po');
    await select('liveness-exec');
    const s = await d.press('l');
    expect(s).toContain('logs liveness-exec');
    expect(d.controller.screen).toMatchObject({ type: 'logs', follow: true });
    await d.press('f');
    expect(d.controller.screen).toMatchObject({ follow: false });
    await d.press('G');
    expect(d.controller.screen).toMatchObject({ follow: true });
    await d.press('f', 'f');
    await d.press('esc');
  });

  it('e opens the manifest file in the editor at the object\'s line', async () => {
    await view('deploy');
    await select('my-nginx');
    await d.press('e');
    expect(editor).toHaveBeenCalledWith(expect.stringMatching(/01-web\/my-nginx\.yaml$/), 14);
    await view('po');
    await select('my-nginx');
    await d.press('e');
    expect(toast()).toContain('no manifest file declares pod/my-nginx-');
  });

  it('ctrl-k kills a pod after asking; its ReplicaSet replaces it', async () => {
    await view('po');
    await select('my-nginx');
    const name = d.controller.selectedObject()!.metadata.name!;
    const s = await d.press('ctrl-k');
    expect(s).toContain(`Kill pod default/${name}?`);
    await d.press('esc');
    expect(d.cluster.get('Pod', 'default', name)).toBeDefined();
    await d.press('ctrl-k', 'y');
    expect(toast()).toContain(`pod "${name}" force deleted`);
    expect(d.cluster.get('Pod', 'default', name)).toBeUndefined();
    await d.advance(30_000);
  });

  it('ctrl-d asks with the focus on Cancel, offers the propagation, then deletes', async () => {
    await view('po');
    await select('readiness-http');
    const s = await d.press('ctrl-d');
    expect(s).toContain('Delete pod default/readiness-http?');
    expect(s).toContain('▶ Cancel ◀');
    expect(s).toContain('(•) Background');
    await d.press('enter');
    expect(d.controller.overlay).toBeUndefined();
    expect(d.cluster.get('Pod', 'default', 'readiness-http')?.metadata.deletionTimestamp).toBeUndefined();
    await d.press('ctrl-d', 'down');
    expect(d.screen()).toContain('(•) Foreground');
    await d.press('right');
    expect(d.screen()).toContain('▶ Delete ◀');
    await d.press('enter');
    expect(toast()).toContain('pod "readiness-http" deleted');
    expect(d.cluster.get('Pod', 'default', 'readiness-http')?.metadata.deletionTimestamp).toBeDefined();
    expect(rowOf(await d.advance(0), 'readiness-http')).toContain('Terminating');
  });

  it('p, w open the probes and why panels once registered (the panel slot)', async () => {
    await view('po');
    await select('slow-start');
    await d.press('p');
    expect(toast()).toContain('the probes panel is not available yet');
    await d.press('w');
    expect(toast()).toContain('the why panel is not available yet');
    registerPanel({ id: 'probes', action: 'probes', title: 'Probes', kinds: ['Pod'], render: ({ target }) => <Text>PROBES OF {target.name}</Text> });
    const s = await d.press('p');
    expect(s).toContain('PROBES OF slow-start');
    expect(s).toContain('probes slow-start');
    await d.press('esc');
  });
});

describe('workloads', () => {
  it('s scales with a prompt prefilled with the current count', async () => {
    await view('deploy');
    await select('my-nginx');
    const s = await d.press('s');
    expect(s).toContain('Scale deployment my-nginx to (replicas): 2');
    await d.type('3\r');
    expect(toast()).toContain('deployment.apps/my-nginx scaled');
    expect(rowOf(await d.advance(30_000), 'my-nginx')).toMatch(/3\/3/);
    await d.type('sx\r');
    expect(d.controller.toasts.at(-1)).toMatchObject({ level: 'error', text: 'error: replicas must be a whole number >= 0' });
  });

  it('i sets the image; u undoes after a confirm naming the revisions and the image change', async () => {
    await view('deploy');
    await select('my-nginx');
    const s = await d.press('i');
    expect(s).toContain('Set image of deployment my-nginx, container my-nginx: nginx');
    await d.type('nginx:1.27');
    await d.press('enter');
    expect(toast()).toContain('deployment.apps/my-nginx image updated');
    await d.advance(60_000);
    const dialog = await d.press('u');
    expect(dialog).toContain('Undo the rollout of deployment my-nginx?');
    expect(dialog).toContain('from revision 2 to revision 1');
    expect(dialog).toContain('image my-nginx: nginx:1.27 -> nginx');
    expect(dialog).toContain('▶ Cancel ◀');
    await d.press('right', 'enter');
    expect(toast()).toContain('deployment.apps/my-nginx rolled back');
    await d.advance(60_000);
    expect(d.cluster.get('Deployment', 'default', 'my-nginx')!.spec.template.spec.containers[0]!.image).toBe('nginx');
  });

  it('r restarts a rollout; o opens the rollout panel slot', async () => {
    await view('deploy');
    await select('my-nginx');
    await d.press('r');
    expect(toast()).toContain('deployment.apps/my-nginx restarted');
    await d.press('o');
    expect(toast()).toContain('the rollout panel is not available yet');
    await d.advance(60_000);
  });
});

describe('nodes', () => {
  it('c cordons, u uncordons', async () => {
    await view('no');
    await select('kubedeck-worker3');
    expect(rowOf(await d.press('c'), 'kubedeck-worker3')).toContain('Ready,SchedulingDisabled');
    expect(toast()).toContain('node/kubedeck-worker3 cordoned');
    expect(rowOf(await d.press('u'), 'kubedeck-worker3')).not.toContain('SchedulingDisabled');
    expect(toast()).toContain('node/kubedeck-worker3 uncordoned');
  });

  it('r asks for drain options, then shows the drain as it goes', async () => {
    await view('no');
    await select('kubedeck-worker2');
    const s = await d.press('r');
    expect(s).toContain('Drain node kubedeck-worker2');
    expect(s).toContain('[x] --ignore-daemonsets');
    expect(s).toContain('[ ] --force');
    await d.press('down', 'down', 'space');
    expect(d.screen()).toContain('[x] --force');
    await d.press('enter');
    expect(d.screen()).toContain('kubectl drain kubedeck-worker2');
    expect(d.screen()).toContain('node/kubedeck-worker2 cordoned');
    const done = await d.advance(60_000);
    expect(done).toContain('node/kubedeck-worker2 drained');
    await d.press('esc');
    expect(toast()).toContain('node/kubedeck-worker2 drained');
    await d.press('u');
  });

  it('x fails a node and recovers it', async () => {
    await view('no');
    await select('kubedeck-worker');
    await d.press('x');
    expect(toast()).toContain('node/kubedeck-worker failed');
    expect(rowOf(await d.advance(60_000), 'kubedeck-worker ')).toContain('NotReady');
    await d.press('x');
    expect(toast()).toContain('node/kubedeck-worker recovered');
    expect(rowOf(await d.advance(1000), 'kubedeck-worker ')).toMatch(/kubedeck-worker\s+Ready/);
  });
});

describe('navigation and quitting', () => {
  it('arrows, j/k, pages, g/G, Enter, filter, sorts and 0 work on a list', async () => {
    await view('po');
    await d.press('N', 'A', 'S', '0', 'ctrl-f', 'ctrl-b', 'G', 'g', 'end', 'home');
    await d.press('/', 'x', 'enter', 'esc');
    await view('deploy');
    await select('my-nginx');
    await d.press('enter');
    expect(d.screen()).toContain('pods(deploy/my-nginx)');
    await d.press('esc');
  });

  it('q quits, and so do :q and Ctrl-C', async () => {
    const quit = vi.fn();
    (d.controller as unknown as { options: { onQuit: () => void } }).options.onQuit = quit;
    await d.press('q');
    expect(quit).toHaveBeenCalledTimes(1);
    d.controller.quitting = false;
    await d.type(':q\r');
    expect(quit).toHaveBeenCalledTimes(2);
    d.controller.quitting = false;
    await d.press('ctrl-c');
    expect(quit).toHaveBeenCalledTimes(3);
    d.controller.quitting = false;
  });
});
