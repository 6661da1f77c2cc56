/**
 * What scenarios and the dashboard do to nodes beyond kubectl's verbs: `node fail NODE` (the kubelet stops
 * heartbeating), `node recover NODE`, and adding or removing nodes at run time. Each returns a kubectl-style line.
 */
import type { Node, Taint } from './api/types.js';
import type { Cluster } from './cluster.js';
import { installNodeLifecycle, type KubeletHeartbeats } from './controllers/nodeLifecycle.js';
import { readyStatus } from './controllers/nodeLifecycleTaints.js';
import { alreadyExists, notFound } from './errors.js';
import { CONTROL_PLANE_LABEL } from './nodes.js';

export const KUBELET_CONTROLLER = 'kubelet';

function kubeletOf(cluster: Cluster): KubeletHeartbeats | undefined {
  const kubelet = cluster.controller<KubeletHeartbeats>(KUBELET_CONTROLLER);
  return kubelet && typeof kubelet.setNodeDown === 'function' ? kubelet : undefined;
}

function mustGetNode(cluster: Cluster, name: string): Node {
  const node = cluster.get('Node', undefined, name);
  if (!node) throw notFound('nodes', name);
  return node;
}

/**
 * The node's kubelet stops heartbeating (the machine or its network is gone): 40 s after the last heartbeat the node
 * goes Unknown, its pods are marked not ready, and after their tolerations (300 s) they are evicted.
 */
export function failNode(cluster: Cluster, name: string): string {
  mustGetNode(cluster, name);
  const lifecycle = installNodeLifecycle(cluster);
  if (lifecycle.isDown(name)) return `node/${name} already failed`;
  const kubelet = kubeletOf(cluster);
  kubelet?.setNodeDown(name, true);
  lifecycle.heartbeatStopped(name, kubelet?.lastHeartbeat(name) ?? cluster.clock.now());
  cluster.settle();
  return `node/${name} failed`;
}

/** Heartbeats resume: the node is Ready again and its taints go; pods evicted meanwhile stay evicted. */
export function recoverNode(cluster: Cluster, name: string): string {
  mustGetNode(cluster, name);
  const lifecycle = installNodeLifecycle(cluster);
  if (!lifecycle.isDown(name)) return `node/${name} is not failed`;
  lifecycle.heartbeatResumed(name);
  kubeletOf(cluster)?.setNodeDown(name, false);
  cluster.settle();
  // Without a kubelet (or one that waits for its next status update), post the status a restarted kubelet posts.
  if (readyStatus(mustGetNode(cluster, name)) !== 'True') lifecycle.postReadyStatus(name);
  cluster.settle();
  return `node/${name} recovered`;
}

export interface NewNodeOptions {
  /** Extra labels (zone, instance type, ...). */
  labels?: Record<string, string>;
  /** Capacity, e.g. `{ cpu: '8', memory: '32Gi', pods: '110' }`; the rest defaults to 4 CPU, 16Gi, 110 pods. */
  capacity?: Record<string, string>;
  taints?: Taint[];
  /** A control-plane node: the role label and the control-plane NoSchedule taint. */
  controlPlane?: boolean;
}

/** A new node joins (its kubelet registers it): `node/x created`. */
export function addNode(cluster: Cluster, name: string, options: NewNodeOptions = {}): string {
  if (cluster.get('Node', undefined, name)) throw alreadyExists('nodes', name);
  const labels = { ...(options.controlPlane ? { [CONTROL_PLANE_LABEL]: '' } : {}), ...(options.labels ?? {}) };
  const taints = [...(options.controlPlane ? [{ key: CONTROL_PLANE_LABEL, effect: 'NoSchedule' as const }] : []), ...(options.taints ?? [])];
  cluster.create<Node>({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, ...(Object.keys(labels).length > 0 ? { labels } : {}) },
    ...(taints.length > 0 ? { spec: { taints } } : {}),
    ...(options.capacity ? { status: { capacity: options.capacity } } : {}),
  });
  return `node/${name} created`;
}

/** The Node object is deleted (the machine is gone for good): its pods are garbage-collected 40 s later. */
export function removeNode(cluster: Cluster, name: string): string {
  mustGetNode(cluster, name);
  cluster.delete('Node', undefined, name);
  return `node "${name}" deleted`;
}
