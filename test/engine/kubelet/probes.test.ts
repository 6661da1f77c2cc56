import { describe, expect, it } from 'vitest';
import { events, getPod, podOn, row, setup, stepSeconds } from './helpers.js';

describe('readiness', () => {
  it('drives container ready -> ContainersReady -> Ready, and back, with the HTTP status in the event', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('web', [{
      name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }],
      readinessProbe: { httpGet: { path: '/ready', port: 80 }, periodSeconds: 5 },
    }], {}, { 'kubedeck.dev/readiness-fails-after': '30s', 'kubedeck.dev/readiness-recovers-after': '60s' }));
    const ready: string[] = [];
    stepSeconds(cluster, t0, 100, () => {
      const p = getPod(cluster, 'web')!;
      const r = `${row(cluster, 'web')[1]} ${p.status!.conditions!.find((c) => c.type === 'Ready')!.status}`;
      if (r !== ready[ready.length - 1]) ready.push(r);
    });
    expect(ready).toEqual(['0/1 False', '1/1 True', '0/1 False', '1/1 True']);
    const p = getPod(cluster, 'web')!;
    expect(p.status!.containerStatuses![0]!.restartCount).toBe(0);
    const unhealthy = events(cluster, 'web').filter((e) => e.reason === 'Unhealthy');
    expect(unhealthy.map((e) => e.message)).toEqual(['Readiness probe failed: HTTP probe failed with statuscode: 503']);
  });

  it('a container without a readiness probe is ready as soon as it runs', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('plain', [{ name: 'app', image: 'busybox:1.36', command: ['sleep', 'infinity'] }]));
    cluster.advanceTo(t0 + 5_000);
    expect(row(cluster, 'plain').slice(1, 3)).toEqual(['1/1', 'Running']);
  });

  it('exec readiness on a file the container creates: `test -f`, `ls`, and `sh -c` all read its filesystem', () => {
    const { cluster, t0 } = setup();
    const probe = (command: string[]) => ({ exec: { command }, periodSeconds: 2 });
    const script = ['sh', '-c', 'sleep 10; touch /tmp/ready; sleep 3600'];
    cluster.create(podOn('a', [{ name: 'app', image: 'busybox:1.36', command: script, readinessProbe: probe(['test', '-f', '/tmp/ready']) }]));
    cluster.create(podOn('b', [{ name: 'app', image: 'busybox:1.36', command: script, readinessProbe: probe(['ls', '/tmp/ready']) }]));
    cluster.create(podOn('c', [{ name: 'app', image: 'busybox:1.36', command: script, readinessProbe: probe(['/bin/sh', '-c', '[ -f /tmp/ready ] && echo ok']) }]));
    cluster.advanceTo(t0 + 8_000);
    expect(['a', 'b', 'c'].map((n) => row(cluster, n)[1])).toEqual(['0/1', '0/1', '0/1']);
    cluster.advanceTo(t0 + 20_000);
    expect(['a', 'b', 'c'].map((n) => row(cluster, n)[1])).toEqual(['1/1', '1/1', '1/1']);
    expect(events(cluster, 'b').find((e) => e.reason === 'Unhealthy')!.message).toBe('Readiness probe failed: ls: /tmp/ready: No such file or directory');
  });
  it('a container that declares no variables still has the default environment in its shells', () => {
    const { cluster, t0 } = setup();
    const check = ['sh', '-c', 'test "$HOSTNAME" = plain && test "$HOME" = /root && test "$KUBERNETES_SERVICE_HOST" = 10.96.0.1'];
    cluster.create(podOn('plain', [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'], readinessProbe: { exec: { command: check }, periodSeconds: 2 } }]));
    cluster.create(podOn('other', [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'], readinessProbe: { exec: { command: check }, periodSeconds: 2 } }]));
    cluster.advanceTo(t0 + 10_000);
    expect(['plain', 'other'].map((n) => row(cluster, n)[1])).toEqual(['1/1', '0/1']);
  });

  it('each container has its own directories: one that makes or removes a directory changes no other', () => {
    const { cluster, t0 } = setup();
    const probe = { exec: { command: ['test', '-d', '/data/cache'] }, periodSeconds: 2 };
    const standard = { exec: { command: ['test', '-d', '/var/log'] }, periodSeconds: 2 };
    cluster.create(podOn('maker', [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'mkdir -p /data/cache; rm -r /var/log; sleep 3600'], readinessProbe: probe }]));
    cluster.create(podOn('other', [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'], readinessProbe: probe }]));
    cluster.create(podOn('keeps', [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'], readinessProbe: standard }]));
    cluster.create(podOn('removed', [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'rm -r /var/log; sleep 3600'], readinessProbe: standard }]));
    cluster.advanceTo(t0 + 20_000);
    expect(['maker', 'other', 'keeps', 'removed'].map((n) => row(cluster, n)[1])).toEqual(['1/1', '0/1', '1/1', '0/1']);
  });
});

describe('probe state for the dashboard', () => {
  it('keeps the last result and time, consecutive counts and the next probe time per container and probe', () => {
    const { cluster, kubelets, t0 } = setup();
    cluster.create(podOn('web', [{
      name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }],
      livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 10 },
      readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 5 },
    }]));
    cluster.advanceTo(t0 + 60_000);
    const [web] = kubelets.probeStates('default', 'web');
    expect(web!.container).toBe('web');
    const liveness = web!.probes.find((p) => p.probe === 'liveness')!;
    const readiness = web!.probes.find((p) => p.probe === 'readiness')!;
    expect(liveness).toMatchObject({ result: 'Success', lastResult: 'Success', consecutiveFailures: 0, periodSeconds: 10 });
    expect(readiness).toMatchObject({ result: 'Success', lastResult: 'Success', consecutiveFailures: 0, periodSeconds: 5 });
    expect(liveness.consecutiveSuccesses).toBeGreaterThanOrEqual(4);
    expect(readiness.lastProbeTime).toBeLessThanOrEqual(cluster.clock.now());
    expect(readiness.nextProbeTime! - readiness.lastProbeTime!).toBe(5000);
    expect(kubelets.probeStates('default', 'nope')).toEqual([]);
  });

  it('steady probes do not keep the cluster busy: runUntilIdle returns', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('web', [{
      name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }],
      livenessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 10 },
      readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 10 },
    }]));
    const stoppedAt = cluster.runUntilIdle();
    expect(stoppedAt - t0).toBeLessThan(60_000);
    expect(row(cluster, 'web').slice(1, 3)).toEqual(['1/1', 'Running']);
  });
});
