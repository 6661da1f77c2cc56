/**
 * Stable pseudo-random draws keyed by identity (seed, image, pod uid, container, restart count...), so a pod's
 * timeline does not depend on what else the cluster did first. Same seed and same objects give the same numbers.
 */

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
  // hash32(seed, ...parts, i) for i = 0, 1, ...: the state after `parts` is the same for every i, so it is taken once.
  let prefix = (0x811c9dc5 ^ seed) >>> 0;
  for (const part of parts) prefix = fnvPart(prefix, part);
  let out = '';
  for (let i = 0; out.length < length; i++) out += finish(fnvPart(prefix, i)).toString(16).padStart(8, '0');
  return out.slice(0, length);
}
