/**
 * InterPodAffinity: required affinity and anti-affinity of the incoming pod, the required anti-affinity of pods
 * already placed (filter); preferred terms both ways and existing pods' required affinity with weight 1 (score).
 */
import type { Labels } from '../api/meta.js';
import type { NodeInfo, PodRecord } from './cache.js';
import { MAX_NODE_SCORE, type Cycle, type FilterPlugin, type ScorePlugin } from './framework.js';
import { podAffinityInfo, termMatchesPod, type AffinityTerm, type WeightedAffinityTerm } from './podAffinity.js';

export const REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

/** kube-scheduler's hardPodAffinityWeight default. */
const HARD_POD_AFFINITY_WEIGHT = 1;

const pairKey = (key: string, value: string): string => `${key}\x00${value}`;

/** Existing pods that could match one of the terms: those in the terms' namespaces (all of them if a term has a namespace selector). */
function candidatePods(c: Cycle, terms: readonly AffinityTerm[]): Iterable<PodRecord> {
  if (terms.some((t) => t.namespaceSelector !== null)) return [...c.cache.podsByNamespace.values()].flatMap((s) => [...s]);
  const namespaces = new Set<string>();
  for (const t of terms) for (const ns of t.namespaces) namespaces.add(ns);
  return [...namespaces].flatMap((ns) => [...(c.cache.podsByNamespace.get(ns) ?? [])]);
}

function add(m: Map<string, number>, node: NodeInfo, key: string, value: number): void {
  const v = node.labels[key];
  if (v === undefined) return;
  const p = pairKey(key, v);
  const next = (m.get(p) ?? 0) + value;
  if (next === 0) m.delete(p);
  else m.set(p, next);
}

export const interPodAffinityFilter: FilterPlugin = {
  name: 'InterPodAffinity',
  preFilter(c) {
    const info = podAffinityInfo(c.pod);
    const affinity = info?.requiredAffinity ?? [];
    const anti = info?.requiredAntiAffinity ?? [];
    const labels = c.pod.metadata.labels;
    const ownNsLabels = c.namespaceLabels(c.namespace);

    // Existing pods whose required anti-affinity the incoming pod matches keep it off their topology domain.
    const existingAnti = new Map<string, number>();
    for (const p of c.cache.podsWithRequiredAntiAffinity) {
      if (!p.node.node) continue;
      for (const t of p.affinity!.requiredAntiAffinity) if (termMatchesPod(t, c.namespace, labels, ownNsLabels)) add(existingAnti, p.node, t.topologyKey, 1);
    }
    if (affinity.length === 0 && anti.length === 0 && existingAnti.size === 0) return null;

    const affinityCounts = new Map<string, number>();
    const antiCounts = new Map<string, number>();
    if (affinity.length > 0 || anti.length > 0) {
      const nsLabelCache = new Map<string, Labels | undefined>();
      const nsLabels = (ns: string) => {
        if (!nsLabelCache.has(ns)) nsLabelCache.set(ns, c.namespaceLabels(ns));
        return nsLabelCache.get(ns);
      };
      for (const p of candidatePods(c, [...affinity, ...anti])) {
        if (!p.node.node) continue;
        const l = nsLabels(p.namespace);
        if (affinity.length > 0 && affinity.every((t) => termMatchesPod(t, p.namespace, p.labels, l))) {
          for (const t of affinity) add(affinityCounts, p.node, t.topologyKey, 1);
        }
        for (const t of anti) if (termMatchesPod(t, p.namespace, p.labels, l)) add(antiCounts, p.node, t.topologyKey, 1);
      }
    }
    // The first of a group of pods with affinity to each other may go anywhere its own terms hold.
    const selfMatches = affinity.length > 0 && affinity.every((t) => termMatchesPod(t, c.namespace, labels, undefined));
    const rejectAffinity = c.rejections.id('InterPodAffinity', [REASON_AFFINITY]);
    const rejectAnti = c.rejections.id('InterPodAffinity', [REASON_ANTI_AFFINITY]);
    const rejectExisting = c.rejections.id('InterPodAffinity', [REASON_EXISTING_ANTI_AFFINITY]);
    const existingPairs = [...existingAnti.keys()].map((p) => p.split('\x00') as [string, string]);

    return (n) => {
      if (affinity.length > 0) {
        let podsExist = true;
        for (const t of affinity) {
          const v = n.labels[t.topologyKey];
          if (v === undefined) return rejectAffinity;
          if ((affinityCounts.get(pairKey(t.topologyKey, v)) ?? 0) <= 0) podsExist = false;
        }
        if (!podsExist && !(affinityCounts.size === 0 && selfMatches)) return rejectAffinity;
      }
      for (const t of anti) {
        const v = n.labels[t.topologyKey];
        if (v !== undefined && (antiCounts.get(pairKey(t.topologyKey, v)) ?? 0) > 0) return rejectAnti;
      }
      for (const [k, v] of existingPairs) if (n.labels[k] === v) return rejectExisting;
      return 0;
    };
  },
};

