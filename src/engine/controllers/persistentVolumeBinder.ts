/**
 * The PersistentVolume controller (pkg/controller/volume/persistentvolume) and a simulated external provisioner:
 * binds claims to the smallest matching volume, assigns the default StorageClass to claims without a class,
 * provisions `pvc-<uid>` volumes (at once for Immediate classes, once the scheduler picked a node for
 * WaitForFirstConsumer ones), releases volumes whose claim is gone and reclaims them (Retain keeps them Released,
 * Delete removes them), and keeps PV and PVC phases as kubectl shows them. Unbound claims are re-synced every 15 s,
 * as the real controller does, which is what makes their events count up.
 */
import type { ObjectReference, PersistentVolume, PersistentVolumeClaim, StorageClass } from '../api/types.js';
import type { Cluster } from '../cluster.js';
import type { TimerHandle } from '../clock.js';
import { objectKey } from '../store/objectStore.js';
import { WorkQueue, type Controller } from '../workqueue.js';
import {
  ANN_BETA_STORAGE_CLASS, ANN_BETA_STORAGE_PROVISIONER, ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_PROVISIONED_BY,
  ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, checkAccessModes, claimClass, claimRequest, defaultClass, findVolumeForClaim,
  isDelayBinding, isVolumeBoundToClaim, NO_PROVISIONER, volumeCapacity, volumeClass,
} from './persistentVolumeMatch.js';

export const PV_BINDER_NAME = 'persistentvolume-binder';
export const PV_CONTROLLER_COMPONENT = 'persistentvolume-controller';
/** --pvclaimbinder-sync-period. */
export const CLAIM_RESYNC_MS = 15_000;

const CLAIM = 'claim:';
const VOLUME = 'volume:';

type VolumePhase = NonNullable<NonNullable<PersistentVolume['status']>['phase']>;
type ClaimPhase = NonNullable<NonNullable<PersistentVolumeClaim['status']>['phase']>;

/** The source a simulated provisioner gives its volumes. */
function provisionedSource(provisioner: string, pvc: PersistentVolumeClaim): Pick<PersistentVolume['spec'], 'hostPath' | 'csi'> {
  const ns = pvc.metadata.namespace ?? 'default';
  const name = `pvc-${pvc.metadata.uid}`;
  if (provisioner === 'rancher.io/local-path') return { hostPath: { path: `/var/local-path-provisioner/${name}_${ns}_${pvc.metadata.name}`, type: 'DirectoryOrCreate' } };
  if (provisioner === 'kubernetes.io/host-path' || provisioner === 'k8s.io/minikube-hostpath' || provisioner === 'docker.io/hostpath') {
    return { hostPath: { path: `/tmp/hostpath-provisioner/${ns}/${pvc.metadata.name}`, type: '' } };
  }
  return { csi: { driver: provisioner, volumeHandle: name, fsType: 'ext4' } };
}

export class PersistentVolumeBinder implements Controller {
  readonly name = PV_BINDER_NAME;
  readonly queue = new WorkQueue();
  /** resourceVersions this controller wrote: their watch events need no new sync (as the real controller's cache). */
  private readonly ownWrites = new Set<string>();
  private resyncTimer: TimerHandle | undefined;

  constructor(private readonly cluster: Cluster) {
    const api = cluster.api;
    api.watch({ kinds: ['PersistentVolumeClaim'] }, (e) => {
      const pvc = e.object as PersistentVolumeClaim;
      const key = objectKey(pvc.metadata.namespace, pvc.metadata.name!);
      if (e.type === 'DELETED') {
        for (const pv of this.volumesClaimedBy(pvc)) this.queue.add(VOLUME + pv.metadata.name);
        return;
      }
      if (this.ownWrites.delete(pvc.metadata.resourceVersion!)) return;
      this.queue.add(CLAIM + key);
    });
    api.watch({ kinds: ['PersistentVolume'] }, (e) => {
      const pv = e.object as PersistentVolume;
      const ref = pv.spec.claimRef;
      if (ref?.name) this.queue.add(CLAIM + objectKey(ref.namespace ?? 'default', ref.name));
      if (e.type === 'DELETED') return;
      if (this.ownWrites.delete(pv.metadata.resourceVersion!)) return;
      this.queue.add(VOLUME + pv.metadata.name);
      // A volume that became available may be what a pending claim waits for.
      if (!ref) this.queuePendingClaims();
    });
    api.watch({ kinds: ['StorageClass'] }, () => this.queuePendingClaims());
    for (const pv of cluster.store.list('PersistentVolume')) this.queue.add(VOLUME + pv.metadata.name);
    for (const pvc of cluster.store.list('PersistentVolumeClaim')) this.queue.add(CLAIM + objectKey(pvc.metadata.namespace, pvc.metadata.name!));
  }

