import { describe, expect, it } from 'vitest';
import { parseKeys } from '../../../src/tui/recording/keyPresses.js';

describe('keys as a scenario writes them', () => {
  it('types characters, and ⏎/⎋ glyphs and <named> keys as the bytes a terminal sends', () => {
    expect(parseKeys(':deploy⏎').map((k) => k.name)).toEqual([':', 'd', 'e', 'p', 'l', 'o', 'y', 'enter']);
    expect(parseKeys('s3<enter>').map((k) => k.bytes)).toEqual(['s', '3', '\r']);
    expect(parseKeys('<ctrl-d><esc><down><pgdn> ').map((k) => [k.name, k.bytes])).toEqual([
      ['ctrl-d', '\x04'],
      ['esc', '\x1b'],
      ['down', '\x1b[B'],
      ['pgdn', '\x1b[6~'],
      ['space', ' '],
    ]);
    expect(parseKeys('<shift-n>N').map((k) => k.name)).toEqual(['N', 'N']);
    expect(parseKeys('a<lt>b').map((k) => k.bytes).join('')).toBe('a<b');
  });

  it('refuses a key it does not know, naming the ones it does', () => {
    expect(() => parseKeys('<enterr>')).toThrow(/unknown key <enterr>; named keys are <space>, <enter>/);
    expect(() => parseKeys('a<b')).toThrow(/write <lt> for a literal "<"/);
  });
});
