/**
 * What a ReplicaSet's status counts, kept up to date from pod watch events so a sync does not walk every pod of a
 * large ReplicaSet: its controlled, active, selector-matching pods, and how many of them are fully labelled and
 * Ready. A tally is built from the owner index the first time a ReplicaSet syncs, and rebuilt when its selector or
 * template labels change.
 */
import type { Pod, ReplicaSet } from '../api/types.js';
import { parseTimestamp } from '../clock.js';
import type { ObjectStore } from '../store/objectStore.js';
import { fromLabelSelector, matches, type Selector } from '../selectors.js';
import { controllerOf, isPodActive } from './podState.js';
import { deletionCandidate, type Candidate } from './replicaSetPods.js';

interface Entry {
  pod: Pod;
  /** Active and matching the selector: one of the ReplicaSet's replicas. */
  counted: boolean;
  fullyLabeled: boolean;
  /** Ready's lastTransitionTime (ms) when Ready, else undefined. */
  readySince: number | undefined;
  /** What the scale-down order reads from this pod version, once it has been asked for. */
  candidate?: Candidate;
}

export class Tally {
  readonly entries = new Map<string, Entry>();
  /** Controlled, active pods that no longer match the selector: to be released. */
  readonly stray = new Map<string, Pod>();
  counted = 0;
  fullyLabeled = 0;
  ready = 0;
  /** The selector and template labels objects last seen with this shape: the same objects need no new shape. */
  seenSelector: unknown;
  seenLabels: unknown;

  constructor(
    readonly uid: string,
    readonly shape: string,
    private readonly selector: Selector,
    private readonly templateLabels: readonly (readonly [string, string])[],
  ) {}

  observe(pod: Pod): void {
    const previous = this.entries.get(pod.metadata.uid!);
    this.forget(pod.metadata.uid!);
    if (controllerOf(pod)?.uid !== this.uid || !isPodActive(pod)) return;
    const labels = pod.metadata.labels;
    // The labels object of the counted version before (stored objects never change): it matched, as it does now.
    const fullyLabeled = previous && previous.pod.metadata.labels === labels ? previous.fullyLabeled : this.labelled(pod);
    if (fullyLabeled === undefined) {
      this.stray.set(pod.metadata.uid!, pod);
      return;
    }
    let readySince: number | undefined;
    for (const c of pod.status?.conditions ?? []) {
      if (c.type !== 'Ready') continue;
      if (c.status === 'True') readySince = c.lastTransitionTime ? parseTimestamp(c.lastTransitionTime) : Infinity;
      break;
    }
    const e: Entry = { pod, counted: true, fullyLabeled, readySince };
    this.entries.set(pod.metadata.uid!, e);
    this.counted++;
    if (fullyLabeled) this.fullyLabeled++;
    if (readySince !== undefined) this.ready++;
  }

  /** Whether the pod carries every template label; undefined when it does not match the selector. */
  private labelled(pod: Pod): boolean | undefined {
    const labels = pod.metadata.labels;
    if (!matches(this.selector, labels)) return undefined;
    for (const [k, v] of this.templateLabels) if (labels?.[k] !== v) return false;
    return true;
  }

  forget(podUid: string): void {
    this.stray.delete(podUid);
    const e = this.entries.get(podUid);
    if (!e) return;
    this.entries.delete(podUid);
    this.counted--;
    if (e.fullyLabeled) this.fullyLabeled--;
    if (e.readySince !== undefined) this.ready--;
  }

  /** The counted pods as the scale-down order reads them. */
  candidates(): Candidate[] {
    const out: Candidate[] = [];
    for (const e of this.entries.values()) out.push((e.candidate ??= deletionCandidate(e.pod)));
    return out;
  }

  /**
   * Available pods (Ready for more than minReadySeconds, strictly) and when the next Ready pod becomes available
   * (Infinity when none is waiting).
   */
  availability(minReadySeconds: number, now: number): { available: number; next: number } {
    if (!minReadySeconds) return { available: this.ready, next: Infinity };
    let available = 0;
    let next = Infinity;
    for (const e of this.entries.values()) {
      if (e.readySince === undefined) continue;
      const at = e.readySince + minReadySeconds * 1000;
      if (at < now) available++;
      else if (at < next) next = at;
    }
    return { available, next };
  }
}

/** The selector and template labels a tally was built for: when they change, the tally is rebuilt. */
function shapeOf(rs: ReplicaSet): string {
  return JSON.stringify([rs.spec.selector, rs.spec.template.metadata?.labels ?? {}]);
}

export class Tallies {
  private readonly byKey = new Map<string, Tally>();

  constructor(private readonly store: ObjectStore) {}

  /** The up-to-date tally of a ReplicaSet (built or rebuilt from its dependents when needed). */
  of(key: string, rs: ReplicaSet): Tally {
    const existing = this.byKey.get(key);
    const selector = rs.spec.selector;
    const labels = rs.spec.template.metadata?.labels;
    if (existing && existing.uid === rs.metadata.uid && existing.seenSelector === selector && existing.seenLabels === labels) return existing;
    const shape = shapeOf(rs);
    if (existing && existing.uid === rs.metadata.uid && existing.shape === shape) {
      existing.seenSelector = selector;
      existing.seenLabels = labels;
      return existing;
    }
    const tally = new Tally(rs.metadata.uid!, shape, fromLabelSelector(rs.spec.selector), Object.entries(rs.spec.template.metadata?.labels ?? {}));
    for (const d of this.store.dependents(rs.metadata.uid!)) if (d.kind === 'Pod') tally.observe(d);
    tally.seenSelector = selector;
    tally.seenLabels = labels;
    this.byKey.set(key, tally);
    return tally;
  }

  /** A pod changed: update the tally of the ReplicaSet that controls it (if that tally exists). */
  observe(key: string, pod: Pod, deleted: boolean): void {
    const tally = this.byKey.get(key);
    if (!tally) return;
    if (deleted) tally.forget(pod.metadata.uid!);
    else tally.observe(pod);
  }

  forgetPod(key: string, podUid: string): void {
    this.byKey.get(key)?.forget(podUid);
  }

  drop(key: string): void {
    this.byKey.delete(key);
  }
}
