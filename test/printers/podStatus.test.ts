import { describe, it, expect } from 'vitest';
import type { Pod } from '../../src/engine/api/types.js';
import { summarizePod } from '../../src/printers/podStatus.js';
import { MIN, NOW, ago, containerStatus, pod, running } from './fixtures.js';

const readyCondition = { type: 'Ready', status: 'True' as const };

describe('pod READY / STATUS / RESTARTS (printPod)', () => {
  it('starts from the phase', () => {
    expect(summarizePod(pod('p'), NOW)).toEqual({ ready: '0/1', status: 'Pending', restarts: '0' });
  });

  it('uses status.reason over the phase', () => {
    expect(summarizePod(pod('p', { status: { phase: 'Failed', reason: 'Evicted' } }), NOW).status).toBe('Evicted');
  });

  it('shows SchedulingGated from the PodScheduled condition', () => {
    const p = pod('p', { status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } });
    expect(summarizePod(p, NOW).status).toBe('SchedulingGated');
  });

  it('counts ready running containers', () => {
    const p = pod('p', {
      spec: { containers: [{ name: 'a' }, { name: 'b' }] },
      status: {
        phase: 'Running',
        conditions: [readyCondition],
        containerStatuses: [containerStatus('a', running(), { ready: true }), containerStatus('b', running(), { ready: false })],
      },
    });
    expect(summarizePod(p, NOW)).toEqual({ ready: '1/2', status: 'Running', restarts: '0' });
  });

  it('shows a waiting reason, the first container winning', () => {
    const p = pod('p', {
      spec: { containers: [{ name: 'a' }, { name: 'b' }] },
      status: {
        phase: 'Pending',
        containerStatuses: [
          containerStatus('a', { waiting: { reason: 'ErrImagePull' } }),
          containerStatus('b', { waiting: { reason: 'ContainerCreating' } }),
        ],
      },
    });
    expect(summarizePod(p, NOW).status).toBe('ErrImagePull');
  });

  it('shows CrashLoopBackOff with restarts and the last restart age', () => {
    const p = pod('p', {
      status: {
        phase: 'Running',
        containerStatuses: [
          containerStatus('web', { waiting: { reason: 'CrashLoopBackOff' } }, {
            restartCount: 4,
            lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(30_000) } },
          }),
        ],
      },
    });
    expect(summarizePod(p, NOW)).toEqual({ ready: '0/1', status: 'CrashLoopBackOff', restarts: '4 (30s ago)' });
  });

  it('shows a terminated reason, or ExitCode:N / Signal:N without one', () => {
    const term = (t: { exitCode: number; reason?: string; signal?: number }) =>
      pod('p', { status: { phase: 'Failed', containerStatuses: [containerStatus('web', { terminated: t })] } });
    expect(summarizePod(term({ exitCode: 137, reason: 'OOMKilled' }), NOW).status).toBe('OOMKilled');
    expect(summarizePod(term({ exitCode: 3 }), NOW).status).toBe('ExitCode:3');
    expect(summarizePod(term({ exitCode: 0, signal: 9 }), NOW).status).toBe('Signal:9');
    expect(summarizePod(term({ exitCode: 0, reason: 'Completed' }), NOW).status).toBe('Completed');
  });

  it('turns Completed back into Running or NotReady while another container runs', () => {
    const base = (conditions: { type: string; status: 'True' | 'False' }[]) =>
      pod('p', {
        spec: { containers: [{ name: 'a' }, { name: 'b' }] },
        status: {
          phase: 'Running',
          conditions,
          containerStatuses: [
            containerStatus('a', { terminated: { exitCode: 0, reason: 'Completed' } }),
            containerStatus('b', running(), { ready: true }),
          ],
        },
      });
    expect(summarizePod(base([readyCondition]), NOW)).toMatchObject({ ready: '1/2', status: 'Running' });
    expect(summarizePod(base([{ type: 'Ready', status: 'False' }]), NOW).status).toBe('NotReady');
  });

  describe('init containers', () => {
    const withInit = (statuses: Parameters<typeof containerStatus>[1][], extra: Partial<Pod['status']> = {}) =>
      pod('p', {
        spec: { initContainers: [{ name: 'i1' }, { name: 'i2' }], containers: [{ name: 'web' }] },
        status: {
          phase: 'Pending',
          initContainerStatuses: statuses.map((s, i) => containerStatus(`i${i + 1}`, s)),
          containerStatuses: [containerStatus('web', { waiting: { reason: 'PodInitializing' } })],
          ...extra,
        },
      });

    it('shows Init:i/N while an init container runs', () => {
      expect(summarizePod(withInit([{ terminated: { exitCode: 0, reason: 'Completed' } }, running()]), NOW).status).toBe('Init:1/2');
      expect(summarizePod(withInit([{ waiting: { reason: 'PodInitializing' } }, { waiting: {} }]), NOW).status).toBe('Init:0/2');
    });

    it('shows Init:<reason> for a waiting init container', () => {
      expect(summarizePod(withInit([{ waiting: { reason: 'CrashLoopBackOff' } }, { waiting: {} }]), NOW).status).toBe('Init:CrashLoopBackOff');
    });

    it('shows Init:<reason> or Init:ExitCode:N for a failed init container', () => {
      expect(summarizePod(withInit([{ terminated: { exitCode: 1, reason: 'Error' } }, { waiting: {} }]), NOW).status).toBe('Init:Error');
      expect(summarizePod(withInit([{ terminated: { exitCode: 2 } }, { waiting: {} }]), NOW).status).toBe('Init:ExitCode:2');
      expect(summarizePod(withInit([{ terminated: { exitCode: 143, signal: 15 } }, { waiting: {} }]), NOW).status).toBe('Init:Signal:15');
    });

    it('uses the app containers once every init container completed', () => {
      const done = { terminated: { exitCode: 0, reason: 'Completed' } };
      expect(summarizePod(withInit([done, done]), NOW).status).toBe('PodInitializing');
    });

    it('counts a started sidecar (restartPolicy Always) as a container', () => {
      const p = pod('p', {
        spec: { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }], containers: [{ name: 'web' }] },
        status: {
          phase: 'Running',
          conditions: [readyCondition, { type: 'Initialized', status: 'True' }],
          initContainerStatuses: [containerStatus('proxy', running(), { ready: true, started: true, restartCount: 1 })],
          containerStatuses: [containerStatus('web', running(), { ready: true })],
        },
      });
      expect(summarizePod(p, NOW)).toEqual({ ready: '2/2', status: 'Running', restarts: '1' });
    });
  });

  it('shows Terminating while a deleted pod is not terminal', () => {
    const p = pod('p', { meta: { deletionTimestamp: ago(MIN) }, status: { phase: 'Running' } });
    expect(summarizePod(p, NOW).status).toBe('Terminating');
    const done = pod('p', { meta: { deletionTimestamp: ago(MIN) }, status: { phase: 'Succeeded' } });
    expect(summarizePod(done, NOW).status).toBe('Succeeded');
  });

  it('shows Unknown for a deleted pod on a lost node', () => {
    const p = pod('p', { meta: { deletionTimestamp: ago(MIN) }, status: { phase: 'Running', reason: 'NodeLost' } });
    expect(summarizePod(p, NOW).status).toBe('Unknown');
  });

  it('sums restarts over containers and takes the latest finish time', () => {
    const p = pod('p', {
      spec: { containers: [{ name: 'a' }, { name: 'b' }] },
      status: {
        phase: 'Running',
        containerStatuses: [
          containerStatus('a', running(), { ready: true, restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: ago(10 * MIN) } } }),
          containerStatus('b', running(), { ready: true, restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: ago(3 * MIN) } } }),
        ],
      },
    });
    expect(summarizePod(p, NOW).restarts).toBe('3 (3m ago)');
  });
});
