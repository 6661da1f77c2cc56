/**
 * The node lifecycle controller (pkg/controller/nodelifecycle) and the kubelet's node-level events it stands in for:
 *
 * - registration and removal events (RegisteredNode, RemovingNode);
 * - NoSchedule taints from conditions and `spec.unschedulable` (cordon), as TaintNodesByCondition does;
 * - node health: a node whose heartbeats stop goes Unknown 40 s (node-monitor-grace-period) after its last one, with
 *   NodeStatusUnknown conditions, a NodeNotReady event, and its pods marked not Ready; one monitor period (5 s) later
 *   it gets the `unreachable` NoExecute taint (`not-ready` when the kubelet reports Ready=False), rate-limited per zone
 *   (0.1 nodes/s; 0.01 or none in a partially disrupted zone; none at all when every node is down: "master
 *   disruption mode"). The taint-eviction controller then evicts the pods after their tolerationSeconds.
 *
 * Health is event-driven rather than polled every 5 s, so a 5,000-node cluster costs nothing while its nodes are
 * healthy: a timer exists only for a node whose heartbeats stopped.
 */
import type { Condition } from '../api/meta.js';
import type { Node, Pod } from '../api/types.js';
import type { ApiServer } from '../apiServer.js';
import type { TimerHandle, VirtualClock } from '../clock.js';
import type { Cluster } from '../cluster.js';
import type { EventRecorder } from '../events.js';
import { readyConditions } from '../nodes.js';
import { WorkQueue, type Controller } from '../workqueue.js';
import { POD_GC_CONTROLLER, PodGarbageCollector } from './nodeLifecyclePodGC.js';
import { TAINT_EVICTION_CONTROLLER, TaintEvictionController } from './nodeLifecycleTaintEviction.js';
import {
  computeZoneState, noScheduleSwap, readyCondition, readyStatus, swapTaints, TAINT_NOT_READY, TAINT_UNREACHABLE, zoneKey,
  type ReadyStatus, type TaintSwap, type ZoneState,
} from './nodeLifecycleTaints.js';

export const NODE_LIFECYCLE_CONTROLLER = 'node-lifecycle-controller';
export const NODE_MONITOR_GRACE_PERIOD_MS = 40_000;
export const NODE_MONITOR_PERIOD_MS = 5_000;
export const EVICTION_LIMITER_QPS = 0.1;
export const SECONDARY_EVICTION_LIMITER_QPS = 0.01;
export const LARGE_CLUSTER_THRESHOLD = 50;
const EXCLUDE_DISRUPTION_LABEL = 'node.kubernetes.io/exclude-disruption';
const NODE_CONTROLLER = { component: 'node-controller' };

/** What the kubelet controller offers for node failure (another module builds it; optional). */
export interface KubeletHeartbeats extends Controller {
  setNodeDown(nodeName: string, down: boolean): void;
  lastHeartbeat(nodeName: string): number | undefined;
}

interface NodeHealth {
  /** When the controller last saw the node's kubelet alive. */
  probeTimestamp: number;
  /** Heartbeats stopped (node failure). */
  down: boolean;
  zone: string;
  excluded: boolean;
  /** The Ready status last seen, and its heartbeat time (a kubelet post changes it; our own Unknown does not). */
  ready: ReadyStatus;
  heartbeat: string | undefined;
  /** The kubelet's lastNodeUnschedulable, for NodeSchedulable / NodeNotSchedulable. */
  unschedulable: boolean;
  graceTimer?: TimerHandle;
  passTimer?: TimerHandle;
}

/** A token bucket with burst 1 (flowcontrol.NewTokenBucketRateLimiter(qps, 1)); qps 0 never admits. */
class TokenBucket {
  private tokens = 1;
  constructor(
    readonly qps: number,
    private last: number,
  ) {}

