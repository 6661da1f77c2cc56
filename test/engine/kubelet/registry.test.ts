import { describe, expect, it } from 'vitest';
import { missingFromRegistry, parseImage } from '../../../src/engine/kubelet/images.js';
import { createSimulatedCluster } from '../../../src/engine/simulation.js';
import { buildTable } from '../../../src/printers/index.js';

describe('the simulated registry', () => {
  it.each([
    ['nginx:does-not-exist', true],
    ['registry.example.com/checkout:2.0-broken', true],
    ['app:missing', true],
    ['nginx:1.25', false],
    ['busybox', false],
    ['brokenapp:1.0', false],
  ])('%s missing: %s', (image, missing) => {
    expect(missingFromRegistry(parseImage(image)) !== undefined).toBe(missing);
  });

  it('a tag that says it does not exist fails to pull: ErrImagePull, then ImagePullBackOff', () => {
    const c = createSimulatedCluster({ seed: 1 });
    c.ensureDefaultNodes();
    c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bad' }, spec: { containers: [{ name: 'web', image: 'nginx:does-not-exist' }] } });
    const status = () => buildTable('Pod', c.list('Pod'), { now: c.clock.now() }).rows[0]!.cells[2];
    const seen: string[] = [];
    for (let t = 0; t < 30_000; t += 250) {
      c.advance(250);
      if (seen.at(-1) !== status()) seen.push(status()!);
    }
    expect(seen.slice(0, 3)).toEqual(['ContainerCreating', 'ErrImagePull', 'ImagePullBackOff']);
    const failed = c.list('Event').find((e) => e.reason === 'Failed');
    expect(failed?.message).toContain('failed to pull and unpack image "docker.io/library/nginx:does-not-exist"');
  });
});
