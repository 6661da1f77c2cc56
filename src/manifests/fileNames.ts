/** Which names in a manifests folder are manifests, and which are editor leftovers or tool folders to skip. */
import { basename, sep } from 'node:path';

const SKIPPED_DIRS = new Set(['node_modules', '.git']);

/**
 * Editor backups, swap and lock files: `x.yaml~` (vim/emacs backup), `.x.yaml.swp`/`.swx` (vim swap), `4913`
 * (vim's write test), `#x#` (emacs autosave), `.#x` (emacs lock), and any other hidden file or folder.
 */
export function isIgnoredName(name: string): boolean {
  return (
    name.startsWith('.') ||
    name.endsWith('~') ||
    (name.startsWith('#') && name.endsWith('#')) ||
    name === '4913' ||
    /\.(swp|swx|swo|tmp|bak|orig|rej)$/i.test(name) ||
    SKIPPED_DIRS.has(name)
  );
}

export function isManifestName(name: string): boolean {
  return !isIgnoredName(name) && /\.(ya?ml|json)$/i.test(name);
}

export function isManifestPath(path: string): boolean {
  return isManifestName(basename(path));
}

/** Whether `path` is `dir` itself or lies under it (`/a/b` is under `/a`, `/ab` is not). */
export function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}
