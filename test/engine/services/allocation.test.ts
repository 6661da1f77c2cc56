import { describe, expect, it } from 'vitest';
import { createCluster } from '../../../src/engine/cluster.js';
import { ApiError } from '../../../src/engine/errors.js';
import type { Service } from '../../../src/engine/api/types.js';
import { installServices } from '../../../src/engine/services/index.js';
import { service } from './helpers.js';

function setup(seed = 1) {
  const cluster = createCluster({ seed });
  const services = installServices(cluster);
  return { cluster, services };
}

function errorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('the kubernetes Service', () => {
  it('exists in default with 10.96.0.1 and the API server endpoint', () => {
    const { cluster } = setup();
    const svc = cluster.get('Service', 'default', 'kubernetes')!;
    expect(svc.spec.clusterIP).toBe('10.96.0.1');
    expect(svc.spec.clusterIPs).toEqual(['10.96.0.1']);
    expect(svc.spec.ports).toEqual([{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }]);
    expect(svc.metadata.labels).toEqual({ component: 'apiserver', provider: 'kubernetes' });
    const ep = cluster.get('Endpoints', 'default', 'kubernetes')!;
    expect(ep.subsets).toEqual([{ addresses: [{ ip: '172.18.0.2' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);
  });

  it('installs once', () => {
    const { cluster, services } = setup();
    expect(installServices(cluster)).toBe(services);
    expect(cluster.list('Service')).toHaveLength(1);
  });
});

describe('ClusterIP allocation', () => {
  it('gives each Service a ClusterIP from 10.96.0.0/12, outside the static band, the same for the same seed', () => {
    const run = (seed: number) => {
      const { cluster } = setup(seed);
      return ['a', 'b', 'c'].map((n) => cluster.create(service(n)).spec.clusterIP!);
    };
    const ips = run(3);
    expect(run(3)).toEqual(ips);
    expect(new Set(ips).size).toBe(3);
    for (const ip of ips) {
      const [a, b, c] = ip.split('.').map(Number) as [number, number, number];
      expect(a).toBe(10);
      expect(b).toBeGreaterThanOrEqual(96);
      expect(b).toBeLessThanOrEqual(111);
      // The first 256 addresses (10.96.0.1-10.96.1.0) are kept for addresses chosen by hand.
      expect(b > 96 || c >= 1).toBe(true);
    }
  });

  it('sets clusterIPs with clusterIP and keeps them through updates that leave them out', () => {
    const { cluster } = setup();
    const svc = cluster.create(service('web'));
    expect(svc.spec.clusterIPs).toEqual([svc.spec.clusterIP]);
    const { clusterIP: _ip, clusterIPs: _ips, ...spec } = svc.spec;
    const updated = cluster.update<Service>({ ...svc, spec: { ...spec, ports: [{ port: 81, targetPort: 8080 }] } });
    expect(updated.spec.clusterIP).toBe(svc.spec.clusterIP);
    expect(updated.spec.clusterIPs).toEqual([svc.spec.clusterIP]);
  });

  it('takes a requested ClusterIP and refuses it twice with the API server message', () => {
    const { cluster } = setup();
    expect(cluster.create(service('dns', { clusterIP: '10.96.0.10' })).spec.clusterIPs).toEqual(['10.96.0.10']);
    const e = errorOf(() => cluster.create(service('dns2', { clusterIP: '10.96.0.10' })));
    expect(e.kubectlMessage()).toBe(
      'Error from server (Invalid): Service "dns2" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated',
    );
    expect(cluster.get('Service', 'default', 'dns2')).toBeUndefined();
  });

  it('refuses addresses outside the range and malformed ones', () => {
    const { cluster } = setup();
    expect(errorOf(() => cluster.create(service('x', { clusterIP: '10.0.0.5' }))).message).toBe(
      'Service "x" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.5"}: failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    );
    expect(errorOf(() => cluster.create(service('y', { clusterIP: 'abc' }))).message).toBe(
      'Service "y" is invalid: spec.clusterIPs[0]: Invalid value: "abc": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    );
  });

  it('frees the address when the Service is deleted', () => {
    const { cluster, services } = setup();
    cluster.create(service('a', { clusterIP: '10.96.0.10' }));
    cluster.delete('Service', 'default', 'a');
    expect(services.allocators.isIpAllocated('10.96.0.10')).toBe(false);
    expect(cluster.create(service('b', { clusterIP: '10.96.0.10' })).spec.clusterIP).toBe('10.96.0.10');
  });

  it('allocates nothing for a headless Service and releases on a change to ExternalName', () => {
    const { cluster, services } = setup();
    const headless = cluster.create(service('h', { clusterIP: 'None' }));
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.clusterIPs).toEqual(['None']);
    expect(services.allocators.allocatedIpCount).toBe(1); // the kubernetes Service
    const svc = cluster.create(service('web'));
    const ip = svc.spec.clusterIP!;
    const { clusterIP: _a, clusterIPs: _b, ...spec } = svc.spec;
    cluster.update<Service>({ ...svc, spec: { ...spec, type: 'ExternalName', externalName: 'example.com' } });
    expect(services.allocators.isIpAllocated(ip)).toBe(false);
    expect(cluster.get('Service', 'default', 'web')!.spec.clusterIP).toBeUndefined();
  });
});

describe('NodePort allocation', () => {
  it('allocates a port in 30000-32767 for each port of a NodePort Service', () => {
    const { cluster } = setup();
    const svc = cluster.create(service('web', { type: 'NodePort', ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] }));
    const ports = svc.spec.ports!.map((p) => p.nodePort!);
    expect(new Set(ports).size).toBe(2);
    // Dynamic ports come from above the 86-port static band.
    for (const p of ports) expect(p >= 30086 && p <= 32767).toBe(true);
  });

  it('takes a requested node port and refuses it twice with the API server message', () => {
    const { cluster } = setup();
    cluster.create(service('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
    const e = errorOf(() => cluster.create(service('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })));
    expect(e.kubectlMessage()).toBe('Error from server (Invalid): Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
  });

  it('rolls back what a failed create took', () => {
    const { cluster, services } = setup();
    cluster.create(service('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
    const before = services.allocators.allocatedIpCount;
    expect(() => cluster.create(service('b', { type: 'NodePort', ports: [{ name: 'x', port: 81 }, { name: 'y', port: 80, nodePort: 30080 }] }))).toThrow(
      'spec.ports[1].nodePort: Invalid value: 30080: provided port is already allocated',
    );
    expect(services.allocators.allocatedIpCount).toBe(before);
    expect(services.allocators.allocatedNodePortCount).toBe(1);
  });

  it('shares one node port between TCP and UDP on the same port number', () => {
    const { cluster } = setup();
    const svc = cluster.create(service('dns', { type: 'NodePort', ports: [{ name: 'tcp', port: 53, protocol: 'TCP' }, { name: 'udp', port: 53, protocol: 'UDP' }] }));
    expect(svc.spec.ports![0]!.nodePort).toBe(svc.spec.ports![1]!.nodePort);
  });

  it('keeps node ports across updates that omit them, and releases them when the type goes back to ClusterIP', () => {
    const { cluster, services } = setup();
    const svc = cluster.create(service('web', { type: 'NodePort', ports: [{ name: 'http', port: 80 }] }));
    const nodePort = svc.spec.ports![0]!.nodePort!;
    const kept = cluster.update<Service>({ ...svc, spec: { ...svc.spec, ports: [{ name: 'http', port: 80, targetPort: 9090 }] } });
    expect(kept.spec.ports![0]!.nodePort).toBe(nodePort);
    cluster.update<Service>({ ...kept, spec: { ...kept.spec, type: 'ClusterIP', ports: [{ name: 'http', port: 80 }] } });
    expect(services.allocators.isNodePortAllocated(nodePort)).toBe(false);
  });

  it('allocates node ports when a ClusterIP Service becomes NodePort, and frees them on delete', () => {
    const { cluster, services } = setup();
    const svc = cluster.create(service('web'));
    const np = cluster.update<Service>({ ...svc, spec: { ...svc.spec, type: 'NodePort' } });
    const port = np.spec.ports![0]!.nodePort!;
    expect(services.allocators.isNodePortAllocated(port)).toBe(true);
    cluster.delete('Service', 'default', 'web');
    expect(services.allocators.isNodePortAllocated(port)).toBe(false);
  });
});

describe('installing after Services exist', () => {
  it('keeps their addresses and allocates the missing ones', () => {
    const cluster = createCluster({ seed: 4 });
    cluster.create(service('fixed', { clusterIP: '10.96.0.10' }));
    cluster.create(service('bare', { type: 'NodePort' }));
    const { allocators } = installServices(cluster);
    expect(allocators.isIpAllocated('10.96.0.10')).toBe(true);
    const bare = cluster.get('Service', 'default', 'bare')!;
    expect(bare.spec.clusterIP).toMatch(/^10\.(9[6-9]|10\d|11[01])\./);
    expect(allocators.isNodePortAllocated(bare.spec.ports![0]!.nodePort!)).toBe(true);
    expect(() => cluster.create(service('again', { clusterIP: '10.96.0.10' }))).toThrow('provided IP is already allocated');
  });
});
