import { describe, expect, it } from 'vitest';
import { claimEvents, pv, pvc, podWithClaim, storageClass, storageCluster } from './fixtures.js';

const TAINT = '1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';

describe('static binding', () => {
  it('binds a claim to the smallest volume that fits, both ways, with the phases kubectl shows', () => {
    const c = storageCluster();
    c.create(pv('big', '10Gi', { className: 'manual' }));
    c.create(pv('small', '1Gi', { className: 'manual' }));
    c.create(pv('medium', '2Gi', { className: 'manual' }));
    expect(c.list('PersistentVolume').map((v) => v.status?.phase)).toEqual(['Available', 'Available', 'Available']);

    const claim = c.create(pvc('data', '1500Mi', { className: 'manual' }));
    const bound = c.get('PersistentVolumeClaim', 'default', 'data')!;
    expect(bound.spec.volumeName).toBe('medium');
    expect(bound.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' } });
    expect(bound.metadata.annotations).toEqual({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' });
    const volume = c.get('PersistentVolume', undefined, 'medium')!;
    expect(volume.status?.phase).toBe('Bound');
    expect(volume.spec.claimRef).toMatchObject({ kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid: claim.metadata.uid, apiVersion: 'v1' });
    expect(volume.metadata.annotations?.['pv.kubernetes.io/bound-by-controller']).toBe('yes');
    expect(c.get('PersistentVolume', undefined, 'small')!.status?.phase).toBe('Available');
  });

  it('requires the class, every access mode and the volume mode to match', () => {
    const c = storageCluster();
    c.create(pv('rwo', '5Gi', { className: 'manual' }));
    c.create(pv('other-class', '5Gi', { className: 'slow', modes: ['ReadWriteMany'] }));
    c.create(pvc('shared', '1Gi', { className: 'manual', modes: ['ReadWriteMany'] }));
    expect(c.get('PersistentVolumeClaim', 'default', 'shared')!.status?.phase).toBe('Pending');
    expect(claimEvents(c, 'shared')).toEqual([
      { type: 'Warning', reason: 'ProvisioningFailed', message: 'storageclass.storage.k8s.io "manual" not found', source: 'persistentvolume-controller' },
    ]);
  });

  it('a claim without a class and no default class waits with FailedBinding', () => {
    const c = storageCluster();
    c.create(pvc('orphan', '1Gi', { className: '' }));
    expect(c.get('PersistentVolumeClaim', 'default', 'orphan')!.status?.phase).toBe('Pending');
    expect(claimEvents(c, 'orphan')).toEqual([
      { type: 'Normal', reason: 'FailedBinding', message: 'no persistent volumes available for this claim and no storage class is set', source: 'persistentvolume-controller' },
    ]);
    // A matching volume appears: the claim binds.
    c.create(pv('late', '1Gi', { className: '' }));
    expect(c.get('PersistentVolumeClaim', 'default', 'orphan')!.spec.volumeName).toBe('late');
  });

  it("gives each of the StatefulSet example's claims its own hostPath volume", () => {
    const c = storageCluster();
    for (let i = 0; i < 3; i++) c.create(pv(`web-pv-${i}`, '1Gi', { className: 'my-storage-class', reclaim: 'Retain', path: `/mnt/data/web-${i}` }));
    for (let i = 0; i < 3; i++) c.create(pvc(`www-web-${i}`, '1Gi', { className: 'my-storage-class' }));
    expect(c.list('PersistentVolumeClaim').map((p) => [p.metadata.name, p.status?.phase, p.spec.volumeName])).toEqual([
      ['www-web-0', 'Bound', 'web-pv-0'],
      ['www-web-1', 'Bound', 'web-pv-1'],
      ['www-web-2', 'Bound', 'web-pv-2'],
    ]);
    expect(c.list('PersistentVolume').map((v) => [v.metadata.name, v.status?.phase, v.spec.claimRef?.name])).toEqual([
      ['web-pv-0', 'Bound', 'www-web-0'],
      ['web-pv-1', 'Bound', 'www-web-1'],
      ['web-pv-2', 'Bound', 'www-web-2'],
    ]);
  });

  it('a claim may ask for a volume by name', () => {
    const c = storageCluster();
    c.create(pv('a', '1Gi', { className: 'manual' }));
    c.create(pv('b', '1Gi', { className: 'manual' }));
    const claim = pvc('wants-b', '1Gi', { className: 'manual' });
    c.create({ ...claim, spec: { ...claim.spec, volumeName: 'b' } });
    expect(c.get('PersistentVolume', undefined, 'b')!.spec.claimRef?.name).toBe('wants-b');
    expect(c.get('PersistentVolumeClaim', 'default', 'wants-b')!.status?.phase).toBe('Bound');
    expect(c.get('PersistentVolume', undefined, 'a')!.status?.phase).toBe('Available');
  });
});

describe('reclaim', () => {
  it('Retain: the volume goes Released and keeps its claimRef', () => {
    const c = storageCluster();
    c.create(pv('keep', '1Gi', { className: 'manual', reclaim: 'Retain' }));
    c.create(pvc('data', '1Gi', { className: 'manual' }));
    c.delete('PersistentVolumeClaim', 'default', 'data');
    const v = c.get('PersistentVolume', undefined, 'keep')!;
    expect(v.status?.phase).toBe('Released');
    expect(v.spec.claimRef?.name).toBe('data');
    // A new claim of the same name does not get the released volume back.
    c.create(pvc('data', '1Gi', { className: 'manual' }));
    expect(c.get('PersistentVolumeClaim', 'default', 'data')!.status?.phase).toBe('Pending');
  });

  it('Delete on a hand-made hostPath volume outside /tmp fails as the hostPath deleter does', () => {
    const c = storageCluster();
    c.create(pv('hp', '1Gi', { className: 'manual', reclaim: 'Delete', path: '/mnt/data/hp' }));
    c.create(pvc('data', '1Gi', { className: 'manual' }));
    c.delete('PersistentVolumeClaim', 'default', 'data');
    const v = c.get('PersistentVolume', undefined, 'hp')!;
    expect(v.status).toMatchObject({ phase: 'Failed', message: 'host_path deleter only supports /tmp/.+ but received provided /mnt/data/hp' });
    expect(claimEvents(c, 'hp')).toContainEqual({
      type: 'Warning', reason: 'VolumeFailedDelete', message: 'host_path deleter only supports /tmp/.+ but received provided /mnt/data/hp', source: 'persistentvolume-controller',
    });
  });

  it('Delete on a provisioned volume removes it with the claim', () => {
    const c = storageCluster();
    c.create(storageClass('standard', { isDefault: true }));
    const claim = c.create(pvc('data', '1Gi'));
    expect(c.get('PersistentVolume', undefined, `pvc-${claim.metadata.uid}`)).toBeDefined();
    c.delete('PersistentVolumeClaim', 'default', 'data');
    expect(c.list('PersistentVolume')).toEqual([]);
  });

  it('a bound claim whose volume is deleted is Lost', () => {
    const c = storageCluster();
    c.create(pv('v', '1Gi', { className: 'manual' }));
    c.create(pvc('data', '1Gi', { className: 'manual' }));
    c.delete('PersistentVolume', undefined, 'v');
    expect(c.get('PersistentVolumeClaim', 'default', 'data')!.status?.phase).toBe('Lost');
    expect(claimEvents(c, 'data')).toContainEqual({
      type: 'Warning', reason: 'ClaimLost', message: 'Bound claim has lost its PersistentVolume. Data on the volume is lost!', source: 'persistentvolume-controller',
    });
  });
});

describe('dynamic provisioning', () => {
  it('Immediate: the default class is assigned and a pvc-<uid> volume provisioned and bound', () => {
    const c = storageCluster();
    c.create(storageClass('standard', { isDefault: true, provisioner: 'example.com/csi' }));
    const claim = c.create(pvc('data', '3Gi', { modes: ['ReadWriteOnce'] }));
    const bound = c.get('PersistentVolumeClaim', 'default', 'data')!;
    const name = `pvc-${claim.metadata.uid}`;
    expect(bound.spec.storageClassName).toBe('standard');
    expect(bound.spec.volumeName).toBe(name);
    expect(bound.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '3Gi' } });
    expect(bound.metadata.annotations).toMatchObject({
      'pv.kubernetes.io/bind-completed': 'yes',
      'pv.kubernetes.io/bound-by-controller': 'yes',
      'volume.kubernetes.io/storage-provisioner': 'example.com/csi',
      'volume.beta.kubernetes.io/storage-provisioner': 'example.com/csi',
    });
    const v = c.get('PersistentVolume', undefined, name)!;
    expect(v.spec).toMatchObject({
      capacity: { storage: '3Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'standard', volumeMode: 'Filesystem',
      claimRef: { name: 'data', namespace: 'default', uid: claim.metadata.uid },
    });
    expect(v.metadata.annotations).toEqual({ 'pv.kubernetes.io/provisioned-by': 'example.com/csi' });
    expect(v.status?.phase).toBe('Bound');
    expect(claimEvents(c, 'data')).toEqual([
      {
        type: 'Normal', reason: 'ExternalProvisioning', source: 'persistentvolume-controller',
        message: "Waiting for a volume to be created either by the external provisioner 'example.com/csi' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
      },
      { type: 'Normal', reason: 'Provisioning', message: 'External provisioner is provisioning volume for claim "default/data"', source: 'example.com/csi' },
      { type: 'Normal', reason: 'ProvisioningSucceeded', message: `Successfully provisioned volume ${name}`, source: 'example.com/csi' },
    ]);
  });

  it('a matching existing volume is preferred to provisioning', () => {
    const c = storageCluster();
    c.create(storageClass('standard', { isDefault: true }));
    c.create(pv('ready', '5Gi', { className: 'standard' }));
    c.create(pvc('data', '1Gi'));
    expect(c.get('PersistentVolumeClaim', 'default', 'data')!.spec.volumeName).toBe('ready');
  });

  it('WaitForFirstConsumer: nothing until a pod uses the claim; then the node is picked, the volume made there, the pod bound', () => {
    const c = storageCluster();
    c.create(storageClass('standard', { isDefault: true, provisioner: 'rancher.io/local-path', mode: 'WaitForFirstConsumer' }));
    const claim = c.create(pvc('data', '1Gi'));
    expect(c.get('PersistentVolumeClaim', 'default', 'data')!.status?.phase).toBe('Pending');
    expect(claimEvents(c, 'data')).toEqual([
      { type: 'Normal', reason: 'WaitForFirstConsumer', message: 'waiting for first consumer to be created before binding', source: 'persistentvolume-controller' },
    ]);
    expect(c.list('PersistentVolume')).toEqual([]);

    c.create(podWithClaim('app', 'data'));
    const pod = c.get('Pod', 'default', 'app')!;
    const node = pod.spec.nodeName!;
    expect(node).toMatch(/^kubedeck-worker/);
    const bound = c.get('PersistentVolumeClaim', 'default', 'data')!;
    expect(bound.metadata.annotations?.['volume.kubernetes.io/selected-node']).toBe(node);
    expect(bound.status?.phase).toBe('Bound');
    const v = c.get('PersistentVolume', undefined, `pvc-${claim.metadata.uid}`)!;
    expect(v.spec.hostPath?.path).toBe(`/var/local-path-provisioner/pvc-${claim.metadata.uid}_default_data`);
    expect(v.spec.nodeAffinity?.required?.nodeSelectorTerms[0]?.matchExpressions).toEqual([{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }]);
    expect(claimEvents(c, 'app').map((e) => e.reason)).toEqual(['Scheduled']);
  });

  it('WaitForFirstConsumer events count up with the 15 s resync and name a pending pod', () => {
    const c = storageCluster();
    c.create(storageClass('local', { provisioner: 'kubernetes.io/no-provisioner', mode: 'WaitForFirstConsumer' }));
    c.create(pvc('data', '1Gi', { className: 'local' }));
    c.advance(30_000);
    const ev = c.list('Event', { namespace: 'default' }).find((e) => e.reason === 'WaitForFirstConsumer')!;
    expect(ev.count).toBe(3);
    c.create(podWithClaim('app', 'data'));
    c.advance(15_000);
    expect(claimEvents(c, 'data').map((e) => e.message)).toContain('waiting for pod app to be scheduled');
  });
});

describe('the scheduler and volumes', () => {
  it('a pod whose claim is unbound stays Pending with the real message, and runs once the claim binds', () => {
    const c = storageCluster();
    c.create(pvc('data', '1Gi', { className: '' }));
    c.create(podWithClaim('app', 'data'));
    expect(c.get('Pod', 'default', 'app')!.spec.nodeName).toBeUndefined();
    expect(claimEvents(c, 'app')).toEqual([
      { type: 'Warning', reason: 'FailedScheduling', message: '0/4 nodes are available: pod has unbound immediate PersistentVolumeClaims.', source: 'default-scheduler' },
    ]);
    c.advance(5000);
    c.create(pv('v', '1Gi', { className: '' }));
    expect(c.get('PersistentVolumeClaim', 'default', 'data')!.status?.phase).toBe('Bound');
    // The volume's arrival woke the pod before the claim was bound: one more failure, then a 2 s backoff.
    c.advance(2000);
    expect(c.get('Pod', 'default', 'app')!.spec.nodeName).toMatch(/^kubedeck-worker/);
  });

  it('a missing claim is named', () => {
    const c = storageCluster();
    c.create(podWithClaim('app', 'nope'));
    expect(claimEvents(c, 'app')[0]?.message).toBe('0/4 nodes are available: persistentvolumeclaim "nope" not found.');
  });

  it('a bound local volume takes the pod to its node', () => {
    const c = storageCluster();
    c.create(pv('local', '1Gi', { className: 'manual', node: 'kubedeck-worker3' }));
    c.create(pvc('data', '1Gi', { className: 'manual' }));
    c.create(podWithClaim('app', 'data'));
    expect(c.get('Pod', 'default', 'app')!.spec.nodeName).toBe('kubedeck-worker3');
  });

  it('WaitForFirstConsumer with local volumes: the pod goes where a free volume is, then no further', () => {
    const c = storageCluster();
    c.create(storageClass('local', { provisioner: 'kubernetes.io/no-provisioner', mode: 'WaitForFirstConsumer' }));
    c.create(pv('disk2', '10Gi', { className: 'local', node: 'kubedeck-worker2' }));
    c.create(pvc('a', '1Gi', { className: 'local' }));
    c.create(pvc('b', '1Gi', { className: 'local' }));
    c.create(podWithClaim('pa', 'a'));
    expect(c.get('Pod', 'default', 'pa')!.spec.nodeName).toBe('kubedeck-worker2');
    expect(c.get('PersistentVolumeClaim', 'default', 'a')!.spec.volumeName).toBe('disk2');
    c.create(podWithClaim('pb', 'b'));
    expect(c.get('Pod', 'default', 'pb')!.spec.nodeName).toBeUndefined();
    expect(claimEvents(c, 'pb')[0]?.message).toBe(`0/4 nodes are available: ${TAINT}, 3 node(s) didn't find available persistent volumes to bind.`);
    c.advance(2000);
    c.create(pv('disk3', '10Gi', { className: 'local', node: 'kubedeck-worker3' }));
    c.advance(2000); // woken before the volume was Available: one more backoff
    expect(c.get('Pod', 'default', 'pb')!.spec.nodeName).toBe('kubedeck-worker3');
  });
});
