import { describe, expect, it } from 'vitest';
import { applyEdit } from '../../src/cli/fileEdit.js';

const FILE = `# the web tier
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # the name
spec:
  replicas: 2 # two to start
  paused: false
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.25
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports: [{port: 80}]
`;

describe('file edits of a recording', () => {
  it('replaces text once, and refuses text that is not there', () => {
    expect(applyEdit(FILE, { replace: 'nginx:1.25', with: 'nginx:1.27' })).toBe(FILE.replace('nginx:1.25', 'nginx:1.27'));
    expect(() => applyEdit(FILE, { replace: 'nginx:9', with: 'x' })).toThrow('the text to replace is not in the file: "nginx:9"');
  });

  it('merge-patches the chosen document, keeping comments and the other documents', () => {
    const out = applyEdit(FILE, { patch: { kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 4, paused: null, strategy: { type: 'Recreate' } } } });
    expect(out).toContain('# the web tier');
    expect(out).toContain('name: web # the name');
    expect(out).toMatch(/replicas: 4 # two to start/);
    expect(out).not.toContain('paused');
    expect(out).toContain('strategy:\n    type: Recreate');
    expect(out).toContain('kind: Service');
    expect(out).toContain('image: nginx:1.25');
  });

  it('asks which document when the patch does not say and the file holds several', () => {
    expect(() => applyEdit(FILE, { patch: { spec: { replicas: 4 } } })).toThrow('the file holds 2 objects: put kind and metadata.name in the patch');
    expect(() => applyEdit(FILE, { patch: { kind: 'ConfigMap' } })).toThrow('no document in the file has kind ConfigMap');
  });
});
