/**
 * Pod annotations that script what a simulated container does, under `kubedeck.dev/`. A key applies to every
 * container of the pod; `<key>.<container>` (e.g. `kubedeck.dev/crash-after.worker`) applies to one container and
 * wins over the pod-wide key. Times count from the moment the container (re)started.
 * docs/containers.md is the user-facing description; keep the two in step.
 */
import { parseBytes, parseCpuMillis } from '../api/quantity.js';
import { parseDurationMs } from './durations.js';
import type { PullFailure } from './images.js';

export const ANNOTATION_PREFIX = 'kubedeck.dev/';

export const ANNOTATIONS = {
  startupTime: 'startup-time',
  readinessFailsAfter: 'readiness-fails-after',
  readinessRecoversAfter: 'readiness-recovers-after',
  livenessFailsAfter: 'liveness-fails-after',
  livenessRecoversAfter: 'liveness-recovers-after',
  crashAfter: 'crash-after',
  exitAfter: 'exit-after',
  exitCode: 'exit-code',
  imagePullFails: 'image-pull-fails',
  imagePullTime: 'image-pull-time',
  cpuUsage: 'cpu-usage',
  memoryUsage: 'memory-usage',
  memoryGrowth: 'memory-growth',
  shutdownTime: 'shutdown-time',
} as const;

/** A span of time since container start in which a probe fails: [from, to). */
export interface FailWindow {
  from: number;
  to: number;
}

export interface ContainerBehaviour {
  /** From start until the app answers probes on its ports. */
  startupMs?: number;
  readinessFails?: FailWindow;
  livenessFails?: FailWindow;
  /** The process exits on its own this long after start, with exitCode. */
  exitAfterMs?: number;
  exitCode: number;
  imagePullFails?: PullFailure;
  imagePullMs?: number;
  cpuMillis?: number;
  memoryBytes?: number;
  /** Bytes per millisecond the memory use grows (a leak). */
  memoryGrowthPerMs?: number;
  /** How long the app takes to exit after SIGTERM. */
  shutdownMs?: number;
}

/**
 * The pod's `kubedeck.dev/` annotations for one container, read in one pass: `get(key)` is
 * annotations[`kubedeck.dev/<key>.<container>`] ?? annotations[`kubedeck.dev/<key>`] (keys have no dot).
 */
function annotationReader(annotations: Readonly<Record<string, string>>, container: string): (key: string) => string | undefined {
  const podWide = new Map<string, string>();
  const own = new Map<string, string>();
  for (const k in annotations) {
    if (!k.startsWith(ANNOTATION_PREFIX)) continue;
    const suffix = k.slice(ANNOTATION_PREFIX.length);
    const dot = suffix.indexOf('.');
    if (dot < 0) podWide.set(suffix, annotations[k]!);
    else if (suffix.slice(dot + 1) === container) own.set(suffix.slice(0, dot), annotations[k]!);
  }
  return (key) => own.get(key) ?? podWide.get(key);
}

function window(fails: number | undefined, recovers: number | undefined): FailWindow | undefined {
  if (fails === undefined) return undefined;
  return { from: fails, to: recovers !== undefined && recovers > fails ? recovers : Infinity };
}

function quantity<T>(text: string | undefined, parse: (q: string) => T): T | undefined {
  if (text === undefined) return undefined;
  try {
    return parse(text.trim());
  } catch {
    return undefined;
  }
}

const RATE_UNITS: Record<string, number> = { s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, hour: 3_600_000 };

/** `10Mi/min`, `1Mi/s`, `200Mi/h`: bytes per millisecond. */
export function parseMemoryRate(text: string | undefined): number | undefined {
  const m = text ? /^\s*([^/\s]+)\s*\/\s*([a-z]+)\s*$/.exec(text) : null;
  if (!m) return undefined;
  const bytes = quantity(m[1], parseBytes);
  const per = RATE_UNITS[m[2]!];
  return bytes === undefined || per === undefined ? undefined : bytes / per;
}

function pullFailure(text: string | undefined): PullFailure | undefined {
  const v = text?.trim().toLowerCase();
  if (!v || v === 'false' || v === 'no') return undefined;
  return v === 'unauthorized' || v === 'denied' ? 'unauthorized' : 'not-found';
}

const NO_BEHAVIOUR: ContainerBehaviour = Object.freeze({ exitCode: 0 });

/**
 * Behaviours by annotations object and container: a ReplicaSet's pods share their template's annotations, so its
 * containers share one behaviour (never changed once made) instead of one each.
 */
const behaviours = new WeakMap<Readonly<Record<string, string>>, Map<string, ContainerBehaviour>>();

export function containerBehaviour(annotations: Readonly<Record<string, string>> | undefined, container: string): ContainerBehaviour {
  if (!annotations) return readBehaviour({}, container);
  let byContainer = behaviours.get(annotations);
  if (!byContainer) behaviours.set(annotations, (byContainer = new Map()));
  let b = byContainer.get(container);
  if (!b) byContainer.set(container, (b = readBehaviour(annotations, container)));
  return b;
}

function readBehaviour(a: Readonly<Record<string, string>>, container: string): ContainerBehaviour {
  let any = false;
  for (const k in a) {
    if (k.startsWith(ANNOTATION_PREFIX)) {
      any = true;
      break;
    }
  }
  if (!any) return NO_BEHAVIOUR;
  const get = annotationReader(a, container);
  const crash = parseDurationMs(get(ANNOTATIONS.crashAfter));
  const exit = parseDurationMs(get(ANNOTATIONS.exitAfter));
  const code = Number.parseInt(get(ANNOTATIONS.exitCode) ?? '', 10);
  const out: ContainerBehaviour = {
    exitCode: Number.isFinite(code) ? code & 255 : crash !== undefined ? 1 : 0,
  };
  const set = <K extends keyof ContainerBehaviour>(k: K, v: ContainerBehaviour[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('startupMs', parseDurationMs(get(ANNOTATIONS.startupTime)));
  set('readinessFails', window(parseDurationMs(get(ANNOTATIONS.readinessFailsAfter)), parseDurationMs(get(ANNOTATIONS.readinessRecoversAfter))));
  set('livenessFails', window(parseDurationMs(get(ANNOTATIONS.livenessFailsAfter)), parseDurationMs(get(ANNOTATIONS.livenessRecoversAfter))));
  set('exitAfterMs', crash ?? exit);
  set('imagePullFails', pullFailure(get(ANNOTATIONS.imagePullFails)));
  set('imagePullMs', parseDurationMs(get(ANNOTATIONS.imagePullTime)));
  set('cpuMillis', quantity(get(ANNOTATIONS.cpuUsage), parseCpuMillis));
  set('memoryBytes', quantity(get(ANNOTATIONS.memoryUsage), parseBytes));
  set('memoryGrowthPerMs', parseMemoryRate(get(ANNOTATIONS.memoryGrowth)));
  set('shutdownMs', parseDurationMs(get(ANNOTATIONS.shutdownTime)));
  return out;
}

/** Whether a scripted failure window covers `sinceStartMs`. */
export function inWindow(w: FailWindow | undefined, sinceStartMs: number): boolean {
  return !!w && sinceStartMs >= w.from && sinceStartMs < w.to;
}
