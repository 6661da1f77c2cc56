/**
 * The dashboard rendered by Ink into a terminal that exists only in memory: a fixed size, keys written as the bytes a
 * keyboard sends, and the screen read back after each change. Recordings play scenarios through it.
 */
import { EventEmitter } from 'node:events';
import { render, type Instance } from 'ink';
import type { ReactElement } from 'react';
import { Keyboard } from './keyboard.js';

class Screen extends EventEmitter {
  private last = '';
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  /** Ink in debug mode writes each frame whole. */
  write = (frame: string): boolean => {
    this.last = frame;
    return true;
  };
  frame = (): string => this.last;
}

/** Lets Ink parse input (a lone Esc waits one setImmediate) and React commit and Ink draw (a macrotask). */
async function settle(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 0));
  await new Promise((r) => setImmediate(r));
}

export class VirtualTerminal {
  private readonly screen: Screen;
  private readonly keyboard = new Keyboard();
  private readonly instance: Instance;

  constructor(element: ReactElement, columns: number, rows: number) {
    this.screen = new Screen(columns, rows);
    this.instance = render(element, {
      stdout: this.screen as unknown as NodeJS.WriteStream,
      stderr: new Screen(columns, rows) as unknown as NodeJS.WriteStream,
      stdin: this.keyboard as unknown as NodeJS.ReadStream,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    });
  }

  /** Sends a key's bytes and waits until the dashboard has handled it. */
  async press(bytes: string): Promise<void> {
    this.keyboard.send(bytes);
    await settle();
  }

  /** The screen's lines once everything pending has been drawn. */
  async lines(): Promise<string[]> {
    await settle();
    const frame = this.screen.frame();
    return frame === '' ? [] : frame.replace(/\n$/, '').split('\n');
  }

  close(): void {
    this.instance.unmount();
    this.instance.cleanup();
  }
}
