/** A seeded random source: the same seed gives the same names, uids, IPs and jitter. */

/** The alphabet Kubernetes uses for generated name suffixes (no vowels, no look-alikes). */
export const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
/** The character codes of the lowercase hex digits, by value. */
export const HEX_CODES = Uint8Array.from('0123456789abcdef', (ch) => ch.charCodeAt(0));
const DASH = '-'.charCodeAt(0);
const UUID_CODES = new Uint8Array(36);

/** mulberry32's output for a state: an unsigned 32-bit number. */
function mix(state: number): number {
  let t = Math.imul(state ^ (state >>> 15), state | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

export class SeededRandom {
  /**
   * mulberry32's state as a signed 32-bit number (the same bits as the unsigned state; mix reads only the bits): a
   * small integer to V8, where the unsigned half above 2^31 would be a heap number allocated on every draw.
   */
  private state: number;

  constructor(readonly seed: number = 1) {
    this.state = (seed >>> 0 || 0x9e3779b9) | 0;
  }

  /** mulberry32: a small, fast generator with good enough statistics for simulation. */
  next(): number {
    return mix((this.state = (this.state + 0x6d2b79f5) | 0)) / 4294967296;
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
   * order, each digit what `int(16)` would draw (the top four bits of a draw; the variant, `int(4)`, the top two).
   * Every object and event gets one: the draws run here with the state in a local, and the string is made at once
   * from character codes (one-character strings concatenated, or a TextDecoder, cost more than the draws).
   */
  uuid(): string {
    let s = this.state;
    const c = UUID_CODES;
    s = (s + 0x6d2b79f5) | 0;
    const variant = 8 + (mix(s) >>> 30);
    for (let k = 0; k < 36; k++) {
      if (k === 8 || k === 13 || k === 18 || k === 23) c[k] = DASH;
      else if (k === 14) c[k] = HEX_CODES[4]!;
      else if (k === 19) c[k] = HEX_CODES[variant]!;
      else {
        s = (s + 0x6d2b79f5) | 0;
        c[k] = HEX_CODES[mix(s) >>> 28]!;
      }
    }
    this.state = s;
    return String.fromCharCode(
      c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!, c[14]!, c[15]!, c[16]!, c[17]!,
      c[18]!, c[19]!, c[20]!, c[21]!, c[22]!, c[23]!, c[24]!, c[25]!, c[26]!, c[27]!, c[28]!, c[29]!, c[30]!, c[31]!, c[32]!, c[33]!, c[34]!, c[35]!,
    );
  }
}
