/**
 * A port of the column logic of Go's text/tabwriter, which kubectl uses for both `get` tables and `describe`.
 * Cells are tab-terminated: the text after the last tab of a line belongs to no column and is never padded.
 * A column block is a run of consecutive lines that all have a cell in that column, so a line with fewer
 * cells (for example a `Containers:` heading) restarts the alignment of everything after it.
 */

export interface TabwriterOptions {
  minWidth: number;
  padding: number;
  /** Strip spaces at line ends (kubectl leaves them where a last cell is empty). */
  trimTrailing?: boolean;
}

/** kubectl get: printers.GetNewTabWriter (minwidth 6, padding 3). */
export const TABLE_TABWRITER: TabwriterOptions = { minWidth: 6, padding: 3, trimTrailing: true };
/** kubectl describe: tabbedString (minwidth 0, padding 2). */
export const DESCRIBE_TABWRITER: TabwriterOptions = { minWidth: 0, padding: 2, trimTrailing: true };

const textWidth = (s: string): number => [...s].length;

export function tabwrite(text: string, opts: TabwriterOptions): string {
  const endsWithNewline = text.endsWith('\n');
  const rawLines = (endsWithNewline ? text.slice(0, -1) : text).split('\n');
  const lines = rawLines.map((l) => l.split('\t'));
  const out: string[] = new Array<string>(lines.length);
  const widths: number[] = [];

  const writeLines = (line0: number, line1: number): void => {
    for (let i = line0; i < line1; i++) {
      const line = lines[i]!;
      let s = '';
      for (let j = 0; j < line.length; j++) {
        const cell = line[j]!;
        s += cell;
        if (j < widths.length) s += ' '.repeat(Math.max(0, widths[j]! - textWidth(cell)));
      }
      out[i] = opts.trimTrailing ? s.replace(/ +$/, '') : s;
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let t = line0; t < line1; t++) {
      if (column >= lines[t]!.length - 1) continue;
      writeLines(line0, t);
      line0 = t;
      let width = opts.minWidth;
      for (; t < line1; t++) {
        const line = lines[t]!;
        if (column >= line.length - 1) break;
        width = Math.max(width, textWidth(line[column]!) + opts.padding);
      }
      widths.push(width);
      format(line0, t);
      widths.pop();
      line0 = t;
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}
