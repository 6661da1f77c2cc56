/**
 * The Service registry's allocators (pkg/registry/core/service/storage): ClusterIPs from 10.96.0.0/12 and node ports
 * from 30000-32767, taken on create and update inside the API server's write path, released when a Service goes.
 * Errors are the API server's, word for word.
 */
import type { AnyObject, Service, ServicePort } from '../api/types.js';
import { goString } from '../api/validation.js';
import type { ApiServer } from '../apiServer.js';
import { ApiError, invalid, type FieldError } from '../errors.js';
import type { SeededRandom } from '../random.js';
import { BitmapAllocator, rangeOffset } from './bitmapAllocator.js';
import { cidrSize, ipAt, offsetOf, parseCidr, parseIpv4, usableSize, type Ipv4Cidr } from './ipRange.js';

export const SERVICE_CIDR = '10.96.0.0/12';
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

type ServiceSpec = Service['spec'];

const needsClusterIP = (spec: ServiceSpec | undefined) => (spec?.type ?? 'ClusterIP') !== 'ExternalName';
const needsNodePort = (spec: ServiceSpec | undefined) => spec?.type === 'NodePort' || spec?.type === 'LoadBalancer';
/** LoadBalancer services get node ports unless `allocateLoadBalancerNodePorts: false`. */
const shouldAllocateNodePorts = (spec: ServiceSpec) =>
  spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && (spec as { allocateLoadBalancerNodePorts?: boolean }).allocateLoadBalancerNodePorts !== false);

const goStringSlice = (v: readonly string[]) => `[]string{${v.map(goString).join(', ')}}`;

/** One write's allocations: undone if the write fails, releases applied only once it succeeds. */
interface Transaction {
  ips: number[];
  ports: number[];
  releaseIps: number[];
  releasePorts: number[];
}

export class ServiceAllocators {
  readonly cidr: Ipv4Cidr;
  private readonly ips: BitmapAllocator;
  private readonly ports: BitmapAllocator;

  constructor(api: ApiServer, random: SeededRandom, cidr = SERVICE_CIDR) {
    this.cidr = parseCidr(cidr);
    this.ips = new BitmapAllocator(usableSize(this.cidr), rangeOffset(cidrSize(this.cidr), 16, 256, 16), random);
    const portCount = NODE_PORT_MAX - NODE_PORT_MIN + 1;
    this.ports = new BitmapAllocator(portCount, rangeOffset(portCount, 16, 128, 32), random);
    for (const svc of api.store.list('Service')) this.adopt(svc);
    api.admission.push((o, old) => (o.kind === 'Service' ? this.admit(o, old as Service | undefined) : o));
    api.watch({ kinds: ['Service'] }, (e) => {
      if (e.type === 'DELETED') this.releaseAll(e.object as Service);
    });
  }

  /** Whether an IP of the service range is taken (for the dashboard and tests). */
  isIpAllocated(ip: string): boolean {
    const offset = this.ipOffset(ip);
    return offset !== undefined && this.ips.has(offset);
  }

  isNodePortAllocated(port: number): boolean {
    return this.ports.has(port - NODE_PORT_MIN);
  }

  get allocatedIpCount(): number {
    return this.ips.count;
  }

  get allocatedNodePortCount(): number {
    return this.ports.count;
  }

  private admit(svc: Service, old: Service | undefined): AnyObject {
    const spec: ServiceSpec = { ...svc.spec, ...(svc.spec.ports ? { ports: svc.spec.ports.map((p) => ({ ...p })) } : {}) };
    if (old) patchAllocatedValues(spec, old.spec);
    normalizeClusterIPs(spec);
    const tx: Transaction = { ips: [], ports: [], releaseIps: [], releasePorts: [] };
    try {
      this.admitClusterIP(svc, spec, old?.spec, tx);
      if (old && needsNodePort(old.spec)) this.updateNodePorts(svc, spec, old.spec, tx);
      else this.initNodePorts(svc, spec, tx);
    } catch (e) {
      for (const i of tx.ips) this.ips.release(i);
      for (const p of tx.ports) this.ports.release(p);
      throw e;
    }
    for (const i of tx.releaseIps) this.ips.release(i);
    for (const p of tx.releasePorts) this.ports.release(p);
    return { ...svc, spec };
  }

