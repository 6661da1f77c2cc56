import { describe, expect, it } from 'vitest';
import { LAST_APPLIED, lastAppliedAnnotation, lastAppliedOf, threeWayMerge, withLastApplied } from '../../src/manifests/merge.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const deploy = (spec: Obj, metadata: Obj = {}): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', ...metadata },
  spec,
});

const podSpec = (containers: Obj[], extra: Obj = {}): Obj => ({
  replicas: 2,
  selector: { matchLabels: { app: 'web' } },
  template: { metadata: { labels: { app: 'web' } }, spec: { containers, ...extra } },
});

/** The live object after a `kubectl apply` of `file` onto `live` (what the API server stores, before defaulting). */
const liveOf = (file: Obj, server: Obj = {}): Obj => {
  const o = withLastApplied(file);
  return {
    ...o,
    ...server,
    metadata: { ...o.metadata, uid: 'u1', resourceVersion: '7', generation: 3, creationTimestamp: 't', ...(server.metadata ?? {}) },
  };
};

describe('threeWayMerge', () => {
  it('keeps a live scale when the file did not change replicas, and takes the image change', () => {
    const v1 = deploy(podSpec([{ name: 'web', image: 'nginx:1.25' }]));
    const live = liveOf(v1);
    live.spec.replicas = 5; // kubectl scale
    const v2 = deploy(podSpec([{ name: 'web', image: 'nginx:1.26' }]));
    const merged = threeWayMerge(lastAppliedOf(live), v2, live) as Obj;
    expect(merged.spec.replicas).toBe(5);
    expect(merged.spec.template.spec.containers).toEqual([{ name: 'web', image: 'nginx:1.26' }]);
  });

  it('any live change to a field the file did not change survives (kubectl itself would reset it)', () => {
    const v1 = deploy(podSpec([{ name: 'web', image: 'nginx:1' }]), { labels: { tier: 'web' } });
    const live = liveOf(v1);
    live.spec.template.spec.containers[0].image = 'nginx:hotfix';
    const v2 = deploy(podSpec([{ name: 'web', image: 'nginx:1' }]), { labels: { tier: 'frontend' } });
    const merged = threeWayMerge(lastAppliedOf(live), v2, live) as Obj;
    expect(merged.spec.template.spec.containers[0].image).toBe('nginx:hotfix');
    expect(merged.metadata.labels).toEqual({ tier: 'frontend' });
  });

  it('takes replicas from the file when the file changes them', () => {
    const live = liveOf(deploy(podSpec([{ name: 'web', image: 'nginx' }])));
    live.spec.replicas = 5;
    const v2 = deploy({ ...podSpec([{ name: 'web', image: 'nginx' }]), replicas: 3 });
    expect((threeWayMerge(lastAppliedOf(live), v2, live) as Obj).spec.replicas).toBe(3);
  });

  it('removes fields the file dropped, keeps fields only the server set', () => {
    const v1 = deploy({ ...podSpec([{ name: 'web', image: 'nginx' }]), minReadySeconds: 5, paused: false });
    const live = liveOf(v1);
    live.spec.revisionHistoryLimit = 10; // defaulted by the server
    const v2 = deploy(podSpec([{ name: 'web', image: 'nginx' }]));
    const merged = threeWayMerge(lastAppliedOf(live), v2, live) as Obj;
    expect(merged.spec.minReadySeconds).toBeUndefined();
    expect(merged.spec.paused).toBeUndefined();
    expect(merged.spec.revisionHistoryLimit).toBe(10);
  });

  it('removes a field set to null in the file', () => {
    const live = liveOf(deploy({ ...podSpec([{ name: 'web', image: 'nginx' }]), minReadySeconds: 5 }));
    const v2 = deploy({ ...podSpec([{ name: 'web', image: 'nginx' }]), minReadySeconds: null });
    expect('minReadySeconds' in (threeWayMerge(lastAppliedOf(live), v2, live) as Obj).spec).toBe(false);
  });

  it('merges containers by name, ports by containerPort, env by name, volumeMounts by mountPath', () => {
    const c1 = {
      name: 'web', image: 'nginx',
      ports: [{ containerPort: 80 }, { containerPort: 443 }],
      env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
      volumeMounts: [{ name: 'data', mountPath: '/data' }],
    };
    const live = liveOf(deploy(podSpec([c1, { name: 'side', image: 'busybox' }])));
    const liveWeb = live.spec.template.spec.containers[0];
    liveWeb.imagePullPolicy = 'IfNotPresent'; // server defaults inside list items
    liveWeb.ports = [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }];
    liveWeb.env.push({ name: 'INJECTED', value: 'x' }); // set by someone else, never in the file
    const c2 = {
      name: 'web', image: 'nginx',
      ports: [{ containerPort: 80, name: 'http' }],
      env: [{ name: 'B', value: '3' }],
      volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
    };
    const merged = threeWayMerge(lastAppliedOf(live), deploy(podSpec([c2])), live) as Obj;
    expect(merged.spec.template.spec.containers).toEqual([
      {
        name: 'web', image: 'nginx', imagePullPolicy: 'IfNotPresent',
        ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }],
        env: [{ name: 'B', value: '3' }, { name: 'INJECTED', value: 'x' }],
        volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
      },
    ]);
  });

  it('replaces args, command and tolerations whole', () => {
    const v1 = deploy(podSpec([{ name: 'web', image: 'x', args: ['a', 'b'], command: ['run'] }], { tolerations: [{ key: 'a', operator: 'Exists' }] }));
    const live = liveOf(v1);
    live.spec.template.spec.tolerations[0].effect = 'NoSchedule';
    const v2 = deploy(podSpec([{ name: 'web', image: 'x', args: ['c'], command: ['go'] }], { tolerations: [{ key: 'b', operator: 'Exists' }] }));
    const merged = threeWayMerge(lastAppliedOf(live), v2, live) as Obj;
    expect(merged.spec.template.spec.containers[0].args).toEqual(['c']);
    expect(merged.spec.template.spec.containers[0].command).toEqual(['go']);
    expect(merged.spec.template.spec.tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
  });

  it('merges volumes by name and drops the old volume source (retainKeys)', () => {
    const v1 = deploy(podSpec([{ name: 'web', image: 'x' }], { volumes: [{ name: 'v', emptyDir: {} }, { name: 'w', emptyDir: {} }] }));
    const live = liveOf(v1);
    const v2 = deploy(podSpec([{ name: 'web', image: 'x' }], { volumes: [{ name: 'v', configMap: { name: 'cfg' } }] }));
    const merged = threeWayMerge(lastAppliedOf(live), v2, live) as Obj;
    expect(merged.spec.template.spec.volumes).toEqual([{ name: 'v', configMap: { name: 'cfg' } }]);
  });

  it('switching to Recreate drops the defaulted rollingUpdate (retainKeys), but an unchanged strategy keeps it', () => {
    const v1 = deploy({ ...podSpec([{ name: 'web', image: 'x' }]), strategy: { type: 'RollingUpdate' } });
    const live = liveOf(v1);
    live.spec.strategy.rollingUpdate = { maxSurge: '25%', maxUnavailable: '25%' };
    expect((threeWayMerge(lastAppliedOf(live), v1, live) as Obj).spec.strategy).toEqual(live.spec.strategy);
    const v2 = deploy({ ...podSpec([{ name: 'web', image: 'x' }]), strategy: { type: 'Recreate' } });
    expect((threeWayMerge(lastAppliedOf(live), v2, live) as Obj).spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('merges service ports by port and keeps the allocated clusterIP', () => {
    const svc = (ports: Obj[]): Obj => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { selector: { app: 'web' }, ports } });
    const live = liveOf(svc([{ port: 80, targetPort: 8080 }]));
    live.spec.clusterIP = '10.96.0.12';
    live.spec.ports = [{ port: 80, targetPort: 8080, protocol: 'TCP' }];
    const merged = threeWayMerge(lastAppliedOf(live), svc([{ port: 80, targetPort: 9090 }, { port: 443 }]), live) as Obj;
    expect(merged.spec).toEqual({ selector: { app: 'web' }, clusterIP: '10.96.0.12', ports: [{ port: 80, targetPort: 9090, protocol: 'TCP' }, { port: 443 }] });
  });

  it('leaves status and server-set metadata alone; keeps finalizers and ownerReferences not in the file', () => {
    const v1 = deploy(podSpec([{ name: 'web', image: 'x' }]), { labels: { a: '1' } });
    const live = liveOf(v1, { status: { replicas: 2, readyReplicas: 1 } });
    live.metadata.finalizers = ['example.com/protect'];
    live.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'ou' }];
    const v2 = deploy(podSpec([{ name: 'web', image: 'x' }]), { labels: { b: '2' }, uid: 'forged', resourceVersion: '1' });
    const v2WithStatus = { ...v2, status: { replicas: 99 } };
    const merged = threeWayMerge(lastAppliedOf(live), v2WithStatus, live) as Obj;
    expect(merged.status).toEqual({ replicas: 2, readyReplicas: 1 });
    expect(merged.metadata).toMatchObject({ uid: 'u1', resourceVersion: '7', generation: 3, creationTimestamp: 't', labels: { b: '2' } });
    expect(merged.metadata.finalizers).toEqual(['example.com/protect']);
    expect(merged.metadata.ownerReferences).toHaveLength(1);
  });

  it('writes the annotation as kubectl does: sorted JSON of the file, without itself, with a newline', () => {
    const file = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c', namespace: 'default', annotations: { note: '<b>' } }, data: { z: '1', a: '2' } };
    expect(lastAppliedAnnotation(file)).toBe(
      '{"apiVersion":"v1","data":{"a":"2","z":"1"},"kind":"ConfigMap","metadata":{"annotations":{"note":"\\u003cb\\u003e"},"name":"c","namespace":"default"}}\n',
    );
    const bare = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    expect(lastAppliedAnnotation(bare)).toBe('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"annotations":{},"name":"c"}}\n');
    const live = liveOf(bare);
    const merged = threeWayMerge(lastAppliedOf(live), file, live) as Obj;
    expect(merged.metadata.annotations[LAST_APPLIED]).toBe(lastAppliedAnnotation(file));
    expect(merged.metadata.annotations.note).toBe('<b>');
  });

  it('is a no-op when the file is unchanged', () => {
    const v1 = deploy(podSpec([{ name: 'web', image: 'x', ports: [{ containerPort: 80 }] }]));
    const live = liveOf(v1, { status: { replicas: 2 } });
    live.spec.template.spec.containers[0].ports[0].protocol = 'TCP';
    live.spec.replicas = 4;
    expect(threeWayMerge(lastAppliedOf(live), v1, live)).toEqual(live);
  });

  it('without a last-applied annotation only adds and overwrites', () => {
    const live = { ...deploy(podSpec([{ name: 'web', image: 'x' }]), { labels: { keep: 'me' } }) };
    const merged = threeWayMerge(undefined, deploy(podSpec([{ name: 'web', image: 'y' }])), live) as Obj;
    expect(merged.metadata.labels).toEqual({ keep: 'me' });
    expect(merged.spec.template.spec.containers[0].image).toBe('y');
    expect(merged.metadata.annotations[LAST_APPLIED]).toBeDefined();
  });
});
