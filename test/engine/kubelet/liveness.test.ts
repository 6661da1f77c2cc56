import { describe, expect, it } from 'vitest';
import type { Container } from '../../../src/engine/api/types.js';
import { events, getPod, podOn, row, setup, stepSeconds } from './helpers.js';

/** The liveness example of the Kubernetes docs (Configure Liveness, Readiness and Startup Probes). */
const livenessExec: Container = {
  name: 'liveness',
  image: 'registry.k8s.io/busybox',
  args: ['/bin/sh', '-c', 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600'],
  livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, initialDelaySeconds: 5, periodSeconds: 5 },
};

describe("the docs' liveness example", () => {
  it('fails its probe about 30 s after start and restarts once between t=35s and t=60s', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('liveness-exec', [livenessExec]));
    const restarts: number[] = [];
    stepSeconds(cluster, t0, 60, (s) => restarts.push(getPod(cluster, 'liveness-exec')!.status!.containerStatuses![0]!.restartCount));
    expect(restarts.slice(0, 36).every((n) => n === 0)).toBe(true);
    expect(restarts[60]).toBe(1);

    const [name, ready, status, restartsCell] = row(cluster, 'liveness-exec');
    expect([name, ready, status]).toEqual(['liveness-exec', '1/1', 'Running']);
    expect(restartsCell).toMatch(/^1 \(\d+s ago\)$/);
  });

  it('records the events a real kubelet records, with their messages', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('liveness-exec', [livenessExec]));
    cluster.advanceTo(t0 + 60_000);
    const byReason = (reason: string) => events(cluster, 'liveness-exec').filter((e) => e.reason === reason);
    const unhealthy = byReason('Unhealthy');
    expect(unhealthy).toHaveLength(1);
    expect(unhealthy[0]!.type).toBe('Warning');
    expect(unhealthy[0]!.message).toBe("Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory");
    expect(unhealthy[0]!.count).toBe(3); // failureThreshold 3: "(x3 over 10s)"
    expect(byReason('Killing')[0]!.message).toBe('Container liveness failed liveness probe, will be restarted');
    expect(byReason('Pulling')[0]!.message).toBe('Pulling image "registry.k8s.io/busybox"');
    expect(byReason('Pulled')[0]!.message).toMatch(
      /^Successfully pulled image "registry\.k8s\.io\/busybox" in [\d.]+m?s \([\d.]+m?s including waiting\)\. Image size: \d+ bytes\.$/,
    );
    expect(byReason('Created')[0]!.message).toBe('Created container liveness');
    expect(byReason('Started')[0]!.message).toBe('Started container liveness');
    expect(byReason('Started')[0]!.count).toBe(2);
    for (const e of events(cluster, 'liveness-exec')) expect(e.source).toEqual({ component: 'kubelet', host: 'kubedeck-worker' });
  });

  it('keeps the killed instance as lastState: Error, exit code 137', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('liveness-exec', [livenessExec]));
    cluster.advanceTo(t0 + 60_000);
    const s = getPod(cluster, 'liveness-exec')!.status!.containerStatuses![0]!;
    expect(s.lastState.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
    expect(s.state.running).toBeDefined();
    expect(s.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(s.lastState.terminated!.containerID).not.toBe(s.containerID);
  });
});

describe('liveness on a server', () => {
  it('restarts a container whose liveness fails after a scripted time, with the HTTP status in the event', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('api', [{
      name: 'api', image: 'nginx:1.25', ports: [{ containerPort: 80 }],
      livenessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 10, failureThreshold: 3 },
    }], {}, { 'kubedeck.dev/liveness-fails-after': '1m' }));
    let firstRestart: number | undefined;
    stepSeconds(cluster, t0, 200, (s) => {
      if (firstRestart === undefined && getPod(cluster, 'api')!.status!.containerStatuses![0]!.restartCount === 1) firstRestart = s;
    });
    // Fails from ~62 s, three failed probes 10 s apart, then killed and restarted.
    expect(firstRestart).toBeGreaterThan(80);
    expect(firstRestart).toBeLessThan(100);
    const unhealthy = events(cluster, 'api').find((e) => e.reason === 'Unhealthy')!;
    expect(unhealthy.message).toBe('Liveness probe failed: HTTP probe failed with statuscode: 500');
    // nginx exits cleanly on SIGTERM.
    expect(getPod(cluster, 'api')!.status!.containerStatuses![0]!.lastState.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  it('a startup probe holds liveness back until the app is up, then kills it if it never comes up', () => {
    const { cluster, t0 } = setup();
    const probe = { httpGet: { path: '/', port: 8080 }, periodSeconds: 5, failureThreshold: 4 };
    cluster.create(podOn('slow', [{
      name: 'app', image: 'example.com/shop/api:2.1', ports: [{ containerPort: 8080 }],
      startupProbe: probe, livenessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 5, failureThreshold: 1 },
    }], {}, { 'kubedeck.dev/startup-time': '12s' }));
    cluster.create(podOn('never', [{
      name: 'app', image: 'example.com/shop/api:2.1', ports: [{ containerPort: 8080 }],
      startupProbe: probe, livenessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 5, failureThreshold: 1 },
    }], {}, { 'kubedeck.dev/startup-time': '10m' }));
    cluster.advanceTo(t0 + 40_000);
    const slow = getPod(cluster, 'slow')!.status!.containerStatuses![0]!;
    expect(slow).toMatchObject({ restartCount: 0, started: true, ready: true });
    expect(events(cluster, 'slow').filter((e) => e.reason === 'Unhealthy').map((e) => e.message)).toEqual([
      expect.stringMatching(/^Startup probe failed: Get "http:\/\/10\.244\.1\.\d+:8080\/": dial tcp 10\.244\.1\.\d+:8080: connect: connection refused$/),
    ]);
    const never = events(cluster, 'never');
    expect(never.find((e) => e.reason === 'Killing')!.message).toBe('Container app failed startup probe, will be restarted');
    expect(never.filter((e) => e.reason === 'Unhealthy').every((e) => e.message!.startsWith('Startup probe failed:'))).toBe(true);
  });
});