  sync(key: string): void {
    if (key.startsWith(CLAIM)) {
      const [ns, name] = key.slice(CLAIM.length).split('/') as [string, string];
      const pvc = this.cluster.store.get('PersistentVolumeClaim', ns, name);
      if (pvc) this.syncClaim(pvc);
    } else if (key.startsWith(VOLUME)) {
      const pv = this.cluster.store.get('PersistentVolume', undefined, key.slice(VOLUME.length));
      if (pv) this.syncVolume(pv);
    }
  }

  // ---------- claims ----------

  private syncClaim(pvc: PersistentVolumeClaim): void {
    if (pvc.metadata.deletionTimestamp) return;
    if (pvc.spec.storageClassName === undefined && pvc.metadata.annotations?.[ANN_BETA_STORAGE_CLASS] === undefined) {
      const def = defaultClass(this.cluster.store.list('StorageClass'));
      if (def) {
        // Retroactive default StorageClass assignment; the update brings the claim back here.
        this.cluster.api.update({ ...pvc, spec: { ...pvc.spec, storageClassName: def.metadata.name } });
        return;
      }
    }
    if (!pvc.spec.volumeName) this.syncUnboundClaim(pvc);
    else if (pvc.metadata.annotations?.[ANN_BIND_COMPLETED] === undefined) this.syncPreBoundClaim(pvc);
    else this.syncBoundClaim(pvc);
  }

