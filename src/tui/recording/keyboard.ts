/**
 * A keyboard that exists only in memory, shaped as the stdin Ink reads (a TTY in raw mode): what `send` writes is
 * what a terminal would have sent for the keys. No Ink import here: callers may need to set Ink's environment
 * (FORCE_COLOR, CI) before Ink loads.
 */
import { EventEmitter } from 'node:events';

export class Keyboard extends EventEmitter {
  readonly isTTY = true;
  private pending: string | null = null;

  send(bytes: string): void {
    this.pending = bytes;
    this.emit('readable');
    this.emit('data', bytes);
  }

  read = (): string | null => {
    const data = this.pending;
    this.pending = null;
    return data;
  };

  setEncoding(): this {
    return this;
  }
  setRawMode(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}
