/**
 * One pod on one node, as the kubelet's pod worker runs it: admission, volumes, the sandbox and its IP, init
 * containers in order (sidecars first started), then the app containers; completion; graceful termination; and the
 * status the kubelet reports (phase, conditions, container statuses).
 */
import type { Condition } from '../api/meta.js';
import type { Container, Pod, PodStatus } from '../api/types.js';
import type { TimerHandle, VirtualClock } from '../clock.js';
import { BoundedMemo } from '../boundedMemo.js';
import type { EventType } from '../events.js';
import type { ConfigReader } from './containerConfig.js';
import { unmountableVolume } from './containerConfig.js';
import { ContainerRuntime, type ContainerKind, type ContainerUsage } from './container.js';
import { between } from './hash.js';
import type { ImageStore } from './imageStore.js';
import type { PodCidr } from './ipam.js';
import { shallowCopy } from '../store/immutable.js';
import { kubeletConditions, mergeConditions, podPhase } from './podStatus.js';
import type { ProbeState } from './probes.js';

/** Every pod on a node lists the same host IPs: one array per node address, shared (stored objects never change). */
const hostIPLists = new BoundedMemo<NonNullable<PodStatus['hostIPs']>>(8192);
const hostIPsOf = (ip: string): NonNullable<PodStatus['hostIPs']> => hostIPLists.get(ip, () => [{ ip }]);

/** What a pod worker needs from its node's kubelet. */
export interface NodeHost {
  readonly nodeName: string;
  readonly clock: VirtualClock;
  readonly seed: number;
  readonly config: ConfigReader;
  readonly images: ImageStore;
  readonly ipam: PodCidr;
  hostIP(): string;
  isDown(): boolean;
  /** A kubelet action: now, or once the node is back up. */
  run(fn: () => void): void;
  /** The worker has status or events to report. */
  changed(worker: PodWorker): void;
  /** The worker waits on a ConfigMap or Secret. */
  watchConfig(worker: PodWorker): void;
  log(namespace: string, pod: string, container: string, time: number, text: string): void;
}

export interface PendingEvent {
  type: EventType;
  reason: string;
  message: string;
}

export interface PodProbeStates {
  container: string;
  probes: ProbeState[];
}

const DEADLINE_MESSAGE = 'Pod was active on the node longer than the specified deadline';

export class PodWorker {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
  readonly hostname: string;
  pod: Pod;
  private readonly containers: ContainerRuntime[];
  private sandboxReady = false;
  podIP: string | undefined;
  private readonly startTime: string;
  private timer: TimerHandle | undefined;
  private deadlineTimer: TimerHandle | undefined;
  private killTimer: TimerHandle | undefined;
  /** Set once the pod is being torn down: deletion (removed afterwards) or its active deadline. */
  terminating: { killAt: number; mode: 'delete' | 'deadline' } | undefined;
  /** All regular containers ended for good: the pod is finishing (sidecars being stopped). */
  completing = false;
  /** Terminal: nothing runs any more; the status is final. */
  finished = false;
  /** Deleted and fully stopped: the manager removes the pod object. */
  removable = false;
  dirty = true;
  readonly events: PendingEvent[] = [];
  private reason: string | undefined;
  private message: string | undefined;
  hasLogs = false;
  disposed = false;

  /** `web_default(uid)`, as the kubelet names a pod in messages (made when needed: few pods are ever named). */
  get podDesc(): string {
    return `${this.name}_${this.namespace}(${this.uid})`;
  }

  constructor(
    readonly host: NodeHost,
    pod: Pod,
  ) {
    this.pod = pod;
    this.uid = pod.metadata.uid!;
    this.namespace = pod.metadata.namespace ?? 'default';
    this.name = pod.metadata.name!;
    this.key = `${this.namespace}/${this.name}`;
    this.hostname = pod.spec.hostname ?? this.name;
    this.startTime = host.clock.nowRfc3339();
    const kind = (c: Container): ContainerKind => (c.restartPolicy === 'Always' ? 'sidecar' : 'init');
    // Init containers first; concat makes an array of the final size (a spread keeps room for 17).
    const inits = (pod.spec.initContainers ?? []).map((c) => new ContainerRuntime(this, c, kind(c)));
    this.containers = inits.concat(pod.spec.containers.map((c) => new ContainerRuntime(this, c, 'app')));
    this.admit();
  }

  // ---------- reporting ----------

  changed(): void {
    if (this.disposed) return;
    this.dirty = true;
    this.host.changed(this);
  }

  event(type: EventType, reason: string, message: string): void {
    if (this.disposed || this.host.isDown()) return;
    this.events.push({ type, reason, message });
    this.host.changed(this);
  }

