/** The benchmark cases. Each runs in a fresh process (see main.ts) so its peak memory is its own. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../engine/api/types.js';
import { createCluster } from '../engine/cluster.js';
import { ManifestSync } from '../manifests/index.js';
import { measure, percentile, type Measurement } from './measure.js';

export interface CaseOptions {
  quick: boolean;
}

export const CASES: Record<string, (o: CaseOptions) => Promise<Measurement>> = {
  'load-apply': loadAndApply,
  'list-selector': listWithSelector,
};

/** Load and apply N objects from files: parse, validate, default, three-way merge, store. */
async function loadAndApply({ quick }: CaseOptions): Promise<Measurement> {
  const objects = quick ? 1_000 : 10_000;
  const perFile = 100;
  const dir = mkdtempSync(join(tmpdir(), 'kubedeck-bench-'));
  try {
    for (let f = 0; f < objects / perFile; f++) {
      const docs: string[] = [];
      for (let i = 0; i < perFile; i++) {
        const n = f * perFile + i;
        docs.push(n % 2 === 0
          ? `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-${n}\n  labels: {app: app-${n % 50}}\ndata:\n  key: value-${n}\n  other: "${n}"\n`
          : `apiVersion: v1\nkind: Secret\nmetadata:\n  name: secret-${n}\n  labels: {app: app-${n % 50}}\ntype: Opaque\nstringData:\n  password: p-${n}\n`);
      }
      writeFileSync(join(dir, `objects-${String(f).padStart(4, '0')}.yaml`), docs.join('---\n'));
    }
    return await measure('load and apply objects from files', async (timed) => {
      const cluster = createCluster({ seed: 1 });
      const sync = new ManifestSync(cluster, [dir], { watch: false });
      const report = await timed(() => sync.start());
      if (report.errors.length > 0) throw new Error(`bench manifests failed: ${report.errors[0]!.message}`);
      const applied = cluster.store.count('ConfigMap') + cluster.store.count('Secret');
      return { size: `${applied.toLocaleString('en')} objects in ${objects / perFile} files`, figures: { objectsPerSecond: 0 }, compare: 'no published reference; goal: 10,000 objects < 5 s' };
    }).then((m) => ({ ...m, figures: { objectsPerSecond: Math.round(objects / (m.wallMs / 1000)) } }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** List pods with a label selector over N pods in the store (the dashboard's filter and every controller's sync). */
async function listWithSelector({ quick }: CaseOptions): Promise<Measurement> {
  const pods = quick ? 10_000 : 100_000;
  const cluster = createCluster({ seed: 1 });
  const namespaces = 10;
  for (let i = 0; i < namespaces; i++) cluster.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `team-${i}` } });
  for (let i = 0; i < pods; i++) {
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `pod-${i}`, namespace: `team-${i % namespaces}`, labels: { app: `app-${i % 1000}`, tier: ['web', 'db', 'cache'][i % 3]! } },
      spec: { containers: [{ name: 'app', image: 'nginx' }] },
    };
    cluster.api.create(pod);
  }
  const rounds = quick ? 20 : 50;
  const times: number[] = [];
  let matched = 0;
  const m = await measure('list with a label selector', async (timed) => {
    for (let r = 0; r < rounds; r++) {
      const start = performance.now();
      matched = await timed(() => cluster.list('Pod', { labelSelector: `app=app-${r % 1000},tier in (web,db)` }).length);
      times.push(performance.now() - start);
    }
    return { size: `${pods.toLocaleString('en')} pods, ${rounds} lists`, compare: 'no published reference; goal: p95 < 50 ms at 100,000 pods' };
  });
  times.sort((a, b) => a - b);
  return { ...m, figures: { p50Ms: round(percentile(times, 50)), p95Ms: round(percentile(times, 95)), matched } };
}

const round = (n: number) => Math.round(n * 100) / 100;
