/**
 * Per node, what its unfinished pods request (the sums `kubectl describe node` shows under "Allocated resources"),
 * kept from the pod watch. The nodes view shows them for every visible node on every frame: listing each node's
 * pods for that cost a node's share of every pod per cell (16 s for the first frame at 150,000 pods).
 */
import type { AnyObject, Pod } from '../engine/api/types.js';
import { podRequestsAndLimits } from '../printers/describe.js';
import type { DashboardSource } from './source.js';

export interface NodeTotals {
  readonly cpuMilli: number;
  readonly memory: number;
  readonly pods: number;
}

interface PodShare {
  node: string;
  /** The spec the requests were read from (a status write keeps it: nothing to read again). */
  spec: Pod['spec'];
  cpuMilli: number;
  memory: number;
}

const NONE: NodeTotals = { cpuMilli: 0, memory: 0, pods: 0 };

const finished = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

export class NodeRequests {
  private readonly byNode = new Map<string, { cpuMilli: number; memory: number; pods: number }>();
  private readonly byPod = new Map<string, PodShare>();
  readonly stop: () => void;

  constructor(reader: DashboardSource['reader']) {
    for (const p of reader.list('Pod')) this.set(key(p), p);
    this.stop = reader.watch({ kinds: ['Pod'] }, ({ type, object }) => this.set(key(object), type === 'DELETED' ? undefined : (object as Pod)));
  }

  of(nodeName: string): NodeTotals {
    return this.byNode.get(nodeName) ?? NONE;
  }

  private set(podKey: string, pod: Pod | undefined): void {
    const old = this.byPod.get(podKey);
    const counted = pod?.spec.nodeName && !finished(pod) ? pod : undefined;
    if (old && counted && old.node === counted.spec.nodeName && old.spec === counted.spec) return;
    if (old) {
      this.add(old, -1);
      this.byPod.delete(podKey);
    }
    if (!counted) return;
    const { cpuMilli, memory } = requestsOf(counted);
    const share = { node: counted.spec.nodeName!, spec: counted.spec, cpuMilli, memory };
    this.byPod.set(podKey, share);
    this.add(share, 1);
  }

  private add(share: PodShare, sign: 1 | -1): void {
    let totals = this.byNode.get(share.node);
    if (!totals) this.byNode.set(share.node, (totals = { cpuMilli: 0, memory: 0, pods: 0 }));
    totals.cpuMilli += sign * share.cpuMilli;
    totals.memory += sign * share.memory;
    totals.pods += sign;
    if (totals.pods === 0) this.byNode.delete(share.node);
  }
}

const key = (o: AnyObject): string => o.metadata.uid ?? `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

/** A ReplicaSet's pods share their template's containers (stored objects never change): read once per array. */
const byContainers = new WeakMap<Pod['spec']['containers'], { cpuMilli: number; memory: number }>();

function requestsOf(pod: Pod): { cpuMilli: number; memory: number } {
  const { containers, initContainers } = pod.spec;
  const shared = !initContainers?.length;
  let r = shared ? byContainers.get(containers) : undefined;
  if (!r) {
    const { requests } = podRequestsAndLimits(pod);
    r = { cpuMilli: requests.cpuMilli, memory: requests.memory };
    if (shared) byContainers.set(containers, r);
  }
  return r;
}

const tallies = new WeakMap<DashboardSource['reader'], NodeRequests>();

/** The tally for a source's cluster, started the first time a node's totals are asked for. */
export function nodeRequests(source: DashboardSource): NodeRequests {
  let tally = tallies.get(source.reader);
  if (!tally) tallies.set(source.reader, (tally = new NodeRequests(source.reader)));
  return tally;
}
