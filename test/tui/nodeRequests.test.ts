/** The nodes view's per-node requests, kept from the pod watch, against summing a fresh list of each node's pods. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/engine/api/types.js';
import { createCluster } from '../../src/engine/cluster.js';
import { podRequestsAndLimits } from '../../src/printers/describe.js';
import { NodeRequests } from '../../src/tui/nodeRequests.js';

const NODES = ['n1', 'n2'];

function freshTotals(cluster: ReturnType<typeof createCluster>, node: string) {
  const pods = cluster.list('Pod', { fieldSelector: `spec.nodeName=${node},status.phase!=Succeeded,status.phase!=Failed` });
  let cpuMilli = 0;
  let memory = 0;
  for (const p of pods) {
    const { requests } = podRequestsAndLimits(p);
    cpuMilli += requests.cpuMilli;
    memory += requests.memory;
  }
  return { cpuMilli, memory, pods: pods.length };
}

const containers = [
  [{ name: 'a', image: 'x', resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
  [{ name: 'a', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' } } }, { name: 'b', image: 'x' }],
];

describe('NodeRequests', () => {
  it('gives each node what summing its unfinished pods gives, through creates, binds, phases, spec changes and deletes', () => {
    const name = fc.constantFrom('a', 'b', 'c', 'd');
    const op = fc.oneof(
      fc.record({ op: fc.constant('create' as const), name, node: fc.constantFrom('n1', 'n2', undefined), spec: fc.nat(1), init: fc.boolean() }),
      fc.record({ op: fc.constant('bind' as const), name, node: fc.constantFrom(...NODES) }),
      fc.record({ op: fc.constant('phase' as const), name, phase: fc.constantFrom('Running', 'Succeeded', 'Failed', 'Pending') }),
      fc.record({ op: fc.constant('image' as const), name }),
      fc.record({ op: fc.constant('delete' as const), name }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), fc.nat(30), (ops, startAt) => {
        const cluster = createCluster();
        // Each fixture's containers as stored (defaulted) by the first pod using them; later pods reuse that array,
        // as a ReplicaSet's pods share their stored template's.
        const stored: Pod['spec']['containers'][] = [];
        let tally: NodeRequests | undefined;
        ops.forEach((o, i) => {
          // The tally may start with pods already there: it lists them, then follows the watch.
          if (i === startAt) tally = new NodeRequests(cluster.api);
          const current = cluster.get('Pod', 'default', o.name);
          if (o.op === 'create' && !current) {
            const pod: Pod = {
              apiVersion: 'v1',
              kind: 'Pod',
              metadata: { name: o.name },
              spec: { containers: stored[o.spec] ?? containers[o.spec]!, ...(o.init ? { initContainers: [{ name: 'init', image: 'x', resources: { requests: { cpu: '2' } } }] } : {}), ...(o.node ? { nodeName: o.node } : {}) },
            };
            stored[o.spec] ??= cluster.api.create(pod, { owned: true }).spec.containers;
            if (!cluster.get('Pod', 'default', o.name)) cluster.api.create(pod, { owned: true });
          } else if (o.op === 'bind' && current && !current.spec.nodeName) cluster.api.bind(current, o.node);
          else if (o.op === 'phase' && current) cluster.api.updateStatus({ ...current, status: { ...current.status, phase: o.phase } });
          else if (o.op === 'image' && current) {
            const [first, ...rest] = current.spec.containers;
            cluster.update({ ...current, spec: { ...current.spec, containers: [{ ...first!, image: `${first!.image}1` }, ...rest] } });
          } else if (o.op === 'delete' && current) cluster.delete('Pod', 'default', o.name, { gracePeriodSeconds: 0 });
        });
        tally ??= new NodeRequests(cluster.api);
        for (const n of NODES) expect(tally.of(n)).toEqual(freshTotals(cluster, n));
        tally.stop();
      }),
      { numRuns: 1000 },
    );
  });
});
