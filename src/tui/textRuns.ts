/** Text cut for Ink's measuring. */

const isAscii = (code: number): boolean => code >= 0x20 && code <= 0x7e;

/**
 * `text` cut into the runs of a row that Ink measures cheaply. Ink measures every text node on every frame with
 * string-width: ASCII text takes its fast path, anything else goes through grapheme segmentation, so one `✓`, `…`
 * or change mark sent the whole row through it. Runs: ASCII stretches, and the others each with the ASCII character
 * before them (a combining mark or keycap stays with its base); the positions in `marks` are runs of their own.
 */
export function measurableRuns(text: string, marks: ReadonlySet<number>): { text: string; mark: boolean }[] {
  const runs: { text: string; mark: boolean }[] = [];
  let start = 0;
  const cut = (end: number, mark = false) => {
    if (end > start) runs.push({ text: text.slice(start, end), mark });
    start = end;
  };
  for (let i = 0; i < text.length; ) {
    if (marks.has(i)) {
      cut(i);
      cut(++i, true);
    } else if (isAscii(text.charCodeAt(i))) {
      i++;
    } else {
      cut(i > start ? i - 1 : i);
      while (i < text.length && !marks.has(i) && !isAscii(text.charCodeAt(i))) i++;
      cut(i);
    }
  }
  cut(text.length);
  return runs;
}
