/**
 * client-go's flowcontrol.Backoff as the kubelet uses it for container restarts and image pulls: 10 s doubling to
 * 300 s; an entry not touched for twice the maximum (10 minutes) starts over.
 */
export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;

export class Backoff {
  private backoffMs = 0;
  private lastUpdate = -Infinity;

  constructor(
    private readonly initialMs = INITIAL_BACKOFF_MS,
    private readonly maxMs = MAX_BACKOFF_MS,
  ) {}

  private expired(at: number): boolean {
    return at - this.lastUpdate > 2 * this.maxMs;
  }

  /** IsInBackOffSince: still waiting, counting from `eventTime` (the last container's finish). */
  inBackoffSince(eventTime: number, now: number): boolean {
    if (this.backoffMs === 0 || this.expired(eventTime)) return false;
    return now - eventTime < this.backoffMs;
  }

  /** Next: the first call (or the first after 10 quiet minutes) sets 10 s, each later one doubles, up to 300 s. */
  next(now: number): void {
    if (this.backoffMs === 0 || this.expired(now)) this.backoffMs = this.initialMs;
    else this.backoffMs = Math.min(this.backoffMs * 2, this.maxMs);
    this.lastUpdate = now;
  }

  /** The current wait. */
  get currentMs(): number {
    return this.backoffMs;
  }
}
