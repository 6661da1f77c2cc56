/**
 * Events as the kubelet and controllers record them: one object per (source, object, type, reason, message),
 * counted when repeated, deleted one hour after it last happened (the API server's default --event-ttl).
 */
import type { KubeObject } from './api/meta.js';
import { kindInfo } from './api/kinds.js';
import type { Event } from './api/types.js';
import type { ApiServer } from './apiServer.js';
import { BoundedMemo } from './boundedMemo.js';
import type { VirtualClock } from './clock.js';

export const EVENT_TTL_MS = 60 * 60 * 1000;

export type EventType = 'Normal' | 'Warning';

export interface EventSource {
  component: string;
  host?: string;
}

/**
 * An event message as one flat string. A template literal builds a rope, a node per piece (about 380 bytes for
 * "Successfully assigned default/web-5d9c-x2x7q to kubedeck-worker12"), that every stored Event would keep; join
 * copies the text once (about 80 bytes).
 */
export function eventMessage(...parts: string[]): string {
  return parts.join('');
}

/** Messages that many pods' Events repeat word for word ("Created container app"), one string per text. */
export class SharedMessages {
  private readonly memo = new BoundedMemo<string>(1024);

  constructor(private readonly make: (key: string) => string) {}

  for(key: string): string {
    return this.memo.get(key, this.make);
  }
}

/**
 * What makes two events the same (client-go's event key: source, involved object, type, reason, message), and the
 * name of the Event counting them. It is also its expiry timer's argument: a closure and a key string per event
 * were a third of an event's memory in a 150,000-pod cluster.
 */
interface Recorded {
  readonly component: string;
  readonly host: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string | undefined;
  readonly uid: string | undefined;
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
  /** The Event's name. */
  readonly event: string;
}

/** The involved object's uid; by kind, namespace and name for an object without one. */
const involvedKey = (r: { kind: string; namespace: string; name: string | undefined; uid: string | undefined }): string =>
  r.uid ?? `${r.kind}\0${r.namespace}\0${r.name}`;

export class EventRecorder {
  /** Per involved object (involvedKey), what was recorded about it. */
  private readonly recorded = new Map<string, Recorded[]>();
  private seq = 0;

  constructor(
    private readonly api: ApiServer,
    private readonly clock: VirtualClock,
  ) {}

  record(involved: KubeObject, type: EventType, reason: string, message: string, source: EventSource): Event {
    const namespace = involved.metadata.namespace ?? 'default';
    const { name, uid } = involved.metadata;
    const component = source.component;
    const host = source.host ?? '';
    const kind = involved.kind;
    const key = involvedKey({ kind, namespace, name, uid });
    const list = this.recorded.get(key);
    const same = list?.find((r) => r.reason === reason && r.message === message && r.type === type && r.component === component
      && r.host === host && r.kind === kind && r.namespace === namespace && r.name === name && r.uid === uid);
    const now = this.clock.nowRfc3339();
    const existing = same ? this.api.get('Event', namespace, same.event) : undefined;
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
      source: this.sourceObject(component, host),
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: host,
    }, { owned: true });
    const recorded: Recorded = { component, host, kind, namespace, name, uid, type, reason, message, event: event.metadata.name! };
    // An Event deleted before it expired is counted afresh by a new one; the old one's timer finds it replaced.
    if (same) list![list!.indexOf(same)] = recorded;
    else if (list) list.push(recorded);
    else this.recorded.set(key, [recorded]);
    this.clock.atWith(this.clock.now() + EVENT_TTL_MS, this.expire, recorded, { background: true });
    return event;
  }

  /** Every Event from one component on one host shares its `source` (stored objects never change). */
  private readonly sources = new Map<string, Map<string, Event['source']>>();

  private sourceObject(component: string, host: string): Event['source'] {
    let byHost = this.sources.get(component);
    if (!byHost) this.sources.set(component, (byHost = new Map()));
    let source = byHost.get(host);
    if (!source) byHost.set(host, (source = host ? { component, host } : { component }));
    return source;
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

  /** An hour after an Event was recorded: deleted if it has not happened since, else checked again an hour after. */
  private readonly expire = (recorded: Recorded): void => {
    const ev = this.api.get('Event', recorded.namespace, recorded.event);
    if (!ev) {
      this.forget(recorded);
      return;
    }
    const expires = Date.parse(ev.lastTimestamp ?? ev.metadata.creationTimestamp!) + EVENT_TTL_MS;
    if (expires <= this.clock.now()) {
      this.api.delete('Event', recorded.namespace, recorded.event);
      this.forget(recorded);
    } else {
      this.clock.atWith(expires, this.expire, recorded, { background: true });
    }
  };

  private forget(recorded: Recorded): void {
    const key = involvedKey(recorded);
    const list = this.recorded.get(key);
    const i = list ? list.indexOf(recorded) : -1;
    if (i < 0) return;
    list!.splice(i, 1);
    if (list!.length === 0) this.recorded.delete(key);
  }
}
