/**
 * Node selection rules shared by the scheduler and the volume binder: node selector terms (matchExpressions with
 * In/NotIn/Exists/DoesNotExist/Gt/Lt, matchFields on metadata.name), a pod's required node affinity (nodeSelector
 * AND required terms), preferred terms, and taints against tolerations.
 */
import type { Labels } from '../api/meta.js';
import type { NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod, Taint, Toleration } from '../api/types.js';

const INT64 = /^[+-]?\d+$/;

function parseInt64(s: string | undefined): number | undefined {
  return s !== undefined && INT64.test(s) ? Number(s) : undefined;
}

/** One matchExpressions requirement against a node's labels; a malformed one (Gt with two values) matches nothing. */
export function requirementMatches(r: NodeSelectorRequirement, labels: Labels | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels![r.key] : undefined;
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && values.includes(value!);
    case 'NotIn':
      return !has || !values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (values.length !== 1) return false;
      const want = parseInt64(values[0]);
      const got = parseInt64(value);
      if (want === undefined || got === undefined) return false;
      return r.operator === 'Gt' ? got > want : got < want;
    }
    default:
      return false;
  }
}

/** matchFields: only `metadata.name`, with In or NotIn and exactly one value. */
function fieldMatches(r: NodeSelectorRequirement, nodeName: string): boolean {
  if (r.key !== 'metadata.name' || (r.values ?? []).length !== 1) return false;
  if (r.operator === 'In') return r.values![0] === nodeName;
  if (r.operator === 'NotIn') return r.values![0] !== nodeName;
  return false;
}

/** A term matches when all its expressions and fields do; an empty term matches nothing. */
export function termMatches(term: NodeSelectorTerm, labels: Labels | undefined, nodeName: string): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  for (const r of exprs) if (!requirementMatches(r, labels)) return false;
  for (const r of fields) if (!fieldMatches(r, nodeName)) return false;
  return true;
}

/** Terms are ORed. */
export function nodeSelectorMatches(selector: NodeSelector, labels: Labels | undefined, nodeName: string): boolean {
  for (const term of selector.nodeSelectorTerms ?? []) if (termMatches(term, labels, nodeName)) return true;
  return false;
}

/** What NodeAffinity's filter checks: the pod's nodeSelector and its required node affinity, both. */
export class RequiredNodeAffinity {
  private readonly selector: readonly [string, string][];
  private readonly required: NodeSelector | undefined;

  constructor(pod: Pod) {
    this.selector = Object.entries(pod.spec.nodeSelector ?? {});
    this.required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  }

  /** True when the pod restricts nodes at all. */
  get restricts(): boolean {
    return this.selector.length > 0 || this.required !== undefined;
  }

  matches(labels: Labels | undefined, nodeName: string): boolean {
    for (const [k, v] of this.selector) if (labels?.[k] !== v) return false;
    return this.required === undefined || nodeSelectorMatches(this.required, labels, nodeName);
  }
}

export type PreferredTerms = readonly { weight: number; preference: NodeSelectorTerm }[];

export function preferredNodeAffinity(pod: Pod): PreferredTerms {
  return pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
}

/** NodeAffinity's raw score: the summed weights of the preferred terms the node matches. */
export function preferredScore(terms: PreferredTerms, labels: Labels | undefined, nodeName: string): number {
  let score = 0;
  for (const t of terms) if (t.weight !== 0 && termMatches(t.preference, labels, nodeName)) score += t.weight;
  return score;
}

// ---------- taints and tolerations ----------

/** v1.Toleration.ToleratesTaint. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export function tolerationsTolerate(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  for (const t of tolerations ?? []) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first NoSchedule/NoExecute taint the pod does not tolerate (FindMatchingUntoleratedTaint). */
export function untoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined): Taint | undefined {
  for (const taint of taints) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerationsTolerate(tolerations, taint)) return taint;
  }
  return undefined;
}
