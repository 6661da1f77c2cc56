/**
 * The kubelet's probe workers (pkg/kubelet/prober/worker.go): one per container and probe kind, ticking every
 * periodSeconds from the moment the pod was admitted. A result only counts once it has repeated successThreshold /
 * failureThreshold times; startup gates liveness and readiness; a failed liveness or startup probe puts the worker on
 * hold until the container is replaced.
 *
 * Ticks on a settled probe (its published result repeats) are background timers, so an idle cluster is idle. A probe
 * that settled on Success goes dormant: no timer at all, its ticks (and counts) derived on demand, because nothing it
 * can observe changes without the container re-arming it (files, ports, scripted windows, a new instance). That is
 * what keeps 150,000 probed pods cheap. Failing probes keep ticking, since each failure is an event.
 */
import type { Probe } from '../api/types.js';
import type { TimerHandle, VirtualClock } from '../clock.js';

export type ProbeKind = 'startup' | 'liveness' | 'readiness';
export type ProbeResult = 'Success' | 'Failure';
export type PublishedResult = ProbeResult | 'Unknown';

export const PROBE_LABEL: Record<ProbeKind, string> = { startup: 'Startup', liveness: 'Liveness', readiness: 'Readiness' };

/** What the dashboard draws for one probe of one container. */
export interface ProbeState {
  container: string;
  probe: ProbeKind;
  /** The result the kubelet acts on (after thresholds): readiness starts at Failure, liveness at Success, startup Unknown. */
  result: PublishedResult;
  /** The last probe actually run, its time (virtual ms) and its output. */
  lastResult?: ProbeResult;
  lastProbeTime?: number;
  lastMessage?: string;
  consecutiveSuccesses: number;
  consecutiveFailures: number;
  /** When the next tick is due (virtual ms). */
  nextProbeTime?: number;
  periodSeconds: number;
}

/** The container as its probe workers see it. */
export interface ProbeTarget {
  readonly name: string;
  /** The current container instance (its containerID), undefined before the first one is created. */
  instanceId(): string | undefined;
  running(): boolean;
  startedAt(): number;
  /** Whether startup succeeded (or there is no startup probe). */
  isStarted(): boolean;
  deleting(): boolean;
  /** Whether this node's kubelet is down (no probing while down). */
  paused(): boolean;
  evaluate(kind: ProbeKind, probe: Probe): { result: ProbeResult; output: string };
  unhealthy(kind: ProbeKind, output: string): void;
  publish(kind: ProbeKind, result: PublishedResult): void;
}

const INITIAL: Record<ProbeKind, PublishedResult> = { startup: 'Unknown', liveness: 'Success', readiness: 'Failure' };

export class ProbeWorker {
  private timer: TimerHandle | undefined;
  private timerBackground = false;
  private containerId: string | undefined;
  private onHold = false;
  private lastRun: ProbeResult | undefined;
  private resultRun = 0;
  private stopped = false;
  /** Dormant since this tick (virtual ms): every tick since has succeeded without being run. */
  private dormantSince: number | undefined;
  published: PublishedResult;
  private readonly periodMs: number;
  private readonly view: Omit<ProbeState, 'nextProbeTime' | 'result'>;

  constructor(
    readonly kind: ProbeKind,
    readonly spec: Probe,
    private readonly target: ProbeTarget,
    private readonly clock: VirtualClock,
  ) {
    this.published = INITIAL[kind];
    this.periodMs = Math.max(1, spec.periodSeconds ?? 10) * 1000;
    this.view = { container: target.name, probe: kind, consecutiveSuccesses: 0, consecutiveFailures: 0, periodSeconds: spec.periodSeconds ?? 10 };
    // As the real worker: probe once right away, then every period.
    this.schedule(clock.now());
  }

  state(): ProbeState {
    if (this.dormantSince !== undefined) {
      const n = Math.floor((this.clock.now() - this.dormantSince) / this.periodMs);
      const last = this.dormantSince + n * this.periodMs;
      return {
        ...this.view,
        result: this.published,
        lastProbeTime: last,
        consecutiveSuccesses: this.view.consecutiveSuccesses + n,
        nextProbeTime: last + this.periodMs,
      };
    }
    return { ...this.view, result: this.published, ...(this.timer ? { nextProbeTime: this.timer.at } : {}) };
  }