  log(container: string, text: string): void {
    this.hasLogs = true;
    this.host.log(this.namespace, this.name, container, this.host.clock.now(), text);
  }

  graceMs(): number {
    return (this.pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;
  }

  probeStates(): PodProbeStates[] {
    return this.containers.filter((c) => c.kind !== 'init').map((c) => ({ container: c.name, probes: c.probeStates() }));
  }

  usage(): ContainerUsage[] {
    const now = this.host.clock.now();
    return this.containers.filter((c) => c.kind !== 'init' || c.running()).map((c) => c.usage(now));
  }

  // ---------- lifecycle ----------

  private jitter(purpose: string, min: number, max: number): number {
    return Math.round(between(min, max, this.host.seed, purpose, this.uid));
  }

  private schedule(ms: number, fn: () => void, background = false): void {
    const clock = this.host.clock;
    clock.cancel(this.timer);
    this.timer = clock.after(ms, () => {
      this.timer = undefined;
      this.host.run(fn);
    }, { background });
  }

  private admit(): void {
    const deadline = this.pod.spec.activeDeadlineSeconds;
    if (deadline !== undefined) {
      this.deadlineTimer = this.host.clock.after(deadline * 1000, () => this.host.run(() => this.deadlineExceeded()));
    }
    this.changed();
    this.setUpVolumes();
  }

  private volumesPending = false;

  private setUpVolumes(): void {
    if (this.terminating || this.disposed) return;
    const error = unmountableVolume(this.pod, this.host.config);
    if (error) {
      this.event('Warning', 'FailedMount', error);
      this.volumesPending = true;
      this.host.watchConfig(this);
      this.schedule(120_000, () => this.setUpVolumes(), true);
      return;
    }
    this.volumesPending = false;
    this.schedule(this.jitter('sandbox', 200, 700), () => this.sandboxCreated());
  }

  /** A ConfigMap or Secret appeared in the namespace. */
  configAvailable(): void {
    if (this.volumesPending) this.schedule(0, () => this.setUpVolumes());
    for (const c of this.containers) c.retryConfig();
  }

  private sandboxCreated(): void {
    if (this.terminating || this.disposed) return;
    const ip = this.pod.spec.hostNetwork ? this.host.hostIP() : this.host.ipam.allocate();
    if (!ip) {
      this.event('Warning', 'FailedCreatePodSandBox',
        `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox: plugin type="host-local" failed (add): failed to allocate for range 0: no IP addresses available in range set: ${this.host.ipam.cidr}`);
      this.schedule(10_000, () => this.sandboxCreated(), true);
      return;
    }
    this.podIP = ip;
    this.sandboxReady = true;
    this.changed();
    this.reconcile();
  }

  /** SyncPod: starts what should run next. */
  reconcile(): void {
    if (this.finished || this.terminating || !this.sandboxReady || this.disposed) return;
    if (!this.completing) {
      for (const c of this.containers) {
        if (c.kind === 'app') {
          if (c.isNew()) c.start();
          continue;
        }
        if (c.kind === 'sidecar') {
          if (c.isNew()) {
            c.start();
            return;
          }
          if (!c.hasStarted()) return;
          continue;
        }
        if (c.succeeded()) continue;
        if (c.isNew()) c.start();
        if (!c.isDone()) return;
        break; // a failed init container that will not restart: the pod has failed
      }
    }
    this.checkCompletion();
  }

  private computeStatuses(): { init: ReturnType<ContainerRuntime['status']>[]; app: ReturnType<ContainerRuntime['status']>[] } {
    const defaultReason = (this.pod.spec.initContainers ?? []).length > 0 ? 'PodInitializing' : 'ContainerCreating';
    const init = this.containers.filter((c) => c.kind !== 'app').map((c) => c.status(defaultReason));
    const app = this.containers.filter((c) => c.kind === 'app').map((c) => c.status(defaultReason));
    return { init, app };
  }

  /** Every regular container has ended for good (or an init container failed for good): the pod is done. */
  private checkCompletion(): void {
    const initFailed = this.containers.some((c) => c.kind === 'init' && c.isDone() && !c.succeeded());
    if (!initFailed && !this.containers.every((c) => c.kind !== 'app' || c.isDone())) return;
    this.completing = true;
    const killAt = this.host.clock.now() + this.graceMs();
    for (const c of this.containers) c.terminate(killAt, `Stopping container ${c.name}`);
    this.maybeTearDown();
  }

  /** A container stopped for good during termination or completion. */
  containerStopped(): void {
    if (this.terminating) this.stopContainers();
    else this.maybeTearDown();
  }

  private maybeTearDown(): void {
    if (this.containers.every((c) => c.stopped())) this.tearDown();
  }

  private tearDown(): void {
    if (this.finished) return;
    this.finished = true;
    this.host.clock.cancel(this.timer);
    this.host.clock.cancel(this.deadlineTimer);
    this.host.clock.cancel(this.killTimer);
    for (const c of this.containers) c.stopProbes();
    if (this.podIP && !this.pod.spec.hostNetwork) this.host.ipam.release(this.podIP);
    this.sandboxReady = false;
    if (this.terminating?.mode === 'delete') this.removable = true;
    this.changed();
  }

  /** A newer version of the pod object. */
  update(pod: Pod): void {
    const old = this.pod;
    this.pod = pod;
    if (this.disposed || this.finished) {
      if (pod.metadata.deletionTimestamp && this.finished && !this.removable) {
        this.removable = true;
        this.changed();
      }
      return;
    }
    if (pod.metadata.deletionTimestamp) {
      const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
      this.beginTermination('delete', this.host.clock.now() + grace * 1000);
      return;
    }
    if (old.spec !== pod.spec) {
      const byName = new Map([...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c) => [c.name, c]));
      for (const c of this.containers) {
        const next = byName.get(c.name);
        if (next && next !== c.spec) c.respec(next);
      }
    }
  }

