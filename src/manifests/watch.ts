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
  /** Quiet time per path before it is reported (default and minimum 50 ms). */
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
  // chokidar drops a file's further change events for 50 ms after reporting one: a shorter quiet time could read the
  // file before its last write and never hear of that write.
  const debounceMs = Math.max(options.debounceMs ?? 50, 50);
  const roots = dirs.map((d) => resolve(d));
  const timers = new Map<string, NodeJS.Timeout>();
  let ready = new Set<string>();
  let flushScheduled = false;
  let closed = false;
  /** Flushes paths that are ready even while others keep changing, so a busy file cannot hold back the rest for ever. */
  let maxWait: NodeJS.Timeout | undefined;

  const flush = () => {
    flushScheduled = false;
    clearTimeout(maxWait);
    maxWait = undefined;
    if (closed || ready.size === 0) return;
    const paths = [...ready].sort();
    ready = new Set();
    onChange(paths);
  };
  const scheduleFlush = () => {
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };

  const touch = (path: string) => {
    if (closed) return;
    clearTimeout(timers.get(path));
    timers.set(
      path,
      setTimeout(() => {
        timers.delete(path);
        ready.add(path);
        // Paths still settling are waited for, so that related events are reported together: a rename's unlink of
        // the old name and add of the new one (its objects are handed over, not deleted and created again), the
        // files of a `git checkout`.
        if (timers.size === 0) scheduleFlush();
        else maxWait ??= setTimeout(scheduleFlush, 10 * debounceMs);
      }, debounceMs),
    );
  };

  const isRoot = (path: string) => roots.includes(path);
  const ignored = (path: string) => !isRoot(resolve(path)) && isIgnoredName(basename(path));

  // chokidar stops watching a root that is deleted; poll for it coming back and watch it again. A root is known by
  // its inode and birth time, so one deleted and recreated between two polls is still seen as new.
  const present = new Map<string, string | false>();
  const watcher: FSWatcher = watch(roots, { ignoreInitial: true, ignored, atomic: false, awaitWriteFinish: false, followSymlinks: true });
  const onFile = (path: string) => {
    const abs = resolve(path);
    if (isRoot(abs) || isManifestPath(abs)) touch(abs);
  };
  watcher.on('add', onFile);
  watcher.on('change', onFile);
  watcher.on('unlink', onFile);
  watcher.on('addDir', (path) => touch(resolve(path)));
  watcher.on('unlinkDir', (path) => {
    const abs = resolve(path);
    // Seen gone even if it is back before the next poll (inode numbers are reused).
    if (isRoot(abs)) present.set(abs, false);
    touch(abs);
  });
  watcher.on('error', (err) => options.onError?.(err instanceof Error ? err : new Error(String(err))));

  // Files written while chokidar rescans a recreated root count as already there (ignoreInitial) and give no event,
  // so the root is re-read on the next few polls too (a `git checkout` writes its files right after the mkdir).
  const rereads = new Map<string, number>();
  const pollRoots = async () => {
    for (const root of roots) {
      const now = await stat(root).then((info) => `${info.ino}:${info.birthtimeMs}`, () => false as const);
      const before = present.get(root);
      present.set(root, now);
      if (closed) continue;
      if (before === undefined || before === now) {
        const left = rereads.get(root) ?? 0;
        if (left > 0 && now !== false) {
          rereads.set(root, left - 1);
          touch(root);
        }
        continue;
      }
      if (now !== false) {
        watcher.unwatch(root);
        watcher.add(root);
        rereads.set(root, 4);
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
      clearTimeout(maxWait);
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      await watcher.close();
    },
  };
}
