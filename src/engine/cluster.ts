/**
 * The in-process cluster: store, API server, virtual clock, seeded randomness, event recorder and controllers.
 * Writes through the Cluster (what a user or kubectl does) settle the controllers before returning, so the result
 * of an action is visible at once in virtual time.
 */
import type { AnyObject, KindMap, KindName } from './api/types.js';
import { ApiServer } from './apiServer.js';
import type { ClusterClient, DeleteOptions, ListOptions, WatchEvent, WatchOptions } from './client.js';
import { DEFAULT_START, VirtualClock } from './clock.js';
import { GarbageCollector } from './controllers/garbageCollector.js';
import { NamespaceController } from './controllers/namespaceController.js';
import { NodeRegistrar } from './controllers/nodeRegistrar.js';
import { EventRecorder } from './events.js';
import { ContainerLogs } from './logs.js';
import { defaultNodes } from './nodes.js';
import { SeededRandom } from './random.js';
import { ObjectStore } from './store/objectStore.js';
import type { Controller } from './workqueue.js';

export interface ClusterOptions {
  /** Seeds names, uids, IPs and jitter (default 1). */
  seed?: number;
  /** Virtual start time, epoch ms (default 2025-01-01T00:00:00Z). */
  start?: number;
}

/** How long a run may go before `runUntilIdle` gives up waiting for quiet: 10 simulated minutes. */
export const DEFAULT_IDLE_LIMIT_MS = 10 * 60 * 1000;
const MAX_SETTLE_ROUNDS = 10_000;

export const SYSTEM_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'] as const;

export class Cluster implements ClusterClient {
  readonly clock: VirtualClock;
  readonly random: SeededRandom;
  readonly store: ObjectStore;
  readonly api: ApiServer;
  readonly events: EventRecorder;
  readonly logs = new ContainerLogs();
  private readonly controllers: Controller[] = [];
  private settling = false;

  constructor(options: ClusterOptions = {}) {
    this.clock = new VirtualClock(options.start ?? DEFAULT_START);
    this.random = new SeededRandom(options.seed ?? 1);
    this.store = new ObjectStore();
    this.api = new ApiServer(this.store, this.clock, this.random);
    this.events = new EventRecorder(this.api, this.clock);
    this.addController(new GarbageCollector(this.api));
    this.addController(new NamespaceController(this.api));
    this.addController(new NodeRegistrar(this.api, this.clock));
    for (const name of SYSTEM_NAMESPACES) this.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }

  addController(controller: Controller): void {
    if (this.hasController(controller.name)) throw new Error(`controller ${controller.name} is already installed`);
    this.controllers.push(controller);
  }

  hasController(name: string): boolean {
    return this.controllers.some((c) => c.name === name);
  }

  /** An installed controller by name, for the parts of the engine (and the dashboard) that read its state. */
  controller<T extends Controller>(name: string): T | undefined {
    return this.controllers.find((c) => c.name === name) as T | undefined;
  }

  /** Creates the default kind-like nodes unless the cluster already has nodes (declared in manifests). */
  ensureDefaultNodes(workers = 3): void {
    if (this.store.count('Node') > 0) return;
    for (const node of defaultNodes(workers)) this.api.create(node);
    this.settle();
  }

  // ---------- time ----------

  /** Runs every controller until none has work left, at the current virtual time. */
  settle(): void {
    if (this.settling) return;
    this.settling = true;
    try {
      for (let round = 0; ; round++) {
        let worked = false;
        for (const c of this.controllers) {
          if (c.queue.length === 0) continue;
          worked = true;
          for (const key of c.queue.drain()) c.sync(key);
        }
        if (!worked) return;
        if (round >= MAX_SETTLE_ROUNDS) throw new Error('controllers did not settle: a reconcile loop keeps producing work');
      }
    } finally {
      this.settling = false;
    }
  }

  advance(ms: number): void {
    this.advanceTo(this.clock.now() + ms);
  }

  advanceTo(target: number): void {
    this.settle();
    this.clock.advanceTo(target, () => this.settle());
  }

  /**
   * Runs until nothing is scheduled (background timers aside) or `limitMs` of virtual time has passed.
   * Returns the virtual time it stopped at.
   */
  runUntilIdle(limitMs = DEFAULT_IDLE_LIMIT_MS): number {
    const deadline = this.clock.now() + limitMs;
    this.settle();
    for (;;) {
      const next = this.clock.nextAt(true);
      if (next === undefined || next > deadline) break;
      this.advanceTo(next);
    }
    if (this.clock.hasActiveTimers()) this.advanceTo(deadline);
    return this.clock.now();
  }

  // ---------- ClusterClient: what users and kubectl do ----------

  get<K extends KindName>(kind: K, namespace: string | undefined, name: string): KindMap[K] | undefined {
    return this.api.get(kind, namespace, name);
  }

  list<K extends KindName>(kind: K, options?: ListOptions): KindMap[K][] {
    return this.api.list(kind, options);
  }

  watch(options: WatchOptions, handler: (event: WatchEvent) => void): () => void {
    return this.api.watch(options, handler);
  }

  create<T extends AnyObject>(object: T): T {
    return this.settled(() => this.api.create(object));
  }

  update<T extends AnyObject>(object: T): T {
    return this.settled(() => this.api.update(object));
  }

  updateStatus<T extends AnyObject>(object: T): T {
    return this.settled(() => this.api.updateStatus(object));
  }

  delete<K extends KindName>(kind: K, namespace: string | undefined, name: string, options?: DeleteOptions): KindMap[K] | undefined {
    this.api.delete(kind, namespace, name, options);
    this.settle();
    return this.api.get(kind, namespace, name);
  }

  private settled<T>(fn: () => T): T {
    const result = fn();
    this.settle();
    return result;
  }
}

export function createCluster(options: ClusterOptions = {}): Cluster {
  return new Cluster(options);
}
