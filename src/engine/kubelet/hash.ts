/**
 * Stable pseudo-random draws keyed by identity (seed, image, pod uid, container, restart count...), so a pod's
 * timeline does not depend on what else the cluster did first. Same seed and same objects give the same numbers.
 */
import { HEX_CODES } from '../random.js';

/** FNV-1a over the parts, finished with a murmur3 mix so nearby keys spread. */
export function hash32(seed: number, ...parts: readonly (string | number)[]): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (const part of parts) h = fnvPart(h, part);
  return finish(h);
}

/** One part into the FNV-1a state, then the separator, so ('ab','c') differs from ('a','bc'). */
function fnvPart(h: number, part: string | number): number {
  const s = String(part);
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return Math.imul(h ^ 0x1f, 0x01000193);
}

/** The murmur3 finalizer, as an unsigned 32-bit number. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A number in [0, 1). */
export function unit(seed: number, ...parts: readonly (string | number)[]): number {
  return hash32(seed, ...parts) / 4294967296;
}

/** A number in [min, max). */
export function between(min: number, max: number, seed: number, ...parts: readonly (string | number)[]): number {
  return min + unit(seed, ...parts) * (max - min);
}

/** `length` lowercase hex digits (container ids, image digests). */
export function hexId(length: number, seed: number, ...parts: readonly (string | number)[]): string {
  return prefixedHexId('', length, seed, ...parts);
}

const LATIN1 = new TextDecoder('latin1');

/**
 * `prefix` and `hexId(length, ...)` as one flat string. Built by concatenation, a container id was a rope of ten
 * nodes and nine strings (~600 bytes), kept by every pod's status; as character codes decoded once, ~100 bytes.
 */
export function prefixedHexId(prefix: string, length: number, seed: number, ...parts: readonly (string | number)[]): string {
  // hash32(seed, ...parts, i) for i = 0, 1, ...: the state after `parts` is the same for every i, so it is taken once.
  let state = (0x811c9dc5 ^ seed) >>> 0;
  for (const part of parts) state = fnvPart(state, part);
  const codes = new Uint8Array(prefix.length + length);
  let k = 0;
  for (; k < prefix.length; k++) codes[k] = prefix.charCodeAt(k);
  for (let i = 0; k < codes.length; i++) {
    const word = finish(fnvPart(state, i));
    for (let shift = 28; shift >= 0 && k < codes.length; shift -= 4) codes[k++] = HEX_CODES[(word >>> shift) & 15]!;
  }
  return LATIN1.decode(codes);
}
