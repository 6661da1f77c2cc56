import { describe, expect, it } from 'vitest';
import { createCluster } from '../../../src/engine/cluster.js';
import type { Pod, Service } from '../../../src/engine/api/types.js';
import { installServices } from '../../../src/engine/services/index.js';
import { formatEndpoints } from '../../../src/printers/printers.js';
import { podSpec, runningPod, service, setPodStatus } from './helpers.js';

function setup() {
  const cluster = createCluster({ seed: 7 });
  installServices(cluster);
  return cluster;
}

const endpointsOf = (cluster: ReturnType<typeof setup>, name: string, namespace = 'default') => cluster.get('Endpoints', namespace, name);
const column = (cluster: ReturnType<typeof setup>, name: string) => formatEndpoints(endpointsOf(cluster, name));

describe('Endpoints', () => {
  it('exists as soon as the Service does, empty until a pod is there (ENDPOINTS <none>)', () => {
    const cluster = setup();
    cluster.create(service('web', { selector: { app: 'web' }, labels: { tier: 'front' } }));
    const ep = endpointsOf(cluster, 'web')!;
    expect(ep.subsets).toBeUndefined();
    expect(ep.metadata.labels).toEqual({ tier: 'front' });
    expect(ep.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']).toBe('2025-01-01T00:00:00Z');
    expect(column(cluster, 'web')).toBe('<none>');
  });

  it('lists ready pods in addresses and the others in notReadyAddresses, following readiness', () => {
    const cluster = setup();
    cluster.create(service('web', { selector: { app: 'web' } }));
    const p1 = runningPod(cluster, 'web-1', '10.244.1.5', true);
    runningPod(cluster, 'web-2', '10.244.2.7', false, { nodeName: 'kubedeck-worker2' });
    cluster.create(podSpec('pending')); // no IP yet: not an endpoint
    expect(endpointsOf(cluster, 'web')!.subsets).toEqual([
      {
        addresses: [{ ip: '10.244.1.5', nodeName: 'kubedeck-worker', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: p1.metadata.uid } }],
        notReadyAddresses: [{ ip: '10.244.2.7', nodeName: 'kubedeck-worker2', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-2', uid: cluster.get('Pod', 'default', 'web-2')!.metadata.uid } }],
        ports: [{ port: 8080, protocol: 'TCP' }],
      },
    ]);
    expect(column(cluster, 'web')).toBe('10.244.1.5:8080');

    setPodStatus(cluster, 'default', 'web-2', { ready: true });
    expect(column(cluster, 'web')).toBe('10.244.1.5:8080,10.244.2.7:8080');
    expect(endpointsOf(cluster, 'web')!.subsets![0]!.notReadyAddresses).toBeUndefined();

    setPodStatus(cluster, 'default', 'web-1', { ready: false });
    expect(column(cluster, 'web')).toBe('10.244.2.7:8080');
  });

  it('drops pods that finish, are deleted or stop matching the selector', () => {
    const cluster = setup();
    cluster.create(service('web', { selector: { app: 'web' } }));
    runningPod(cluster, 'a', '10.244.1.2', true);
    runningPod(cluster, 'b', '10.244.1.3', true);
    runningPod(cluster, 'c', '10.244.1.4', true);
    runningPod(cluster, 'd', '10.244.1.5', true);
    expect(column(cluster, 'web')).toBe('10.244.1.2:8080,10.244.1.3:8080,10.244.1.4:8080 + 1 more...');
    setPodStatus(cluster, 'default', 'a', { ready: false, phase: 'Succeeded' });
    cluster.delete('Pod', 'default', 'b');
    const c = cluster.get('Pod', 'default', 'c')!;
    cluster.update<Pod>({ ...c, metadata: { ...c.metadata, labels: { app: 'other' } } });
    expect(column(cluster, 'web')).toBe('10.244.1.5:8080');
  });

  it('leaves terminating pods out unless the Service publishes not-ready addresses', () => {
    const cluster = setup();
    cluster.api.hooks.hasKubelet = () => true; // deletions are graceful: the pod lingers Terminating
    cluster.create(service('web', { selector: { app: 'web' } }));
    cluster.create(service('peers', { selector: { app: 'web' }, clusterIP: 'None', publishNotReadyAddresses: true }));
    runningPod(cluster, 'a', '10.244.1.2', true);
    runningPod(cluster, 'b', '10.244.1.3', false);
    expect(column(cluster, 'peers')).toBe('10.244.1.2:8080,10.244.1.3:8080');
    cluster.delete('Pod', 'default', 'a');
    expect(cluster.get('Pod', 'default', 'a')!.metadata.deletionTimestamp).toBeDefined();
    expect(column(cluster, 'web')).toBe(''); // kubectl prints nothing when every address is not ready
    expect(endpointsOf(cluster, 'web')!.subsets![0]!.notReadyAddresses!.map((a) => a.ip)).toEqual(['10.244.1.3']);
    expect(column(cluster, 'peers')).toBe('10.244.1.2:8080,10.244.1.3:8080');
  });

  it('resolves named target ports from each pod, skipping pods without the port', () => {
    const cluster = setup();
    cluster.create(service('web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }));
    runningPod(cluster, 'a', '10.244.1.2', true, { ports: [{ name: 'http', containerPort: 8080 }] });
    runningPod(cluster, 'b', '10.244.1.3', true, { ports: [{ name: 'http', containerPort: 9090 }] });
    runningPod(cluster, 'c', '10.244.1.4', true, { ports: [{ name: 'metrics', containerPort: 9100 }] });
    const subsets = endpointsOf(cluster, 'web')!.subsets!;
    expect(subsets.map((s) => [s.addresses!.map((a) => a.ip), s.ports])).toEqual([
      [['10.244.1.2'], [{ port: 8080, protocol: 'TCP', name: 'http' }]],
      [['10.244.1.3'], [{ port: 9090, protocol: 'TCP', name: 'http' }]],
    ]);
    expect(column(cluster, 'web')).toBe('10.244.1.2:8080,10.244.1.3:9090');
  });

  it('gives a headless Service the headless label and hostnames for pods in its subdomain', () => {
    const cluster = setup();
    cluster.create(service('nginx', { selector: { app: 'web' }, clusterIP: 'None', ports: [{ name: 'web', port: 80 }] }));
    runningPod(cluster, 'web-0', '10.244.1.2', true, { hostname: 'web-0', subdomain: 'nginx' });
    runningPod(cluster, 'other', '10.244.1.3', true, { hostname: 'other', subdomain: 'elsewhere' });
    const ep = endpointsOf(cluster, 'nginx')!;
    expect(ep.metadata.labels).toEqual({ 'service.kubernetes.io/headless': '' });
    expect(ep.subsets![0]!.addresses!.map((a) => [a.ip, a.hostname])).toEqual([['10.244.1.2', 'web-0'], ['10.244.1.3', undefined]]);
  });

  it('lists a headless Service without ports by address only', () => {
    const cluster = setup();
    cluster.create<Service>({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'h' }, spec: { clusterIP: 'None', selector: { app: 'web' } } });
    runningPod(cluster, 'a', '10.244.1.2', true);
    expect(endpointsOf(cluster, 'h')!.subsets).toEqual([{ addresses: [expect.objectContaining({ ip: '10.244.1.2' })] }]);
    expect(column(cluster, 'h')).toBe('10.244.1.2');
  });

  it('follows selector changes and removes the Endpoints with the Service', () => {
    const cluster = setup();
    const svc = cluster.create(service('web', { selector: { app: 'web' } }));
    runningPod(cluster, 'a', '10.244.1.2', true);
    runningPod(cluster, 'b', '10.244.1.3', true, { labels: { app: 'api' } });
    cluster.update<Service>({ ...svc, spec: { ...svc.spec, selector: { app: 'api' } } });
    expect(column(cluster, 'web')).toBe('10.244.1.3:8080');
    cluster.delete('Service', 'default', 'web');
    expect(endpointsOf(cluster, 'web')).toBeUndefined();
  });

  it('does not manage the Endpoints of a Service without selector, nor create any for ExternalName', () => {
    const cluster = setup();
    cluster.create(service('manual'));
    cluster.create<Service>({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com' } });
    expect(endpointsOf(cluster, 'manual')).toBeUndefined();
    expect(endpointsOf(cluster, 'ext')).toBeUndefined();
  });

  it('recreates Endpoints deleted by hand', () => {
    const cluster = setup();
    cluster.create(service('web', { selector: { app: 'web' } }));
    runningPod(cluster, 'a', '10.244.1.2', true);
    cluster.delete('Endpoints', 'default', 'web');
    expect(column(cluster, 'web')).toBe('10.244.1.2:8080');
  });

  it('keeps at most 1000 addresses and says so', () => {
    const cluster = setup();
    for (let i = 0; i < 1005; i++) runningPod(cluster, `p${i}`, `10.${(i >> 8) + 1}.${i & 255}.1`, true);
    cluster.create(service('big', { selector: { app: 'web' } }));
    const ep = endpointsOf(cluster, 'big')!;
    expect(ep.subsets![0]!.addresses).toHaveLength(1000);
    expect(ep.metadata.annotations?.['endpoints.kubernetes.io/over-capacity']).toBe('truncated');
    expect(column(cluster, 'big')).toMatch(/ \+ 997 more\.\.\.$/);
  });
});
