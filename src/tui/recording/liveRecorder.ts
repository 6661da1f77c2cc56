/**
 * `kubedeck --record FILE`: everything the dashboard writes to the terminal also goes to an asciicast file, stamped
 * with the wall clock, with the terminal's resizes — what `asciinema rec` would have captured.
 */
import { createWriteStream } from 'node:fs';
import { CastWriter, terminalNewlines } from './asciicast.js';

export interface LiveRecording {
  /** Use this instead of the terminal's stdout. */
  stdout: NodeJS.WriteStream;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

export function recordTerminal(stdout: NodeJS.WriteStream, file: string, title: string): LiveRecording {
  const stream = createWriteStream(file);
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const cast = new CastWriter(
    { width: stdout.columns || 80, height: stdout.rows || 24, timestamp: Math.floor(Date.now() / 1000), title, env: { TERM: process.env.TERM ?? 'xterm-256color', SHELL: process.env.SHELL ?? '/bin/sh' } },
    (line) => void stream.write(line),
  );
  const onResize = () => cast.resize(elapsed(), stdout.columns, stdout.rows);
  stdout.on('resize', onResize);
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    cast.output(elapsed(), terminalNewlines(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8')));
    return (stdout.write as (...args: unknown[]) => boolean)(chunk, ...rest);
  };
  const proxy = new Proxy(stdout, {
    get(target, prop) {
      if (prop === 'write') return write;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    stdout: proxy,
    close: () =>
      new Promise<void>((resolve) => {
        stdout.off('resize', onResize);
        stream.end(resolve);
      }),
  };
}
