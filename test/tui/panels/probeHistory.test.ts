/** The probe history the dashboard keeps from the kubelet's latest-only probe states. */
import { describe, expect, it } from 'vitest';
import type { ProbeState } from '../../../src/engine/kubelet/index.js';
import { inferRuns, ProbeHistoryRecorder } from '../../../src/tui/panels/probeHistory.js';

const T = 1_000_000;
const state = (at: number | undefined, result: 'Success' | 'Failure' | undefined, ok: number, bad: number, message = ''): ProbeState => ({
  container: 'app', probe: 'liveness', result: 'Success', periodSeconds: 5, consecutiveSuccesses: ok, consecutiveFailures: bad,
  ...(at !== undefined ? { lastProbeTime: at } : {}), ...(result ? { lastResult: result, lastMessage: message } : {}),
});
const marks = (runs: { result: string }[]) => runs.map((r) => (r.result === 'Success' ? '✓' : '✗')).join('');

describe('inferRuns', () => {
  it('nothing new when the last run is the same one', () => {
    expect(inferRuns(state(T, 'Success', 2, 0), state(T, 'Success', 2, 0), 24)).toEqual([]);
  });
  it('the first sample: the run of the current result', () => {
    expect(marks(inferRuns(undefined, state(T, 'Success', 3, 0), 24))).toBe('✓✓✓');
  });
  it('counts that grew: exactly the growth, spaced by the period, the output on the last', () => {
    const runs = inferRuns(state(T, 'Failure', 0, 1), state(T + 10_000, 'Failure', 0, 3, 'boom'), 24);
    expect(marks(runs)).toBe('✗✗');
    expect(runs.map((r) => r.time)).toEqual([T + 5_000, T + 10_000]);
    expect(runs[1]!.message).toBe('boom');
  });
  it('a switch between samples: the earlier runs were the other result', () => {
    expect(marks(inferRuns(state(T, 'Success', 4, 0), state(T + 15_000, 'Failure', 0, 2), 24))).toBe('✓✗✗');
  });
  it('after a restart (counts back at 0) the back-off gap is not counted as runs', () => {
    expect(marks(inferRuns(state(T, 'Failure', 0, 0), state(T + 40_000, 'Success', 1, 0), 24))).toBe('✓');
  });
});

describe('ProbeHistoryRecorder', () => {
  it('keeps a bounded history per probe', () => {
    const r = new ProbeHistoryRecorder(5);
    let h = r.sample('uid', [{ container: 'app', probes: [state(T, 'Success', 1, 0)] }]);
    for (let i = 1; i <= 8; i++) h = r.sample('uid', [{ container: 'app', probes: [state(T + i * 5000, 'Success', 1 + i, 0)] }]);
    expect(marks([...h.get('app/liveness')!])).toBe('✓✓✓✓✓');
  });
});
