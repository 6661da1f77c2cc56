/**
 * PodTopologySpread: the pod's topologySpreadConstraints (DoNotSchedule ones filter, ScheduleAnyway ones score), or
 * when it has none, the system defaults (hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway) over the pods selected
 * like it: by the Services that select it and its ReplicaSet or StatefulSet.
 */
import type { LabelSelector, Labels } from '../api/meta.js';
import type { Pod, TopologySpreadConstraint } from '../api/types.js';
import { fromLabelSelector, matches, type Requirement, type Selector } from '../selectors.js';
import type { ObjectStore } from '../store/objectStore.js';
import { HOSTNAME_LABEL as HOSTNAME, ZONE_LABEL as ZONE, type NodeInfo } from './cache.js';
import { MAX_NODE_SCORE, type Cycle, type FilterPlugin, type ScorePlugin } from './framework.js';
import { RequiredNodeAffinity, untoleratedTaint } from './nodeSelector.js';
import { compileSelector } from './podAffinity.js';

export const REASON_SPREAD = "node(s) didn't match pod topology spread constraints";
export const REASON_SPREAD_MISSING_LABEL = `${REASON_SPREAD} (missing required label)`;

type Action = 'DoNotSchedule' | 'ScheduleAnyway';

/** Fields of a constraint newer than the typed API subset. */
type FullConstraint = TopologySpreadConstraint & {
  matchLabelKeys?: string[];
  nodeAffinityPolicy?: 'Honor' | 'Ignore';
  nodeTaintsPolicy?: 'Honor' | 'Ignore';
};

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  /** null selects nothing. */
  selector: Selector | null;
  minDomains: number;
  honorAffinity: boolean;
  honorTaints: boolean;
}

const DEFAULT_CONSTRAINTS: readonly { topologyKey: string; maxSkew: number; action: Action }[] = [
  { topologyKey: HOSTNAME, maxSkew: 3, action: 'ScheduleAnyway' },
  { topologyKey: ZONE, maxSkew: 5, action: 'ScheduleAnyway' },
];

function podConstraints(pod: Pod, action: Action): Constraint[] {
  const out: Constraint[] = [];
  for (const raw of pod.spec.topologySpreadConstraints ?? []) {
    const c = raw as FullConstraint;
    if (c.whenUnsatisfiable !== action) continue;
    let selector = compileSelector(c.labelSelector);
    if (selector && c.matchLabelKeys?.length) {
      const extra: Requirement[] = [];
      for (const key of c.matchLabelKeys) {
        const v = pod.metadata.labels?.[key];
        if (v !== undefined) extra.push({ key, op: 'In', values: [v] });
      }
      selector = [...selector, ...extra];
    }
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: c.minDomains ?? 1,
      honorAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
      honorTaints: c.nodeTaintsPolicy === 'Honor',
    });
  }
  return out;
}

/**
 * An owner's selector as requirements, one array per stored selector: a ReplicaSet's pods then share one selector
 * array, so the scheduler's counter for it is found by identity (no key string per pod).
 */
const ownerRequirements = new WeakMap<LabelSelector, Selector>();

function requirementsOf(selector: LabelSelector | undefined): Selector {
  if (!selector) return fromLabelSelector(selector);
  let reqs = ownerRequirements.get(selector);
  if (!reqs) ownerRequirements.set(selector, (reqs = fromLabelSelector(selector)));
  return reqs;
}

/** helper.DefaultSelector: the selectors of the Services selecting the pod, plus its ReplicaSet's or StatefulSet's. */
export function defaultSelector(pod: Pod, store: ObjectStore): Selector {
  const ns = pod.metadata.namespace ?? 'default';
  const labelSet: Labels = {};
  for (const svc of store.list('Service', ns)) {
    const sel = svc.spec?.selector;
    if (sel === undefined) continue;
    if (Object.entries(sel).every(([k, v]) => pod.metadata.labels?.[k] === v)) Object.assign(labelSet, sel);
  }
  const reqs: Requirement[] = Object.keys(labelSet)
    .sort()
    .map((key) => ({ key, op: 'In', values: [labelSet[key]!] }));
  const owner = pod.metadata.ownerReferences?.find((r) => r.controller);
  if (owner && owner.apiVersion === 'apps/v1' && (owner.kind === 'ReplicaSet' || owner.kind === 'StatefulSet')) {
    const o = store.get(owner.kind, ns, owner.name);
    if (o) {
      const ownerReqs = requirementsOf(o.spec.selector);
      if (reqs.length === 0) return ownerReqs;
      reqs.push(...ownerReqs);
    }
  }
  return reqs;
}

