/**
 * Structural sharing for the store. Stored objects are never changed in place (under tests they are deeply frozen
 * to prove it), so a write copies only what the caller built and shares what it took from the stored version, and
 * comparisons stop at the first shared reference. Freezing is not used in production: V8 makes frozen copies of
 * spread objects slower and bigger (an Event: 1.9 -> 2.6 kB, twice the time to store).
 */

/** Freezes the object and everything under it, stopping at parts already frozen (shared with stored objects). */
export function deepFreeze<T>(o: T): T {
  if (o === null || typeof o !== 'object' || Object.isFrozen(o)) return o;
  Object.freeze(o);
  if (Array.isArray(o)) {
    for (let i = 0; i < o.length; i++) deepFreeze(o[i]);
  } else {
    for (const k in o) deepFreeze((o as Record<string, unknown>)[k]);
  }
  return o;
}

/**
 * `{ ...o }` for a copy that is given new keys afterwards. In V8 (Node 20) an object made by spread takes a map that
 * makes each key added later slow (about 1.5 µs, where assigning to an Object.assign copy takes nanoseconds) and
 * stores it out of line (an Event's metadata: four times the bytes). Same keys, order and values as the spread; an
 * own `__proto__` key (Object.assign would set the prototype instead) falls back to the spread.
 */
export function shallowCopy<T extends object>(o: T): T {
  return Object.hasOwn(o, '__proto__') ? { ...o } : Object.assign({}, o);
}

/**
 * `{ ...o, ...keys }` for `keys` written out at the call: the spread literal is as slow as adding keys to a spread
 * copy (3 µs for a container's three defaults, against 0.2 µs for this) whenever `keys` holds keys `o` lacks.
 */
export function withKeys<T extends object, K extends object>(o: T, keys: K): Omit<T, keyof K> & K {
  return Object.assign(shallowCopy(o), keys) as Omit<T, keyof K> & K;
}

/**
 * A deep copy of `o` except the parts it shares (by reference, at the same place) with `stored`, the stored
 * version it was made from, and frozen parts. Equal to structuredClone for JSON-shaped data: key order and
 * undefined-valued keys are kept.
 */
export function copyUnshared<T>(o: T, stored?: unknown): T {
  if (o === stored || o === null || typeof o !== 'object' || Object.isFrozen(o)) return o;
  const s = stored !== null && typeof stored === 'object' ? (stored as Record<string, unknown>) : undefined;
  if (Array.isArray(o)) {
    const sa = Array.isArray(s) ? (s as unknown[]) : undefined;
    const out = new Array(o.length);
    for (let i = 0; i < o.length; i++) out[i] = copyUnshared(o[i], sa?.[i]);
    return out as T;
  }
  if (o instanceof Date) return new Date(o.getTime()) as T;
  // Every own key at once, in order (keys added one by one through this generic code cost a map transition each);
  // the loop then only replaces object values by their copies, and adds inherited enumerable keys as it did.
  const out = Object.assign({}, o) as Record<string, unknown>;
  const so = s !== undefined && !Array.isArray(s) ? s : undefined;
  for (const k in o) {
    const v = (o as Record<string, unknown>)[k];
    if (v !== null && typeof v === 'object') out[k] = copyUnshared(v, so && Object.prototype.hasOwnProperty.call(so, k) ? so[k] : undefined);
    else if (!Object.prototype.hasOwnProperty.call(o, k)) out[k] = v;
  }
  return out as T;
}

/**
 * Whether JSON.stringify(a) === JSON.stringify(b), without building the strings: key order matters, object keys
 * whose value is undefined (or a function) are absent, array holes and undefined elements are null, as are
 * NaN and infinities. Shared references are equal at once.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date || b instanceof Date) return JSON.stringify(a) === JSON.stringify(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return jsonScalar(a) === jsonScalar(b);
  const aa = Array.isArray(a);
  if (aa !== Array.isArray(b)) return false;
  if (aa) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) {
      const u = x[i];
      const v = y[i];
      if (u === v) continue;
      if (!jsonEqual(absentToNull(u), absentToNull(v))) return false;
    }
    return true;
  }
  // Object: walk both key lists in order, skipping keys JSON leaves out.
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const kx = Object.keys(x);
  const ky = Object.keys(y);
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < kx.length && !present(x[kx[i]!])) i++;
    while (j < ky.length && !present(y[ky[j]!])) j++;
    if (i === kx.length || j === ky.length) return i === kx.length && j === ky.length;
    const k = kx[i]!;
    if (k !== ky[j]) return false;
    if (!jsonEqual(x[k], y[k])) return false;
    i++;
    j++;
  }
}

const present = (v: unknown): boolean => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
const absentToNull = (v: unknown): unknown => (present(v) ? v : null);

/** The JSON text of a scalar (null for non-finite numbers). */
function jsonScalar(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return undefined;
  return v;
}

/**
 * Whether the two are equal as JSON once object keys are sorted (Go compares structs, not JSON text): as
 * jsonEqual, but `{a, b}` equals `{b, a}`.
 */
export function jsonEqualUnordered(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return jsonScalar(a) === jsonScalar(b);
  const aa = Array.isArray(a);
  if (aa !== Array.isArray(b)) return false;
  if (aa) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) {
      const u = x[i];
      const v = y[i];
      if (u !== v && !jsonEqualUnordered(absentToNull(u), absentToNull(v))) return false;
    }
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let count = 0;
  for (const k of Object.keys(x)) {
    const u = x[k];
    if (!present(u)) continue;
    count++;
    const v = y[k];
    if (!present(v) || !Object.prototype.hasOwnProperty.call(y, k) || !jsonEqualUnordered(u, v)) return false;
  }
  for (const k of Object.keys(y)) if (present(y[k])) count--;
  return count === 0;
}
