/**
 * One container of a pod across its restarts, as the kubelet drives it: image pull (and its back-off), config
 * resolution, create and start, probes, exit detection, the restart decision with CrashLoopBackOff, and stopping
 * (preStop, SIGTERM, SIGKILL at the grace deadline). Its `status()` is the containerStatuses entry.
 */
import type { Container, ContainerState, ContainerStateTerminated, ContainerStatus, Probe } from '../api/types.js';
import { parseBytes } from '../api/quantity.js';
import { BoundedMemo } from '../boundedMemo.js';
import { toRfc3339, type TimerHandle } from '../clock.js';
import { eventMessage, SharedMessages } from '../events.js';
import { Backoff } from './backoff.js';
import { containerBehaviour, type ContainerBehaviour } from './behaviour.js';
import { envFor, mountedFiles, resolveEnv, type ContainerEnv } from './containerConfig.js';
import { goDuration } from './durations.js';
import { between, prefixedHexId } from './hash.js';
import { imageID, imageProfile, missingFromRegistry, parseImage, type ImageRef } from './images.js';
import type { PullOutcome } from './imageStore.js';
import type { PodWorker } from './podWorker.js';
import { ProbeWorker, PROBE_LABEL, type ProbeKind, type ProbeResult, type ProbeState, type ProbeTarget, type PublishedResult } from './probes.js';
import { ContainerProcess, type ProcessExit, type ProcessOwner } from './process.js';
import { VirtualFs, type FsListener } from './shell/fs.js';
import { Shell, runToCompletion, type ShellHost } from './shell/run.js';

const PULLING = new SharedMessages((image) => eventMessage('Pulling image "', image, '"'));
const PRESENT = new SharedMessages((image) => eventMessage('Container image "', image, '" already present on machine'));
const CREATED = new SharedMessages((name) => eventMessage('Created container ', name));
const STARTED = new SharedMessages((name) => eventMessage('Started container ', name));

export type ContainerKind = 'init' | 'sidecar' | 'app';

/** Where the container is in the kubelet's hands. */
type Phase =
  | 'new' // never attempted
  | 'starting' // pulling or creating
  | 'waiting' // an image or config error, retried on a timer
  | 'running'
  | 'stopping' // preStop / SIGTERM sent
  | 'exited' // exit seen, restart decision pending
  | 'backoff' // CrashLoopBackOff
  | 'done'; // will not run again

interface Instance {
  id: string;
  image: ImageRef;
  imageID: string;
  process: ContainerProcess;
  fs: VirtualFs;
  env: ContainerEnv;
  startedAt: string;
}

export interface ContainerUsage {
  container: string;
  cpuMillis: number;
  memoryBytes: number;
}

/** One empty list for every container that declares no port. */
const NO_DECLARED_PORTS: readonly number[] = [];

/** Its process calls back into it and its files tell it of changes: no context object or closures per start. */
export class ContainerRuntime implements ProbeTarget, ProcessOwner, FsListener {
  private phase: Phase = 'new';
  private waiting: { reason: string; message?: string } | undefined;
  /** The last two terminated instances, newest first. */
  private history: ContainerStateTerminated[] = [];
  private lastFinishedAt = 0;
  private restartCount = 0;
  private instance: Instance | undefined;
  private startupOk = false;
  private readinessOk = false;
  private readonly probes: ProbeWorker[] = [];
  /** Made on a container's first exit or failed pull: most never have either. */
  private restartBackoffState: Backoff | undefined;
  private pullBackoffState: Backoff | undefined;
  private timer: TimerHandle | undefined;
  private pullTimer: TimerHandle | undefined;
  private killAt = Infinity;
  /** Why the running instance is being stopped: to be replaced, or for good (pod deletion or completion). */
  private stopIntent: 'restart' | 'final' | undefined;
  private attempts = 0;
  readonly behaviour: ContainerBehaviour;
  /** Waiting on a ConfigMap or Secret (so their creation retries at once). */
  configError = false;

