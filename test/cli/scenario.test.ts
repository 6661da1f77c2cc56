import { describe, expect, it } from 'vitest';
import { parseScenario, occurrences } from '../../src/cli/scenario.js';
import { cli, CONFIG, folder, WEB } from './harness.js';

const scenario = (steps: string) => `apiVersion: kubedeck.dev/v1alpha1
kind: Scenario
metadata: {name: demo}
spec:
  dirs: [./manifests]
  seed: 3
  steps:
${steps}`;

describe('kubedeck run', () => {
  it('runs each step at its simulated time with a "# t=" header and kubectl\'s messages', async () => {
    const dir = folder({
      'manifests/web.yaml': WEB,
      'manifests/cm.yaml': CONFIG,
      's.yaml': scenario(`    - at: 30s
      run: scale deployment/web --replicas=5
    - at: 40s
      run: kubectl get deploy web -o jsonpath
    - at: 1m
      run: delete configmap/settings
    - at: 1m
      run: get cm settings
    - at: 90s
      run: cordon kubedeck-worker2
`),
      'broken-output.yaml': '',
    });
    const r = await cli(['run', 's.yaml'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        '# t=30s $ scale deployment/web --replicas=5',
        'deployment.apps/web scaled',
        '# t=40s $ kubectl get deploy web -o jsonpath',
        'error: unable to match a printer suitable for the output format "jsonpath", allowed formats are: json,name,wide,yaml',
        '# t=60s $ delete configmap/settings',
        'configmap "settings" deleted',
        '# t=60s $ get cm settings',
        'Error from server (NotFound): configmaps "settings" not found',
        '# t=90s $ cordon kubedeck-worker2',
        'node/kubedeck-worker2 cordoned',
        '',
      ].join('\n'),
    );
  });

  it('repeats a step every interval until its end, and the scale shows in later output', async () => {
    const dir = folder({
      'manifests/web.yaml': WEB,
      's.yaml': scenario(`    - at: 10s
      every: 10s
      until: 30s
      run: get deploy web -o jsonpath-less
    - at: 15s
      run: scale deploy web --replicas=1
`).replace('-o jsonpath-less', '-o name'),
    });
    const r = await cli(['run', 's.yaml'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('#'))).toEqual([
      '# t=10s $ get deploy web -o name',
      '# t=15s $ scale deploy web --replicas=1',
      '# t=20s $ get deploy web -o name',
      '# t=30s $ get deploy web -o name',
    ]);
  });

  it('applies files at a step with apply -f, relative to the scenario, and reports configured/unchanged', async () => {
    const dir = folder({
      'manifests/web.yaml': WEB,
      'v2/web.yaml': WEB.replace('nginx:1.25', 'nginx:1.27'),
      's.yaml': scenario(`    - at: 5s
      run: apply -f manifests/web.yaml
    - at: 10s
      run: apply -f v2/web.yaml
    - at: 11s
      run: get deploy web -o wide --no-headers
`),
    });
    const r = await cli(['run', 's.yaml'], dir);
    expect(r.stdout).toContain('# t=5s $ apply -f manifests/web.yaml\ndeployment.apps/web unchanged\n');
    expect(r.stdout).toContain('# t=10s $ apply -f v2/web.yaml\ndeployment.apps/web configured\n');
    expect(r.stdout).toMatch(/# t=11s \$ get deploy web -o wide --no-headers\nweb .* nginx:1\.27 /);
  });

  it('gives the same transcript twice', async () => {
    const dir = folder({ 'manifests/web.yaml': WEB, 's.yaml': scenario('    - at: 1m\n      run: get deploy,rs,po -o wide\n') });
    expect((await cli(['run', 's.yaml'], dir)).stdout).toBe((await cli(['run', 's.yaml'], dir)).stdout);
  });

  it('rejects a bad scenario with its file, line and field, and runs nothing (exit 2)', async () => {
    const dir = folder({ 's.yaml': scenario('    - at: 10s\n      every: soon\n      until: 1m\n      run: get pods\n') });
    const r = await cli(['run', 's.yaml'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/s\.yaml:9:14: spec\.steps\[0\]\.every: invalid duration "soon"/);
  });
});

describe('scenario files', () => {
  const parse = (steps: string) => parseScenario('/x/s.yaml', scenario(steps));

  it('resolves folders against the scenario file and reads seed and nodes', () => {
    const s = parseScenario('/x/s.yaml', scenario('    - run: get pods\n').replace('seed: 3', 'seed: 3\n  nodes: 5'));
    expect(s).toMatchObject({ name: 'demo', dirs: ['/x/manifests'], seed: 3, nodes: 5, steps: [{ at: 0, run: 'get pods' }] });
  });

  it.each([
    ['    - at: 1m\n      until: 2m\n      run: get pods\n', 'spec.steps[0].until: only makes sense with every'],
    ['    - at: 1m\n      every: 1m\n      run: get pods\n', 'spec.steps[0].until: Required value'],
    ['    - at: 1m\n', 'spec.steps[0].run: Required value'],
    ['    - at: 1m\n      run: frobnicate pods\n', 'spec.steps[0].run: unknown command "frobnicate"'],
    ['    - at: 1m\n      run: get pods --colour\n', 'spec.steps[0].run: unknown flag: --colour'],
    ['    - at: 1m\n      wait: 2s\n      run: get pods\n', 'spec.steps[0].wait: a step does one thing: run and wait go in separate steps'],
    ['    - at: 1m\n      every: 1ms\n      until: 1h\n      run: get pods\n', 'repeats more than 10000 times'],
  ])('rejects %j', (steps, message) => {
    expect(() => parse(steps)).toThrow(message);
  });

  it('orders occurrences by time, then by the order steps are written', () => {
    const s = parse('    - at: 20s\n      run: get a\n    - at: 0s\n      every: 10s\n      until: 20s\n      run: get b\n');
    expect(occurrences(s.steps).map((o) => `${o.time / 1000}:${o.step.run}`)).toEqual(['0:get b', '10:get b', '20:get a', '20:get b']);
  });
});
