/**
 * Virtual time. Nothing in the engine reads the wall clock: timers fire in time order (ties in the order they were
 * set) when the clock is advanced, by a test or by the real-time driver.
 */
import { BoundedMemo } from './boundedMemo.js';

export interface TimerHandle {
  readonly at: number;
  cancelled: boolean;
}

interface Timer extends TimerHandle {
  readonly seq: number;
  readonly fn: (arg: never) => void;
  /** What `fn` is called with: one shared function serves many timers (an hour's events) without a closure each. */
  readonly arg: unknown;
  /** Background timers (event expiry, history cleanup) do not keep the cluster from being idle. */
  readonly background: boolean;
}

/** 2025-01-01T00:00:00Z: a fixed epoch so the same run prints the same timestamps. */
export const DEFAULT_START = Date.UTC(2025, 0, 1);

let lastSecond = NaN;
let lastText = '';

/** RFC 3339 to the second, as the API prints timestamps. Many objects are stamped in the same second: keep the last. */
export function toRfc3339(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastText = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
  }
  return lastText;
}

const parsed = new BoundedMemo<number>(4096);

/** Date.parse, remembered: the controllers compare the same few timestamps (creation, Ready transitions) in every sync. */
export const parseTimestamp = (text: string): number => parsed.get(text, Date.parse);

/**
 * A binary min-heap of timers by (due time, sequence number), the keys kept beside the timers in one Float64Array
 * (time and sequence number side by side): sifting compares numbers in adjacent slots instead of reading two timer
 * objects scattered over the heap of the process at every level (hundreds of thousands of timers at 150,000 pods).
 * Keys are unique, so the order timers come out in does not depend on the layout.
 */
class TimerHeap {
  private readonly timers: Timer[] = [];
  private keys = new Float64Array(2 * 1024);

  get length(): number {
    return this.timers.length;
  }

  top(): Timer | undefined {
    return this.timers[0];
  }

  all(): readonly Timer[] {
    return this.timers;
  }

  push(t: Timer): void {
    const n = this.timers.length;
    if (2 * n + 2 > this.keys.length) {
      const grown = new Float64Array(this.keys.length * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    this.timers.push(t);
    this.siftUp(n, t);
  }

  /** Removes the first timer. */
  pop(): void {
    const timers = this.timers;
    const last = timers.pop()!;
    const n = timers.length;
    if (n > 0) this.siftDown(0, last, n);
  }

  /** Places `t` at `i` or above, moving larger parents down into the hole. */
  private siftUp(i: number, t: Timer): void {
    const { timers, keys } = this;
    const at = t.at;
    const seq = t.seq;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pAt = keys[2 * p]!;
      if (pAt < at || (pAt === at && keys[2 * p + 1]! < seq)) break;
      timers[i] = timers[p]!;
      keys[2 * i] = pAt;
      keys[2 * i + 1] = keys[2 * p + 1]!;
      i = p;
    }
    timers[i] = t;
    keys[2 * i] = at;
    keys[2 * i + 1] = seq;
  }

  /** Places `t` at `i` or below among the first `n`, moving smaller children up into the hole. */
  private siftDown(i: number, t: Timer, n: number): void {
    const { timers, keys } = this;
    const at = t.at;
    const seq = t.seq;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let cAt = keys[2 * c]!;
      let cSeq = keys[2 * c + 1]!;
      const r = c + 1;
      if (r < n) {
        const rAt = keys[2 * r]!;
        const rSeq = keys[2 * r + 1]!;
        if (rAt < cAt || (rAt === cAt && rSeq < cSeq)) {
          c = r;
          cAt = rAt;
          cSeq = rSeq;
        }
      }
      if (at < cAt || (at === cAt && seq < cSeq)) break;
      timers[i] = timers[c]!;
      keys[2 * i] = cAt;
      keys[2 * i + 1] = cSeq;
      i = c;
    }
    timers[i] = t;
    keys[2 * i] = at;
    keys[2 * i + 1] = seq;
  }
}

export class VirtualClock {
  private current: number;
  private seq = 0;
  private readonly heap = new TimerHeap();
  private activeCount = 0;
  private readonly queues: { waiting(): number }[] = [];

  constructor(start: number = DEFAULT_START) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** RFC 3339 with whole seconds, as the API serializes metav1.Time. */
  nowRfc3339(): string {
    return toRfc3339(this.current);
  }

  at(at: number, fn: () => void, options: { background?: boolean } = {}): TimerHandle {
    return this.atWith(at, fn, undefined, options);
  }

  /** `at`, calling `fn(arg)`. */
  atWith<T>(at: number, fn: (arg: T) => void, arg: T, options: { background?: boolean } = {}): TimerHandle {
    const timer: Timer = { at: Math.max(at, this.current), seq: this.seq++, fn, arg, cancelled: false, background: !!options.background };
    this.heap.push(timer);
    if (!timer.background) this.activeCount++;
    return timer;
  }

