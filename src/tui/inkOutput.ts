/**
 * A faster `Output.get` for Ink 6.8, same output byte for byte.
 *
 * Ink lays each frame out into a fresh `Output`: every line of the screen is tokenised into styled cells, every cell
 * measured, clipped lines cut with slice-ansi, and the grid turned back into a string. For a 120×40 screen that is
 * ~20 ms — most of a frame — although between two frames only a line or two differ. This `get` keeps, across
 * frames, the string of each screen row keyed by the writes that make it (position and text), and builds a row with
 * Ink's own code only when its writes changed. Clipping (cutting a line to its box) is cached the same way.
 *
 * Ink's `Output` is internal (not in its exports), so it is reached by file and patched on its prototype; any other
 * Ink version keeps its own `get`. test/tui/inkOutput.test.ts checks the two agree on random writes and clips.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sliceAnsi from 'slice-ansi';
import stringWidth from 'string-width';
import { BoundedMemo } from '../engine/boundedMemo.js';

type Transformer = (line: string, index: number) => string;
interface Clip {
  x1: number | undefined;
  x2: number | undefined;
  y1: number | undefined;
  y2: number | undefined;
}
type Operation =
  | { type: 'write'; x: number; y: number; text: string; transformers: Transformer[] }
  | { type: 'clip'; clip: Clip }
  | { type: 'unclip' };

/** The parts of Ink's internal Output class used here. */
export interface InkOutput {
  width: number;
  height: number;
  write(x: number, y: number, text: string, options: { transformers: Transformer[] }): void;
  clip(clip: Clip): void;
  unclip(): void;
  get(): { output: string; height: number };
}
export type InkOutputClass = new (options: { width: number; height: number }) => InkOutput;

/** Ink's OutputCaches (not exported either). */
interface OutputCaches {
  widths: Map<string, number>;
  styledChars: Map<string, unknown>;
}

const SEP = '\u0000';

export function fastGet(Output: InkOutputClass, inkGet: (this: InkOutput) => { output: string; height: number }) {
  const widths = new BoundedMemo<number>(20_000);
  const widest = new BoundedMemo<number>(5_000);
  const slices = new BoundedMemo<string>(5_000);
  const rowStrings = new BoundedMemo<string>(5_000);
  const width = (text: string) => widths.get(text, () => stringWidth(text));
  const widestLine = (text: string) =>
    widest.get(text, () => {
      let w = 0;
      for (const line of text.split('\n')) w = Math.max(w, width(line));
      return w;
    });

  /** Ink's per-Output caches (cell widths, styled cells of a line), kept across frames; renewed when large. */
  let shared: OutputCaches | undefined;
  const caches = (): OutputCaches => {
    if (!shared || shared.widths.size > 20_000 || shared.styledChars.size > 5_000) shared = (new Output({ width: 0, height: 0 }) as unknown as { caches: OutputCaches }).caches;
    return shared;
  };

  /** Rows drawn by Ink itself (in one Output) from their writes, each a single line already clipped and transformed. */
  const drawRows = (rowWidth: number, rows: readonly (readonly (readonly [number, string])[])[]): string[] => {
    const out = new Output({ width: rowWidth, height: rows.length });
    (out as unknown as { caches: OutputCaches }).caches = caches();
    rows.forEach((writes, y) => {
      for (const [x, line] of writes) out.write(x, y, line, { transformers: [] });
    });
    return inkGet.call(out).output.split('\n');
  };

  // The walk over operations is Ink's (output.js), line for line; only what it does per row is deferred and cached.
  return function get(this: InkOutput): { output: string; height: number } {
    const operations = (this as unknown as { operations: Operation[] }).operations;
    const writes: (readonly [number, string])[][] = Array.from({ length: this.height }, () => []);
    const clips: Clip[] = [];
    for (const operation of operations) {
      if (operation.type === 'clip') clips.push(operation.clip);
      if (operation.type === 'unclip') clips.pop();
      if (operation.type !== 'write') continue;
      const { text, transformers } = operation;
      let { x, y } = operation;
      let lines = text.split('\n');
      const clip = clips.at(-1);
      if (clip) {
        const clipHorizontally = typeof clip.x1 === 'number' && typeof clip.x2 === 'number';
        const clipVertically = typeof clip.y1 === 'number' && typeof clip.y2 === 'number';
        if (clipHorizontally) {
          const w = widestLine(text);
          if (x + w < clip.x1! || x > clip.x2!) continue;
        }
        if (clipVertically) {
          if (y + lines.length < clip.y1! || y > clip.y2!) continue;
        }
        if (clipHorizontally) {
          const x1 = clip.x1!;
          const x2 = clip.x2!;
          lines = lines.map((line) => {
            const from = x < x1 ? x1 - x : 0;
            const w = width(line);
            const to = x + w > x2 ? x2 - x : w;
            return slices.get(`${from},${to}${SEP}${line}`, () => sliceAnsi(line, from, to));
          });
          if (x < x1) x = x1;
        }
        if (clipVertically) {
          const from = y < clip.y1! ? clip.y1! - y : 0;
          const to = y + lines.length > clip.y2! ? clip.y2! - y : lines.length;
          lines = lines.slice(from, to);
          if (y < clip.y1!) y = clip.y1!;
        }
      }
      let offsetY = 0;
      for (let [index, line] of lines.entries()) {
        const row = writes[y + offsetY];
        // As in Ink: a line off the grid is dropped and does not move the next one down.
        if (!row) continue;
        for (const transformer of transformers) line = transformer(line, index);
        row.push([x, line]);
        offsetY++;
      }
    }
    const keys = writes.map((row) => {
      let key = `${this.width}`;
      for (const [x, line] of row) key += `${SEP}${x}${SEP}${line}`;
      return key;
    });
    const rows = keys.map((key, y) => (writes[y]!.length === 0 ? '' : rowStrings.peek(key)));
    const missing = rows.flatMap((row, y) => (row === undefined ? [y] : []));
    if (missing.length > 0) {
      const drawn = drawRows(this.width, missing.map((y) => writes[y]!));
      missing.forEach((y, i) => (rows[y] = rowStrings.put(keys[y]!, drawn[i]!)));
    }
    return { output: rows.join('\n'), height: rows.length };
  };
}

/** Ink's Output class, reached by file: it is not in Ink's exports. */
async function loadInkOutput(): Promise<{ Output: InkOutputClass; version: string } | undefined> {
  try {
    const inkEntry = createRequire(import.meta.url).resolve('ink');
    const build = dirname(inkEntry);
    const { version } = JSON.parse(readFileSync(join(build, '..', 'package.json'), 'utf8')) as { version: string };
    const module = (await import(pathToFileURL(join(build, 'output.js')).href)) as { default: InkOutputClass };
    return { Output: module.default, version };
  } catch {
    return undefined;
  }
}

const ink = await loadInkOutput();
/** Ink's own `get`, before the patch (the test compares against it). */
export const inkGet = ink?.Output.prototype.get;
export const InkOutputClass = ink?.Output;

/** Swaps in the cached `get` when Ink is the 6.8 this was written against; otherwise leaves Ink alone. */
export function installFastOutput(): boolean {
  if (!ink || !inkGet || !/^6\.8\./.test(ink.version)) return false;
  if (ink.Output.prototype.get !== inkGet) return true;
  ink.Output.prototype.get = fastGet(ink.Output, inkGet);
  return true;
}
