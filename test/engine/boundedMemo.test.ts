import { describe, expect, it } from 'vitest';
import { BoundedMemo } from '../../src/engine/boundedMemo.js';

describe('BoundedMemo', () => {
  it('computes a key once, keeps falsy results, and forgets everything when full', () => {
    const calls: string[] = [];
    const memo = new BoundedMemo<number>(3);
    const length = (key: string) => memo.get(key, (k) => (calls.push(k), k.length));
    expect([length(''), length('ab'), length(''), length('ab')]).toEqual([0, 2, 0, 2]);
    expect(calls).toEqual(['', 'ab']);
    length('abc'); // the third key: full now
    length('abcd'); // forgets the three, keeps this one
    expect(memo.peek('ab')).toBeUndefined();
    expect(memo.peek('abcd')).toBe(4);
    length('ab');
    expect(calls).toEqual(['', 'ab', 'abc', 'abcd', 'ab']);
  });
});
