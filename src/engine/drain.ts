/**
 * `kubectl drain NODE` (k8s.io/kubectl/pkg/drain and cmd/drain): cordon, then evict every pod on the node except
 * mirror pods, refusing — unless told otherwise — DaemonSet pods (--ignore-daemonsets), pods with emptyDir data
 * (--delete-emptydir-data) and pods no controller owns (--force); then wait, in virtual time, until each evicted pod
 * is gone (kubectl polls every second), and print what kubectl prints, on the stream it prints it to.
 *
 * `startDrain` returns at once with an operation whose lines grow as the clock advances (the dashboard);
 * `drain` also advances the clock until the drain is over, as kubectl blocks (the CLI and scenarios).
 */
import type { OwnerReference } from './api/meta.js';
import type { Pod } from './api/types.js';
import { cordon, ActionError } from './actions.js';
import type { TimerHandle } from './clock.js';
import type { Cluster } from './cluster.js';
import { ApiError, notFound } from './errors.js';
import { matches, parseSelector, SelectorParseError, type Selector } from './selectors.js';

export interface DrainOptions {
  /** Evict pods no controller owns (and orphans of a deleted DaemonSet). */
  force?: boolean;
  /** Leave DaemonSet pods where they are instead of refusing to drain. */
  ignoreDaemonSets?: boolean;
  /** Evict pods with emptyDir volumes (their data is lost). */
  deleteEmptyDirData?: boolean;
  /** Seconds each pod gets to terminate; negative (the default): the pod's own terminationGracePeriodSeconds. */
  gracePeriodSeconds?: number;
  /** Give up after this many seconds; 0 (the default) waits for ever. */
  timeoutSeconds?: number;
  /** Only pods matching this label selector. */
  podSelector?: string;
  /** Delete instead of evicting (kubectl then prints `pod/x deleted`). */
  disableEviction?: boolean;
}

export type DrainStream = 'out' | 'err';
export interface DrainLine {
  stream: DrainStream;
  text: string;
}
export type DrainStatus = 'running' | 'drained' | 'failed';

/** How long `drain` lets virtual time run for a drain without --timeout before handing back (kubectl would wait for ever). */
export const DRAIN_WAIT_LIMIT_MS = 60 * 60 * 1000;
const POLL_MS = 1000;

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const DAEMONSET_FATAL = 'DaemonSet-managed Pods (use --ignore-daemonsets to ignore)';
const DAEMONSET_WARNING = 'ignoring DaemonSet-managed Pods';
const LOCAL_STORAGE_FATAL = 'Pods with local storage (use --delete-emptydir-data to override)';
const LOCAL_STORAGE_WARNING = 'deleting Pods with local storage';
const UNMANAGED_FATAL = 'cannot delete Pods that declare no controller (use --force to override)';
const UNMANAGED_WARNING = 'deleting Pods that declare no controller';

type Verdict =
  | { kind: 'delete' }
  | { kind: 'skip' }
  | { kind: 'warning'; delete: boolean; message: string }
  | { kind: 'error'; message: string };

