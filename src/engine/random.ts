/** A seeded random source: the same seed gives the same names, uids, IPs and jitter. */

/** The alphabet Kubernetes uses for generated name suffixes (no vowels, no look-alikes). */
export const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const HEX = '0123456789abcdef';
const HEX_CODES = Uint8Array.from(HEX, (ch) => ch.charCodeAt(0));
const DASH = '-'.charCodeAt(0);
const UUID_CODES = new Uint8Array(36);
/** ASCII bytes to a string: one allocation, the string (String.fromCharCode.apply copied the codes to a list first). */
const ASCII = new TextDecoder('latin1');

export class SeededRandom {
  private state: number;

  constructor(readonly seed: number = 1) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** mulberry32: a small, fast generator with good enough statistics for simulation. */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  /** A value in [min, max]. */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  string(length: number, alphabet: string = NAME_ALPHABET): string {
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }

  /**
   * A random (version 4) UUID drawn from this source: the variant digit first, then the 30 random hex digits in
   * order. Built from character codes (every object and event gets one: concatenating 36 one-character strings cost
   * more than drawing them).
   */
  uuid(): string {
    const variant = 8 + this.int(4);
    const c = UUID_CODES;
    let k = 0;
    for (let i = 0; i < 8; i++) c[k++] = HEX_CODES[this.int(16)]!;
    c[k++] = DASH;
    for (let i = 0; i < 4; i++) c[k++] = HEX_CODES[this.int(16)]!;
    c[k++] = DASH;
    c[k++] = HEX_CODES[4]!;
    for (let i = 0; i < 3; i++) c[k++] = HEX_CODES[this.int(16)]!;
    c[k++] = DASH;
    c[k++] = HEX_CODES[variant]!;
    for (let i = 0; i < 3; i++) c[k++] = HEX_CODES[this.int(16)]!;
    c[k++] = DASH;
    for (let i = 0; i < 12; i++) c[k++] = HEX_CODES[this.int(16)]!;
    return ASCII.decode(c);
  }
}
