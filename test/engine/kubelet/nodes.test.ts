import { describe, expect, it } from 'vitest';
import { events, getPod, NODE, podOn, row, setup } from './helpers.js';

describe('a node going down and coming back', () => {
  it('heartbeats every 10 s while up, none while down, one at once on recovery', () => {
    const { cluster, kubelets, t0 } = setup();
    cluster.advanceTo(t0 + 35_000);
    expect(kubelets.lastHeartbeat(NODE)).toBe(t0 + 30_000);
    kubelets.setNodeDown(NODE, true);
    expect(kubelets.isNodeDown(NODE)).toBe(true);
    cluster.advanceTo(t0 + 95_000);
    expect(kubelets.lastHeartbeat(NODE)).toBe(t0 + 30_000);
    expect(kubelets.lastHeartbeat('kubedeck-worker2')).toBe(t0 + 90_000);
    kubelets.setNodeDown(NODE, false);
    expect(kubelets.lastHeartbeat(NODE)).toBe(t0 + 95_000);
    cluster.advanceTo(t0 + 106_000);
    expect(kubelets.lastHeartbeat(NODE)).toBe(t0 + 105_000);
    expect(kubelets.lastHeartbeat('no-such-node')).toBeUndefined();
  });

  it('reports nothing while down (a crash stays unseen), then reports at once', () => {
    const { cluster, kubelets, t0 } = setup();
    cluster.create(podOn('crash', [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 20; exit 1'] }]));
    cluster.advanceTo(t0 + 10_000);
    expect(row(cluster, 'crash')[2]).toBe('Running');
    kubelets.setNodeDown(NODE, true);
    const eventCount = events(cluster, 'crash').length;
    cluster.advanceTo(t0 + 60_000);
    expect(row(cluster, 'crash').slice(2, 4)).toEqual(['Running', '0']);
    expect(events(cluster, 'crash')).toHaveLength(eventCount);
    kubelets.setNodeDown(NODE, false);
    cluster.settle();
    const s = getPod(cluster, 'crash')!.status!.containerStatuses![0]!;
    expect(s.state.running).toBeUndefined();
    cluster.advance(5_000);
    expect(getPod(cluster, 'crash')!.status!.containerStatuses![0]!.restartCount).toBe(1);
  });

  it('a deleted pod stays Terminating while its node is down; on recovery the kubelet stops it and it goes', () => {
    const { cluster, kubelets, t0 } = setup();
    cluster.create(podOn('web', [{ name: 'web', image: 'nginx:1.25' }]));
    cluster.advanceTo(t0 + 10_000);
    kubelets.setNodeDown(NODE, true);
    cluster.delete('Pod', 'default', 'web');
    cluster.advance(10 * 60_000);
    expect(row(cluster, 'web')[2]).toBe('Terminating');
    kubelets.setNodeDown(NODE, false);
    cluster.settle();
    cluster.advance(3_000);
    expect(getPod(cluster, 'web')).toBeUndefined();
  });

  it('pods force-deleted while the node was down are killed on recovery, and their IPs reused', () => {
    const { cluster, kubelets, t0 } = setup();
    cluster.create(podOn('web', [{ name: 'web', image: 'nginx:1.25' }]));
    cluster.advanceTo(t0 + 10_000);
    kubelets.setNodeDown(NODE, true);
    cluster.delete('Pod', 'default', 'web', { gracePeriodSeconds: 0 });
    expect(getPod(cluster, 'web')).toBeUndefined();
    cluster.create(podOn('web', [{ name: 'web', image: 'nginx:1.25' }]));
    cluster.advance(30_000);
    expect(row(cluster, 'web')[2]).toBe('Pending'); // the new pod waits for the kubelet
    kubelets.setNodeDown(NODE, false);
    cluster.settle();
    cluster.advance(10_000);
    expect(row(cluster, 'web').slice(1, 3)).toEqual(['1/1', 'Running']);
    expect(kubelets.resourceUsage('default', 'web')).toHaveLength(1);
  });
});
