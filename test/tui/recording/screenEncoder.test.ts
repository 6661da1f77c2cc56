import { describe, expect, it } from 'vitest';
import { CastWriter, parseCast, terminalNewlines } from '../../../src/tui/recording/asciicast.js';
import { ScreenEncoder } from '../../../src/tui/recording/screenEncoder.js';
import { replay } from './replay.js';

describe('screen encoder', () => {
  it('draws the first screen whole with \\r\\n line ends, then rewrites only the lines that changed', async () => {
    const enc = new ScreenEncoder(4);
    const first = enc.encode(['header', 'row one', 'row two', 'caption']);
    expect(first).toContain('header\x1b[0m\x1b[K\r\nrow one');
    expect(enc.encode(['header', 'row one', 'row two', 'caption'])).toBe('');
    const second = enc.encode(['header', 'row ONE', 'row two', 'caption']);
    expect(second).toBe('\x1b[2;1Hrow ONE\x1b[0m\x1b[K');
    const third = enc.encode(['header', 'row ONE']);
    expect(third).toBe('\x1b[3;1H\x1b[0m\x1b[K\x1b[4;1H\x1b[0m\x1b[K');
    const screen = await replay(`${JSON.stringify({ version: 2, width: 20, height: 4 })}\n${JSON.stringify([0, 'o', first + second + third])}\n`);
    expect(screen.at()).toEqual(['header', 'row ONE', '', '']);
  });
});

describe('asciicast v2', () => {
  it('writes a header line and one event per line that read back, times never going back', () => {
    const lines: string[] = [];
    const w = new CastWriter({ width: 80, height: 24, timestamp: 1 }, (l) => void lines.push(l));
    w.output(0.1234567, 'a\r\n');
    w.marker(0.5, 'scale');
    w.resize(0.4, 100, 30);
    w.output(1, '');
    const cast = parseCast(lines.join(''));
    expect(cast.header).toEqual({ version: 2, width: 80, height: 24, timestamp: 1 });
    expect(cast.events).toEqual([
      [0.123457, 'o', 'a\r\n'],
      [0.5, 'm', 'scale'],
      [0.5, 'r', '100x30'],
    ]);
    expect(terminalNewlines('a\nb\r\nc')).toBe('a\r\nb\r\nc');
    expect(() => parseCast('{"version":1}\n')).toThrow('not an asciicast v2 file');
  });
});
