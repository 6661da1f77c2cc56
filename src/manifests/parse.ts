/**
 * One manifest file's text -> documents with source positions, or error records worded as kubectl words them.
 */
import { LineCounter, parseAllDocuments, type Node as YamlNode } from 'yaml';
import { kindInfo } from '../engine/api/kinds.js';
import type { AnyObject } from '../engine/api/types.js';
import { canonicalPath, formatPath, parsePath } from './fieldPath.js';
import { readPlainYaml } from './plainYaml.js';
import { schemaForKind } from './schema.js';
import { fieldPositions, fromYamlNode, type SourceNode, type SourcePosition } from './sourceTree.js';
import { checkTypes, jsonType } from './validateTypes.js';
import { resolvePlainScalar, YAML_OPTIONS } from './yaml11.js';

export type { SourcePosition } from './sourceTree.js';

export interface ManifestError {
  file: string;
  line?: number;
  column?: number;
  field?: string;
  message: string;
}

export interface ManifestDocument {
  file: string;
  /** 0-based index of the YAML document in the file. */
  index: number;
  /** Index in the `items` of a `kind: List` document. */
  item?: number;
  object: AnyObject;
  /** Where the object starts. */
  line: number;
  column: number;
  /** Canonical field path (`spec.template.spec.containers[0].image`) -> where its key (or list item) starts. */
  positions: ReadonlyMap<string, SourcePosition>;
}

export interface ParseResult {
  documents: ManifestDocument[];
  errors: ManifestError[];
}

/** Documents in this group are kubedeck's own configuration (Scenario, ...), not cluster objects. */
export const KUBEDECK_GROUP = 'kubedeck.dev';

export function isManifestExtension(file: string): boolean {
  return /\.(ya?ml|json)$/i.test(file);
}

export function parseManifest(file: string, text: string): ParseResult {
  const documents: ManifestDocument[] = [];
  const errors: ManifestError[] = [];
  const isJson = /\.json$/i.test(file);
  const source = text.replace(/^\uFEFF/, '');
  const plain = isJson ? undefined : readPlainYaml(source, resolvePlainScalar);
  if (plain) {
    plain.forEach((doc, index) => {
      if (doc.value !== null) readValue(doc.value, doc.node ?? undefined, index, file, documents, errors);
    });
    return { documents, errors };
  }
  const lines = new LineCounter();
  const docs = parseAllDocuments(source, isJson ? { lineCounter: lines } : { ...YAML_OPTIONS, lineCounter: lines });
  const docList = Array.isArray(docs) ? docs : [];
  if (isJson) {
    // JSON.parse decides validity (YAML is laxer); the YAML reading only supplies positions.
    const strict = parseJsonFallback(file, text, 0);
    if (strict.error) return { documents, errors: [strict.error] };
  }

  docList.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      if (isJson) {
        const fallback = parseJsonFallback(file, text, index);
        if (fallback.error) errors.push(fallback.error);
        else if (fallback.value !== undefined) readValue(fallback.value, undefined, index, file, documents, errors);
        return;
      }
      const e = doc.errors[0]!;
      const pos = e.linePos?.[0];
      errors.push({
        file,
        ...(pos ? { line: pos.line, column: pos.col } : {}),
        message: `error parsing "${file}": ${firstLine(e.message)}`,
      });
      return;
    }
    if (doc.contents === null) return;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      errors.push({ file, ...yamlStartOf(doc.contents, lines), message: `error parsing "${file}": ${(err as Error).message}` });
      return;
    }
    readValue(value, fromYamlNode(doc.contents, lines), index, file, documents, errors);
  });
  return { documents, errors };
}

function readValue(
  value: unknown,
  node: SourceNode | undefined,
  index: number,
  file: string,
  documents: ManifestDocument[],
  errors: ManifestError[],
): void {
  if (value === null || value === undefined) return;
  const start = startOf(node);
  if (jsonType(value) !== 'object') {
    errors.push({
      file,
      ...start,
      message: `error validating "${file}": document ${index + 1} is a ${describe(value)}, not a mapping; a manifest is an object with apiVersion, kind and metadata`,
    });
    return;
  }
  const record = value as Record<string, unknown>;
  if (record['kind'] === 'List' && (record['apiVersion'] === 'v1' || record['apiVersion'] === undefined)) {
    const items = record['items'];
    if (items === undefined || items === null) return;
    if (!Array.isArray(items)) {
      errors.push({ file, ...start, field: 'items', message: `error validating "${file}": error validating data: ValidationError(List.items): invalid type for io.k8s.api.core.v1.List.items: got "${jsonType(items)}", expected "array"` });
      return;
    }
    const seq = node?.kind === 'map' ? node.entries.find((e) => e.key === 'items')?.value : undefined;
    items.forEach((item, i) => {
      const itemNode = seq?.kind === 'seq' ? (seq.items[i] ?? undefined) : undefined;
      readObject(item, itemNode, index, i, file, documents, errors);
    });
    return;
  }
  readObject(value, node, index, undefined, file, documents, errors);
}

