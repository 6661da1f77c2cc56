import { describe, expect, it } from 'vitest';
import { createCluster } from '../../../src/engine/cluster.js';
import { headlessEndpointDnsNames, installServices, podDnsNames, serviceDnsName, serviceSrvNames } from '../../../src/engine/services/index.js';
import { runningPod, service } from './helpers.js';

describe('DNS names', () => {
  it('names Services, their named ports, headless endpoints and pods as cluster DNS does', () => {
    const cluster = createCluster({ seed: 2 });
    installServices(cluster);
    cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    const web = cluster.create(service('web', { namespace: 'shop', selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }, { port: 81, name: 'dns', protocol: 'UDP' }] }));
    const nginx = cluster.create(service('nginx', { selector: { app: 'web' }, clusterIP: 'None', ports: [{ name: 'web', port: 80 }] }));
    expect(serviceDnsName(web)).toBe('web.shop.svc.cluster.local');
    expect(serviceSrvNames(web)).toEqual(['_http._tcp.web.shop.svc.cluster.local', '_dns._udp.web.shop.svc.cluster.local']);

    const web0 = runningPod(cluster, 'web-0', '10.244.1.2', true, { hostname: 'web-0', subdomain: 'nginx' });
    const loose = runningPod(cluster, 'loose', '10.244.2.3', true);
    runningPod(cluster, 'starting', '10.244.2.4', false);
    const services = cluster.list('Service');
    expect(podDnsNames(web0, services)).toEqual(['web-0.nginx.default.svc.cluster.local', '10-244-1-2.default.pod.cluster.local']);
    expect(podDnsNames(loose, services)).toEqual(['10-244-2-3.default.pod.cluster.local']);
    // Only ready addresses of a headless Service resolve.
    expect(headlessEndpointDnsNames(nginx, cluster.get('Endpoints', 'default', 'nginx'))).toEqual([
      'web-0.nginx.default.svc.cluster.local',
      '10-244-2-3.nginx.default.svc.cluster.local',
    ]);
    expect(headlessEndpointDnsNames(web, cluster.get('Endpoints', 'shop', 'web'))).toEqual([]);
  });
});