  private deadlineExceeded(): void {
    if (this.finished || this.terminating) return;
    this.reason = 'DeadlineExceeded';
    this.message = DEADLINE_MESSAGE;
    this.event('Warning', 'DeadlineExceeded', DEADLINE_MESSAGE);
    this.beginTermination('deadline', this.host.clock.now() + this.graceMs());
  }

  private beginTermination(mode: 'delete' | 'deadline', killAt: number): void {
    if (this.terminating) {
      if (mode === 'delete') this.terminating.mode = 'delete';
      if (killAt < this.terminating.killAt) {
        this.terminating.killAt = killAt;
        this.scheduleKill();
        this.stopContainers();
      }
      return;
    }
    this.terminating = { killAt, mode };
    this.host.clock.cancel(this.timer);
    this.host.clock.cancel(this.deadlineTimer);
    this.scheduleKill();
    this.stopContainers();
  }

  private scheduleKill(): void {
    const clock = this.host.clock;
    clock.cancel(this.killTimer);
    this.killTimer = clock.at(this.terminating!.killAt, () => this.host.run(() => {
      for (const c of this.containers) c.sigkill();
    }));
  }

  /** Regular containers first; sidecars once they are all down. */
  private stopContainers(): void {
    if (this.finished) return;
    const killAt = this.terminating!.killAt;
    const regular = this.containers.filter((c) => c.kind !== 'sidecar');
    for (const c of regular) c.terminate(killAt, `Stopping container ${c.name}`);
    if (!regular.every((c) => c.stopped())) return;
    const sidecars = this.containers.filter((c) => c.kind === 'sidecar').reverse();
    for (const c of sidecars) c.terminate(killAt, `Stopping container ${c.name}`);
    if (sidecars.every((c) => c.stopped())) this.tearDown();
  }

  /** The pod object is gone: stop everything without a word. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const clock = this.host.clock;
    clock.cancel(this.timer);
    clock.cancel(this.deadlineTimer);
    clock.cancel(this.killTimer);
    for (const c of this.containers) c.dispose();
    if (this.podIP && !this.finished && !this.pod.spec.hostNetwork) this.host.ipam.release(this.podIP);
  }

  // ---------- status ----------

  /** The status the kubelet reports, merged over what the pod object has (PodScheduled and others' conditions stay). */
  status(current: PodStatus | undefined): PodStatus {
    const { init, app } = this.computeStatuses();
    let phase = podPhase(this.pod.spec, init, app, this.finished);
    if (this.finished && this.reason === 'DeadlineExceeded') phase = 'Failed';
    const existing: readonly Condition[] = current?.conditions ?? [];
    const conditions = mergeConditions(
      existing,
      kubeletConditions({ spec: this.pod.spec, phase, sandboxReady: this.sandboxReady, initStatuses: init, statuses: app, existing }),
      this.host.clock.nowRfc3339(),
    );
    const hostIP = this.host.hostIP();
    // Keys are added to this copy below: see shallowCopy.
    const status: PodStatus = shallowCopy(current ?? {});
    status.phase = phase;
    status.conditions = conditions;
    status.hostIP = hostIP;
    status.hostIPs = hostIPsOf(hostIP);
    status.startTime = this.startTime;
    status.containerStatuses = app;
    if (this.podIP) {
      status.podIP = this.podIP;
      status.podIPs = [{ ip: this.podIP }];
    }
    if (init.length > 0) status.initContainerStatuses = init;
    if (this.reason) {
      status.reason = this.reason;
      status.message = this.message;
    }
    return status;
  }
}
