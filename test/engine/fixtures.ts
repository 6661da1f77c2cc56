/** Small object builders for engine tests. */
import type { OwnerReference } from '../../src/engine/api/meta.js';
import type { ConfigMap, Deployment, Pod, ReplicaSet } from '../../src/engine/api/types.js';

export function pod(name: string, opts: { namespace?: string; labels?: Record<string, string>; nodeName?: string; owner?: OwnerReference } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      ...(opts.namespace ? { namespace: opts.namespace } : {}),
      ...(opts.labels ? { labels: opts.labels } : {}),
      ...(opts.owner ? { ownerReferences: [opts.owner] } : {}),
    },
    spec: { containers: [{ name: 'app', image: 'nginx:1.25' }], ...(opts.nodeName ? { nodeName: opts.nodeName } : {}) },
  };
}

export function deployment(name: string, replicas = 2, image = 'nginx:1.25'): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
    },
  };
}

export function replicaSet(name: string, owner?: OwnerReference): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, labels: { app: name }, ...(owner ? { ownerReferences: [owner] } : {}) },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } },
    },
  };
}

export function configMap(name: string, data: Record<string, string> = {}, namespace?: string): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(namespace ? { namespace } : {}) }, data };
}

export function ownerRef(o: { apiVersion: string; kind: string; metadata: { name?: string; uid?: string } }): OwnerReference {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name!, uid: o.metadata.uid!, controller: true, blockOwnerDeletion: true };
}