export const interPodAffinityScore: ScorePlugin = {
  name: 'InterPodAffinity',
  preScore(c) {
    const info = podAffinityInfo(c.pod);
    const preferred = info?.preferredAffinity ?? [];
    const preferredAnti = info?.preferredAntiAffinity ?? [];
    const labels = c.pod.metadata.labels;
    const ownNsLabels = c.namespaceLabels(c.namespace);
    const topologyScore = new Map<string, number>();

    const processTerms = (terms: readonly WeightedAffinityTerm[], ns: string, podLabels: Labels | undefined, nsLabels: Labels | undefined, node: NodeInfo, sign: number) => {
      for (const w of terms) if (termMatchesPod(w.term, ns, podLabels, nsLabels)) add(topologyScore, node, w.term.topologyKey, w.weight * sign);
    };

    // The incoming pod's preferred terms, against every pod that could match them.
    if (preferred.length > 0 || preferredAnti.length > 0) {
      const nsLabelCache = new Map<string, Labels | undefined>();
      for (const p of candidatePods(c, [...preferred, ...preferredAnti].map((w) => w.term))) {
        if (!p.node.node || Object.keys(p.node.labels).length === 0) continue;
        if (!nsLabelCache.has(p.namespace)) nsLabelCache.set(p.namespace, c.namespaceLabels(p.namespace));
        const l = nsLabelCache.get(p.namespace);
        processTerms(preferred, p.namespace, p.labels, l, p.node, 1);
        processTerms(preferredAnti, p.namespace, p.labels, l, p.node, -1);
      }
    }
    // Existing pods' terms against the incoming pod.
    for (const p of c.cache.podsWithAffinity) {
      if (!p.node.node || Object.keys(p.node.labels).length === 0) continue;
      const a = p.affinity!;
      for (const t of a.requiredAffinity) if (termMatchesPod(t, c.namespace, labels, ownNsLabels)) add(topologyScore, p.node, t.topologyKey, HARD_POD_AFFINITY_WEIGHT);
      processTerms(a.preferredAffinity, c.namespace, labels, ownNsLabels, p.node, 1);
      processTerms(a.preferredAntiAffinity, c.namespace, labels, ownNsLabels, p.node, -1);
    }
    if (topologyScore.size === 0) return null;
    const byKey = new Map<string, Map<string, number>>();
    for (const [p, v] of topologyScore) {
      const [key, value] = p.split('\x00') as [string, string];
      let m = byKey.get(key);
      if (!m) byKey.set(key, (m = new Map()));
      m.set(value, v);
    }
    return {
      score(n) {
        let score = 0;
        for (const [key, values] of byKey) {
          const v = n.labels[key];
          if (v !== undefined) score += values.get(v) ?? 0;
        }
        return score;
      },
      normalize(scores) {
        let min = Infinity;
        let max = -Infinity;
        for (const s of scores) {
          if (s > max) max = s;
          if (s < min) min = s;
        }
        const diff = max - min;
        for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((scores[i]! - min) / diff)) : 0;
      },
    };
  },
};