  stop(): void {
    this.stopped = true;
    this.dormantSince = undefined;
    this.clock.cancel(this.timer);
    this.timer = undefined;
  }

  /** Something the probe can observe changed: wake it, and make its next tick active so a run-until-idle waits. */
  rearm(): void {
    if (this.stopped) return;
    if (this.dormantSince !== undefined) {
      const next = this.wake();
      this.schedule(next, false);
      return;
    }
    if (!this.timer || !this.timerBackground) return;
    const at = this.timer.at;
    this.clock.cancel(this.timer);
    this.timer = undefined;
    this.schedule(at, false);
  }

  /** The readiness manual trigger: probe now and restart the ticker from here. */
  trigger(): void {
    if (this.stopped) return;
    if (this.dormantSince !== undefined) this.wake();
    this.clock.cancel(this.timer);
    this.timer = undefined;
    this.tick();
  }

  /** Leaves dormancy: counts the ticks that passed as the successes they were; returns the next tick time. */
  private wake(): number {
    const since = this.dormantSince!;
    this.dormantSince = undefined;
    const n = Math.floor((this.clock.now() - since) / this.periodMs);
    const last = since + n * this.periodMs;
    if (n > 0) {
      this.view.consecutiveSuccesses += n;
      this.view.lastProbeTime = last;
      this.resultRun += n;
    }
    return last + this.periodMs;
  }

  private schedule(at: number, background = this.settled()): void {
    this.clock.cancel(this.timer);
    this.timerBackground = background;
    this.timer = this.clock.at(at, () => this.tick(), { background });
  }

  /** Nothing left to learn: the published result repeats, or the probe waits on the container. */
  private settled(): boolean {
    if (this.onHold || !this.target.running()) return true;
    if (this.kind !== 'startup' && !this.target.isStarted()) return true;
    if (this.kind === 'startup' && this.target.isStarted()) return true;
    const threshold = this.lastRun === 'Failure' ? this.spec.failureThreshold ?? 3 : this.spec.successThreshold ?? 1;
    return this.lastRun !== undefined && this.lastRun === this.published && this.resultRun >= threshold;
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped) return;
    const now = this.clock.now();
    if (!this.target.paused()) this.doProbe();
    if (this.stopped) return;
    if (this.view.lastProbeTime === now && this.lastRun === 'Success' && this.published === 'Success' && this.settled() && this.target.running()) {
      this.dormantSince = now;
      return;
    }
    this.schedule(now + this.periodMs);
  }

  private setResult(result: PublishedResult): void {
    if (this.published === result) return;
    this.published = result;
    this.target.publish(this.kind, result);
  }

  private doProbe(): void {
    const t = this.target;
    const id = t.instanceId();
    if (id === undefined) return;
    if (id !== this.containerId) {
      this.containerId = id;
      this.onHold = false;
      this.view.consecutiveFailures = 0;
      this.view.consecutiveSuccesses = 0;
      this.setResult(INITIAL[this.kind]);
    }
    if (this.onHold) return;
    if (!t.running()) {
      this.setResult('Failure');
      return;
    }
    if (t.deleting() && this.kind !== 'readiness') {
      this.setResult('Success');
      return;
    }
    const now = this.clock.now();
    if (Math.floor((now - t.startedAt()) / 1000) < (this.spec.initialDelaySeconds ?? 0)) return;
    if (t.isStarted() ? this.kind === 'startup' : this.kind !== 'startup') return;

    const { result, output } = t.evaluate(this.kind, this.spec);
    this.view.lastResult = result;
    this.view.lastProbeTime = now;
    this.view.lastMessage = output;
    if (result === 'Success') {
      this.view.consecutiveSuccesses++;
      this.view.consecutiveFailures = 0;
    } else {
      this.view.consecutiveFailures++;
      this.view.consecutiveSuccesses = 0;
      t.unhealthy(this.kind, output);
    }
    if (this.lastRun === result) this.resultRun++;
    else {
      this.lastRun = result;
      this.resultRun = 1;
    }
    if (result === 'Failure' && this.resultRun < (this.spec.failureThreshold ?? 3)) return;
    if (result === 'Success' && this.resultRun < (this.spec.successThreshold ?? 1)) return;
    this.setResult(result);
    if (this.kind !== 'readiness' && result === 'Failure') {
      this.onHold = true;
      this.resultRun = 0;
    }
  }
}
