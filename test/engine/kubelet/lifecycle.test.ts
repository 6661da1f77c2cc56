import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/engine/api/types.js';
import { eventLines, events, getPod, NODE, podOn, row, setup, stepSeconds } from './helpers.js';

const condition = (pod: Pod, type: string) => pod.status!.conditions!.find((c) => c.type === type);

describe('a pod coming alive', () => {
  it('gets an IP from its node range, hostIP, startTime and the kubelet conditions', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('web', [{ name: 'web', image: 'nginx:1.25' }]));
    const pending = getPod(cluster, 'web')!;
    expect(pending.status).toMatchObject({ phase: 'Pending', hostIP: '172.18.0.3', startTime: '2025-01-01T00:00:00Z' });
    expect(pending.status!.containerStatuses![0]!.state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    expect(pending.status!.conditions!.map((c) => `${c.type}=${c.status}`)).toEqual([
      'PodReadyToStartContainers=False', 'Initialized=True', 'Ready=False', 'ContainersReady=False', 'PodScheduled=True',
    ]);
    expect(condition(pending, 'Ready')).toMatchObject({ reason: 'ContainersNotReady', message: 'containers with unready status: [web]' });

    cluster.advanceTo(t0 + 10_000);
    const running = getPod(cluster, 'web')!;
    expect(running.status!.phase).toBe('Running');
    expect(running.status!.podIP).toBe('10.244.1.2');
    expect(running.status!.podIPs).toEqual([{ ip: '10.244.1.2' }]);
    expect(running.status!.conditions!.every((c) => c.status === 'True')).toBe(true);
    expect(condition(running, 'Initialized')!.lastTransitionTime).toBe('2025-01-01T00:00:00Z');
    expect(Date.parse(condition(running, 'Ready')!.lastTransitionTime!)).toBeGreaterThan(t0);

    cluster.create(podOn('web2', [{ name: 'web', image: 'nginx:1.25' }]));
    cluster.create({ ...podOn('other', [{ name: 'web', image: 'nginx:1.25' }]), spec: { nodeName: 'kubedeck-worker3', containers: [{ name: 'web', image: 'nginx:1.25' }] } });
    cluster.advance(10_000);
    expect(getPod(cluster, 'web2')!.status!.podIP).toBe('10.244.1.3');
    expect(getPod(cluster, 'other')!.status!.podIP).toBe('10.244.3.2');
  });

  it('runs init containers in order, then the app', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('app', [{ name: 'app', image: 'nginx:1.25' }], {
      initContainers: [
        { name: 'wait-db', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 5'] },
        { name: 'migrate', image: 'busybox:1.36', command: ['sh', '-c', 'echo migrating; sleep 3'] },
      ],
    }));
    const seen: string[] = [];
    stepSeconds(cluster, t0, 30, () => {
      const s = row(cluster, 'app')[2]!;
      if (s !== seen[seen.length - 1]) seen.push(s);
    });
    expect(seen).toEqual(['Init:0/2', 'Init:1/2', 'PodInitializing', 'Running']);
    const created = events(cluster, 'app').filter((e) => e.reason === 'Created').map((e) => e.message);
    expect(created).toEqual(['Created container wait-db', 'Created container migrate', 'Created container app']);
    const init = getPod(cluster, 'app')!.status!.initContainerStatuses!;
    expect(init.map((s) => [s.name, s.state.terminated?.reason, s.ready])).toEqual([['wait-db', 'Completed', true], ['migrate', 'Completed', true]]);
    expect(cluster.logs.read('default', 'app', 'migrate').map((l) => l.text)).toEqual(['migrating']);
  });

  it('a failing init container: Init:Error, then Init:CrashLoopBackOff; with restartPolicy Never the pod fails', () => {
    const { cluster, t0 } = setup();
    const spec = { initContainers: [{ name: 'check', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 1; exit 3'] }] };
    cluster.create(podOn('retry', [{ name: 'app', image: 'nginx:1.25' }], spec));
    cluster.create(podOn('once', [{ name: 'app', image: 'nginx:1.25' }], { ...spec, restartPolicy: 'Never' }));
    const seen = new Set<string>();
    stepSeconds(cluster, t0, 40, () => seen.add(row(cluster, 'retry')[2]!));
    expect(seen).toContain('Init:Error');
    expect(seen).toContain('Init:CrashLoopBackOff');
    expect(getPod(cluster, 'once')!.status!.phase).toBe('Failed');
    expect(row(cluster, 'once')[2]).toBe('Init:Error');
  });
});

describe('Job-style pods', () => {
  it('reach Completed (Succeeded) or Error (Failed); completed pods keep their IP and drop the sandbox', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('pi', [{ name: 'pi', image: 'perl:5.34.0', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] }], { restartPolicy: 'Never' }));
    cluster.create(podOn('fails', [{ name: 'task', image: 'busybox:1.36', command: ['sh', '-c', 'echo working; sleep 4; exit 2'] }], { restartPolicy: 'Never' }));
    cluster.advanceTo(t0 + 60_000);
    const pi = getPod(cluster, 'pi')!;
    expect(pi.status!.phase).toBe('Succeeded');
    expect(row(cluster, 'pi').slice(1, 4)).toEqual(['0/1', 'Completed', '0']);
    expect(pi.status!.containerStatuses![0]!.state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(condition(pi, 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(condition(pi, 'PodReadyToStartContainers')!.status).toBe('False');
    expect(pi.status!.podIP).toMatch(/^10\.244\.1\.\d+$/);
    const ran = Date.parse(pi.status!.containerStatuses![0]!.state.terminated!.finishedAt!) - Date.parse(pi.status!.containerStatuses![0]!.state.terminated!.startedAt!);
    expect(ran).toBeGreaterThanOrEqual(3000); // an unknown command runs a plausible while
    expect(ran).toBeLessThanOrEqual(15000);

    const fails = getPod(cluster, 'fails')!;
    expect(fails.status!.phase).toBe('Failed');
    expect(row(cluster, 'fails').slice(1, 4)).toEqual(['0/1', 'Error', '0']);
    expect(fails.status!.containerStatuses![0]!.state.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
  });
});

describe('OOMKilled', () => {
  it('kills a container whose simulated memory passes its limit, exit code 137', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('leak', [{ name: 'app', image: 'nginx:1.25', resources: { limits: { memory: '128Mi' } } }], {}, {
      'kubedeck.dev/memory-usage': '64Mi',
      'kubedeck.dev/memory-growth': '8Mi/s',
    }));
    const seen = new Set<string>();
    stepSeconds(cluster, t0, 20, () => seen.add(row(cluster, 'leak')[2]!));
    expect(seen).toContain('OOMKilled');
    const s = getPod(cluster, 'leak')!.status!.containerStatuses![0]!;
    const oom = s.state.terminated ?? s.lastState.terminated!;
    expect(oom).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
    // 64Mi + 8Mi/s reaches 128Mi 8 s after start.
    expect(Date.parse(oom.finishedAt!) - Date.parse(oom.startedAt!)).toBe(8000);
  });
});

