/**
 * A fast reader for the plain YAML most manifests are written in: block mappings and lists, one-line flow
 * collections, one-line plain and quoted scalars, comments, `---`. Anything else (block scalars, anchors, tags,
 * escapes, multi-line scalars, tabs, a top level that is not a mapping, ...) makes it give up, and the caller
 * reads the file with the full `yaml` parser instead; so within what it accepts its values and positions must be
 * exactly the ones `yaml` gives, and it never reports an error itself.
 */
import type { SourceMap, SourceNode, SourcePosition, SourceSeq } from './sourceTree.js';

export interface PlainDocument {
  /** null for an empty document (`---` followed by nothing). */
  value: Record<string, unknown> | null;
  node: SourceMap | null;
}

/** What a plain scalar means (`yes` -> true, `0644` -> 420), or undefined to give up. Keys must stay strings. */
export type ScalarResolver = (source: string, isKey: boolean) => { value: unknown } | undefined;

/** The documents of `text`, or undefined when `text` is outside the plain subset. */
export function readPlainYaml(text: string, resolve: ScalarResolver): PlainDocument[] | undefined {
  // Tabs, CR and control characters or YAML 1.1's other line breaks: the full parser decides what they mean.
  if (/[\x00-\x09\x0b-\x1f\x7f\x85\u2028\u2029\ufeff]/.test(text)) return undefined;
  try {
    return splitDocuments(text).map((lines) => readDocument(lines, resolve));
  } catch (err) {
    if (err === GIVE_UP) return undefined;
    throw err;
  }
}

interface Line {
  /** 1-based. */
  no: number;
  indent: number;
  text: string;
}

const GIVE_UP = Symbol('give up');

/** Deeper nesting than any manifest has: the full parser words the error (or reads it) as before. */
const MAX_DEPTH = 64;

function giveUp(): never {
  throw GIVE_UP;
}

/** Content lines (no blank or comment-only lines) per document, as `yaml` counts documents. */
function splitDocuments(text: string): Line[][] {
  const docs: Line[][] = [];
  let current: Line[] = [];
  let explicit = false;
  const rows = text.split('\n');
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.startsWith('---')) {
      if (row !== '---') giveUp();
      // Text before the first `---` is a document only if it has content; each `---` starts one, even empty.
      if (explicit || current.length > 0) docs.push(current);
      current = [];
      explicit = true;
      continue;
    }
    if (row.startsWith('...') || row.startsWith('%')) giveUp();
    let indent = 0;
    while (row.charCodeAt(indent) === 32) indent++;
    if (indent === row.length || row[indent] === '#') continue;
    current.push({ no: i + 1, indent, text: row });
  }
  if (explicit || current.length > 0) docs.push(current);
  return docs;
}

function readDocument(lines: Line[], resolve: ScalarResolver): PlainDocument {
  if (lines.length === 0) return { value: null, node: null };
  const reader = new BlockReader(lines, resolve);
  const first = lines[0]!;
  if (isDash(first, first.indent)) giveUp();
  const { value, node } = reader.mapAt(first.indent, first.indent, 0);
  if (!reader.done()) giveUp();
  return { value, node };
}

