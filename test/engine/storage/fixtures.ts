/** Builders for storage tests: a default cluster with the scheduler and the PV binder, volumes, claims, classes. */
import type { AccessMode, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../../../src/engine/api/types.js';
import { createCluster, type Cluster } from '../../../src/engine/cluster.js';
import { installPersistentVolumeBinder } from '../../../src/engine/controllers/persistentVolumeBinder.js';
import { installScheduler } from '../../../src/engine/scheduler/index.js';

export function storageCluster(seed = 1): Cluster {
  const cluster = createCluster({ seed });
  cluster.ensureDefaultNodes();
  installScheduler(cluster);
  installPersistentVolumeBinder(cluster);
  return cluster;
}

export function pv(
  name: string,
  size: string,
  o: { className?: string; modes?: AccessMode[]; reclaim?: 'Retain' | 'Delete' | 'Recycle'; path?: string; node?: string; labels?: Record<string, string> } = {},
): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, ...(o.labels ? { labels: o.labels } : {}) },
    spec: {
      capacity: { storage: size },
      accessModes: o.modes ?? ['ReadWriteOnce'],
      ...(o.className !== undefined ? { storageClassName: o.className } : {}),
      ...(o.reclaim ? { persistentVolumeReclaimPolicy: o.reclaim } : {}),
      ...(o.node
        ? {
            local: { path: o.path ?? `/mnt/disks/${name}` },
            nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [o.node] }] }] } },
          }
        : { hostPath: { path: o.path ?? `/mnt/data/${name}` } }),
    },
  };
}

export function pvc(name: string, size: string, o: { className?: string; modes?: AccessMode[]; namespace?: string } = {}): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, ...(o.namespace ? { namespace: o.namespace } : {}) },
    spec: {
      accessModes: o.modes ?? ['ReadWriteOnce'],
      resources: { requests: { storage: size } },
      ...(o.className !== undefined ? { storageClassName: o.className } : {}),
    },
  };
}

export function storageClass(
  name: string,
  o: { provisioner?: string; mode?: 'Immediate' | 'WaitForFirstConsumer'; isDefault?: boolean; reclaim?: 'Retain' | 'Delete' } = {},
): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, ...(o.isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
    provisioner: o.provisioner ?? 'example.com/csi',
    ...(o.mode ? { volumeBindingMode: o.mode } : {}),
    ...(o.reclaim ? { reclaimPolicy: o.reclaim } : {}),
  };
}

export function podWithClaim(name: string, claim: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      containers: [{ name: 'app', image: 'nginx', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }],
    },
  };
}

export function claimEvents(cluster: Cluster, name: string) {
  return cluster
    .list('Event', { namespace: 'default' })
    .filter((e) => e.involvedObject.name === name)
    .map((e) => ({ type: e.type, reason: e.reason, message: e.message, source: e.source?.component }));
}
