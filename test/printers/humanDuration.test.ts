import { describe, it, expect } from 'vitest';
import { age, humanDuration, shortHumanDuration } from '../../src/printers/humanDuration.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

describe('humanDuration (k8s.io/apimachinery HumanDuration)', () => {
  it.each([
    [-2 * s, '<invalid>'],
    [-1500, '0s'],
    [-1 * s, '0s'],
    [0, '0s'],
    [999, '0s'],
    [1 * s, '1s'],
    [59 * s, '59s'],
    [60 * s, '60s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [2 * m + 1 * s, '2m1s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m, '10m'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [3 * h + 5 * m, '3h5m'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h, '8h'],
    [8 * h + 30 * m, '8h'],
    [47 * h, '47h'],
    [48 * h, '2d'],
    [2 * d + 5 * h, '2d5h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d, '8d'],
    [729 * d, '729d'],
    [2 * y, '2y'],
    [2 * y + 10 * d, '2y10d'],
    [7 * y + 364 * d, '7y364d'],
    [8 * y, '8y'],
    [20 * y + 100 * d, '20y'],
  ])('%d ms -> %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('shortHumanDuration', () => {
  it.each([
    [-2 * s, '<invalid>'],
    [-1 * s, '0s'],
    [59 * s, '59s'],
    [90 * s, '1m'],
    [59 * m, '59m'],
    [23 * h, '23h'],
    [300 * d, '300d'],
    [3 * y, '3y'],
  ])('%d ms -> %s', (ms, text) => {
    expect(shortHumanDuration(ms)).toBe(text);
  });
});

describe('age', () => {
  const now = Date.parse('2025-01-01T01:00:00Z');
  it('measures from the timestamp to now', () => {
    expect(age('2025-01-01T00:55:00Z', now)).toBe('5m');
    expect(age('2025-01-01T00:00:00Z', now)).toBe('60m');
  });
  it('is <unknown> without a timestamp', () => {
    expect(age(undefined, now)).toBe('<unknown>');
    expect(age('', now)).toBe('<unknown>');
  });
});