  private get restartBackoff(): Backoff {
    return (this.restartBackoffState ??= new Backoff());
  }

  private get pullBackoff(): Backoff {
    return (this.pullBackoffState ??= new Backoff());
  }

  constructor(
    private readonly owner: PodWorker,
    public spec: Container,
    readonly kind: ContainerKind,
  ) {
    this.behaviour = containerBehaviour(owner.pod.metadata.annotations, spec.name);
    if (kind !== 'init') {
      const clock = owner.host.clock;
      if (spec.startupProbe) this.probes.push(new ProbeWorker('startup', spec.startupProbe, this, clock));
      if (spec.livenessProbe) this.probes.push(new ProbeWorker('liveness', spec.livenessProbe, this, clock));
      if (spec.readinessProbe) this.probes.push(new ProbeWorker('readiness', spec.readinessProbe, this, clock));
    }
  }

  get name(): string {
    return this.spec.name;
  }

  // ---------- what the pod worker asks ----------

  isNew(): boolean {
    return this.phase === 'new';
  }

  isDone(): boolean {
    return this.phase === 'done';
  }

  succeeded(): boolean {
    return this.phase === 'done' && this.history[0]?.exitCode === 0;
  }

  /** A sidecar counts as started once running with its startup probe passed. */
  hasStarted(): boolean {
    return this.running() && this.startupOk;
  }

  /** Not running and never will again without a new start. */
  stopped(): boolean {
    return this.phase !== 'running' && this.phase !== 'stopping' && this.phase !== 'starting';
  }

  probeStates(): ProbeState[] {
    return this.probes.map((p) => p.state());
  }

  usage(now: number): ContainerUsage {
    const p = this.instance?.process;
    const live = p && this.running();
    return { container: this.name, cpuMillis: live ? p.cpuMillis(now) : 0, memoryBytes: live ? p.memoryBytes(now) : 0 };
  }

  // ---------- ProbeTarget ----------

  instanceId(): string | undefined {
    return this.instance?.id;
  }

  running(): boolean {
    return this.phase === 'running' || this.phase === 'stopping';
  }

  startedAt(): number {
    return this.instance?.process.startedAt ?? 0;
  }

  isStarted(): boolean {
    return this.startupOk;
  }

  deleting(): boolean {
    return this.owner.pod.metadata.deletionTimestamp !== undefined;
  }

  paused(): boolean {
    return this.owner.host.isDown();
  }

  unhealthy(kind: ProbeKind, output: string): void {
    this.owner.event('Warning', 'Unhealthy', `${PROBE_LABEL[kind]} probe failed: ${output}`);
  }

  publish(kind: ProbeKind, result: PublishedResult): void {
    if (kind === 'readiness') {
      const ready = result === 'Success';
      if (ready !== this.readinessOk) {
        this.readinessOk = ready;
        this.owner.changed();
      }
      return;
    }
    if (kind === 'startup' && result === 'Success') {
      this.startupOk = true;
      this.owner.changed();
      this.readinessProbe()?.trigger();
      this.owner.reconcile();
      return;
    }
    if (result === 'Failure' && this.phase === 'running') {
      this.killForRestart(`Container ${this.name} failed ${kind} probe`, kind);
    }
  }

