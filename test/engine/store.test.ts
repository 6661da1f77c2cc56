import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/engine/cluster.js';
import type { WatchEvent } from '../../src/engine/client.js';
import { ApiError } from '../../src/engine/errors.js';
import type { Pod } from '../../src/engine/api/types.js';
import { configMap, deployment, ownerRef, pod, replicaSet } from './fixtures.js';

describe('create', () => {
  it('assigns uid, resourceVersion, creationTimestamp, generation and the default namespace', () => {
    const c = createCluster();
    const d = c.create(deployment('web'));
    expect(d.metadata.namespace).toBe('default');
    expect(d.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.metadata.creationTimestamp).toBe('2025-01-01T00:00:00Z');
    expect(d.metadata.generation).toBe(1);
    expect(Number(d.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(c.create(configMap('cfg')).metadata.generation).toBeUndefined();
  });

  it('generates names from generateName with five characters of the Kubernetes alphabet', () => {
    const c = createCluster({ seed: 42 });
    const p = c.create<Pod>({ ...pod(''), metadata: { generateName: 'web-' } });
    expect(p.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('is deterministic under a seed', () => {
    const run = (seed: number) => {
      const c = createCluster({ seed });
      return [c.create({ ...pod(''), metadata: { generateName: 'x-' } }).metadata, c.create(deployment('d')).metadata.uid];
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('refuses duplicates and missing namespaces in the API server words', () => {
    const c = createCluster();
    c.create(deployment('web'));
    expect(() => c.create(deployment('web'))).toThrow('deployments.apps "web" already exists');
    try {
      c.create(configMap('x', {}, 'nope'));
      expect.unreachable();
    } catch (e) {
      expect((e as ApiError).kubectlMessage()).toBe('Error from server (NotFound): namespaces "nope" not found');
    }
  });

  it('sets its own values over the ones given, where the keys stand, and leaves the given metadata unchanged', () => {
    const c = createCluster();
    const given = { name: 'cfg', namespace: 'default', uid: 'mine', resourceVersion: '999', creationTimestamp: '2020-01-01T00:00:00Z', labels: { a: 'b' } };
    const created = c.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: given, data: {} });
    expect(Object.keys(created.metadata)).toEqual(['name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp', 'labels']);
    expect(created.metadata).toMatchObject({ name: 'cfg', namespace: 'default', creationTimestamp: '2025-01-01T00:00:00Z', labels: { a: 'b' } });
    expect(created.metadata.uid).not.toBe('mine');
    expect(created.metadata.resourceVersion).toBe(String(c.store.resourceVersion()));
    expect(given).toEqual({ name: 'cfg', namespace: 'default', uid: 'mine', resourceVersion: '999', creationTimestamp: '2020-01-01T00:00:00Z', labels: { a: 'b' } });
    // An owned input may take parts of a stored object as they are: its metadata is still copied, not changed.
    const secret = c.api.create({ apiVersion: 'v1', kind: 'Secret', metadata: created.metadata, data: {} }, { owned: true });
    expect(secret.metadata.uid).not.toBe(created.metadata.uid);
    expect(c.get('ConfigMap', 'default', 'cfg')).toBe(created);
    expect(created.metadata.resourceVersion).not.toBe(secret.metadata.resourceVersion);
    const event = c.events.record(created, 'Normal', 'Seen', 'seen it', { component: 'test' })!;
    expect(Object.keys(event.metadata)).toEqual(['name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp']);
    expect(event.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('starts with the system namespaces', () => {
    const c = createCluster();
    expect(c.list('Namespace').map((n) => n.metadata.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });
});

describe('update', () => {
  it('bumps generation on spec changes only, and resourceVersion on every change', () => {
    const c = createCluster();
    const d1 = c.create(deployment('web'));
    const d2 = c.update({ ...d1, metadata: { ...d1.metadata, labels: { team: 'a' } } });
    expect(d2.metadata.generation).toBe(1);
    expect(Number(d2.metadata.resourceVersion)).toBeGreaterThan(Number(d1.metadata.resourceVersion));
    const d3 = c.update({ ...d2, spec: { ...d2.spec, replicas: 5 } });
    expect(d3.metadata.generation).toBe(2);
  });

  it('keeps status on update and changes only status through updateStatus', () => {
    const c = createCluster();
    const d = c.create(deployment('web'));
    const s = c.updateStatus({ ...d, status: { replicas: 2 } });
    expect(s.metadata.generation).toBe(1);
    const u = c.update({ ...s, status: { replicas: 99 }, spec: { ...s.spec, replicas: 3 } });
    expect(u.status).toEqual({ replicas: 2 });
    expect(u.spec.replicas).toBe(3);
  });

  it('rejects a stale resourceVersion with 409 Conflict', () => {
    const c = createCluster();
    const d = c.create(deployment('web'));
    c.update({ ...d, spec: { ...d.spec, replicas: 4 } });
    expect(() => c.update({ ...d, spec: { ...d.spec, replicas: 5 } })).toThrow(
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('does not bump resourceVersion for a no-op update', () => {
    const c = createCluster();
    const d = c.create(deployment('web'));
    expect(c.update(d).metadata.resourceVersion).toBe(d.metadata.resourceVersion);
  });

  it('says NotFound for a missing object', () => {
    const c = createCluster();
    expect(() => c.update(deployment('ghost'))).toThrow('deployments.apps "ghost" not found');
  });
});

describe('list and watch', () => {
  it('lists in namespace/name order with label and field selectors', () => {
    const c = createCluster();
    c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } });
    c.create(pod('b', { labels: { app: 'web', tier: 'front' }, nodeName: 'n1' }));
    c.create(pod('a', { labels: { app: 'db' }, nodeName: 'n2' }));
    c.create(pod('c', { namespace: 'prod', labels: { app: 'web' } }));
    const names = (opts: Parameters<typeof c.list>[1]) => c.list('Pod', opts).map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    expect(names({})).toEqual(['default/a', 'default/b', 'prod/c']);
    expect(names({ namespace: 'prod' })).toEqual(['prod/c']);
    expect(names({ labelSelector: 'app=web' })).toEqual(['default/b', 'prod/c']);
    expect(names({ labelSelector: { matchLabels: { app: 'web' } }, namespace: 'default' })).toEqual(['default/b']);
    expect(names({ fieldSelector: 'spec.nodeName=n2' })).toEqual(['default/a']);
    expect(c.store.podsOnNode('n1').map((p) => p.metadata.name)).toEqual(['b']);
  });

  it('a spec.nodeName field selector lists exactly what filtering every pod gives, in the same order', () => {
    // The API server answers it from the store's pods-by-node index; checked against the plain walk.
    const name = fc.constantFrom('a', 'b', 'c', 'd', 'e');
    const ns = fc.constantFrom('default', 'prod');
    const node = fc.constantFrom('n1', 'n2', undefined);
    const op = fc.oneof(
      fc.record({ op: fc.constant('create' as const), name, ns, node, app: fc.constantFrom('web', 'db') }),
      fc.record({ op: fc.constant('bind' as const), name, ns, node: fc.constantFrom('n1', 'n2') }),
      fc.record({ op: fc.constant('delete' as const), name, ns }),
      fc.record({ op: fc.constant('phase' as const), name, ns, phase: fc.constantFrom('Running', 'Succeeded') }),
    );
    const query = fc.record({
      node: fc.constantFrom('n1', 'n2', 'n3'),
      namespace: fc.constantFrom('default', 'prod', undefined),
      labelSelector: fc.constantFrom('app=web', 'app!=web', undefined),
      more: fc.constantFrom('', ',status.phase!=Succeeded', ',metadata.name=b'),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), fc.array(query, { minLength: 1, maxLength: 4 }), (ops, queries) => {
        const c = createCluster();
        c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } });
        for (const o of ops) {
          const current = c.get('Pod', o.ns, o.name);
          if (o.op === 'create' && !current) c.create(pod(o.name, { namespace: o.ns, labels: { app: o.app }, ...(o.node ? { nodeName: o.node } : {}) }));
          else if (o.op === 'bind' && current && !current.spec.nodeName) c.api.bind(current, o.node);
          else if (o.op === 'delete' && current) c.delete('Pod', o.ns, o.name, { gracePeriodSeconds: 0 });
          else if (o.op === 'phase' && current) c.api.updateStatus({ ...current, status: { ...current.status, phase: o.phase } });
        }
        for (const q of queries) {
          const fieldSelector = `spec.nodeName=${q.node}${q.more}`;
          const options = { fieldSelector, ...(q.namespace ? { namespace: q.namespace } : {}), ...(q.labelSelector ? { labelSelector: q.labelSelector } : {}) };
          const walked = c.list('Pod', { ...options, fieldSelector: `${q.more.slice(1) || 'metadata.namespace!=none'}` }).filter((p) => p.spec.nodeName === q.node);
          expect(c.list('Pod', options)).toEqual(walked);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('label selectors follow relabelling and deletion, with every operator', () => {
    const c = createCluster();
    const b = c.create(pod('b', { labels: { app: 'web', tier: 'front' } }));
    c.create(pod('a', { labels: { app: 'db', env: 'prod' } }));
    c.create(pod('c', { labels: { app: 'web', env: 'dev' } }));
    const names = (labelSelector: string) => c.list('Pod', { labelSelector }).map((p) => p.metadata.name);
    expect(names('app in (web,db),env')).toEqual(['a', 'c']);
    expect(names('app=web,tier!=front')).toEqual(['c']);
    expect(names('app notin (web),!tier')).toEqual(['a']);
    c.update({ ...b, metadata: { ...b.metadata, labels: { app: 'db' } } });
    expect(names('app=web')).toEqual(['c']);
    expect(names('app==db')).toEqual(['a', 'b']);
    c.delete('Pod', 'default', 'a');
    expect(names('app=db')).toEqual(['b']);
    expect(names('tier')).toEqual([]);
  });

  it('keeps resourceVersion growing across kinds and replays a watch from a resourceVersion', () => {
    const c = createCluster();
    const a = c.create(configMap('a'));
    const b = c.create(pod('p'));
    c.update({ ...a, data: { k: 'v' } });
    c.delete('Pod', 'default', 'p');
    const seen: WatchEvent[] = [];
    c.watch({ kinds: ['ConfigMap', 'Pod'], resourceVersion: a.metadata.resourceVersion }, (e) => seen.push(e));
    expect(seen.map((e) => `${e.type} ${e.object.kind}/${e.object.metadata.name}`)).toEqual([
      'ADDED Pod/p', 'MODIFIED ConfigMap/a', 'DELETED Pod/p',
    ]);
    const rvs = seen.map((e) => Number(e.object.metadata.resourceVersion));
    expect(rvs).toEqual([...rvs].sort((x, y) => x - y));
    expect(rvs[0]).toBe(Number(b.metadata.resourceVersion));
    c.create(configMap('later'));
    expect(seen.at(-1)?.object.metadata.name).toBe('later');
  });
});

describe('deletion and garbage collection', () => {
  function tree() {
    const c = createCluster();
    const d = c.create(deployment('web'));
    const rs = c.create(replicaSet('web-abc', ownerRef(d)));
    const p1 = c.create(pod('web-abc-1', { owner: ownerRef(rs) }));
    const p2 = c.create(pod('web-abc-2', { owner: ownerRef(rs) }));
    return { c, d, rs, p1, p2 };
  }

  it('cascades in the background by default', () => {
    const { c } = tree();
    c.delete('Deployment', 'default', 'web');
    expect(c.list('ReplicaSet')).toEqual([]);
    expect(c.list('Pod')).toEqual([]);
  });

  it('orphans dependents on request, removing only the owner reference', () => {
    const { c } = tree();
    c.delete('Deployment', 'default', 'web', { propagationPolicy: 'Orphan' });
    const rs = c.get('ReplicaSet', 'default', 'web-abc');
    expect(rs?.metadata.ownerReferences).toBeUndefined();
    expect(c.list('Pod')).toHaveLength(2);
  });

  it('keeps a dependent that still has another live owner', () => {
    const { c, p1 } = tree();
    const other = c.create(configMap('other-owner'));
    c.update({ ...p1, metadata: { ...p1.metadata, ownerReferences: [...p1.metadata.ownerReferences!, { ...ownerRef(other), controller: false }] } });
    c.delete('ReplicaSet', 'default', 'web-abc');
    expect(c.list('Pod').map((p) => p.metadata.name)).toEqual(['web-abc-1']);
  });

  it('foreground deletion removes the owner only after its dependents', () => {
    const { c } = tree();
    const events: string[] = [];
    c.watch({ kinds: ['Deployment', 'ReplicaSet', 'Pod'] }, (e) => {
      if (e.type === 'DELETED') events.push(`${e.object.kind}/${e.object.metadata.name}`);
    });
    c.delete('Deployment', 'default', 'web', { propagationPolicy: 'Foreground' });
    expect(c.get('Deployment', 'default', 'web')).toBeUndefined();
    expect(events.at(-1)).toBe('Deployment/web');
    expect(events).toHaveLength(4);
  });

  it('keeps an object with finalizers, marked for deletion, until the last finalizer goes', () => {
    const c = createCluster();
    c.create({ ...configMap('f'), metadata: { name: 'f', finalizers: ['example.com/hold'] } });
    const marked = c.delete('ConfigMap', 'default', 'f');
    expect(marked?.metadata.deletionTimestamp).toBe('2025-01-01T00:00:00Z');
    c.update({ ...marked!, metadata: { ...marked!.metadata, finalizers: [] } });
    expect(c.get('ConfigMap', 'default', 'f')).toBeUndefined();
  });

  it('deleting a namespace deletes what is in it, then the namespace', () => {
    const c = createCluster();
    c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    c.create(configMap('a', {}, 'team'));
    c.create(pod('p', { namespace: 'team' }));
    c.create(configMap('keep'));
    c.delete('Namespace', undefined, 'team');
    expect(c.get('Namespace', undefined, 'team')).toBeUndefined();
    expect(c.list('ConfigMap').map((o) => o.metadata.name)).toEqual(['keep']);
    expect(c.list('Pod')).toEqual([]);
  });

  it('refuses new objects in a terminating namespace', () => {
    const c = createCluster();
    c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', finalizers: ['hold'] } });
    c.create(configMap('a', {}, 'team'));
    c.api.delete('Namespace', undefined, 'team');
    expect(() => c.api.create(configMap('b', {}, 'team'))).toThrow('unable to create new content in namespace team because it is being terminated');
  });
});

describe('nodes', () => {
  it('starts like a small kind cluster: a tainted control plane and three Ready workers', () => {
    const c = createCluster();
    c.ensureDefaultNodes();
    const nodes = c.list('Node');
    expect(nodes.map((n) => n.metadata.name)).toEqual(['kubedeck-control-plane', 'kubedeck-worker', 'kubedeck-worker2', 'kubedeck-worker3']);
    const [cp, w1] = nodes;
    expect(cp!.spec?.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    expect(w1!.status?.capacity).toMatchObject({ cpu: '4', memory: '16Gi', pods: '110' });
    expect(w1!.status?.conditions?.find((x) => x.type === 'Ready')?.status).toBe('True');
    expect(w1!.spec?.podCIDR).toBe('10.244.1.0/24');
  });

  it('leaves the cluster alone when manifests declared nodes', () => {
    const c = createCluster();
    c.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'big' }, status: { capacity: { cpu: '64', memory: '256Gi', pods: '250' } } });
    c.ensureDefaultNodes();
    expect(c.list('Node').map((n) => n.metadata.name)).toEqual(['big']);
    expect(c.get('Node', undefined, 'big')?.status?.allocatable?.cpu).toBe('64');
  });
});
