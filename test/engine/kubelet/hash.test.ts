import { describe, expect, it } from 'vitest';
import { hash32, hexId, prefixedHexId } from '../../../src/engine/kubelet/hash.js';

const word = (seed: number, ...parts: (string | number)[]): string => hash32(seed, ...parts).toString(16).padStart(8, '0');

describe('hex ids', () => {
  it('are the words hash32(seed, ...parts, 0), (…, 1), … in hex, cut to the length', () => {
    const expected = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => word(7, 'container', 'default/web-1/app/0', i)).join('');
    expect(hexId(64, 7, 'container', 'default/web-1/app/0')).toBe(expected);
    expect(hexId(12, 7, 'container', 'default/web-1/app/0')).toBe(expected.slice(0, 12));
    expect(hexId(64, 8, 'container', 'default/web-1/app/0')).not.toBe(expected);
  });

  it('with a prefix are the prefix and the same digits', () => {
    const id = prefixedHexId('containerd://', 64, 3, 'container', 'x');
    expect(id).toBe(`containerd://${hexId(64, 3, 'container', 'x')}`);
    expect(id).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(prefixedHexId('', 5, 3, 'x')).toBe(hexId(5, 3, 'x'));
  });
});
