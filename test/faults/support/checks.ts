/** What every fuzz case asserts about the errors a broken manifest gives. */
import { relative } from 'node:path';
import { formatManifestError, type ManifestError } from '../../../src/manifests/index.js';

/** Messages that mean a JavaScript exception leaked out of the engine or the loader instead of a real diagnosis. */
const LEAKED_EXCEPTION = /TypeError|ReferenceError|RangeError|SyntaxError: Unexpected|Cannot read propert|Cannot convert|undefined is not|is not a function|is not iterable|Maximum call stack|\[object Object\]|did not settle/;

/** Whole-file problems: no line to point at, the file itself is the place. */
const WHOLE_FILE = /file is too large|binary content|not valid UTF-8|cannot read "/;

/**
 * Problems with an error list for `file` whose text (if known) is `text`: each must name the file, say where (a line
 * and column inside the file, unless the whole file is the problem) and read as a diagnosis, not a stack trace.
 */
export function errorProblems(errors: readonly ManifestError[], file: string, text: string | undefined, cwd: string): string[] {
  const problems: string[] = [];
  const lineCount = text === undefined ? Infinity : text.split('\n').length + 1;
  for (const e of errors) {
    const shown = formatManifestError(e, cwd);
    if (e.file !== file) problems.push(`error names another file: ${shown}`);
    const rel = relative(cwd, file);
    if (!shown.startsWith(rel.startsWith('..') ? file : rel)) problems.push(`formatted error does not start with the file: ${shown}`);
    if (LEAKED_EXCEPTION.test(e.message)) problems.push(`leaked exception: ${shown}`);
    if (e.line === undefined) {
      if (!WHOLE_FILE.test(e.message)) problems.push(`no line for a problem inside the file: ${shown}`);
    } else if (e.line < 1 || e.line > lineCount || (e.column !== undefined && e.column < 1)) {
      problems.push(`position outside the file (${lineCount - 1} lines): ${shown}`);
    }
  }
  return problems;
}
