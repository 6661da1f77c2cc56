/** A table row cut into runs Ink measures cheaply: same text, same width, ASCII runs apart from the rest. */
import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { measurableRuns } from '../../src/tui/textRuns.js';

// ASCII, and what rows hold besides: probe and cut marks, change marks, CJK, emoji (with skin tone and ZWJ),
// a combining accent after a letter, a keycap after a digit.
const piece = fc.constantFrom('a', 'Z', ' ', '0', '-', '/', '✓', '✗', '…', '·', '↑', 'Δ', '日本', '😀', '👍🏽', '👩‍💻', 'e\u0301', '1\ufe0f\u20e3');
const segmenter = new Intl.Segmenter();
const boundaries = (text: string) => new Set([...segmenter.segment(text)].map((s) => s.index));

describe('measurableRuns', () => {
  it('keeps the text and its width, splits only between graphemes, and leaves every long run ASCII', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.array(fc.nat(60), { maxLength: 4 }), (pieces, at) => {
        const text = pieces.join('');
        // Marks sit where a mark character is (a row puts ↑ ↓ Δ after a cell).
        const marks = new Set(at.filter((i) => i < text.length && '↑↓Δ'.includes(text[i]!)));
        const runs = measurableRuns(text, marks);
        expect(runs.map((r) => r.text).join('')).toBe(text);
        expect(runs.reduce((w, r) => w + stringWidth(r.text), 0)).toBe(stringWidth(text));
        const graphemeStarts = boundaries(text);
        let at0 = 0;
        for (const r of runs) {
          expect(graphemeStarts.has(at0) || at0 === 0).toBe(true);
          if (r.mark) expect(marks.has(at0) && r.text.length === 1).toBe(true);
          // A run is ASCII, or at most one ASCII character followed by others.
          else if (!/^[\x20-\x7e]*$/.test(r.text)) expect(r.text).toMatch(/^[\x20-\x7e]?[^\x20-\x7e]+$/);
          at0 += r.text.length;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('leaves an ASCII row whole', () => {
    expect(measurableRuns('default   web-0   1/1   Running', new Set())).toEqual([{ text: 'default   web-0   1/1   Running', mark: false }]);
  });
});