  evaluate(kind: ProbeKind, probe: Probe): { result: ProbeResult; output: string } {
    const inst = this.instance!;
    const p = inst.process;
    const now = this.owner.host.clock.now();
    const failing = kind !== 'startup' && p.failing(kind, now);
    const timeoutSeconds = probe.timeoutSeconds ?? 1;
    if (probe.exec) {
      const argv = probe.exec.command ?? [];
      let output = '';
      const host: ShellHost = {
        now: () => now,
        userland: p.userland,
        hostname: this.owner.hostname,
        external: () => ({ ms: 0, code: p.healthy(now) && !failing ? 0 : 1 }),
      };
      const sink = (t: string) => (output += t);
      const r = argv.length === 0
        ? { timedOut: false as const, code: 0 }
        : runToCompletion(new Shell(host, inst.fs, envFor(inst.env, this.owner.hostname)).argv(argv, { out: sink, err: sink, stdin: '' }), timeoutSeconds * 1000);
      if (r.timedOut) return { result: 'Failure', output: `command "${argv.join(' ')}" timed out` };
      output = output.replace(/\n$/, '');
      return { result: r.code === 0 && !failing ? 'Success' : 'Failure', output };
    }
    const ip = this.owner.podIP ?? this.owner.host.hostIP();
    if (probe.httpGet) {
      const g = probe.httpGet;
      const port = this.resolvePort(g.port);
      if (!p.listening(port, now)) {
        const addr = hostPort(g.host || ip, port);
        return { result: 'Failure', output: `Get "${(g.scheme ?? 'HTTP').toLowerCase()}://${addr}${g.path ?? '/'}": dial tcp ${addr}: connect: connection refused` };
      }
      if (failing) return { result: 'Failure', output: `HTTP probe failed with statuscode: ${kind === 'liveness' ? 500 : 503}` };
      return SUCCESS;
    }
    if (probe.tcpSocket) {
      const port = this.resolvePort(probe.tcpSocket.port);
      if (!p.listening(port, now)) return { result: 'Failure', output: `dial tcp ${hostPort(probe.tcpSocket.host || ip, port)}: connect: connection refused` };
      if (failing) return { result: 'Failure', output: `dial tcp ${hostPort(probe.tcpSocket.host || ip, port)}: i/o timeout` };
      return SUCCESS;
    }
    if (probe.grpc) {
      if (!p.listening(probe.grpc.port, now)) {
        return { result: 'Failure', output: `timeout: failed to connect service "${hostPort(ip, probe.grpc.port)}" within ${timeoutSeconds}s` };
      }
      if (failing) return { result: 'Failure', output: 'service unhealthy (responded with "NOT_SERVING")' };
      return SUCCESS;
    }
    return SUCCESS;
  }

  private resolvePort(port: number | string): number {
    if (typeof port === 'number') return port;
    if (/^\d+$/.test(port)) return Number(port);
    return this.spec.ports?.find((p) => p.name === port)?.containerPort ?? 0;
  }

  private readinessProbe(): ProbeWorker | undefined {
    return this.probes.find((p) => p.kind === 'readiness');
  }

  private rearmProbes(): void {
    for (const p of this.probes) p.rearm();
  }

  // ---------- timers ----------

  /** A kubelet action after `ms` (deferred while the node is down). */
  private after(ms: number, fn: () => void, background = false): void {
    this.at(this.owner.host.clock.now() + ms, fn, background);
  }

  private at(at: number, fn: () => void, background = false): void {
    const host = this.owner.host;
    host.clock.cancel(this.timer);
    this.timer = host.clock.at(at, () => {
      this.timer = undefined;
      host.run(() => {
        if (!this.owner.disposed) fn();
      });
    }, { background });
  }

  private jitter(purpose: string, min: number, max: number): number {
    return Math.round(between(min, max, this.owner.host.seed, purpose, this.owner.uid, this.name, this.attempts));
  }

  // ---------- lifecycle ----------

  /** Pull (if needed), resolve config, create and start an instance. */
  start(): void {
    if (this.owner.terminating) return;
    this.attempts++;
    this.phase = 'starting';
    const image = this.spec.image ?? '';
    const ref = parseImage(image);
    const b = this.behaviour;
    const failure = b.imagePullFails ?? missingFromRegistry(ref);
    // `ensure` answers at once when no pull is needed (we are inside a kubelet action), a pull from its timer.
    let synchronous = true;
    const { needsPull, timer } = this.owner.host.images.ensure(
      ref,
      { policy: this.spec.imagePullPolicy ?? 'IfNotPresent', ...(failure ? { failure } : {}), ...(b.imagePullMs !== undefined ? { pullMs: b.imagePullMs } : {}) },
      (outcome) => (synchronous ? this.pulled(ref, outcome) : this.owner.host.run(() => !this.owner.disposed && this.pulled(ref, outcome))),
    );
    synchronous = false;
    if (needsPull) {
      this.pullTimer = timer;
      this.owner.event('Normal', 'Pulling', PULLING.for(image));
    }
  }

