/**
 * Plays scheduler and kubelet for the workload tests: binds pods (a DaemonSet pod to the node its affinity names,
 * others round-robin over schedulable workers) and sets their status (Running+Ready, Succeeded, Failed, restarts),
 * at once or after delays on the virtual clock.
 */
import type { Condition } from '../../../src/engine/api/meta.js';
import type { ContainerStatus, Node, Pod, PodStatus } from '../../../src/engine/api/types.js';
import type { Cluster } from '../../../src/engine/cluster.js';

export type Outcome =
  | { action: 'ready'; afterMs?: number }
  | { action: 'running'; afterMs?: number }
  | { action: 'succeed'; afterMs?: number }
  | { action: 'fail'; afterMs?: number; exitCode?: number }
  | { action: 'none' };

export interface AutoOptions {
  /** What happens to each new pod (default: Running and Ready after 1 s). */
  outcome?: (pod: Pod) => Outcome;
  /** Which pods the driver looks after (default: all). */
  filter?: (pod: Pod) => boolean;
  /**
   * Play the kubelet's part in graceful deletion too: bound pods being deleted go after this many ms
   * (e.g. `(p) => p.spec.terminationGracePeriodSeconds * 1000`). Without it, deleted pods go at once.
   */
  terminateAfterMs?: (pod: Pod) => number;
}

export class PodDriver {
  private rr = 0;
  private stop: (() => void) | undefined;

  constructor(private readonly cluster: Cluster) {}

  /** Looks after every new pod from now on. */
  auto(options: AutoOptions = {}): this {
    const outcome = options.outcome ?? (() => ({ action: 'ready', afterMs: 1000 }) as Outcome);
    this.stop?.();
    const terminating = new Set<string>();
    if (options.terminateAfterMs) this.cluster.api.hooks.hasKubelet = () => true;
    this.stop = this.cluster.api.watch({ kinds: ['Pod'] }, (e) => {
      if (e.type === 'MODIFIED' && options.terminateAfterMs && e.object.metadata.deletionTimestamp && !terminating.has(e.object.metadata.uid!)) {
        const pod = e.object as Pod;
        terminating.add(pod.metadata.uid!);
        this.cluster.clock.after(options.terminateAfterMs(pod), () => {
          const live = this.cluster.api.get('Pod', pod.metadata.namespace, pod.metadata.name!);
          if (live && live.metadata.uid === pod.metadata.uid) this.cluster.api.finalizeRemoval(live);
        });
        return;
      }
      if (e.type !== 'ADDED') return;
      const pod = e.object as Pod;
      if (options.filter && !options.filter(pod)) return;
      const o = outcome(pod);
      if (o.action === 'none') return;
      const ns = pod.metadata.namespace;
      const name = pod.metadata.name!;
      const uid = pod.metadata.uid;
      this.cluster.clock.after(o.afterMs ?? 0, () => {
        const live = this.cluster.api.get('Pod', ns, name);
        if (!live || live.metadata.uid !== uid || live.metadata.deletionTimestamp) return;
        if (o.action === 'ready') this.ready(live);
        else if (o.action === 'running') this.running(live);
        else if (o.action === 'succeed') this.finish(live, 0);
        else if (o.action === 'fail') this.finish(live, o.exitCode ?? 1);
      });
    });
    return this;
  }

  dispose(): void {
    this.stop?.();
  }

  /** Sets spec.nodeName if the pod has none. */
  bind(pod: Pod): Pod {
    if (pod.spec.nodeName) return pod;
    const nodeName = this.targetNode(pod);
    const live = this.cluster.api.get('Pod', pod.metadata.namespace, pod.metadata.name!)!;
    return this.settled(this.cluster.api.update({ ...live, spec: { ...live.spec, nodeName } }));
  }

  running(pod: Pod): Pod {
    return this.setStatus(this.bind(pod), 'Running', false);
  }

  ready(pod: Pod): Pod {
    return this.setStatus(this.bind(pod), 'Running', true);
  }

