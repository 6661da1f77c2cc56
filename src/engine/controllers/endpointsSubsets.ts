/**
 * What the endpoints controller computes for one Service, as pure functions (pkg/controller/endpoint and
 * pkg/api/v1/endpoints): which pods count, their addresses and ports, the canonical repacking of subsets, and the
 * 1000-address truncation.
 */
import type { EndpointAddress, EndpointPort, EndpointSubset, Pod, Service, ServicePort } from '../api/types.js';

/** The Endpoints API keeps at most this many addresses (endpoints.kubernetes.io/over-capacity: truncated). */
export const MAX_ENDPOINT_ADDRESSES = 1000;

export const isPodReady = (pod: Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

const isTerminal = (pod: Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/** ShouldPodBeInEndpoints: not finished, has an IP, and not terminating unless terminating ones are tolerated. */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isTerminal(pod)) return false;
  if (!pod.status?.podIP && !(pod.status?.podIPs && pod.status.podIPs.length > 0)) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

/** FindPort: a numeric targetPort as is; a named one from the containers' (and sidecars') ports of the same protocol. */
export function findPort(pod: Pod, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  const protocol = servicePort.protocol ?? 'TCP';
  const sidecars = (pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  for (const c of [...pod.spec.containers, ...sidecars]) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

/** One address offered on one port (or on no port: a headless service without ports). */
export interface EndpointEntry {
  address: EndpointAddress;
  ready: boolean;
  port: EndpointPort | undefined;
}

/** What one pod adds to a Service's Endpoints; empty when it does not belong there. */
export function podEndpointEntries(svc: Service, pod: Pod): EndpointEntry[] {
  const publishNotReady = svc.spec.publishNotReadyAddresses === true;
  if (!shouldPodBeInEndpoints(pod, publishNotReady)) return [];
  const address: EndpointAddress = {
    ip: pod.status?.podIP || pod.status!.podIPs![0]!.ip,
    nodeName: pod.spec.nodeName ?? '',
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name!, uid: pod.metadata.uid },
  };
  if (pod.spec.hostname && pod.spec.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace) {
    address.hostname = pod.spec.hostname;
  }
  const ready = publishNotReady || isPodReady(pod);
  const ports = svc.spec.ports ?? [];
  if (ports.length === 0) return svc.spec.clusterIP === 'None' ? [{ address, ready, port: undefined }] : [];
  const entries: EndpointEntry[] = [];
  for (const sp of ports) {
    const portNum = findPort(pod, sp);
    if (portNum === undefined) continue;
    const port: EndpointPort = { port: portNum, protocol: sp.protocol ?? 'TCP' };
    if (sp.name) port.name = sp.name;
    entries.push({ address, ready, port });
  }
  return entries;
}

const addressKey = (a: EndpointAddress) => `${a.ip}\u0000${a.targetRef?.uid ?? ''}`;
const portKey = (p: EndpointPort | undefined) => (p ? `${p.name ?? ''}\u0000${p.port}\u0000${p.protocol ?? ''}` : '');

/** LessEndpointAddress: by IP (as a string), then by the target's uid. */
function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const ua = a.targetRef?.uid ?? '';
  const ub = b.targetRef?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/**
 * RepackSubsets: the canonical form. Every port maps to the set of addresses offering it (ready wins over not
 * ready); ports with the same address set share one subset; addresses are sorted. Go orders ports and subsets by a
 * hash of their contents; here ports keep the Service's order and subsets go by their first address, which is as
 * stable and reads better.
 */
export function repackSubsets(entries: readonly EndpointEntry[]): EndpointSubset[] {
  const addresses = new Map<string, EndpointAddress>();
  const portAddrs = new Map<string, { port: EndpointPort | undefined; ready: Map<string, boolean> }>();
  for (const e of entries) {
    const ak = addressKey(e.address);
    if (!addresses.has(ak)) addresses.set(ak, e.address);
    const pk = portKey(e.port);
    let slot = portAddrs.get(pk);
    if (!slot) portAddrs.set(pk, (slot = { port: e.port, ready: new Map() }));
    if (slot.ready.get(ak) !== true) slot.ready.set(ak, e.ready);
  }
  const groups = new Map<string, { ready: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, ready } of portAddrs.values()) {
    const signature = [...ready.entries()].map(([k, r]) => `${k}\u0000${r ? 1 : 0}`).sort().join('\u0001');
    let g = groups.get(signature);
    if (!g) groups.set(signature, (g = { ready, ports: [] }));
    if (port) g.ports.push(port);
  }
  const subsets: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [k, r] of g.ready) (r ? ready : notReady).push(addresses.get(k)!);
    ready.sort(compareAddresses);
    notReady.sort(compareAddresses);
    const subset: EndpointSubset = {};
    if (ready.length > 0) subset.addresses = ready;
    if (notReady.length > 0) subset.notReadyAddresses = notReady;
    if (g.ports.length > 0) subset.ports = g.ports;
    subsets.push(subset);
  }
  const first = (s: EndpointSubset) => s.addresses?.[0] ?? s.notReadyAddresses?.[0];
  return subsets.sort((a, b) => compareAddresses(first(a)!, first(b)!));
}

/**
 * truncateEndpoints: past 1000 addresses, not-ready ones go first, then ready ones, each subset keeping a share
 * proportional to its size (rounded up, so the last may get less). Returns undefined when nothing needs cutting.
 */
export function truncateSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] | undefined {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const s of subsets) {
    totalReady += s.addresses?.length ?? 0;
    totalNotReady += s.notReadyAddresses?.length ?? 0;
  }
  if (totalReady + totalNotReady <= MAX_ENDPOINT_ADDRESSES) return undefined;
  const truncateReady = totalReady > MAX_ENDPOINT_ADDRESSES;
  const max = truncateReady ? MAX_ENDPOINT_ADDRESSES : MAX_ENDPOINT_ADDRESSES - totalReady;
  const numTotal = truncateReady ? totalReady : totalNotReady;
  let canBeAdded = max;
  return subsets.map((s) => {
    const inSubset = (truncateReady ? s.addresses?.length : s.notReadyAddresses?.length) ?? 0;
    const toBeAdded = Math.min(Math.ceil((inSubset / numTotal) * max), canBeAdded);
    const out: EndpointSubset = { ...s };
    if (truncateReady) {
      const kept = (s.addresses ?? []).slice(0, toBeAdded);
      if (kept.length > 0) out.addresses = kept;
      else delete out.addresses;
      delete out.notReadyAddresses;
      canBeAdded -= kept.length;
    } else {
      const kept = (s.notReadyAddresses ?? []).slice(0, toBeAdded);
      if (kept.length > 0) out.notReadyAddresses = kept;
      else delete out.notReadyAddresses;
      canBeAdded -= kept.length;
    }
    return out;
  });
}
