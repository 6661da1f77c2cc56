/**
 * Live reload, as the dashboard runs it: a folder of manifests watched by ManifestSync (openSession({ watch: true })),
 * the simulated source with its real-time driver running, the DashboardController with its default frame pacing and
 * the real App rendered by Ink (paced as the dashboard paces it) into an in-memory terminal of 120×40 on the Deployments view. A file is saved
 * (a Deployment's replicas changed) N times; for each save: file written -> Deployment updated in the store -> the
 * first frame written that shows the new replicas.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deployment } from '../engine/api/types.js';
import { measure, percentile, type Measurement } from './measure.js';
import type { CaseOptions } from './cases.js';
import { renderBenchDashboard } from './benchDashboard.js';
import type { Session } from '../cli/session.js';
import type { SimulatedSource } from '../tui/simulatedSource.js';
import { INK_MAX_FPS } from '../tui/store.js';

function deployment(name: string, replicas: number, image: string): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    `  replicas: ${replicas}`,
    '  selector:',
    `    matchLabels: {app: ${name}}`,
    '  template:',
    '    metadata:',
    `      labels: {app: ${name}}`,
    '    spec:',
    '      containers:',
    '      - name: app',
    `        image: ${image}`,
    '        resources:',
    '          requests: {cpu: 10m, memory: 16Mi}',
    '',
  ].join('\n');
}

function service(name: string): string {
  return `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector: {app: ${name}}\n  ports:\n  - port: 80\n`;
}

const round = (n: number) => Math.round(n * 100) / 100;
// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

export async function liveReload({ quick }: CaseOptions): Promise<Measurement> {
  const saves = quick ? 10 : 100;
  const dir = mkdtempSync(join(tmpdir(), 'kubedeck-bench-reload-'));
  // The saved file and some neighbours, as a project folder would have.
  const others = ['api', 'worker', 'cache', 'db'];
  for (const name of others) writeFileSync(join(dir, `${name}.yaml`), `${deployment(name, 2, 'nginx:1.27')}---\n${service(name)}`);
  const file = join(dir, 'web.yaml');
  const replicasAt = (i: number) => 3 + (i % 5);
  const imageAt = (i: number) => `nginx:1.${20 + (i % 7)}`;
  writeFileSync(file, `${deployment('web', 2, imageAt(0))}---\n${service('web')}`);

  let cluster!: Session['cluster'];
  let source!: SimulatedSource;
  const { screen, close } = await renderBenchDashboard(
    async () => {
      const [{ openSession }, { createSimulatedSource }] = await Promise.all([import('../cli/session.js'), import('../tui/simulatedSource.js')]);
      const session = await openSession({ dirs: [dir], seed: 1, watch: true });
      cluster = session.cluster;
      source = createSimulatedSource({ ...session, dirs: [dir] });
      return source;
    },
    { view: 'deployments', maxFps: INK_MAX_FPS },
  );
  source.driver.start();
  await new Promise((r) => setTimeout(r, 300));

  const toStore: number[] = [];
  const toFrame: number[] = [];
  const storeToFrame: number[] = [];
  try {
    const m = await measure('live reload: file saved to frame drawn', async (timed) => {
      for (let i = 0; i < saves; i++) {
        const replicas = replicasAt(i);
        const image = imageAt(i + 1);
        const shows = new RegExp(`^\\S+\\s+web\\s+\\d+/${replicas}\\s`, 'm');
        let written = 0;
        let stored = 0;
        const drawn = new Promise<number>((resolve, reject) => {
          const timeout = setTimeout(() => reject(new Error(`save ${i}: no frame showed replicas ${replicas} within 10 s`)), 10_000);
          const stopWatch = cluster.watch({ kinds: ['Deployment'] }, (e) => {
            const d = e.object as Deployment;
            if (stored === 0 && d.metadata.name === 'web' && d.spec.replicas === replicas) stored = performance.now();
          });
          screen.onWrite = (text) => {
            if (stored === 0 || !shows.test(stripAnsi(text))) return;
            const at = performance.now();
            clearTimeout(timeout);
            stopWatch();
            screen.onWrite = undefined;
            resolve(at);
          };
        });
        const frameAt = await timed(async () => {
          written = performance.now();
          writeFileSync(file, `${deployment('web', replicas, image)}---\n${service('web')}`);
          return drawn;
        });
        toStore.push(stored - written);
        toFrame.push(frameAt - written);
        storeToFrame.push(frameAt - stored);
        // A pause between saves, as between a person's saves (and past chokidar's 50 ms per-file event throttle).
        await new Promise((r) => setTimeout(r, 30));
      }
      return {
        size: `${saves} saves of a Deployment's replicas and image, ${others.length + 1} files, dashboard paced as live`,
        compare: 'goal: p95 < 150 ms (file saved to frame drawn)',
      };
    });
    const stats = (samples: number[]) => {
      const sorted = [...samples].sort((a, b) => a - b);
      return [round(percentile(sorted, 50)), round(percentile(sorted, 95))] as const;
    };
    const [storeP50, storeP95] = stats(toStore);
    const [frameP50, frameP95] = stats(toFrame);
    const [drawP50, drawP95] = stats(storeToFrame);
    return {
      ...m,
      figures: { saveToStoreP50Ms: storeP50, saveToStoreP95Ms: storeP95, storeToFrameP50Ms: drawP50, storeToFrameP95Ms: drawP95, saveToFrameP50Ms: frameP50, saveToFrameP95Ms: frameP95 },
    };
  } finally {
    source.driver.stop();
    close();
    await source.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
