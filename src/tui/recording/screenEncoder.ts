/**
 * Turns a sequence of whole screens (lines with ANSI colours) into what a terminal needs to show them: the first
 * screen in full, then only the lines that changed, each rewritten in place. Pure: the same screens give the same
 * bytes, which is what makes two recordings of one scenario identical.
 */

const HIDE_CURSOR = '\x1b[?25l';
const CLEAR = '\x1b[H\x1b[2J';
const RESET = '\x1b[0m';
const CLEAR_LINE_END = '\x1b[K';

export class ScreenEncoder {
  private previous: readonly string[] | undefined;

  constructor(private readonly rows: number) {}

  /** The bytes that turn the last screen into `lines` ('' when nothing changed). */
  encode(lines: readonly string[]): string {
    const next = lines.slice(0, this.rows);
    if (!this.previous) {
      this.previous = next;
      return HIDE_CURSOR + CLEAR + next.map((l) => l + RESET + CLEAR_LINE_END).join('\r\n');
    }
    let out = '';
    const height = Math.max(next.length, this.previous.length);
    for (let row = 0; row < height; row++) {
      const line = next[row] ?? '';
      if (line === (this.previous[row] ?? '')) continue;
      out += `\x1b[${row + 1};1H${line}${RESET}${CLEAR_LINE_END}`;
    }
    this.previous = next;
    return out;
  }

  /** Shows the cursor again, on the last row (what comes after a replay starts there, not amid the screen). */
  finish(): string {
    return `\x1b[${this.rows};1H\x1b[?25h`;
  }
}