const OKAY: Verdict = { kind: 'delete' };
const deletes = (v: Verdict) => v.kind === 'delete' || (v.kind === 'warning' && v.delete);
const controllerOf = (pod: Pod): OwnerReference | undefined => pod.metadata.ownerReferences?.find((r) => r.controller);
const finished = (pod: Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/**
 * The drain filters in kubectl's order (skip-deleted, DaemonSet, mirror, local storage, unreplicated); the first
 * that does not delete decides, otherwise the last one's verdict stands (so only its warning is kept, as in kubectl).
 */
export function drainVerdict(pod: Pod, options: DrainOptions, daemonSetExists: (namespace: string, name: string) => boolean): Verdict {
  const filters: (() => Verdict)[] = [
    () => {
      const ref = controllerOf(pod);
      if (!ref || ref.kind !== 'DaemonSet' || finished(pod)) return OKAY;
      if (!daemonSetExists(pod.metadata.namespace ?? 'default', ref.name)) {
        const message = `daemonsets.apps "${ref.name}" not found`;
        return options.force ? { kind: 'warning', delete: true, message } : { kind: 'error', message };
      }
      if (!options.ignoreDaemonSets) return { kind: 'error', message: DAEMONSET_FATAL };
      return { kind: 'warning', delete: false, message: DAEMONSET_WARNING };
    },
    () => (pod.metadata.annotations && MIRROR_POD_ANNOTATION in pod.metadata.annotations ? { kind: 'skip' } : OKAY),
    () => {
      if (!(pod.spec.volumes ?? []).some((v) => v.emptyDir) || finished(pod)) return OKAY;
      if (!options.deleteEmptyDirData) return { kind: 'error', message: LOCAL_STORAGE_FATAL };
      return { kind: 'warning', delete: true, message: LOCAL_STORAGE_WARNING };
    },
    () => {
      if (finished(pod) || controllerOf(pod)) return OKAY;
      if (options.force) return { kind: 'warning', delete: true, message: UNMANAGED_WARNING };
      return { kind: 'error', message: UNMANAGED_FATAL };
    },
  ];
  let verdict: Verdict = OKAY;
  for (const filter of filters) {
    verdict = filter();
    if (!deletes(verdict)) break;
  }
  return verdict;
}

interface PodList {
  items: { pod: Pod; verdict: Verdict }[];
  errors: string[];
  warnings: string;
}

/** GetPodsForDeletion: the node's pods (as the API lists them), their verdicts, grouped errors and warnings. */
function podsForDeletion(cluster: Cluster, nodeName: string, options: DrainOptions, selector: Selector): PodList {
  const pods = cluster.store
    .podsOnNode(nodeName)
    .filter((p) => matches(selector, p.metadata.labels))
    .sort((a, b) => key(a).localeCompare(key(b)));
  const dsExists = (ns: string, name: string) => !!cluster.get('DaemonSet', ns, name);
  const items = pods.map((pod) => ({ pod, verdict: drainVerdict(pod, options, dsExists) }));
  const group = (kind: 'error' | 'warning') => {
    const byMessage = new Map<string, string[]>();
    for (const { pod, verdict } of items) {
      if (verdict.kind !== kind) continue;
      const list = byMessage.get(verdict.message) ?? [];
      list.push(key(pod));
      byMessage.set(verdict.message, list);
    }
    return byMessage;
  };
  const errors = [...group('error')].map(([msg, names]) =>
    msg.toLowerCase().startsWith('cannot delete') ? `${msg}: ${names.join(', ')}` : `cannot delete ${msg}: ${names.join(', ')}`,
  );
  const warnings = [...group('warning')].map(([msg, names]) => `${msg}: ${names.join(', ')}`).join('; ');
  return { items, errors, warnings };
}

const key = (pod: Pod) => `${pod.metadata.namespace}/${pod.metadata.name}`;

/** utilerrors.NewAggregate(...).Error(): one message as is, several in brackets. */
const aggregate = (messages: readonly string[]) => (messages.length === 1 ? messages[0]! : `[${messages.join(', ')}]`);

/** A drain in progress. */
export class DrainOperation {
  readonly lines: DrainLine[] = [];
  status: DrainStatus = 'running';
  private readonly cleanups: (() => void)[] = [];

  constructor(
    readonly nodeName: string,
    private readonly onLine?: (line: DrainLine) => void,
  ) {}

  /** Everything printed to one stream, newline-terminated, as a terminal would show it. */
  text(stream?: DrainStream): string {
    return this.lines.filter((l) => !stream || l.stream === stream).map((l) => `${l.text}\n`).join('');
  }

  /** Stops waiting (kubectl interrupted); evictions already made stand. */
  cancel(): void {
    for (const c of this.cleanups.splice(0)) c();
    if (this.status === 'running') this.status = 'failed';
  }

  /** @internal */
  print(stream: DrainStream, text: string): void {
    const line = { stream, text };
    this.lines.push(line);
    this.onLine?.(line);
  }

  /** @internal */
  onCleanup(fn: () => void): void {
    this.cleanups.push(fn);
  }

  /** @internal RunDrain's failure report for one node. */
  fail(errors: readonly string[]): void {
    this.print('err', `error: unable to drain node "${this.nodeName}" due to error: ${aggregate(errors)}, continuing command...`);
    this.print('err', 'There are pending nodes to be drained:');
    this.print('err', ` ${this.nodeName}`);
    // cmdutil.CheckErr prints an aggregate one error per line, without the "error: " prefix.
    for (const e of errors) this.print('err', e);
    this.status = 'failed';
    this.cancel();
  }

  /** @internal */
  succeed(): void {
    this.print('out', `node/${this.nodeName} drained`);
    this.status = 'drained';
    this.cancel();
  }
}

/** Starts `kubectl drain NODE`; the returned operation's lines grow as virtual time passes. */
export function startDrain(cluster: Cluster, nodeName: string, options: DrainOptions = {}, onLine?: (line: DrainLine) => void): DrainOperation {
  if (!cluster.get('Node', undefined, nodeName)) throw notFound('nodes', nodeName);
  let selector: Selector = [];
  if (options.podSelector) {
    try {
      selector = parseSelector(options.podSelector);
    } catch (e) {
      if (e instanceof SelectorParseError) throw new ActionError('--pod-selector=<pod_selector> must be a valid label selector');
      throw e;
    }
  }
  const op = new DrainOperation(nodeName, onLine);
  op.print('out', cordon(cluster, nodeName));

  const list = podsForDeletion(cluster, nodeName, options, selector);
  if (list.errors.length > 0) {
    op.fail(list.errors);
    return op;
  }
  if (list.warnings) op.print('err', `Warning: ${list.warnings}`);

  const evicting = !options.disableEviction;
  const verb = evicting ? 'evicted' : 'deleted';
  const start = cluster.clock.now();
  const pending: Pod[] = [];
  for (const { pod, verdict } of list.items) {
    if (!deletes(verdict)) continue;
    if (evicting) op.print('out', `evicting pod ${key(pod)}`);
    try {
      const grace = options.gracePeriodSeconds;
      cluster.api.delete('Pod', pod.metadata.namespace, pod.metadata.name!, grace !== undefined && grace >= 0 ? { gracePeriodSeconds: grace } : {});
      pending.push(pod);
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === 'NotFound')) throw e;
    }
  }

  const gone = (pod: Pod) => {
    const now = cluster.store.get('Pod', pod.metadata.namespace, pod.metadata.name!);
    return !now || now.metadata.uid !== pod.metadata.uid;
  };
  /** One poll of waitForDelete: report the pods that are gone, in list order; finish when none is left. */
  const poll = () => {
    for (let i = 0; i < pending.length; ) {
      if (gone(pending[i]!)) {
        op.print('out', `pod/${pending[i]!.metadata.name} ${verb}`);
        pending.splice(i, 1);
      } else i++;
    }
    if (pending.length === 0) op.succeed();
  };

  poll();
  if (op.status !== 'running') {
    cluster.settle();
    return op;
  }

  // kubectl polls every second from the start: a pod that goes between two polls is reported at the next one.
  let pollTimer: TimerHandle | undefined;
  const stopWatch = cluster.watch({ kinds: ['Pod'] }, (e) => {
    if (e.type === 'MODIFIED' || pollTimer || !pending.some((p) => p.metadata.name === e.object.metadata.name && p.metadata.namespace === e.object.metadata.namespace)) return;
    const elapsed = cluster.clock.now() - start;
    pollTimer = cluster.clock.at(start + Math.ceil(elapsed / POLL_MS) * POLL_MS, () => {
      pollTimer = undefined;
      poll();
    });
  });
  op.onCleanup(() => {
    stopWatch();
    cluster.clock.cancel(pollTimer);
  });

  const timeout = options.timeoutSeconds ?? 0;
  if (timeout > 0) {
    const timer = cluster.clock.at(start + timeout * 1000, () => {
      if (op.status !== 'running') return;
      const limit = goDuration(timeout * 1000);
      const errors = pending.map((p) => {
        op.print('out', `pod/${p.metadata.name} ${evicting ? 'eviction failed' : 'deletion failed'}`);
        return `error when waiting for pod "${p.metadata.name}" in namespace "${p.metadata.namespace}" to terminate: global timeout reached: ${limit}`;
      });
      const still = podsForDeletion(cluster, nodeName, options, selector).items.filter((i) => deletes(i.verdict));
      if (still.length > 0) {
        op.print('err', `There are pending pods in node "${nodeName}" when an error occurred: ${aggregate(errors)}`);
        for (const { pod } of still) op.print('err', `pod/${pod.metadata.name}`);
      }
      op.fail(errors);
    });
    op.onCleanup(() => cluster.clock.cancel(timer));
  }
  cluster.settle();
  return op;
}

/**
 * `kubectl drain NODE`, blocking: starts the drain and advances the cluster's virtual clock until it is over, or
 * until `waitLimitMs` of virtual time has passed without --timeout (then the operation is still `running`).
 */
export function drain(cluster: Cluster, nodeName: string, options: DrainOptions = {}, waitLimitMs = DRAIN_WAIT_LIMIT_MS): DrainOperation {
  const op = startDrain(cluster, nodeName, options);
  const deadline = cluster.clock.now() + waitLimitMs;
  while (op.status === 'running') {
    const next = cluster.clock.nextAt();
    if (next === undefined || next > deadline) break;
    cluster.advanceTo(next);
  }
  return op;
}

/** Go's time.Duration String() for whole milliseconds: `1m0s`, `30s`, `1h0m0s`, `1.5s`. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const sec = `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, '')}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}
