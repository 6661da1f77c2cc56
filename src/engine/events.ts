/**
 * Events as the kubelet and controllers record them: one object per (source, object, type, reason, message),
 * counted when repeated, combined and rate-limited as client-go's correlator does, deleted one hour after it last
 * happened (the API server's default --event-ttl).
 */
import type { KubeObject } from './api/meta.js';
import { kindInfo } from './api/kinds.js';
import type { Event } from './api/types.js';
import type { ApiServer } from './apiServer.js';
import { BoundedMemo } from './boundedMemo.js';
import { parseTimestamp, type TimerQueue, type VirtualClock } from './clock.js';

export const EVENT_TTL_MS = 60 * 60 * 1000;

export type EventType = 'Normal' | 'Warning';

export interface EventSource {
  component: string;
  host?: string;
  /** Recorded through events.k8s.io/v1, as kube-scheduler does: repeats are counted, never combined or held back. */
  eventsApi?: boolean;
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
 * client-go's EventCorrelator (tools/record/events_cache.go), which the kubelet and the controllers record through.
 * Ten distinct messages of one reason about one object, each within ten minutes of the last, and the tenth and
 * later go into one Event, "(combined from similar events): <latest message>", counted. And a source writes at most
 * 25 Events (creates or counts) about an object at once, then one every five minutes: the ones between are not
 * written, but a repeat written later counts them.
 */
export const AGGREGATE_MAX_EVENTS = 10;
export const AGGREGATE_INTERVAL_MS = 10 * 60 * 1000;
export const SPAM_BURST = 25;
export const SPAM_REFILL_MS = 5 * 60 * 1000;
export const COMBINED_PREFIX = '(combined from similar events): ';

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

/** The same source, type and reason: what the aggregator groups (the Event's reporting fields are its source). */
const similar = (r: Recorded, component: string, host: string, type: string, reason: string): boolean =>
  r.reason === reason && r.type === type && r.reportingComponent === component && r.reportingInstance === host;

/** Past this many, what was recorded about an object is filed by message (a ReplicaSet's "Created pod: x", one per pod). */
const LIST_LIMIT = 16;

/** The aggregator's record of one source's events of one type and reason about one object, once their messages differ. */
interface Group {
  readonly component: string;
  readonly host: string;
  readonly type: string;
  readonly reason: string;
  /** When one last happened, written or not: ten minutes on, its messages are forgotten. */
  lastAt: number;
  /** The distinct messages since then with Events of their own, at most nine (client-go drops an arbitrary one; here the newest). */
  readonly messages: string[];
  combined: Recorded | undefined;
}

/**
 * A token bucket (the spam filter's, per source and object) as one number: when it is full again. It holds
 * SPAM_BURST writes and refills one every SPAM_REFILL_MS; a write is allowed while the bucket is at most
 * SPAM_BURST - 1 refills short, and takes one. Returns the bucket after the write, or undefined if it is not allowed.
 */
export function takeToken(fullAt: number, now: number): number | undefined {
  const short = fullAt > now ? fullAt - now : 0;
  return short > (SPAM_BURST - 1) * SPAM_REFILL_MS ? undefined : Math.max(fullAt, now) + SPAM_REFILL_MS;
}

/** The buckets of the second and later sources to write about an object (the first's is kept in its About). */
interface Bucket {
  readonly component: string;
  readonly host: string;
  fullAt: number;
}

/** Occurrences of an Event the spam filter kept from being written: counted by the next write of it. */
interface Unwritten {
  count: number;
  at: number;
}

/**
 * What was recorded about one object, and what the correlator keeps about it: forgotten when the last of those
 * Events expires (client-go's caches forget by least recent use instead).
 */
class About {
  /** A list while short (a pod's five), by message once longer, so recording does not walk thousands of Events. */
  private events: Recorded[] | Map<string | undefined, Recorded[]> = [];
  /** The first source to write about the object through the correlator, and its bucket (see takeToken). */
  private component: string | undefined;
  private host: string | undefined;
  private fullAt = 0;
  private moreBuckets: Bucket[] | undefined;
  private groups: Group[] | undefined;
  private unwritten: Map<Recorded, Unwritten> | undefined;

