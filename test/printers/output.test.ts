import { describe, it, expect } from 'vitest';
import type { ConfigMap } from '../../src/engine/api/types.js';
import { toJson, toYaml } from '../../src/printers/output.js';

const cm: ConfigMap = {
  kind: 'ConfigMap',
  apiVersion: 'v1',
  metadata: { name: 'app', namespace: 'default', creationTimestamp: '2025-01-01T00:00:00Z', resourceVersion: '12', labels: { tier: 'web', app: 'shop' } },
  data: { replicas: '3', enabled: 'true', greeting: 'hello: world', motd: 'line one\nline two\n' },
};

describe('-o yaml', () => {
  it('sorts keys at every level and quotes strings that would read as other types', () => {
    expect(toYaml(cm)).toBe(
      [
        'apiVersion: v1',
        'data:',
        '  enabled: "true"',
        "  greeting: 'hello: world'",
        '  motd: |',
        '    line one',
        '    line two',
        '  replicas: "3"',
        'kind: ConfigMap',
        'metadata:',
        '  creationTimestamp: "2025-01-01T00:00:00Z"',
        '  labels:',
        '    app: shop',
        '    tier: web',
        '  name: app',
        '  namespace: default',
        '  resourceVersion: "12"',
        '',
      ].join('\n'),
    );
  });

  it('does not indent sequences under their key and wraps several objects in a List', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'web', image: 'nginx', args: ['-g', 'daemon off;'] }] } };
    expect(toYaml([pod])).toBe(
      [
        'apiVersion: v1',
        'items:',
        '- apiVersion: v1',
        '  kind: Pod',
        '  metadata:',
        '    name: p',
        '  spec:',
        '    containers:',
        '    - args:',
        '      - -g',
        '      - daemon off;',
        '      image: nginx',
        '      name: web',
        'kind: List',
        'metadata:',
        '  resourceVersion: ""',
        '',
      ].join('\n'),
    );
  });
});

describe('-o json', () => {
  it('is 4-space indented with sorted keys', () => {
    const out = toJson({ kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'dev', labels: { 'kubernetes.io/metadata.name': 'dev' } } });
    expect(out).toBe(
      [
        '{',
        '    "apiVersion": "v1",',
        '    "kind": "Namespace",',
        '    "metadata": {',
        '        "labels": {',
        '            "kubernetes.io/metadata.name": "dev"',
        '        },',
        '        "name": "dev"',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('wraps lists like kubectl and escapes HTML characters like Go', () => {
    const parsed = JSON.parse(toJson([cm]));
    expect(Object.keys(parsed)).toEqual(['apiVersion', 'items', 'kind', 'metadata']);
    expect(parsed).toMatchObject({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' } });
    expect(parsed.items[0].metadata.name).toBe('app');
    const withHtml = toJson({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { v: '<none> & more' } } as ConfigMap);
    expect(withHtml).toContain('"v": "\\u003cnone\\u003e \\u0026 more"');
  });
});