  private admitClusterIP(svc: Service, spec: ServiceSpec, old: ServiceSpec | undefined, tx: Transaction): void {
    const oldIp = old && needsClusterIP(old) ? old.clusterIP : undefined;
    if (!needsClusterIP(spec)) {
      const offset = oldIp ? this.ipOffset(oldIp) : undefined;
      if (offset !== undefined) tx.releaseIps.push(offset);
      return;
    }
    if (spec.clusterIP === 'None') return;
    if (oldIp && spec.clusterIP === oldIp) return;
    if (!spec.clusterIP) {
      const offset = this.ips.allocateNext();
      if (offset === undefined) throw new ApiError('InternalError', 'Internal error occurred: failed to allocate a serviceIP: range is full');
      tx.ips.push(offset);
      spec.clusterIP = ipAt(this.cidr, offset);
      spec.clusterIPs = [spec.clusterIP];
      return;
    }
    const ip = spec.clusterIP;
    const parsed = parseIpv4(ip);
    const fail = (error: FieldError) => invalid('Service', svc.metadata.name ?? '', [error]);
    if (parsed === undefined) {
      throw fail({ field: 'spec.clusterIPs[0]', type: 'Invalid value', value: goString(ip), detail: 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)' });
    }
    const offset = offsetOf(this.cidr, parsed);
    const allocError = (reason: string) =>
      fail({ field: 'spec.clusterIPs', type: 'Invalid value', value: goStringSlice(spec.clusterIPs ?? [ip]), detail: `failed to allocate IP ${ip}: ${reason}` });
    if (offset === undefined) {
      throw allocError(`the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.cidr.text}`);
    }
    if (!this.ips.allocate(offset)) throw allocError('provided IP is already allocated');
    tx.ips.push(offset);
  }

  /** initNodePorts: ports sharing a port number (TCP and UDP 53) share one node port. */
  private initNodePorts(svc: Service, spec: ServiceSpec, tx: Transaction): void {
    const ports = spec.ports ?? [];
    const byServicePort = new Map<number, number>();
    ports.forEach((p, i) => {
      if (!p.nodePort && !shouldAllocateNodePorts(spec)) return;
      const allocated = byServicePort.get(p.port);
      if (allocated === undefined) {
        const requested = ports.find((q) => q.port === p.port && q.nodePort)?.nodePort;
        if (requested) {
          this.allocatePort(svc, requested, i, tx);
          p.nodePort = requested;
        } else {
          p.nodePort = this.allocateNextPort(tx);
        }
        byServicePort.set(p.port, p.nodePort);
      } else if (p.nodePort !== allocated) {
        if (!p.nodePort) p.nodePort = allocated;
        else this.allocatePort(svc, p.nodePort, i, tx);
      }
    });
  }

  private updateNodePorts(svc: Service, spec: ServiceSpec, old: ServiceSpec, tx: Transaction): void {
    const oldPorts = new Set((old.ports ?? []).map((p) => p.nodePort).filter((n): n is number => !!n));
    const taken = new Set<number>();
    (spec.ports ?? []).forEach((p, i) => {
      if (!p.nodePort && !shouldAllocateNodePorts(spec)) return;
      if (p.nodePort) {
        if (!oldPorts.has(p.nodePort) && !taken.has(p.nodePort)) {
          this.allocatePort(svc, p.nodePort, i, tx);
          taken.add(p.nodePort);
        }
      } else {
        p.nodePort = this.allocateNextPort(tx);
      }
    });
    const kept = new Set((spec.ports ?? []).map((p) => p.nodePort));
    for (const n of oldPorts) if (!kept.has(n)) tx.releasePorts.push(n - NODE_PORT_MIN);
  }

  private allocatePort(svc: Service, port: number, index: number, tx: Transaction): void {
    const offset = port - NODE_PORT_MIN;
    let reason: string | undefined;
    if (offset < 0 || offset >= this.ports.size) {
      reason = `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`;
    } else if (!this.ports.allocate(offset)) {
      reason = 'provided port is already allocated';
    }
    if (reason) {
      throw invalid('Service', svc.metadata.name ?? '', [{ field: `spec.ports[${index}].nodePort`, type: 'Invalid value', value: String(port), detail: reason }]);
    }
    tx.ports.push(offset);
  }

  private allocateNextPort(tx: Transaction): number {
    const offset = this.ports.allocateNext();
    if (offset === undefined) throw new ApiError('InternalError', 'Internal error occurred: failed to allocate a nodePort: range is full');
    tx.ports.push(offset);
    return NODE_PORT_MIN + offset;
  }

  private adopt(svc: Service): void {
    const offset = svc.spec.clusterIP ? this.ipOffset(svc.spec.clusterIP) : undefined;
    if (offset !== undefined && needsClusterIP(svc.spec)) this.ips.allocate(offset);
    for (const p of svc.spec.ports ?? []) if (p.nodePort) this.ports.allocate(p.nodePort - NODE_PORT_MIN);
  }

  private releaseAll(svc: Service): void {
    const offset = svc.spec.clusterIP ? this.ipOffset(svc.spec.clusterIP) : undefined;
    if (offset !== undefined && needsClusterIP(svc.spec)) this.ips.release(offset);
    for (const p of svc.spec.ports ?? []) if (p.nodePort) this.ports.release(p.nodePort - NODE_PORT_MIN);
  }

  private ipOffset(ip: string): number | undefined {
    const parsed = parseIpv4(ip);
    return parsed === undefined ? undefined : offsetOf(this.cidr, parsed);
  }
}

/** `clusterIP` and `clusterIPs[0]` are one value: whichever the user gave fills the other. */
function normalizeClusterIPs(spec: ServiceSpec): void {
  if (!needsClusterIP(spec)) return;
  if (spec.clusterIP && !(spec.clusterIPs && spec.clusterIPs.length > 0)) spec.clusterIPs = [spec.clusterIP];
  else if (!spec.clusterIP && spec.clusterIPs && spec.clusterIPs.length > 0) spec.clusterIP = spec.clusterIPs[0];
}

/**
 * patchAllocatedValues: an update that leaves out the ClusterIP or a node port (a replace of a manifest that never
 * named them) keeps the allocated ones. Node ports carry over by port name.
 */
function patchAllocatedValues(spec: ServiceSpec, old: ServiceSpec): void {
  if (needsClusterIP(old) && needsClusterIP(spec)) {
    if (!spec.clusterIP) spec.clusterIP = old.clusterIP;
    if (!(spec.clusterIPs && spec.clusterIPs.length > 0) && old.clusterIPs && old.clusterIPs.length > 0) spec.clusterIPs = old.clusterIPs;
  }
  if (needsNodePort(old) && needsNodePort(spec)) {
    const used = new Set((spec.ports ?? []).map((p) => p.nodePort).filter((n) => !!n));
    const byName = new Map<string, number | undefined>((old.ports ?? []).map((p: ServicePort) => [p.name ?? '', p.nodePort]));
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      const previous = byName.get(p.name ?? '');
      if (previous && !used.has(previous)) p.nodePort = previous;
    }
  }
}
