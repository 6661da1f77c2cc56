/** Builders for the services tests: Services, and pods whose status stands in for a kubelet's. */
import type { Cluster } from '../../../src/engine/cluster.js';
import type { Pod, Service, ServicePort } from '../../../src/engine/api/types.js';

export function service(name: string, opts: { selector?: Record<string, string>; ports?: ServicePort[]; type?: Service['spec']['type']; clusterIP?: string; publishNotReadyAddresses?: boolean; namespace?: string; labels?: Record<string, string> } = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, ...(opts.namespace ? { namespace: opts.namespace } : {}), ...(opts.labels ? { labels: opts.labels } : {}) },
    spec: {
      ...(opts.type ? { type: opts.type } : {}),
      ...(opts.selector ? { selector: opts.selector } : {}),
      ports: opts.ports ?? [{ port: 80, targetPort: 8080 }],
      ...(opts.clusterIP ? { clusterIP: opts.clusterIP } : {}),
      ...(opts.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}),
    },
  };
}

export interface PodOptions {
  labels?: Record<string, string>;
  nodeName?: string;
  ports?: { name?: string; containerPort: number; protocol?: 'TCP' | 'UDP' }[];
  hostname?: string;
  subdomain?: string;
  namespace?: string;
}

export function podSpec(name: string, opts: PodOptions = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: opts.labels ?? { app: 'web' }, ...(opts.namespace ? { namespace: opts.namespace } : {}) },
    spec: {
      containers: [{ name: 'app', image: 'nginx:1.25', ...(opts.ports ? { ports: opts.ports } : {}) }],
      nodeName: opts.nodeName ?? 'kubedeck-worker',
      ...(opts.hostname ? { hostname: opts.hostname } : {}),
      ...(opts.subdomain ? { subdomain: opts.subdomain } : {}),
    },
  };
}

/** Plays the kubelet: gives the pod an IP, phase Running and the Ready condition. */
export function setPodStatus(cluster: Cluster, namespace: string, name: string, status: { ip?: string; ready?: boolean; phase?: 'Running' | 'Succeeded' | 'Failed' }): Pod {
  const pod = cluster.get('Pod', namespace, name)!;
  const now = cluster.clock.nowRfc3339();
  const ready = status.ready ? 'True' : 'False';
  return cluster.updateStatus<Pod>({
    ...pod,
    status: {
      ...pod.status,
      phase: status.phase ?? 'Running',
      ...(status.ip ? { podIP: status.ip, podIPs: [{ ip: status.ip }], hostIP: '172.18.0.3' } : {}),
      conditions: [
        { type: 'Ready', status: ready, lastProbeTime: null, lastTransitionTime: now },
        { type: 'ContainersReady', status: ready, lastProbeTime: null, lastTransitionTime: now },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now },
      ],
    },
  });
}

export function runningPod(cluster: Cluster, name: string, ip: string, ready: boolean, opts: PodOptions = {}): Pod {
  cluster.create(podSpec(name, opts));
  return setPodStatus(cluster, opts.namespace ?? 'default', name, { ip, ready });
}
