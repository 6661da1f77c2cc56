/**
 * Watching manifest folders: every burst of file-system events on one path (an editor's chunked writes, its
 * temp-file-and-rename save, its backup files) becomes one notification, `debounceMs` after the last event.
 */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { isIgnoredName, isManifestPath } from './fileNames.js';

export { ManifestSync, type ManifestSyncOptions, type ReloadReport } from './sync.js';

export interface WatchOptions {
  /** Quiet time per path before it is reported (default 50 ms). */
  debounceMs?: number;
  /** How often missing root folders are checked for reappearance (default 250 ms). */
  rootPollMs?: number;
  onError?: (error: Error) => void;
}

export interface FolderWatcher {
  /** Resolves once the initial scan is done and changes are being reported. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Calls `onChange` with absolute paths whose content may have changed: manifest files (added, changed or
 * deleted) and folders (added, deleted, or a root folder recreated) — the receiver re-reads what is there.
 */
export function watchFolders(dirs: readonly string[], onChange: (paths: string[]) => void, options: WatchOptions = {}): FolderWatcher {
  const debounceMs = options.debounceMs ?? 50;
  const roots = dirs.map((d) => resolve(d));
  const timers = new Map<string, NodeJS.Timeout>();
  let ready = new Set<string>();
  let flushScheduled = false;
  let closed = false;

  const flush = () => {
    flushScheduled = false;
    if (closed || ready.size === 0) return;
    const paths = [...ready].sort();
    ready = new Set();
    onChange(paths);
  };

  const touch = (path: string) => {
    if (closed) return;
    clearTimeout(timers.get(path));
    timers.set(
      path,
      setTimeout(() => {
        timers.delete(path);
        ready.add(path);
        // Paths settling in the same tick (a `git checkout`) are reported together.
        if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flush);
        }
      }, debounceMs),
    );
  };

  const isRoot = (path: string) => roots.includes(path);
  const ignored = (path: string) => !isRoot(resolve(path)) && isIgnoredName(basename(path));

  const watcher: FSWatcher = watch(roots, { ignoreInitial: true, ignored, atomic: false, awaitWriteFinish: false, followSymlinks: true });
  const onFile = (path: string) => {
    const abs = resolve(path);
    if (isRoot(abs) || isManifestPath(abs)) touch(abs);
  };
  watcher.on('add', onFile);
  watcher.on('change', onFile);
  watcher.on('unlink', onFile);
  watcher.on('addDir', (path) => touch(resolve(path)));
  watcher.on('unlinkDir', (path) => touch(resolve(path)));
  watcher.on('error', (err) => options.onError?.(err instanceof Error ? err : new Error(String(err))));

  // chokidar stops watching a root that is deleted; poll for it coming back and watch it again.
  const present = new Map<string, boolean>();
  const pollRoots = async () => {
    for (const root of roots) {
      const exists = await stat(root).then(() => true, () => false);
      const before = present.get(root);
      present.set(root, exists);
      if (closed || before === undefined || before === exists) continue;
      if (exists) {
        watcher.unwatch(root);
        watcher.add(root);
      }
      touch(root);
    }
  };
  const readyPromise = new Promise<void>((done) => watcher.once('ready', () => done())).then(pollRoots);
  const poller = setInterval(() => void pollRoots(), options.rootPollMs ?? 250);
  poller.unref();

  return {
    ready: readyPromise,
    async close() {
      closed = true;
      clearInterval(poller);
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      await watcher.close();
    },
  };
}
