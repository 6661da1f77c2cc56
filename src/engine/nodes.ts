/** The default cluster (like a small kind cluster) and the status a simulated node reports about itself. */
import type { Node } from './api/types.js';

export const KUBELET_VERSION = 'v1.31.0';
export const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';

export const DEFAULT_CAPACITY = { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' } as const;

export function defaultNodes(workers: number): Node[] {
  const nodes: Node[] = [
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'kubedeck-control-plane', labels: { [CONTROL_PLANE_LABEL]: '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' } },
      spec: { taints: [{ key: CONTROL_PLANE_LABEL, effect: 'NoSchedule' }] },
    },
  ];
  for (let i = 1; i <= workers; i++) {
    nodes.push({ apiVersion: 'v1', kind: 'Node', metadata: { name: i === 1 ? 'kubedeck-worker' : `kubedeck-worker${i}` } });
  }
  return nodes;
}

/**
 * Fills in what a kubelet reports on registration: standard labels, capacity/allocatable (what the manifest gave,
 * else 4 CPU, 16Gi, 110 pods), conditions, addresses and system info. `index` picks the node's IP and pod CIDR.
 */
export function registerNode(node: Node, index: number, now: string): Node {
  const name = node.metadata.name!;
  const capacity = { ...DEFAULT_CAPACITY, ...(node.status?.capacity ?? {}) };
  const allocatable = { ...capacity, ...(node.status?.allocatable ?? {}) };
  const internalIP = `172.18.0.${index + 2}`;
  return {
    ...node,
    metadata: {
      ...node.metadata,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        ...(node.metadata.labels ?? {}),
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        ...(node.metadata.annotations ?? {}),
      },
    },
    spec: {
      podCIDR: `10.244.${index}.0/24`,
      podCIDRs: [`10.244.${index}.0/24`],
      providerID: `kind://docker/kubedeck/${name}`,
      ...(node.spec ?? {}),
    },
    status: {
      ...(node.status ?? {}),
      capacity,
      allocatable,
      conditions: node.status?.conditions ?? readyConditions(now),
      addresses: node.status?.addresses ?? [
        { type: 'InternalIP', address: internalIP },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: node.status?.nodeInfo ?? {
        machineID: hex32(name, 1),
        systemUUID: hex32(name, 2),
        bootID: hex32(name, 3),
        kernelVersion: '6.8.0-kubedeck',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'containerd://1.7.18',
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: KUBELET_VERSION,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

export function readyConditions(now: string) {
  const c = (type: string, status: 'True' | 'False', reason: string, message: string) => ({
    type, status, lastHeartbeatTime: now, lastTransitionTime: now, reason, message,
  });
  return [
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

/** A stable 32-hex-digit id derived from the node's name (FNV-1a), so system info is reproducible. */
function hex32(name: string, salt: number): string {
  let out = '';
  for (let part = 0; part < 4; part++) {
    let h = 0x811c9dc5 ^ (salt * 16 + part);
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out;
}
