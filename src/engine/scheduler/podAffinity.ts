/** Inter-pod affinity terms compiled once per pod (framework.AffinityTerm): namespaces, namespace selector, label selector. */
import type { LabelSelector, Labels } from '../api/meta.js';
import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from '../api/types.js';
import { fromLabelSelector, matches, type Selector } from '../selectors.js';

export interface AffinityTerm {
  namespaces: ReadonlySet<string>;
  /** null: no namespace selector (matches no namespace); an empty selector matches every namespace. */
  namespaceSelector: Selector | null;
  /** null: no label selector, which selects nothing. */
  selector: Selector | null;
  topologyKey: string;
}

export interface WeightedAffinityTerm {
  term: AffinityTerm;
  weight: number;
}

export interface PodAffinityInfo {
  requiredAffinity: readonly AffinityTerm[];
  requiredAntiAffinity: readonly AffinityTerm[];
  preferredAffinity: readonly WeightedAffinityTerm[];
  preferredAntiAffinity: readonly WeightedAffinityTerm[];
}

/** metav1.LabelSelectorAsSelector: nil selects nothing, {} selects everything. */
export function compileSelector(s: LabelSelector | undefined | null): Selector | null {
  return s ? fromLabelSelector(s) : null;
}

export function compileTerm(pod: Pod, t: PodAffinityTerm): AffinityTerm {
  const namespaces = new Set<string>();
  if ((t.namespaces ?? []).length === 0 && t.namespaceSelector === undefined) namespaces.add(pod.metadata.namespace ?? 'default');
  else for (const n of t.namespaces ?? []) namespaces.add(n);
  return {
    namespaces,
    namespaceSelector: compileSelector(t.namespaceSelector),
    selector: compileSelector(t.labelSelector),
    topologyKey: t.topologyKey,
  };
}

const weighted = (pod: Pod, ts: readonly WeightedPodAffinityTerm[] | undefined): WeightedAffinityTerm[] =>
  (ts ?? []).map((w) => ({ term: compileTerm(pod, w.podAffinityTerm), weight: w.weight }));

/** The pod's terms, or null when it has no inter-pod affinity at all. */
export function podAffinityInfo(pod: Pod): PodAffinityInfo | null {
  const a = pod.spec.affinity;
  if (!a?.podAffinity && !a?.podAntiAffinity) return null;
  const info: PodAffinityInfo = {
    requiredAffinity: (a.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileTerm(pod, t)),
    requiredAntiAffinity: (a.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileTerm(pod, t)),
    preferredAffinity: weighted(pod, a.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinity: weighted(pod, a.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
  };
  const any = info.requiredAffinity.length + info.requiredAntiAffinity.length + info.preferredAffinity.length + info.preferredAntiAffinity.length;
  return any > 0 ? info : null;
}

/** AffinityTerm.Matches: the pod is in one of the term's namespaces (or one its namespace selector picks) and has matching labels. */
export function termMatchesPod(term: AffinityTerm, namespace: string, labels: Labels | undefined, namespaceLabels: Labels | undefined): boolean {
  if (term.namespaces.has(namespace) || (term.namespaceSelector !== null && matches(term.namespaceSelector, namespaceLabels))) {
    return term.selector !== null && matches(term.selector, labels);
  }
  return false;
}
