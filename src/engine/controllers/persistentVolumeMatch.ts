/**
 * Which PersistentVolume a claim may bind to, as the PV controller and the scheduler's VolumeBinding plugin decide it
 * (pkg/controller/volume/persistentvolume, component-helpers/storage/volume): class, size, access modes, volume mode,
 * label selector, pre-binding (claimRef / volumeName), node affinity; the smallest volume that fits wins.
 */
import type { Labels } from '../api/meta.js';
import type { AccessMode, PersistentVolume, PersistentVolumeClaim, StorageClass } from '../api/types.js';
import { parseBytes } from '../api/quantity.js';
import { fromLabelSelector, matches } from '../selectors.js';
import { nodeSelectorMatches } from '../scheduler/nodeSelector.js';

export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
export const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';
export const ANN_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
export const ANN_BETA_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';
/** The provisioner of classes whose volumes are made by hand (local volumes). */
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/** GetPersistentVolumeClaimClass: the beta annotation, else spec.storageClassName, else "". */
export function claimClass(pvc: PersistentVolumeClaim): string {
  return pvc.metadata.annotations?.[ANN_BETA_STORAGE_CLASS] ?? pvc.spec.storageClassName ?? '';
}

export function volumeClass(pv: PersistentVolume): string {
  return pv.metadata.annotations?.[ANN_BETA_STORAGE_CLASS] ?? pv.spec.storageClassName ?? '';
}

export function isDefaultClass(sc: StorageClass): boolean {
  const a = sc.metadata.annotations ?? {};
  return a[ANN_DEFAULT_CLASS] === 'true' || a[ANN_BETA_DEFAULT_CLASS] === 'true';
}

/** The default StorageClass: the newest of those annotated default (then by name). */
export function defaultClass(classes: readonly StorageClass[]): StorageClass | undefined {
  const defaults = classes.filter(isDefaultClass);
  defaults.sort((a, b) => {
    const ta = Date.parse(a.metadata.creationTimestamp ?? '');
    const tb = Date.parse(b.metadata.creationTimestamp ?? '');
    if (ta !== tb) return tb - ta;
    return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
  });
  return defaults[0];
}

/** Whether binding waits for the first pod that uses the claim (its class exists and says WaitForFirstConsumer). */
export function isDelayBinding(pvc: PersistentVolumeClaim, getClass: (name: string) => StorageClass | undefined): boolean {
  const name = claimClass(pvc);
  if (name === '') return false;
  return getClass(name)?.volumeBindingMode === 'WaitForFirstConsumer';
}

export function isVolumeBoundToClaim(pv: PersistentVolume, pvc: PersistentVolumeClaim): boolean {
  const ref = pv.spec.claimRef;
  if (!ref) return false;
  if (ref.name !== pvc.metadata.name || (ref.namespace ?? '') !== (pvc.metadata.namespace ?? 'default')) return false;
  return !ref.uid || ref.uid === pvc.metadata.uid;
}

/** The claim is bound and the binder has finished with it. */
export function isClaimFullyBound(pvc: PersistentVolumeClaim): boolean {
  return !!pvc.spec.volumeName && pvc.metadata.annotations?.[ANN_BIND_COMPLETED] !== undefined;
}

export function storageBytes(q: string | number | undefined): number {
  if (q === undefined) return 0;
  try {
    return parseBytes(q);
  } catch {
    return 0;
  }
}

export function claimRequest(pvc: PersistentVolumeClaim): number {
  return storageBytes(pvc.spec.resources?.requests?.storage);
}

export function volumeCapacity(pv: PersistentVolume): number {
  return storageBytes(pv.spec.capacity?.storage);
}

/** Every access mode the claim asks for is one the volume offers. */
export function checkAccessModes(pvc: PersistentVolumeClaim, pv: PersistentVolume): boolean {
  const offered = new Set<AccessMode>(pv.spec.accessModes ?? []);
  return (pvc.spec.accessModes ?? []).every((m) => offered.has(m));
}

function volumeModeMismatch(pvc: PersistentVolumeClaim, pv: PersistentVolume): boolean {
  return (pvc.spec.volumeMode ?? 'Filesystem') !== (pv.spec.volumeMode ?? 'Filesystem');
}

/** The volume's node affinity admits a node with these labels (no affinity admits every node). */
export function volumeFitsNode(pv: PersistentVolume, nodeName: string, labels: Labels | undefined): boolean {
  const required = pv.spec.nodeAffinity?.required;
  return !required || nodeSelectorMatches(required, labels, nodeName);
}

/**
 * volume.FindMatchingVolume. With a node (the scheduler's path) access modes and node affinity are checked too;
 * without one (the PV controller's path) a WaitForFirstConsumer claim only takes a volume pre-bound to it.
 */
export function findMatchingVolume(
  pvc: PersistentVolumeClaim,
  volumes: readonly PersistentVolume[],
  node: { name: string; labels: Labels | undefined } | undefined,
  excluded: ReadonlySet<string>,
  delayBinding: boolean,
): PersistentVolume | undefined {
  const requested = claimRequest(pvc);
  const requestedClass = claimClass(pvc);
  const selector = pvc.spec.selector ? fromLabelSelector(pvc.spec.selector) : undefined;
  let smallest: PersistentVolume | undefined;
  let smallestSize = Infinity;
  for (const pv of volumes) {
    if (excluded.has(pv.metadata.name!)) continue;
    const boundToThis = isVolumeBoundToClaim(pv, pvc);
    if (pv.spec.claimRef && !boundToThis) continue;
    const size = volumeCapacity(pv);
    if (size < requested) continue;
    if (volumeModeMismatch(pvc, pv)) continue;
    if (pv.metadata.deletionTimestamp) continue;
    const affinityOk = !node || volumeFitsNode(pv, node.name, node.labels);
    if (boundToThis) return affinityOk ? pv : undefined;
    if (!node && delayBinding) continue;
    if (pv.status?.phase !== 'Available') continue;
    if (selector && !matches(selector, pv.metadata.labels)) continue;
    if (volumeClass(pv) !== requestedClass) continue;
    if (!affinityOk) continue;
    if (node && !checkAccessModes(pvc, pv)) continue;
    if (size < smallestSize) {
      smallest = pv;
      smallestSize = size;
    }
  }
  return smallest;
}

/**
 * The PV controller's search (persistentVolumeOrderedIndex.findByClaim): volumes grouped by their set of access
 * modes; groups that offer every mode the claim wants are tried from the fewest modes up, the first match wins.
 */
export function findVolumeForClaim(pvc: PersistentVolumeClaim, volumes: readonly PersistentVolume[], delayBinding: boolean): PersistentVolume | undefined {
  const groups = new Map<string, PersistentVolume[]>();
  for (const pv of volumes) {
    const key = [...new Set(pv.spec.accessModes ?? [])].sort().join(',');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(pv);
  }
  const wanted = pvc.spec.accessModes ?? [];
  const candidates = [...groups.entries()]
    .filter(([key]) => {
      const modes = new Set(key.split(','));
      return wanted.every((m) => modes.has(m));
    })
    .sort(([a], [b]) => a.split(',').length - b.split(',').length || (a < b ? -1 : a > b ? 1 : 0));
  for (const [, group] of candidates) {
    const pv = findMatchingVolume(pvc, group, undefined, new Set(), delayBinding);
    if (pv) return pv;
  }
  return undefined;
}