function readObject(
  value: unknown,
  node: SourceNode | undefined,
  index: number,
  item: number | undefined,
  file: string,
  documents: ManifestDocument[],
  errors: ManifestError[],
): void {
  const positions = node ? fieldPositions(node) : new Map<string, SourcePosition>();
  const start = startOf(node);
  const at = (field: string): SourcePosition => lookup(positions, field) ?? start;
  const where = item === undefined ? `document ${index + 1}` : `item ${item + 1} of document ${index + 1}`;

  if (value === null || value === undefined) return;
  if (jsonType(value) !== 'object') {
    errors.push({ file, ...start, message: `error validating "${file}": ${where} is a ${describe(value)}, not a mapping; a manifest is an object with apiVersion, kind and metadata` });
    return;
  }
  const o = value as Record<string, unknown>;
  const apiVersion = o['apiVersion'];
  const kind = o['kind'];
  const missing: string[] = [];
  if (apiVersion === undefined || apiVersion === null || apiVersion === '') missing.push('apiVersion not set');
  if (kind === undefined || kind === null || kind === '') missing.push('kind not set');
  if (missing.length > 0) {
    const detail = missing.length === 1 ? missing[0]! : `[${missing.join(', ')}]`;
    errors.push({ file, ...start, message: `error validating "${file}": error validating data: ${detail}` });
    return;
  }
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    const field = typeof apiVersion !== 'string' ? 'apiVersion' : 'kind';
    errors.push({ file, ...at(field), field, message: `error validating "${file}": error validating data: ${field} must be a string` });
    return;
  }
  if (apiVersion.split('/')[0] === KUBEDECK_GROUP) return;

  const meta = jsonType(o['metadata']) === 'object' ? (o['metadata'] as Record<string, unknown>) : {};
  const name = typeof meta['name'] === 'string' ? meta['name'] : '';
  const namespace = typeof meta['namespace'] === 'string' ? meta['namespace'] : '';
  const info = kindInfo(kind);
  if (!info || info.apiVersion !== apiVersion) {
    errors.push({
      file,
      ...at('kind'),
      field: 'kind',
      message: `resource mapping not found for name: "${name}" namespace: "${namespace}" from "${file}": no matches for kind "${kind}" in version "${apiVersion}"`,
    });
    return;
  }

  const schema = schemaForKind(kind);
  const typeErrors = schema ? checkTypes(kind, o, schema) : [];
  for (const e of typeErrors) {
    errors.push({ file, ...at(e.field), field: e.field, message: `error validating "${file}": error validating data: ${e.message}` });
  }
  if (typeErrors.length > 0) return;

  if (!name) {
    if (meta['generateName']) {
      errors.push({ file, ...at('metadata.generateName'), field: 'metadata.generateName', message: `error when creating "${file}": cannot use generate name with apply` });
    } else {
      errors.push({ file, ...at('metadata'), field: 'metadata.name', message: `error when retrieving current configuration of ${info.kind} from "${file}": resource name may not be empty` });
    }
    return;
  }

  documents.push({
    file,
    index,
    ...(item === undefined ? {} : { item }),
    object: value as AnyObject,
    line: start.line,
    column: start.column,
    positions,
  });
}

function lookup(positions: ReadonlyMap<string, SourcePosition>, field: string): SourcePosition | undefined {
  const segments = parsePath(field);
  for (let n = segments.length; n > 0; n--) {
    const pos = positions.get(formatPath(segments.slice(0, n)));
    if (pos) return pos;
  }
  return undefined;
}

/** Where `field` (any API-server spelling) sits in the document, or its nearest written ancestor, or the document start. */
export function positionOf(doc: ManifestDocument, field: string | undefined): SourcePosition {
  return (field ? lookup(doc.positions, canonicalPath(field)) : undefined) ?? { line: doc.line, column: doc.column };
}

function startOf(node: SourceNode | undefined): SourcePosition {
  return node?.start ?? { line: 1, column: 1 };
}

function yamlStartOf(node: YamlNode, lines: LineCounter): SourcePosition {
  if (!node.range) return { line: 1, column: 1 };
  const p = lines.linePos(node.range[0]);
  return { line: p.line, column: p.col };
}

function firstLine(message: string): string {
  const line = message.split('\n')[0]!.replace(/:$/, '');
  // The YAML reader reports a JavaScript stack overflow on absurd nesting; say what go-yaml says instead.
  return line.replace(/^Maximum call stack size exceeded/, 'exceeded max depth (nesting too deep)');
}

function describe(value: unknown): string {
  const t = jsonType(value);
  return t === 'array' ? 'list' : t === 'object' ? 'mapping' : `${t} scalar`;
}

/** JSON the YAML reader refused (rare: e.g. odd whitespace): JSON.parse decides, and its error names the place. */
function parseJsonFallback(file: string, text: string, index: number): { value?: unknown; error?: ManifestError } {
  if (index > 0) return {};
  try {
    return { value: JSON.parse(text.replace(/^\uFEFF/, '')) };
  } catch (err) {
    const message = (err as Error).message;
    const m = /position (\d+)/.exec(message);
    const pos = m ? offsetToPos(text, Number(m[1])) : undefined;
    return { error: { file, ...(pos ?? {}), message: `error parsing "${file}": ${message}` } };
  }
}

function offsetToPos(text: string, offset: number): SourcePosition {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}
