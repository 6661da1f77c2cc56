/**
 * The plugins that look at one node at a time: NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts,
 * NodeResourcesFit (filter and LeastAllocated score), NodeResourcesBalancedAllocation and ImageLocality.
 */
import type { Taint, Toleration } from '../api/types.js';
import { hostPorts, normalizedImageName, type HostPort, type NodeInfo } from './cache.js';
import { defaultNormalize, MAX_NODE_SCORE, type FilterPlugin, type NodeScorer, type ScorePlugin } from './framework.js';
import { preferredNodeAffinity, preferredScore, RequiredNodeAffinity, tolerationsTolerate, untoleratedTaint } from './nodeSelector.js';

export const REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const REASON_NODE_NAME = "node(s) didn't match the requested node name";
export const REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
export const REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";
export const REASON_TOO_MANY_PODS = 'Too many pods';

const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export const nodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  preFilter(c) {
    // A pod that tolerates the unschedulable taint tolerates spec.unschedulable too.
    if (tolerationsTolerate(c.pod.spec.tolerations, UNSCHEDULABLE_TAINT)) return null;
    const id = c.rejections.id('NodeUnschedulable', [REASON_UNSCHEDULABLE]);
    return (n) => (n.unschedulable ? id : 0);
  },
};

export const nodeName: FilterPlugin = {
  name: 'NodeName',
  preFilter(c) {
    const want = c.pod.spec.nodeName;
    if (!want) return null;
    const id = c.rejections.id('NodeName', [REASON_NODE_NAME]);
    return (n) => (n.name === want ? 0 : id);
  },
};

export function taintReason(t: Taint): string {
  return `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`;
}

export const taintToleration: FilterPlugin = {
  name: 'TaintToleration',
  preFilter(c) {
    const tolerations = c.pod.spec.tolerations;
    return (n) => {
      if (n.taintCount === 0) return 0;
      const t = untoleratedTaint(n.taints, tolerations);
      return t ? c.rejections.id('TaintToleration', [taintReason(t)]) : 0;
    };
  },
};

export const nodeAffinity: FilterPlugin = {
  name: 'NodeAffinity',
  preFilter(c) {
    const required = new RequiredNodeAffinity(c.pod);
    if (!required.restricts) return null;
    const id = c.rejections.id('NodeAffinity', [REASON_NODE_AFFINITY]);
    return (n) => (required.matches(n.labels, n.name) ? 0 : id);
  },
};

/** HostPortInfo.CheckConflict: 0.0.0.0 conflicts with any address on the same protocol and port. */
function conflicts(used: readonly HostPort[], want: HostPort): boolean {
  for (const u of used) {
    if (u.port !== want.port || u.protocol !== want.protocol) continue;
    if (want.ip === '0.0.0.0' || u.ip === '0.0.0.0' || u.ip === want.ip) return true;
  }
  return false;
}

export const nodePorts: FilterPlugin = {
  name: 'NodePorts',
  preFilter(c) {
    const wanted = hostPorts(c.pod);
    if (wanted.length === 0) return null;
    const id = c.rejections.id('NodePorts', [REASON_NODE_PORTS]);
    return (n) => {
      if (n.hostPortPods === 0) return 0;
      const used = n.usedPorts();
      for (const w of wanted) if (conflicts(used, w)) return id;
      return 0;
    };
  },
};

export const nodeResourcesFit: FilterPlugin = {
  name: 'NodeResourcesFit',
  preFilter(c) {
    const r = c.requests;
    const ids = new Map<string, number>();
    const rejection = (reasons: string[]): number => {
      const key = reasons.join('\x00');
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = c.rejections.id('NodeResourcesFit', reasons)));
      return id;
    };
    const needsAny = r.cpu > 0 || r.memory > 0 || r.ephemeralStorage > 0 || r.scalar.size > 0;
    const scalar = r.scalar.size > 0 ? [...r.scalar] : [];
    return (n) => {
      const tooMany = n.podCount + 1 > n.allocPods;
      if (!needsAny) return tooMany ? rejection([REASON_TOO_MANY_PODS]) : 0;
      const a = n.alloc;
      const cpu = r.cpu > 0 && r.cpu > n.allocCpu - n.requestedCpu;
      const memory = r.memory > 0 && r.memory > n.allocMemory - n.requestedMemory;
      const ephemeral = r.ephemeralStorage > 0 && r.ephemeralStorage > a.ephemeralStorage - n.requestedEphemeral;
      let scalarShort = false;
      for (let i = 0; i < scalar.length; i++) {
        const [name, q] = scalar[i]!;
        if (q > (a.scalar.get(name) ?? 0) - (n.requestedScalar.get(name) ?? 0)) scalarShort = true;
      }
      if (!tooMany && !cpu && !memory && !ephemeral && !scalarShort) return 0;
      return rejection(insufficient(n, scalar, tooMany, cpu, memory, ephemeral));
    };
  },
};

/**
 * The reasons a node does not fit, in kube-scheduler's order. Apart from the filter because V8 optimised the filter
 * worse with this (rarely run) code inside it: it allocated ~48 bytes per node and ran 3× slower.
 */
