/**
 * One container instance's main process: what it runs (its command through the shell interpreter, or its image's
 * server), what it prints, which ports answer and from when, its memory and CPU use, and how and when it exits
 * (its script ends, `exit N`, a scripted crash, the memory limit, or SIGTERM / SIGKILL from the kubelet).
 */
import type { TimerHandle, VirtualClock } from '../clock.js';
import { envFor, type ContainerEnv } from './containerConfig.js';
import { inWindow, type ContainerBehaviour } from './behaviour.js';
import { between } from './hash.js';
import type { ImageProfile } from './images.js';
import type { VirtualFs } from './shell/fs.js';
import { Shell, type ExternalResult, type Run, type ShellHost, type Userland } from './shell/run.js';

export type ExitReason = 'Completed' | 'Error' | 'OOMKilled';

export interface ProcessExit {
  code: number;
  reason: ExitReason;
  at: number;
}

/** Everything a process needs from its container. */
export interface ProcessContext {
  readonly clock: VirtualClock;
  readonly seed: number;
  /** Distinguishes this instance in seeded draws: pod uid, container name, restart count. */
  readonly identity: string;
  readonly hostname: string;
  readonly image: ImageProfile;
  readonly behaviour: ContainerBehaviour;
  readonly declaredPorts: readonly number[];
  readonly env: ContainerEnv;
  /** The full argv (command + args) when the pod gives one; undefined runs the image's default program. */
  readonly argv: readonly string[] | undefined;
  /** Pods that restart always run long-lived programs: an unknown main program is taken for a server. */
  readonly longRunning: boolean;
  readonly memoryLimitBytes: number | undefined;
  readonly fs: VirtualFs;
}

/** What a process tells its container. */
export interface ProcessOwner {
  processLog(stream: 'stdout' | 'stderr', text: string): void;
  processExited(exit: ProcessExit): void;
  /** Probes can see something new: the app began serving, or a scripted failure began or ended. */
  processChanged(serving: boolean): void;
}

const NO_PORTS: ReadonlySet<number> = new Set();

/** Programs that serve until stopped, whatever image they run in. */
const SERVER_PROGRAMS = new Set([
  'nginx', 'httpd', 'httpd-foreground', 'apache2', 'apache2-foreground', 'redis-server', 'postgres', 'docker-entrypoint.sh',
  'mysqld', 'mariadbd', 'mongod', 'memcached', 'traefik', 'haproxy', 'caddy', 'envoy', 'etcd', 'coredns', 'registry',
  'node', 'python', 'python3', 'java', 'gunicorn', 'uvicorn', 'dotnet', 'ruby', 'rails', 'puma', 'php-fpm', 'php',
  'flask', 'npm', 'yarn', 'nc', 'netcat', 'socat', 'agnhost', 'pause', '/pause', 'http-server', 'serve', 'kuard',
]);
const INTERPRETERS_WITH_INLINE = new Set(['node', 'python', 'python3', 'ruby', 'php']);

function isServerProgram(argv: readonly string[]): boolean {
  const name = argv[0]!.slice(argv[0]!.lastIndexOf('/') + 1);
  if (!SERVER_PROGRAMS.has(name)) return false;
  // `python -c 'print(1)'`, `node -e ...`, `python --version`: one-shot.
  if (INTERPRETERS_WITH_INLINE.has(name) && argv.slice(1).some((a) => a === '-c' || a === '-e' || a === '--version' || a === '-V')) return false;
  if (name === 'nc' || name === 'netcat') return argv.includes('-l') || argv.some((a) => /^-\w*l/.test(a));
  return true;
}

const lineSplitter = (emit: (line: string) => void) => {
  let partial = '';
  return (text: string) => {
    const parts = (partial + text).split('\n');
    partial = parts.pop()!;
    for (const p of parts) emit(p);
  };
};

export class ContainerProcess {
  readonly startedAt: number;
  /** When the server answers on its ports; undefined while it serves nothing. */
  private servingFrom: number | undefined;
  private readonly ports: ReadonlySet<number>;
  private readonly anyPort: boolean;
  private run: Run | undefined;
  private stepTimer: TimerHandle | undefined;
  private exitTimer: TimerHandle | undefined;
  private readonly boundaryTimers: TimerHandle[] = [];
  exit: ProcessExit | undefined;
  terminating = false;

