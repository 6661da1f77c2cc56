/**
 * VolumeBinding: a pod's PersistentVolumeClaims must exist and not be going away; Immediate claims must be bound
 * before the pod can be scheduled; for WaitForFirstConsumer claims the node must have a matching volume (smallest
 * that fits) or the class must be able to provision one. Once a node is chosen, the plan says which volumes to
 * pre-bind and which claims to provision on that node.
 */
import type { Labels } from '../api/meta.js';
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../api/types.js';
import {
  ANN_SELECTED_NODE, claimClass, claimRequest, findMatchingVolume, isClaimFullyBound, isDelayBinding, NO_PROVISIONER, volumeClass, volumeFitsNode,
} from '../controllers/persistentVolumeMatch.js';
import type { ObjectStore } from '../store/objectStore.js';
import type { FilterPlugin } from './framework.js';
import { nodeSelectorMatches } from './nodeSelector.js';

export const REASON_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
export const REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const REASON_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';

interface PodClaims {
  bound: PersistentVolumeClaim[];
  /** Unbound WaitForFirstConsumer claims, smallest request first. */
  delayed: PersistentVolumeClaim[];
  immediateUnbound: number;
}

/** Names of the claims a pod's volumes use. */
export function podClaimNames(pod: Pod): string[] {
  const out: string[] = [];
  for (const v of pod.spec.volumes ?? []) if (v.persistentVolumeClaim) out.push(v.persistentVolumeClaim.claimName);
  return out;
}

function storageClassGetter(store: ObjectStore): (name: string) => StorageClass | undefined {
  return (name) => store.get('StorageClass', undefined, name);
}

/** podHasPVCs + GetPodVolumeClaims: the claims sorted out, or the PreFilter's error message. */
function podClaims(pod: Pod, store: ObjectStore): PodClaims | { reject: string } | null {
  const names = podClaimNames(pod);
  if (names.length === 0) return null;
  const ns = pod.metadata.namespace ?? 'default';
  const claims: PersistentVolumeClaim[] = [];
  for (const name of names) {
    const pvc = store.get('PersistentVolumeClaim', ns, name);
    if (!pvc) return { reject: `persistentvolumeclaim "${name}" not found` };
    if (pvc.status?.phase === 'Lost') return { reject: `persistentvolumeclaim "${name}" bound to non-existent persistentvolume "${pvc.spec.volumeName ?? ''}"` };
    if (pvc.metadata.deletionTimestamp) return { reject: `persistentvolumeclaim "${name}" is being deleted` };
    claims.push(pvc);
  }
  const getClass = storageClassGetter(store);
  const out: PodClaims = { bound: [], delayed: [], immediateUnbound: 0 };
  for (const pvc of claims) {
    if (isClaimFullyBound(pvc)) out.bound.push(pvc);
    else if (isDelayBinding(pvc, getClass)) out.delayed.push(pvc);
    else out.immediateUnbound++;
  }
  out.delayed.sort((a, b) => claimRequest(a) - claimRequest(b));
  return out;
}

interface NodeRef {
  name: string;
  labels: Labels | undefined;
}

/** StorageClass.allowedTopologies (not in the typed subset): the node must match one term, if any are given. */
function classAllowsNode(sc: StorageClass, node: NodeRef): boolean {
  const terms = (sc as StorageClass & { allowedTopologies?: { matchLabelExpressions?: { key: string; values: string[] }[] }[] }).allowedTopologies;
  if (!terms || terms.length === 0) return true;
  return nodeSelectorMatches(
    { nodeSelectorTerms: terms.map((t) => ({ matchExpressions: (t.matchLabelExpressions ?? []).map((e) => ({ key: e.key, operator: 'In' as const, values: e.values })) })) },
    node.labels,
    node.name,
  );
}

export interface VolumePlan {
  /** Volumes found for WaitForFirstConsumer claims: pre-bind them (the PV controller completes the binding). */
  bind: { claim: PersistentVolumeClaim; volume: PersistentVolume }[];
  /** Claims to provision on the node. */
  provision: PersistentVolumeClaim[];
}