  /** Not ready any more (a readiness probe failing). */
  unready(pod: Pod): Pod {
    return this.setStatus(pod, 'Running', false);
  }

  finish(pod: Pod, exitCode: number): Pod {
    return this.setStatus(this.bind(pod), exitCode === 0 ? 'Succeeded' : 'Failed', false, exitCode);
  }

  /** A container restarting in place (restartPolicy OnFailure/Always) after exiting with `exitCode`. */
  restart(pod: Pod, exitCode = 1): Pod {
    const now = this.cluster.clock.nowRfc3339();
    const statuses = (pod.status?.containerStatuses ?? []).map((c) => ({
      ...c,
      ready: false,
      restartCount: c.restartCount + 1,
      state: { running: { startedAt: now } },
      lastState: { terminated: { exitCode, reason: 'Error', startedAt: now, finishedAt: now } },
    }));
    return this.settled(this.cluster.api.updateStatus({ ...pod, status: { ...pod.status, containerStatuses: statuses } }));
  }

  private targetNode(pod: Pod): string {
    const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
    for (const t of terms) {
      const f = t.matchFields?.find((m) => m.key === 'metadata.name' && m.operator === 'In');
      if (f?.values?.[0]) return f.values[0];
    }
    const workers = this.cluster.store
      .list('Node')
      .filter((n: Node) => !n.spec?.unschedulable && !(n.spec?.taints ?? []).some((t) => t.effect === 'NoSchedule'));
    if (workers.length === 0) throw new Error('no schedulable node');
    return workers[this.rr++ % workers.length]!.metadata.name!;
  }

  private setStatus(pod: Pod, phase: 'Running' | 'Succeeded' | 'Failed', ready: boolean, exitCode?: number): Pod {
    const live = this.cluster.api.get('Pod', pod.metadata.namespace, pod.metadata.name!)!;
    const now = this.cluster.clock.nowRfc3339();
    const previous = live.status?.conditions ?? [];
    const cond = (type: string, status: boolean, reason?: string): Condition => {
      const old = previous.find((c) => c.type === type);
      const s = status ? 'True' : 'False';
      return {
        type,
        status: s,
        lastProbeTime: null,
        lastTransitionTime: old?.status === s ? old.lastTransitionTime : now,
        ...(reason ? { reason } : {}),
      };
    };
    const terminal = phase !== 'Running';
    const containerStatuses: ContainerStatus[] = live.spec.containers.map((c) => {
      const old = live.status?.containerStatuses?.find((s) => s.name === c.name);
      return {
        name: c.name,
        image: c.image ?? '',
        imageID: '',
        containerID: `containerd://${c.name}`,
        ready,
        started: !terminal,
        restartCount: old?.restartCount ?? 0,
        state: terminal
          ? { terminated: { exitCode: exitCode ?? 0, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: old?.state.running?.startedAt ?? now, finishedAt: now } }
          : { running: { startedAt: old?.state.running?.startedAt ?? now } },
        lastState: old?.lastState ?? {},
      };
    });
    const status: PodStatus = {
      ...live.status,
      phase,
      conditions: [
        cond('PodReadyToStartContainers', !terminal),
        cond('Initialized', true),
        cond('Ready', ready, ready ? undefined : terminal ? 'PodCompleted' : 'ContainersNotReady'),
        cond('ContainersReady', ready, ready ? undefined : terminal ? 'PodCompleted' : 'ContainersNotReady'),
        cond('PodScheduled', true),
      ],
      hostIP: '172.18.0.3',
      podIP: live.status?.podIP ?? `10.244.1.${(this.rr++ % 250) + 2}`,
      startTime: live.status?.startTime ?? now,
      containerStatuses,
    };
    return this.settled(this.cluster.api.updateStatus({ ...live, status }));
  }

  private settled(pod: Pod): Pod {
    this.cluster.settle();
    return this.cluster.api.get('Pod', pod.metadata.namespace, pod.metadata.name!) ?? pod;
  }
}
