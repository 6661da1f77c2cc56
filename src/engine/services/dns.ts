/**
 * The cluster DNS names (the Kubernetes DNS specification as CoreDNS serves it), as pure functions for describe and
 * the dashboard: A records for services and their endpoints, SRV records for named ports, and pod A records.
 */
import type { Endpoints, Pod, Service } from '../api/types.js';

export const CLUSTER_DOMAIN = 'cluster.local';

const isHeadless = (svc: Service) => svc.spec.clusterIP === 'None' || svc.spec.clusterIPs?.[0] === 'None';

/** `<svc>.<ns>.svc.cluster.local`: resolves to the ClusterIP, or to every ready endpoint of a headless service. */
export function serviceDnsName(svc: Pick<Service, 'metadata'>, domain = CLUSTER_DOMAIN): string {
  return `${svc.metadata.name}.${svc.metadata.namespace ?? 'default'}.svc.${domain}`;
}

/** `_<port>._<proto>.<svc>.<ns>.svc.cluster.local` for each named port (SRV records). */
export function serviceSrvNames(svc: Service, domain = CLUSTER_DOMAIN): string[] {
  return (svc.spec.ports ?? [])
    .filter((p) => p.name)
    .map((p) => `_${p.name}._${(p.protocol ?? 'TCP').toLowerCase()}.${serviceDnsName(svc, domain)}`);
}

/** `10-244-1-5`: how DNS spells an IP inside a name. */
export const dashedIp = (ip: string) => ip.replace(/[.:]/g, '-');

/**
 * The per-endpoint names of a headless service: `<hostname>.<svc>.<ns>.svc.cluster.local` when the endpoint carries a
 * hostname (a pod with `hostname` and `subdomain` = the service), otherwise `<dashed-ip>.<svc>...`. Ready addresses
 * only, unless the service publishes not-ready addresses (they are in `addresses` then anyway).
 */
export function headlessEndpointDnsNames(svc: Service, endpoints: Endpoints | undefined, domain = CLUSTER_DOMAIN): string[] {
  if (!isHeadless(svc)) return [];
  const base = serviceDnsName(svc, domain);
  const names = new Set<string>();
  for (const subset of endpoints?.subsets ?? []) {
    for (const a of subset.addresses ?? []) names.add(`${a.hostname || dashedIp(a.ip)}.${base}`);
  }
  return [...names];
}

/**
 * A pod's DNS names: `<dashed-ip>.<ns>.pod.cluster.local` once it has an IP, and `<hostname>.<subdomain>.<ns>.svc.cluster.local`
 * when it sets both hostname and subdomain and a headless Service named like the subdomain exists in its namespace
 * (StatefulSet pods: `web-0.nginx.default.svc.cluster.local`).
 */
export function podDnsNames(pod: Pod, services: readonly Service[], domain = CLUSTER_DOMAIN): string[] {
  const ns = pod.metadata.namespace ?? 'default';
  const names: string[] = [];
  const { hostname, subdomain } = pod.spec;
  if (hostname && subdomain && services.some((s) => s.metadata.name === subdomain && (s.metadata.namespace ?? 'default') === ns && isHeadless(s))) {
    names.push(`${hostname}.${subdomain}.${ns}.svc.${domain}`);
  }
  const ip = pod.status?.podIP;
  if (ip) names.push(`${dashedIp(ip)}.${ns}.pod.${domain}`);
  return names;
}
