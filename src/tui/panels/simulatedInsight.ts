/** The panels' reads on the simulated cluster: the kubelet's probe states (with a sampled history), the scheduler's verdicts, rollouts. */
import type { IntOrString } from '../../engine/api/meta.js';
import type { Container, DaemonSet, Deployment, PodTemplateSpec, StatefulSet } from '../../engine/api/types.js';
import type { Cluster } from '../../engine/cluster.js';
import { maxSurge, maxUnavailable, scaledValue } from '../../engine/controllers/deployment/fenceposts.js';
import { KUBELET_CONTROLLER, type KubeletManager } from '../../engine/kubelet/index.js';
import { isRolloutKind, rolloutOps, type RolloutKind } from '../../engine/rollout/index.js';
import { SCHEDULER_NAME, type Scheduler } from '../../engine/scheduler/index.js';
import type { ObjectRef, RolloutInfo, RolloutReader, SimulationInsight } from '../source.js';
import { ProbeHistoryRecorder } from './probeHistory.js';

export function simulatedInsight(cluster: Cluster): SimulationInsight {
  const recorder = new ProbeHistoryRecorder();
  const kubelet = () => (cluster.hasController(KUBELET_CONTROLLER) ? cluster.controller<KubeletManager>(KUBELET_CONTROLLER) : undefined);
  const scheduler = () => (cluster.hasController(SCHEDULER_NAME) ? cluster.controller<Scheduler>(SCHEDULER_NAME) : undefined);
  const states = (namespace: string, pod: string) => {
    const s = kubelet()?.probeStates(namespace, pod) ?? [];
    const uid = cluster.get('Pod', namespace, pod)?.metadata.uid;
    if (uid && s.length > 0) recorder.sample(uid, s);
    return s;
  };
  return {
    probeStates: states,
    probeHistory(namespace, pod) {
      const uid = cluster.get('Pod', namespace, pod)?.metadata.uid;
      return uid ? recorder.sample(uid, kubelet()?.probeStates(namespace, pod) ?? []) : new Map();
    },
    schedulingVerdict: (namespace, pod) => scheduler()?.verdict(namespace, pod),
    schedulingQueue: (namespace, pod) => scheduler()?.queueInfo(namespace, pod),
  };
}

const images = (t: PodTemplateSpec | undefined): string[] =>
  [...(t?.spec.initContainers ?? []), ...(t?.spec.containers ?? [])].map((c: Container) => `${c.name}=${c.image ?? ''}`);

const spec = (v: IntOrString | undefined): string | undefined => (v === undefined ? undefined : String(v));

function budgets(kind: RolloutKind, o: Deployment | StatefulSet | DaemonSet, desired: number): Pick<RolloutInfo, 'strategy' | 'maxSurge' | 'maxUnavailable' | 'maxSurgeSpec' | 'maxUnavailableSpec'> {
  if (kind === 'Deployment') {
    const d = o as Deployment;
    const ru = d.spec.strategy?.rollingUpdate;
    const strategy = d.spec.strategy?.type ?? 'RollingUpdate';
    return { strategy, maxSurge: maxSurge(d), maxUnavailable: maxUnavailable(d), maxSurgeSpec: spec(ru?.maxSurge ?? (strategy === 'RollingUpdate' ? '25%' : undefined)), maxUnavailableSpec: spec(ru?.maxUnavailable ?? (strategy === 'RollingUpdate' ? '25%' : undefined)) };
  }
  if (kind === 'StatefulSet') {
    const s = o as StatefulSet;
    const strategy = s.spec.updateStrategy?.type ?? 'RollingUpdate';
    const mu = s.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1;
    return { strategy, maxSurge: 0, maxUnavailable: strategy === 'RollingUpdate' ? Math.max(1, safeScaled(mu, desired, true)) : 0, maxUnavailableSpec: spec(mu) };
  }
  const ds = o as DaemonSet;
  const strategy = ds.spec.updateStrategy?.type ?? 'RollingUpdate';
  const ru = ds.spec.updateStrategy?.rollingUpdate;
  const surge = safeScaled(ru?.maxSurge ?? 0, desired, true);
  let unavailable = safeScaled(ru?.maxUnavailable ?? 1, desired, true);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return strategy === 'RollingUpdate'
    ? { strategy, maxSurge: surge, maxUnavailable: unavailable, maxSurgeSpec: spec(ru?.maxSurge ?? 0), maxUnavailableSpec: spec(ru?.maxUnavailable ?? 1) }
    : { strategy, maxSurge: 0, maxUnavailable: 0 };
}

function safeScaled(v: IntOrString, total: number, roundUp: boolean): number {
  try {
    return scaledValue(v, total, roundUp);
  } catch {
    return 0;
  }
}

export function simulatedRollouts(cluster: Cluster): RolloutReader {
  return {
    info(ref: ObjectRef) {
      if (!isRolloutKind(ref.kind)) return undefined;
      const kind = ref.kind;
      const o = cluster.get(kind, ref.namespace, ref.name);
      if (!o) return undefined;
      const ops = rolloutOps(kind);
      const progress = ops.progress(o as never, cluster);
      const h = ops.history(o as never, cluster);
      const history = 'revisions' in h
        ? [...h.revisions].sort((a, b) => b.revision - a.revision).map((r) => {
            let imgs: string[] = [];
            try {
              const one = ops.history(o as never, cluster, { revision: r.revision });
              imgs = images('template' in one ? one.template : undefined);
            } catch {
              // a revision that disappeared between the two reads
            }
            return { revision: r.revision, changeCause: r.changeCause, images: imgs };
          })
        : [];
      return { progress, history, ...budgets(kind, o as Deployment | StatefulSet | DaemonSet, progress.desired) };
    },
  };
}