const KEY = /[^\s:#'"{}[\],&*!|>%@`?-][^\s:#{}[\],]*:(?= |$)/y;
const FLOW_KEY = /[^\s:#'"{}[\],&*!|>%@`?-][^\s:#{}[\],]*/y;

function isDash(line: Line, col: number): boolean {
  return line.text[col] === '-' && (col + 1 === line.text.length || line.text[col + 1] === ' ');
}

function pos(line: Line, col: number): SourcePosition {
  return { line: line.no, column: col + 1 };
}

interface Read<T> {
  value: T;
  node: SourceNode;
}

class BlockReader {
  private i = 0;

  constructor(
    private readonly lines: readonly Line[],
    private readonly resolve: ScalarResolver,
  ) {}

  done(): boolean {
    return this.i === this.lines.length;
  }

  /** A block mapping whose first key is on the current line at `col`, its other keys on lines indented `indent`. */
  mapAt(col: number, indent: number, depth: number): { value: Record<string, unknown>; node: SourceMap } {
    if (depth > MAX_DEPTH) giveUp();
    const value: Record<string, unknown> = {};
    const node: SourceMap = { kind: 'map', start: pos(this.lines[this.i]!, col), entries: [] };
    for (let first = true; ; first = false) {
      const line = this.lines[this.i];
      if (!first) {
        if (!line || line.indent < indent) break;
        if (line.indent > indent) giveUp();
        if (isDash(line, indent)) break; // the list that is this mapping's parent's value goes on
      }
      const at = first ? col : indent;
      const { key, end } = this.key(line!, at);
      if (Object.hasOwn(value, key) || key === '__proto__') giveUp();
      const entry = this.valueAfterKey(line!, end, indent, depth + 1);
      value[key] = entry.value;
      node.entries.push({ key, at: pos(line!, at), value: entry.node });
    }
    return { value, node };
  }

  private key(line: Line, col: number): { key: string; end: number } {
    KEY.lastIndex = col;
    if (!KEY.test(line.text)) giveUp();
    const source = line.text.slice(col, KEY.lastIndex - 1);
    if (source.length > 1000 || source === '<<') giveUp();
    const resolved = this.resolve(source, true);
    if (!resolved || resolved.value !== source) giveUp();
    return { key: source, end: KEY.lastIndex };
  }

  /** The value after `key:` (`end` is just past the colon) of a mapping indented `indent`. */
  private valueAfterKey(line: Line, end: number, indent: number, depth: number): { value: unknown; node: SourceNode | null } {
    let col = end;
    while (line.text.charCodeAt(col) === 32) col++;
    if (col < line.text.length && line.text[col] !== '#') {
      this.i++;
      const read = inlineValue(line, col, this.resolve, depth);
      this.noDeeperLine(indent);
      return read;
    }
    this.i++;
    const next = this.lines[this.i];
    if (next && next.indent > indent) return isDash(next, next.indent) ? this.seq(next.indent, depth) : this.mapAt(next.indent, next.indent, depth);
    if (next && next.indent === indent && isDash(next, indent)) return this.seq(indent, depth);
    // `key:` alone: null, and like `yaml` no position of its own is needed.
    return { value: null, node: null };
  }

  private seq(indent: number, depth: number): { value: unknown[]; node: SourceSeq } {
    if (depth > MAX_DEPTH) giveUp();
    const value: unknown[] = [];
    const node: SourceSeq = { kind: 'seq', start: pos(this.lines[this.i]!, indent), items: [] };
    for (;;) {
      const line = this.lines[this.i];
      if (!line || line.indent < indent) break;
      if (line.indent > indent) giveUp();
      if (!isDash(line, indent)) break;
      let col = indent + 1;
      while (line.text.charCodeAt(col) === 32) col++;
      if (col >= line.text.length || line.text[col] === '#' || isDash(line, col)) giveUp();
      KEY.lastIndex = col;
      if (KEY.test(line.text)) {
        const item = this.mapAt(col, col, depth + 1);
        value.push(item.value);
        node.items.push(item.node);
      } else {
        this.i++;
        const item = inlineValue(line, col, this.resolve, depth + 1);
        this.noDeeperLine(indent);
        value.push(item.value);
        node.items.push(item.node);
      }
    }
    return { value, node };
  }

  /** After a one-line value, a more indented line would continue it (or be an error): the full parser decides. */
  private noDeeperLine(indent: number): void {
    const next = this.lines[this.i];
    if (next && next.indent > indent) giveUp();
  }
}

/** A one-line value starting at `col`, with nothing but a comment after it. */
function inlineValue(line: Line, col: number, resolve: ScalarResolver, depth: number): Read<unknown> {
  const text = line.text;
  const c = text[col]!;
  let read: Read<unknown> & { end: number };
  if (c === '"' || c === "'") read = quoted(text, col, line);
  else if (c === '{' || c === '[') read = flow(text, col, line, resolve, depth);
  else {
    let end = text.indexOf(' #', col);
    if (end < 0) end = text.length;
    const source = text.slice(col, end).trimEnd();
    if (!plainStart(source) || source.includes(': ') || source.endsWith(':')) giveUp();
    const resolved = resolve(source, false) ?? giveUp();
    return { value: resolved.value, node: { kind: 'leaf', start: pos(line, col) } };
  }
  const rest = text.slice(read.end);
  if (rest.trim() !== '' && !/^ +#/.test(rest)) giveUp();
  return { value: read.value, node: read.node };
}

function plainStart(source: string): boolean {
  const c = source[0];
  if (c === undefined || '#&*!|>%@`,[]{}\'"'.includes(c)) return false;
  return !('-?:'.includes(c) && (source.length === 1 || source[1] === ' '));
}

/** A one-line quoted scalar without escapes (`''` in single quotes aside). */
function quoted(text: string, col: number, line: Line): Read<string> & { end: number } {
  const q = text[col]!;
  let out = '';
  let i = col + 1;
  for (;;) {
    const close = text.indexOf(q, i);
    if (close < 0) giveUp();
    const part = text.slice(i, close);
    if (q === '"' && part.includes('\\')) giveUp();
    out += part;
    if (q === "'" && text[close + 1] === "'") {
      out += "'";
      i = close + 2;
      continue;
    }
    return { value: out, node: { kind: 'leaf', start: pos(line, col) }, end: close + 1 };
  }
}

/** A flow mapping or list that closes on the same line. */
function flow(text: string, col: number, line: Line, resolve: ScalarResolver, depth: number): Read<unknown> & { end: number } {
  if (depth > MAX_DEPTH) giveUp();
  const isMap = text[col] === '{';
  const close = isMap ? '}' : ']';
  const skip = (i: number) => {
    while (text.charCodeAt(i) === 32) i++;
    return i;
  };
  let i = skip(col + 1);
  const start = pos(line, col);
  if (text[i] === close) {
    return isMap ? { value: {}, node: { kind: 'map', start, entries: [] }, end: i + 1 } : { value: [], node: { kind: 'seq', start, items: [] }, end: i + 1 };
  }
  const map: Record<string, unknown> = {};
  const mapNode: SourceMap = { kind: 'map', start, entries: [] };
  const list: unknown[] = [];
  const seqNode: SourceSeq = { kind: 'seq', start, items: [] };
  for (;;) {
    if (isMap) {
      FLOW_KEY.lastIndex = i;
      if (!FLOW_KEY.test(text)) giveUp();
      const key = text.slice(i, FLOW_KEY.lastIndex);
      if (text[FLOW_KEY.lastIndex] !== ':' || text[FLOW_KEY.lastIndex + 1] !== ' ') giveUp();
      if (key.length > 1000 || key === '<<' || key === '__proto__' || Object.hasOwn(map, key)) giveUp();
      if (resolve(key, true)?.value !== key) giveUp();
      const item = flowValue(text, skip(FLOW_KEY.lastIndex + 1), line, resolve, depth + 1);
      map[key] = item.value;
      mapNode.entries.push({ key, at: pos(line, i), value: item.node });
      i = item.end;
    } else {
      const item = flowValue(text, i, line, resolve, depth + 1);
      list.push(item.value);
      seqNode.items.push(item.node);
      i = item.end;
    }
    i = skip(i);
    if (text[i] === close) break;
    if (text[i] !== ',') giveUp();
    i = skip(i + 1);
    if (text[i] === close) giveUp(); // a trailing comma
  }
  return isMap ? { value: map, node: mapNode, end: i + 1 } : { value: list, node: seqNode, end: i + 1 };
}

function flowValue(text: string, col: number, line: Line, resolve: ScalarResolver, depth: number): Read<unknown> & { end: number } {
  const c = text[col];
  if (c === '"' || c === "'") {
    const read = quoted(text, col, line);
    if (text[read.end] === ':') giveUp();
    return read;
  }
  if (c === '{' || c === '[') return flow(text, col, line, resolve, depth);
  let end = col;
  while (end < text.length && !',[]{}'.includes(text[end]!)) end++;
  const source = text.slice(col, end).trimEnd();
  if (!plainStart(source) || source.includes(':') || source.includes('#')) giveUp();
  const resolved = resolve(source, false) ?? giveUp();
  return { value: resolved.value, node: { kind: 'leaf', start: pos(line, col) }, end: col + source.length };
}
