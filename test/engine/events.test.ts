import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/engine/cluster.js';
import { COMBINED_PREFIX, SPAM_BURST, SPAM_REFILL_MS, takeToken, type EventSource } from '../../src/engine/events.js';
import { deployment, pod } from './fixtures.js';

const replicaSetController: EventSource = { component: 'replicaset-controller' };
const kubelet: EventSource = { component: 'kubelet', host: 'kubedeck-worker' };
const scheduler: EventSource = { component: 'default-scheduler', eventsApi: true };
const deploymentController: EventSource = { component: 'deployment-controller' };

const written = (c: ReturnType<typeof createCluster>) =>
  c.list('Event').map((e) => [e.reason, e.message, e.count]).sort((a, b) => String(a[1]).localeCompare(String(b[1])));

describe('events', () => {
  it('counts repeats of the same event and expires it an hour after it last happened', () => {
    const c = createCluster();
    const d = c.create(deployment('web'));
    c.events.record(d, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-1 from 0 to 2', deploymentController);
    c.advance(30_000);
    const again = c.events.record(d, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-1 from 0 to 2', deploymentController)!;
    expect(again.count).toBe(2);
    expect(again.firstTimestamp).toBe('2025-01-01T00:00:00Z');
    expect(again.lastTimestamp).toBe('2025-01-01T00:00:30Z');
    expect(again.involvedObject).toMatchObject({ kind: 'Deployment', name: 'web', namespace: 'default', uid: d.metadata.uid });
    expect(c.list('Event')).toHaveLength(1);
    c.advance(60 * 60 * 1000 - 30_000);
    expect(c.list('Event')).toHaveLength(1);
    c.advance(30_000);
    expect(c.list('Event')).toHaveLength(0);
  });

  it('counts afresh in a new Event when the old one was deleted, which lives its own hour', () => {
    const c = createCluster();
    const d = c.create(deployment('web'));
    const first = c.events.record(d, 'Normal', 'ScalingReplicaSet', 'Scaled up', deploymentController)!;
    c.advance(10 * 60 * 1000);
    c.api.delete('Event', 'default', first.metadata.name!);
    c.advance(20 * 60 * 1000);
    const second = c.events.record(d, 'Normal', 'ScalingReplicaSet', 'Scaled up', deploymentController)!;
    expect(second.metadata.name).not.toBe(first.metadata.name);
    expect(second.count).toBe(1);
    c.advance(40 * 60 * 1000); // an hour after the first: the second stays
    expect(c.list('Event').map((e) => [e.metadata.name, e.count])).toEqual([[second.metadata.name, 1]]);
    expect(c.events.record(d, 'Normal', 'ScalingReplicaSet', 'Scaled up', deploymentController)!.count).toBe(2);
    expect(c.events.record(d, 'Normal', 'ScalingReplicaSet', 'Scaled down', deploymentController)!.count).toBe(1);
    c.advance(60 * 60 * 1000);
    expect(c.list('Event')).toHaveLength(0);
  });

  it('does not keep the cluster busy: runUntilIdle stops when only expiry timers remain', () => {
    const c = createCluster();
    const d = c.create(deployment('web'));
    c.events.record(d, 'Warning', 'Test', 'x', { component: 'test' });
    expect(c.runUntilIdle()).toBe(Date.UTC(2025, 0, 1));
  });
});

describe("client-go's event correlator", () => {
  it('gives nine distinct messages of a reason Events of their own and combines the later ones into one, counted', () => {
    const c = createCluster();
    const d = c.create(deployment('web'));
    const results = Array.from({ length: 20 }, (_, i) => c.events.record(d, 'Normal', 'SuccessfulCreate', `Created pod: web-${i}`, replicaSetController));
    expect(results.every((r) => r !== undefined)).toBe(true);
    const events = c.list('Event');
    expect(events.filter((e) => !e.message!.startsWith(COMBINED_PREFIX)).map((e) => [e.message, e.count]).sort())
      .toEqual(Array.from({ length: 9 }, (_, i) => [`Created pod: web-${i}`, 1]).sort());
    const combined = events.find((e) => e.message!.startsWith(COMBINED_PREFIX))!;
    // The latest message, counted over the eleven folded in; the source copied, the reporting fields not.
    expect(combined).toMatchObject({
      message: '(combined from similar events): Created pod: web-19', count: 11, reason: 'SuccessfulCreate', type: 'Normal',
      source: { component: 'replicaset-controller' }, reportingComponent: '', reportingInstance: '',
    });
    expect(combined.firstTimestamp).toBe('2025-01-01T00:00:00Z');
    c.advance(60_000);
    // One of the nine again counts on its own Event; another reason, or another type, is a group of its own.
    expect(c.events.record(d, 'Normal', 'SuccessfulCreate', 'Created pod: web-3', replicaSetController)).toMatchObject({ message: 'Created pod: web-3', count: 2 });
    expect(c.events.record(d, 'Normal', 'SuccessfulCreate', 'Created pod: web-20', replicaSetController))
      .toMatchObject({ message: '(combined from similar events): Created pod: web-20', count: 12, lastTimestamp: '2025-01-01T00:01:00Z', firstTimestamp: '2025-01-01T00:00:00Z' });
    expect(c.events.record(d, 'Normal', 'SuccessfulDelete', 'Deleted pod: web-0', replicaSetController)).toMatchObject({ message: 'Deleted pod: web-0', count: 1 });
    expect(c.events.record(d, 'Warning', 'SuccessfulCreate', 'Created pod: web-0', replicaSetController)).toMatchObject({ message: 'Created pod: web-0', count: 1 });
    expect(c.list('Event')).toHaveLength(12);
  });

  it('writes 25 Events about an object from a source at once, then one every five minutes, which counts those held back', () => {
    const c = createCluster();
    const d = c.create(deployment('web'));
    const results = Array.from({ length: 40 }, (_, i) => c.events.record(d, 'Normal', 'SuccessfulCreate', `Created pod: web-${i}`, replicaSetController));
    // 9 Events, the combined one created, 15 counts on it: 25 writes; the last 15 are held back.
    expect(results.findIndex((r) => r === undefined)).toBe(25);
    expect(results.slice(25).every((r) => r === undefined)).toBe(true);
    expect(written(c)).toContainEqual(['SuccessfulCreate', '(combined from similar events): Created pod: web-24', 16]);
    c.advance(299_000);
    expect(c.events.record(d, 'Normal', 'SuccessfulCreate', 'Created pod: web-40', replicaSetController)).toBeUndefined();
    // Repeats and other reasons from the same source draw on the same bucket; another source has its own.
    expect(c.events.record(d, 'Normal', 'SuccessfulCreate', 'Created pod: web-3', replicaSetController)).toBeUndefined();
    expect(c.events.record(d, 'Normal', 'ScalingReplicaSet', 'Scaled up', deploymentController)).toMatchObject({ count: 1 });
    c.advance(1_000);
    expect(c.events.record(d, 'Normal', 'SuccessfulCreate', 'Created pod: web-41', replicaSetController))
      .toMatchObject({ message: '(combined from similar events): Created pod: web-41', count: 16 + 15 + 1 + 1 });
    expect(c.events.record(d, 'Normal', 'SuccessfulCreate', 'Created pod: web-42', replicaSetController)).toBeUndefined();
    // Five minutes more: one token, which the held-back repeat of web-3 is counted with.
    c.advance(300_000);
    expect(c.events.record(d, 'Normal', 'SuccessfulCreate', 'Created pod: web-3', replicaSetController)).toMatchObject({ message: 'Created pod: web-3', count: 3 });
  });

  it('counts repeats the spam filter held back when the next one is written', () => {
    const c = createCluster();
    const p = c.create(pod('app'));
    const counts = Array.from({ length: 30 }, () => c.events.record(p, 'Warning', 'BackOff', 'Back-off restarting failed container app', kubelet)?.count);
    expect(counts.slice(0, 25)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(counts.slice(25)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    c.advance(300_000);
    expect(c.events.record(p, 'Warning', 'BackOff', 'Back-off restarting failed container app', kubelet)).toMatchObject({ count: 31, lastTimestamp: '2025-01-01T00:05:00Z' });
  });

  it('forgets the messages ten minutes after the last similar event: later ones get Events of their own again', () => {
    const c = createCluster();
    const d = c.create(deployment('web'));
    for (let i = 0; i < 10; i++) c.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set web-${i} from 0 to 1`, deploymentController);
    c.advance(600_000);
    // Exactly ten minutes is not over them: still combined.
    expect(c.events.record(d, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-10 from 0 to 1', deploymentController))
      .toMatchObject({ message: '(combined from similar events): Scaled up replica set web-10 from 0 to 1', count: 2 });
    c.advance(600_001);
    expect(c.events.record(d, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-11 from 0 to 1', deploymentController))
      .toMatchObject({ message: 'Scaled up replica set web-11 from 0 to 1', count: 1 });
  });

  it('remembers a message that happened lately when a second one makes a group', () => {
    const c = createCluster();
    const d = c.create(deployment('web'));
    c.events.record(d, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-a from 0 to 1', deploymentController);
    c.advance(60_000);
    for (let i = 0; i < 8; i++) c.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set web-${i} from 0 to 1`, deploymentController);
    // web-a and eight more are nine: the next distinct one is combined.
    expect(c.events.record(d, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-8 from 0 to 1', deploymentController)!.message).toMatch(/^\(combined/);

    const later = createCluster();
    const d2 = later.create(deployment('web'));
    later.events.record(d2, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-a from 0 to 1', deploymentController);
    later.advance(600_001);
    for (let i = 0; i < 9; i++) later.events.record(d2, 'Normal', 'ScalingReplicaSet', `Scaled up replica set web-${i} from 0 to 1`, deploymentController);
    // web-a was more than ten minutes before: these nine have Events of their own.
    expect(later.list('Event').filter((e) => e.message!.startsWith(COMBINED_PREFIX))).toEqual([]);
    expect(later.list('Event')).toHaveLength(10);
  });

  it('leaves the scheduler alone: events.k8s.io events are counted but neither combined nor held back', () => {
    const c = createCluster();
    const p = c.create(pod('app'));
    for (let i = 0; i < 30; i++) c.events.record(p, 'Warning', 'FailedScheduling', `0/${i} nodes are available`, scheduler);
    expect(c.events.record(p, 'Warning', 'FailedScheduling', '0/3 nodes are available', scheduler)).toMatchObject({ count: 2 });
    expect(c.list('Event')).toHaveLength(30);
    expect(c.list('Event').some((e) => e.message!.startsWith(COMBINED_PREFIX))).toBe(false);
  });

  it('an object with many Events (several reasons) still counts each repeat on its own Event, and all expire', () => {
    const c = createCluster();
    const d = c.create(deployment('web'));
    const reasons = ['SuccessfulCreate', 'SuccessfulDelete'];
    for (const reason of reasons) for (let i = 0; i < 9; i++) c.events.record(d, 'Normal', reason, `${reason} web-${i}`, replicaSetController);
    expect(c.list('Event')).toHaveLength(18);
    c.advance(10 * 60 * 1000);
    expect(c.events.record(d, 'Normal', 'SuccessfulDelete', 'SuccessfulDelete web-3', replicaSetController)!.count).toBe(2);
    const web5 = c.list('Event').find((e) => e.message === 'SuccessfulCreate web-5')!;
    c.api.delete('Event', 'default', web5.metadata.name!);
    expect(c.events.record(d, 'Normal', 'SuccessfulCreate', 'SuccessfulCreate web-5', replicaSetController)!.count).toBe(1);
    c.advance(50 * 60 * 1000); // an hour after the first: only those recorded again live on
    expect(written(c)).toEqual([['SuccessfulCreate', 'SuccessfulCreate web-5', 1], ['SuccessfulDelete', 'SuccessfulDelete web-3', 2]]);
    c.advance(60 * 60 * 1000);
    expect(c.list('Event')).toHaveLength(0);
    // Forgotten with its Events: a fresh burst, and the messages start over.
    const again = Array.from({ length: 9 }, (_, i) => c.events.record(d, 'Normal', 'SuccessfulCreate', `again web-${i}`, replicaSetController)!);
    expect(again.map((e) => e.count)).toEqual(Array(9).fill(1));
  });

  it('keeps the spam filter\'s bucket as the time it is full again, as a token bucket of 25 refilled every 5 minutes would', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 400_000 }), { maxLength: 200 }), (gaps) => {
      // golang.org/x/time/rate with burst 25 and rate 1/300 s, in milliseconds of credit.
      let credit = SPAM_BURST * SPAM_REFILL_MS;
      let at = 0;
      let fullAt = 0;
      let now = 1_000_000;
      for (const gap of gaps) {
        now += gap;
        credit = Math.min(SPAM_BURST * SPAM_REFILL_MS, credit + (now - at));
        at = now;
        const allowed = credit >= SPAM_REFILL_MS;
        if (allowed) credit -= SPAM_REFILL_MS;
        const after = takeToken(fullAt, now);
        expect(after !== undefined).toBe(allowed);
        if (after !== undefined) fullAt = after;
      }
    }));
  });
});