  constructor(
    private readonly ctx: ProcessContext,
    private readonly owner: ProcessOwner,
  ) {
    this.startedAt = ctx.clock.now();
    const declared = [...ctx.image.ports, ...ctx.declaredPorts];
    this.anyPort = declared.length === 0;
    // One empty set for every process that declares no port (a pause container): it answers on any.
    this.ports = this.anyPort ? NO_PORTS : new Set(declared);
  }

  get userland(): Userland {
    return this.ctx.image.userland;
  }

  start(): void {
    const { ctx } = this;
    const b = ctx.behaviour;
    if (b.exitAfterMs !== undefined) this.exitAt(this.startedAt + b.exitAfterMs, b.exitCode, b.exitCode === 0 ? 'Completed' : 'Error');
    const oom = this.oomAt();
    if (oom !== undefined) this.exitAt(oom, 137, 'OOMKilled');
    for (const w of [b.readinessFails, b.livenessFails]) {
      if (!w) continue;
      for (const t of [w.from, w.to]) if (Number.isFinite(t)) this.boundaryTimers.push(ctx.clock.at(this.startedAt + t, () => this.owner.processChanged(false)));
    }
    if (ctx.argv === undefined) {
      if (ctx.image.role === 'server') this.beginServing();
      if (ctx.image.role !== 'shell') return; // runs until stopped
      this.drive(this.shell(false).script('', this.io()));
      return;
    }
    this.drive(this.shell(true).argv(ctx.argv, this.io()));
  }

  private shell(argvMode: boolean): Shell {
    const host: ShellHost = {
      now: () => this.ctx.clock.now(),
      userland: this.ctx.image.userland,
      hostname: this.ctx.hostname,
      external: (argv, topLevel) => this.external(argv, topLevel),
    };
    return new Shell(host, this.ctx.fs, envFor(this.ctx.env, this.ctx.hostname), 'sh', argvMode);
  }

  private io() {
    return {
      out: lineSplitter((line) => this.owner.processLog('stdout', line)),
      err: lineSplitter((line) => this.owner.processLog('stderr', line)),
      stdin: '',
    };
  }

  /** A program the shell does not implement, run as the main process (or part of its script). */
  private external(argv: readonly string[], topLevel: boolean): ExternalResult {
    if (isServerProgram(argv) || (topLevel && this.ctx.longRunning)) {
      this.beginServing();
      return { ms: Infinity, code: 0 };
    }
    const ms = Math.round(between(3000, 15000, this.ctx.seed, 'run', this.ctx.identity, argv.join(' ')));
    return { ms, code: 0 };
  }

  private beginServing(): void {
    if (this.servingFrom !== undefined) return;
    const { ctx } = this;
    const [min, max] = ctx.image.startupMs;
    const startup = ctx.behaviour.startupMs ?? Math.round(between(min, max, ctx.seed, 'startup', ctx.identity));
    this.servingFrom = ctx.clock.now() + startup;
    this.boundaryTimers.push(ctx.clock.at(this.servingFrom, () => this.owner.processChanged(true)));
  }

  private drive(run: Run): void {
    this.run = run;
    this.step();
  }

  private step(): void {
    this.stepTimer = undefined;
    if (!this.run || this.exit) return;
    const r = this.run.next();
    if (this.exit) return;
    if (r.done) {
      this.run = undefined;
      if (this.terminating) return; // already on its way out
      this.finish(r.value, r.value === 0 ? 'Completed' : 'Error');
      return;
    }
    if (r.value === Infinity) return;
    this.stepTimer = this.ctx.clock.after(r.value, () => this.step());
  }

  private exitAt(at: number, code: number, reason: ExitReason): void {
    if (this.exitTimer && this.exitTimer.at <= at) return;
    this.ctx.clock.cancel(this.exitTimer);
    this.exitTimer = this.ctx.clock.at(at, () => this.finish(code, reason));
  }