  private pulled(ref: ImageRef, outcome: PullOutcome): void {
    this.pullTimer = undefined;
    if (this.phase !== 'starting' || this.owner.terminating) return;
    const image = this.spec.image ?? '';
    const now = this.owner.host.clock.now();
    switch (outcome.kind) {
      case 'present':
        this.owner.event('Normal', 'Pulled', PRESENT.for(image));
        break;
      case 'pulled':
        this.owner.event('Normal', 'Pulled',
          eventMessage('Successfully pulled image "', image, '" in ', goDuration(outcome.pullMs), ' (', goDuration(outcome.totalMs), ' including waiting). Image size: ', String(outcome.sizeBytes), ' bytes.'));
        break;
      case 'failed': {
        this.owner.event('Warning', 'Failed', `Failed to pull image "${image}": ${outcome.message}`);
        this.owner.event('Warning', 'Failed', 'Error: ErrImagePull');
        this.pullBackoff.next(now);
        this.wait('ErrImagePull', outcome.message);
        const failedAt = now;
        this.after(this.jitter('pull-backoff', 500, 1500), () => {
          this.wait('ImagePullBackOff', `Back-off pulling image "${image}"`);
          this.owner.event('Normal', 'BackOff', `Back-off pulling image "${image}"`);
          this.owner.event('Warning', 'Failed', 'Error: ImagePullBackOff');
          this.at(failedAt + this.pullBackoff.currentMs, () => this.start());
        });
        return;
      }
      case 'never':
        this.owner.event('Warning', 'ErrImageNeverPull', outcome.message);
        this.owner.event('Warning', 'Failed', 'Error: ErrImageNeverPull');
        this.wait('ErrImageNeverPull', outcome.message);
        return;
    }
    const env = resolveEnv(this.owner.pod, this.spec, this.owner.host.config, this.owner.host.hostIP(), this.owner.podIP);
    if (!env.ok) {
      this.owner.event('Warning', 'Failed', `Error: ${env.error}`);
      this.wait('CreateContainerConfigError', env.error);
      this.configError = true;
      this.owner.host.watchConfig(this.owner);
      // The pod worker retries a failed sync every 10 s; a new ConfigMap or Secret retries at once.
      this.after(10_000, () => this.start(), true);
      return;
    }
    this.configError = false;
    this.after(this.jitter('create', 50, 250), () => this.create(ref, env.value));
  }

  /** A ConfigMap or Secret appeared: retry a config error now. */
  retryConfig(): void {
    if (this.phase === 'waiting' && this.configError) this.after(0, () => this.start());
  }

  private wait(reason: string, message: string): void {
    this.phase = 'waiting';
    this.waiting = { reason, message };
    this.owner.changed();
  }

