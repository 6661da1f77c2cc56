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

/** Past this many, what was recorded about an object is filed by message (a ReplicaSet's "Created pod: x", one per pod). */
const LIST_LIMIT = 16;

/**
 * What was recorded, per involved object (involvedKey): a list while short (a pod's five), by message once longer,
 * so that recording about an object with thousands of Events does not walk them all.
 */
class RecordedEvents {
  private readonly about = new Map<string, Recorded[] | Map<string, Recorded[]>>();

  find(key: string, message: string, same: (r: Recorded) => boolean): Recorded | undefined {
    const a = this.about.get(key);
    return a === undefined ? undefined : Array.isArray(a) ? a.find(same) : a.get(message)?.find(same);
  }

  /** Files `recorded`, in place of `replaced` if given. */
  add(key: string, recorded: Recorded, replaced?: Recorded): void {
    const a = this.about.get(key);
    if (a === undefined) {
      this.about.set(key, [recorded]);
    } else if (Array.isArray(a)) {
      if (replaced) a[a.indexOf(replaced)] = recorded;
      else a.push(recorded);
      if (a.length > LIST_LIMIT) this.about.set(key, byMessage(a));
    } else {
      const list = a.get(recorded.message);
      if (replaced && list) list[list.indexOf(replaced)] = recorded;
      else if (list) list.push(recorded);
      else a.set(recorded.message, [recorded]);
    }
  }

  remove(recorded: Recorded): void {
    const key = involvedKey(recorded);
    const a = this.about.get(key);
    const list = a === undefined ? undefined : Array.isArray(a) ? a : a.get(recorded.message);
    const i = list ? list.indexOf(recorded) : -1;
    if (i < 0) return;
    list!.splice(i, 1);
    if (list!.length > 0) return;
    if (Array.isArray(a)) this.about.delete(key);
    else {
      a!.delete(recorded.message);
      if (a!.size === 0) this.about.delete(key);
    }
  }
}

function byMessage(list: readonly Recorded[]): Map<string, Recorded[]> {
  const out = new Map<string, Recorded[]>();
  for (const r of list) {
    const same = out.get(r.message);
    if (same) same.push(r);
    else out.set(r.message, [r]);
  }
  return out;
}

export class EventRecorder {
  private readonly recorded = new RecordedEvents();
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
    const same = this.recorded.find(key, message, (r) => r.reason === reason && r.message === message && r.type === type
      && r.component === component && r.host === host && r.kind === kind && r.namespace === namespace && r.name === name && r.uid === uid);
    const now = this.clock.nowRfc3339();
    const existing = same ? this.api.get('Event', namespace, same.event) : undefined;
    if (existing) {
      return this.api.update({ ...existing, count: (existing.count ?? 1) + 1, lastTimestamp: now });
    }
    const event = this.api.create<Event>({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${involved.metadata.name}.${this.uniqueSuffix()}`, namespace },
      involvedObject: this.reference(involved),
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
    this.recorded.add(key, recorded, same);
    this.clock.atWith(this.clock.now() + EVENT_TTL_MS, this.expire, recorded, { background: true });
    return event;
  }

  private lastReference: Event['involvedObject'] | undefined;

  /** The involved object's reference: Events recorded in a row about one version of it share one. */
  private reference(involved: KubeObject): Event['involvedObject'] {
    const { namespace, name, uid, resourceVersion } = involved.metadata;
    const apiVersion = involved.apiVersion ?? kindInfo(involved.kind)?.apiVersion;
    const r = this.lastReference;
    if (r && r.uid === uid && r.resourceVersion === resourceVersion && r.name === name && r.namespace === namespace
      && r.kind === involved.kind && r.apiVersion === apiVersion) return r;
    return (this.lastReference = { kind: involved.kind, namespace, name, uid, apiVersion, resourceVersion });
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
    this.recorded.remove(recorded);
  }
}
