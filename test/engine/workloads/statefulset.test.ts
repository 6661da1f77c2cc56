import { describe, expect, it } from 'vitest';
import type { ControllerRevision, Event, PersistentVolumeClaim, Pod, StatefulSet } from '../../../src/engine/api/types.js';
import { createCluster, type Cluster } from '../../../src/engine/cluster.js';
import { installStatefulSetController } from '../../../src/engine/controllers/statefulSet.js';
import { PodDriver } from './podDriver-workloads.js';

const START = Date.UTC(2025, 0, 1);

function web(overrides: Partial<StatefulSet['spec']> = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'nginx' } },
      serviceName: 'nginx',
      replicas: 3,
      minReadySeconds: 10,
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: {
          terminationGracePeriodSeconds: 10,
          containers: [{
            name: 'nginx',
            image: 'registry.k8s.io/nginx-slim:0.24',
            ports: [{ containerPort: 80, name: 'web' }],
            volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }],
          }],
        },
      },
      volumeClaimTemplates: [{
        metadata: { name: 'www' },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'my-storage-class', resources: { requests: { storage: '1Gi' } } },
      }],
      ...overrides,
    },
  };
}

function setup(seed = 1): { c: Cluster; driver: PodDriver } {
  const c = createCluster({ seed });
  c.ensureDefaultNodes();
  installStatefulSetController(c);
  return { c, driver: new PodDriver(c) };
}

const events = (c: Cluster, reason?: string): string[] =>
  c.list('Event')
    .filter((e: Event) => e.involvedObject.kind === 'StatefulSet' && (!reason || e.reason === reason))
    .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
    .map((e) => e.message!);

const podNames = (c: Cluster): string[] => c.list('Pod').map((p) => p.metadata.name!).sort();
const seconds = (c: Cluster): number => (c.clock.now() - START) / 1000;

describe('StatefulSet: the seed example', () => {
  it('creates web-0, web-1, web-2 in order, each after the previous is Ready and available for minReadySeconds', () => {
    const { c, driver } = setup();
    driver.auto({ outcome: () => ({ action: 'ready', afterMs: 1000 }) });
    const created: [string, number][] = [];
    c.watch({ kinds: ['Pod'] }, (e) => {
      if (e.type === 'ADDED') created.push([e.object.metadata.name!, seconds(c)]);
    });
    c.create(web());
    expect(podNames(c)).toEqual(['web-0']);
    c.advance(60_000);
    // web-0 is Ready at 1 s and available once 10 s have passed since then (Ready times are whole seconds).
    expect(created).toEqual([['web-0', 0], ['web-1', 11.001], ['web-2', 22.001]]);
    expect(events(c, 'SuccessfulCreate')).toEqual([
      'create Claim www-web-0 Pod web-0 in StatefulSet web success',
      'create Pod web-0 in StatefulSet web successful',
      'create Claim www-web-1 Pod web-1 in StatefulSet web success',
      'create Pod web-1 in StatefulSet web successful',
      'create Claim www-web-2 Pod web-2 in StatefulSet web success',
      'create Pod web-2 in StatefulSet web successful',
    ]);
    const sts = c.get('StatefulSet', 'default', 'web')!;
    expect(sts.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, currentReplicas: 3, updatedReplicas: 3, observedGeneration: 1 });
    expect(sts.status!.currentRevision).toBe(sts.status!.updateRevision);
    expect(sts.status!.currentRevision).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
  });

  it('gives each pod its stable identity, labels, volume and owner', () => {
    const { c } = setup();
    c.create(web({ replicas: 1 }));
    const pod = c.get('Pod', 'default', 'web-0')!;
    const sts = c.get('StatefulSet', 'default', 'web')!;
    expect(pod.spec.hostname).toBe('web-0');
    expect(pod.spec.subdomain).toBe('nginx');
    expect(pod.metadata.labels).toEqual({
      app: 'nginx',
      'statefulset.kubernetes.io/pod-name': 'web-0',
      'apps.kubernetes.io/pod-index': '0',
      'controller-revision-hash': sts.status!.updateRevision,
    });
    expect(pod.spec.volumes).toEqual([{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } }]);
    expect(pod.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: sts.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    const claim = c.get('PersistentVolumeClaim', 'default', 'www-web-0')!;
    expect(claim.metadata.labels).toEqual({ app: 'nginx' });
    expect(claim.metadata.ownerReferences).toBeUndefined(); // Retain/Retain
    expect(claim.spec).toMatchObject({ storageClassName: 'my-storage-class', resources: { requests: { storage: '1Gi' } } });
  });

  it('numbers pods from spec.ordinals.start', () => {
    const { c, driver } = setup();
    driver.auto();
    c.create(web({ ordinals: { start: 5 }, minReadySeconds: 0 }));
    c.advance(10_000);
    expect(podNames(c)).toEqual(['web-5', 'web-6', 'web-7']);
    expect(c.get('Pod', 'default', 'web-6')!.metadata.labels!['apps.kubernetes.io/pod-index']).toBe('6');
  });

  it('records a ControllerRevision named after the real revision hash of the template', () => {
    const { c } = setup();
    c.create(web({ replicas: 0 }));
    const revisions = c.list('ControllerRevision');
    expect(revisions).toHaveLength(1);
    const r = revisions[0]!;
    expect(r.revision).toBe(1);
    expect(r.metadata.labels).toEqual({ app: 'nginx', 'controller.kubernetes.io/hash': r.metadata.name!.slice(4) });
    expect((r.data as { spec: { template: Record<string, unknown> } }).spec.template.$patch).toBe('replace');
  });
});

