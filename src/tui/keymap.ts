/**
 * The one central keymap: for each screen, which key runs which action. It also draws the hint bar and the `?` help,
 * can be remapped from a file (`--keymap FILE`), and drops every dangerous action under `--readonly`.
 *
 * Sections: `global` (every screen), `list` (every resource list), `detail` (describe, YAML, logs, panels), then one
 * per view id (`pods`, `deployments`, `nodes`, ...) or panel id. A screen's keymap is global + list|detail + its own.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { normalizeKeyName } from './keys.js';

export interface ActionSpec {
  /** Short label in the hint bar. */
  hint: string;
  /** One line in the help screen. */
  help: string;
  /** Changes the cluster or its files: removed by --readonly. */
  dangerous?: boolean;
  /** Shown in the hint bar (otherwise only in help). */
  hinted?: boolean;
}

export const ACTIONS: Record<string, ActionSpec> = {
  quit: { hint: 'quit', help: 'quit kubedeck (also :q, Ctrl-C)' },
  help: { hint: 'help', help: 'this help', hinted: true },
  command: { hint: 'view', help: 'command mode: a resource name (:po, :deploy, :no...), :ns NAME, :q', hinted: true },
  back: { hint: 'back', help: 'back (or clear the filter)', hinted: true },
  pause: { hint: 'pause', help: 'pause or resume the simulated clock', hinted: true },
  faster: { hint: 'faster', help: 'simulate faster' },
  slower: { hint: 'slower', help: 'simulate slower' },
  step: { hint: 'step', help: 'one step of simulated time while paused' },
  up: { hint: 'up', help: 'move up' },
  down: { hint: 'down', help: 'move down' },
  pageUp: { hint: 'page up', help: 'one page up' },
  pageDown: { hint: 'page down', help: 'one page down' },
  top: { hint: 'top', help: 'to the top' },
  bottom: { hint: 'bottom', help: 'to the bottom (logs: follow again)' },
  enter: { hint: 'open', help: 'drill down: deployment/job/node/service -> pods, namespace -> its pods', hinted: true },
  filter: { hint: 'filter', help: 'filter: a regex over the row, !regex inverts, -l app=web selects labels', hinted: true },
  sortName: { hint: 'sort name', help: 'sort by name (again: reverse)' },
  sortAge: { hint: 'sort age', help: 'sort by age (again: reverse)' },
  sortStatus: { hint: 'sort status', help: 'sort by status (again: reverse)' },
  allNamespaces: { hint: 'all ns', help: 'all namespaces' },
  describe: { hint: 'describe', help: 'describe (kubectl describe)', hinted: true },
  yaml: { hint: 'yaml', help: 'live YAML', hinted: true },
  edit: { hint: 'edit', help: "open the object's manifest file in $EDITOR at its line", dangerous: true },
  delete: { hint: 'delete', help: 'delete (asks; choose the propagation)', dangerous: true, hinted: true },
  logs: { hint: 'logs', help: 'logs of the first container (follows)', hinted: true },
  kill: { hint: 'kill', help: 'kill the pod (force delete, grace period 0)', dangerous: true, hinted: true },
  probes: { hint: 'probes', help: 'probes panel', hinted: true },
  why: { hint: 'why', help: 'why pending: every node\'s scheduler verdict' },
  scale: { hint: 'scale', help: 'scale (prompt prefilled with the current count)', dangerous: true, hinted: true },
  undo: { hint: 'undo', help: 'undo the rollout to the previous revision (asks)', dangerous: true, hinted: true },
  restart: { hint: 'restart', help: 'rollout restart', dangerous: true, hinted: true },
  setImage: { hint: 'image', help: 'set image', dangerous: true, hinted: true },
  rollout: { hint: 'rollout', help: 'rollout panel' },
  cordon: { hint: 'cordon', help: 'cordon the node', dangerous: true, hinted: true },
  uncordon: { hint: 'uncordon', help: 'uncordon the node', dangerous: true, hinted: true },
  drain: { hint: 'drain', help: 'drain the node (asks for kubectl drain options, shows progress)', dangerous: true, hinted: true },
  failNode: { hint: 'fail/recover', help: 'fail or recover the node (its kubelet stops or comes back)', dangerous: true, hinted: true },
  follow: { hint: 'follow', help: 'logs: follow on/off' },
};

export type Bindings = Record<string, string[]>;

