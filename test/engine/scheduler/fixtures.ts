/** Builders for scheduler tests: a default cluster (control plane + 3 workers) with the scheduler installed, pods. */
import type { Container, Pod, PodSpec } from '../../../src/engine/api/types.js';
import { createCluster, type Cluster } from '../../../src/engine/cluster.js';
import { installScheduler, type Scheduler, type SchedulerOptions } from '../../../src/engine/scheduler/index.js';

export function schedulingCluster(opts: { seed?: number; workers?: number; scheduler?: SchedulerOptions } = {}): { cluster: Cluster; scheduler: Scheduler } {
  const cluster = createCluster({ seed: opts.seed ?? 1 });
  cluster.ensureDefaultNodes(opts.workers ?? 3);
  const scheduler = installScheduler(cluster, opts.scheduler);
  return { cluster, scheduler };
}

export interface PodOptions {
  namespace?: string;
  labels?: Record<string, string>;
  cpu?: string;
  memory?: string;
  image?: string;
  spec?: Partial<PodSpec>;
  container?: Partial<Container>;
}

export function pod(name: string, o: PodOptions = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(o.namespace ? { namespace: o.namespace } : {}), ...(o.labels ? { labels: o.labels } : {}) },
    spec: {
      containers: [
        { name: 'app', image: o.image ?? 'nginx:1.25', ...(Object.keys(requests).length ? { resources: { requests } } : {}), ...(o.container ?? {}) },
      ],
      ...(o.spec ?? {}),
    },
  };
}

export function nodeOf(cluster: Cluster, name: string, namespace = 'default'): string | undefined {
  return cluster.get('Pod', namespace, name)?.spec.nodeName;
}

export function eventsFor(cluster: Cluster, name: string, namespace = 'default') {
  return cluster
    .list('Event', { namespace })
    .filter((e) => e.involvedObject.name === name)
    .map((e) => ({ type: e.type, reason: e.reason, message: e.message, count: e.count, source: e.source?.component }));
}

export function scheduledCondition(cluster: Cluster, name: string, namespace = 'default') {
  return cluster.get('Pod', namespace, name)?.status?.conditions?.find((c) => c.type === 'PodScheduled');
}

export function cordon(cluster: Cluster, node: string, unschedulable = true): void {
  const n = cluster.get('Node', undefined, node)!;
  const taints = (n.spec?.taints ?? []).filter((t) => t.key !== 'node.kubernetes.io/unschedulable');
  if (unschedulable) taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
  cluster.update({ ...n, spec: { ...n.spec, unschedulable, taints } });
}

export const WORKERS = ['kubedeck-worker', 'kubedeck-worker2', 'kubedeck-worker3'];
