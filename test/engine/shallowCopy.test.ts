import { describe, expect, it } from 'vitest';
import { shallowCopy } from '../../src/engine/store/immutable.js';

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