  private finish(code: number, reason: ExitReason): void {
    if (this.exit) return;
    this.exit = { code, reason, at: this.ctx.clock.now() };
    this.cancelTimers();
    this.owner.processExited(this.exit);
  }

  private cancelTimers(): void {
    const c = this.ctx.clock;
    c.cancel(this.stepTimer);
    c.cancel(this.exitTimer);
    for (const t of this.boundaryTimers) c.cancel(t);
    this.boundaryTimers.length = 0;
    this.stepTimer = undefined;
    this.exitTimer = undefined;
    this.run = undefined;
  }

  /**
   * SIGTERM. The app exits after its shutdown time, or is SIGKILLed (137) at `killAt`. Servers exit 0; shell
   * scripts report 137 as they do on a real node, where a PID 1 shell ignores SIGTERM and is killed.
   */
  terminate(killAt: number): void {
    if (this.exit || this.terminating) return;
    this.terminating = true;
    const { ctx } = this;
    const shutdown = ctx.behaviour.shutdownMs ?? Math.round(between(100, 800, ctx.seed, 'shutdown', ctx.identity));
    const at = ctx.clock.now() + shutdown;
    const script = ctx.argv !== undefined && this.servingFrom === undefined;
    ctx.clock.cancel(this.stepTimer);
    this.stepTimer = undefined;
    this.run = undefined;
    if (at >= killAt) this.exitAt(killAt, 137, 'Error');
    else this.exitAt(at, script ? 137 : 0, script ? 'Error' : 'Completed');
  }

  /** A shorter grace period: SIGKILL no later than `killAt`. */
  killBy(killAt: number): void {
    if (!this.exit) this.exitAt(killAt, 137, 'Error');
  }

  /** SIGKILL now (grace period over). */
  kill(): void {
    this.finish(137, 'Error');
  }

  /** Gone without a trace (the pod was removed while its node could not report). */
  discard(): void {
    this.exit ??= { code: 137, reason: 'Error', at: this.ctx.clock.now() };
    this.cancelTimers();
  }

  listening(port: number, now: number): boolean {
    if (this.exit || this.servingFrom === undefined || now < this.servingFrom) return false;
    return this.anyPort || this.ports.has(port);
  }

  /** Whether the app is up at all (servers: answering; scripts: running). */
  healthy(now: number): boolean {
    if (this.exit) return false;
    return this.servingFrom === undefined ? true : now >= this.servingFrom;
  }

  failing(kind: 'readiness' | 'liveness', now: number): boolean {
    const b = this.ctx.behaviour;
    return inWindow(kind === 'readiness' ? b.readinessFails : b.livenessFails, now - this.startedAt);
  }

  memoryBytes(now: number): number {
    const b = this.ctx.behaviour;
    const base = b.memoryBytes ?? this.ctx.image.memoryMi * 1024 * 1024 * (this.ctx.argv && this.servingFrom === undefined ? 0.1 : 1);
    return Math.round(base + (b.memoryGrowthPerMs ?? 0) * Math.max(0, now - this.startedAt));
  }

  cpuMillis(now: number): number {
    const b = this.ctx.behaviour;
    if (this.exit) return 0;
    if (b.cpuMillis !== undefined) return b.cpuMillis;
    return this.servingFrom !== undefined && now >= this.servingFrom ? Math.round(between(1, 6, this.ctx.seed, 'cpu', this.ctx.identity)) : 0;
  }

  /** When memory use reaches the limit, if it does. */
  private oomAt(): number | undefined {
    const limit = this.ctx.memoryLimitBytes;
    const b = this.ctx.behaviour;
    if (limit === undefined || (b.memoryBytes === undefined && b.memoryGrowthPerMs === undefined)) return undefined;
    const base = this.memoryBytes(this.startedAt);
    if (base >= limit) return this.startedAt + Math.round(between(100, 600, this.ctx.seed, 'oom', this.ctx.identity));
    const growth = b.memoryGrowthPerMs ?? 0;
    return growth > 0 ? this.startedAt + Math.ceil((limit - base) / growth) : undefined;
  }
}
