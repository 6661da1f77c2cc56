import { describe, expect, it } from 'vitest';
import { parseManifest, positionOf } from '../../src/manifests/parse.js';

const deployment = `# web
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.25
`;

describe('parseManifest', () => {
  it('reads multi-document YAML with positions of the document and of every field', () => {
    const text = `${deployment}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: "1"\n`;
    const { documents, errors } = parseManifest('app.yaml', text);
    expect(errors).toEqual([]);
    expect(documents.map((d) => [d.object.kind, d.index, d.line, d.column])).toEqual([
      ['Deployment', 0, 2, 1],
      ['ConfigMap', 1, 19, 1],
    ]);
    const web = documents[0]!;
    expect(web.positions.get('spec.replicas')).toEqual({ line: 7, column: 3 });
    expect(positionOf(web, 'spec.template.spec.containers[0].image')).toEqual({ line: 17, column: 11 });
    expect(positionOf(web, 'spec.template.spec.containers[0]')).toEqual({ line: 16, column: 11 });
    expect(positionOf(web, 'spec.template.metadata.labels[app]')).toEqual({ line: 13, column: 9 });
    // a field the file does not write: its nearest written ancestor
    expect(positionOf(web, 'spec.template.spec.containers[0].resources.limits')).toEqual({ line: 16, column: 11 });
    expect(positionOf(web, undefined)).toEqual({ line: 2, column: 1 });
  });

  it('skips empty documents and kubedeck.dev documents', () => {
    const text = `---\n# only a comment\n---\napiVersion: kubedeck.dev/v1alpha1\nkind: Scenario\nmetadata: {name: s}\n---\n${deployment}`;
    const { documents, errors } = parseManifest('s.yaml', text);
    expect(errors).toEqual([]);
    expect(documents.map((d) => d.object.kind)).toEqual(['Deployment']);
    expect(documents[0]!.index).toBe(2);
  });

  it('expands kind: List into its items, positions relative to each item', () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: b\n`;
    const { documents, errors } = parseManifest('l.yaml', text);
    expect(errors).toEqual([]);
    expect(documents.map((d) => [d.object.metadata.name, d.item, d.line])).toEqual([['a', 0, 4], ['b', 1, 7]]);
    expect(positionOf(documents[1]!, 'metadata.name')).toEqual({ line: 10, column: 5 });
  });

  it('reads JSON with positions', () => {
    const text = '{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "metadata": {"name": "j"},\n  "data": {"k": "v"}\n}\n';
    const { documents, errors } = parseManifest('c.json', text);
    expect(errors).toEqual([]);
    expect(documents[0]!.object.metadata.name).toBe('j');
    expect(positionOf(documents[0]!, 'data.k')).toEqual({ line: 5, column: 12 });
  });

  it('reports invalid JSON with JSON.parse wording and position', () => {
    const { errors } = parseManifest('bad.json', '{\n  "kind": "ConfigMap",\n  "x": \n}\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/^error parsing "bad.json": /);
  });

  it('reads YAML 1.1 as kubectl does: 0644 is octal, timestamps stay strings', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    when: 2024-01-01\ndata:\n  a: "1"\n`;
    const { documents, errors } = parseManifest('x.yaml', text);
    expect(errors).toEqual([]);
    expect(documents[0]!.object.metadata.annotations).toEqual({ when: '2024-01-01' });
    const vol = parseManifest('p.yaml', `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i}]\n  volumes:\n  - name: v\n    configMap: {name: c, defaultMode: 0644}\n`);
    expect(vol.errors).toEqual([]);
    expect((vol.documents[0]!.object as { spec: { volumes: { configMap: { defaultMode: number } }[] } }).spec.volumes[0]!.configMap.defaultMode).toBe(420);
  });

  it('reports invalid YAML with the parser message and position, and keeps the valid documents', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [bad\n`;
    const { documents, errors } = parseManifest('broken.yaml', text);
    expect(documents.map((d) => d.object.metadata.name)).toEqual(['ok']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'broken.yaml', line: expect.any(Number), column: expect.any(Number) });
    expect(errors[0]!.message).toMatch(/^error parsing "broken.yaml": /);
    expect(errors[0]!.line).toBeGreaterThanOrEqual(8);
  });

  it('reports duplicate keys', () => {
    const { errors } = parseManifest('d.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nkind: Secret\n');
    expect(errors[0]!.message).toMatch(/unique/);
    expect(errors[0]!.line).toBe(4);
  });

  it('reports missing apiVersion and kind as kubectl does', () => {
    const { errors } = parseManifest('m.yaml', 'metadata:\n  name: x\n');
    expect(errors).toEqual([
      { file: 'm.yaml', line: 1, column: 1, message: 'error validating "m.yaml": error validating data: [apiVersion not set, kind not set]' },
    ]);
    const one = parseManifest('m.yaml', 'apiVersion: v1\nmetadata:\n  name: x\n');
    expect(one.errors[0]!.message).toBe('error validating "m.yaml": error validating data: kind not set');
  });

  it('reports unknown kinds and kinds in the wrong version', () => {
    const { errors } = parseManifest('f.yaml', 'apiVersion: bar/v1\nkind: Foo\nmetadata:\n  name: x\n');
    expect(errors[0]).toMatchObject({ line: 2, column: 1, field: 'kind' });
    expect(errors[0]!.message).toBe('resource mapping not found for name: "x" namespace: "" from "f.yaml": no matches for kind "Foo" in version "bar/v1"');
    const wrong = parseManifest('f.yaml', 'apiVersion: v1\nkind: Deployment\nmetadata:\n  name: x\n');
    expect(wrong.errors[0]!.message).toMatch(/no matches for kind "Deployment" in version "v1"$/);
  });

  it('reports wrong types at the field, with its line', () => {
    const text = deployment.replace('replicas: 2', 'replicas: "three"').replace('image: nginx:1.25', 'image: nginx:1.25\n          env:\n            - name: PORT\n              value: 8080');
    const { documents, errors } = parseManifest('t.yaml', text);
    expect(documents).toEqual([]);
    expect(errors).toEqual([
      {
        file: 't.yaml', line: 7, column: 3, field: 'spec.replicas',
        message: 'error validating "t.yaml": error validating data: ValidationError(Deployment.spec.replicas): invalid type for io.k8s.api.apps.v1.DeploymentSpec.replicas: got "string", expected "integer"',
      },
      {
        file: 't.yaml', line: 20, column: 15, field: 'spec.template.spec.containers[0].env[0].value',
        message: 'error validating "t.yaml": error validating data: ValidationError(Deployment.spec.template.spec.containers[0].env[0].value): invalid type for io.k8s.api.core.v1.EnvVar.value: got "integer", expected "string"',
      },
    ]);
  });

  it('reports label values that are not strings, and maps given as lists', () => {
    const { errors } = parseManifest('l.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    version: 2\ndata: [a]\n');
    expect(errors.map((e) => [e.field, e.line])).toEqual([['metadata.labels.version', 6], ['data', 7]]);
    expect(errors[0]!.message).toContain('invalid type for io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta.labels: got "integer", expected "string"');
    expect(errors[1]!.message).toContain('got "array", expected "map"');
  });

  it('accepts numbers for quantities and int-or-string fields', () => {
    const text = deployment.replace('image: nginx:1.25', 'image: nginx:1.25\n          resources:\n            limits: {cpu: 1, memory: 128Mi}\n          readinessProbe:\n            httpGet: {port: 8080, path: /}');
    expect(parseManifest('q.yaml', text).errors).toEqual([]);
  });

  it('reports documents that are not mappings', () => {
    const { errors } = parseManifest('s.yaml', '- a\n- b\n---\njust text\n');
    expect(errors.map((e) => [e.line, e.message])).toEqual([
      [1, 'error validating "s.yaml": document 1 is a list, not a mapping; a manifest is an object with apiVersion, kind and metadata'],
      [4, 'error validating "s.yaml": document 2 is a string scalar, not a mapping; a manifest is an object with apiVersion, kind and metadata'],
    ]);
  });

  it('requires a name and refuses generateName', () => {
    expect(parseManifest('n.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n').errors[0]!.message).toMatch(/resource name may not be empty/);
    expect(parseManifest('n.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: x-}\n').errors[0]!.message).toMatch(/cannot use generate name with apply/);
  });
});
