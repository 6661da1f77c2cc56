/**
 * A container's files, as far as its shell commands and exec probes can tell: file contents by absolute path, and
 * directories (explicit, parents of files, and the usual top-level ones). Mutations notify the owner, so a probe
 * reading a file sees the change on its next run.
 */

const STANDARD_DIRS = ['/', '/bin', '/dev', '/etc', '/home', '/proc', '/root', '/run', '/sbin', '/srv', '/sys', '/tmp', '/usr', '/usr/bin', '/usr/local', '/var', '/var/log', '/var/run'];
const STANDARD_DIR_SET: ReadonlySet<string> = new Set(STANDARD_DIRS);

export function normalizePath(path: string, cwd = '/'): string {
  const abs = path.startsWith('/') ? path : `${cwd.replace(/\/$/, '')}/${path}`;
  const parts: string[] = [];
  for (const p of abs.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return `/${parts.join('/')}`;
}

const parentOf = (p: string): string => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));

export type RemoveResult = 'removed' | 'missing' | 'is-directory';

export interface FsListener {
  filesChanged(): void;
}

export class VirtualFs {
  /** Made on first use from the hostname and `initial`: most containers are never exec'd into nor read by a probe. */
  private filesMade: Map<string, string> | undefined;
  private initial: Readonly<Record<string, string>> | undefined;
  private readonly hostname: string | undefined;
  /** The standard directories, shared by every container until one makes or removes a directory. */
  private dirs: ReadonlySet<string> = STANDARD_DIR_SET;
  /** Told after every change (the container re-arms its exec probes). */
  listener: FsListener | undefined;

  /** `/etc/hostname` holds `hostname` when given; `initial`'s files come after (a mount can cover it). */
  constructor(initial: Readonly<Record<string, string>> = {}, hostname?: string) {
    this.initial = initial;
    this.hostname = hostname;
  }

  private get files(): Map<string, string> {
    if (this.filesMade) return this.filesMade;
    this.filesMade = new Map();
    if (this.hostname !== undefined) this.filesMade.set('/etc/hostname', `${this.hostname}\n`);
    for (const [path, content] of Object.entries(this.initial!)) this.filesMade.set(normalizePath(path), content);
    this.initial = undefined;
    return this.filesMade;
  }

  isFile(path: string): boolean {
    return this.files.has(path);
  }

  isDir(path: string): boolean {
    if (this.dirs.has(path)) return true;
    const prefix = path === '/' ? '/' : `${path}/`;
    for (const f of this.files.keys()) if (f.startsWith(prefix)) return true;
    for (const d of this.dirs) if (d.startsWith(prefix)) return true;
    return false;
  }

  exists(path: string): boolean {
    return this.isFile(path) || this.isDir(path);
  }

  read(path: string): string | undefined {
    if (path === '/dev/null') return '';
    return this.files.get(path);
  }

  write(path: string, content: string, append = false): void {
    if (path === '/dev/null') return;
    const before = this.files.get(path);
    const next = append ? (before ?? '') + content : content;
    if (before === next) return;
    this.files.set(path, next);
    this.listener?.filesChanged();
  }

  /** `touch`: creates an empty file; an existing one keeps its content. */
  touch(path: string): void {
    if (this.files.has(path) || this.dirs.has(path)) return;
    this.files.set(path, '');
    this.listener?.filesChanged();
  }

  mkdir(path: string, parents: boolean): boolean {
    if (this.exists(path)) return parents;
    if (!parents && !this.isDir(parentOf(path))) return false;
    const dirs = this.ownDirs();
    for (let p = path; p !== '/' && !dirs.has(p); p = parentOf(p)) dirs.add(p);
    this.listener?.filesChanged();
    return true;
  }

  remove(path: string, recursive: boolean): RemoveResult {
    if (this.files.delete(path)) {
      this.listener?.filesChanged();
      return 'removed';
    }
    if (!this.isDir(path)) return 'missing';
    if (!recursive) return 'is-directory';
    const prefix = `${path}/`;
    for (const f of [...this.files.keys()]) if (f.startsWith(prefix)) this.files.delete(f);
    const dirs = this.ownDirs();
    for (const d of [...dirs]) if (d === path || d.startsWith(prefix)) dirs.delete(d);
    this.listener?.filesChanged();
    return 'removed';
  }

  private ownDirs(): Set<string> {
    if (this.dirs === STANDARD_DIR_SET) this.dirs = new Set(STANDARD_DIRS);
    return this.dirs as Set<string>;
  }

  /** Names directly inside a directory, sorted. */
  list(dir: string): string[] {
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const names = new Set<string>();
    for (const p of [...this.files.keys(), ...this.dirs]) {
      if (p.startsWith(prefix) && p !== dir) names.add(p.slice(prefix.length).split('/')[0]!);
    }
    return [...names].sort();
  }
}
