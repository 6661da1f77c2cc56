import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Container, PodSpec } from '../../../src/engine/api/types.js';
import { isScalarResource, podRequestAmounts, podRequests } from '../../../src/engine/scheduler/resources.js';

/** resource.PodRequests as kube-scheduler reads it, from the general computation (maps of every resource). */
function reference(spec: PodSpec) {
  const r = podRequestAmounts(spec, false);
  const nz = podRequestAmounts(spec, true);
  return {
    cpu: r.get('cpu') ?? 0,
    memory: r.get('memory') ?? 0,
    ephemeralStorage: r.get('ephemeral-storage') ?? 0,
    scalar: [...r].filter(([k, v]) => isScalarResource(k) && v > 0).sort(([a], [b]) => (a < b ? -1 : 1)),
    nonZeroCpu: nz.get('cpu') ?? 0,
    nonZeroMemory: nz.get('memory') ?? 0,
  };
}

const quantity = fc.constantFrom('0', '100m', '1', '2500m', '64Mi', '1Gi', '3', 'garbage');
// Mostly the three resources pods ask for (the one-pass path), sometimes an extended one.
const resource = fc.oneof(
  { arbitrary: fc.constantFrom('cpu', 'memory', 'ephemeral-storage'), weight: 6 },
  { arbitrary: fc.constantFrom('example.com/gpu', 'hugepages-2Mi'), weight: 1 },
);
const requests = fc.dictionary(resource, quantity, { maxKeys: 3 });
/** Absent three times in four. */
const mostlyAbsent = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 });
const container = (name: string) => fc.record({ requests: fc.option(requests, { nil: undefined }), sidecar: fc.boolean() })
  .map(({ requests: r, sidecar }): Container => ({ name, image: 'x', ...(r ? { resources: { requests: r } } : {}), ...(sidecar ? { restartPolicy: 'Always' } : {}) }));
const spec = fc.record({
  containers: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }).chain((xs) => fc.tuple(...xs.map((_, i) => container(`c${i}`)))),
  initContainers: mostlyAbsent(fc.array(fc.nat(), { maxLength: 2 }).chain((xs) => fc.tuple(...xs.map((_, i) => container(`i${i}`))))),
  overhead: mostlyAbsent(fc.record({ cpu: quantity })),
}).map(({ containers, initContainers, overhead }) => ({
  containers: containers.map((c) => ({ ...c, restartPolicy: undefined })),
  ...(initContainers ? { initContainers } : {}),
  ...(overhead ? { overhead } : {}),
}) as PodSpec);

describe('pod requests', () => {
  it('equal the general computation for any containers, init containers and overhead', () => {
    fc.assert(fc.property(spec, (s) => {
      const got = podRequests(s);
      expect({ ...got, scalar: [...got.scalar] }).toEqual(reference(s));
    }), { numRuns: 500 });
  });

  it('pods sharing a containers array (a ReplicaSet\'s) share their requests; another array is read afresh', () => {
    const containers: Container[] = [{ name: 'a', image: 'x', resources: { requests: { cpu: '250m', memory: '64Mi' } } }];
    const first = podRequests({ containers });
    expect(podRequests({ containers, nodeName: 'n1' } as PodSpec)).toBe(first);
    const other = podRequests({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '500m' } } }] });
    expect(other).toMatchObject({ cpu: 500, memory: 0, nonZeroMemory: 200 * 1024 * 1024 });
    expect(podRequests({ containers, initContainers: [{ name: 'i', image: 'x', resources: { requests: { cpu: '1' } } }] }).cpu).toBe(1000);
  });
});
