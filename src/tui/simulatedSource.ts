/** The simulated session (cluster + watched folders + real-time driver) as a DashboardSource. */
import { cordon, deleteObject, rolloutRestart, scale, setImage } from '../engine/actions.js';
import type { Container, KindName, PodTemplateSpec } from '../engine/api/types.js';
import { DEFAULT_START } from '../engine/clock.js';
import type { Cluster } from '../engine/cluster.js';
import { installNodeLifecycle } from '../engine/controllers/nodeLifecycle.js';
import { startDrain } from '../engine/drain.js';
import { notFound } from '../engine/errors.js';
import { ActionError } from '../engine/actions.js';
import { kindInfo, qualifiedResource } from '../engine/api/kinds.js';
import { failNode, recoverNode } from '../engine/nodeActions.js';
import { RealtimeDriver } from '../engine/realtime.js';
import { isRolloutKind, rolloutOps } from '../engine/rollout/index.js';
import type { ManifestSync } from '../manifests/index.js';
import { simulatedInsight, simulatedRollouts } from './panels/simulatedInsight.js';
import type { DashboardSource, DrainTask, ObjectRef, UndoPlan } from './source.js';

export interface SimulatedSessionLike {
  cluster: Cluster;
  sync?: ManifestSync;
  dirs?: readonly string[];
  /** How the header names the folders (a recording plays copies of them). */
  dirLabels?: readonly string[];
  close?(): Promise<void>;
}

export interface SimulatedSource extends DashboardSource {
  driver: RealtimeDriver;
}

function must(cluster: Cluster, ref: ObjectRef) {
  const o = cluster.get(ref.kind, ref.namespace, ref.name);
  if (!o) throw notFound(qualifiedResource(kindInfo(ref.kind)!), ref.name);
  return o;
}

function imagesOf(template: PodTemplateSpec | undefined): Map<string, string> {
  const containers: Container[] = [...(template?.spec.initContainers ?? []), ...(template?.spec.containers ?? [])];
  return new Map(containers.map((c) => [c.name, c.image ?? '']));
}

function undoPlan(cluster: Cluster, ref: ObjectRef, toRevision?: number): UndoPlan {
  if (!isRolloutKind(ref.kind)) throw new ActionError(`no rollbacker has been implemented for "${ref.kind}"`);
  const ops = rolloutOps(ref.kind);
  const object = must(cluster, ref) as never;
  const history = ops.history(object, cluster);
  if (!('revisions' in history)) throw new ActionError('no revision history');
  const revisions = history.revisions.map((r) => r.revision).sort((a, b) => b - a);
  const from = revisions[0];
  const to = toRevision ?? revisions[1];
  if (from === undefined || to === undefined) throw new ActionError('no rollout history found');
  const target = ops.history(object, cluster, { revision: to });
  const before = imagesOf((object as { spec: { template: PodTemplateSpec } }).spec.template);
  const after = imagesOf('template' in target ? target.template : undefined);
  const changes: string[] = [];
  for (const [name, image] of after) {
    const old = before.get(name);
    if (old !== image) changes.push(`${name}: ${old ?? '(none)'} -> ${image}`);
  }
  for (const [name, image] of before) if (!after.has(name)) changes.push(`${name}: ${image} -> (removed)`);
  return { from, to, changes };
}

export interface SimulatedSourceOptions {
  speed?: number;
  /** The wall clock the driver reads (a recording supplies its own playback clock). */
  wallNow?: () => number;
}

export function createSimulatedSource(session: SimulatedSessionLike, options: SimulatedSourceOptions = {}): SimulatedSource {
  const { cluster, sync } = session;
  const driver = new RealtimeDriver(cluster, {
    ...(options.speed !== undefined ? { speed: options.speed } : {}),
    ...(options.wallNow ? { now: options.wallNow } : {}),
  });
  // Time since the simulation began (virtual time starts at DEFAULT_START), not since the dashboard opened.
  const startedAt = Math.min(DEFAULT_START, cluster.clock.now());
  const lifecycle = () => installNodeLifecycle(cluster);
  const drainTasks = new Set<DrainTask>();

  const source: SimulatedSource = {
    driver,
    reader: cluster,
    now: () => cluster.clock.now(),
    logs: (namespace, pod, container) => cluster.logs.read(namespace, pod, container),
    actions: {
      scale: (ref, replicas) => scale(cluster, ref.kind, ref.namespace, ref.name, replicas),
      cordon: (node, unschedulable) => cordon(cluster, node, unschedulable),
      delete: (ref, propagation) => deleteObject(cluster, ref.kind, ref.namespace, ref.name, propagation),
      kill(ref) {
        must(cluster, ref);
        cluster.delete('Pod', ref.namespace, ref.name, { gracePeriodSeconds: 0 });
        return `pod "${ref.name}" force deleted`;
      },
      setImage: (ref, images) => setImage(cluster, ref.kind, ref.namespace, ref.name, images),
      restart: (ref) => rolloutRestart(cluster, ref.kind, ref.namespace, ref.name, cluster.clock.nowRfc3339()),
      undoPlan: (ref, toRevision) => undoPlan(cluster, ref, toRevision),
      undo(ref, toRevision) {
        if (!isRolloutKind(ref.kind)) throw new ActionError(`no rollbacker has been implemented for "${ref.kind}"`);
        return rolloutOps(ref.kind).undo(cluster, must(cluster, ref) as never, toRevision !== undefined ? { toRevision } : {});
      },
      drain(node, choice) {
        const op = startDrain(cluster, node, {
          ignoreDaemonSets: choice.ignoreDaemonSets,
          deleteEmptyDirData: choice.deleteEmptyDirData,
          force: choice.force,
          gracePeriodSeconds: choice.gracePeriodSeconds,
          timeoutSeconds: choice.timeoutSeconds,
        });
        const task: DrainTask = { node, status: () => op.status, lines: () => op.lines, cancel: () => op.cancel() };
        drainTasks.add(task);
        return task;
      },
    },
    simulation: {
      now: () => cluster.clock.now(),
      startedAt,
      speed: () => driver.speed,
      paused: () => driver.paused,
      togglePause: () => driver.togglePause(),
      faster: () => driver.faster(),
      slower: () => driver.slower(),
      step: () => driver.step(),
      nodeFailed: (node) => lifecycle().isDown(node),
      failNode: (node) => failNode(cluster, node),
      recoverNode: (node) => recoverNode(cluster, node),
      suspend: () => driver.stop(),
      resume: () => driver.start(),
    },
    ...(sync
      ? {
          manifests: {
            dirs: session.dirs ?? [],
            ...(session.dirLabels ? { labels: session.dirLabels } : {}),
            lastReload() {
              const r = sync.lastReport;
              return r && { at: r.at, applied: r.results.filter((x) => x.errors.length === 0).length, errors: r.errors };
            },
            sourceOf: (ref: ObjectRef) => sync.manifests.sourceOf(ref.kind, ref.namespace, ref.name),
          },
        }
      : {}),
    inspect: simulatedInsight(cluster),
    rollouts: simulatedRollouts(cluster),
    subscribe(onData, onTick) {
      const stops = [
        cluster.watch({}, (e) => onData(e.object.kind as KindName)),
        driver.onChange(onTick),
        ...(sync ? [sync.onReport(() => onTick())] : []),
      ];
      return () => stops.forEach((s) => s());
    },
    async close() {
      driver.stop();
      for (const t of drainTasks) if (t.status() === 'running') t.cancel();
      await session.close?.();
    },
  };
  return source;
}
