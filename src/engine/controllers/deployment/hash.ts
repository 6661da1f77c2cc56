/**
 * The pod-template-hash (controller.ComputeHash): FNV-32a over the pod template, then the collision count as 8
 * little-endian bytes, printed in decimal and re-encoded with rand.SafeEncodeString's alphabet.
 *
 * Kubernetes feeds the hasher a spew dump of the Go struct; the simulator feeds it canonical JSON (keys sorted,
 * empty values dropped) of the same template, so equal templates hash equally and the names look like the real ones,
 * but the digits differ from what a real cluster would compute for the same manifest.
 */
import type { PodTemplateSpec } from '../../api/types.js';
import { NAME_ALPHABET } from '../../random.js';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

export function fnv32a(bytes: Uint8Array, seed = FNV32_OFFSET): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, FNV32_PRIME) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each character becomes alphanums[code % 27] (no vowels, no look-alikes). */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += NAME_ALPHABET[ch.codePointAt(0)! % NAME_ALPHABET.length];
  return out;
}

/** JSON with sorted keys, leaving out undefined, empty objects and empty arrays (Semantic.DeepEqual treats them as unset). */
export function canonicalJson(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    return `[${value.map((v) => canonicalJson(v) ?? 'null').join(',')}]`;
  }
  if (typeof value === 'object') {
    const parts: string[] = [];
    for (const k of Object.keys(value as object).sort()) {
      const v = canonicalJson((value as Record<string, unknown>)[k]);
      if (v !== undefined) parts.push(`${JSON.stringify(k)}:${v}`);
    }
    return parts.length === 0 ? undefined : `{${parts.join(',')}}`;
  }
  return JSON.stringify(value);
}

const encoder = new TextEncoder();

export function computeHash(template: PodTemplateSpec, collisionCount?: number): string {
  let h = fnv32a(encoder.encode(canonicalJson(template) ?? ''));
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}
