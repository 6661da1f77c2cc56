/** Plays an asciicast into a real terminal emulator (@xterm/headless) and reads its screen, at any moment. */
import xterm from '@xterm/headless';
import { parseCast, type Cast } from '../../../src/tui/recording/asciicast.js';

export interface Replayed {
  cast: Cast;
  /** The screen's lines after every event up to `time` seconds (default: all of them). */
  at(time?: number): string[];
  /** The screen just before each marker, in order, with the marker's label. */
  markers: { label: string; time: number; screen: string[] }[];
  /** The screen after each output event. */
  screens: { time: number; screen: string[] }[];
}

export async function replay(text: string): Promise<Replayed> {
  const cast = parseCast(text);
  const { width, height } = cast.header;
  const screens: { time: number; screen: string[] }[] = [];
  const markers: Replayed['markers'] = [];
  const term = new xterm.Terminal({ cols: width, rows: height, allowProposedApi: true });
  const read = () => {
    const b = term.buffer.active;
    return Array.from({ length: height }, (_, i) => b.getLine(b.viewportY + i)?.translateToString(true) ?? '');
  };
  const write = (data: string) => new Promise<void>((r) => term.write(data, r));
  for (const [time, code, data] of cast.events) {
    if (code === 'o') {
      await write(data);
      screens.push({ time, screen: read() });
    } else if (code === 'm') markers.push({ label: data, time, screen: read() });
    else if (code === 'r') {
      const [c, r] = data.split('x').map(Number);
      term.resize(c!, r!);
    }
  }
  term.dispose();
  return {
    cast,
    markers,
    screens,
    at(time = Infinity) {
      let last: string[] = Array.from({ length: height }, () => '');
      for (const s of screens) if (s.time <= time) last = s.screen;
      return last;
    },
  };
}