describe('graceful deletion', () => {
  it('shows Terminating, stops the container (Killing), then the pod goes', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('web', [{ name: 'web', image: 'nginx:1.25' }]));
    cluster.advanceTo(t0 + 10_000);
    cluster.delete('Pod', 'default', 'web');
    expect(row(cluster, 'web')[2]).toBe('Terminating');
    expect(eventLines(cluster, 'web')).toContain('Normal Killing Stopping container web');
    cluster.advance(3_000);
    expect(getPod(cluster, 'web')).toBeUndefined();
  });

  it('preStop and a slow shutdown keep it Terminating, up to terminationGracePeriodSeconds', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('slow', [{ name: 'app', image: 'nginx:1.25', lifecycle: { preStop: { exec: { command: ['sh', '-c', 'sleep 5'] } } } }], {}, { 'kubedeck.dev/shutdown-time': '10s' }));
    cluster.create(podOn('stuck', [{ name: 'app', image: 'nginx:1.25' }], { terminationGracePeriodSeconds: 8 }, { 'kubedeck.dev/shutdown-time': '1m' }));
    cluster.advanceTo(t0 + 10_000);
    cluster.delete('Pod', 'default', 'slow');
    cluster.delete('Pod', 'default', 'stuck');
    let slowGone: number | undefined;
    let stuckGone: number | undefined;
    let stuckLast: Pod | undefined;
    cluster.watch({ kinds: ['Pod'] }, (e) => {
      if (e.type === 'DELETED' && e.object.metadata.name === 'stuck') stuckLast = e.object as Pod;
    });
    stepSeconds(cluster, t0 + 10_000, 40, (s) => {
      const stuck = getPod(cluster, 'stuck');
      if (slowGone === undefined && !getPod(cluster, 'slow')) slowGone = s;
      if (stuckGone === undefined && !stuck) stuckGone = s;
    });
    expect(slowGone).toBeGreaterThanOrEqual(15); // 5 s preStop + 10 s shutdown
    expect(slowGone).toBeLessThanOrEqual(17);
    expect(stuckGone).toBeGreaterThanOrEqual(8); // SIGKILL at the grace period
    expect(stuckGone).toBeLessThanOrEqual(10);
    expect(stuckLast!.status!.containerStatuses![0]!.state.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
    expect(stuckLast!.status!.phase).toBe('Failed');
  });

  it('a pod that never started goes at once', () => {
    const { cluster } = setup();
    cluster.create(podOn('bad', [{ name: 'app', image: 'nginx:nope' }], {}, { 'kubedeck.dev/image-pull-fails': 'true' }));
    cluster.advance(20_000);
    cluster.delete('Pod', 'default', 'bad');
    cluster.advance(2_000);
    expect(getPod(cluster, 'bad')).toBeUndefined();
  });

  it('frees the pod IP for later pods', () => {
    const { cluster } = setup();
    cluster.create(podOn('a', [{ name: 'app', image: 'nginx:1.25' }]));
    cluster.advance(10_000);
    const ip = getPod(cluster, 'a')!.status!.podIP;
    cluster.delete('Pod', 'default', 'a', { gracePeriodSeconds: 0 });
    expect(getPod(cluster, 'a')).toBeUndefined();
    expect(cluster.api.hooks.hasKubelet?.(NODE)).toBe(true);
    cluster.create(podOn('b', [{ name: 'app', image: 'nginx:1.25' }]));
    cluster.advance(10_000);
    expect(getPod(cluster, 'b')!.status!.podIP).not.toBe(ip); // host-local hands out round-robin
  });
});

