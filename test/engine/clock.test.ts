import { describe, expect, it } from 'vitest';
import { DEFAULT_START, toRfc3339, VirtualClock } from '../../src/engine/clock.js';
import { NAME_ALPHABET, SeededRandom } from '../../src/engine/random.js';

describe('VirtualClock', () => {
  it('fires timers in time order, ties in the order they were set, each at its own time', () => {
    const clock = new VirtualClock(0);
    const fired: string[] = [];
    clock.after(300, () => fired.push(`c@${clock.now()}`));
    clock.after(100, () => fired.push(`a@${clock.now()}`));
    clock.after(100, () => fired.push(`b@${clock.now()}`));
    clock.advance(250);
    expect(fired).toEqual(['a@100', 'b@100']);
    expect(clock.now()).toBe(250);
    clock.advance(50);
    expect(fired).toEqual(['a@100', 'b@100', 'c@300']);
  });

  it('runs timers set by timers when they fall inside the advanced span', () => {
    const clock = new VirtualClock(0);
    const fired: number[] = [];
    clock.after(10, () => {
      fired.push(clock.now());
      clock.after(10, () => fired.push(clock.now()));
    });
    clock.advance(100);
    expect(fired).toEqual([10, 20]);
  });

  it('cancelled timers never fire, and background timers do not count as activity', () => {
    const clock = new VirtualClock(0);
    let fired = false;
    const t = clock.after(10, () => (fired = true));
    clock.after(5, () => {}, { background: true });
    expect(clock.hasActiveTimers()).toBe(true);
    clock.cancel(t);
    expect(clock.hasActiveTimers()).toBe(false);
    expect(clock.nextAt(true)).toBeUndefined();
    expect(clock.nextAt()).toBe(5);
    clock.advance(20);
    expect(fired).toBe(false);
  });

  it('starts at a fixed epoch and formats RFC 3339 with whole seconds', () => {
    expect(new VirtualClock().nowRfc3339()).toBe('2025-01-01T00:00:00Z');
    expect(toRfc3339(DEFAULT_START + 1999)).toBe('2025-01-01T00:00:01Z');
  });
});

describe('SeededRandom', () => {
  it('repeats the same sequence for the same seed and differs across seeds', () => {
    const a = new SeededRandom(7);
    const b = new SeededRandom(7);
    const c = new SeededRandom(8);
    const seqA = [a.string(5), a.uuid(), a.int(1000)];
    expect([b.string(5), b.uuid(), b.int(1000)]).toEqual(seqA);
    expect(c.string(5)).not.toBe(seqA[0]);
  });

  it('draws name suffixes from the Kubernetes alphabet and makes v4 UUIDs', () => {
    const r = new SeededRandom(3);
    for (let i = 0; i < 200; i++) for (const ch of r.string(5)) expect(NAME_ALPHABET).toContain(ch);
    expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
