/** IPv4 arithmetic for the service CIDR: parsing, offsets from the first usable address, formatting. */

export interface Ipv4Cidr {
  readonly text: string;
  /** The network address as an unsigned 32-bit number. */
  readonly network: number;
  readonly prefix: number;
}

export function parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    // Go's netip parser (used by validation since 1.30) rejects leading zeros.
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const v = Number(part);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseCidr(text: string): Ipv4Cidr {
  const [ip, bits] = text.split('/');
  const network = parseIpv4(ip ?? '');
  const prefix = Number(bits);
  if (network === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`invalid CIDR ${text}`);
  return { text, network, prefix };
}

/** Addresses the allocator hands out: all but the network and broadcast addresses. */
export function usableSize(cidr: Ipv4Cidr): number {
  return Math.max(0, 2 ** (32 - cidr.prefix) - 2);
}

export function cidrSize(cidr: Ipv4Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

/** The offset of an address from the first usable one, or undefined when outside the usable range. */
export function offsetOf(cidr: Ipv4Cidr, ip: number): number | undefined {
  const offset = ip - cidr.network - 1;
  return offset >= 0 && offset < usableSize(cidr) ? offset : undefined;
}

export function ipAt(cidr: Ipv4Cidr, offset: number): string {
  return formatIpv4(cidr.network + 1 + offset);
}
