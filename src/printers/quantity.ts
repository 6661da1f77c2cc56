/**
 * Minimal resource.Quantity parsing and canonical printing for the printers.
 * Private to src/printers: src/engine/api/quantity.ts did not exist when this was written; switch to it once it does.
 */

export type QuantityFormat = 'BinarySI' | 'DecimalSI';

export interface ParsedQuantity {
  /** The value in base units (cores, bytes); may be fractional (`500m` = 0.5). */
  value: number;
  format: QuantityFormat;
}

const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DECIMAL_SUFFIX = new Map(Object.entries(DECIMAL).map(([s, e]) => [e, s]));

export function parseQuantity(text: string | undefined): ParsedQuantity | undefined {
  if (text === undefined) return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/.exec(String(text).trim());
  if (!m) return undefined;
  const num = Number(m[1]);
  if (m[2]) return { value: num * 10 ** Number(m[2].slice(1)), format: 'DecimalSI' };
  const suffix = m[3] ?? '';
  if (suffix in BINARY) return { value: num * 1024 ** BINARY[suffix]!, format: 'BinarySI' };
  return { value: num * 10 ** DECIMAL[suffix]!, format: 'DecimalSI' };
}

/** Quantity.MilliValue (rounds up). */
export function milliValue(q: ParsedQuantity | undefined): number {
  return q ? Math.ceil(Math.round(q.value * 1e9) / 1e6) : 0;
}

/** Quantity.Value (rounds up). */
export function wholeValue(q: ParsedQuantity | undefined): number {
  return q ? Math.ceil(Math.round(q.value * 1e6) / 1e6) : 0;
}

function formatDecimal(mantissa: bigint, scale: number): string {
  if (mantissa === 0n) return '0';
  let n = mantissa;
  let s = scale;
  while (n % 10n === 0n) {
    n /= 10n;
    s++;
  }
  let s3 = Math.min(18, Math.max(-9, Math.floor(s / 3) * 3));
  if (s < s3) s3 = Math.floor(s / 3) * 3; // below nano: keep the precision we have
  n *= 10n ** BigInt(s - s3);
  return `${n}${DECIMAL_SUFFIX.get(s3) ?? `e${s3}`}`;
}

/** Quantity.String() of a value given in milli-units (`1500` -> `1500m`, `2000` -> `2`). */
export function formatMillis(milli: number): string {
  return formatDecimal(BigInt(Math.round(milli)), -3);
}

/** Quantity.String() of a whole number of base units in the given format (`134217728` BinarySI -> `128Mi`). */
export function formatWhole(value: number, format: QuantityFormat): string {
  const v = Math.round(value);
  if (format === 'BinarySI' && Math.abs(v) >= 1024) {
    let n = BigInt(v);
    let exp = 0;
    while (exp < 6 && n % 1024n === 0n) {
      n /= 1024n;
      exp++;
    }
    if (exp > 0) return `${n}${['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'][exp]}`;
  }
  return formatDecimal(BigInt(v), 0);
}

/** The canonical form kubectl prints for a quantity string (`1024Mi` -> `1Gi`, `0.5` -> `500m`). */
export function canonicalQuantity(text: string | undefined): string {
  const q = parseQuantity(text);
  if (!q) return text ?? '';
  const milli = Math.round(q.value * 1000);
  if (milli % 1000 !== 0) return formatMillis(milli);
  return formatWhole(q.value, q.format);
}
