import { describe, expect, it } from 'vitest';
import { events, getPod, podOn, row, setup, stepSeconds } from './helpers.js';

const crasher = (name: string, annotations?: Record<string, string>) =>
  podOn(name, [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'echo starting; sleep 2; exit 1'] }], {}, annotations);

describe('CrashLoopBackOff', () => {
  it('waits 10, 20, 40, 80, 160, 300, 300 s between restarts', () => {
    const { cluster, t0 } = setup();
    cluster.create(crasher('crash'));
    const byRestart = new Map<number, string>();
    const gaps: number[] = [];
    let restarts = 0;
    stepSeconds(cluster, t0, 1300, () => {
      const s = getPod(cluster, 'crash')!.status!.containerStatuses![0]!;
      if (s.state.waiting?.reason === 'CrashLoopBackOff') byRestart.set(s.restartCount, s.state.waiting.message!);
      if (s.restartCount > restarts) {
        restarts = s.restartCount;
        gaps.push((Date.parse(s.state.running!.startedAt!) - Date.parse(s.lastState.terminated!.finishedAt!)) / 1000);
      }
    });
    const uid = getPod(cluster, 'crash')!.metadata.uid!;
    expect([...byRestart.values()].slice(0, 7).map((m) => m.replace(` pod=crash_default(${uid})`, ''))).toEqual([
      'back-off 10s restarting failed container=app',
      'back-off 20s restarting failed container=app',
      'back-off 40s restarting failed container=app',
      'back-off 1m20s restarting failed container=app',
      'back-off 2m40s restarting failed container=app',
      'back-off 5m0s restarting failed container=app',
      'back-off 5m0s restarting failed container=app',
    ]);
    // The first restart is immediate; then the waits, to the second (start and finish times have whole seconds).
    expect(gaps[0]).toBeLessThanOrEqual(2);
    const waits = [10, 20, 40, 80, 160, 300, 300];
    gaps.slice(1, 8).forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(waits[i]!);
      expect(gap).toBeLessThanOrEqual(waits[i]! + 1);
    });
    const backOff = events(cluster, 'crash').find((e) => e.reason === 'BackOff')!;
    expect(backOff).toMatchObject({ type: 'Warning', message: `Back-off restarting failed container app in pod crash_default(${uid})` });
    // One a restart, until the kubelet's 25 writes about the pod are spent (client-go's spam filter, by the fifth);
    // the one write every five minutes after that goes to the first event of each restart, Pulled.
    expect(backOff.count).toBe(5);
    expect(events(cluster, 'crash').find((e) => e.reason === 'Pulled' && e.message!.includes('already present'))!.count).toBe(restarts);
  });

  it('shows Error, then CrashLoopBackOff with the restarts and how long ago', () => {
    const { cluster, t0 } = setup();
    cluster.create(crasher('crash'));
    const seen = new Set<string>();
    stepSeconds(cluster, t0, 30, () => seen.add(row(cluster, 'crash')[2]!));
    expect([...seen]).toEqual(['ContainerCreating', 'Running', 'Error', 'CrashLoopBackOff']);
    expect(row(cluster, 'crash')[3]).toMatch(/^\d \(\d+s ago\)$/);
    expect(cluster.logs.read('default', 'crash', 'app').map((l) => l.text).slice(0, 2)).toEqual(['starting', 'starting']);
  });

  it('starts over at 10 s once a container ran for 10 minutes without trouble', () => {
    const longRun = (name: string, after: string) => podOn(name, [{ name: 'app', image: 'nginx:1.25' }], {}, { 'kubedeck.dev/crash-after': after, 'kubedeck.dev/exit-code': '3' });
    const { cluster, t0 } = setup();
    cluster.create(longRun('steady', '11m'));
    cluster.create(longRun('shaky', '5m'));
    const waiting = new Map<string, Set<string>>([['steady', new Set()], ['shaky', new Set()]]);
    stepSeconds(cluster, t0, 23 * 60 + 30, () => {
      for (const [name, set] of waiting) {
        const s = getPod(cluster, name)!.status!.containerStatuses![0]!;
        if (s.state.waiting?.reason) set.add(s.state.waiting.reason);
      }
    });
    expect(getPod(cluster, 'steady')!.status!.containerStatuses![0]!.restartCount).toBe(2);
    expect(waiting.get('steady')!.has('CrashLoopBackOff')).toBe(false);
    expect(waiting.get('shaky')!.has('CrashLoopBackOff')).toBe(true);
    expect(getPod(cluster, 'shaky')!.status!.containerStatuses![0]!.lastState.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
  });

  it('restartPolicy OnFailure restarts failures only; Never leaves the pod Failed', () => {
    const { cluster, t0 } = setup();
    const job = (name: string, restartPolicy: 'OnFailure' | 'Never', script: string) =>
      podOn(name, [{ name: 'task', image: 'busybox:1.36', command: ['sh', '-c', script] }], { restartPolicy });
    cluster.create(job('retry', 'OnFailure', 'sleep 1; exit 1'));
    cluster.create(job('ok', 'OnFailure', 'sleep 1; exit 0'));
    cluster.create(job('once', 'Never', 'sleep 1; exit 1'));
    cluster.advanceTo(t0 + 60_000);
    expect(getPod(cluster, 'retry')!.status!.phase).toBe('Running');
    expect(getPod(cluster, 'retry')!.status!.containerStatuses![0]!.restartCount).toBeGreaterThan(1);
    expect(getPod(cluster, 'ok')!.status!.phase).toBe('Succeeded');
    expect(row(cluster, 'ok').slice(1, 4)).toEqual(['0/1', 'Completed', '0']);
    expect(getPod(cluster, 'once')!.status!.phase).toBe('Failed');
    expect(row(cluster, 'once').slice(1, 4)).toEqual(['0/1', 'Error', '0']);
  });
});