  get empty(): boolean {
    return Array.isArray(this.events) ? this.events.length === 0 : this.events.size === 0;
  }

  /** The Event this one repeats: the same source, type, reason and message (the object is this About's). */
  same(component: string, host: string, type: string, reason: string, message: string): Recorded | undefined {
    const list = Array.isArray(this.events) ? this.events : this.events.get(message);
    if (!list) return undefined;
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!;
      if (r.message === message && similar(r, component, host, type, reason)) return r;
    }
    return undefined;
  }

  /** Files `recorded`, in place of `replaced` if given. */
  add(recorded: Recorded, replaced: Recorded | undefined): void {
    if (replaced) this.remove(replaced);
    const events = this.events;
    if (Array.isArray(events)) {
      // A copy one longer: one grown by push keeps room for 17 (a pod's five Events would take 150 bytes, not 56).
      const longer = events.concat(recorded);
      this.events = longer.length > LIST_LIMIT ? byMessage(longer) : longer;
    } else {
      const list = events.get(recorded.message);
      if (list) list.push(recorded);
      else events.set(recorded.message, [recorded]);
    }
  }

  remove(recorded: Recorded): void {
    const events = this.events;
    const list = Array.isArray(events) ? events : events.get(recorded.message);
    const i = list ? list.indexOf(recorded) : -1;
    if (i < 0) return;
    list!.splice(i, 1);
    if (!Array.isArray(events) && list!.length === 0) events.delete(recorded.message);
    this.unwritten?.delete(recorded);
    for (const g of this.groups ?? []) if (g.combined === recorded) g.combined = undefined;
  }

  /** The spam filter: whether the source may write about the object now. */
  allow(component: string, host: string, now: number): boolean {
    if (this.component === undefined) {
      this.component = component;
      this.host = host;
    }
    let bucket: Bucket | undefined;
    if (this.component !== component || this.host !== host) {
      bucket = this.moreBuckets?.find((b) => b.component === component && b.host === host);
      if (!bucket) (this.moreBuckets ??= []).push((bucket = { component, host, fullAt: 0 }));
    }
    const after = takeToken(bucket ? bucket.fullAt : this.fullAt, now);
    if (after === undefined) return false;
    if (bucket) bucket.fullAt = after;
    else this.fullAt = after;
    return true;
  }

  /**
   * EventAggregate: the group whose combined Event this event goes to, or undefined when it is written as itself.
   * Until a group's events differ in message, its Events are all there is to it: a group is kept only from then on.
   */
  aggregate(component: string, host: string, type: string, reason: string, message: string, now: number): Group | undefined {
    let group = this.groups?.find((g) => g.component === component && g.host === host && g.type === type && g.reason === reason);
    if (!group) {
      // Every earlier one holds one message (a second would have made the group): it counts if it happened lately.
      let earlierMessage: string | undefined;
      let lastAt = -Infinity;
      const all = this.all();
      for (let i = 0; i < all.length; i++) {
        const r = all[i]!;
        if (!similar(r, component, host, type, reason)) continue;
        if (r.message === message) return undefined;
        earlierMessage = r.message;
        lastAt = Math.max(lastAt, this.lastOccurrence(r));
      }
      if (earlierMessage === undefined) return undefined;
      group = { component, host, type, reason, lastAt, messages: [earlierMessage], combined: undefined };
      (this.groups ??= []).push(group);
    }
    if (now - group.lastAt > AGGREGATE_INTERVAL_MS) group.messages.length = 0;
    group.lastAt = now;
    if (group.messages.includes(message)) return undefined;
    if (group.messages.length + 1 < AGGREGATE_MAX_EVENTS) {
      group.messages.push(message);
      return undefined;
    }
    return group;
  }

  /** An occurrence of `recorded` the spam filter kept back. */
  skipped(recorded: Recorded, now: number): void {
    const u = (this.unwritten ??= new Map()).get(recorded);
    if (u) {
      u.count++;
      u.at = now;
    } else {
      this.unwritten.set(recorded, { count: 1, at: now });
    }
  }

