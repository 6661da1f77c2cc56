/**
 * What a user does to the cluster (kubectl's verbs), as engine operations that both the CLI and the dashboard call.
 * Each returns kubectl's success message or throws an ActionError / ApiError carrying kubectl's error text.
 */
import { kindInfo, objectRef, qualifiedResource } from './api/kinds.js';
import type { AnyObject, Container, KindName, Node, PodTemplateSpec } from './api/types.js';
import type { ClusterClient, PropagationPolicy } from './client.js';
import { notFound } from './errors.js';

/** A client-side error, printed by kubectl as `error: <message>`. */
export class ActionError extends Error {
  kubectlMessage(): string {
    return `error: ${this.message}`;
  }
}

const SCALABLE: ReadonlySet<KindName> = new Set<KindName>(['Deployment', 'ReplicaSet', 'StatefulSet']);
const WITH_TEMPLATE: ReadonlySet<KindName> = new Set<KindName>(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']);
const RESTARTABLE: ReadonlySet<KindName> = new Set<KindName>(['Deployment', 'StatefulSet', 'DaemonSet']);

function mustGet(client: ClusterClient, kind: KindName, namespace: string | undefined, name: string): AnyObject {
  const o = client.get(kind, namespace, name);
  if (!o) throw notFound(qualifiedResource(kindInfo(kind)!), name);
  return o;
}

const ref = (o: AnyObject) => objectRef(kindInfo(o.kind)!, o.metadata.name!);

export function scale(client: ClusterClient, kind: KindName, namespace: string | undefined, name: string, replicas: number): string {
  if (!Number.isInteger(replicas) || replicas < 0) throw new ActionError('The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
  if (!SCALABLE.has(kind)) throw new ActionError(`cannot scale ${kindInfo(kind)!.plural}: only deployments, replicasets and statefulsets have replicas`);
  const o = mustGet(client, kind, namespace, name) as Extract<AnyObject, { kind: 'Deployment' | 'ReplicaSet' | 'StatefulSet' }>;
  client.update({ ...o, spec: { ...o.spec, replicas } } as AnyObject);
  return `${ref(o)} scaled`;
}

export function cordon(client: ClusterClient, nodeName: string, unschedulable = true): string {
  const node = mustGet(client, 'Node', undefined, nodeName) as Node;
  const verb = unschedulable ? 'cordoned' : 'uncordoned';
  if ((node.spec?.unschedulable ?? false) === unschedulable) return `node/${nodeName} already ${verb}`;
  const spec = { ...(node.spec ?? {}) };
  if (unschedulable) spec.unschedulable = true;
  else delete spec.unschedulable;
  client.update({ ...node, spec });
  return `node/${nodeName} ${verb}`;
}

export function deleteObject(
  client: ClusterClient,
  kind: KindName,
  namespace: string | undefined,
  name: string,
  propagationPolicy?: PropagationPolicy,
): string {
  mustGet(client, kind, namespace, name);
  client.delete(kind, namespace, name, propagationPolicy ? { propagationPolicy } : {});
  const info = kindInfo(kind)!;
  return `${info.group ? `${info.singular}.${info.group}` : info.singular} "${name}" deleted`;
}

type TemplateOwner = AnyObject & { spec: { template: PodTemplateSpec } };

/** `kubectl set image deployment/web nginx=nginx:1.25` (`*` for every container). */
export function setImage(client: ClusterClient, kind: KindName, namespace: string | undefined, name: string, images: Record<string, string>): string {
  if (!WITH_TEMPLATE.has(kind) && kind !== 'Pod') throw new ActionError(`cannot set image on ${kindInfo(kind)!.plural}`);
  const o = mustGet(client, kind, namespace, name);
  const podSpec = o.kind === 'Pod' ? o.spec : (o as TemplateOwner).spec.template.spec;
  const update = (cs: Container[] | undefined) =>
    cs?.map((c) => (images[c.name] ?? images['*']) !== undefined ? { ...c, image: images[c.name] ?? images['*'] } : c);
  for (const container of Object.keys(images)) {
    if (container !== '*' && ![...podSpec.containers, ...(podSpec.initContainers ?? [])].some((c) => c.name === container)) {
      throw new ActionError(`unable to find container named "${container}"`);
    }
  }
  const spec = { ...podSpec, containers: update(podSpec.containers)!, ...(podSpec.initContainers ? { initContainers: update(podSpec.initContainers) } : {}) };
  const next = o.kind === 'Pod'
    ? { ...o, spec }
    : { ...o, spec: { ...(o as TemplateOwner).spec, template: { ...(o as TemplateOwner).spec.template, spec } } };
  const saved = client.update(next as AnyObject);
  return saved.metadata.resourceVersion === o.metadata.resourceVersion ? `${ref(o)} image unchanged` : `${ref(o)} image updated`;
}

/** `kubectl rollout restart`: stamps the template so every pod is replaced. */
export function rolloutRestart(client: ClusterClient, kind: KindName, namespace: string | undefined, name: string, nowRfc3339: string): string {
  if (!RESTARTABLE.has(kind)) throw new ActionError(`restarting is not supported`);
  const o = mustGet(client, kind, namespace, name) as TemplateOwner;
  if (o.kind === 'Deployment' && o.spec.paused) throw new ActionError(`can't restart paused deployment (run rollout resume first)`);
  const template = o.spec.template;
  const annotations = { ...(template.metadata?.annotations ?? {}), 'kubectl.kubernetes.io/restartedAt': nowRfc3339 };
  client.update({ ...o, spec: { ...o.spec, template: { ...template, metadata: { ...(template.metadata ?? {}), annotations } } } } as AnyObject);
  return `${ref(o)} restarted`;
}

/** `kubectl rollout pause|resume` (Deployments only, as kubectl). */
export function setPaused(client: ClusterClient, kind: KindName, namespace: string | undefined, name: string, paused: boolean): string {
  if (kind !== 'Deployment') throw new ActionError(`${paused ? 'pausing' : 'resuming'} is not supported`);
  const o = mustGet(client, 'Deployment', namespace, name) as Extract<AnyObject, { kind: 'Deployment' }>;
  if ((o.spec.paused ?? false) === paused) {
    throw new ActionError(`${qualifiedResource(kindInfo(kind)!)} "${name}" is ${paused ? 'already paused' : 'not paused'}`);
  }
  const spec = { ...o.spec };
  if (paused) spec.paused = true;
  else delete spec.paused;
  client.update({ ...o, spec });
  return `${ref(o)} ${paused ? 'paused' : 'resumed'}`;
}
