/** The whole path with the real kubelets, scheduler and ReplicaSet controller: a failed node's pods move after 5 minutes. */
import { describe, expect, it } from 'vitest';
import type { Pod, ReplicaSet } from '../../../src/engine/api/types.js';
import { createCluster, type Cluster } from '../../../src/engine/cluster.js';
import { installNodeLifecycle } from '../../../src/engine/controllers/nodeLifecycle.js';
import { installReplicaSets } from '../../../src/engine/controllers/replicaSet.js';
import { drain } from '../../../src/engine/drain.js';
import { installKubelets } from '../../../src/engine/kubelet/index.js';
import { failNode, recoverNode } from '../../../src/engine/nodeActions.js';
import { installScheduler } from '../../../src/engine/scheduler/scheduler.js';
import { installServices } from '../../../src/engine/services/index.js';
import { buildTable, formatEndpoints } from '../../../src/printers/printers.js';
import { service } from '../services/helpers.js';

function fullCluster(): Cluster {
  const cluster = createCluster({ seed: 11 });
  cluster.ensureDefaultNodes(3);
  installKubelets(cluster);
  installScheduler(cluster);
  installReplicaSets(cluster);
  installServices(cluster);
  installNodeLifecycle(cluster);
  return cluster;
}

function webReplicaSet(replicas: number): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] } },
    },
  };
}

const pods = (c: Cluster) => c.list('Pod', { namespace: 'default' });
const status = (c: Cluster, p: Pod) => buildTable('Pod', [p], { now: c.clock.now() }).rows[0]!.cells[2];
const readyOn = (c: Cluster, node: string) =>
  pods(c).filter((p) => p.spec.nodeName === node && !p.metadata.deletionTimestamp && p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'));

describe('a failed node', () => {
  it('loses its pods to other nodes about 5 minutes later, and they leave the Service at once', () => {
    const cluster = fullCluster();
    cluster.create(webReplicaSet(3));
    cluster.create(service('web', { selector: { app: 'web' }, ports: [{ port: 80 }] }));
    cluster.advance(30_000);
    const victim = pods(cluster)[0]!.spec.nodeName!;
    const moved = pods(cluster).filter((p) => p.spec.nodeName === victim).map((p) => p.metadata.name);
    expect(moved.length).toBeGreaterThan(0);
    expect(formatEndpoints(cluster.get('Endpoints', 'default', 'web')).split(',')).toHaveLength(3);

    const t0 = cluster.clock.now();
    failNode(cluster, victim);
    cluster.advanceTo(t0 + 45_000);
    const node = cluster.get('Node', undefined, victim)!;
    expect(node.status!.conditions!.find((c) => c.type === 'Ready')!.status).toBe('Unknown');
    // Its pods are out of the Service's ready addresses as soon as the node is Unknown.
    const ep = cluster.get('Endpoints', 'default', 'web')!;
    expect(ep.subsets!.flatMap((s) => s.notReadyAddresses ?? []).map((a) => a.targetRef!.name).sort()).toEqual([...moved].sort());

    cluster.advanceTo(t0 + 300_000);
    expect(pods(cluster)).toHaveLength(3);

    cluster.advanceTo(t0 + 360_000);
    const now = pods(cluster);
    for (const name of moved) {
      const old = now.find((p) => p.metadata.name === name)!;
      // The node is down, so its kubelet cannot finish them: they stay Terminating, as on a real cluster.
      expect(old.metadata.deletionTimestamp).toBeDefined();
      expect(status(cluster, old)).toBe('Terminating');
    }
    const live = now.filter((p) => !p.metadata.deletionTimestamp);
    expect(live).toHaveLength(3);
    for (const p of live) {
      expect(p.spec.nodeName).not.toBe(victim);
      expect(status(cluster, p)).toBe('Running');
    }
    expect(formatEndpoints(cluster.get('Endpoints', 'default', 'web')).split(',')).toHaveLength(3);

    // Back up: the kubelet finishes the evicted pods, the node is Ready and untainted.
    recoverNode(cluster, victim);
    cluster.advance(60_000);
    expect(pods(cluster).filter((p) => p.spec.nodeName === victim)).toEqual([]);
    expect(cluster.get('Node', undefined, victim)!.spec?.taints).toBeUndefined();
  });

  it('a drained node\'s pods are replaced elsewhere, and the cordoned node gets no new ones', () => {
    const cluster = fullCluster();
    cluster.create(webReplicaSet(6));
    cluster.advance(30_000);
    const target = 'kubedeck-worker2';
    expect(readyOn(cluster, target).length).toBeGreaterThan(0);
    const op = drain(cluster, target);
    expect(op.status).toBe('drained');
    expect(op.lines[0]!.text).toBe(`node/${target} cordoned`);
    expect(op.lines.at(-1)!.text).toBe(`node/${target} drained`);
    cluster.advance(30_000);
    expect(pods(cluster).filter((p) => p.spec.nodeName === target)).toEqual([]);
    expect(pods(cluster).filter((p) => status(cluster, p) === 'Running')).toHaveLength(6);
  });
});
