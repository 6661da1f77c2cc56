import { describe, expect, it } from 'vitest';
import { eventLines, events, getPod, podOn, row, setup, stepSeconds } from './helpers.js';

describe('image pulls', () => {
  it('ErrImagePull, then ImagePullBackOff, retried 10 then 20 s after each failure', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('bad', [{ name: 'app', image: 'nginx:nope' }], {}, { 'kubedeck.dev/image-pull-fails': 'true' }));
    const statuses: string[] = [];
    const pulls: number[] = [];
    let lastPullCount = 0;
    stepSeconds(cluster, t0, 45, (s) => {
      const st = row(cluster, 'bad')[2]!;
      if (st !== statuses[statuses.length - 1]) statuses.push(st);
      const count = events(cluster, 'bad').find((e) => e.reason === 'Pulling')?.count ?? 0;
      if (count > lastPullCount) {
        lastPullCount = count;
        pulls.push(s);
      }
    });
    expect(statuses).toEqual(['ContainerCreating', 'ErrImagePull', 'ImagePullBackOff', 'ErrImagePull', 'ImagePullBackOff', 'ErrImagePull', 'ImagePullBackOff']);
    expect(pulls[1]! - pulls[0]!).toBeGreaterThanOrEqual(10);
    expect(pulls[2]! - pulls[1]!).toBeGreaterThanOrEqual(20);
    const message = 'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:nope": ' +
      'failed to resolve reference "docker.io/library/nginx:nope": docker.io/library/nginx:nope: not found';
    expect(eventLines(cluster, 'bad')).toEqual([
      'Normal Pulling Pulling image "nginx:nope"',
      `Warning Failed Failed to pull image "nginx:nope": ${message}`,
      'Warning Failed Error: ErrImagePull',
      'Normal BackOff Back-off pulling image "nginx:nope"',
      'Warning Failed Error: ImagePullBackOff',
    ]);
    const s = getPod(cluster, 'bad')!.status!.containerStatuses![0]!;
    expect(s.state.waiting).toEqual({ reason: 'ImagePullBackOff', message: 'Back-off pulling image "nginx:nope"' });
    expect(s.image).toBe('nginx:nope');
    expect(s.imageID).toBe('');
    expect(getPod(cluster, 'bad')!.status!.phase).toBe('Pending');
  });

  it('pulls once per node; the next pod with IfNotPresent finds it already present', () => {
    const { cluster } = setup();
    cluster.create(podOn('first', [{ name: 'web', image: 'nginx:1.25' }]));
    cluster.advance(10_000);
    cluster.create(podOn('second', [{ name: 'web', image: 'nginx:1.25' }]));
    cluster.create({ ...podOn('elsewhere', [{ name: 'web', image: 'nginx:1.25' }]), spec: { nodeName: 'kubedeck-worker2', containers: [{ name: 'web', image: 'nginx:1.25' }] } });
    cluster.advance(10_000);
    expect(eventLines(cluster, 'first')[1]).toMatch(/^Normal Pulled Successfully pulled image "nginx:1\.25" in (\d+\.\d+s|\d+ms) \(.+ including waiting\)\. Image size: \d+ bytes\.$/);
    expect(eventLines(cluster, 'second')).toEqual([
      'Normal Pulled Container image "nginx:1.25" already present on machine',
      'Normal Created Created container web',
      'Normal Started Started container web',
    ]);
    expect(eventLines(cluster, 'elsewhere')[0]).toBe('Normal Pulling Pulling image "nginx:1.25"');
    const s = getPod(cluster, 'second')!.status!.containerStatuses![0]!;
    expect(s.image).toBe('docker.io/library/nginx:1.25');
    expect(s.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    const node = cluster.get('Node', undefined, 'kubedeck-worker')!;
    expect(node.status!.images!.some((i) => i.names.includes('docker.io/library/nginx:1.25'))).toBe(true);
  });

  it('the same image pulls in the same time on every run (seeded per image), and waits behind pulls in flight', () => {
    const pulled = () => {
      const { cluster } = setup(7);
      cluster.create(podOn('a', [{ name: 'db', image: 'postgres:16' }]));
      cluster.create(podOn('b', [{ name: 'web', image: 'nginx:1.25' }]));
      cluster.advance(30_000);
      return [events(cluster, 'a'), events(cluster, 'b')].map((evs) => evs.find((e) => e.reason === 'Pulled')!.message);
    };
    const [a, b] = pulled();
    expect(pulled()).toEqual([a, b]);
    // Pulls are serialized per node: whichever pod asked second waited for the other's pull.
    const waited = [a!, b!].map((m) => {
      const [, own, total] = /in (\S+) \((\S+) including waiting\)/.exec(m)!;
      return own !== total;
    });
    expect(waited.filter(Boolean)).toHaveLength(1);
  });

  it('imagePullPolicy Always pulls on every start; Never without the image is ErrImageNeverPull', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('latest', [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'sleep 5'] }]));
    cluster.create(podOn('never', [{ name: 'app', image: 'redis:7', imagePullPolicy: 'Never' }]));
    stepSeconds(cluster, t0, 30, () => {});
    expect(events(cluster, 'latest').find((e) => e.reason === 'Pulling')!.count).toBeGreaterThanOrEqual(2);
    expect(row(cluster, 'never')[2]).toBe('ErrImageNeverPull');
    expect(eventLines(cluster, 'never')).toEqual([
      'Warning ErrImageNeverPull Container image "redis:7" is not present with pull policy of Never',
      'Warning Failed Error: ErrImageNeverPull',
    ]);
  });
});

