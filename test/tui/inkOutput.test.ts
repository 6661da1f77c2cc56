/**
 * The dashboard swaps Ink's Output.get for one that caches rows across frames. Whatever is written (styled text,
 * wide characters, several lines, off the grid) under whatever clips, it gives exactly Ink's string, also when its
 * caches hold earlier frames.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastGet, InkOutputClass, inkGet, installFastOutput, type InkOutput } from '../../src/tui/inkOutput.js';

const Output = InkOutputClass!;
const original = inkGet!;

const PIECES = [
  'a', 'b', 'Running', ' ', '  ', '漢字', '👍', '✓', '…', '\n',
  '\x1b[31m', '\x1b[39m', '\x1b[1m', '\x1b[22m', '\x1b[0m', '\x1b[38;2;255;135;0m', '\x1b[46m', '\x1b[49m', '\x1b[7m', '\x1b[27m',
];
const TRANSFORMERS: Record<string, (line: string, index: number) => string> = {
  upper: (line) => line.toUpperCase(),
  numbered: (line, index) => `${index}:${line}`,
};

type Op =
  | { type: 'write'; x: number; y: number; text: string; transformers: (keyof typeof TRANSFORMERS)[] }
  | { type: 'clip'; x1?: number; x2?: number; y1?: number; y2?: number }
  | { type: 'unclip' };

const maybe = (arb: fc.Arbitrary<number>) => fc.option(arb, { nil: undefined });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      type: fc.constant('write' as const),
      x: fc.integer({ min: -4, max: 30 }),
      y: fc.integer({ min: -3, max: 12 }),
      text: fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 14 }).map((p) => p.join('')),
      transformers: fc.subarray(Object.keys(TRANSFORMERS) as (keyof typeof TRANSFORMERS)[]),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      { type: fc.constant('clip' as const), x1: maybe(fc.integer({ min: -2, max: 20 })), x2: maybe(fc.integer({ min: 0, max: 30 })), y1: maybe(fc.integer({ min: -2, max: 8 })), y2: maybe(fc.integer({ min: 0, max: 12 })) },
      { requiredKeys: ['type'] },
    ),
  },
  { weight: 1, arbitrary: fc.constant({ type: 'unclip' as const }) },
);
const frameArb = fc.record({ width: fc.integer({ min: 0, max: 30 }), height: fc.integer({ min: 0, max: 10 }), ops: fc.array(opArb, { maxLength: 12 }) });

function build(frame: { width: number; height: number; ops: Op[] }): InkOutput {
  const out = new Output({ width: frame.width, height: frame.height });
  for (const op of frame.ops) {
    if (op.type === 'write') out.write(op.x, op.y, op.text, { transformers: op.transformers.map((t) => TRANSFORMERS[t]!) });
    else if (op.type === 'clip') out.clip({ x1: op.x1, x2: op.x2, y1: op.y1, y2: op.y2 });
    else out.unclip();
  }
  return out;
}

describe("the dashboard's Output.get", () => {
  it('is installed for the Ink this was written against', () => {
    expect(installFastOutput()).toBe(true);
    expect(Output.prototype.get).not.toBe(original);
  });

  it("gives Ink's string for any writes and clips, frame after frame (one cache for all frames)", () => {
    const get = fastGet(Output, original);
    fc.assert(
      fc.property(fc.array(frameArb, { minLength: 1, maxLength: 4 }), (frames) => {
        for (const frame of frames) {
          const expected = original.call(build(frame));
          expect(get.call(build(frame))).toEqual(expected);
          // Again, now from the caches.
          expect(get.call(build(frame))).toEqual(expected);
        }
      }),
      { numRuns: 600 },
    );
  });

  it('redraws a row whose text changed and keeps the rows that did not', () => {
    const get = fastGet(Output, original);
    const screen = (selected: number) => {
      const out = new Output({ width: 20, height: 4 });
      out.clip({ x1: 0, x2: 20, y1: 0, y2: 4 });
      for (let y = 0; y < 4; y++) out.write(0, y, y === selected ? `\x1b[7mpod-${y}\x1b[27m` : `pod-${y}`, { transformers: [] });
      out.unclip();
      return out;
    };
    for (const selected of [0, 1, 1, 3, 0]) expect(get.call(screen(selected))).toEqual(original.call(screen(selected)));
  });
});