interface NodeCheck {
  plan: VolumePlan;
  reasons: string[];
}

function checkNode(claims: PodClaims, volumesOfClass: (cls: string) => PersistentVolume[], store: ObjectStore, node: NodeRef): NodeCheck {
  let boundOk = true;
  let pvsFound = true;
  for (const pvc of claims.bound) {
    const pv = store.get('PersistentVolume', undefined, pvc.spec.volumeName!);
    if (!pv) pvsFound = false;
    else if (!volumeFitsNode(pv, node.name, node.labels)) boundOk = false;
  }
  const plan: VolumePlan = { bind: [], provision: [] };
  let unboundOk = true;
  const chosen = new Set<string>();
  for (const pvc of claims.delayed) {
    // A claim already being provisioned for a node can only go there.
    const selected = pvc.metadata.annotations?.[ANN_SELECTED_NODE];
    if (selected !== undefined) {
      if (selected === node.name) plan.provision.push(pvc);
      else unboundOk = false;
      continue;
    }
    const pv = findMatchingVolume(pvc, volumesOfClass(claimClass(pvc)), node, chosen, true);
    if (pv) {
      chosen.add(pv.metadata.name!);
      plan.bind.push({ claim: pvc, volume: pv });
      continue;
    }
    const sc = store.get('StorageClass', undefined, claimClass(pvc));
    if (!sc || !sc.provisioner || sc.provisioner === NO_PROVISIONER || !classAllowsNode(sc, node)) unboundOk = false;
    else plan.provision.push(pvc);
  }
  const reasons: string[] = [];
  if (!boundOk) reasons.push(REASON_NODE_CONFLICT);
  if (!unboundOk) reasons.push(REASON_BIND_CONFLICT);
  if (!pvsFound) reasons.push(REASON_PV_NOT_EXIST);
  return { plan, reasons };
}

function volumesByClass(store: ObjectStore): (cls: string) => PersistentVolume[] {
  const cache = new Map<string, PersistentVolume[]>();
  return (cls) => {
    let list = cache.get(cls);
    if (!list) cache.set(cls, (list = store.list('PersistentVolume').filter((pv) => volumeClass(pv) === cls)));
    return list;
  };
}

export const volumeBindingFilter: FilterPlugin = {
  name: 'VolumeBinding',
  preFilter(c) {
    const claims = podClaims(c.pod, c.store);
    if (claims === null) return null;
    if ('reject' in claims) return claims;
    if (claims.immediateUnbound > 0) return { reject: REASON_UNBOUND_IMMEDIATE };
    if (claims.bound.length === 0 && claims.delayed.length === 0) return null;
    const volumes = volumesByClass(c.store);
    return (n) => {
      const { reasons } = checkNode(claims, volumes, c.store, n);
      return reasons.length === 0 ? 0 : c.rejections.id('VolumeBinding', reasons);
    };
  },
};

/** What to do about the pod's WaitForFirstConsumer claims on the chosen node; undefined when nothing. */
export function volumePlan(pod: Pod, store: ObjectStore, node: NodeRef): VolumePlan | undefined {
  const claims = podClaims(pod, store);
  if (!claims || 'reject' in claims || claims.delayed.length === 0) return undefined;
  const { plan } = checkNode(claims, volumesByClass(store), store, node);
  return plan.bind.length + plan.provision.length > 0 ? plan : undefined;
}

/** Whether every claim of the pod is fully bound to an existing volume bound back to it. */
export function podVolumesBound(pod: Pod, store: ObjectStore): boolean {
  const ns = pod.metadata.namespace ?? 'default';
  for (const name of podClaimNames(pod)) {
    const pvc = store.get('PersistentVolumeClaim', ns, name);
    if (!pvc || !isClaimFullyBound(pvc)) return false;
    const pv = store.get('PersistentVolume', undefined, pvc.spec.volumeName!);
    if (!pv || pv.spec.claimRef?.uid !== pvc.metadata.uid) return false;
  }
  return true;
}