  tryAccept(now: number): boolean {
    if (this.qps <= 0) return false;
    this.tokens = Math.min(1, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  nextTokenAt(now: number): number {
    return now + Math.ceil(((1 - this.tokens) / this.qps) * 1000);
  }
}

interface Zone {
  nodes: Set<string>;
  notReady: Set<string>;
  state: ZoneState;
  limiter: TokenBucket;
  /** The NoExecute tainting queue; `marked` keeps processed nodes until they are reachable again (UniqueQueue). */
  queue: string[];
  marked: Set<string>;
  timer?: TimerHandle;
}

export class NodeLifecycleController implements Controller {
  readonly name = NODE_LIFECYCLE_CONTROLLER;
  readonly queue = new WorkQueue();
  private readonly health = new Map<string, NodeHealth>();
  private readonly zones = new Map<string, Zone>();

  constructor(
    private readonly api: ApiServer,
    private readonly clock: VirtualClock,
    private readonly events: EventRecorder,
  ) {
    api.watch({ kinds: ['Node'] }, (e) => {
      const node = e.object as Node;
      if (e.type === 'ADDED') this.nodeAdded(node);
      else if (e.type === 'DELETED') this.nodeDeleted(node);
      else this.queue.add(`node:${node.metadata.name}`);
    });
    for (const node of api.store.list('Node')) this.nodeAdded(node);
  }

  // ---------- what node failure scenarios call ----------

  /** Whether the node's heartbeats are stopped. */
  isDown(nodeName: string): boolean {
    return this.health.get(nodeName)?.down ?? false;
  }

  /** The node stopped heartbeating at `lastHeartbeat` (default: now): it goes Unknown a grace period later. */
  heartbeatStopped(nodeName: string, lastHeartbeat = this.clock.now()): void {
    const h = this.health.get(nodeName);
    if (!h || h.down) return;
    h.down = true;
    // While up, heartbeats count as continuous; the last one is when the kubelet stopped.
    h.probeTimestamp = Math.min(lastHeartbeat, this.clock.now());
    this.armGraceTimer(nodeName, h);
  }

  /** Heartbeats resumed; the kubelet (or, without one, this controller) posts Ready again. */
  heartbeatResumed(nodeName: string): void {
    const h = this.health.get(nodeName);
    if (!h || !h.down) return;
    h.down = false;
    h.probeTimestamp = this.clock.now();
    this.clock.cancel(h.graceTimer);
    h.graceTimer = undefined;
    this.queue.add(`node:${nodeName}`);
  }

  /** Stands in for the kubelet when none is installed: posts healthy conditions, as a restarted kubelet would. */
  postReadyStatus(nodeName: string): void {
    const node = this.api.get('Node', undefined, nodeName);
    if (!node || readyStatus(node) === 'True') return;
    const now = this.clock.nowRfc3339();
    const fresh = readyConditions(now);
    const conditions = (node.status?.conditions ?? []).filter((c) => !fresh.some((f) => f.type === c.type));
    this.api.updateStatus<Node>({ ...node, status: { ...node.status, conditions: [...fresh, ...conditions] } });
    this.events.record(node, 'Normal', 'NodeReady', `Node ${nodeName} status is now: NodeReady`, { component: 'kubelet', host: nodeName });
  }

  /** The zone state the disruption logic sees (for the dashboard and tests). */
  zoneState(zone = ''): ZoneState | undefined {
    return this.zones.get(zone)?.state;
  }

  // ---------- reconcile ----------

  sync(key: string): void {
    const colon = key.indexOf(':');
    const kind = key.slice(0, colon);
    const arg = key.slice(colon + 1);
    if (kind === 'node') this.syncNode(arg);
    else if (kind === 'pass') this.monitorPass(arg);
    else if (kind === 'taint') this.taintingPass(arg);
    else if (kind === 'zones') this.handleDisruption();
  }

  private nodeAdded(node: Node): void {
    const name = node.metadata.name!;
    const zone = zoneKey(node);
    const ready = readyStatus(node);
    const h: NodeHealth = {
      probeTimestamp: this.clock.now(),
      down: false,
      zone,
      excluded: EXCLUDE_DISRUPTION_LABEL in (node.metadata.labels ?? {}),
      ready,
      heartbeat: readyCondition(node)?.lastHeartbeatTime,
      unschedulable: false,
    };
    this.health.set(name, h);
    this.countInZone(name, h);
    this.events.record(node, 'Normal', 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`, NODE_CONTROLLER);
    this.queue.add(`node:${name}`);
    this.queue.add('zones:');
  }

  private nodeDeleted(node: Node): void {
    const name = node.metadata.name!;
    const h = this.health.get(name);
    if (h) {
      this.clock.cancel(h.graceTimer);
      this.clock.cancel(h.passTimer);
      const zone = this.zones.get(h.zone);
      if (zone) {
        zone.nodes.delete(name);
        zone.notReady.delete(name);
        zone.marked.delete(name);
        zone.queue = zone.queue.filter((n) => n !== name);
        if (zone.nodes.size === 0) {
          this.clock.cancel(zone.timer);
          this.zones.delete(h.zone);
        }
      }
      this.health.delete(name);
    }
    this.events.record(node, 'Normal', 'RemovingNode', `Node ${name} event: Removing Node ${name} from Controller`, NODE_CONTROLLER);
    this.queue.add('zones:');
  }

  /** A node changed: heartbeats, Ready transitions, NoSchedule taints, the kubelet's schedulable events. */
  private syncNode(name: string): void {
    const node = this.api.get('Node', undefined, name);
    const h = this.health.get(name);
    if (!node || !h) return;
    const cond = readyCondition(node);
    if (cond?.lastHeartbeatTime !== h.heartbeat) {
      h.heartbeat = cond?.lastHeartbeatTime;
      if (!h.down) h.probeTimestamp = this.clock.now();
    }
    const zone = zoneKey(node);
    if (zone !== h.zone) {
      this.uncountInZone(name, h);
      h.zone = zone;
      this.countInZone(name, h);
      this.queue.add('zones:');
    }
    if (cond?.status !== h.ready) {
      h.ready = cond?.status;
      this.countInZone(name, h);
      this.queue.add('zones:');
      // The monitor loop sees the new status on its next pass, one period later.
      this.schedulePass(name, h, this.clock.now() + NODE_MONITOR_PERIOD_MS);
    }
    this.swap(node, noScheduleSwap(node));
    const unschedulable = node.spec?.unschedulable ?? false;
    if (!h.down && unschedulable !== h.unschedulable) {
      h.unschedulable = unschedulable;
      const status = unschedulable ? 'NodeNotSchedulable' : 'NodeSchedulable';
      this.events.record(node, 'Normal', status, `Node ${name} status is now: ${status}`, { component: 'kubelet', host: name });
    }
  }

  /** One monitorNodeHealth pass over one node. */
  private monitorPass(name: string): void {
    let node = this.api.get('Node', undefined, name);
    const h = this.health.get(name);
    if (!node || !h) return;
    h.passTimer = undefined;
    const observed = readyStatus(node);
    if (this.heartbeatExpired(h)) node = this.markUnknown(node);
    const current = readyStatus(node);
    this.processTaintBasedEviction(node, h, observed);
    if (current !== 'True' && observed === 'True') {
      this.events.record(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`, NODE_CONTROLLER);
      this.markPodsNotReady(name);
    }
  }

  private heartbeatExpired(h: NodeHealth): boolean {
    return h.down && this.clock.now() >= h.probeTimestamp + NODE_MONITOR_GRACE_PERIOD_MS;
  }

  /** tryUpdateNodeHealth past the grace period: the kubelet's conditions become Unknown. */
  private markUnknown(node: Node): Node {
    const now = this.clock.nowRfc3339();
    const conditions: Condition[] = [...(node.status?.conditions ?? [])];
    let changed = false;
    for (const type of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']) {
      const i = conditions.findIndex((c) => c.type === type);
      if (i < 0) {
        conditions.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: now });
        changed = true;
      } else if (conditions[i]!.status !== 'Unknown') {
        conditions[i] = { ...conditions[i]!, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: now };
        changed = true;
      }
    }
    if (!changed) return node;
    return this.api.updateStatus<Node>({ ...node, status: { ...node.status, conditions } });
  }

  /** processTaintBaseEviction, on the Ready status as it was when the pass began. */
  private processTaintBasedEviction(node: Node, h: NodeHealth, observed: ReadyStatus): void {
    const taints = node.spec?.taints ?? [];
    const has = (key: string) => taints.some((t) => t.key === key && t.effect === 'NoExecute');
    if (observed === 'False') {
      if (has(TAINT_UNREACHABLE)) this.swap(node, { add: [{ key: TAINT_NOT_READY, effect: 'NoExecute' }], remove: [{ key: TAINT_UNREACHABLE, effect: 'NoExecute' }] });
      else this.markForTainting(node.metadata.name!, h);
    } else if (observed === 'Unknown') {
      if (has(TAINT_NOT_READY)) this.swap(node, { add: [{ key: TAINT_UNREACHABLE, effect: 'NoExecute' }], remove: [{ key: TAINT_NOT_READY, effect: 'NoExecute' }] });
      else this.markForTainting(node.metadata.name!, h);
    } else if (observed === 'True') {
      this.markReachable(node, h);
    }
  }

  /** MarkPodsNotReady: each pod's Ready condition goes False, with a NodeNotReady warning on the pod. */
  private markPodsNotReady(nodeName: string): void {
    const now = this.clock.nowRfc3339();
    for (const pod of this.api.store.podsOnNode(nodeName)) {
      const conditions = pod.status?.conditions ?? [];
      const i = conditions.findIndex((c) => c.type === 'Ready');
      if (i < 0 || conditions[i]!.status === 'False') continue;
      const next = [...conditions];
      next[i] = { ...conditions[i]!, status: 'False', lastTransitionTime: now };
      const updated = this.api.updateStatus<Pod>({ ...pod, status: { ...pod.status, conditions: next } });
      this.events.record(updated, 'Warning', 'NodeNotReady', 'Node is not ready', NODE_CONTROLLER);
    }
  }

  // ---------- NoExecute tainting, rate-limited per zone ----------

  private markForTainting(name: string, h: NodeHealth): void {
    const zone = this.zones.get(h.zone);
    if (!zone || zone.marked.has(name)) return;
    zone.marked.add(name);
    zone.queue.push(name);
    this.queue.add(`taint:${h.zone}`);
  }

  private markReachable(node: Node, h: NodeHealth): void {
    this.swap(node, { add: [], remove: [{ key: TAINT_UNREACHABLE, effect: 'NoExecute' }, { key: TAINT_NOT_READY, effect: 'NoExecute' }] });
    const zone = this.zones.get(h.zone);
    if (!zone) return;
    zone.marked.delete(node.metadata.name!);
    zone.queue = zone.queue.filter((n) => n !== node.metadata.name);
  }

  /** doNoExecuteTaintingPass for one zone: taint queued nodes while the zone's limiter admits them. */
  private taintingPass(zoneName: string): void {
    const zone = this.zones.get(zoneName);
    if (!zone) return;
    const now = this.clock.now();
    while (zone.queue.length > 0) {
      if (!zone.limiter.tryAccept(now)) {
        if (zone.limiter.qps > 0 && !zone.timer) {
          zone.timer = this.clock.at(zone.limiter.nextTokenAt(now), () => {
            zone.timer = undefined;
            this.queue.add(`taint:${zoneName}`);
          });
        }
        return;
      }
      const name = zone.queue.shift()!;
      const node = this.api.get('Node', undefined, name);
      const status = node && readyStatus(node);
      if (!node || (status !== 'False' && status !== 'Unknown')) continue;
      const [add, opposite] = status === 'False' ? [TAINT_NOT_READY, TAINT_UNREACHABLE] : [TAINT_UNREACHABLE, TAINT_NOT_READY];
      this.swap(node, { add: [{ key: add, effect: 'NoExecute' }], remove: [{ key: opposite, effect: 'NoExecute' }] });
    }
  }

  // ---------- zones and disruption ----------

  private countInZone(name: string, h: NodeHealth): void {
    if (h.excluded) return;
    let zone = this.zones.get(h.zone);
    if (!zone) {
      zone = { nodes: new Set(), notReady: new Set(), state: 'Initial', limiter: new TokenBucket(EVICTION_LIMITER_QPS, this.clock.now()), queue: [], marked: new Set() };
      this.zones.set(h.zone, zone);
    }
    zone.nodes.add(name);
    if (h.ready === 'True') zone.notReady.delete(name);
    else zone.notReady.add(name);
  }

  private uncountInZone(name: string, h: NodeHealth): void {
    const zone = this.zones.get(h.zone);
    zone?.nodes.delete(name);
    zone?.notReady.delete(name);
  }

  /** handleDisruption: per-zone states set the tainting rate; all zones down stops tainting altogether. */
  private handleDisruption(): void {
    if (this.zones.size === 0) return;
    const newStates = new Map<string, ZoneState>();
    let allAreFullyDisrupted = true;
    for (const [name, zone] of this.zones) {
      const state = computeZoneState(zone.nodes.size - zone.notReady.size, zone.notReady.size);
      newStates.set(name, state);
      if (state !== 'FullDisruption') allAreFullyDisrupted = false;
    }
    const allWasFullyDisrupted = [...this.zones.values()].every((z) => z.state === 'FullDisruption');
    if (allAreFullyDisrupted && allWasFullyDisrupted) return;
    if (allAreFullyDisrupted) {
      // "Controller detected that all Nodes are not-Ready. Entering master disruption mode."
      for (const [name, h] of this.health) {
        const node = this.api.get('Node', undefined, name);
        if (node) this.markReachable(node, h);
      }
      for (const zone of this.zones.values()) {
        this.swapLimiter(zone, 0);
        zone.state = 'FullDisruption';
      }
      return;
    }
    if (allWasFullyDisrupted) {
      // "Controller detected that some Nodes are Ready. Exiting master disruption mode."
      const now = this.clock.now();
      for (const [name, h] of this.health) {
        h.probeTimestamp = now;
        if (h.down) this.armGraceTimer(name, h);
      }
      for (const [name, zone] of this.zones) this.setZoneState(name, zone, newStates.get(name)!);
      return;
    }
    for (const [name, zone] of this.zones) if (zone.state !== newStates.get(name)) this.setZoneState(name, zone, newStates.get(name)!);
  }

  private setZoneState(name: string, zone: Zone, state: ZoneState): void {
    const qps = state === 'PartialDisruption' ? (zone.nodes.size > LARGE_CLUSTER_THRESHOLD ? SECONDARY_EVICTION_LIMITER_QPS : 0) : EVICTION_LIMITER_QPS;
    this.swapLimiter(zone, qps);
    zone.state = state;
    if (zone.queue.length > 0) this.queue.add(`taint:${name}`);
  }

  private swapLimiter(zone: Zone, qps: number): void {
    if (zone.limiter.qps === qps) return;
    zone.limiter = new TokenBucket(qps, this.clock.now());
    this.clock.cancel(zone.timer);
    zone.timer = undefined;
  }

  // ---------- helpers ----------

  private armGraceTimer(name: string, h: NodeHealth): void {
    this.clock.cancel(h.graceTimer);
    h.graceTimer = this.clock.at(h.probeTimestamp + NODE_MONITOR_GRACE_PERIOD_MS, () => {
      h.graceTimer = undefined;
      this.queue.add(`pass:${name}`);
    });
  }

  private schedulePass(name: string, h: NodeHealth, at: number): void {
    if (h.passTimer && h.passTimer.at <= at) return;
    this.clock.cancel(h.passTimer);
    h.passTimer = this.clock.at(at, () => {
      h.passTimer = undefined;
      this.queue.add(`pass:${name}`);
    });
  }

  private swap(node: Node, swap: TaintSwap): void {
    const latest = this.api.get('Node', undefined, node.metadata.name!) ?? node;
    const taints = swapTaints(latest.spec?.taints ?? [], swap, this.clock.nowRfc3339());
    if (!taints) return;
    const spec = { ...(latest.spec ?? {}), taints };
    if (taints.length === 0) delete (spec as { taints?: unknown }).taints;
    this.api.update<Node>({ ...latest, spec });
  }
}

/**
 * Installs, once per cluster, the node lifecycle controller, the taint-eviction controller and the pod garbage
 * collector's orphan sweep. Returns the node lifecycle controller.
 */
export function installNodeLifecycle(cluster: Cluster): NodeLifecycleController {
  const existing = cluster.controller<NodeLifecycleController>(NODE_LIFECYCLE_CONTROLLER);
  if (existing) return existing;
  const controller = new NodeLifecycleController(cluster.api, cluster.clock, cluster.events);
  cluster.addController(controller);
  if (!cluster.hasController(TAINT_EVICTION_CONTROLLER)) cluster.addController(new TaintEvictionController(cluster.api, cluster.clock, cluster.events));
  if (!cluster.hasController(POD_GC_CONTROLLER)) cluster.addController(new PodGarbageCollector(cluster.api, cluster.clock));
  cluster.settle();
  return controller;
}
