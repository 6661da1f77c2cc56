/** Bugs the fault suites found, each pinned by the smallest input that showed it. */
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/manifests/index.js';

const deployment = (replicas: string, extra = '') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: ${replicas}\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n${extra}      containers:\n      - name: app\n        image: nginx\n`;

describe('fault-suite regressions: manifests', () => {
  // Found by the huge-number fuzz: `replicas: 100000000000000000000` was accepted and the ReplicaSet controller
  // tried to create that many pods in one settle (out of memory). The API server decodes into int32 and refuses.
  it('an integer that does not fit the field (int32) is refused with the decoder error at its line', () => {
    for (const n of ['2147483648', '100000000000000000000', '0x7fffffffffffffff', '1.7976931348623157e308']) {
      const { documents, errors } = parseManifest('web.yaml', deployment(n));
      expect(documents).toEqual([]);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ file: 'web.yaml', line: 6, column: 3, field: 'spec.replicas' });
      expect(errors[0]!.message).toMatch(
        /^error validating "web\.yaml": error validating data: ValidationError\(Deployment\.spec\.replicas\): invalid value for io\.k8s\.api\.apps\.v1\.DeploymentSpec\.replicas: json: cannot unmarshal number \S+ into Go struct field DeploymentSpec\.spec\.replicas of type int32$/,
      );
    }
    expect(parseManifest('web.yaml', deployment('2147483647')).errors).toEqual([]);
    expect(parseManifest('web.yaml', deployment('-2147483648')).errors).toEqual([]);
  });

  it('int64 fields take int64 values; nested fields name their Go struct', () => {
    expect(parseManifest('web.yaml', deployment('1', '      terminationGracePeriodSeconds: 1099511627776\n')).errors).toEqual([]);
    const [big] = parseManifest('web.yaml', deployment('1', '      terminationGracePeriodSeconds: 9223372036854775808\n')).errors;
    expect(big?.message).toContain('into Go struct field PodSpec.spec.template.spec.terminationGracePeriodSeconds of type int64');
    const port = parseManifest('web.yaml', deployment('1').replace('image: nginx', 'image: nginx\n        ports: [{containerPort: 4294967296}]')).errors;
    expect(port[0]).toMatchObject({ field: 'spec.template.spec.containers[0].ports[0].containerPort', line: 16 });
    expect(port[0]!.message).toContain('into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32');
    const surge = parseManifest('web.yaml', deployment('1').replace('  selector:', '  strategy: {rollingUpdate: {maxSurge: 2147483648}}\n  selector:')).errors;
    expect(surge[0]?.message).toContain('json: cannot unmarshal number 2147483648 into Go value of type int32');
  });

  // Found by the special-files fuzz: 100,000 nested `[` made the YAML reader overflow the JavaScript stack, and the
  // error read "Maximum call stack size exceeded". It is still refused at its place, in go-yaml's words.
  it('absurd nesting is refused as too deep, at its line', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\n  annotations: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    const { errors } = parseManifest('deep.yaml', text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'deep.yaml', line: 5 });
    expect(errors[0]!.message).toMatch(/^error parsing "deep\.yaml": exceeded max depth \(nesting too deep\)/);
  });
});

describe('fault-suite regressions: folders', () => {
  // Found by the folder-event fuzz: the watcher follows symlinks, so through `sub/loop -> ..` it reported
  // `sub/loop/sub/loop/.../a.yaml`; ManifestSync read each such path as a new file and applied it, so the real
  // file's objects were "already applied from" a loop path. Only what a walk from the roots lists is applied now.
  it('paths reached through a symlink loop are not applied as files', async () => {
    const { mkdtemp, mkdir, writeFile, symlink, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { createCluster } = await import('../../src/engine/cluster.js');
    const { ManifestSync } = await import('../../src/manifests/index.js');
    const dir = await mkdtemp(join(tmpdir(), 'kubedeck-loop-'));
    try {
      await mkdir(join(dir, 'sub'));
      await writeFile(join(dir, 'sub', 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');
      await symlink(dir, join(dir, 'sub', 'loop'));
      const cluster = createCluster({ seed: 1 });
      const sync = new ManifestSync(cluster, [dir], { watch: false });
      await sync.start();
      const report = await sync.reload([join(dir, 'sub', 'loop', 'sub', 'a.yaml'), join(dir, 'sub', 'loop', 'sub'), join(dir, 'sub')]);
      expect(report.errors.map((e) => e.message)).toEqual([expect.stringMatching(/symlink loop/)]);
      expect(sync.applier.trackedFiles()).toEqual([join(dir, 'sub', 'a.yaml')]);
      await sync.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('fault-suite regressions: controllers', () => {
  // Found by the invariant property (repros/resourceversion-only-grows-7f655bd068): deleting a Job made the Job
  // controller's watch handler remove the tracking finalizer from its pod at once, inside the delivery of the Job's
  // DELETED event; watchers registered after it saw the pod's MODIFIED (rv 35) before the Job's DELETED (rv 34).
  // The store now delivers an event given during another's delivery after it: every watcher sees rv order.
  it('the shrunk scenario: delete job/batch', async () => {
    const { readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { runChecked, REPROS_DIR } = await import('./support/harness.js');
    const { spec, plan } = JSON.parse(await readFile(join(REPROS_DIR, 'resourceversion-only-grows-7f655bd068', 'counterexample.json'), 'utf8'));
    const result = await runChecked(spec, plan);
    expect(result.violations).toEqual([]);
    expect(result.steps.map((s) => s.run)).toContain('delete job/batch');
  });

  it('a watcher sees events in resourceVersion order even when another watcher writes while handling one', async () => {
    const { createCluster } = await import('../../src/engine/cluster.js');
    const cluster = createCluster({ seed: 1 });
    cluster.watch({ kinds: ['ConfigMap'] }, (e) => {
      if (e.type === 'ADDED' && e.object.metadata.name === 'a') cluster.api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
    });
    const seen: string[] = [];
    cluster.watch({ kinds: ['ConfigMap'] }, (e) => seen.push(`${e.object.metadata.name}@${e.object.metadata.resourceVersion}`));
    cluster.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    const rvs = seen.map((s) => Number(s.split('@')[1]));
    expect(seen.map((s) => s.split('@')[0])).toEqual(['a', 'b']);
    expect(rvs[1]).toBeGreaterThan(rvs[0]!);
  });
});

describe('fault-suite regressions: apply', () => {
  // Found by the manifest fuzz (FUZZ_CASES=3000, random edit case: lines 93 and 122 of 06-trouble/checkout.yaml
  // deleted, a tab before line 1; lines 33 and 64 since the file's comment grew): the Service's selector lost `app: checkout` (valid), the Deployment's selector lost
  // `matchLabels:` (invalid). The Service was applied first, then the Deployment refused and the Service restored:
  // a refused file had emptied the Service's endpoints for a moment. Every object is now validated before any write.
  it('a file refused by server-side validation writes nothing, not even to the objects before the invalid one', async () => {
    const { readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { createSimulatedCluster } = await import('../../src/engine/simulation.js');
    const { Applier } = await import('../../src/manifests/index.js');
    const { DEMO_DIR } = await import('./support/corpus.js');
    const { mutate } = await import('./support/mutate.js');
    const file = join(DEMO_DIR, '06-trouble/checkout.yaml');
    const good = await readFile(file, 'utf8');
    const bad = [{ op: 'deleteLine', line: 32 }, { op: 'deleteLine', line: 62 }, { op: 'tab', line: 0 }].reduce((t, m) => mutate(t, m as never), good);
    const cluster = createSimulatedCluster({ seed: 1 });
    cluster.ensureDefaultNodes(3);
    const applier = new Applier(cluster);
    expect(applier.applyFile(file, parseManifest(file, good).documents).errors).toEqual([]);
    cluster.advance(30_000);
    const writes: string[] = [];
    cluster.watch({}, (e) => e.object.kind !== 'Event' && writes.push(`${e.type} ${e.object.kind}/${e.object.metadata.name}`));
    const parsed = parseManifest(file, bad);
    expect(parsed.errors).toEqual([]);
    const result = applier.applyFile(file, parsed.documents);
    expect(result.errors.length).toBeGreaterThan(0);
    for (const e of result.errors) expect(e.message).toMatch(/^error when patching ".*checkout\.yaml": Deployment\.apps "checkout" is invalid: spec\.selector: /);
    expect(result.applied).toEqual([]);
    expect(writes).toEqual([]);
  });
});
