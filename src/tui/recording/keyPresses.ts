/**
 * Keys as a scenario writes them (`":deploy⏎"`, `"s3<enter>"`, `"<ctrl-d>"`) and the bytes a terminal sends for
 * each, so a recording types into the dashboard exactly as a person at a keyboard would.
 */
import { normalizeKeyName, SPECIAL_KEYS } from '../keys.js';

export interface KeyPress {
  /** The keymap's name for the key: `j`, `enter`, `ctrl-d`. */
  name: string;
  /** What the terminal sends. */
  bytes: string;
}

const SEQUENCES: Record<string, string> = {
  enter: '\r', esc: '\x1b', tab: '\t', 'shift-tab': '\x1b[Z', backspace: '\x7f', delete: '\x1b[3~', space: ' ',
  up: '\x1b[A', down: '\x1b[B', right: '\x1b[C', left: '\x1b[D', pgup: '\x1b[5~', pgdn: '\x1b[6~', home: '\x1b[H', end: '\x1b[F',
};

/** Glyphs that stand for a key, so a step reads like what is typed: `:deploy⏎`. */
const GLYPHS: Record<string, string> = { '⏎': 'enter', '⎋': 'esc', '⇥': 'tab', '⌫': 'backspace', '↑': 'up', '↓': 'down', '←': 'left', '→': 'right' };

/** The bytes a terminal sends for a key name (`ctrl-d`, `enter`, `N`). */
export function bytesOf(name: string): string {
  const seq = SEQUENCES[name];
  if (seq !== undefined) return seq;
  const ctrl = /^ctrl-([a-z])$/.exec(name);
  if (ctrl) return String.fromCharCode(ctrl[1]!.charCodeAt(0) - 96);
  return name;
}

/** Splits a `keys:` string into presses; `<name>` is a named key (`<enter>`, `<ctrl-d>`), `<lt>` a literal `<`. */
export function parseKeys(text: string): KeyPress[] {
  const presses: KeyPress[] = [];
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (GLYPHS[ch]) {
      presses.push({ name: GLYPHS[ch], bytes: bytesOf(GLYPHS[ch]) });
      continue;
    }
    if (ch === '<') {
      const close = chars.indexOf('>', i + 1);
      const token = close < 0 ? undefined : chars.slice(i + 1, close).join('');
      if (token === 'lt') {
        presses.push({ name: '<', bytes: '<' });
        i = close;
        continue;
      }
      const name = token === undefined || token.length < 2 ? undefined : normalizeKeyName(token);
      if (name === undefined) {
        throw new Error(
          `unknown key ${token === undefined ? '"<" (write <lt> for a literal "<")' : `<${token}>`}; named keys are <${SPECIAL_KEYS.join('>, <')}>, <ctrl-x>, <shift-x>, <lt>, or the glyphs ${Object.keys(GLYPHS).join(' ')}`,
        );
      }
      presses.push({ name, bytes: bytesOf(name) });
      i = close;
      continue;
    }
    const name = ch === ' ' ? 'space' : ch === '\n' ? 'enter' : ch;
    presses.push({ name, bytes: bytesOf(name) });
  }
  return presses;
}