describe('container config', () => {
  it('CreateContainerConfigError for a missing ConfigMap, running once it exists', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('cfg', [{ name: 'app', image: 'nginx:1.25', env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } }] }]));
    cluster.advanceTo(t0 + 20_000);
    expect(row(cluster, 'cfg').slice(1, 3)).toEqual(['0/1', 'CreateContainerConfigError']);
    expect(getPod(cluster, 'cfg')!.status!.containerStatuses![0]!.state.waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'configmap "settings" not found' });
    expect(eventLines(cluster, 'cfg')).toContain('Warning Failed Error: configmap "settings" not found');

    cluster.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { other: 'x' } });
    cluster.advance(2_000);
    expect(getPod(cluster, 'cfg')!.status!.containerStatuses![0]!.state.waiting!.message).toBe("couldn't find key mode in ConfigMap default/settings");

    cluster.update({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'fast' } });
    cluster.advance(12_000);
    expect(row(cluster, 'cfg').slice(1, 3)).toEqual(['1/1', 'Running']);
  });

  it('a missing Secret; optional references are skipped', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('sec', [{ name: 'app', image: 'nginx:1.25', envFrom: [{ secretRef: { name: 'db-credentials' } }] }]));
    cluster.create(podOn('opt', [{ name: 'app', image: 'nginx:1.25', envFrom: [{ secretRef: { name: 'db-credentials', optional: true } }] }]));
    cluster.advanceTo(t0 + 15_000);
    expect(getPod(cluster, 'sec')!.status!.containerStatuses![0]!.state.waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'secret "db-credentials" not found' });
    expect(row(cluster, 'opt')[2]).toBe('Running');
  });

  it('a ConfigMap volume that does not exist keeps the pod in ContainerCreating with FailedMount', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('vol', [{ name: 'app', image: 'nginx:1.25', volumeMounts: [{ name: 'config', mountPath: '/etc/app' }] }], {
      volumes: [{ name: 'config', configMap: { name: 'app-config' } }],
    }));
    cluster.advanceTo(t0 + 30_000);
    expect(row(cluster, 'vol')[2]).toBe('ContainerCreating');
    expect(eventLines(cluster, 'vol')).toEqual(['Warning FailedMount MountVolume.SetUp failed for volume "config" : configmap "app-config" not found']);
    cluster.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config' }, data: { 'app.conf': 'debug=true\n' } });
    cluster.advance(10_000);
    expect(row(cluster, 'vol')[2]).toBe('Running');
  });
});
