/** Load + apply + watch: keeps a cluster in step with manifest folders and reports every reload. */
import { resolve } from 'node:path';
import type { ClusterClient } from '../engine/client.js';
import { isWithin } from './fileNames.js';
import { Applier, type ApplierOptions, type ApplyResult, type FileChange } from './apply.js';
import { listManifestFiles, loadFolders, readManifestFile, type LoadOptions } from './load.js';
import type { ManifestSet } from './manifestSet.js';
import type { ManifestError } from './parse.js';
import { watchFolders, type FolderWatcher } from './watch.js';

export interface ReloadReport {
  at: Date;
  /** What this reload did, one result per file it touched. */
  results: ApplyResult[];
  /** Every problem outstanding after this reload, in any file or folder (not only the files just touched). */
  errors: ManifestError[];
}

export interface ManifestSyncOptions extends ApplierOptions, LoadOptions {
  debounceMs?: number;
  rootPollMs?: number;
  /** Apply but do not watch (a one-shot `kubectl apply -f`). */
  watch?: boolean;
  /** When a reload happened (default: the wall clock); a recording stamps reloads with simulated time. */
  now?: () => Date;
}

export class ManifestSync {
  readonly applier: Applier;
  lastReport: ReloadReport | undefined;
  private readonly roots: string[];
  private readonly listeners = new Set<(report: ReloadReport) => void>();
  private readonly fileErrors = new Map<string, ManifestError[]>();
  private folderErrors: ManifestError[] = [];
  private watcher: FolderWatcher | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    client: ClusterClient,
    dirs: readonly string[],
    private readonly options: ManifestSyncOptions = {},
  ) {
    this.roots = dirs.map((d) => resolve(d));
    this.applier = new Applier(client, options);
  }

  get manifests(): ManifestSet {
    return this.applier.manifests;
  }

  /** Calls `listener` after every reload; returns a function that stops it. */
  onReport(listener: (report: ReloadReport) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies everything in the folders, then (unless `watch: false`) follows their changes. */
  async start(): Promise<ReloadReport> {
    this.stopped = false;
    if (this.options.watch !== false) {
      this.watcher = watchFolders(this.roots, (paths) => void this.enqueue(() => this.reconcile(paths)), {
        ...(this.options.debounceMs !== undefined ? { debounceMs: this.options.debounceMs } : {}),
        ...(this.options.rootPollMs !== undefined ? { rootPollMs: this.options.rootPollMs } : {}),
        onError: (err) => this.report([], [{ file: this.roots[0] ?? '', message: `watching manifests failed: ${err.message}` }]),
      });
      await this.watcher.ready;
    }
    return this.enqueue(async () => {
      const loaded = await loadFolders(this.roots, this.options);
      this.folderErrors = loaded.errors;
      return this.report(this.applier.syncFolder(loaded.files, this.roots));
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.watcher?.close();
    this.watcher = undefined;
    await this.queue;
  }

  /** Re-reads `paths` (files or folders) and applies what changed. */
  reload(paths: readonly string[] = this.roots): Promise<ReloadReport> {
    return this.enqueue(() => this.reconcile(paths.map((p) => resolve(p))));
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async reconcile(paths: readonly string[]): Promise<ReloadReport> {
    // What a walk from the roots finds decides, not what the watcher names: it follows symlinks, so through a
    // symlink loop it reports paths (`sub/loop/sub/loop/a.yaml`) that are loops to skip, not files to apply.
    const listing = await listManifestFiles(this.roots);
    const listed = new Set(listing.files);
    const changes = new Map<string, FileChange>();
    for (const path of paths) {
      for (const file of listing.files) if (isWithin(file, path)) changes.set(file, await this.read(file));
      // A file under a folder that could not be read is unknown, not gone.
      const gone = [...(this.isKnown(path) ? [path] : []), ...this.trackedUnder(path)].filter((f) => !listed.has(f) && !listing.unreadable.some((d) => isWithin(f, d)));
      for (const file of gone) changes.set(file, { file, removed: true });
    }
    this.folderErrors = listing.errors;
    return this.report(this.applier.applyBatch([...changes.values()]));
  }

  private async read(file: string): Promise<FileChange> {
    const loaded = await readManifestFile(file, this.options);
    return loaded.missing ? { file, removed: true } : loaded;
  }

  private isKnown(file: string): boolean {
    return this.fileErrors.has(file) || this.applier.trackedFiles().includes(file);
  }

  private trackedUnder(dir: string): string[] {
    const known = new Set([...this.applier.trackedFiles(), ...this.fileErrors.keys()]);
    return [...known].filter((f) => f !== dir && isWithin(f, dir));
  }

  private report(results: ApplyResult[], extra: ManifestError[] = []): ReloadReport {
    for (const r of results) {
      if (r.errors.length > 0) this.fileErrors.set(r.file, r.errors);
      else this.fileErrors.delete(r.file);
    }
    const errors = [...this.folderErrors, ...extra, ...[...this.fileErrors.keys()].sort().flatMap((f) => this.fileErrors.get(f)!)];
    const report: ReloadReport = { at: this.options.now?.() ?? new Date(), results, errors };
    this.lastReport = report;
    if (!this.stopped || results.length > 0) for (const l of this.listeners) l(report);
    return report;
  }
}

/** One line for the dashboard: `last reload: 3 files applied` or `2 errors in manifests: <first>`. */
export function describeReport(report: ReloadReport): string {
  if (report.errors.length > 0) {
    const n = report.errors.length;
    return `${n} error${n === 1 ? '' : 's'} in manifests: ${report.errors[0]!.message}`;
  }
  const applied = report.results.filter((r) => r.errors.length === 0).length;
  return `last reload: ${applied} file${applied === 1 ? '' : 's'} applied`;
}
