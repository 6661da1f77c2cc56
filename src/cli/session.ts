/** A simulated cluster with manifest folders applied: what every headless command and scenario runs against. */
import type { Cluster } from '../engine/cluster.js';
import { createSimulatedCluster } from '../engine/simulation.js';
import { loadFolders, ManifestSync, type ManifestError } from '../manifests/index.js';

export interface SessionOptions {
  dirs: readonly string[];
  seed?: number;
  /** Worker nodes to create when no manifest declares a Node (default 3). */
  nodes?: number;
  /** Follow the folders' changes (the dashboard, `get --watch`). */
  watch?: boolean;
  /** Stamp reloads with simulated time instead of the wall clock (recordings must not depend on the wall clock). */
  simulatedReloadTimes?: boolean;
}

export interface Session {
  cluster: Cluster;
  sync: ManifestSync;
  /** Problems outstanding after the first load: each names its file and, where known, line, column and field. */
  errors: readonly ManifestError[];
  close(): Promise<void>;
}

export const DEFAULT_WORKERS = 3;

/** Applies the folders at virtual time 0, on the default nodes unless the folders declare their own. */
export async function openSession(options: SessionOptions): Promise<Session> {
  const cluster = createSimulatedCluster({ seed: options.seed ?? 1 });
  // Nodes come first so the first scheduling attempt already sees them (no spurious "0/0 nodes are available").
  if (!(await declaresNodes(options.dirs))) cluster.ensureDefaultNodes(options.nodes ?? DEFAULT_WORKERS);
  const sync = new ManifestSync(cluster, options.dirs, {
    watch: options.watch ?? false,
    ...(options.simulatedReloadTimes ? { now: () => new Date(cluster.clock.now()) } : {}),
  });
  const report = await sync.start();
  cluster.ensureDefaultNodes(options.nodes ?? DEFAULT_WORKERS);
  return { cluster, sync, errors: report.errors, close: () => sync.stop() };
}

async function declaresNodes(dirs: readonly string[]): Promise<boolean> {
  if (dirs.length === 0) return false;
  const { files } = await loadFolders(dirs);
  return files.some((f) => f.errors.length === 0 && f.documents.some((d) => d.object.kind === 'Node'));
}
