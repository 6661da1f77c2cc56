/**
 * Which nodes a DaemonSet runs on (pkg/controller/daemon/daemon_controller.go NodeShouldRunDaemonPod, util/daemonset_util.go):
 * nodeName, nodeSelector and required node affinity, taints against the pod's tolerations plus the ones every daemon pod
 * gets, and the required affinity that pins a daemon pod to its node.
 */
import type { Affinity, DaemonSet, Node, PodSpec, Taint, Toleration } from '../api/types.js';
import { nodeSelectorMatches, tolerationsTolerate } from '../scheduler/nodeSelector.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';

/** AddOrUpdateDaemonPodTolerations: what every daemon pod tolerates, in the order the controller appends them. */
export function daemonPodTolerations(spec: PodSpec): Toleration[] {
  const extra: Toleration[] = [
    { key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute' },
    { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec.hostNetwork) extra.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  const out = [...(spec.tolerations ?? [])];
  for (const t of extra) {
    // AddOrUpdateTolerationInPodSpec: a toleration with the same key, operator, value and effect is replaced.
    const i = out.findIndex((o) => (o.key ?? '') === t.key && (o.operator ?? 'Equal') === t.operator && (o.value ?? '') === '' && (o.effect ?? '') === t.effect);
    if (i >= 0) out[i] = t;
    else out.push(t);
  }
  return out;
}

function untoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[], filter: (t: Taint) => boolean): Taint | undefined {
  return taints.find((taint) => filter(taint) && !tolerationsTolerate(tolerations, taint));
}

/** nodeaffinity.GetRequiredNodeAffinity(pod).Match: nodeSelector AND (any required term). */
export function matchesRequiredAffinity(spec: PodSpec, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return required === undefined || nodeSelectorMatches(required, labels, node.metadata.name!);
}

export interface Placement {
  /** A daemon pod should be created here if there is none. */
  shouldRun: boolean;
  /** An existing daemon pod may stay (untolerated NoSchedule taints only keep new pods away). */
  shouldContinueRunning: boolean;
}

/** NodeShouldRunDaemonPod. */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): Placement {
  const spec = ds.spec.template.spec;
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  if (!matchesRequiredAffinity(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints ?? [];
  const tolerations = daemonPodTolerations(spec);
  const blocking = untoleratedTaint(taints, tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  if (!blocking) return { shouldRun: true, shouldContinueRunning: true };
  const evicting = untoleratedTaint(taints, tolerations, (t) => t.effect === 'NoExecute');
  return { shouldRun: false, shouldContinueRunning: !evicting };
}

/** ReplaceDaemonSetPodNodeNameNodeAffinity: the pod's required node affinity becomes `metadata.name In [node]`. */
export function pinToNode(affinity: Affinity | undefined, nodeName: string): Affinity {
  const required = { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In' as const, values: [nodeName] }] }] };
  return { ...(affinity ?? {}), nodeAffinity: { ...(affinity?.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: required } };
}

/** util.GetTargetNodeName: spec.nodeName, else the node the pinning affinity names. */
export function targetNodeName(spec: PodSpec): string | undefined {
  if (spec.nodeName) return spec.nodeName;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const t of terms) {
    for (const f of t.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}

/** What part of a node decides placement: labels, spec (taints, unschedulable) and condition statuses (not heartbeats). */
export function placementSignature(node: Node): string {
  const conditions = (node.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`);
  return JSON.stringify([node.metadata.labels ?? {}, node.spec?.taints ?? [], node.spec?.unschedulable ?? false, conditions]);
}

/**
 * The placement signature each node had when last seen. Most node writes (status images, heartbeats) leave the
 * parts it is made of as the same stored objects: then it is not built again.
 */
export class PlacementSignatures {
  private readonly seen = new Map<string, { node: Node; signature: string }>();

  /** Records the node's signature; says whether it differs from the one last recorded for that name. */
  changed(node: Node): boolean {
    const name = node.metadata.name!;
    const last = this.seen.get(name);
    if (last && samePlacementParts(last.node, node)) {
      last.node = node;
      return false;
    }
    const signature = placementSignature(node);
    this.seen.set(name, { node, signature });
    return last?.signature !== signature;
  }

  delete(name: string): void {
    this.seen.delete(name);
  }
}

function samePlacementParts(a: Node, b: Node): boolean {
  return a.metadata.labels === b.metadata.labels && a.spec?.taints === b.spec?.taints
    && a.spec?.unschedulable === b.spec?.unschedulable && a.status?.conditions === b.status?.conditions;
}
