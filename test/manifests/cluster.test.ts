/**
 * The Applier against the real in-process cluster. Skipped until the engine's defaulting and validation
 * modules land (src/engine/api/defaults.ts, validation.ts); runs by itself from then on.
 */
import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/engine/api/types.js';
import { Applier } from '../../src/manifests/apply.js';
import { parseManifest } from '../../src/manifests/parse.js';

const engine = await import('../../src/engine/cluster.js').catch(() => undefined);

const deployment = (image: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${image}
        ports:
        - containerPort: 80
`;
const service = `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n  - port: 80\n`;

describe.skipIf(!engine)('Applier on the in-process cluster', () => {
  const setup = () => {
    const cluster = engine!.createCluster();
    const applier = new Applier(cluster);
    const apply = (text: string) => {
      const { documents, errors } = parseManifest('web.yaml', text);
      return applier.applyFile('web.yaml', documents, errors);
    };
    return { cluster, applier, apply };
  };

  it('creates, re-applies unchanged despite server defaults, keeps a scale across an image change, prunes', () => {
    const { cluster, apply } = setup();
    expect(apply(`${deployment('nginx:1', 2)}---\n${service}`).errors).toEqual([]);
    expect(apply(`${deployment('nginx:1', 2)}---\n${service}`).applied.map((a) => a.action)).toEqual(['unchanged', 'unchanged']);

    const live = cluster.get('Deployment', 'default', 'web')!;
    cluster.update({ ...live, spec: { ...live.spec, replicas: 5 } } as Deployment);
    const saved = apply(`${deployment('nginx:2', 2)}---\n${service}`);
    expect(saved.errors).toEqual([]);
    const after = cluster.get('Deployment', 'default', 'web')!;
    expect(after.spec.replicas).toBe(5);
    expect(after.spec.template.spec.containers[0]!.image).toBe('nginx:2');

    apply(`${deployment('nginx:2', 3)}---\n${service}`);
    expect(cluster.get('Deployment', 'default', 'web')!.spec.replicas).toBe(3);

    const pruned = apply(service);
    expect(pruned.applied).toContainEqual({ ref: 'deployment.apps/web', action: 'pruned' });
    expect(cluster.get('Deployment', 'default', 'web')?.metadata.deletionTimestamp ?? 'gone').toBeTruthy();
  });

  it('maps the API server validation errors to lines and keeps the previous objects', () => {
    const { cluster, apply } = setup();
    apply(deployment('nginx:1', 2));
    const result = apply(deployment('nginx:1', -1));
    expect(result.errors.length).toBeGreaterThan(0);
    expect(result.errors[0]!.message).toMatch(/^error when patching "web.yaml": Deployment.apps "web" is invalid: spec.replicas/);
    expect(result.errors[0]!.line).toBe(6);
    expect(cluster.get('Deployment', 'default', 'web')!.spec.replicas).toBe(2);
  });
});
