/**
 * Kubernetes resource.Quantity: parsing ("500m", "1.5", "128Mi", "1e3") and canonical printing (Quantity.String()),
 * with the same rules and error messages as k8s.io/apimachinery/pkg/api/resource.
 *
 * Values are kept exact (a bigint mantissa times a power of ten, rounded up to nano precision like the API server),
 * so "0.1" + "0.2" style float drift never shows up in canonical output or in request/limit comparisons.
 *
 * Invalid input: the `parse*` functions THROW a QuantityError carrying the API server's message;
 * `quantityError()` returns that message (or undefined) without throwing.
 */
import type { Quantity } from './meta.js';
import { BoundedMemo } from '../boundedMemo.js';

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** An exact quantity: mantissa × 10^exponent, plus the format it was written in (which decides how it prints). */
export interface ParsedQuantity {
  readonly mantissa: bigint;
  readonly exponent: number;
  readonly format: QuantityFormat;
}

export const QUANTITY_FORMAT_MESSAGE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_NUMERIC_MESSAGE = 'unable to parse numeric part of quantity';
export const QUANTITY_SUFFIX_MESSAGE = "unable to parse quantity's suffix";

export class QuantityError extends Error {
  override readonly name = 'QuantityError';
}

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_NAMES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;
const SUFFIX_CHARS = 'eEinumkKMGTP';
const NANO = -9;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const pow10 = (n: number): bigint => 10n ** BigInt(n);

interface Split {
  negative: boolean;
  whole: string;
  fraction: string;
  suffix: string;
}

/** resource.parseQuantityString: sign, digits, optional fraction, then a suffix of [eEinumkKMGTP]*[-+]?[0-9]*. */
function split(text: string): Split {
  if (text.length === 0) throw new QuantityError(QUANTITY_FORMAT_MESSAGE);
  let pos = 0;
  let negative = false;
  if (text[0] === '-' || text[0] === '+') {
    negative = text[0] === '-';
    pos++;
  }
  const wholeStart = pos;
  while (isDigit(text[pos])) pos++;
  const whole = text.slice(wholeStart, pos);
  let fraction = '';
  if (text[pos] === '.') {
    const start = ++pos;
    while (isDigit(text[pos])) pos++;
    fraction = text.slice(start, pos);
  }
  const suffixStart = pos;
  while (pos < text.length && SUFFIX_CHARS.includes(text[pos]!)) pos++;
  if (text[pos] === '-' || text[pos] === '+') pos++;
  while (isDigit(text[pos])) pos++;
  if (pos < text.length) throw new QuantityError(QUANTITY_FORMAT_MESSAGE);
  return { negative, whole, fraction, suffix: text.slice(suffixStart) };
}

function interpretSuffix(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } {
  if (suffix in DECIMAL_SUFFIXES) return { base: 10, exponent: DECIMAL_SUFFIXES[suffix]!, format: 'DecimalSI' };
  if (suffix in BINARY_SUFFIXES) return { base: 2, exponent: BINARY_SUFFIXES[suffix]!, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    return { base: 10, exponent: Number(suffix.slice(1)), format: 'DecimalExponent' };
  }
  throw new QuantityError(QUANTITY_SUFFIX_MESSAGE);
}

/** Divides rounding away from zero (inf.RoundUp), as the API server does below nano precision. */
function divideRoundUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  if (q * d === n) return q;
  return n < 0n ? q - 1n : q + 1n;
}