  private create(ref: ImageRef, env: ContainerEnv): void {
    if (this.phase !== 'starting' || this.owner.terminating) return;
    const host = this.owner.host;
    const seed = host.seed;
    if (this.history.length > 0) this.restartCount++;
    const identity = `${this.owner.uid}/${this.name}/${this.restartCount}`;
    const fs = new VirtualFs(mountedFiles(this.owner.pod, this.spec, host.config), this.owner.hostname);
    const limit = this.spec.resources?.limits?.memory;
    const argv = this.spec.command || this.spec.args ? [...(this.spec.command ?? []), ...(this.spec.args ?? [])] : undefined;
    const profile = imageProfile(ref, seed);
    const process = new ContainerProcess({
      clock: host.clock,
      seed,
      identity,
      hostname: this.owner.hostname,
      image: profile,
      behaviour: this.behaviour,
      declaredPorts: this.spec.ports ? this.spec.ports.map((p) => p.containerPort) : NO_DECLARED_PORTS,
      env,
      // An image with an entrypoint (nginx, redis) keeps running its server when only args are given.
      argv: argv && !(this.spec.command === undefined && profile.entrypoint) ? argv : undefined,
      longRunning: this.kind !== 'init' && (this.kind === 'sidecar' || (this.owner.pod.spec.restartPolicy ?? 'Always') === 'Always'),
      memoryLimitBytes: limit !== undefined ? safeBytes(limit) : undefined,
      fs,
    }, this);
    fs.listener = this;
    this.instance = { id: prefixedHexId('containerd://', 64, seed, 'container', identity), image: ref, imageID: imageID(ref, seed), process, fs, env, startedAt: toRfc3339(process.startedAt) };
    this.phase = 'running';
    this.waiting = undefined;
    this.stopIntent = undefined;
    this.killAt = Infinity;
    this.startupOk = !this.spec.startupProbe;
    this.readinessOk = false;
    this.owner.event('Normal', 'Created', CREATED.for(this.name));
    this.owner.event('Normal', 'Started', STARTED.for(this.name));
    process.start();
    this.owner.changed();
    if (this.phase !== 'running') return;
    this.runPostStart();
    if (this.phase !== 'running') return;
    this.rearmProbes();
    if (this.startupOk && process.healthy(host.clock.now())) this.readinessProbe()?.trigger();
    this.owner.reconcile();
  }

  private runPostStart(): void {
    const hook = this.spec.lifecycle?.postStart;
    const command = hook?.exec?.command;
    if (!command || command.length === 0) return;
    const r = this.runHook(command, Infinity);
    if (r.code === 0) return;
    const out = r.output.replace(/\n$/, '');
    this.owner.event('Warning', 'FailedPostStartHook',
      `Exec lifecycle hook (${goSlice(command)}) for Container "${this.name}" in Pod "${this.owner.podDesc}" failed - error: command '${command.join(' ')}' exited with ${r.code}: ${out}, message: "${out}"`);
    this.stop('FailedPostStartHook', this.owner.host.clock.now() + this.owner.graceMs(), 'restart');
  }

  private runHook(command: readonly string[], budgetMs: number): { code: number; ms: number; output: string } {
    const inst = this.instance!;
    const host = this.owner.host;
    const start = host.clock.now();
    let elapsed = 0;
    let output = '';
    const shellHost: ShellHost = {
      now: () => start + elapsed,
      userland: inst.process.userland,
      hostname: this.owner.hostname,
      external: () => ({ ms: 0, code: 0 }),
    };
    const sink = (t: string) => (output += t);
    const run = new Shell(shellHost, inst.fs, envFor(inst.env, this.owner.hostname)).argv(command, { out: sink, err: sink, stdin: '' });
    for (let r = run.next(); ; r = run.next()) {
      if (r.done) return { code: r.value, ms: elapsed, output };
      elapsed += r.value;
      if (elapsed >= budgetMs) return { code: 137, ms: budgetMs, output };
    }
  }

  // ---------- what its process and its files tell it ----------

  processLog(_stream: 'stdout' | 'stderr', text: string): void {
    this.owner.log(this.name, text);
  }

  /** The process began serving, or a scripted failure began or ended: probes may see something new. */
  processChanged(serving: boolean): void {
    this.rearmProbes();
    if (serving && this.startupOk && !this.readinessOk) this.readinessProbe()?.trigger();
  }

  /** A file in the container changed: exec probes may read it. */
  filesChanged(): void {
    this.rearmProbes();
  }

  /** The process ended (on its own, or after SIGTERM/SIGKILL): the kubelet notices at its next relist. */
  processExited(exit: ProcessExit): void {
    this.after(this.jitter('pleg', 100, 900), () => this.exitSeen(exit));
  }