function defaultConstraints(c: Cycle, action: Action): Constraint[] {
  const wanted = DEFAULT_CONSTRAINTS.filter((d) => d.action === action);
  if (wanted.length === 0) return [];
  const selector = defaultSelector(c.pod, c.store);
  if (selector.length === 0) return [];
  return wanted.map((d) => ({ maxSkew: d.maxSkew, topologyKey: d.topologyKey, selector, minDomains: 1, honorAffinity: true, honorTaints: false }));
}

function constraintsFor(c: Cycle, action: Action): Constraint[] {
  return (c.pod.spec.topologySpreadConstraints ?? []).length > 0 ? podConstraints(c.pod, action) : defaultConstraints(c, action);
}

/** Per node: how many of the namespace's live pods match the constraint's selector (an empty selector counts none). */
function nodeCounter(c: Cycle, constraint: Constraint): (n: NodeInfo) => number {
  if (!constraint.selector || constraint.selector.length === 0) return () => 0;
  const counter = c.cache.counter(c.namespace, constraint.selector);
  return (n) => counter.live.get(n) ?? 0;
}

/** The node's value for a topology key; undefined when it lacks the label. */
function topologyValue(n: NodeInfo, key: string): string | undefined {
  return key === HOSTNAME ? n.hostnameLabel : key === ZONE ? n.zoneLabel : n.labels[key];
}

function hasAllKeys(n: NodeInfo, constraints: readonly Constraint[]): boolean {
  for (const c of constraints) if (topologyValue(n, c.topologyKey) === undefined) return false;
  return true;
}

function inclusion(c: Cycle): (constraint: Constraint, n: NodeInfo) => boolean {
  const required = new RequiredNodeAffinity(c.pod);
  const tolerations = c.pod.spec.tolerations;
  return (constraint, n) => {
    if (constraint.honorAffinity && !required.matches(n.labels, n.name)) return false;
    if (constraint.honorTaints && untoleratedTaint(n.taints, tolerations)) return false;
    return true;
  };
}

/** A number per topology pair (key, value): looked up for every node and pod, so without building a pair string. */
class PairCounts {
  readonly byKey = new Map<string, Map<string, number>>();

  get(key: string, value: string): number | undefined {
    return this.byKey.get(key)?.get(value);
  }

  set(key: string, value: string, n: number): void {
    let values = this.byKey.get(key);
    if (!values) this.byKey.set(key, (values = new Map()));
    values.set(value, n);
  }
}

export const podTopologySpreadFilter: FilterPlugin = {
  name: 'PodTopologySpread',
  preFilter(c) {
    const constraints = constraintsFor(c, 'DoNotSchedule');
    if (constraints.length === 0) return null;
    const counters = constraints.map((k) => nodeCounter(c, k));
    const include = inclusion(c);
    const matchNum = new PairCounts();
    for (const n of c.cache.nodes()) {
      if (!hasAllKeys(n, constraints)) continue;
      constraints.forEach((k, i) => {
        if (!include(k, n)) return;
        const value = topologyValue(n, k.topologyKey)!;
        matchNum.set(k.topologyKey, value, (matchNum.get(k.topologyKey, value) ?? 0) + counters[i]!(n));
      });
    }
    const domains = new Map<string, number>();
    const minByKey = new Map<string, number>();
    for (const [key, values] of matchNum.byKey) {
      let min = Infinity;
      for (const num of values.values()) min = Math.min(min, num);
      domains.set(key, values.size);
      minByKey.set(key, min);
    }
    const labels = c.pod.metadata.labels;
    const self = constraints.map((k) => (k.selector !== null && matches(k.selector, labels) ? 1 : 0));
    const missing = c.rejections.id('PodTopologySpread', [REASON_SPREAD_MISSING_LABEL]);
    const skewed = c.rejections.id('PodTopologySpread', [REASON_SPREAD]);
    return (n) => {
      for (let i = 0; i < constraints.length; i++) {
        const k = constraints[i]!;
        const value = topologyValue(n, k.topologyKey);
        if (value === undefined) return missing;
        const min = (domains.get(k.topologyKey) ?? 0) < k.minDomains ? 0 : minByKey.get(k.topologyKey) ?? Infinity;
        const skew = (matchNum.get(k.topologyKey, value) ?? 0) + self[i]! - min;
        if (skew > k.maxSkew) return skewed;
      }
      return 0;
    };
  },
};

