/**
 * Client-side `kubectl apply`: a three-way strategic merge of the last applied configuration (the annotation),
 * the file (desired) and the live object. Pure functions over plain JSON values.
 */
import { ANY, schemaForKind, type Schema } from './schema.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Json = unknown;
type JsonObject = Record<string, Json>;

/** Metadata the API server owns; a file cannot set it through apply. */
const SERVER_META = ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink'];

const DELETE = Symbol('delete');

export function isObject(v: Json): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON with keys sorted and HTML characters escaped, byte for byte what Go's json.Marshal gives for the same map. */
export function goJson(value: Json): string {
  const text = JSON.stringify(sortKeys(value));
  if (!/[<>&\u2028\u2029]/.test(text)) return text;
  return text
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = sortKeys(v[k]);
  return out;
}

export function deepEqual(a: Json, b: Json): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

/** The annotation kubectl writes: the file's object (without the annotation itself) as JSON, plus a newline. */
export function lastAppliedAnnotation(desired: object): string {
  const o = desired as JsonObject;
  const meta = isObject(o['metadata']) ? o['metadata'] : {};
  // kubectl leaves an empty annotations map behind, which is why real annotations read `"annotations":{}`.
  const { [LAST_APPLIED]: _previous, ...annotations } = isObject(meta['annotations']) ? meta['annotations'] : {};
  // Shallow copies are enough: goJson only reads.
  return `${goJson({ ...o, metadata: { ...meta, annotations } })}\n`;
}

/** The file's object as `kubectl apply` sends it on create: with the last-applied annotation. */
export function withLastApplied<T extends object>(desired: T): T {
  const copy = structuredClone(desired) as JsonObject;
  const meta = isObject(copy['metadata']) ? copy['metadata'] : (copy['metadata'] = {});
  meta['annotations'] = { ...(isObject(meta['annotations']) ? meta['annotations'] : {}), [LAST_APPLIED]: lastAppliedAnnotation(desired) };
  return copy as T;
}