  private exitSeen(exit: ProcessExit): void {
    const inst = this.instance!;
    const terminated: ContainerStateTerminated = {
      exitCode: exit.code,
      reason: exit.reason,
      startedAt: inst.startedAt,
      finishedAt: toRfc3339(exit.at),
      containerID: inst.id,
    };
    this.history = [terminated, ...this.history].slice(0, 2);
    this.lastFinishedAt = exit.at;
    this.readinessOk = false;
    this.startupOk = false;
    this.phase = 'exited';
    this.rearmProbes();
    this.owner.changed();
    if (this.stopIntent === 'final' || this.owner.terminating) {
      this.phase = 'done';
      this.owner.containerStopped();
      return;
    }
    // The restart decision comes with the next pod sync.
    this.after(this.jitter('sync', 500, 1500), () => this.decide());
  }

  private wouldRestart(exitCode: number): boolean {
    const policy = this.owner.pod.spec.restartPolicy ?? 'Always';
    if (this.kind === 'sidecar') return true;
    if (this.kind === 'init') return exitCode !== 0 && policy !== 'Never';
    return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
  }

  private decide(): void {
    if (this.phase !== 'exited' || this.owner.terminating) return;
    const now = this.owner.host.clock.now();
    if (!this.wouldRestart(this.history[0]!.exitCode) || this.owner.completing) {
      this.phase = 'done';
      this.owner.reconcile();
      return;
    }
    if (this.restartBackoff.inBackoffSince(this.lastFinishedAt, now)) {
      const wait = this.restartBackoff.currentMs;
      this.phase = 'backoff';
      this.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(wait)} restarting failed container=${this.name} pod=${this.owner.podDesc}` };
      this.owner.event('Warning', 'BackOff', `Back-off restarting failed container ${this.name} in pod ${this.owner.podDesc}`);
      this.owner.changed();
      this.at(this.lastFinishedAt + wait, () => {
        this.restartBackoff.next(this.owner.host.clock.now());
        this.start();
      });
      return;
    }
    this.restartBackoff.next(now);
    this.start();
  }

  private killForRestart(message: string, kind: ProbeKind): void {
    const restart = (this.owner.pod.spec.restartPolicy ?? 'Always') !== 'Never' || this.kind === 'sidecar';
    const probe = kind === 'startup' ? this.spec.startupProbe : this.spec.livenessProbe;
    const graceMs = probe?.terminationGracePeriodSeconds !== undefined ? probe.terminationGracePeriodSeconds * 1000 : this.owner.graceMs();
    this.stop(restart ? `${message}, will be restarted` : message, this.owner.host.clock.now() + graceMs, 'restart');
  }

  /** The spec changed (a new image): the running instance is replaced. */
  respec(spec: Container): void {
    const imageChanged = spec.image !== this.spec.image;
    this.spec = spec;
    if (!imageChanged) return;
    if (this.phase === 'running') {
      this.stop(`Container ${this.name} definition changed, will be restarted`, this.owner.host.clock.now() + this.owner.graceMs(), 'restart');
    } else if (this.phase === 'waiting' || this.phase === 'backoff') {
      this.after(0, () => this.start());
    }
  }

  /**
   * Stops the running instance: Killing event, preStop hook, SIGTERM, SIGKILL at `killAt`.
   * `final`: it will not be restarted (pod deleted or finished).
   */
  stop(message: string, killAt: number, intent: 'restart' | 'final'): void {
    if (this.phase === 'stopping') {
      if (intent === 'final') this.stopIntent = 'final';
      this.shortenGrace(killAt);
      return;
    }
    if (this.phase !== 'running') return;
    const inst = this.instance!;
    const host = this.owner.host;
    this.phase = 'stopping';
    this.stopIntent = intent;
    this.killAt = killAt;
    this.owner.event('Normal', 'Killing', message);
    const now = host.clock.now();
    const preStopMs = Math.min(this.runPreStop(killAt - now), killAt - now);
    if (preStopMs > 0) this.after(preStopMs, () => inst.process.terminate(this.killAt));
    else inst.process.terminate(killAt);
  }

  /** Runs the preStop hook; returns how long it takes. */
  private runPreStop(budgetMs: number): number {
    const hook = this.spec.lifecycle?.preStop;
    if (!hook) return 0;
    if (hook.sleep) return hook.sleep.seconds * 1000;
    const command = hook.exec?.command;
    if (command && command.length > 0) {
      const r = this.runHook(command, budgetMs);
      if (r.code !== 0 && r.ms < budgetMs) {
        const out = r.output.replace(/\n$/, '');
        this.owner.event('Warning', 'FailedPreStopHook',
          `Exec lifecycle hook (${goSlice(command)}) for Container "${this.name}" in Pod "${this.owner.podDesc}" failed - error: command '${command.join(' ')}' exited with ${r.code}: ${out}, message: "${out}"`);
      }
      return r.ms;
    }
    return 0;
  }

  private shortenGrace(killAt: number): void {
    if (killAt >= this.killAt) return;
    this.killAt = killAt;
    const p = this.instance?.process;
    if (!p || p.exit) return;
    if (killAt <= this.owner.host.clock.now()) p.kill();
    else if (p.terminating) p.killBy(killAt);
    else if (this.timer && this.timer.at > killAt) this.at(killAt, () => p.terminate(this.killAt)); // preStop cut short
  }

  /** Pod termination: stop if running, otherwise give up whatever was pending. */
  terminate(killAt: number, message: string): void {
    if (this.phase === 'running' || this.phase === 'stopping') {
      this.stop(message, killAt, 'final');
      return;
    }
    this.cancelPending();
    if (this.phase !== 'exited' && this.phase !== 'done') this.waiting = this.history.length > 0 ? undefined : this.waiting;
    this.phase = 'done';
  }

  /** The grace period ran out. */
  sigkill(): void {
    if (this.phase === 'stopping' || this.phase === 'running') this.instance?.process.kill();
  }

  private cancelPending(): void {
    const clock = this.owner.host.clock;
    clock.cancel(this.timer);
    clock.cancel(this.pullTimer);
    this.timer = undefined;
    this.pullTimer = undefined;
  }

  stopProbes(): void {
    for (const p of this.probes) p.stop();
  }

  /** Gone without a trace: the pod object is gone. */
  dispose(): void {
    this.cancelPending();
    this.stopProbes();
    this.instance?.process.discard();
    this.phase = 'done';
  }

  // ---------- status ----------

  status(defaultReason: string): ContainerStatus {
    const inst = this.instance;
    let state: ContainerState;
    let lastState: ContainerState = NO_STATE;
    const [latest, previous] = this.history;
    if (this.running() && inst) {
      state = runningSince(inst.startedAt);
      if (latest) lastState = { terminated: latest };
    } else if (this.waiting && latest) {
      state = { waiting: { ...this.waiting } };
      lastState = { terminated: latest };
    } else if (latest) {
      state = { terminated: latest };
      if (previous) lastState = { terminated: previous };
    } else {
      state = { waiting: this.waiting ? { ...this.waiting } : { reason: defaultReason } };
    }
    const ready = this.kind === 'init' ? this.succeeded() : this.running() && this.startupOk && (this.readinessProbe() ? this.readinessOk : true);
    const status: ContainerStatus = {
      name: this.name,
      state,
      lastState,
      ready,
      restartCount: this.restartCount,
      image: inst ? inst.image.normalized : this.spec.image ?? '',
      imageID: inst ? inst.imageID : '',
      started: this.running() && this.startupOk,
    };
    if (inst) status.containerID = inst.id;
    return status;
  }
}

const SUCCESS = Object.freeze({ result: 'Success' as const, output: '' });

/** Container states alike across pods, shared by every status that has them (stored objects never change). */
const NO_STATE: ContainerState = Object.freeze({});
const runningStates = new BoundedMemo<ContainerState>(4096);
const runningSince = (startedAt: string): ContainerState => runningStates.get(startedAt, () => ({ running: { startedAt } }));

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Go's %v of a []string: `[/bin/sh -c echo hi]`. */
function goSlice(items: readonly string[]): string {
  return `[${items.join(' ')}]`;
}

function safeBytes(q: string): number | undefined {
  try {
    return parseBytes(q);
  } catch {
    return undefined;
  }
}