export const podTopologySpreadScore: ScorePlugin = {
  name: 'PodTopologySpread',
  preScore(c, feasible) {
    const userDefined = (c.pod.spec.topologySpreadConstraints ?? []).length > 0;
    const constraints = constraintsFor(c, 'ScheduleAnyway');
    if (constraints.length === 0 || feasible.length === 0) return null;
    // System defaults do not require every topology label, so nodes without a zone still get hostname spreading.
    const requireAll = userDefined;
    const ignored = new Set<NodeInfo>();
    const pairCounts = new PairCounts();
    const topoSize = constraints.map(() => 0);
    // Neighbouring nodes mostly share a domain: the last value seen per constraint is known to be counted already.
    const seen: (string | undefined)[] = constraints.map(() => undefined);
    // Without required keys (the system defaults) nothing more is learnt once every zone value on the cluster's nodes
    // has been seen for each zone constraint, and hostname constraints need nothing here.
    const zoneValues = requireAll || !constraints.every((k) => k.topologyKey === HOSTNAME || k.topologyKey === ZONE) ? -1 : c.cache.zoneLabelValueCount();
    const allSeen = (): boolean => {
      for (let i = 0; i < constraints.length; i++) if (constraints[i]!.topologyKey === ZONE && topoSize[i]! < zoneValues) return false;
      return true;
    };
    for (const n of feasible) {
      if (zoneValues >= 0 && allSeen()) break;
      if (requireAll && !hasAllKeys(n, constraints)) {
        ignored.add(n);
        continue;
      }
      for (let i = 0; i < constraints.length; i++) {
        const key = constraints[i]!.topologyKey;
        if (key === HOSTNAME) continue;
        const value = topologyValue(n, key) ?? '';
        if (value === seen[i]) continue;
        seen[i] = value;
        if (pairCounts.get(key, value) === undefined) {
          pairCounts.set(key, value, 0);
          topoSize[i]!++;
        }
      }
    }
    const weights = constraints.map((k, i) => Math.log((k.topologyKey === HOSTNAME ? feasible.length - ignored.size : topoSize[i]!) + 2));
    const include = inclusion(c);
    // Hostname constraints count per node; the others read pairCounts, filled below.
    const counters = constraints.map((k) => {
      if (k.topologyKey !== HOSTNAME) return undefined;
      if (!k.selector || k.selector.length === 0) return nodeCounter(c, k);
      // A few nodes hold matching pods and hundreds are scored: an array by node id, kept by the counter.
      const counts = c.cache.counter(c.namespace, k.selector).byId(c.cache.nodeNames.length);
      return (n: NodeInfo) => counts[n.id]!;
    });
    constraints.forEach((k, i) => {
      if (k.topologyKey === HOSTNAME || !k.selector || k.selector.length === 0) return;
      // Only nodes with matching pods add anything: walk those instead of every node (forEach: no entry arrays).
      c.cache.counter(c.namespace, k.selector).live.forEach((count, n) => {
        if (!n.node || (requireAll && !hasAllKeys(n, constraints)) || !include(k, n)) return;
        const value = topologyValue(n, k.topologyKey) ?? '';
        const current = pairCounts.get(k.topologyKey, value);
        if (current !== undefined) pairCounts.set(k.topologyKey, value, current + count);
      });
    });
    // Most pods have no ignored node (system defaults ignore none): then no per-node set lookups.
    const isIgnored = ignored.size === 0 ? () => false : (n: NodeInfo) => ignored.has(n);
    // Each constraint's counts by value, looked up once per pod, not per node.
    const valueCounts = constraints.map((k) => pairCounts.byKey.get(k.topologyKey));
    const score = (n: NodeInfo): number => {
      if (isIgnored(n)) return 0;
      let total = 0;
      for (let i = 0; i < constraints.length; i++) {
        const k = constraints[i]!;
        const value = topologyValue(n, k.topologyKey);
        if (value === undefined) continue;
        const cnt = k.topologyKey === HOSTNAME ? counters[i]!(n) : valueCounts[i]?.get(value) ?? 0;
        total += cnt * weights[i]! + (k.maxSkew - 1);
      }
      return Math.round(total);
    };
    return {
      score,
      scoreAll(nodes, out) {
        for (let j = 0; j < nodes.length; j++) out[j] = score(nodes[j]!);
      },
      normalize(scores, nodes) {
        let min = Infinity;
        let max = 0;
        for (let i = 0; i < scores.length; i++) {
          if (isIgnored(nodes[i]!)) continue;
          min = Math.min(min, scores[i]!);
          max = Math.max(max, scores[i]!);
        }
        for (let i = 0; i < scores.length; i++) {
          if (isIgnored(nodes[i]!)) scores[i] = 0;
          else if (max === 0) scores[i] = MAX_NODE_SCORE;
          else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i]!)) / max);
        }
      },
    };
  },
};