function insufficient(
  n: NodeInfo, scalar: readonly (readonly [string, number])[], tooMany: boolean, cpu: boolean, memory: boolean, ephemeral: boolean,
): string[] {
  const reasons: string[] = [];
  if (tooMany) reasons.push(REASON_TOO_MANY_PODS);
  if (cpu) reasons.push('Insufficient cpu');
  if (memory) reasons.push('Insufficient memory');
  if (ephemeral) reasons.push('Insufficient ephemeral-storage');
  for (const [name, q] of scalar) {
    if (q > (n.alloc.scalar.get(name) ?? 0) - (n.requestedScalar.get(name) ?? 0)) reasons.push(`Insufficient ${name}`);
  }
  return reasons;
}

// ---------- scores ----------

function preferNoScheduleTolerations(tolerations: readonly Toleration[] | undefined): Toleration[] {
  return (tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
}

export const taintTolerationScore: ScorePlugin = {
  name: 'TaintToleration',
  preScore(c) {
    const tolerations = preferNoScheduleTolerations(c.pod.spec.tolerations);
    const score = (n: NodeInfo): number => {
      const taints = n.preferNoScheduleTaints;
      let count = 0;
      for (let i = 0; i < taints.length; i++) if (!tolerationsTolerate(tolerations, taints[i]!)) count++;
      return count;
    };
    return {
      score,
      scoreAll(nodes, out) {
        for (let j = 0; j < nodes.length; j++) out[j] = nodes[j]!.preferNoScheduleCount === 0 ? 0 : score(nodes[j]!);
      },
      normalize: (scores) => defaultNormalize(scores, true),
    };
  },
};

export const nodeAffinityScore: ScorePlugin = {
  name: 'NodeAffinity',
  preScore(c) {
    const terms = preferredNodeAffinity(c.pod);
    if (terms.length === 0) return null;
    return {
      score: (n) => preferredScore(terms, n.labels, n.name),
      normalize: (scores) => defaultNormalize(scores, false),
    };
  },
};

/** NodeResourcesFit's LeastAllocated strategy: cpu and memory, weight 1 each, with non-zero requests. */
export const leastAllocatedScore: ScorePlugin = {
  name: 'NodeResourcesFit',
  preScore(c) {
    const r = c.requests;
    const score = (n: NodeInfo): number => {
      let total = 0;
      let weights = 0;
      const cpu = leastRequested(n.nonZeroCpu + r.nonZeroCpu, n.allocCpu);
      if (cpu !== undefined) {
        total += cpu;
        weights++;
      }
      const mem = leastRequested(n.nonZeroMemory + r.nonZeroMemory, n.allocMemory);
      if (mem !== undefined) {
        total += mem;
        weights++;
      }
      return weights === 0 ? 0 : Math.trunc(total / weights);
    };
    return {
      score,
      scoreAll(nodes, out) {
        for (let j = 0; j < nodes.length; j++) out[j] = score(nodes[j]!);
      },
    };
  },
};

function leastRequested(requested: number, capacity: number): number | undefined {
  if (capacity === 0) return undefined;
  if (requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** NodeResourcesBalancedAllocation: 100 × (1 − |cpu fraction − memory fraction| / 2), with actual requests. */
export const balancedAllocationScore: ScorePlugin = {
  name: 'NodeResourcesBalancedAllocation',
  preScore(c) {
    const r = c.requests;
    const score = (n: NodeInfo): number => {
      // With two resources the standard deviation is half their difference; with one it is zero.
      if (n.allocCpu <= 0 || n.allocMemory <= 0) return MAX_NODE_SCORE;
      const cpu = Math.min(1, (n.requestedCpu + r.cpu) / n.allocCpu);
      const memory = Math.min(1, (n.requestedMemory + r.memory) / n.allocMemory);
      return Math.trunc((1 - Math.abs((cpu - memory) / 2)) * MAX_NODE_SCORE);
    };
    return {
      score,
      scoreAll(nodes, out) {
        for (let j = 0; j < nodes.length; j++) out[j] = score(nodes[j]!);
      },
    };
  },
};

const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

export const imageLocalityScore: ScorePlugin = {
  name: 'ImageLocality',
  preScore(c) {
    const images = [...(c.pod.spec.initContainers ?? []), ...c.pod.spec.containers].map((ct) => normalizedImageName(ct.image ?? ''));
    const total = c.cache.nodeCount();
    const maxThreshold = MAX_CONTAINER_THRESHOLD * images.length;
    // No node has any of the pod's images: every node scores the same (0).
    if (!images.some((image) => c.cache.imageStates.has(image))) return { score: () => 0, scoreAll: (nodes, out) => void out.fill(0, 0, nodes.length) };
    return {
      score(n: NodeInfo) {
        let sum = 0;
        if (n.images.size > 0) {
          for (const image of images) {
            const state = n.images.has(image) ? c.cache.imageStates.get(image) : undefined;
            if (state) sum += Math.trunc(state.size * (state.nodes / total));
          }
        }
        if (sum < MIN_THRESHOLD) sum = MIN_THRESHOLD;
        else if (sum > maxThreshold) sum = maxThreshold;
        return Math.trunc((MAX_NODE_SCORE * (sum - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
      },
    } satisfies NodeScorer;
  },
};
