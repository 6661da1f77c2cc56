/**
 * A StatefulSet's stable identities (pkg/controller/statefulset/stateful_set_utils.go): pod names from ordinals,
 * hostname/subdomain, identity labels, claim names and volumes, and which revision a new pod gets.
 */
import type { OwnerReference } from '../api/meta.js';
import type { PersistentVolumeClaim, Pod, PodTemplateSpec, StatefulSet, Volume } from '../api/types.js';
import { CONTROLLER_REVISION_HASH_LABEL } from './history.js';
import { controllerRef } from './podState.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

export function startOrdinal(set: StatefulSet): number {
  return set.spec.ordinals?.start ?? 0;
}

export function replicaCount(set: StatefulSet): number {
  return set.spec.replicas ?? 1;
}

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

/** getParentNameAndOrdinal: `web-12` -> ['web', 12]; -1 when the name has no ordinal. */
export function parentAndOrdinal(name: string): [parent: string, ordinal: number] {
  const m = /^(.*)-([0-9]+)$/.exec(name);
  if (!m) return ['', -1];
  const n = Number(m[2]);
  return Number.isSafeInteger(n) ? [m[1]!, n] : ['', -1];
}

export function ordinalOf(pod: Pod): number {
  return parentAndOrdinal(pod.metadata.name ?? '')[1];
}

/** isMemberOf: the pod's name says it belongs to this set. */
export function isMemberOf(set: StatefulSet, pod: Pod): boolean {
  return parentAndOrdinal(pod.metadata.name ?? '')[0] === set.metadata.name;
}

export function claimName(templateName: string, set: StatefulSet, ordinal: number): string {
  return `${templateName}-${set.metadata.name}-${ordinal}`;
}

export function revisionOf(pod: Pod): string | undefined {
  return pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
}

/** identityMatches: name labels present and right. */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const ord = ordinalOf(pod);
  const labels = pod.metadata.labels ?? {};
  return ord >= 0 && labels[POD_NAME_LABEL] === pod.metadata.name && labels[POD_INDEX_LABEL] === String(ord) && isMemberOf(set, pod);
}

/** The claims a pod of this ordinal uses, named `<template>-<set>-<ordinal>`, labelled with the set's matchLabels. */
export function claimsFor(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  return (set.spec.volumeClaimTemplates ?? []).map((t) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      ...structuredClone(t.metadata),
      name: claimName(t.metadata.name!, set, ordinal),
      namespace: set.metadata.namespace,
      labels: { ...(t.metadata.labels ?? {}), ...(set.spec.selector.matchLabels ?? {}) },
    },
    spec: structuredClone(t.spec),
  }));
}

/** updateStorage: one PVC volume per claim template first, then the template's other volumes. */
function volumesFor(set: StatefulSet, template: PodTemplateSpec, ordinal: number): Volume[] | undefined {
  const templates = set.spec.volumeClaimTemplates ?? [];
  if (templates.length === 0) return template.spec.volumes;
  const names = new Set(templates.map((t) => t.metadata.name!));
  const claimVolumes: Volume[] = templates.map((t) => ({
    name: t.metadata.name!,
    persistentVolumeClaim: { claimName: claimName(t.metadata.name!, set, ordinal) },
  }));
  return [...claimVolumes, ...(template.spec.volumes ?? []).filter((v) => !names.has(v.name))];
}

/** newStatefulSetPod + setPodRevision: the pod for an ordinal from a template. */
export function newPod(set: StatefulSet, template: PodTemplateSpec, ordinal: number, revision: string): Pod {
  const name = podName(set, ordinal);
  const meta = template.metadata ?? {};
  const spec = structuredClone(template.spec);
  spec.hostname = name;
  if (set.spec.serviceName) spec.subdomain = set.spec.serviceName;
  else delete spec.subdomain;
  const volumes = volumesFor(set, template, ordinal);
  if (volumes) spec.volumes = structuredClone(volumes);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata.namespace,
      labels: { ...(meta.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [CONTROLLER_REVISION_HASH_LABEL]: revision },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [controllerRef(set)],
    },
    spec,
  };
}

/**
 * newVersionedStatefulSetPod: with RollingUpdate, ordinals below the partition are (re)created at the current
 * revision; everything else at the update revision.
 */
export function usesCurrentRevision(set: StatefulSet, ordinal: number): boolean {
  const strategy = set.spec.updateStrategy;
  if ((strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return false;
  return ordinal < startOrdinal(set) + (strategy?.rollingUpdate?.partition ?? 0);
}

/**
 * The owner references a claim should carry under the retention policy (1.31 StatefulSetAutoDeletePVC): the set's
 * when `whenDeleted: Delete` (unless the pod was scaled away and `whenScaled: Delete` hands it to the pod), the pod's
 * when its ordinal was scaled away and `whenScaled: Delete`.
 */
export function claimOwners(set: StatefulSet, pod: Pod | undefined, scaledDown: boolean): OwnerReference[] {
  const policy = set.spec.persistentVolumeClaimRetentionPolicy ?? {};
  const refs: OwnerReference[] = [];
  const podOwns = scaledDown && policy.whenScaled === 'Delete' && pod !== undefined;
  if (policy.whenDeleted === 'Delete' && !podOwns) refs.push(controllerRef(set));
  if (podOwns) refs.push({ apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name!, uid: pod.metadata.uid! });
  return refs;
}