/** The configuration recorded on a live object by the previous apply, if any (and if it still parses). */
export function lastAppliedOf(live: object): JsonObject | undefined {
  const meta = (live as { metadata?: { annotations?: Record<string, string> } }).metadata;
  const text = meta?.annotations?.[LAST_APPLIED];
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as Json;
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The object `kubectl apply` would leave behind: fields the file changed since `lastApplied` win, fields in
 * `lastApplied` but no longer in `desired` are removed, anything else on `live` (set by controllers, defaulting,
 * `kubectl scale`) stays — including a live change to a field whose value in the file did not change.
 * status and server-owned metadata are never touched; the result carries the new last-applied annotation.
 */
export function threeWayMerge<T extends object>(lastApplied: object | undefined, desired: object, live: T): T {
  const kind = (desired as { kind?: unknown }).kind;
  const schema: Schema = (typeof kind === 'string' ? schemaForKind(kind) : undefined) ?? ANY;
  const modified = stripServerFields(withLastApplied(desired) as JsonObject);
  const original = lastApplied ? stripServerFields(structuredClone(lastApplied) as JsonObject) : {};
  const liveCopy = structuredClone(live) as JsonObject;

  const merged = mergeValue(original, modified, liveCopy, schema) as JsonObject;
  const liveMeta = isObject(liveCopy['metadata']) ? liveCopy['metadata'] : {};
  const meta = isObject(merged['metadata']) ? merged['metadata'] : (merged['metadata'] = {});
  for (const k of SERVER_META) {
    if (liveMeta[k] === undefined) delete meta[k];
    else meta[k] = liveMeta[k];
  }
  if (liveCopy['status'] === undefined) delete merged['status'];
  else merged['status'] = liveCopy['status'];
  return merged as T;
}

function stripServerFields(o: JsonObject): JsonObject {
  delete o['status'];
  if (isObject(o['metadata'])) for (const k of SERVER_META) delete o['metadata'][k];
  return o;
}

function childSchema(s: Schema, key: string): Schema {
  if (s.type === 'object') return Object.hasOwn(s.fields, key) ? s.fields[key]! : ANY;
  if (s.type === 'map') return s.of;
  return ANY;
}

function mergeValue(original: Json, modified: Json, live: Json, schema: Schema): Json | typeof DELETE {
  if (modified === null) return DELETE;
  // A value the file did not change since the last apply keeps its live value, so a `kubectl scale` (or a
  // dashboard edit) survives saves that touch other fields. Plain kubectl would reset it to the file's value.
  if (!isObject(modified) && original !== undefined && live !== undefined && deepEqual(original, modified)) return live;
  if (isObject(modified)) return mergeObject(isObject(original) ? original : {}, modified, isObject(live) ? live : undefined, schema);
  if (Array.isArray(modified)) {
    if (schema.type === 'array' && schema.mergeKey) {
      const merged = mergeKeyedList(original, modified, live, schema.mergeKey, schema.of);
      if (merged) return merged;
    }
    if (schema.type === 'array' && schema.mergeSet) return mergeSet(original, modified, live);
    return structuredClone(modified);
  }
  return modified;
}

function mergeObject(original: JsonObject, modified: JsonObject, live: JsonObject | undefined, schema: Schema): JsonObject {
  const out: JsonObject = live ? { ...live } : {};
  for (const [key, value] of Object.entries(modified)) {
    const merged = mergeValue(original[key], value, out[key], childSchema(schema, key));
    if (merged === DELETE) delete out[key];
    else out[key] = merged;
  }
  for (const key of Object.keys(original)) if (!(key in modified)) delete out[key];
  // retainKeys is only sent for a map the patch changes; an unchanged map keeps its defaulted fields.
  if (schema.type === 'object' && schema.retainKeys && live && !deepEqual(out, live)) {
    for (const key of Object.keys(out)) if (!(key in modified)) delete out[key];
  }
  return out;
}

/** Lists with a patchMergeKey: items matched by key; the file's order, then items only the server has. */
function mergeKeyedList(original: Json, modified: Json[], live: Json, key: string, itemSchema: Schema): Json[] | undefined {
  if (!modified.every((m) => isObject(m) && m[key] !== undefined)) return undefined;
  const liveItems = Array.isArray(live) ? live : [];
  const originalItems = Array.isArray(original) ? original.filter(isObject) : [];
  const used = new Set<number>();
  const take = (items: Json[], k: Json, taken?: Set<number>): JsonObject | undefined => {
    const i = items.findIndex((it, idx) => isObject(it) && deepEqual(it[key], k) && !taken?.has(idx));
    if (i < 0) return undefined;
    taken?.add(i);
    return items[i] as JsonObject;
  };
  const usedOriginal = new Set<number>();
  const out: Json[] = [];
  for (const m of modified as JsonObject[]) {
    const merged = mergeValue(take(originalItems, m[key], usedOriginal) ?? {}, m, take(liveItems, m[key], used), itemSchema);
    if (merged !== DELETE) out.push(merged);
  }
  liveItems.forEach((item, i) => {
    if (used.has(i)) return;
    const k = isObject(item) ? item[key] : undefined;
    const declaredBefore = k !== undefined && originalItems.some((o) => deepEqual(o[key], k));
    if (!declaredBefore) out.push(item);
  });
  return out;
}

/** patchStrategy merge on scalars (finalizers): the file's items plus the server's own, minus what the file dropped. */
function mergeSet(original: Json, modified: Json[], live: Json): Json[] {
  const originalItems = Array.isArray(original) ? original : [];
  const out = [...modified];
  for (const item of Array.isArray(live) ? live : []) {
    if (!out.some((o) => deepEqual(o, item)) && !originalItems.some((o) => deepEqual(o, item))) out.push(item);
  }
  return out;
}