  private syncUnboundClaim(pvc: PersistentVolumeClaim): void {
    const store = this.cluster.store;
    const delay = isDelayBinding(pvc, (n) => store.get('StorageClass', undefined, n));
    const pv = findVolumeForClaim(pvc, store.list('PersistentVolume'), delay);
    if (pv) {
      this.bind(pv, pvc);
      return;
    }
    this.ensureResync();
    this.setClaimPhase(pvc, 'Pending');
    if (delay && pvc.metadata.annotations?.[ANN_SELECTED_NODE] === undefined) {
      const waiting = this.unscheduledPodsUsing(pvc);
      if (waiting.length === 0) this.event(pvc, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
      else this.event(pvc, 'Normal', 'WaitForPodScheduled', `waiting for ${waiting.length > 1 ? 'pods' : 'pod'} ${waiting.join(',')} to be scheduled`);
      return;
    }
    const className = claimClass(pvc);
    if (className !== '') {
      this.provision(pvc, className);
      return;
    }
    this.event(pvc, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
  }

  /** A claim whose volumeName a user set: bind it to that volume if it can be. */
  private syncPreBoundClaim(pvc: PersistentVolumeClaim): void {
    const pv = this.cluster.store.get('PersistentVolume', undefined, pvc.spec.volumeName!);
    this.setClaimPhase(pvc, 'Pending');
    if (!pv) {
      this.ensureResync();
      return;
    }
    if (pv.spec.claimRef && !isVolumeBoundToClaim(pv, pvc)) {
      this.event(pvc, 'Warning', 'FailedBinding', `volume "${pv.metadata.name}" already bound to a different claim.`);
      return;
    }
    const mismatch = this.unsatisfied(pv, pvc);
    if (mismatch) {
      this.event(pvc, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${pv.metadata.name}": ${mismatch}`);
      return;
    }
    this.bind(pv, pvc);
  }

  private syncBoundClaim(pvc: PersistentVolumeClaim): void {
    const pv = this.cluster.store.get('PersistentVolume', undefined, pvc.spec.volumeName!);
    if (!pv) {
      if (pvc.status?.phase !== 'Lost') {
        this.setClaimPhase(pvc, 'Lost');
        this.event(pvc, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
      }
      return;
    }
    if (!pv.spec.claimRef || isVolumeBoundToClaim(pv, pvc)) {
      this.bind(pv, pvc);
      return;
    }
    if (pvc.status?.phase !== 'Lost') {
      this.setClaimPhase(pvc, 'Lost');
      this.event(pvc, 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
    }
  }

  /** checkVolumeSatisfyClaim: why a requested volume cannot take the claim, or undefined. */
  private unsatisfied(pv: PersistentVolume, pvc: PersistentVolumeClaim): string | undefined {
    if (volumeCapacity(pv) < claimRequest(pvc)) return 'requested PV is too small';
    if (volumeClass(pv) !== claimClass(pvc)) return 'storageClassName does not match';
    if ((pv.spec.volumeMode ?? 'Filesystem') !== (pvc.spec.volumeMode ?? 'Filesystem')) return 'incompatible volumeMode';
    if (!checkAccessModes(pvc, pv)) return 'incompatible accessMode';
    return undefined;
  }

  /** Binds both ways: claimRef and phase on the volume, volumeName, annotations and phase on the claim. */
  private bind(pv: PersistentVolume, pvc: PersistentVolumeClaim): void {
    const api = this.cluster.api;
    let volume = pv;
    if (!isVolumeBoundToClaim(pv, pvc) || !pv.spec.claimRef?.uid) {
      const claimRef: ObjectReference = {
        kind: 'PersistentVolumeClaim',
        namespace: pvc.metadata.namespace ?? 'default',
        name: pvc.metadata.name,
        uid: pvc.metadata.uid,
        apiVersion: 'v1',
        resourceVersion: pvc.metadata.resourceVersion,
      };
      const annotations = pv.spec.claimRef ? pv.metadata.annotations : { ...(pv.metadata.annotations ?? {}), [ANN_BOUND_BY_CONTROLLER]: 'yes' };
      volume = this.write(api.update({ ...pv, metadata: { ...pv.metadata, ...(annotations ? { annotations } : {}) }, spec: { ...pv.spec, claimRef } }));
    }
    this.setVolumePhase(volume, 'Bound');

    let claim = pvc;
    const claimAnnotations = { ...(pvc.metadata.annotations ?? {}) };
    let changed = false;
    if (claimAnnotations[ANN_BIND_COMPLETED] === undefined) {
      claimAnnotations[ANN_BIND_COMPLETED] = 'yes';
      changed = true;
    }
    if (!pvc.spec.volumeName && claimAnnotations[ANN_BOUND_BY_CONTROLLER] === undefined) {
      claimAnnotations[ANN_BOUND_BY_CONTROLLER] = 'yes';
      changed = true;
    }
    if (changed || pvc.spec.volumeName !== volume.metadata.name) {
      claim = this.write(api.update({ ...pvc, metadata: { ...pvc.metadata, annotations: claimAnnotations }, spec: { ...pvc.spec, volumeName: volume.metadata.name } }));
    }
    const status = claim.status ?? {};
    if (status.phase !== 'Bound' || JSON.stringify([status.accessModes, status.capacity]) !== JSON.stringify([volume.spec.accessModes, volume.spec.capacity])) {
      this.write(api.updateStatus({ ...claim, status: { ...status, phase: 'Bound', accessModes: volume.spec.accessModes, capacity: volume.spec.capacity } }));
    }
  }

  /** Dynamic provisioning: the controller hands the claim to the class's (simulated, external) provisioner. */
  private provision(pvc: PersistentVolumeClaim, className: string): void {
    const store = this.cluster.store;
    const sc: StorageClass | undefined = store.get('StorageClass', undefined, className);
    if (!sc) {
      this.event(pvc, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
      return;
    }
    const provisioner = sc.provisioner;
    let claim = pvc;
    if (pvc.metadata.annotations?.[ANN_STORAGE_PROVISIONER] !== provisioner) {
      claim = this.write(
        this.cluster.api.update({
          ...pvc,
          metadata: {
            ...pvc.metadata,
            annotations: { ...(pvc.metadata.annotations ?? {}), [ANN_BETA_STORAGE_PROVISIONER]: provisioner, [ANN_STORAGE_PROVISIONER]: provisioner },
          },
        }),
      );
    }
    this.event(
      claim,
      'Normal',
      'ExternalProvisioning',
      `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    );
    if (provisioner === NO_PROVISIONER) return;
    const name = `pvc-${pvc.metadata.uid}`;
    if (store.get('PersistentVolume', undefined, name)) return;
    const ns = pvc.metadata.namespace ?? 'default';
    this.event(claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${ns}/${pvc.metadata.name}"`, provisioner);
    const node = pvc.metadata.annotations?.[ANN_SELECTED_NODE];
    const spec: PersistentVolume['spec'] = {
      accessModes: pvc.spec.accessModes,
      capacity: { storage: pvc.spec.resources?.requests?.storage ?? '0' },
      claimRef: { kind: 'PersistentVolumeClaim', namespace: ns, name: pvc.metadata.name, uid: pvc.metadata.uid, apiVersion: 'v1', resourceVersion: claim.metadata.resourceVersion },
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: className,
      volumeMode: pvc.spec.volumeMode ?? 'Filesystem',
      ...provisionedSource(provisioner, pvc),
    };
    const mountOptions = (sc as StorageClass & { mountOptions?: string[] }).mountOptions;
    if (mountOptions) spec.mountOptions = mountOptions;
    if (node) {
      spec.nodeAffinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } };
    }
    this.cluster.api.create<PersistentVolume>({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name, annotations: { [ANN_PROVISIONED_BY]: provisioner } },
      spec,
    });
    this.event(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`, provisioner);
  }

  // ---------- volumes ----------

  private syncVolume(pv: PersistentVolume): void {
    const ref = pv.spec.claimRef;
    if (!ref) {
      this.setVolumePhase(pv, 'Available');
      return;
    }
    const claim = ref.name ? this.cluster.store.get('PersistentVolumeClaim', ref.namespace ?? 'default', ref.name) : undefined;
    if (!ref.uid) {
      // Pre-bound by a user to a claim name: available to that claim only; the claim's sync binds it.
      if (pv.status?.phase !== 'Bound') this.setVolumePhase(pv, 'Available');
      return;
    }
    if (claim && claim.metadata.uid === ref.uid) {
      if (claim.spec.volumeName === pv.metadata.name) this.setVolumePhase(pv, 'Bound');
      else if (claim.spec.volumeName && pv.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER] !== undefined) this.unbind(pv);
      return;
    }
    // The claim is gone: release the volume and reclaim it.
    if (pv.status?.phase === 'Failed') return;
    const released = pv.status?.phase === 'Released' ? pv : this.setVolumePhase(pv, 'Released');
    this.reclaim(released);
  }

  private unbind(pv: PersistentVolume): void {
    const annotations = { ...(pv.metadata.annotations ?? {}) };
    delete annotations[ANN_BOUND_BY_CONTROLLER];
    const spec = { ...pv.spec };
    delete spec.claimRef;
    const updated = this.write(this.cluster.api.update({ ...pv, metadata: { ...pv.metadata, annotations }, spec }));
    this.setVolumePhase(updated, 'Available');
  }

  private reclaim(pv: PersistentVolume): void {
    switch (pv.spec.persistentVolumeReclaimPolicy ?? 'Retain') {
      case 'Retain':
        return;
      case 'Recycle': {
        const spec = { ...pv.spec };
        delete spec.claimRef;
        const updated = this.write(this.cluster.api.update({ ...pv, spec }));
        this.setVolumePhase(updated, 'Available');
        this.event(pv, 'Normal', 'VolumeRecycled', 'Volume recycled');
        return;
      }
      case 'Delete': {
        const failure = this.deleteFailure(pv);
        if (failure) {
          this.setVolumePhase(pv, 'Failed', failure);
          this.event(pv, 'Warning', 'VolumeFailedDelete', failure);
          return;
        }
        this.cluster.api.delete('PersistentVolume', undefined, pv.metadata.name!);
        return;
      }
    }
  }

  /** Why a Delete-policy volume cannot be deleted: only provisioned volumes and hostPath volumes under /tmp can. */
  private deleteFailure(pv: PersistentVolume): string | undefined {
    if (pv.metadata.annotations?.[ANN_PROVISIONED_BY] !== undefined) return undefined;
    if (pv.spec.hostPath) {
      const path = pv.spec.hostPath.path;
      return /^\/tmp\/.+/.test(path) ? undefined : `host_path deleter only supports /tmp/.+ but received provided ${path}`;
    }
    return `error getting deleter volume plugin for volume "${pv.metadata.name}": no deletable volume plugin matched`;
  }

  // ---------- helpers ----------

  private setVolumePhase(pv: PersistentVolume, phase: VolumePhase, message?: string): PersistentVolume {
    const status = pv.status ?? {};
    if (status.phase === phase && status.message === message) return pv;
    const next: NonNullable<PersistentVolume['status']> = { phase, lastPhaseTransitionTime: this.cluster.clock.nowRfc3339() };
    if (message) next.message = message;
    return this.write(this.cluster.api.updateStatus({ ...pv, status: next }));
  }

  private setClaimPhase(pvc: PersistentVolumeClaim, phase: ClaimPhase): PersistentVolumeClaim {
    if (pvc.status?.phase === phase) return pvc;
    return this.write(this.cluster.api.updateStatus({ ...pvc, status: { ...(pvc.status ?? {}), phase } }));
  }

  private write<T extends PersistentVolume | PersistentVolumeClaim>(o: T): T {
    if (o.metadata.resourceVersion) this.ownWrites.add(o.metadata.resourceVersion);
    return o;
  }

  private event(o: PersistentVolume | PersistentVolumeClaim, type: 'Normal' | 'Warning', reason: string, message: string, component = PV_CONTROLLER_COMPONENT): void {
    this.cluster.events.record(o, type, reason, message, { component });
  }

  private volumesClaimedBy(pvc: PersistentVolumeClaim): PersistentVolume[] {
    return this.cluster.store.list('PersistentVolume').filter((pv) => isVolumeBoundToClaim(pv, pvc) || pv.metadata.name === pvc.spec.volumeName);
  }

  /** Names of pods that use the claim and are not scheduled yet. */
  private unscheduledPodsUsing(pvc: PersistentVolumeClaim): string[] {
    return this.cluster.store
      .list('Pod', pvc.metadata.namespace ?? 'default')
      .filter((p) => !p.spec.nodeName && (p.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === pvc.metadata.name))
      .map((p) => p.metadata.name!);
  }

  private queuePendingClaims(): void {
    for (const pvc of this.cluster.store.list('PersistentVolumeClaim')) {
      if (!pvc.spec.volumeName || pvc.status?.phase !== 'Bound') this.queue.add(CLAIM + objectKey(pvc.metadata.namespace, pvc.metadata.name!));
    }
  }

  /** The periodic claim resync, armed while claims are unbound. Nothing changes by it alone: it runs in the background. */
  private ensureResync(): void {
    if (this.resyncTimer && !this.resyncTimer.cancelled) return;
    this.resyncTimer = this.cluster.clock.after(
      CLAIM_RESYNC_MS,
      () => {
        this.resyncTimer = undefined;
        this.queuePendingClaims();
      },
      { background: true },
    );
  }
}

/** Installs the PV/PVC binder once; later calls return the installed one. */
export function installPersistentVolumeBinder(cluster: Cluster): PersistentVolumeBinder {
  const existing = cluster.controller<PersistentVolumeBinder>(PV_BINDER_NAME);
  if (existing) return existing;
  const binder = new PersistentVolumeBinder(cluster);
  cluster.addController(binder);
  cluster.settle();
  return binder;
}
