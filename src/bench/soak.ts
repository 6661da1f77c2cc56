/**
 * The soak: 24 simulated hours at full speed with steady churn — CronJobs every minute and every five, a crash loop,
 * a readiness probe that flaps for ever, rolling updates every 20 minutes, StatefulSet and DaemonSet restarts, a node
 * failing and recovering every three hours. Each simulated hour it samples memory (after a GC), the store's object
 * counts and the clock's pending timers: after the warm-up all three must stay flat (events expire after an hour,
 * history limits hold, no timer leaks). `--quick` runs one simulated hour, sampled every ten minutes.
 */
import type { AnyObject, KindName } from '../engine/api/types.js';
import { KINDS } from '../engine/api/kinds.js';
import { rolloutRestart, setImage } from '../engine/actions.js';
import type { Cluster } from '../engine/cluster.js';
import { failNode, recoverNode } from '../engine/nodeActions.js';
import { createSimulatedCluster } from '../engine/simulation.js';
import { measure, type Measurement } from './measure.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface SoakSample {
  /** Simulated hours since the start. */
  hour: number;
  heapMb: number;
  rssMb: number;
  objects: number;
  pods: number;
  events: number;
  replicaSets: number;
  jobs: number;
  timers: { active: number; background: number; heap: number };
  wallMs: number;
}

const template = (app: string, containers: unknown[], annotations: Record<string, string> = {}, extra: Record<string, unknown> = {}) => ({
  metadata: { labels: { app }, annotations },
  spec: { terminationGracePeriodSeconds: 5, containers, ...extra },
});

function workloads(): AnyObject[] {
  const deployment = (name: string, replicas: number, tpl: ReturnType<typeof template>) => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
    spec: { replicas, revisionHistoryLimit: 5, selector: { matchLabels: { app: name } }, template: tpl },
  });
  const cronJob = (name: string, schedule: string, annotations: Record<string, string>) => ({
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name },
    spec: {
      schedule, concurrencyPolicy: 'Forbid',
      jobTemplate: { spec: { backoffLimit: 1, template: { metadata: { annotations }, spec: { restartPolicy: 'Never', containers: [{ name: 'task', image: 'busybox:1.36' }] } } } },
    },
  });
  return [
    deployment('web', 8, template('web', [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { path: '/', port: 80 } } }])),
    deployment('flaky', 3, template('flaky', [{
      name: 'app', image: 'busybox:1.36',
      command: ['sh', '-c', 'while true; do touch /tmp/ready; sleep 20; rm -f /tmp/ready; sleep 10; done'],
      readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 5 },
    }])),
    deployment('crasher', 2, template('crasher', [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'echo starting; sleep 5; exit 1'] }])),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 6379 }] } },
    {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' },
      spec: { serviceName: 'db', replicas: 3, selector: { matchLabels: { app: 'db' } }, template: template('db', [{ name: 'redis', image: 'redis:7.2', ports: [{ containerPort: 6379 }] }]) },
    },
    {
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: template('agent', [{ name: 'agent', image: 'fluentd:v1.16' }]) },
    },
    cronJob('every-minute', '* * * * *', { 'kubedeck.dev/exit-after': '10s' }),
    cronJob('every-five', '*/5 * * * *', { 'kubedeck.dev/exit-after': '90s' }),
    cronJob('failing', '*/10 * * * *', { 'kubedeck.dev/crash-after': '5s' }),
  ] as AnyObject[];
}

function sample(cluster: Cluster, hour: number, wallStart: number): SoakSample {
  (globalThis as { gc?: () => void }).gc?.();
  const mem = process.memoryUsage();
  const count = (k: KindName) => cluster.store.count(k);
  return {
    hour,
    heapMb: Math.round(mem.heapUsed / 2 ** 20),
    rssMb: Math.round(mem.rss / 2 ** 20),
    objects: KINDS.reduce((n, k) => n + count(k.kind as KindName), 0),
    pods: count('Pod'),
    events: count('Event'),
    replicaSets: count('ReplicaSet'),
    jobs: count('Job'),
    timers: cluster.clock.pendingTimers(),
    wallMs: Math.round(performance.now() - wallStart),
  };
}