  /** Occurrences of `recorded` not yet written, forgotten as they are counted. */
  takeSkipped(recorded: Recorded): number {
    const u = this.unwritten?.get(recorded);
    if (!u) return 0;
    this.unwritten!.delete(recorded);
    return u.count;
  }

  /** When `recorded` last happened: its lastTimestamp (to the second), or a later occurrence held back. */
  private lastOccurrence(r: Recorded): number {
    const written = parseTimestamp(r.lastTimestamp!);
    const u = this.unwritten?.get(r);
    return u && u.at > written ? u.at : written;
  }

  private all(): readonly Recorded[] {
    return Array.isArray(this.events) ? this.events : [...this.events.values()].flat();
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
  private readonly about = new Map<string, About>();
  private seq = 0;
  /** Expiries: each is set an hour after the last, so they queue instead of filling the clock's heap. */
  private readonly expiries: TimerQueue<Recorded>;

  constructor(
    private readonly api: ApiServer,
    private readonly clock: VirtualClock,
  ) {
    this.expiries = clock.queue(this.expire);
  }

  /** Records an event; undefined when the spam filter keeps it from being written. */
  record(involved: KubeObject, type: EventType, reason: string, message: string, source: EventSource): Event | undefined {
    const namespace = involved.metadata.namespace ?? 'default';
    const { name, uid } = involved.metadata;
    const component = source.component;
    const host = source.host ?? '';
    const kind = involved.kind;
    const key = involvedKey({ kind, namespace, name, uid });
    let about = this.about.get(key);
    if (!about) this.about.set(key, (about = new About()));
    const now = this.clock.now();
    try {
      const group = source.eventsApi ? undefined : about.aggregate(component, host, type, reason, message, now);
      const target = group ? group.combined : about.same(component, host, type, reason, message);
      if (!source.eventsApi && !about.allow(component, host, now)) {
        if (target) about.skipped(target, now);
        return undefined;
      }
      const text = group ? COMBINED_PREFIX + message : message;
      const nowText = this.clock.nowRfc3339();
      const existing = target ? this.api.get('Event', namespace, target.metadata.name!) : undefined;
      if (existing) {
        const count = (existing.count ?? 1) + 1 + about.takeSkipped(target!);
        return this.api.update(group ? { ...existing, count, lastTimestamp: nowText, message: text } : { ...existing, count, lastTimestamp: nowText });
      }
      const event = this.api.create<Event>({
        apiVersion: 'v1',
        kind: 'Event',
        // Every key the API server sets on create, so it copies the metadata as it is (see metadataCopy).
        metadata: { name: `${involved.metadata.name}.${this.uniqueSuffix()}`, namespace, uid: undefined, resourceVersion: undefined, creationTimestamp: undefined },
        involvedObject: this.reference(involved),
        reason,
        message: text,
        source: this.sourceObject(component, host),
        firstTimestamp: nowText,
        lastTimestamp: nowText,
        count: 1,
        type,
        eventTime: null,
        // client-go's combined Event copies the source but not the reporting fields.
        reportingComponent: group ? '' : component,
        reportingInstance: group ? '' : host,
      }, { owned: true });
      // An Event deleted before it expired is counted afresh by a new one; the old one's timer finds it replaced.
      about.add(event, target);
      if (group) group.combined = event;
      this.expiries.at(now + EVENT_TTL_MS, event);
      return event;
    } finally {
      if (about.empty) this.about.delete(key);
    }
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

  private forget(recorded: Recorded): void {
    const key = recordedKey(recorded);
    const about = this.about.get(key);
    if (!about) return;
    about.remove(recorded);
    if (about.empty) this.about.delete(key);
  }

  /** An hour after an Event was recorded: deleted if it has not happened since, else checked again an hour after. */
  private readonly expire = (recorded: Recorded): void => {
    const { namespace, name } = recorded.metadata;
    const ev = this.api.get('Event', namespace, name!);
    if (!ev) {
      this.forget(recorded);
      return;
    }
    const expires = Date.parse(ev.lastTimestamp ?? ev.metadata.creationTimestamp!) + EVENT_TTL_MS;
    if (expires <= this.clock.now()) {
      this.api.delete('Event', namespace, name!);
      this.forget(recorded);
    } else {
      this.expiries.at(expires, recorded);
    }
  };
}
