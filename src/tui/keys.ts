/** Key names: what Ink reports for a key press, as one string the keymap can look up (`ctrl-d`, `N`, `pgdn`). */

/** The subset of Ink's Key the dashboard reads. */
export interface InkKey {
  upArrow: boolean;
  downArrow: boolean;
  leftArrow: boolean;
  rightArrow: boolean;
  pageDown: boolean;
  pageUp: boolean;
  home?: boolean;
  end?: boolean;
  return: boolean;
  escape: boolean;
  ctrl: boolean;
  shift: boolean;
  tab: boolean;
  backspace: boolean;
  delete: boolean;
  meta: boolean;
}

const NAMED: Record<string, string> = {
  ' ': 'space',
  '\r': 'enter',
  '\n': 'enter',
  '\t': 'tab',
  '\x7f': 'backspace',
  '\b': 'backspace',
  '\x1b': 'esc',
};

/** The key names a user may write in a keymap file, besides single characters. */
export const SPECIAL_KEYS = [
  'space', 'enter', 'esc', 'tab', 'shift-tab', 'up', 'down', 'left', 'right', 'pgup', 'pgdn', 'home', 'end', 'backspace', 'delete',
] as const;

/** One key name per press; undefined for what the dashboard ignores. A pasted string gives several names. */
export function keyNames(input: string, key: InkKey): string[] {
  if (key.upArrow) return ['up'];
  if (key.downArrow) return ['down'];
  if (key.leftArrow) return ['left'];
  if (key.rightArrow) return ['right'];
  if (key.pageUp) return ['pgup'];
  if (key.pageDown) return ['pgdn'];
  if (key.home) return ['home'];
  if (key.end) return ['end'];
  if (key.return) return ['enter'];
  if (key.tab) return [key.shift ? 'shift-tab' : 'tab'];
  if (key.backspace || key.delete) return ['backspace'];
  if (key.escape && input === '') return ['esc'];
  if (key.ctrl && input.length === 1) return [`ctrl-${input.toLowerCase()}`];
  if (input === '') return [];
  return [...input].map((ch) => NAMED[ch] ?? ch);
}

/** `shift-n` and `N` are the same key; `Ctrl-D` is `ctrl-d`; `Esc`/`escape` is `esc`; `return` is `enter`. */
export function normalizeKeyName(name: string): string | undefined {
  const n = name.trim();
  if (n.length === 1) return n === ' ' ? 'space' : n;
  const lower = n.toLowerCase();
  const aliases: Record<string, string> = { escape: 'esc', return: 'enter', pageup: 'pgup', pagedown: 'pgdn', 'page-up': 'pgup', 'page-down': 'pgdn', del: 'delete' };
  if (aliases[lower]) return aliases[lower];
  if ((SPECIAL_KEYS as readonly string[]).includes(lower)) return lower;
  const ctrl = /^(?:ctrl|control|c)[-+]([a-z])$/.exec(lower);
  if (ctrl) return `ctrl-${ctrl[1]}`;
  const shift = /^shift[-+]([a-z])$/.exec(lower);
  if (shift) return shift[1]!.toUpperCase();
  return undefined;
}

/** How a key is shown in hints and help: `<ctrl-d>`, `<N>`, `<space>`. */
export const showKey = (k: string): string => `<${k}>`;
