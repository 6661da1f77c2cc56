/**
 * The real dashboard for the dashboard benches: App rendered by Ink (React's production build) into an in-memory
 * terminal of 120×40, with colours as a terminal gets them (the bench's stdout is a pipe, which gets none; without
 * them a cursor move draws the same text and Ink writes nothing).
 */
import { EventEmitter } from 'node:events';
import type { ControllerOptions, DashboardController } from '../tui/controller.js';
import { Keyboard } from '../tui/recording/keyboard.js';
import type { DashboardSource } from '../tui/source.js';

export class Screen extends EventEmitter {
  columns = 120;
  rows = 40;
  isTTY = true;
  /** Called with every write (the text Ink draws). */
  onWrite: ((text: string) => void) | undefined;
  /** performance.now() at the first write (the first frame). */
  firstWriteAt: number | undefined;
  write(text: string): boolean {
    this.firstWriteAt ??= performance.now();
    this.onWrite?.(text);
    return true;
  }

  /** Resolves at the next write (the next frame), or after `ms` when nothing is drawn. */
  nextFrame(ms = 2000): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.onWrite = () => {
        clearTimeout(t);
        this.onWrite = undefined;
        resolve();
      };
    });
  }
}

export interface BenchDashboard {
  controller: DashboardController;
  screen: Screen;
  close(): void;
}

/**
 * Sets what React and chalk read when they load, then builds the source (`makeSource` runs after that, so whatever
 * it imports sees the same settings) and renders the dashboard on it.
 */
export async function renderBenchDashboard(
  makeSource: () => Promise<DashboardSource>,
  { maxFps, ...options }: ControllerOptions & { maxFps: number },
): Promise<BenchDashboard> {
  process.env.NODE_ENV = 'production';
  process.env.FORCE_COLOR = '3';
  const source = await makeSource();
  const [{ render }, { createElement }, { App }, { DashboardController }] = await Promise.all([
    import('ink'),
    import('react'),
    import('../tui/app.js'),
    import('../tui/controller.js'),
  ]);
  const controller = new DashboardController(source, options);
  const screen = new Screen();
  const ink = render(createElement(App, { controller }), {
    stdout: screen as unknown as NodeJS.WriteStream,
    stdin: new Keyboard() as unknown as NodeJS.ReadStream,
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps,
  });
  return {
    controller,
    screen,
    close: () => {
      ink.unmount();
      controller.close();
    },
  };
}
