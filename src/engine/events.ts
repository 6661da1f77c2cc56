/**
 * Events as the kubelet and controllers record them: one object per (source, object, type, reason, message),
 * counted when repeated, deleted one hour after it last happened (the API server's default --event-ttl).
 */
import type { KubeObject } from './api/meta.js';
import { kindInfo } from './api/kinds.js';
import type { Event } from './api/types.js';
import type { ApiServer } from './apiServer.js';
import { BoundedMemo } from './boundedMemo.js';
import type { TimerQueue, VirtualClock } from './clock.js';

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
 * What makes two events the same (client-go's event key): source, involved object, type, reason, message. The Event
 * as created holds them all (reportingComponent and reportingInstance are the source), so it is what is filed, and
 * its expiry timer's argument: a record of its own per Event was a tenth of a 150,000-pod cluster's memory.
 */
type Recorded = Event;

interface InvolvedKey {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string | undefined;
  readonly uid: string | undefined;
}

/** The involved object's uid; by kind, namespace and name for an object without one. */
const involvedKey = (r: InvolvedKey): string => r.uid ?? `${r.kind}\0${r.namespace}\0${r.name}`;

const recordedKey = (r: Recorded): string =>
  involvedKey({ kind: r.involvedObject.kind!, namespace: r.metadata.namespace!, name: r.involvedObject.name, uid: r.involvedObject.uid });

/** Past this many, what was recorded about an object is filed by message (a ReplicaSet's "Created pod: x", one per pod). */
const LIST_LIMIT = 16;

/**
 * What was recorded, per involved object (involvedKey): a list while short (a pod's five), by message once longer,
 * so that recording about an object with thousands of Events does not walk them all.
 */
class RecordedEvents {
  private readonly about = new Map<string, Recorded[] | Map<string | undefined, Recorded[]>>();

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
    const key = recordedKey(recorded);
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

function byMessage(list: readonly Recorded[]): Map<string | undefined, Recorded[]> {
  const out = new Map<string | undefined, Recorded[]>();
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
  /** Expiries: each is set an hour after the last, so they queue instead of filling the clock's heap. */
  private readonly expiries: TimerQueue<Recorded>;

  constructor(
    private readonly api: ApiServer,
    private readonly clock: VirtualClock,
  ) {
    this.expiries = clock.queue(this.expire);
  }

  record(involved: KubeObject, type: EventType, reason: string, message: string, source: EventSource): Event {
    const namespace = involved.metadata.namespace ?? 'default';
    const { name, uid } = involved.metadata;
    const component = source.component;
    const host = source.host ?? '';
    const kind = involved.kind;
    const key = involvedKey({ kind, namespace, name, uid });
    const same = this.recorded.find(key, message, (r) => r.reason === reason && r.message === message && r.type === type
      && r.reportingComponent === component && r.reportingInstance === host && r.metadata.namespace === namespace
      && r.involvedObject.kind === kind && r.involvedObject.name === name && r.involvedObject.uid === uid);
    const now = this.clock.nowRfc3339();
    const existing = same ? this.api.get('Event', namespace, same.metadata.name!) : undefined;
    if (existing) {
      return this.api.update({ ...existing, count: (existing.count ?? 1) + 1, lastTimestamp: now });
    }
    const event = this.api.create<Event>({
      apiVersion: 'v1',
      kind: 'Event',
      // Every key the API server sets on create, so it copies the metadata as it is (see metadataCopy).
      metadata: { name: `${involved.metadata.name}.${this.uniqueSuffix()}`, namespace, uid: undefined, resourceVersion: undefined, creationTimestamp: undefined },
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
    // An Event deleted before it expired is counted afresh by a new one; the old one's timer finds it replaced.
    this.recorded.add(key, event, same);
    this.expiries.at(this.clock.now() + EVENT_TTL_MS, event);
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
    const { namespace, name } = recorded.metadata;
    const ev = this.api.get('Event', namespace, name!);
    if (!ev) {
      this.recorded.remove(recorded);
      return;
    }
    const expires = Date.parse(ev.lastTimestamp ?? ev.metadata.creationTimestamp!) + EVENT_TTL_MS;
    if (expires <= this.clock.now()) {
      this.api.delete('Event', namespace, name!);
      this.recorded.remove(recorded);
    } else {
      this.expiries.at(expires, recorded);
    }
  };
}
