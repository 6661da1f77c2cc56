import fc from 'fast-check';
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

  it('fires any timers, however many and however set, cancelled ones aside, by time and then the order set', () => {
    // Batches of timers (thousands: past the heap's first growth), some cancelled, some set by timers as they fire,
    // the clock advanced in uneven steps: what fires is every live timer, sorted by due time, ties in order set.
    const batch = fc.array(fc.record({ delay: fc.integer({ min: 0, max: 50 }), cancel: fc.boolean(), spawn: fc.nat(2) }), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(fc.array(batch, { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 10 }), (batches, steps) => {
        const clock = new VirtualClock(0);
        const fired: number[] = [];
        const expected: { at: number; id: number }[] = [];
        let next = 0;
        const set = (delay: number, cancel: boolean, spawn: number): void => {
          const id = next++;
          const at = clock.now() + delay;
          const handle = clock.after(delay, () => {
            fired.push(id);
            if (spawn > 0 && next < 5_000) set((id * 7) % 13, id % 5 === 0, spawn - 1);
          });
          if (cancel) clock.cancel(handle);
          else expected.push({ at, id });
        };
        for (const b of batches) for (let copy = 0; copy < 20; copy++) for (const t of b) set(t.delay, t.cancel, t.spawn);
        for (const step of steps) clock.advance(step);
        clock.advance(10_000);
        expected.sort((a, b) => a.at - b.at || a.id - b.id);
        expect(fired).toEqual(expected.map((t) => t.id));
        expect(clock.nextAt()).toBeUndefined();
      }),
      { numRuns: 60 },
    );
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

  it("draws mulberry32's sequence, for seeds at and above 2^31 too", () => {
    /** mulberry32 as published (an unsigned state). */
    const mulberry32 = (seed: number) => {
      let a = seed >>> 0 || 0x9e3779b9;
      return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = Math.imul(a ^ (a >>> 15), a | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    };
    for (const seed of [0, 1, 7, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, -5]) {
      const r = new SeededRandom(seed);
      const reference = mulberry32(seed);
      for (let i = 0; i < 500; i++) expect(r.next()).toBe(reference());
    }
  });

  it('draws name suffixes from the Kubernetes alphabet and makes v4 UUIDs', () => {
    const r = new SeededRandom(3);
    for (let i = 0; i < 200; i++) for (const ch of r.string(5)) expect(NAME_ALPHABET).toContain(ch);
    expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('makes each UUID digit as int(16) draws it, in order, with the variant from int(4) first', () => {
    const r = new SeededRandom(11);
    const reference = new SeededRandom(11);
    for (let n = 0; n < 50; n++) {
      const variant = (8 + reference.int(4)).toString(16);
      const digits = Array.from({ length: 30 }, () => reference.int(16).toString(16)).join('');
      const expected = `${digits.slice(0, 8)}-${digits.slice(8, 12)}-4${digits.slice(12, 15)}-${variant}${digits.slice(15, 18)}-${digits.slice(18)}`;
      expect(r.uuid()).toBe(expected);
    }
    expect(r.int(1_000_000)).toBe(reference.int(1_000_000));
  });
});

describe('VirtualClock timer queues', () => {
  /** A script of timers: each sets, when it fires, the timers listed under its id (queued or not, with a delay). */
  type Step = { delay: number; queued: boolean; spawns: number };
  const script = fc.array(fc.record({ delay: fc.integer({ min: 0, max: 30 }), queued: fc.boolean(), spawns: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 60 });

  /** Runs the script on a clock; queued timers go through a queue, or through atWith when `useQueue` is false. */
  function run(steps: Step[], useQueue: boolean) {
    const clock = new VirtualClock(0);
    const fired: string[] = [];
    let next = 0;
    const set = (): void => {
      const id = next++;
      const step = steps[id % steps.length]!;
      const at = clock.now() + step.delay;
      if (step.queued && useQueue) queue.at(at, id);
      else clock.atWith(at, fire, id, { background: true });
    };
    const fire = (id: number): void => {
      fired.push(`${id}@${clock.now()}`);
      if (id < 200) for (let i = 0; i < steps[id % steps.length]!.spawns; i++) set();
    };
    const queue = clock.queue(fire);
    for (let i = 0; i < 5; i++) set();
    const pending: number[] = [];
    for (let t = 0; t < 400 && clock.nextAt() !== undefined; t += 7) {
      clock.advanceTo(t);
      pending.push(clock.pendingTimers().background);
    }
    return { fired, pending };
  }

  it('fire exactly when, and in the order, the same timers set with atWith would', () => {
    fc.assert(fc.property(script, (steps) => {
      const queued = run(steps, true);
      const plain = run(steps, false);
      expect(queued.fired).toEqual(plain.fired);
      expect(queued.pending).toEqual(plain.pending);
    }), { numRuns: 300 });
  });

  it('keep order among ties, take timers set out of order, and count what waits', () => {
    const clock = new VirtualClock(0);
    const fired: string[] = [];
    const queue = clock.queue((label: string) => fired.push(`${label}@${clock.now()}`));
    queue.at(100, 'q1');
    clock.after(100, () => fired.push(`t@${clock.now()}`), { background: true });
    queue.at(100, 'q2');
    queue.at(50, 'early');
    queue.at(200, 'q3');
    expect(clock.pendingTimers().background).toBe(5);
    expect(clock.hasActiveTimers()).toBe(false);
    clock.advance(150);
    expect(fired).toEqual(['early@50', 'q1@100', 't@100', 'q2@100']);
    expect(clock.pendingTimers().background).toBe(1);
    clock.advance(100);
    expect(fired.at(-1)).toBe('q3@200');
    expect(clock.pendingTimers()).toEqual({ active: 0, background: 0, heap: 0 });
  });
});
