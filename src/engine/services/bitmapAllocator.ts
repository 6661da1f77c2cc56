/**
 * The API server's bitmap allocator (pkg/registry/core/service/allocator) with its random-scan-with-offset strategy:
 * dynamic allocations pick a random free offset in the upper band [offset, size) first, so the lower band stays
 * free for values users choose by hand (10.96.0.10 for DNS, a memorable node port); only when the upper band is full
 * does a dynamic allocation fall back to the lower band.
 */
import type { SeededRandom } from '../random.js';

export class BitmapAllocator {
  private readonly used = new Set<number>();

  constructor(
    readonly size: number,
    /** Where the dynamic band starts. */
    readonly offset: number,
    private readonly random: SeededRandom,
  ) {}

  get count(): number {
    return this.used.size;
  }

  has(index: number): boolean {
    return this.used.has(index);
  }

  /** Marks an index taken; false when it already was. */
  allocate(index: number): boolean {
    if (this.used.has(index)) return false;
    this.used.add(index);
    return true;
  }

  /** A free index (upper band first, from a random start), or undefined when the range is full. */
  allocateNext(): number | undefined {
    if (this.used.size >= this.size) return undefined;
    const upper = this.size - this.offset;
    if (upper > 0) {
      const start = this.random.int(upper);
      for (let i = 0; i < upper; i++) {
        const at = this.offset + ((start + i) % upper);
        if (!this.used.has(at)) {
          this.used.add(at);
          return at;
        }
      }
    }
    if (this.offset > 0) {
      const start = this.random.int(this.offset);
      for (let i = 0; i < this.offset; i++) {
        const at = (start + i) % this.offset;
        if (!this.used.has(at)) {
          this.used.add(at);
          return at;
        }
      }
    }
    return undefined;
  }

  release(index: number): void {
    this.used.delete(index);
  }
}

/** `min(max(min, size/step), max)`: the static band the real allocators keep at the bottom of a range. */
export function rangeOffset(size: number, min: number, max: number, step: number): number {
  if (size <= min) return 0;
  return Math.min(Math.max(min, Math.floor(size / step)), max);
}
