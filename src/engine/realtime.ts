/**
 * Drives the virtual clock from the wall clock: virtual time advances by real time × speed, can pause, and can be
 * stepped by hand while paused. Used by the dashboard and `get --watch`; tests advance the cluster directly instead.
 */
import type { Cluster } from './cluster.js';

export const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100] as const;
export const MIN_SPEED = SPEEDS[0];
export const MAX_SPEED = SPEEDS[SPEEDS.length - 1]!;

export class RealtimeDriver {
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastWall = 0;
  private pendingMs = 0;
  private listeners = new Set<() => void>();
  speed: number;
  paused = false;

  constructor(
    private readonly cluster: Cluster,
    options: { speed?: number; tickMs?: number; now?: () => number } = {},
  ) {
    this.speed = clampSpeed(options.speed ?? 1);
    this.tickMs = options.tickMs ?? 50;
    this.wallNow = options.now ?? (() => performance.now());
  }

  private readonly tickMs: number;
  private readonly wallNow: () => number;

  start(): void {
    if (this.timer) return;
    this.lastWall = this.wallNow();
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Advances virtual time by the wall time since the last tick, scaled by speed. */
  tick(): void {
    const wall = this.wallNow();
    const elapsed = wall - this.lastWall;
    this.lastWall = wall;
    if (this.paused) return;
    this.pendingMs += elapsed * this.speed;
    const whole = Math.floor(this.pendingMs);
    if (whole <= 0) return;
    this.pendingMs -= whole;
    this.cluster.advance(whole);
    this.notify();
  }

  togglePause(): void {
    this.paused = !this.paused;
    this.lastWall = this.wallNow();
    this.notify();
  }

  /** One step while paused: to the next scheduled event, or one second when nothing is scheduled sooner. */
  step(): void {
    const now = this.cluster.clock.now();
    const next = this.cluster.clock.nextAt(true);
    this.cluster.advanceTo(next !== undefined && next - now <= 1000 ? next : now + 1000);
    this.notify();
  }

  faster(): void {
    this.speed = SPEEDS.find((s) => s > this.speed) ?? MAX_SPEED;
    this.notify();
  }

  slower(): void {
    this.speed = [...SPEEDS].reverse().find((s) => s < this.speed) ?? MIN_SPEED;
    this.notify();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }
}

export function clampSpeed(speed: number): number {
  return Math.min(MAX_SPEED, Math.max(MIN_SPEED, speed));
}