export const DEFAULT_BINDINGS: Record<string, Bindings> = {
  global: {
    quit: ['q'], help: ['?'], command: [':'], back: ['esc'], pause: ['space'], faster: ['+'], slower: ['-'], step: ['.'],
  },
  list: {
    up: ['up', 'k'], down: ['down', 'j'], pageUp: ['pgup', 'ctrl-b'], pageDown: ['pgdn', 'ctrl-f'], top: ['g', 'home'], bottom: ['G', 'end'],
    enter: ['enter'], filter: ['/'], sortName: ['N'], sortAge: ['A'], sortStatus: ['S'], allNamespaces: ['0'],
    describe: ['d'], yaml: ['y'], edit: ['e'], delete: ['ctrl-d'],
  },
  detail: {
    up: ['up', 'k'], down: ['down', 'j'], pageUp: ['pgup', 'ctrl-b'], pageDown: ['pgdn', 'ctrl-f'], top: ['g', 'home'], bottom: ['G', 'end'],
    describe: ['d'], yaml: ['y'], edit: ['e'],
  },
  pods: { logs: ['l'], kill: ['ctrl-k'], probes: ['p'], why: ['w'] },
  deployments: { scale: ['s'], undo: ['u'], restart: ['r'], setImage: ['i'], rollout: ['o'] },
  replicasets: { scale: ['s'], setImage: ['i'] },
  statefulsets: { scale: ['s'], undo: ['u'], restart: ['r'], setImage: ['i'], rollout: ['o'] },
  daemonsets: { undo: ['u'], restart: ['r'], setImage: ['i'], rollout: ['o'] },
  nodes: { cordon: ['c'], uncordon: ['u'], drain: ['r'], failNode: ['x'] },
  logs: { follow: ['f'] },
};

/** A user's keymap file: section -> action -> key or keys. */
export type UserKeymap = Record<string, Record<string, string | string[]>>;

export class KeymapError extends Error {}

export interface Binding {
  action: string;
  keys: string[];
}

export interface Keymap {
  /** The screen this keymap is for (`pods`, `describe`, a panel id). */
  screen: string;
  bindings: Binding[];
  actionFor(key: string): string | undefined;
  keysOf(action: string): string[];
}

export interface KeymapOptions {
  user?: UserKeymap | undefined;
  readonly?: boolean;
}

/** Registers a section's default bindings (the panels use this to add their actions and keys). */
export function registerBindings(section: string, bindings: Bindings, specs: Record<string, ActionSpec> = {}): void {
  Object.assign(ACTIONS, specs);
  DEFAULT_BINDINGS[section] = { ...(DEFAULT_BINDINGS[section] ?? {}), ...bindings };
}

/** The keymap of one screen: `sections` in order (later wins), user remaps applied per section, then --readonly. */
export function buildKeymap(screen: string, sections: readonly string[], options: KeymapOptions = {}): Keymap {
  const order: string[] = [];
  const keys = new Map<string, string[]>();
  for (const section of sections) {
    for (const [action, ks] of Object.entries(DEFAULT_BINDINGS[section] ?? {})) {
      if (!keys.has(action)) order.push(action);
      keys.set(action, [...ks]);
    }
  }
  for (const section of sections) {
    for (const [action, ks] of Object.entries(options.user?.[section] ?? {})) {
      if (keys.has(action)) keys.set(action, (Array.isArray(ks) ? ks : [ks]).map((k) => normalizeKeyName(k)!));
    }
  }
  const byKey = new Map<string, string>();
  // A key remapped to an action takes it from whichever action had it: the last writer (user, then view) wins.
  for (const action of order) {
    if (options.readonly && ACTIONS[action]?.dangerous) continue;
    for (const k of keys.get(action)!) byKey.set(k, action);
  }
  const bindings = order
    .filter((a) => !(options.readonly && ACTIONS[a]?.dangerous))
    .map((action) => ({ action, keys: keys.get(action)!.filter((k) => byKey.get(k) === action) }))
    .filter((b) => b.keys.length > 0);
  return {
    screen,
    bindings,
    actionFor: (key) => byKey.get(key),
    keysOf: (action) => bindings.find((b) => b.action === action)?.keys ?? [],
  };
}

/** Checks a parsed keymap file: known sections, actions and key names. */
export function validateUserKeymap(data: unknown, sections: readonly string[]): UserKeymap {
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new KeymapError('a keymap file is a mapping: section -> action -> key');
  const out: UserKeymap = {};
  for (const [section, actions] of Object.entries(data as Record<string, unknown>)) {
    if (!sections.includes(section)) throw new KeymapError(`unknown section "${section}" (sections: ${sections.join(', ')})`);
    if (typeof actions !== 'object' || actions === null || Array.isArray(actions)) throw new KeymapError(`${section}: expected action: key`);
    out[section] = {};
    for (const [action, value] of Object.entries(actions as Record<string, unknown>)) {
      if (!ACTIONS[action]) throw new KeymapError(`${section}.${action}: unknown action (actions: ${Object.keys(ACTIONS).join(', ')})`);
      const list = Array.isArray(value) ? value : [value];
      for (const k of list) {
        if (typeof k !== 'string' && typeof k !== 'number') throw new KeymapError(`${section}.${action}: a key is a string, e.g. "ctrl-d" or "D"`);
        if (normalizeKeyName(String(k)) === undefined) throw new KeymapError(`${section}.${action}: unknown key "${k}"`);
      }
      out[section]![action] = list.map((k) => normalizeKeyName(String(k))!);
    }
  }
  return out;
}

export function loadKeymapFile(path: string, sections: readonly string[]): UserKeymap {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new KeymapError(`cannot read keymap ${path}: ${(e as Error).message}`);
  }
  try {
    return validateUserKeymap(parseYaml(text), sections);
  } catch (e) {
    throw new KeymapError(`${path}: ${(e as Error).message}`);
  }
}
