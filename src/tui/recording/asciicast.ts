/**
 * asciicast v2 (what `asciinema play` reads): a JSON header line, then one `[seconds, code, data]` line per event —
 * "o" output, "r" resize (`COLSxROWS`), "m" marker.
 */

export interface CastHeader {
  width: number;
  height: number;
  /** Unix seconds when the recording began; the one part of a cast that differs between two recordings. */
  timestamp?: number;
  title?: string;
  env?: Record<string, string>;
}

export type CastEvent = [time: number, code: 'o' | 'r' | 'm', data: string];

/** Seconds with microsecond precision, as asciinema writes them. */
const seconds = (s: number): number => Math.round(s * 1e6) / 1e6;

export class CastWriter {
  private last = 0;

  constructor(
    header: CastHeader,
    private readonly sink: (line: string) => void,
  ) {
    sink(`${JSON.stringify({ version: 2, ...header })}\n`);
  }

  /** `time` is seconds since the start; events never go back in time. */
  output(time: number, data: string): void {
    if (data !== '') this.event(time, 'o', data);
  }

  resize(time: number, columns: number, rows: number): void {
    this.event(time, 'r', `${columns}x${rows}`);
  }

  marker(time: number, label: string): void {
    this.event(time, 'm', label);
  }

  private event(time: number, code: CastEvent[1], data: string): void {
    this.last = Math.max(this.last, seconds(time));
    this.sink(`${JSON.stringify([this.last, code, data])}\n`);
  }
}

/** A program writes `\n`; the terminal (its tty's onlcr) shows `\r\n`, and that is what a cast holds. */
export function terminalNewlines(data: string): string {
  return data.replace(/\r?\n/g, '\r\n');
}

export interface Cast {
  header: CastHeader & { version: number };
  events: CastEvent[];
}

/** Reads a cast back (for tests and tools); throws on anything that is not asciicast v2. */
export function parseCast(text: string): Cast {
  const lines = text.split('\n').filter((l) => l !== '');
  const header = JSON.parse(lines[0] ?? 'null') as Cast['header'] | null;
  if (!header || header.version !== 2) throw new Error('not an asciicast v2 file: the first line must be a header with "version": 2');
  const events = lines.slice(1).map((l, i) => {
    const e = JSON.parse(l) as unknown;
    if (!Array.isArray(e) || typeof e[0] !== 'number' || typeof e[1] !== 'string' || typeof e[2] !== 'string') {
      throw new Error(`line ${i + 2}: not an event [time, code, data]`);
    }
    return e as CastEvent;
  });
  return { header, events };
}
