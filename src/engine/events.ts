/**
 * Events as the kubelet and controllers record them: one object per (source, object, type, reason, message),
 * counted when repeated, deleted one hour after it last happened (the API server's default --event-ttl).
 */
import type { KubeObject } from './api/meta.js';
import { kindInfo } from './api/kinds.js';
import type { Event } from './api/types.js';
import type { ApiServer } from './apiServer.js';
import type { VirtualClock } from './clock.js';

export const EVENT_TTL_MS = 60 * 60 * 1000;

export type EventType = 'Normal' | 'Warning';

export interface EventSource {
  component: string;
  host?: string;
}

export class EventRecorder {
  private readonly byKey = new Map<string, string>();
  private seq = 0;

  constructor(
    private readonly api: ApiServer,
    private readonly clock: VirtualClock,
  ) {}

  record(involved: KubeObject, type: EventType, reason: string, message: string, source: EventSource): Event {
    const namespace = involved.metadata.namespace ?? 'default';
    const key = JSON.stringify([source.component, source.host ?? '', involved.kind, namespace, involved.metadata.name, involved.metadata.uid, type, reason, message]);
    const now = this.clock.nowRfc3339();
    const existingName = this.byKey.get(key);
    const existing = existingName ? this.api.get('Event', namespace, existingName) : undefined;
    if (existing) {
      return this.api.update({ ...existing, count: (existing.count ?? 1) + 1, lastTimestamp: now });
    }
    const event = this.api.create<Event>({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${involved.metadata.name}.${this.uniqueSuffix()}`, namespace },
      involvedObject: {
        kind: involved.kind,
        namespace: involved.metadata.namespace,
        name: involved.metadata.name,
        uid: involved.metadata.uid,
        apiVersion: involved.apiVersion ?? kindInfo(involved.kind)?.apiVersion,
        resourceVersion: involved.metadata.resourceVersion,
      },
      reason,
      message,
      source: source.host ? { component: source.component, host: source.host } : { component: source.component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    }, { owned: true });
    this.byKey.set(key, event.metadata.name!);
    this.scheduleExpiry(key, namespace, event.metadata.name!);
    return event;
  }

  /** Like the UnixNano hex suffix real recorders use, but from virtual time and a counter, so it is reproducible. */
  private uniqueSuffix(): string {
    const now = this.clock.now();
    // Many events share a virtual instant: its scaled value is kept.
    if (now !== this.suffixAt) {
      this.suffixBase = BigInt(now) * 1_000_000n;
      this.suffixAt = now;
    }
    return (this.suffixBase + BigInt(this.seq++ % 1_000_000)).toString(16);
  }

  private suffixAt = NaN;
  private suffixBase = 0n;

  private scheduleExpiry(key: string, namespace: string, name: string): void {
    const check = () => {
      const ev = this.api.get('Event', namespace, name);
      if (!ev) {
        if (this.byKey.get(key) === name) this.byKey.delete(key);
        return;
      }
      const expires = Date.parse(ev.lastTimestamp ?? ev.metadata.creationTimestamp!) + EVENT_TTL_MS;
      if (expires <= this.clock.now()) {
        this.api.delete('Event', namespace, name);
        if (this.byKey.get(key) === name) this.byKey.delete(key);
      } else {
        this.clock.at(expires, check, { background: true });
      }
    };
    this.clock.after(EVENT_TTL_MS, check, { background: true });
  }
}
