import { describe, expect, it } from 'vitest';
import { getPod, podOn, row, setup } from './helpers.js';

const logs = (cluster: ReturnType<typeof setup>['cluster'], pod: string, container = 'app') =>
  cluster.logs.read('default', pod, container).map((l) => l.text);

describe('what a container runs', () => {
  it("the docs' counter: echo and date write logs stamped with virtual time", () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('counter', [{ name: 'count', image: 'busybox:1.28', args: ['/bin/sh', '-c', 'i=0; while true; do echo "$i: $(date)"; i=$((i+1)); sleep 1; done'] }]));
    cluster.advanceTo(t0 + 10_000);
    const lines = cluster.logs.read('default', 'counter', 'count');
    expect(lines.length).toBeGreaterThanOrEqual(7);
    expect(lines[0]!.text).toMatch(/^0: Wed Jan {2}1 00:00:0\d UTC 2025$/);
    expect(lines[1]!.text).toMatch(/^1: Wed Jan {2}1 00:00:0\d UTC 2025$/);
    expect(lines[1]!.time - lines[0]!.time).toBe(1000);
    expect(new Date(lines[3]!.time).toUTCString().slice(17, 25)).toBe(lines[3]!.text.slice(14, 22));
  });

  it('echo, &&, ||, ;, exit codes and `sh -c` wrapping', () => {
    const { cluster, t0 } = setup();
    const job = (name: string, script: string) => podOn(name, [{ name: 'app', image: 'busybox:1.36', command: ['/bin/sh', '-c', script] }], { restartPolicy: 'Never' });
    cluster.create(job('and-or', 'echo Hello Kubernetes! && false || echo recovered; echo done'));
    cluster.create(job('exit', 'echo about to fail; exit 42; echo never'));
    cluster.create(job('true', 'true'));
    cluster.create(job('false', 'false'));
    cluster.advanceTo(t0 + 20_000);
    expect(logs(cluster, 'and-or')).toEqual(['Hello Kubernetes!', 'recovered', 'done']);
    expect(logs(cluster, 'exit')).toEqual(['about to fail']);
    expect(getPod(cluster, 'exit')!.status!.containerStatuses![0]!.state.terminated).toMatchObject({ exitCode: 42, reason: 'Error' });
    expect(row(cluster, 'true')[2]).toBe('Completed');
    expect(getPod(cluster, 'false')!.status!.containerStatuses![0]!.state.terminated!.exitCode).toBe(1);
  });

  it('sees its hostname in /etc/hostname and its ConfigMap mounts beside it; a mount there covers the hostname', () => {
    const { cluster, t0 } = setup();
    cluster.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { 'app.conf': 'debug=true\n', hostname: 'from-the-map\n' } });
    const job = (name: string, mounts: { name: string; mountPath: string; subPath?: string }[]) => podOn(name, [{ name: 'app', image: 'busybox:1.36', command: ['/bin/sh', '-c', 'cat /etc/hostname; cat /etc/app/app.conf; ls /etc/app'], volumeMounts: mounts }], {
      restartPolicy: 'Never', volumes: [{ name: 'config', configMap: { name: 'cfg' } }],
    });
    cluster.create(job('files', [{ name: 'config', mountPath: '/etc/app' }]));
    cluster.create(job('covered', [{ name: 'config', mountPath: '/etc/app' }, { name: 'config', mountPath: '/etc/hostname', subPath: 'hostname' }]));
    cluster.create(podOn('plain', [{ name: 'app', image: 'busybox:1.36', command: ['/bin/sh', '-c', 'cat /etc/hostname'] }], { restartPolicy: 'Never' }));
    cluster.advanceTo(t0 + 20_000);
    expect(logs(cluster, 'files')).toEqual(['files', 'debug=true', 'app.conf', 'hostname']);
    expect(logs(cluster, 'covered')).toEqual(['from-the-map', 'debug=true', 'app.conf', 'hostname']);
    expect(logs(cluster, 'plain')).toEqual(['plain']);
  });

  it('a busybox container without a command exits at once (no terminal), and crash-loops', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('bb', [{ name: 'app', image: 'busybox' }]));
    cluster.advanceTo(t0 + 30_000);
    expect(row(cluster, 'bb')[2]).toBe('CrashLoopBackOff');
    expect(getPod(cluster, 'bb')!.status!.containerStatuses![0]!.lastState.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  it('sleep infinity and servers run until stopped; a syntax error exits 2 with the shell message in the logs', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('sleeper', [{ name: 'app', image: 'busybox:1.36', command: ['sleep', 'infinity'] }]));
    cluster.create(podOn('redis', [{ name: 'app', image: 'redis:7' }]));
    cluster.create(podOn('typo', [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'echo "unterminated'] }], { restartPolicy: 'Never' }));
    cluster.advanceTo(t0 + 3_600_000);
    expect(row(cluster, 'sleeper').slice(1, 4)).toEqual(['1/1', 'Running', '0']);
    expect(row(cluster, 'redis').slice(1, 4)).toEqual(['1/1', 'Running', '0']);
    expect(getPod(cluster, 'typo')!.status!.containerStatuses![0]!.state.terminated!.exitCode).toBe(2);
    expect(logs(cluster, 'typo')).toEqual(['sh: syntax error: unterminated quoted string']);
  });

  it('annotations script a crash with an exit code, per container', () => {
    const { cluster, t0 } = setup();
    cluster.create(podOn('duo', [{ name: 'web', image: 'nginx:1.25' }, { name: 'worker', image: 'example.com/worker:1' }], {}, {
      'kubedeck.dev/crash-after.worker': '20s',
      'kubedeck.dev/exit-code.worker': '3',
    }));
    cluster.advanceTo(t0 + 60_000);
    const [web, worker] = getPod(cluster, 'duo')!.status!.containerStatuses!;
    expect(web!.restartCount).toBe(0);
    expect(worker!.restartCount).toBeGreaterThanOrEqual(1);
    expect(worker!.lastState.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
  });

  it('reports simulated CPU and memory use, growing when scripted', () => {
    const { cluster, kubelets, t0 } = setup();
    cluster.create(podOn('app', [{ name: 'app', image: 'nginx:1.25' }], {}, { 'kubedeck.dev/cpu-usage': '250m', 'kubedeck.dev/memory-usage': '100Mi', 'kubedeck.dev/memory-growth': '1Mi/min' }));
    cluster.advanceTo(t0 + 10_000);
    const [first] = kubelets.resourceUsage('default', 'app');
    expect(first!.cpuMillis).toBe(250);
    cluster.advance(10 * 60_000);
    const [later] = kubelets.resourceUsage('default', 'app');
    expect(later!.memoryBytes - first!.memoryBytes).toBe(10 * 1024 * 1024);
  });
});

describe('determinism', () => {
  it('the same seed gives the same timeline; another seed another one', () => {
    const run = (seed: number) => {
      const { cluster, t0 } = setup(seed);
      cluster.create(podOn('web', [{ name: 'web', image: 'nginx:1.25', readinessProbe: { httpGet: { path: '/', port: 80 } } }]));
      cluster.create(podOn('crash', [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 3; exit 1'] }]));
      cluster.create(podOn('job', [{ name: 'pi', image: 'perl:5.34.0', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] }], { restartPolicy: 'Never' }));
      const timeline: string[] = [];
      cluster.watch({ kinds: ['Pod', 'Event'] }, (e) => {
        const o = e.object;
        timeline.push(`${cluster.clock.now() - t0} ${e.type} ${o.kind} ${o.metadata.name} ${JSON.stringify((o as { status?: unknown }).status ?? (o as { message?: string }).message)}`);
      });
      cluster.advanceTo(t0 + 120_000);
      return timeline;
    };
    const a = run(3);
    expect(run(3)).toEqual(a);
    expect(run(4)).not.toEqual(a);
  });
});