describe('sidecars and deadlines', () => {
  it('a sidecar starts before the app, counts in READY, and is stopped once the app completes', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('job', [{ name: 'task', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 20'] }], {
      restartPolicy: 'Never',
      initContainers: [{ name: 'proxy', image: 'nginx:1.25', restartPolicy: 'Always', readinessProbe: { tcpSocket: { port: 80 } } }],
    }));
    const pending = getPod(cluster, 'job')!;
    expect(condition(pending, 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [proxy]' });
    // The sidecar counts first, as the kubelet lists restartable init containers before the app's.
    expect(condition(pending, 'ContainersReady')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [proxy task]' });
    const seen: string[] = [];
    stepSeconds(cluster, t0, 40, () => {
      const r = row(cluster, 'job').slice(1, 3).join(' ');
      if (r !== seen[seen.length - 1]) seen.push(r);
    });
    expect(seen[0]).toBe('0/2 Init:0/1');
    expect(seen).toContain('2/2 Running');
    expect(seen[seen.length - 1]).toBe('0/2 Completed');
    expect(getPod(cluster, 'job')!.status!.phase).toBe('Succeeded');
    const created = events(cluster, 'job').filter((e) => e.reason === 'Created').map((e) => e.message);
    expect(created).toEqual(['Created container proxy', 'Created container task']);
    expect(eventLines(cluster, 'job')).toContain('Normal Killing Stopping container proxy');
  });

  it('activeDeadlineSeconds: the kubelet stops the pod and fails it with DeadlineExceeded', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('dl', [{ name: 'app', image: 'nginx:1.25' }], { activeDeadlineSeconds: 15 }));
    cluster.advanceTo(t0 + 30_000);
    const p = getPod(cluster, 'dl')!;
    expect(p.status).toMatchObject({ phase: 'Failed', reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' });
    expect(eventLines(cluster, 'dl')).toContain('Warning DeadlineExceeded Pod was active on the node longer than the specified deadline');
  });
});
