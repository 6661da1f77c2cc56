import { describe, expect, it } from 'vitest';
import { copyUnshared, shallowCopy, withKeys } from '../../src/engine/store/immutable.js';

describe('shallowCopy', () => {
  it('gives what a spread gives: same keys in the same order, shared values, a new object', () => {
    const inner = { x: 1 };
    const o = { b: 1, a: inner, u: undefined, 2: 'two', 1: 'one' };
    const copy = shallowCopy(o);
    expect(copy).not.toBe(o);
    expect(Object.keys(copy)).toEqual(Object.keys({ ...o }));
    expect(copy.a).toBe(inner);
    expect(JSON.stringify(copy)).toBe(JSON.stringify({ ...o }));
  });

  it('keeps an own __proto__ key as a key, as a spread does', () => {
    const o = JSON.parse('{"a": 1, "__proto__": {"polluted": true}}') as Record<string, unknown>;
    const copy = shallowCopy(o);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(JSON.stringify(copy)).toBe(JSON.stringify({ ...o }));
  });
});

describe('withKeys', () => {
  it('gives what a spread with keys after it gives: keys it replaces keep their place, new ones come last', () => {
    const inner = { x: 1 };
    const o = { b: 1, a: inner, u: undefined, 1: 'one' };
    const out = withKeys(o, { c: 3, b: 2, u: 'set', 0: 'zero' });
    expect(out).not.toBe(o);
    expect(Object.keys(out)).toEqual(Object.keys({ ...o, c: 3, b: 2, u: 'set', 0: 'zero' }));
    expect(JSON.stringify(out)).toBe(JSON.stringify({ ...o, c: 3, b: 2, u: 'set', 0: 'zero' }));
    expect(out.a).toBe(inner);
    expect(o).toEqual({ b: 1, a: inner, u: undefined, 1: 'one' });
  });

  it('keeps an own __proto__ key of the object as a key', () => {
    const o = JSON.parse('{"a": 1, "__proto__": {"polluted": true}}') as Record<string, unknown>;
    const out = withKeys(o, { b: 2 });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe(JSON.stringify({ ...o, b: 2 }));
  });
});

describe('copyUnshared', () => {
  it('is a deep copy with the same keys in the same order, sharing only what it shares with the stored version', () => {
    const stored = { spec: { a: [1, 2] }, status: { phase: 'Running' } };
    const o = { z: 1, spec: stored.spec, status: { ...stored.status, conditions: [{ type: 'Ready' }] }, u: undefined, 1: 'x' };
    const copy = copyUnshared(o, stored);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(o));
    expect(Object.keys(copy)).toEqual(Object.keys(o));
    expect(copy.spec).toBe(stored.spec);
    expect(copy.status).not.toBe(o.status);
    expect(copy.status.conditions).not.toBe(o.status.conditions);
    expect(copy.status.conditions[0]).toEqual({ type: 'Ready' });
  });

  it('copies inherited enumerable keys as own ones, as it always did', () => {
    const o = Object.create({ inherited: { deep: true } }) as Record<string, unknown>;
    o.own = 1;
    const copy = copyUnshared(o) as Record<string, unknown>;
    expect(Object.keys(copy)).toEqual(['own', 'inherited']);
    expect(copy.inherited).toEqual({ deep: true });
    expect(copy.inherited).not.toBe((o as { inherited: unknown }).inherited);
  });
});
