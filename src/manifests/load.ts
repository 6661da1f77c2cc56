/** Reading manifest folders from disk. Never throws: every problem becomes an error record. */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isIgnoredName, isManifestName } from './fileNames.js';
import { parseManifest, type ManifestDocument, type ManifestError } from './parse.js';

export { ManifestSet, type SourceLocation } from './manifestSet.js';

export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export interface LoadOptions {
  maxFileBytes?: number;
}

export interface LoadedFile {
  file: string;
  documents: ManifestDocument[];
  errors: ManifestError[];
  /** The file is gone (deleted between listing and reading, or never existed). */
  missing?: boolean;
}

export interface LoadResult {
  files: LoadedFile[];
  /** Problems with the folders themselves (missing folder, unreadable folder, symlink loop). */
  errors: ManifestError[];
}

/** Every manifest under `dirs` (recursively, in sorted order), each read and parsed. A path may also name one file. */
export async function loadFolders(dirs: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const { files, errors } = await listManifestFiles(dirs);
  const loaded: LoadedFile[] = [];
  for (const file of files) loaded.push(await readManifestFile(file, options));
  return { files: loaded.filter((f) => !f.missing), errors };
}

export interface Listing {
  files: string[];
  errors: ManifestError[];
  /**
   * Folders that exist but could not be read (permission denied, I/O error): what is in them is unknown, not gone,
   * so a reload must not prune the objects of the files it applied from them before.
   */
  unreadable: string[];
}

/** Absolute paths of the manifest files under `dirs`, depth first in name order, each file once. */
export async function listManifestFiles(dirs: readonly string[]): Promise<Listing> {
  const files: string[] = [];
  const errors: ManifestError[] = [];
  const unreadable: string[] = [];
  const seenFiles = new Set<string>();
  for (const dir of dirs) {
    const root = resolve(dir);
    let info;
    try {
      info = await stat(root);
    } catch (err) {
      errors.push({ file: root, message: code(err) === 'ENOENT' ? `folder "${dir}" does not exist` : `cannot read folder "${dir}": ${describe(err)}` });
      if (code(err) !== 'ENOENT') unreadable.push(root);
      continue;
    }
    if (info.isFile()) {
      if (!seenFiles.has(root)) files.push(root);
      seenFiles.add(root);
      continue;
    }
    await walk(root, new Set(), { files, errors, unreadable }, seenFiles);
  }
  return { files, errors, unreadable };
}

async function walk(dir: string, ancestors: Set<string>, listing: Listing, seenFiles: Set<string>): Promise<void> {
  const { files, errors } = listing;
  const cannotRead = (err: unknown) => {
    errors.push({ file: dir, message: `cannot read folder "${dir}": ${describe(err)}` });
    if (code(err) !== 'ENOENT') listing.unreadable.push(dir);
  };
  let real: string;
  try {
    real = await realpath(dir);
  } catch (err) {
    cannotRead(err);
    return;
  }
  if (ancestors.has(real)) {
    errors.push({ file: dir, message: `skipping folder "${dir}": symlink loop (it leads back to "${real}")` });
    return;
  }
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    cannotRead(err);
    return;
  }
  const inside = new Set(ancestors).add(real);
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (isIgnoredName(entry.name)) continue;
    const full = join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const target = await stat(full);
        isDir = target.isDirectory();
        isFile = target.isFile();
      } catch (err) {
        if (isManifestName(entry.name)) errors.push({ file: full, message: `cannot read "${full}": ${code(err) === 'ENOENT' ? 'broken symlink' : describe(err)}` });
        continue;
      }
    }
    if (isDir) await walk(full, inside, listing, seenFiles);
    else if (isFile && isManifestName(entry.name) && !seenFiles.has(full)) {
      seenFiles.add(full);
      files.push(full);
    }
  }
}

/** Reads and parses one file; size, binary content and read failures are the file's errors. */
export async function readManifestFile(file: string, options: LoadOptions = {}): Promise<LoadedFile> {
  const max = options.maxFileBytes ?? MAX_FILE_BYTES;
  const fail = (message: string): LoadedFile => ({ file, documents: [], errors: [{ file, message }] });
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (!info.isFile()) return fail(`cannot read "${file}": not a regular file`);
    if (info.size > max) return fail(`cannot read "${file}": file is too large (${megabytes(info.size)} > ${megabytes(max)})`);
    bytes = await readFile(file);
  } catch (err) {
    if (code(err) === 'ENOENT') return { file, documents: [], errors: [], missing: true };
    return fail(`cannot read "${file}": ${describe(err)}`);
  }
  if (bytes.length > max) return fail(`cannot read "${file}": file is too large (${megabytes(bytes.length)} > ${megabytes(max)})`);
  if (bytes.subarray(0, 8000).includes(0)) return fail(`cannot read "${file}": binary content (NUL bytes); not a YAML or JSON manifest`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail(`cannot read "${file}": not valid UTF-8 text`);
  }
  return { file, ...parseManifest(file, text) };
}

function megabytes(n: number): string {
  const mb = n / (1024 * 1024);
  return `${mb >= 10 ? Math.round(mb) : Math.round(mb * 10) / 10} MB`;
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

function describe(err: unknown): string {
  switch (code(err)) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'no such file or directory';
    case 'ELOOP':
      return 'symlink loop';
    case 'ENOTDIR':
      return 'not a directory';
    case 'EISDIR':
      return 'is a directory';
    default:
      return (err as Error)?.message ?? String(err);
  }
}
