/**
 * Coalesces the engine's changes into at most one React update per frame: watch events and clock ticks only mark the
 * store dirty; a timer publishes one new version per frame. UI changes (a key press) publish at once.
 */
import type { KindName } from '../engine/api/types.js';
import type { DashboardSource } from './source.js';

export const FRAME_MS = 33;
/**
 * Ink's own write throttle. The store already paces updates to one per FRAME_MS; a second 30 fps throttle out of
 * phase with it would hold a frame back up to another 33 ms, so Ink's is only a backstop.
 */
export const INK_MAX_FPS = 120;

export class DashboardStore {
  /** Bumped on every publish: what React's useSyncExternalStore compares. */
  version = 0;
  /** Bumped per kind on object changes: list models recompute only when their kinds changed. */
  private readonly kindVersions = new Map<KindName, number>();
  private anyData = 0;
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private dirty = false;
  private lastPublish = -Infinity;
  private readonly stop: () => void;
  /** Publishes so far (for tests and the bench). */
  publishes = 0;

  constructor(
    source: DashboardSource,
    private readonly frameMs = FRAME_MS,
    private readonly wallNow: () => number = () => performance.now(),
  ) {
    this.stop = source.subscribe(
      (kind) => {
        this.kindVersions.set(kind, (this.kindVersions.get(kind) ?? 0) + 1);
        this.anyData++;
        this.schedule();
      },
      () => this.schedule(),
    );
  }

  dataVersion(kinds?: readonly KindName[]): number {
    if (!kinds) return this.anyData;
    let v = 0;
    for (const k of kinds) v += this.kindVersions.get(k) ?? 0;
    return v;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  /** Something changed that is not urgent: publish with the next frame. */
  schedule(): void {
    this.dirty = true;
    if (this.timer) return;
    const wait = Math.max(0, this.lastPublish + this.frameMs - this.wallNow());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.dirty) this.publish();
    }, wait);
    this.timer.unref?.();
  }

  /** Publishes now (a key press must show at once). */
  publish(): void {
    this.dirty = false;
    this.lastPublish = this.wallNow();
    this.version++;
    this.publishes++;
    for (const l of this.listeners) l();
  }

  /** Publishes again after `ms` of wall time (toasts and change marks expire). */
  wakeAfter(ms: number): void {
    const t = setTimeout(() => this.schedule(), ms);
    t.unref?.();
  }

  close(): void {
    this.stop();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
