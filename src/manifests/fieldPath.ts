/**
 * Field paths as the API server writes them (`spec.template.spec.containers[0].image`,
 * `metadata.labels[app.kubernetes.io/name]`) and a canonical form so positions recorded while reading YAML
 * can be found again from a validation error's `field`.
 */

export type Segment = string | number;

const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/;

/** Canonical text of a path: `.key` for plain keys, `[key]` for keys with dots or slashes, `[0]` for indexes. */
export function formatPath(segments: readonly Segment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (PLAIN_KEY.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${s}]`;
  }
  return out;
}

/** Splits `a.b[0].c[x.y/z]` (a leading `.` allowed) into segments; bracketed digits become indexes. */
export function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  let i = path.startsWith('.') ? 1 : 0;
  let current = '';
  const flush = () => {
    if (current !== '') out.push(current);
    current = '';
  };
  while (i < path.length) {
    const c = path[i]!;
    if (c === '.') {
      flush();
      i++;
    } else if (c === '[') {
      flush();
      const end = path.indexOf(']', i);
      if (end < 0) {
        current = path.slice(i);
        break;
      }
      const inner = path.slice(i + 1, end);
      out.push(/^\d+$/.test(inner) ? Number(inner) : inner);
      i = end + 1;
    } else {
      current += c;
      i++;
    }
  }
  flush();
  return out;
}

export function canonicalPath(path: string): string {
  return formatPath(parsePath(path));
}