/** Runs the churn for `hours` simulated hours, sampling every `every` ms of simulated time. */
export function runSoak(hours: number, every: number, onSample?: (s: SoakSample) => void): { samples: SoakSample[]; cluster: Cluster } {
  const cluster = createSimulatedCluster({ seed: 1 });
  cluster.ensureDefaultNodes(4);
  for (const o of workloads()) cluster.create(o);
  const start = cluster.clock.now();
  const wallStart = performance.now();
  const samples = [sample(cluster, 0, wallStart)];
  onSample?.(samples[0]!);
  let version = 0;
  for (let t = MINUTE; t <= hours * HOUR; t += MINUTE) {
    cluster.advanceTo(start + t);
    const minute = t / MINUTE;
    if (minute % 20 === 0) setImage(cluster, 'Deployment', 'default', 'web', { nginx: `nginx:1.${25 + (++version % 3)}` });
    if (minute % 240 === 120) rolloutRestart(cluster, 'StatefulSet', 'default', 'db', cluster.clock.nowRfc3339());
    if (minute % 240 === 200) rolloutRestart(cluster, 'DaemonSet', 'default', 'agent', cluster.clock.nowRfc3339());
    if (minute % 180 === 90) failNode(cluster, 'kubedeck-worker3');
    if (minute % 180 === 120) recoverNode(cluster, 'kubedeck-worker3');
    if (t % every === 0) {
      const s = sample(cluster, t / HOUR, wallStart);
      samples.push(s);
      onSample?.(s);
    }
  }
  return { samples, cluster };
}

const row = (s: SoakSample) =>
  `${s.hour.toFixed(s.hour % 1 === 0 ? 0 : 2).padStart(5)}h  heap ${String(s.heapMb).padStart(4)} MB  rss ${String(s.rssMb).padStart(4)} MB  objects ${String(s.objects).padStart(5)} (pods ${s.pods}, events ${s.events}, rs ${s.replicaSets}, jobs ${s.jobs})  timers ${s.timers.active} active + ${s.timers.background} background (heap ${s.timers.heap})  wall ${(s.wallMs / 1000).toFixed(1)} s`;

export async function soak({ quick }: { quick: boolean }): Promise<Measurement> {
  const hours = quick ? 1 : 24;
  const every = quick ? 10 * MINUTE : HOUR;
  let samples: SoakSample[] = [];
  const m = await measure('soak: steady churn for simulated hours', async (timed) => {
    samples = await timed(() => runSoak(hours, every, (s) => process.stderr.write(`soak ${row(s)}\n`)).samples);
    return { size: `${hours} simulated hour${hours === 1 ? '' : 's'}`, compare: 'goal: flat memory, objects and timers after the first hour' };
  });
  // Warm-up: the first hour (events live for an hour, CronJob history fills up).
  const warm = samples.find((s) => s.hour >= Math.min(2, hours)) ?? samples.at(-1)!;
  const last = samples.at(-1)!;
  const max = (f: (s: SoakSample) => number) => Math.max(...samples.filter((s) => s.hour >= warm.hour).map(f));
  return {
    ...m,
    figures: {
      simulatedSecondsPerWallSecond: Math.round((hours * 3600) / (m.wallMs / 1000)),
      heapMbAfterWarmup: warm.heapMb,
      heapMbEnd: last.heapMb,
      heapMbMaxAfterWarmup: max((s) => s.heapMb),
      objectsAfterWarmup: warm.objects,
      objectsEnd: last.objects,
      objectsMaxAfterWarmup: max((s) => s.objects),
      timersAfterWarmup: warm.timers.active + warm.timers.background,
      timersEnd: last.timers.active + last.timers.background,
      timerHeapEnd: last.timers.heap,
    },
  };
}