function normalize(mantissa: bigint, exponent: number, format: QuantityFormat): ParsedQuantity {
  if (mantissa === 0n) return { mantissa: 0n, exponent: 0, format };
  if (exponent < NANO) {
    mantissa = divideRoundUp(mantissa, pow10(NANO - exponent));
    exponent = NANO;
  }
  while (mantissa !== 0n && mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  return { mantissa, exponent, format };
}

/**
 * Parsed quantity texts. The same few ("100m", "64Mi") are parsed for every pod, by validation, the scheduler and the
 * kubelets: a parse is a pure function of the text, so its result (frozen) is kept. Texts that fail are not kept (they
 * throw again). Cleared when full, so odd inputs cannot grow it without bound.
 */
const parsedTexts = new BoundedMemo<ParsedQuantity>(4096);
const milliTexts = new BoundedMemo<number>(4096);
const byteTexts = new BoundedMemo<number>(4096);

/** Parses a quantity exactly. Throws QuantityError with the API server's message. */
export function parseQuantityExact(q: Quantity | number): ParsedQuantity {
  if (typeof q !== 'string') return parseText(q);
  return parsedTexts.get(q, () => Object.freeze(parseText(q)));
}

function parseText(q: Quantity | number): ParsedQuantity {
  const text = typeof q === 'number' ? numberText(q) : String(q);
  const parts = split(text);
  const { base, exponent, format } = interpretSuffix(parts.suffix);
  const digits = `${parts.whole}${parts.fraction}`.replace(/^0+/, '') || '0';
  let mantissa = BigInt(digits);
  let exp = -parts.fraction.length;
  if (base === 2) mantissa *= 1024n ** BigInt(exponent);
  else exp += exponent;
  if (parts.negative) mantissa = -mantissa;
  return normalize(mantissa, exp, format);
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new QuantityError(QUANTITY_FORMAT_MESSAGE);
  // Numbers in manifests (`cpu: 2`, `cpu: 0.5`) arrive as JSON numbers; Go decodes their literal text.
  return String(n).replace('e+', 'e');
}

/** The API server's message for a malformed quantity, or undefined when it parses. */
export function quantityError(q: Quantity | number): string | undefined {
  try {
    parseQuantityExact(q);
    return undefined;
  } catch (e) {
    if (e instanceof QuantityError) return e.message;
    throw e;
  }
}

/** The value in base units (cores, bytes, count); may be fractional ("500m" -> 0.5). Throws QuantityError. */
export function parseQuantity(q: Quantity | number): number {
  const p = parseQuantityExact(q);
  return Number(p.mantissa) * 10 ** p.exponent;
}

/** Quantity.ScaledValue: the value in units of 10^scale, rounded away from zero. */
function scaledValue(p: ParsedQuantity, scale: number): number {
  const shift = p.exponent - scale;
  return Number(shift >= 0 ? p.mantissa * pow10(shift) : divideRoundUp(p.mantissa, pow10(-shift)));
}

/** Quantity.MilliValue: CPU in millicores ("500m" -> 500, "1.5" -> 1500, "1" -> 1000). Throws QuantityError. */
export function parseCpuMillis(q: Quantity | number): number {
  if (typeof q !== 'string') return scaledValue(parseQuantityExact(q), -3);
  return milliTexts.get(q, () => scaledValue(parseQuantityExact(q), -3));
}

/** Quantity.Value: whole base units, rounded up ("128Mi" -> 134217728, "1G" -> 1e9). Throws QuantityError. */
export function parseBytes(q: Quantity | number): number {
  if (typeof q !== 'string') return scaledValue(parseQuantityExact(q), 0);
  return byteTexts.get(q, () => scaledValue(parseQuantityExact(q), 0));
}

/** -1, 0, 1 as a < b, a == b, a > b (Quantity.Cmp). */
export function compareQuantities(a: ParsedQuantity, b: ParsedQuantity): number {
  const e = Math.min(a.exponent, b.exponent);
  const x = a.mantissa * pow10(a.exponent - e);
  const y = b.mantissa * pow10(b.exponent - e);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Quantity.String(): the canonical form the API server stores and kubectl prints ("1.5" -> "1500m", "1024Mi" -> "1Gi"). */
export function formatQuantity(p: ParsedQuantity): string {
  if (p.mantissa === 0n) return '0';
  if (p.format === 'BinarySI' && p.exponent >= 0) {
    const whole = p.mantissa * pow10(p.exponent);
    if (whole <= -1024n || whole >= 1024n) return formatBinary(whole);
  }
  return formatDecimal(p.mantissa, p.exponent, p.format === 'DecimalExponent' ? 'DecimalExponent' : 'DecimalSI');
}

function formatBinary(whole: bigint): string {
  let n = whole;
  let power = 0;
  while (power < BINARY_NAMES.length - 1 && n % 1024n === 0n) {
    n /= 1024n;
    power++;
  }
  return `${n}${BINARY_NAMES[power]}`;
}

function formatDecimal(mantissa: bigint, exponent: number, format: 'DecimalSI' | 'DecimalExponent'): string {
  let m = mantissa;
  let e = exponent;
  const r = e % 3; // Go's % keeps the dividend's sign, as JavaScript's does
  if (r === 1 || r === -2) {
    m *= 10n;
    e -= 1;
  } else if (r === 2 || r === -1) {
    m *= 100n;
    e -= 2;
  }
  if (format === 'DecimalExponent') return e === 0 ? `${m}` : `${m}e${e}`;
  const suffix = DECIMAL_BY_EXPONENT.get(e);
  return suffix !== undefined ? `${m}${suffix}` : `${m}e${e}`;
}

/** The canonical form of a quantity string ("0.5" -> "500m", "2048Ki" -> "2Mi"). Throws QuantityError. */
export function canonicalQuantity(q: Quantity | number): string {
  return formatQuantity(parseQuantityExact(q));
}

/** resource.NewMilliQuantity(m, DecimalSI).String(): 500 -> "500m", 2000 -> "2", 1500 -> "1500m". */
export function formatCpuMillis(millis: number): string {
  return formatQuantity(normalize(BigInt(Math.round(millis)), -3, 'DecimalSI'));
}

/** resource.NewQuantity(b, BinarySI).String(): 134217728 -> "128Mi", 17179869184 -> "16Gi", 1000 -> "1k". */
export function formatBytes(bytes: number): string {
  return formatQuantity(normalize(BigInt(Math.round(bytes)), 0, 'BinarySI'));
}
