/**
 * A node's images: which are present, and the pulls in flight. Pulls are serialized per node as with the kubelet's
 * default serializeImagePulls, so a pull queued behind another reports the wait (`in 2.1s (5.3s including waiting)`).
 */
import type { TimerHandle, VirtualClock } from '../clock.js';
import { imageID, imageProfile, imageSizeBytes, pullDurationMs, pullErrorMessage, type ImageRef, type PullFailure } from './images.js';

export type PullOutcome =
  | { kind: 'present' }
  | { kind: 'pulled'; pullMs: number; totalMs: number; sizeBytes: number }
  | { kind: 'failed'; message: string }
  | { kind: 'never'; message: string };

export interface PullRequest {
  policy: 'Always' | 'IfNotPresent' | 'Never';
  failure?: PullFailure;
  /** Overrides the simulated pull time (annotation). */
  pullMs?: number;
}

export interface PresentImage {
  names: string[];
  sizeBytes: number;
}

export class ImageStore {
  private readonly present = new Map<string, PresentImage>();
  private busyUntil = 0;
  /** Images being pulled, with when their pull ends: a pull queued behind one finds its layers already there. */
  private readonly inFlight = new Map<string, number>();
  /** Called when an image lands on the node (the node's status lists its images). */
  onNewImage: (() => void) | undefined;

  constructor(
    private readonly clock: VirtualClock,
    private readonly seed: number,
  ) {}

  has(ref: ImageRef): boolean {
    return this.present.has(ref.normalized);
  }

  /** Images on the node, biggest first, as node.status.images lists them (at most 50). */
  list(): PresentImage[] {
    return [...this.present.values()].sort((a, b) => b.sizeBytes - a.sizeBytes).slice(0, 50);
  }

  /**
   * EnsureImageExists. Returns `needsPull` (the caller records Pulling) and calls `done` with the outcome: at once
   * when no pull is needed, else when the pull finishes. The returned handle cancels a pending pull.
   */
  ensure(ref: ImageRef, req: PullRequest, done: (outcome: PullOutcome) => void): { needsPull: boolean; timer?: TimerHandle } {
    const present = this.has(ref);
    if (req.policy === 'Never' || (req.policy === 'IfNotPresent' && present && !req.failure)) {
      if (present) done({ kind: 'present' });
      else done({ kind: 'never', message: `Container image "${ref.original}" is not present with pull policy of Never` });
      return { needsPull: false };
    }
    const now = this.clock.now();
    const start = Math.max(now, this.busyUntil);
    const profile = imageProfile(ref, this.seed);
    const sizeBytes = imageSizeBytes(ref, profile, this.seed);
    const layersCached = present || (this.inFlight.get(ref.normalized) ?? Infinity) <= start;
    const pullMs = req.failure
      ? Math.round(pullDurationMs(ref, 0, this.seed, true) + 400)
      : req.pullMs ?? pullDurationMs(ref, sizeBytes, this.seed, layersCached);
    const end = start + pullMs;
    this.busyUntil = end;
    if (!req.failure && !present) this.inFlight.set(ref.normalized, Math.min(end, this.inFlight.get(ref.normalized) ?? Infinity));
    const timer = this.clock.at(end, () => {
      if (this.inFlight.get(ref.normalized) === end) this.inFlight.delete(ref.normalized);
      if (req.failure) {
        done({ kind: 'failed', message: pullErrorMessage(ref, req.failure) });
        return;
      }
      if (!this.present.has(ref.normalized)) {
        this.present.set(ref.normalized, { names: [imageID(ref, this.seed), ref.normalized], sizeBytes });
        this.onNewImage?.();
      }
      done({ kind: 'pulled', pullMs, totalMs: end - now, sizeBytes });
    });
    return { needsPull: true, timer };
  }
}
