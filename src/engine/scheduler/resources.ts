/**
 * Pod requests as kube-scheduler computes them (k8s.io/component-helpers/resource PodRequests): containers summed,
 * init containers by the max rule (sidecars, restartPolicy Always, add up and stay), pod overhead added.
 * The "non-zero" variant (for scoring) counts a container without a cpu or memory request as 100m / 200Mi.
 */
import type { ResourceList } from '../api/meta.js';
import type { Container, PodSpec } from '../api/types.js';
import { parseBytes, parseCpuMillis } from '../api/quantity.js';

export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** Resource amounts: cpu in millicores, the rest in base units (bytes, counts). */
export type Amounts = Map<string, number>;

/** Shared by pods with the same containers: never changed. */
export interface PodRequests {
  readonly cpu: number;
  readonly memory: number;
  readonly ephemeralStorage: number;
  /** Extended resources and hugepages: the names a node must offer. */
  readonly scalar: ReadonlyMap<string, number>;
  /** cpu and memory with the non-zero defaults, for scoring. */
  readonly nonZeroCpu: number;
  readonly nonZeroMemory: number;
}

const CPU = 'cpu';
const MEMORY = 'memory';
const EPHEMERAL = 'ephemeral-storage';

/** Resource names the scheduler accounts beyond cpu, memory and ephemeral storage. */
export function isScalarResource(name: string): boolean {
  if (name.startsWith('hugepages-') || name.startsWith('attachable-volumes-')) return true;
  // Extended resources (example.com/gpu) and prefixed native ones (kubernetes.io/x) alike.
  return name.includes('/');
}

function amount(name: string, q: string | number): number {
  try {
    return name === CPU ? parseCpuMillis(q) : parseBytes(q);
  } catch {
    return 0;
  }
}

function toAmounts(list: ResourceList | undefined, nonMissing: boolean): Amounts {
  const out: Amounts = new Map();
  if (list) for (const [k, v] of Object.entries(list)) out.set(k, amount(k, v));
  if (nonMissing) {
    if (!out.has(CPU)) out.set(CPU, DEFAULT_MILLI_CPU_REQUEST);
    if (!out.has(MEMORY)) out.set(MEMORY, DEFAULT_MEMORY_REQUEST);
  }
  return out;
}

function add(into: Amounts, from: Amounts): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}

function max(into: Amounts, from: Amounts): void {
  for (const [k, v] of from) if (v > (into.get(k) ?? 0)) into.set(k, v);
}

function containerRequests(c: Container, nonMissing: boolean): Amounts {
  return toAmounts(c.resources?.requests, nonMissing);
}

/** resource.PodRequests. */
export function podRequestAmounts(spec: PodSpec, nonMissing: boolean): Amounts {
  const reqs: Amounts = new Map();
  for (const c of spec.containers ?? []) add(reqs, containerRequests(c, nonMissing));
  const restartable: Amounts = new Map();
  const initMax: Amounts = new Map();
  for (const c of spec.initContainers ?? []) {
    let r = containerRequests(c, nonMissing);
    if (c.restartPolicy === 'Always') {
      add(reqs, r);
      add(restartable, r);
      r = restartable;
    } else {
      const tmp: Amounts = new Map();
      add(tmp, r);
      add(tmp, restartable);
      r = tmp;
    }
    max(initMax, r);
  }
  max(reqs, initMax);
  const overhead = (spec as PodSpec & { overhead?: ResourceList }).overhead;
  if (overhead) add(reqs, toAmounts(overhead, false));
  return reqs;
}

const NO_SCALAR: ReadonlyMap<string, number> = new Map();

/**
 * The containers array the last requests were read from: a ReplicaSet's pods share their template's, and the
 * scheduler meets them one after another, so they share one PodRequests too (every scheduled pod keeps its own).
 */
let lastContainers: readonly Container[] | undefined;
let lastRequests: PodRequests | undefined;

export function podRequests(spec: PodSpec): PodRequests {
  // Only the containers count when there are no init containers and no overhead.
  const byContainers = !spec.initContainers && !(spec as PodSpec & { overhead?: ResourceList }).overhead;
  if (byContainers && spec.containers === lastContainers && lastRequests) return lastRequests;
  const requests = (byContainers && containersRequests(spec.containers ?? [])) || anyPodRequests(spec);
  if (byContainers) {
    lastContainers = spec.containers;
    lastRequests = requests;
  }
  return requests;
}

/**
 * The sums podRequestAmounts makes, in one pass without maps, for containers that ask for cpu, memory and
 * ephemeral storage only, as most do; undefined for others (extended resources), which take the general way.
 */
function containersRequests(containers: readonly Container[]): PodRequests | undefined {
  let cpu = 0;
  let memory = 0;
  let ephemeralStorage = 0;
  let nonZeroCpu = 0;
  let nonZeroMemory = 0;
  for (const c of containers) {
    const list = c.resources?.requests;
    let cCpu: number | undefined;
    let cMemory: number | undefined;
    if (list) {
      for (const k of Object.keys(list)) {
        if (k === CPU) cCpu = amount(k, list[k]!);
        else if (k === MEMORY) cMemory = amount(k, list[k]!);
        else if (k === EPHEMERAL) ephemeralStorage += amount(k, list[k]!);
        else return undefined;
      }
    }
    if (cCpu !== undefined) cpu += cCpu;
    if (cMemory !== undefined) memory += cMemory;
    nonZeroCpu += cCpu ?? DEFAULT_MILLI_CPU_REQUEST;
    nonZeroMemory += cMemory ?? DEFAULT_MEMORY_REQUEST;
  }
  return { cpu, memory, ephemeralStorage, scalar: NO_SCALAR, nonZeroCpu, nonZeroMemory };
}

function anyPodRequests(spec: PodSpec): PodRequests {
  const r = podRequestAmounts(spec, false);
  const nz = podRequestAmounts(spec, true);
  const scalars = [...r].filter(([k, v]) => isScalarResource(k) && v > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    cpu: r.get(CPU) ?? 0,
    memory: r.get(MEMORY) ?? 0,
    ephemeralStorage: r.get(EPHEMERAL) ?? 0,
    scalar: scalars.length === 0 ? NO_SCALAR : new Map(scalars),
    nonZeroCpu: nz.get(CPU) ?? 0,
    nonZeroMemory: nz.get(MEMORY) ?? 0,
  };
}

/** A node's allocatable, parsed. */
export interface Allocatable {
  cpu: number;
  memory: number;
  ephemeralStorage: number;
  pods: number;
  scalar: ReadonlyMap<string, number>;
}

export function parseAllocatable(list: ResourceList | undefined): Allocatable {
  const scalar = new Map<string, number>();
  for (const [k, v] of Object.entries(list ?? {})) if (isScalarResource(k)) scalar.set(k, amount(k, v));
  return {
    cpu: list?.cpu !== undefined ? amount(CPU, list.cpu) : 0,
    memory: list?.memory !== undefined ? amount(MEMORY, list.memory) : 0,
    ephemeralStorage: list?.[EPHEMERAL] !== undefined ? amount(EPHEMERAL, list[EPHEMERAL]) : 0,
    pods: list?.pods !== undefined ? amount('pods', list.pods) : 0,
    scalar,
  };
}
