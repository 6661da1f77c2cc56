/** Row colours as the terminal gets them: colours are forced on before Ink (and chalk) load. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Dashboard } from './harness.js';

process.env.FORCE_COLOR = '3';
const { openDashboard } = await import('./harness.js');

let d: Dashboard;
beforeAll(async () => {
  d = await openDashboard({ settle: 0 });
});
afterAll(async () => {
  await d.close();
});

const RED = '\x1b[31m';
// eslint-disable-next-line no-control-regex
const SGR = /^(?:\x1b\[[0-9;]*m)+/;

/** The colour codes in force before each run of text in `line` (all codes since the last reset, in order). */
function runs(line: string): { text: string; codes: string }[] {
  const out: { text: string; codes: string }[] = [];
  let codes = '';
  for (let rest = line; rest.length > 0; ) {
    const sgr = SGR.exec(rest)?.[0];
    if (sgr) {
      codes = sgr.includes('\x1b[0m') ? '' : codes + sgr;
      rest = rest.slice(sgr.length);
      continue;
    }
    const text = /^[^\x1b]+/.exec(rest)![0];
    out.push({ text, codes });
    rest = rest.slice(text.length);
  }
  return out;
}

it('a failing row stays red after a change mark; the mark is bold cyan', async () => {
  let line: string | undefined;
  for (let t = 0; t < 60 && !line; t++) {
    await d.advance(1000);
    line = d.raw().split('\n').find((l) => l.includes('crashloop') && /[↑↓Δ]/.test(l) && l.startsWith(RED));
  }
  expect(line, 'crashloop shown red with a change mark').toBeDefined();
  const parts = runs(line!);
  const marks = parts.filter((p) => /^[↑↓Δ]$/.test(p.text));
  expect(marks.length).toBeGreaterThan(0);
  for (const m of marks) expect(m.codes).toMatch(/\x1b\[1m.*\x1b\[36m$/);
  // Every run of cell text, before and after the marks, is drawn in the row's red.
  const cells = parts.filter((p) => !/^[↑↓Δ]$/.test(p.text) && p.text.trim() !== '');
  expect(cells.length).toBeGreaterThan(marks.length);
  for (const c of cells) expect(c.codes.endsWith(RED), JSON.stringify(c)).toBe(true);
});
