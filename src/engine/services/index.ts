/**
 * Service networking: the ClusterIP and node-port allocators in the API server's write path, the endpoints
 * controller, and the `kubernetes` Service (10.96.0.1) with its Endpoints, as every cluster has them.
 */
import type { Endpoints, Service } from '../api/types.js';
import type { Cluster } from '../cluster.js';
import { ENDPOINTS_CONTROLLER, EndpointsController } from '../controllers/endpoints.js';
import { ServiceAllocators } from './allocators.js';

export { NODE_PORT_MAX, NODE_PORT_MIN, SERVICE_CIDR, ServiceAllocators } from './allocators.js';
export { CLUSTER_DOMAIN, dashedIp, headlessEndpointDnsNames, podDnsNames, serviceDnsName, serviceSrvNames } from './dns.js';
export { EndpointsController, ENDPOINTS_CONTROLLER } from '../controllers/endpoints.js';

/** The API server's own address in a kind cluster: the control-plane node, port 6443. */
export const APISERVER_ADDRESS = '172.18.0.2';
export const KUBERNETES_SERVICE_IP = '10.96.0.1';

export interface ServicesInstall extends EndpointsController {
  readonly allocators: ServiceAllocators;
}

/**
 * Installs the allocators and the endpoints controller (once per cluster) and creates the `kubernetes` Service.
 * Returns the endpoints controller, which carries the allocators.
 */
export function installServices(cluster: Cluster): ServicesInstall {
  const existing = cluster.controller<ServicesInstall>(ENDPOINTS_CONTROLLER);
  if (existing) return existing;
  const allocators = new ServiceAllocators(cluster.api, cluster.random);
  const controller = Object.assign(new EndpointsController(cluster.api, cluster.clock), { allocators });
  cluster.addController(controller);
  createKubernetesService(cluster);
  allocateExisting(cluster);
  cluster.settle();
  return controller;
}

/** Services created before the allocators were installed get their ClusterIP and node ports now. */
function allocateExisting(cluster: Cluster): void {
  for (const svc of cluster.api.store.list('Service')) {
    const needsIp = svc.spec.type !== 'ExternalName' && !svc.spec.clusterIP;
    const needsPorts = (svc.spec.type === 'NodePort' || svc.spec.type === 'LoadBalancer') && (svc.spec.ports ?? []).some((p) => !p.nodePort);
    if (needsIp || needsPorts) cluster.api.update(svc);
  }
}

function createKubernetesService(cluster: Cluster): void {
  if (!cluster.api.get('Service', 'default', 'kubernetes')) {
    cluster.api.create<Service>({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { clusterIP: KUBERNETES_SERVICE_IP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
    });
  }
  if (!cluster.api.get('Endpoints', 'default', 'kubernetes')) {
    cluster.api.create<Endpoints>({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: [{ addresses: [{ ip: APISERVER_ADDRESS }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }],
    });
  }
}
