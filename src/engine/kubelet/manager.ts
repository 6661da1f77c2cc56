/**
 * The simulated kubelets, one per registered node, behind one controller named 'kubelet'. It routes pods bound to a
 * node to that node's kubelet, writes their status and events, removes deleted pods once their containers have
 * stopped, and lets the node lifecycle take a node's kubelet down and back up.
 */
import type { ConfigMap, Node, Pod, Secret } from '../api/types.js';
import type { Cluster } from '../cluster.js';
import type { ContainerUsage } from './container.js';
import { NodeKubelet } from './nodeKubelet.js';
import { PodWorker, type PodProbeStates } from './podWorker.js';
import { WorkQueue, type Controller } from '../workqueue.js';

export const KUBELET_CONTROLLER = 'kubelet';

/**
 * Queue keys: a pod's `namespace/name` as it is (its worker holds that string, so queueing a pod builds none), a
 * node's name behind this prefix (no namespace has a colon).
 */
const NODE = 'node:';

const terminal = (pod: Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export class KubeletManager implements Controller {
  readonly name = KUBELET_CONTROLLER;
  readonly queue = new WorkQueue();
  private readonly nodes = new Map<string, NodeKubelet>();
  /** Workers by pod `namespace/name`; more than one only while an old pod's node cannot report its end. */
  private readonly workers = new Map<string, PodWorker[]>();
  private readonly byUid = new Map<string, PodWorker>();
  /** Workers waiting on a ConfigMap or Secret, by namespace. */
  private readonly configWaiters = new Map<string, Set<PodWorker>>();
  private readonly imagesDirty = new Set<string>();
  /** The uid of the pod whose status is being written: the watch event of that write brings the kubelet nothing new. */
  private writing: string | undefined;

  constructor(private readonly cluster: Cluster) {
    const api = cluster.api;
    api.hooks.hasKubelet = (nodeName) => this.nodes.has(nodeName);
    api.watch({ kinds: ['Pod'] }, (e) => {
      const pod = e.object as Pod;
      if (pod.metadata.uid === this.writing) return;
      if (pod.spec.nodeName || this.workers.has(keyOf(pod))) this.queue.add(keyOf(pod));
    });
    api.watch({ kinds: ['Node'] }, (e) => this.queue.add(NODE + e.object.metadata.name));
    api.watch({ kinds: ['ConfigMap', 'Secret'] }, (e) => {
      if (e.type === 'DELETED') return;
      const waiting = this.configWaiters.get(e.object.metadata.namespace ?? 'default');
      if (!waiting) return;
      this.configWaiters.delete(e.object.metadata.namespace ?? 'default');
      for (const w of waiting) {
        w.configAvailable();
        this.queue.add(w.key);
      }
    });
    for (const node of cluster.store.list('Node')) this.queue.add(NODE + node.metadata.name);
  }

  // ---------- for the node lifecycle and the dashboard ----------

  /**
   * Takes a node's kubelet down (no status updates, probes, events or heartbeats; its containers keep running) or
   * brings it back: it reports at once, and stops pods whose objects were deleted meanwhile. Settle the cluster after.
   */
  setNodeDown(nodeName: string, down: boolean): void {
    const k = this.nodes.get(nodeName);
    if (!k || k.isDown() === down) return;
    if (down) {
      k.setDown(true);
      return;
    }
    for (const w of [...k.workers]) {
      const pod = this.cluster.store.get('Pod', w.namespace, w.name);
      if (!pod || pod.metadata.uid !== w.uid) this.drop(w);
    }
    k.setDown(false);
    for (const w of k.workers) {
      w.dirty = true;
      this.queue.add(w.key);
    }
    for (const pod of this.cluster.store.podsOnNode(nodeName)) this.queue.add(keyOf(pod));
    if (this.imagesDirty.has(nodeName)) this.queue.add(NODE + nodeName);
  }

  isNodeDown(nodeName: string): boolean {
    return this.nodes.get(nodeName)?.isDown() ?? false;
  }

  /** Virtual ms of the node's last heartbeat (every 10 s while up), undefined for a node without a kubelet. */
  lastHeartbeat(nodeName: string): number | undefined {
    return this.nodes.get(nodeName)?.lastHeartbeat();
  }

  /** Per container, its probes: last result and time, consecutive successes/failures, next probe time. */
  probeStates(namespace: string, podName: string): PodProbeStates[] {
    return this.current(namespace, podName)?.probeStates() ?? [];
  }

  /** Simulated CPU (millicores) and memory (bytes) use per running container. */
  resourceUsage(namespace: string, podName: string): ContainerUsage[] {
    return this.current(namespace, podName)?.usage() ?? [];
  }

  /** Images present on a node, biggest first (as node.status.images). */
  nodeImages(nodeName: string): string[] {
    return this.nodes.get(nodeName)?.images.list().map((i) => i.names[1] ?? i.names[0]!) ?? [];
  }

  private current(namespace: string, name: string): PodWorker | undefined {
    const pod = this.cluster.store.get('Pod', namespace, name);
    return pod ? this.byUid.get(pod.metadata.uid!) : undefined;
  }

  // ---------- reconcile ----------

  sync(key: string): void {
    if (key.startsWith(NODE)) this.syncNode(key.slice(NODE.length));
    else this.syncPod(key);
  }

  private syncNode(name: string): void {
    const node = this.cluster.store.get('Node', undefined, name);
    let k = this.nodes.get(name);
    if (!node) {
      if (k) {
        for (const w of [...k.workers]) this.drop(w);
        this.nodes.delete(name);
      }
      return;
    }
    if (!k) {
      const cidr = node.spec?.podCIDR;
      const hostIP = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
      if (!cidr || !hostIP) return; // not registered yet
      k = this.createKubelet(name, cidr, hostIP);
      for (const pod of this.cluster.store.podsOnNode(name)) this.queue.add(keyOf(pod));
    }
    if (this.imagesDirty.has(name) && !k.isDown()) {
      this.imagesDirty.delete(name);
      this.writeImages(node, k);
    }
  }

  private createKubelet(name: string, podCIDR: string, hostIP: string): NodeKubelet {
    const { cluster } = this;
    const k = new NodeKubelet({
      nodeName: name,
      clock: cluster.clock,
      seed: cluster.random.seed,
      hostIP,
      podCIDR,
      config: {
        configMap: (ns, n) => cluster.store.get('ConfigMap', ns, n) as ConfigMap | undefined,
        secret: (ns, n) => cluster.store.get('Secret', ns, n) as Secret | undefined,
      },
      changed: (w) => this.queue.add(w.key),
      watchConfig: (w) => {
        let set = this.configWaiters.get(w.namespace);
        if (!set) this.configWaiters.set(w.namespace, (set = new Set()));
        set.add(w);
      },
      imagesChanged: (n) => {
        this.imagesDirty.add(n);
        this.queue.add(NODE + n);
      },
      log: (ns, pod, container, time, text) => cluster.logs.append(ns, pod, container, time, text),
    });
    this.nodes.set(name, k);
    return k;
  }

  private writeImages(node: Node, k: NodeKubelet): void {
    const images = k.images.list().map((i) => ({ names: i.names, sizeBytes: i.sizeBytes }));
    this.cluster.api.updateStatus({ ...node, status: { ...(node.status ?? {}), images } });
  }

  private syncPod(key: string): void {
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const pod = this.cluster.store.get('Pod', namespace, name);
    // The pod's own worker is among the key's (a worker's key is its pod's namespace/name): no lookup by uid.
    let w: PodWorker | undefined;
    for (const x of this.workers.get(key) ?? []) {
      if (pod?.metadata.uid === x.uid) w = x;
      else if (!x.host.isDown()) this.drop(x);
    }
    if (!pod?.spec.nodeName) return;
    const k = this.nodes.get(pod.spec.nodeName);
    if (!k || k.isDown()) return;
    if (!w) {
      if (terminal(pod)) return;
      if (pod.metadata.deletionTimestamp) {
        // Deleted before this kubelet ran it: nothing to stop.
        this.remove(pod);
        return;
      }
      w = new PodWorker(k, pod);
      this.add(w, k);
    } else if (w.pod !== pod) {
      w.update(pod);
    }
    this.flush(w, k, pod);
  }

  private add(w: PodWorker, k: NodeKubelet): void {
    this.byUid.set(w.uid, w);
    const list = this.workers.get(w.key);
    if (list) list.push(w);
    else this.workers.set(w.key, [w]);
    k.workers.add(w);
  }

  private drop(w: PodWorker): void {
    w.dispose();
    this.byUid.delete(w.uid);
    const list = (this.workers.get(w.key) ?? []).filter((x) => x !== w);
    if (list.length) this.workers.set(w.key, list);
    else this.workers.delete(w.key);
    this.nodes.get(w.host.nodeName)?.workers.delete(w);
    this.configWaiters.get(w.namespace)?.delete(w);
  }

  /**
   * Writes events and status; removes a pod whose deletion finished; lets go of a finished pod. `pod` is the stored
   * version the worker runs (syncPod just read it, and nothing between writes to the API).
   */
  private flush(w: PodWorker, k: NodeKubelet, pod: Pod): void {
    const { api, events } = this.cluster;
    if (w.events.length > 0) {
      const pending = w.events.splice(0);
      for (const e of pending) events.record(pod, e.type, e.reason, e.message, { component: 'kubelet', host: k.nodeName });
    }
    if (w.dirty) {
      w.dirty = false;
      // The API server drops a write that changes nothing.
      // The worker builds the status anew each time (stored parts and finished container states aside, which never
      // change): nothing to copy.
      this.writing = w.uid;
      try {
        pod = api.updateStatus({ ...pod, status: w.status(pod.status) }, { owned: true });
      } finally {
        this.writing = undefined;
      }
      w.pod = pod;
    }
    if (w.removable) {
      this.drop(w);
      if (w.hasLogs) this.cluster.logs.dropPod(w.namespace, w.name);
      this.remove(pod);
    } else if (w.finished) {
      this.drop(w);
    }
  }

  /** The kubelet's final delete: the object goes now, or when its finalizers are gone. */
  private remove(pod: Pod): void {
    const { api } = this.cluster;
    if ((pod.metadata.finalizers ?? []).length > 0) {
      api.delete('Pod', pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0 });
    } else {
      api.finalizeRemoval(pod);
    }
  }
}

function keyOf(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

/** Installs the kubelets (idempotent): returns the one manager. */
export function installKubelets(cluster: Cluster): KubeletManager {
  const existing = cluster.controller<KubeletManager>(KUBELET_CONTROLLER);
  if (existing) return existing;
  const manager = new KubeletManager(cluster);
  cluster.addController(manager);
  for (const pod of cluster.store.list('Pod')) if (pod.spec.nodeName) manager.queue.add(keyOf(pod));
  cluster.settle();
  return manager;
}
