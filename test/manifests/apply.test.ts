import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/engine/api/types.js';
import { Applier } from '../../src/manifests/apply.js';
import { LAST_APPLIED } from '../../src/manifests/merge.js';
import { parseManifest } from '../../src/manifests/parse.js';
import { FakeClient } from './fakeClient.js';

const deployment = (name: string, image: string, replicas = 2, ns?: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}${ns ? `\n  namespace: ${ns}` : ''}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: ${name}
        image: ${image}
        ports:
        - containerPort: 80
`;
const configMap = (name: string, value = '1', ns?: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}${ns ? `\n  namespace: ${ns}` : ''}\ndata:\n  v: "${value}"\n`;
const namespace = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

function setup() {
  const client = new FakeClient();
  const applier = new Applier(client);
  const apply = (file: string, text: string) => {
    const { documents, errors } = parseManifest(file, text);
    return applier.applyFile(file, documents, errors);
  };
  return { client, applier, apply };
}

describe('Applier', () => {
  it('creates, then reports unchanged, configured and pruned', () => {
    const { client, apply } = setup();
    const first = apply('app.yaml', `${deployment('web', 'nginx:1')}---\n${configMap('cfg')}`);
    expect(first).toEqual({
      file: 'app.yaml',
      applied: [{ ref: 'configmap/cfg', action: 'created' }, { ref: 'deployment.apps/web', action: 'created' }],
      errors: [],
    });
    const web = client.get('Deployment', 'default', 'web')!;
    expect(JSON.parse(web.metadata.annotations![LAST_APPLIED]!)).toMatchObject({ metadata: { name: 'web', namespace: 'default' } });

    expect(apply('app.yaml', `${deployment('web', 'nginx:1')}---\n${configMap('cfg')}`).applied.map((a) => a.action)).toEqual(['unchanged', 'unchanged']);
    expect(client.calls.filter((c) => c.startsWith('update'))).toEqual([]);

    const third = apply('app.yaml', deployment('web', 'nginx:2'));
    expect(third.applied).toEqual([
      { ref: 'deployment.apps/web', action: 'configured' },
      { ref: 'configmap/cfg', action: 'pruned' },
    ]);
    expect(client.get('ConfigMap', 'default', 'cfg')).toBeUndefined();
    expect(client.get('Deployment', 'default', 'web')!.spec.template.spec.containers[0]!.image).toBe('nginx:2');
  });

  it('keeps a live scale across saves that do not change replicas', () => {
    const { client, apply } = setup();
    apply('web.yaml', deployment('web', 'nginx:1', 2));
    client.scale('Deployment', 'default', 'web', 5);
    expect(apply('web.yaml', deployment('web', 'nginx:2', 2)).applied).toEqual([{ ref: 'deployment.apps/web', action: 'configured' }]);
    let live = client.get('Deployment', 'default', 'web') as Deployment;
    expect(live.spec.replicas).toBe(5);
    expect(live.spec.template.spec.containers[0]!.image).toBe('nginx:2');
    apply('web.yaml', deployment('web', 'nginx:2', 3));
    live = client.get('Deployment', 'default', 'web') as Deployment;
    expect(live.spec.replicas).toBe(3);
  });

  it('orders namespaces before their objects and configmaps before workloads', () => {
    const { client, apply } = setup();
    const result = apply('shop.yaml', `${deployment('api', 'x', 1, 'shop')}---\n${configMap('c', '1', 'shop')}---\n${namespace('shop')}`);
    expect(result.errors).toEqual([]);
    expect(client.calls).toEqual(['create Namespace//shop', 'create ConfigMap/shop/c', 'create Deployment/shop/api']);
  });

  it('refuses objects in a namespace that neither exists nor is declared, applying nothing from the file', () => {
    const { client, apply } = setup();
    const result = apply('x.yaml', `${configMap('a')}---\n${configMap('b', '1', 'nowhere')}`);
    expect(result.applied).toEqual([]);
    expect(result.errors).toEqual([
      { file: 'x.yaml', line: 12, column: 3, field: 'metadata.namespace', message: 'error when creating "x.yaml": namespaces "nowhere" not found' },
    ]);
    expect(client.get('ConfigMap', 'default', 'a')).toBeUndefined();
  });

  it('maps a server validation error to the line of the field and rolls back what the file already applied', () => {
    const { client, apply } = setup();
    apply('app.yaml', `${configMap('cfg', '1')}---\n${deployment('web', 'nginx:1')}`);
    const broken = `${configMap('cfg', '2')}---\n${deployment('web', 'nginx:2', -1)}---\n${configMap('extra')}`;
    const result = apply('app.yaml', broken);
    expect(result.applied).toEqual([]);
    expect(result.errors).toEqual([
      {
        file: 'app.yaml', line: 13, column: 3, field: 'spec.replicas',
        message: 'error when patching "app.yaml": Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      },
    ]);
    expect(client.get('ConfigMap', 'default', 'cfg')!.data).toEqual({ v: '1' });
    expect(client.get('ConfigMap', 'default', 'extra')).toBeUndefined();
    expect(client.get('Deployment', 'default', 'web')!.spec.template.spec.containers[0]!.image).toBe('nginx:1');
  });

  it('a broken file keeps its objects (no prune) until it is fixed', () => {
    const { client, applier, apply } = setup();
    apply('app.yaml', `${configMap('a')}---\n${configMap('b')}`);
    const broken = apply('app.yaml', `${configMap('a', '2')}---\nkind: [oops\n`);
    expect(broken.applied).toEqual([]);
    expect(broken.errors).toHaveLength(1);
    expect(client.get('ConfigMap', 'default', 'a')!.data).toEqual({ v: '1' });
    expect(client.get('ConfigMap', 'default', 'b')).toBeDefined();
    expect(applier.objectsOf('app.yaml')).toEqual(['configmap/a', 'configmap/b']);
    const fixed = apply('app.yaml', configMap('a', '2'));
    expect(fixed.applied).toEqual([{ ref: 'configmap/a', action: 'configured' }, { ref: 'configmap/b', action: 'pruned' }]);
  });

  it('an object declared in two files belongs to the first; the second file is refused, then applies once free', () => {
    const { client, applier, apply } = setup();
    apply('a.yaml', configMap('shared', 'from-a'));
    const second = apply('b.yaml', `${configMap('own')}---\n${configMap('shared', 'from-b')}`);
    expect(second.applied).toEqual([]);
    expect(second.errors).toEqual([
      {
        file: 'b.yaml', line: 8, column: 1,
        message: 'configmap/shared in namespace "default" is already applied from "a.yaml"; its declaration in "b.yaml" is ignored until one of the two files drops it',
      },
    ]);
    expect(client.get('ConfigMap', 'default', 'shared')!.data).toEqual({ v: 'from-a' });
    expect(client.get('ConfigMap', 'default', 'own')).toBeUndefined();

    // a.yaml drops it: handed over to b.yaml without being deleted
    const results = applier.applyBatch([{ file: 'a.yaml', documents: parseManifest('a.yaml', configMap('other')).documents }]);
    expect(results).toEqual([
      { file: 'a.yaml', applied: [{ ref: 'configmap/other', action: 'created' }], errors: [] },
      { file: 'b.yaml', applied: [{ ref: 'configmap/own', action: 'created' }, { ref: 'configmap/shared', action: 'configured' }], errors: [] },
    ]);
    expect(client.calls.filter((c) => c.includes('shared'))).toEqual(['create ConfigMap/default/shared', 'update ConfigMap/default/shared']);
    expect(applier.ownerOf('ConfigMap', undefined, 'shared')).toBe('b.yaml');
  });

  it('hands an object moved between files in one batch over without deleting it', () => {
    const { client, applier } = setup();
    const doc = (file: string, text: string) => ({ file, documents: parseManifest(file, text).documents });
    applier.applyBatch([doc('a.yaml', deployment('web', 'x'))]);
    client.calls.length = 0;
    const results = applier.applyBatch([doc('a.yaml', configMap('c')), doc('b.yaml', deployment('web', 'x'))]);
    expect(results.map((r) => r.errors)).toEqual([[], []]);
    expect(client.calls).toEqual(['create ConfigMap/default/c']);
    expect(applier.ownerOf('Deployment', 'default', 'web')).toBe('b.yaml');
  });

  it('the same object twice in one file is an error', () => {
    const { apply } = setup();
    const r = apply('d.yaml', `${configMap('x')}---\n${configMap('x', '2')}`);
    expect(r.errors[0]!.message).toBe('configmap/x in namespace "default" is declared twice in "d.yaml" (lines 1 and 8)');
  });

  it('removeFile prunes only what the file applied, never system namespaces', () => {
    const { client, applier, apply } = setup();
    client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'manual', namespace: 'default' } });
    apply('ns.yaml', `${namespace('default')}---\n${namespace('team')}---\n${configMap('c', '1', 'team')}`);
    const removed = applier.removeFile('ns.yaml');
    expect(removed.applied).toEqual([{ ref: 'configmap/c', action: 'pruned' }, { ref: 'namespace/team', action: 'pruned' }]);
    expect(client.get('Namespace', undefined, 'default')).toBeDefined();
    expect(client.get('ConfigMap', 'default', 'manual')).toBeDefined();
    expect(applier.trackedFiles()).toEqual([]);
  });

  it('syncFolder applies every file and removes tracked files that are gone', () => {
    const { client, applier } = setup();
    const files = (entries: [string, string][]) => entries.map(([file, text]) => ({ file, ...parseManifest(file, text) }));
    applier.syncFolder(files([['/m/a.yaml', configMap('a')], ['/m/b.yaml', configMap('b')], ['/other/c.yaml', configMap('c')]]));
    const results = applier.syncFolder(files([['/m/a.yaml', configMap('a')]]), ['/m']);
    expect(results.map((r) => [r.file, r.applied])).toEqual([
      ['/m/a.yaml', [{ ref: 'configmap/a', action: 'unchanged' }]],
      ['/m/b.yaml', [{ ref: 'configmap/b', action: 'pruned' }]],
    ]);
    expect(client.get('ConfigMap', 'default', 'c')).toBeDefined();
  });

  it('remembers where each applied object is declared', () => {
    const { applier, apply } = setup();
    apply('app.yaml', `${configMap('cfg')}---\n${deployment('web', 'x')}`);
    expect(applier.manifests.sourceOf('Deployment', undefined, 'web')).toEqual({ file: 'app.yaml', line: 8 });
    expect(applier.manifests.sourceOf('ConfigMap', 'default', 'cfg')).toEqual({ file: 'app.yaml', line: 1 });
    expect(applier.manifests.sourceOf('ConfigMap', 'other', 'cfg')).toBeUndefined();
  });
});
