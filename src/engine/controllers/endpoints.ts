/**
 * The endpoints controller (pkg/controller/endpoint): for every Service with a selector, an Endpoints object of the
 * same name listing the selected pods' addresses, ready ones in `addresses` and the rest in `notReadyAddresses`
 * (all in `addresses` with publishNotReadyAddresses). Each pod's contribution is kept per Service, so a pod change
 * costs one recomputation of that pod and a repack, not a scan of the namespace.
 */
import type { Labels } from '../api/meta.js';
import type { Endpoints, Pod, Service } from '../api/types.js';
import type { ApiServer } from '../apiServer.js';
import type { VirtualClock } from '../clock.js';
import { objectKey } from '../store/objectStore.js';
import { matchesSelectorMap } from '../selectors.js';
import { WorkQueue, type Controller } from '../workqueue.js';
import { podEndpointEntries, repackSubsets, truncateSubsets, type EndpointEntry } from './endpointsSubsets.js';

export const ENDPOINTS_CONTROLLER = 'endpoints-controller';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
export const LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
export const OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';

interface Tracked {
  selector: Labels;
  /** Selected pods (by namespace/name) and what each adds; an empty list for a selected pod that is not an endpoint. */
  pods: Map<string, EndpointEntry[]>;
}

const isServiceIPSet = (svc: Service) => !!svc.spec.clusterIP && svc.spec.clusterIP !== 'None';
const hasSelector = (svc: Service) => svc.spec.type !== 'ExternalName' && !!svc.spec.selector && Object.keys(svc.spec.selector).length > 0;

export class EndpointsController implements Controller {
  readonly name = ENDPOINTS_CONTROLLER;
  readonly queue = new WorkQueue();
  private readonly tracked = new Map<string, Tracked>();
  /** Service names with a selector, per namespace: the candidates when a pod changes. */
  private readonly byNamespace = new Map<string, Set<string>>();
  /** Services whose pods' contributions changed since the last sync: written without comparing first. */
  private readonly podsChanged = new Set<string>();

  constructor(
    private readonly api: ApiServer,
    private readonly clock: VirtualClock,
  ) {
    api.watch({ kinds: ['Service', 'Pod', 'Endpoints'] }, (e) => {
      const o = e.object;
      if (o.kind === 'Service') this.serviceChanged(o, e.type === 'DELETED');
      else if (o.kind === 'Pod') this.podChanged(o, e.type === 'DELETED');
      else if (o.kind === 'Endpoints' && e.type === 'DELETED') {
        const key = objectKey(o.metadata.namespace, o.metadata.name!);
        if (this.tracked.has(key)) this.queue.add(key);
      }
    });
    for (const svc of api.store.list('Service')) this.serviceChanged(svc, false);
  }

  sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const svc = this.api.get('Service', namespace, name);
    const current = this.api.get('Endpoints', namespace, name);
    if (!svc) {
      this.podsChanged.delete(key);
      if (current) this.api.delete('Endpoints', namespace, name);
      return;
    }
    const tracked = this.tracked.get(key);
    if (!tracked) return; // no selector (the user manages its Endpoints) or ExternalName
    const podsChanged = this.podsChanged.delete(key);

    const entries: EndpointEntry[] = [];
    for (const list of tracked.pods.values()) for (const e of list) entries.push(e);
    const repacked = repackSubsets(entries);
    const truncated = truncateSubsets(repacked);
    const subsets = truncated ?? repacked;

    const currentLabels = { ...(current?.metadata.labels ?? {}) };
    delete currentLabels[HEADLESS_LABEL];
    const capacityOk = (current?.metadata.annotations?.[OVER_CAPACITY] === 'truncated') === !!truncated;
    const unchanged = () => sameLabels(currentLabels, svc.metadata.labels ?? {}) && capacityOk && JSON.stringify(current!.subsets ?? []) === JSON.stringify(subsets);
    if (current && !podsChanged && unchanged()) return;

    const labels: Labels = { ...(svc.metadata.labels ?? {}) };
    if (!isServiceIPSet(svc)) labels[HEADLESS_LABEL] = '';
    const annotations: Record<string, string> = { ...(current?.metadata.annotations ?? {}) };
    annotations[LAST_CHANGE_TRIGGER_TIME] = rfc3339Nano(this.clock.now());
    if (truncated) annotations[OVER_CAPACITY] = 'truncated';
    else delete annotations[OVER_CAPACITY];

    const metadata = { ...(current?.metadata ?? { name, namespace }), labels, annotations };
    if (Object.keys(labels).length === 0) delete (metadata as { labels?: Labels }).labels;
    const next: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata };
    if (subsets.length > 0) next.subsets = subsets;
    if (current) this.api.update(next);
    else this.api.create(next);
  }

  private serviceChanged(svc: Service, deleted: boolean): void {
    const ns = svc.metadata.namespace ?? 'default';
    const key = objectKey(ns, svc.metadata.name!);
    const names = this.byNamespace.get(ns);
    if (deleted || !hasSelector(svc)) {
      this.tracked.delete(key);
      names?.delete(svc.metadata.name!);
      if (names?.size === 0) this.byNamespace.delete(ns);
      if (deleted) this.queue.add(key);
      return;
    }
    // Selector, ports or publishNotReadyAddresses may have changed: recompute every pod of the namespace once.
    const tracked: Tracked = { selector: svc.spec.selector!, pods: new Map() };
    for (const pod of this.api.store.list('Pod', ns)) {
      if (matchesSelectorMap(tracked.selector, pod.metadata.labels)) tracked.pods.set(objectKey(ns, pod.metadata.name!), podEndpointEntries(svc, pod));
    }
    this.tracked.set(key, tracked);
    if (names) names.add(svc.metadata.name!);
    else this.byNamespace.set(ns, new Set([svc.metadata.name!]));
    this.queue.add(key);
  }

  private markChanged(key: string): void {
    this.podsChanged.add(key);
    this.queue.add(key);
  }

  private podChanged(pod: Pod, deleted: boolean): void {
    const ns = pod.metadata.namespace ?? 'default';
    const names = this.byNamespace.get(ns);
    if (!names) return;
    const podKey = objectKey(ns, pod.metadata.name!);
    for (const name of names) {
      const key = objectKey(ns, name);
      const tracked = this.tracked.get(key)!;
      const selected = !deleted && matchesSelectorMap(tracked.selector, pod.metadata.labels);
      const before = tracked.pods.get(podKey);
      if (!selected) {
        if (before !== undefined) {
          tracked.pods.delete(podKey);
          if (before.length > 0) this.markChanged(key);
        }
        continue;
      }
      const svc = this.api.store.get('Service', ns, name);
      if (!svc) continue;
      const after = podEndpointEntries(svc, pod);
      tracked.pods.set(podKey, after);
      if (before === undefined ? after.length > 0 : !sameJson(before, after)) this.markChanged(key);
    }
  }
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}

function sameLabels(a: Labels, b: Labels): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Go's RFC3339Nano: fractional seconds only when non-zero, trailing zeros dropped. */
function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d*?)0*Z$/, (_, frac: string) => (frac ? `.${frac}Z` : 'Z'));
}
