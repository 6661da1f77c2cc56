/**
 * The bundled demo folder loads and applies cleanly on a fresh cluster, and declares every object the tour
 * (README, demo-manifests/scenarios/) relies on.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { KindName } from '../../src/engine/api/types.js';
import { createCluster } from '../../src/engine/cluster.js';
import { Applier, loadFolders } from '../../src/manifests/index.js';

const DEMO_DIR = fileURLToPath(new URL('../../demo-manifests', import.meta.url));

const EXPECTED: [KindName, string | undefined, string][] = [
  ['Deployment', 'default', 'my-nginx'],
  ['Service', 'default', 'my-nginx'],
  ['PersistentVolume', undefined, 'web-pv-0'],
  ['PersistentVolume', undefined, 'web-pv-1'],
  ['PersistentVolume', undefined, 'web-pv-2'],
  ['Service', 'default', 'nginx'],
  ['StatefulSet', 'default', 'web'],
  ['DaemonSet', 'kube-system', 'fluentd-elasticsearch'],
  ['DaemonSet', 'default', 'logging-node-agent'],
  ['Job', 'default', 'pi'],
  ['CronJob', 'default', 'hello'],
  ['Pod', 'default', 'liveness-exec'],
  ['Pod', 'default', 'readiness-http'],
  ['Pod', 'default', 'slow-start'],
  ['Deployment', 'default', 'flaky'],
  ['Service', 'default', 'flaky'],
  ['Pod', 'default', 'crashloop'],
  ['Pod', 'default', 'bad-image'],
  ['Pod', 'default', 'too-big'],
  ['Deployment', 'default', 'checkout'],
  ['Service', 'default', 'checkout'],
];

async function loadDemo() {
  const loaded = await loadFolders([DEMO_DIR]);
  const cluster = createCluster({ seed: 1 });
  cluster.ensureDefaultNodes();
  const applier = new Applier(cluster);
  const results = applier.syncFolder(loaded.files);
  return { loaded, cluster, results };
}

describe('demo-manifests', () => {
  it('loads and applies with no errors', async () => {
    const { loaded, results } = await loadDemo();
    expect(loaded.errors).toEqual([]);
    expect(loaded.files.flatMap((f) => f.errors)).toEqual([]);
    expect(loaded.files.length).toBeGreaterThanOrEqual(14);
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    expect(results.flatMap((r) => r.applied.map((a) => a.action)).every((a) => a === 'created')).toBe(true);
  });

  it('creates every object the tour relies on', async () => {
    const { cluster } = await loadDemo();
    const missing = EXPECTED.filter(([kind, ns, name]) => !cluster.get(kind, ns, name)).map(([kind, ns, name]) => `${kind} ${ns ?? ''}/${name}`);
    expect(missing).toEqual([]);
  });

  it('declares the seed workloads as the docs and the issue describe them', async () => {
    const { cluster } = await loadDemo();
    const nginx = cluster.get('Deployment', 'default', 'my-nginx')!;
    expect(nginx.spec.replicas).toBe(2);
    const web = nginx.spec.template.spec.containers[0]!;
    expect(web.resources?.limits).toEqual({ memory: '128Mi', cpu: '500m' });
    expect(web.ports?.[0]?.containerPort).toBe(80);

    expect(cluster.get('Service', 'default', 'nginx')!.spec.clusterIP).toBe('None');
    const sts = cluster.get('StatefulSet', 'default', 'web')!;
    expect(sts.spec.minReadySeconds).toBe(10);
    expect(sts.spec.volumeClaimTemplates?.[0]?.spec?.storageClassName).toBe('my-storage-class');
    for (const i of [0, 1, 2]) {
      const pv = cluster.get('PersistentVolume', undefined, `web-pv-${i}`)!;
      expect(pv.spec.storageClassName).toBe('my-storage-class');
      expect(pv.spec.hostPath?.path).toBeTruthy();
    }

    const fluentd = cluster.get('DaemonSet', 'kube-system', 'fluentd-elasticsearch')!;
    expect(fluentd.spec.template.spec.tolerations).toContainEqual({ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' });
    expect(cluster.get('DaemonSet', 'default', 'logging-node-agent')!.spec.template.spec.nodeSelector).toEqual({ app: 'logging-node' });

    const pi = cluster.get('Job', 'default', 'pi')!;
    expect(pi.spec.backoffLimit).toBe(4);
    expect(pi.spec.template.spec.containers[0]!.command).toEqual(['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)']);
    expect(cluster.get('CronJob', 'default', 'hello')!.spec.schedule).toBe('* * * * *');

    const liveness = cluster.get('Pod', 'default', 'liveness-exec')!.spec.containers[0]!;
    expect(liveness.args?.[2]).toBe('touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600');
    expect(liveness.livenessProbe).toMatchObject({ exec: { command: ['cat', '/tmp/healthy'] }, initialDelaySeconds: 5, periodSeconds: 5 });
    expect(cluster.get('Pod', 'default', 'readiness-http')!.spec.containers[0]!.readinessProbe?.httpGet).toBeTruthy();
    expect(cluster.get('Pod', 'default', 'slow-start')!.spec.containers[0]!.startupProbe).toBeTruthy();
  });

  it('declares the trouble as promised', async () => {
    const { cluster } = await loadDemo();
    expect(cluster.get('Pod', 'default', 'bad-image')!.spec.containers[0]!.image).toBe('nginx:does-not-exist');
    expect(cluster.get('Pod', 'default', 'too-big')!.spec.containers[0]!.resources?.requests?.cpu).toBe('16');
    const nodeCpu = cluster.list('Node').map((n) => n.status?.allocatable?.cpu);
    expect(nodeCpu.length).toBeGreaterThan(0);
    expect(nodeCpu.every((cpu) => Number(cpu) < 16)).toBe(true);
    const checkout = cluster.get('Deployment', 'default', 'checkout')!;
    expect(checkout.spec.template.spec.containers[0]!.name).toBe('app');
    expect(checkout.spec.template.spec.containers[0]!.readinessProbe?.httpGet).toBeTruthy();
    const text = await readFile(`${DEMO_DIR}/06-trouble/checkout.yaml`, 'utf8');
    expect(text).toContain('kubectl set image deployment/checkout app=registry.example.com/checkout:2.0-broken');
  });

  it('runs for two simulated minutes without an error', async () => {
    const { cluster } = await loadDemo();
    expect(() => cluster.advance(2 * 60 * 1000)).not.toThrow();
    expect(cluster.get('Deployment', 'default', 'my-nginx')).toBeTruthy();
  });

  it('comments every file with what to watch for', async () => {
    const { loaded } = await loadDemo();
    for (const f of loaded.files) {
      const text = await readFile(f.file, 'utf8');
      expect(text.startsWith('# '), f.file).toBe(true);
      expect(text, f.file).toContain('What to watch for');
    }
  });
});
