/** Shared setup for kubelet scenarios: a seeded cluster with default nodes and the kubelets, and pod builders. */
import type { Container, Pod, PodSpec } from '../../../src/engine/api/types.js';
import { createCluster, type Cluster } from '../../../src/engine/cluster.js';
import { installKubelets, type KubeletManager } from '../../../src/engine/kubelet/index.js';
import { buildTable } from '../../../src/printers/printers.js';
import type { Event } from '../../../src/engine/api/types.js';

export const NODE = 'kubedeck-worker';

export function setup(seed = 1): { cluster: Cluster; kubelets: KubeletManager; t0: number } {
  const cluster = createCluster({ seed });
  cluster.ensureDefaultNodes();
  const kubelets = installKubelets(cluster);
  return { cluster, kubelets, t0: cluster.clock.now() };
}

export function podOn(name: string, containers: Container[], extra: Partial<PodSpec> = {}, annotations?: Record<string, string>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(annotations ? { annotations } : {}) },
    spec: { nodeName: NODE, containers, ...extra },
  };
}

export function getPod(cluster: Cluster, name: string, namespace = 'default'): Pod | undefined {
  return cluster.get('Pod', namespace, name);
}

/** The pod's row of `kubectl get pods`: [NAME, READY, STATUS, RESTARTS, AGE]. */
export function row(cluster: Cluster, name: string): string[] {
  const pod = getPod(cluster, name)!;
  return buildTable('Pod', [pod], { now: cluster.clock.now() }).rows[0]!.cells.slice(0, 5);
}

export function events(cluster: Cluster, name: string): Event[] {
  return cluster
    .list('Event')
    .filter((e) => e.involvedObject.name === name)
    .sort((a, b) => Date.parse(a.firstTimestamp!) - Date.parse(b.firstTimestamp!));
}

export function eventLines(cluster: Cluster, name: string): string[] {
  return events(cluster, name).map((e) => `${e.type} ${e.reason} ${e.message}`);
}

/** Advances second by second, calling `each` with the seconds since t0. */
export function stepSeconds(cluster: Cluster, t0: number, untilSeconds: number, each: (s: number) => void): void {
  for (let s = Math.round((cluster.clock.now() - t0) / 1000); s <= untilSeconds; s++) {
    cluster.advanceTo(t0 + s * 1000);
    each(s);
  }
}