describe('StatefulSet: scaling', () => {
  it('scales 3 -> 0 removing web-2, web-1, web-0 in that order, each after the previous is gone', () => {
    const { c, driver } = setup();
    driver.auto({ outcome: () => ({ action: 'ready', afterMs: 1000 }), terminateAfterMs: () => 5000 });
    c.create(web({ minReadySeconds: 0 }));
    c.advance(30_000);
    expect(podNames(c)).toEqual(['web-0', 'web-1', 'web-2']);
    const gone: [string, number][] = [];
    c.watch({ kinds: ['Pod'] }, (e) => {
      if (e.type === 'DELETED') gone.push([e.object.metadata.name!, seconds(c)]);
    });
    const t0 = seconds(c);
    const sts = c.get('StatefulSet', 'default', 'web')!;
    c.update({ ...sts, spec: { ...sts.spec, replicas: 0 } });
    expect(c.get('Pod', 'default', 'web-2')!.metadata.deletionTimestamp).toBeDefined();
    expect(c.get('Pod', 'default', 'web-1')!.metadata.deletionTimestamp).toBeUndefined();
    c.advance(30_000);
    expect(gone).toEqual([['web-2', t0 + 5], ['web-1', t0 + 10], ['web-0', t0 + 15]]);
    expect(events(c, 'SuccessfulDelete')).toEqual([
      'delete Pod web-2 in StatefulSet web successful',
      'delete Pod web-1 in StatefulSet web successful',
      'delete Pod web-0 in StatefulSet web successful',
    ]);
    // Retain: the claims stay, and come back into use on scale-up.
    expect(c.list('PersistentVolumeClaim').map((p) => p.metadata.name)).toEqual(['www-web-0', 'www-web-1', 'www-web-2']);
    expect(c.get('StatefulSet', 'default', 'web')!.status).toMatchObject({ replicas: 0, availableReplicas: 0 });
  });

  it('does not scale down while a remaining replica is unhealthy (OrderedReady)', () => {
    const { c, driver } = setup();
    driver.auto({ outcome: () => ({ action: 'ready', afterMs: 1000 }) });
    c.create(web({ minReadySeconds: 0 }));
    c.advance(10_000);
    driver.unready(c.get('Pod', 'default', 'web-0')!);
    const sts = c.get('StatefulSet', 'default', 'web')!;
    c.update({ ...sts, spec: { ...sts.spec, replicas: 1 } });
    expect(podNames(c)).toEqual(['web-0', 'web-1', 'web-2']);
    driver.ready(c.get('Pod', 'default', 'web-0')!);
    expect(podNames(c)).toEqual(['web-0']);
  });

  it('Parallel creates and deletes every pod at once', () => {
    const { c } = setup();
    c.create(web({ podManagementPolicy: 'Parallel' }));
    expect(podNames(c)).toEqual(['web-0', 'web-1', 'web-2']);
    const sts = c.get('StatefulSet', 'default', 'web')!;
    c.update({ ...sts, spec: { ...sts.spec, replicas: 0 } });
    expect(podNames(c)).toEqual([]);
  });

  it('recreates a deleted pod with the same name and claim', () => {
    const { c, driver } = setup();
    driver.auto();
    c.create(web({ minReadySeconds: 0 }));
    c.advance(10_000);
    const before = c.get('Pod', 'default', 'web-1')!;
    c.delete('Pod', 'default', 'web-1');
    const after = c.get('Pod', 'default', 'web-1')!;
    expect(after.metadata.uid).not.toBe(before.metadata.uid);
    expect(after.spec.volumes).toEqual(before.spec.volumes);
    expect(c.list('PersistentVolumeClaim')).toHaveLength(3);
  });

  it('recreates failed pods with a RecreatingFailedPod warning', () => {
    const { c, driver } = setup();
    driver.auto();
    c.create(web({ replicas: 1, minReadySeconds: 0 }));
    c.advance(5_000);
    driver.finish(c.get('Pod', 'default', 'web-0')!, 137);
    expect(events(c, 'RecreatingFailedPod')).toEqual(['StatefulSet default/web is recreating failed Pod web-0']);
    expect(c.get('Pod', 'default', 'web-0')!.status?.phase).toBe('Pending');
  });
});