  /**
   * Background timers calling `fn`, for timers usually set in the order they come due (an Event's expiry, an hour
   * after it was recorded): see TimerQueue. They fire exactly when and in the order `atWith` timers would.
   */
  queue<T>(fn: (arg: T) => void): TimerQueue<T> {
    const q = new TimerQueue<T>(this, fn, (t) => this.heap.push(t), () => this.seq++);
    this.queues.push(q);
    return q;
  }

  after(ms: number, fn: () => void, options: { background?: boolean } = {}): TimerHandle {
    return this.at(this.current + ms, fn, options);
  }

  cancel(handle: TimerHandle | undefined): void {
    if (!handle || handle.cancelled) return;
    handle.cancelled = true;
    if (!(handle as Timer).background) this.activeCount--;
  }

  /** When the next live timer is due; `activeOnly` skips background timers. */
  nextAt(activeOnly = false): number | undefined {
    this.dropCancelled();
    if (!activeOnly) return this.heap.top()?.at;
    if (this.activeCount === 0) return undefined;
    let min = Infinity;
    for (const t of this.heap.all()) if (!t.cancelled && !t.background && t.at < min) min = t.at;
    return min;
  }

  hasActiveTimers(): boolean {
    return this.activeCount > 0;
  }

  /**
   * Timers waiting to fire, for diagnostics (the soak benchmark watches them for leaks): active and background
   * ones, and the heap's size (with the queues' timers), which also holds cancelled timers until they come due. O(n).
   */
  pendingTimers(): { active: number; background: number; heap: number } {
    let live = 0;
    for (const t of this.heap.all()) if (!t.cancelled) live++;
    let queued = 0;
    for (const q of this.queues) queued += q.waiting();
    return { active: this.activeCount, background: live - this.activeCount + queued, heap: this.heap.length + queued };
  }

  /**
   * Moves time to `target`, firing every timer due on the way, each at its own time.
   * `afterEach` runs after every fired timer (the cluster settles its controllers there).
   */
  advanceTo(target: number, afterEach?: () => void): void {
    for (;;) {
      this.dropCancelled();
      const next = this.heap.top();
      if (!next || next.at > target) break;
      this.heap.pop();
      next.cancelled = true;
      if (!next.background) this.activeCount--;
      this.current = Math.max(this.current, next.at);
      (next.fn as (arg: unknown) => void)(next.arg);
      afterEach?.();
    }
    this.current = Math.max(this.current, target);
  }

  advance(ms: number, afterEach?: () => void): void {
    this.advanceTo(this.current + ms, afterEach);
  }

  private dropCancelled(): void {
    while (this.heap.top()?.cancelled) this.heap.pop();
  }
}

/**
 * Background timers for one function, kept in due order as three arrays (time, sequence number, argument) with only
 * the first in the clock's heap. An Event's expiry was a timer object and a heap slot (~80 bytes; ~24 here) per
 * Event, and a heap of a million expiries made every other timer's push and pop slower. A timer set out of order
 * (due before the last one queued) goes to the heap as usual; either way each takes its sequence number from the
 * clock when set, so timers fire exactly when and in the order `atWith` timers would.
 */
export class TimerQueue<T> {
  private ats: number[] = [];
  private seqs: number[] = [];
  private args: (T | undefined)[] = [];
  private head = 0;
  /** Whether the first queued timer is in the clock's heap. */
  private armed = false;

  constructor(
    private readonly clock: VirtualClock,
    private readonly fn: (arg: T) => void,
    private readonly schedule: (timer: Timer) => void,
    private readonly nextSeq: () => number,
  ) {}

  /** `fn(arg)` at `at` (or now, if that is past). */
  at(at: number, arg: T): void {
    const due = Math.max(at, this.clock.now());
    const n = this.ats.length;
    if (n > this.head && due < this.ats[n - 1]!) {
      this.clock.atWith(due, this.fn, arg, { background: true });
      return;
    }
    this.ats.push(due);
    this.seqs.push(this.nextSeq());
    this.args.push(arg);
    if (!this.armed) this.arm();
  }

  /** Queued timers not yet in the heap. */
  waiting(): number {
    return this.ats.length - this.head - (this.armed ? 1 : 0);
  }

  private arm(): void {
    const i = this.head;
    this.armed = true;
    this.schedule({ at: this.ats[i]!, seq: this.seqs[i]!, fn: this.fire, arg: undefined, cancelled: false, background: true });
  }

  private readonly fire = (): void => {
    const i = this.head++;
    const arg = this.args[i] as T;
    this.args[i] = undefined;
    if (this.head === this.ats.length) {
      this.ats = [];
      this.seqs = [];
      this.args = [];
      this.head = 0;
    } else if (this.head >= 4096 && this.head * 2 >= this.ats.length) {
      this.ats = this.ats.slice(this.head);
      this.seqs = this.seqs.slice(this.head);
      this.args = this.args.slice(this.head);
      this.head = 0;
    }
    this.armed = false;
    if (this.head < this.ats.length) this.arm();
    this.fn(arg);
  };
}
