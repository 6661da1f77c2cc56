/** One manifest problem on one line: `k8s/web.yaml:12:7: spec.replicas: Invalid value: -1: ...`. */
import { isAbsolute, relative } from 'node:path';
import type { ManifestError } from './parse.js';

export function formatManifestError(e: ManifestError, cwd = process.cwd()): string {
  const rel = isAbsolute(e.file) ? relative(cwd, e.file) || e.file : e.file;
  const file = rel.startsWith('..') ? e.file : rel;
  const where = e.line !== undefined ? `:${e.line}${e.column !== undefined ? `:${e.column}` : ''}` : '';
  const field = e.field && !e.message.includes(e.field) ? ` (field ${e.field})` : '';
  return `${file}${where}: ${e.message}${field}`;
}
