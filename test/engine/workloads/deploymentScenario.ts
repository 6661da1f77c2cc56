/** A cluster with the Deployment and ReplicaSet controllers and the test kubelet, and what the scenarios read back. */
import type { Deployment, Event, ReplicaSet } from '../../../src/engine/api/types.js';
import { createCluster, type Cluster } from '../../../src/engine/cluster.js';
import { installDeployments } from '../../../src/engine/controllers/deployment/index.js';
import { installReplicaSets } from '../../../src/engine/controllers/replicaSet.js';
import { COMBINED_PREFIX } from '../../../src/engine/events.js';
import { fakeKubelet, type FakeKubelet, type FakeKubeletOptions } from './deploymentKubelet.js';

export interface Scenario {
  c: Cluster;
  kubelet: FakeKubelet;
  /** `<seconds since start> <message>` of every ScalingReplicaSet event written (repeats included), in order. */
  scaling: string[];
  /** Every event of the given reasons as `Reason message`, in order. */
  events(...reasons: string[]): string[];
  deploy(name?: string): Deployment;
  replicaSets(name?: string): ReplicaSet[];
  /** ReplicaSet names by revision: `{1: 'web-abc', 2: 'web-def'}`. */
  byRevision(name?: string): Record<number, string>;
  seconds(): number;
}

export function scenario(options: FakeKubeletOptions = {}, seed = 1): Scenario {
  const c = createCluster({ seed });
  installDeployments(c);
  installReplicaSets(c);
  const kubelet = fakeKubelet(c, options);
  const start = c.clock.now();
  const log: Event[] = [];
  c.watch({ kinds: ['Event'] }, (e) => {
    if (e.type !== 'DELETED') log.push(e.object as Event);
  });
  const seconds = () => (c.clock.now() - start) / 1000;
  const scaling: string[] = [];
  c.watch({ kinds: ['Event'] }, (e) => {
    const ev = e.object as Event;
    // The controller's steps in order: from the tenth on they arrive as the combined Event's new message.
    const step = ev.message!.startsWith(COMBINED_PREFIX) ? ev.message!.slice(COMBINED_PREFIX.length) : ev.message;
    if (e.type !== 'DELETED' && ev.reason === 'ScalingReplicaSet') scaling.push(`${(Date.parse(ev.lastTimestamp!) - start) / 1000} ${step}`);
  });
  const replicaSets = (name = 'web') => c.list('ReplicaSet', { namespace: 'default' }).filter((r) => r.metadata.ownerReferences?.[0]?.name === name);
  return {
    c,
    kubelet,
    scaling,
    events: (...reasons) => log.filter((e) => reasons.includes(e.reason!)).map((e) => `${e.reason} ${e.message}`),
    deploy: (name = 'web') => c.get('Deployment', 'default', name)!,
    replicaSets,
    byRevision: (name = 'web') => Object.fromEntries(replicaSets(name).map((r) => [Number(r.metadata.annotations?.['deployment.kubernetes.io/revision']), r.metadata.name!])),
    seconds,
  };
}

export function webDeployment(replicas: number, spec: Partial<Deployment['spec']> = {}, image = 'nginx:1.25'): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image }] } },
      ...spec,
    },
  };
}
