/** host-local IPAM over a node's podCIDR, as kind's CNI does it: addresses handed out round-robin from .2. */

function toInt(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export class PodCidr {
  private readonly first: number;
  private readonly last: number;
  private readonly used = new Set<number>();
  private cursor: number;

  constructor(readonly cidr: string) {
    const [base, bitsText] = cidr.split('/');
    const bits = Number(bitsText ?? 24);
    const size = 2 ** (32 - bits);
    const network = Math.floor(toInt(base ?? '10.244.0.0') / size) * size;
    // .0 is the network, .1 the bridge gateway, the last the broadcast address.
    this.first = network + 2;
    this.last = network + size - 2;
    this.cursor = this.first - 1;
  }

  /** The next free address after the last one handed out, or undefined when the range is full. */
  allocate(): string | undefined {
    const span = this.last - this.first + 1;
    for (let i = 0; i < span; i++) {
      const candidate = this.first + ((this.cursor - this.first + 1 + i) % span);
      if (!this.used.has(candidate)) {
        this.used.add(candidate);
        this.cursor = candidate;
        return toIp(candidate);
      }
    }
    return undefined;
  }

  release(ip: string): void {
    this.used.delete(toInt(ip));
  }
}
