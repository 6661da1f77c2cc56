import { describe, expect, it } from 'vitest';
import {
  canonicalQuantity, compareQuantities, formatBytes, formatCpuMillis, parseBytes, parseCpuMillis, parseQuantity,
  parseQuantityExact, QuantityError, quantityError,
} from '../../../src/engine/api/quantity.js';

const FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

describe('parseCpuMillis', () => {
  it.each([
    ['500m', 500],
    ['1', 1000],
    ['1.5', 1500],
    ['0.1', 100],
    ['2', 2000],
    ['100k', 100_000_000],
    ['1e3', 1_000_000],
    ['0.5m', 1], // MilliValue rounds up
    ['250000u', 250],
    ['+3', 3000],
  ])('%s -> %i millicores', (q, want) => {
    expect(parseCpuMillis(q)).toBe(want);
  });

  it('accepts JSON numbers from manifests', () => {
    expect(parseCpuMillis(2)).toBe(2000);
    expect(parseCpuMillis(0.25)).toBe(250);
  });
});

describe('parseBytes', () => {
  it.each([
    ['128Mi', 134_217_728],
    ['1Gi', 1_073_741_824],
    ['2G', 2_000_000_000],
    ['1e3', 1000],
    ['100k', 100_000],
    ['1.5Gi', 1_610_612_736],
    ['512Ki', 524_288],
    ['1E3', 1000],
    ['1E', 1e18],
    ['0', 0],
    ['1.', 1],
    ['.5Ki', 512],
  ])('%s -> %i bytes', (q, want) => {
    expect(parseBytes(q)).toBe(want);
  });
});

describe('parseQuantity', () => {
  it.each([
    ['500m', 0.5],
    ['1.5', 1.5],
    ['1Ki', 1024],
    ['-2', -2],
    ['1n', 1e-9],
  ])('%s -> %d', (q, want) => {
    expect(parseQuantity(q)).toBeCloseTo(want, 12);
  });
});

describe('invalid quantities', () => {
  it.each([
    ['abc', FORMAT],
    ['', FORMAT],
    ['1Gb', FORMAT],
    ['1 Gi', FORMAT],
    ['1.5.5', FORMAT],
    ['1kk', "unable to parse quantity's suffix"],
    ['1e', "unable to parse quantity's suffix"],
    ['1Gi3', "unable to parse quantity's suffix"],
  ])('%j -> %s', (q, message) => {
    expect(quantityError(q)).toBe(message);
    expect(() => parseCpuMillis(q)).toThrow(QuantityError);
    expect(() => parseBytes(q)).toThrow(message);
  });

  it('returns undefined for a valid quantity', () => {
    expect(quantityError('128Mi')).toBeUndefined();
  });
});

describe('canonical form (Quantity.String)', () => {
  it.each([
    ['1', '1'],
    ['1000m', '1'],
    ['1.5', '1500m'],
    ['0.5', '500m'],
    ['1500', '1500'],
    ['2000', '2k'],
    ['100k', '100k'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['2048Ki', '2Mi'],
    ['0.5Gi', '512Mi'],
    ['1.5Ki', '1536'],
    ['1000Ki', '1000Ki'],
    ['1e3', '1e3'],
    ['1e2', '100'],
    ['0', '0'],
    ['0.0000000001', '1n'],
    ['12e-1', '1200e-3'], // DecimalExponent keeps its notation, as in Go
  ])('%s prints as %s', (q, want) => {
    expect(canonicalQuantity(q)).toBe(want);
  });
});

describe('formatCpuMillis / formatBytes (kubectl describe)', () => {
  it.each([
    [500, '500m'],
    [1000, '1'],
    [1500, '1500m'],
    [2000, '2'],
    [250, '250m'],
    [0, '0'],
    [100_000, '100'],
  ])('%i millicores -> %s', (m, want) => {
    expect(formatCpuMillis(m)).toBe(want);
  });

  it.each([
    [134_217_728, '128Mi'],
    [17_179_869_184, '16Gi'],
    [1_073_741_824, '1Gi'],
    [1000, '1k'],
    [512, '512'],
    [1500, '1500'],
    [209_715_200, '200Mi'],
    [0, '0'],
  ])('%i bytes -> %s', (b, want) => {
    expect(formatBytes(b)).toBe(want);
  });
});

describe('compareQuantities', () => {
  it.each([
    ['1', '1000m', 0],
    ['2', '1', 1],
    ['512Mi', '1Gi', -1],
    ['1G', '1Gi', -1],
    ['0.1', '100m', 0],
  ])('%s vs %s -> %i', (a, b, want) => {
    expect(compareQuantities(parseQuantityExact(a), parseQuantityExact(b))).toBe(want);
  });
});