describe('StatefulSet: claim retention', () => {
  it('whenScaled Delete removes the claims of scaled-away pods; whenDeleted Delete removes them with the set', () => {
    const { c } = setup();
    c.create(web({ podManagementPolicy: 'Parallel', persistentVolumeClaimRetentionPolicy: { whenScaled: 'Delete', whenDeleted: 'Delete' } }));
    const claim0 = c.get('PersistentVolumeClaim', 'default', 'www-web-0')!;
    expect(claim0.metadata.ownerReferences?.map((r) => r.kind)).toEqual(['StatefulSet']);
    const sts = c.get('StatefulSet', 'default', 'web')!;
    c.update({ ...sts, spec: { ...sts.spec, replicas: 1 } });
    expect(c.list('PersistentVolumeClaim').map((p: PersistentVolumeClaim) => p.metadata.name)).toEqual(['www-web-0']);
    c.delete('StatefulSet', 'default', 'web');
    expect(c.list('PersistentVolumeClaim')).toEqual([]);
  });
});

describe('StatefulSet: updates', () => {
  function rolled(c: Cluster, driver: PodDriver, spec: Partial<StatefulSet['spec']> = {}) {
    driver.auto({ outcome: () => ({ action: 'ready', afterMs: 1000 }) });
    c.create(web({ minReadySeconds: 0, ...spec }));
    c.advance(10_000);
    const sts = c.get('StatefulSet', 'default', 'web')!;
    const template = structuredClone(sts.spec.template);
    template.spec.containers[0]!.image = 'registry.k8s.io/nginx-slim:0.27';
    c.update({ ...sts, spec: { ...sts.spec, template } });
    return c.get('StatefulSet', 'default', 'web')!;
  }

  const images = (c: Cluster) => c.list('Pod').map((p: Pod) => `${p.metadata.name}:${p.spec.containers[0]!.image!.split(':')[1]}`).sort();

  it('RollingUpdate replaces pods from the highest ordinal down, waiting for each to be Ready', () => {
    const { c, driver } = setup();
    const sts = rolled(c, driver);
    expect(sts.status!.updateRevision).not.toBe(sts.status!.currentRevision);
    expect(images(c)).toEqual(['web-0:0.24', 'web-1:0.24', 'web-2:0.27']);
    c.advance(1000);
    expect(images(c)).toEqual(['web-0:0.24', 'web-1:0.27', 'web-2:0.27']);
    c.advance(1000);
    expect(images(c)).toEqual(['web-0:0.27', 'web-1:0.27', 'web-2:0.27']);
    c.advance(1000);
    const done = c.get('StatefulSet', 'default', 'web')!;
    expect(done.status!.currentRevision).toBe(done.status!.updateRevision);
    expect(done.status).toMatchObject({ currentReplicas: 3, updatedReplicas: 3, readyReplicas: 3 });
    expect(c.list('ControllerRevision').map((r: ControllerRevision) => r.revision)).toEqual(expect.arrayContaining([1, 2]));
  });

  it('stops at the partition: ordinals below it stay at the current revision', () => {
    const { c, driver } = setup();
    rolled(c, driver, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } });
    c.advance(10_000);
    expect(images(c)).toEqual(['web-0:0.24', 'web-1:0.24', 'web-2:0.27']);
    // A deleted pod below the partition comes back at the current revision.
    c.delete('Pod', 'default', 'web-0');
    expect(images(c)).toContain('web-0:0.24');
    const sts = c.get('StatefulSet', 'default', 'web')!;
    expect(sts.status).toMatchObject({ updatedReplicas: 1 });
  });

  it('OnDelete replaces a pod only when it is deleted', () => {
    const { c, driver } = setup();
    rolled(c, driver, { updateStrategy: { type: 'OnDelete' } });
    c.advance(10_000);
    expect(images(c)).toEqual(['web-0:0.24', 'web-1:0.24', 'web-2:0.24']);
    c.delete('Pod', 'default', 'web-1');
    expect(images(c)).toEqual(['web-0:0.24', 'web-1:0.27', 'web-2:0.24']);
  });

  it('rolling back to an earlier template reuses its revision with a new number', () => {
    const { c, driver } = setup();
    const first = c;
    const sts = rolled(first, driver);
    c.advance(10_000);
    const original = c.list('ControllerRevision').find((r) => r.revision === 1)!;
    const template = structuredClone(sts.spec.template);
    template.spec.containers[0]!.image = 'registry.k8s.io/nginx-slim:0.24';
    const live = c.get('StatefulSet', 'default', 'web')!;
    c.update({ ...live, spec: { ...live.spec, template } });
    const revisions = c.list('ControllerRevision').map((r) => [r.metadata.name, r.revision]);
    expect(revisions).toContainEqual([original.metadata.name, 3]);
    expect(c.get('StatefulSet', 'default', 'web')!.status!.updateRevision).toBe(original.metadata.name);
  });

  it('keeps at most revisionHistoryLimit unused revisions', () => {
    const { c } = setup();
    c.create(web({ replicas: 0, revisionHistoryLimit: 2 }));
    for (const tag of ['1', '2', '3', '4', '5']) {
      const live = c.get('StatefulSet', 'default', 'web')!;
      const template = structuredClone(live.spec.template);
      template.spec.containers[0]!.image = `nginx:${tag}`;
      c.update({ ...live, spec: { ...live.spec, template } });
    }
    expect(c.list('ControllerRevision').map((r) => r.revision).sort()).toEqual([4, 5, 6]);
  });
});
