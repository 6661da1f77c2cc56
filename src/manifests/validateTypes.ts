/**
 * Client-side type validation, worded as kubectl's OpenAPI validation does:
 * `ValidationError(Deployment.spec.replicas): invalid type for io.k8s.api.apps.v1.DeploymentSpec.replicas: got "string", expected "integer"`.
 * Only types are checked; unknown fields pass, since types.ts describes a subset of each kind.
 */
import { formatPath, type Segment } from './fieldPath.js';
import type { Schema } from './schema.js';

export interface FieldTypeError {
  /** Canonical field path, e.g. `spec.replicas`. */
  field: string;
  message: string;
}

export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

function expectedFor(schema: Schema): string | undefined {
  switch (schema.type) {
    case 'string':
    case 'integer':
    case 'boolean':
    case 'array':
      return schema.type;
    case 'number':
      return 'number';
    case 'object':
    case 'map':
      return 'map';
    case 'intOrString':
      return 'integer or string';
    case 'quantity':
      return 'string';
    case 'any':
      return undefined;
  }
}

function accepts(schema: Schema, got: string): boolean {
  switch (schema.type) {
    case 'any':
      return true;
    case 'string':
      return got === 'string';
    case 'integer':
      return got === 'integer';
    case 'number':
      return got === 'integer' || got === 'number';
    case 'boolean':
      return got === 'boolean';
    case 'intOrString':
      return got === 'integer' || got === 'string';
    case 'quantity':
      return got === 'string' || got === 'integer' || got === 'number';
    case 'object':
    case 'map':
      return got === 'object';
    case 'array':
      return got === 'array';
  }
}

/** Checks `value` against `schema`; `kind` names the root (`Deployment`), `owner` the schema field being checked. */
export function checkTypes(kind: string, value: unknown, schema: Schema): FieldTypeError[] {
  const errors: FieldTypeError[] = [];
  const walk = (v: unknown, s: Schema, path: Segment[], owner: string): void => {
    if (v === null || v === undefined) return; // null means "unset" to the API server
    const got = jsonType(v);
    if (!accepts(s, got)) {
      const field = formatPath(path);
      errors.push({
        field,
        message: `ValidationError(${kind}.${field}): invalid type for ${owner}: got "${got}", expected "${expectedFor(s)}"`,
      });
      return;
    }
    const overflow = integerOverflow(s, v, path, owner);
    if (overflow) {
      errors.push({ field: formatPath(path), message: `ValidationError(${kind}.${formatPath(path)}): invalid value for ${owner}: ${overflow}` });
      return;
    }
    if (s.type === 'object') {
      for (const [key, child] of Object.entries(v as Record<string, unknown>)) {
        const fs = Object.hasOwn(s.fields, key) ? s.fields[key] : undefined;
        if (fs) walk(child, fs, [...path, key], `${s.name}.${key}`);
      }
    } else if (s.type === 'map') {
      for (const [key, child] of Object.entries(v as Record<string, unknown>)) walk(child, s.of, [...path, key], owner);
    } else if (s.type === 'array') {
      (v as unknown[]).forEach((item, i) => walk(item, s.of, [...path, i], owner));
    }
  };
  if (schemaIsObject(schema)) {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const fs = Object.hasOwn(schema.fields, key) ? schema.fields[key] : undefined;
      if (fs) walk(child, fs, [key], `${schema.name}.${key}`);
    }
  }
  return errors;
}

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const INT64 = { min: -(2 ** 63), max: 2 ** 63 - 1 };

/**
 * The API server decodes integers into Go's int32/int64 and refuses the rest with the decoder's words (a replica
 * count of 1e20 would otherwise be accepted and make the simulator create pods for ever).
 */
function integerOverflow(s: Schema, v: unknown, path: Segment[], owner: string): string | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v)) return undefined;
  if (s.type === 'intOrString') {
    return v < INT32.min || v > INT32.max ? `json: cannot unmarshal number ${v} into Go value of type int32` : undefined;
  }
  if (s.type !== 'integer') return undefined;
  const range = s.int64 ? INT64 : INT32;
  if (v >= range.min && v <= range.max && !(s.int64 && v >= 2 ** 63)) return undefined;
  const struct = owner.split('.').at(-2) ?? owner;
  const jsonPath = path.filter((p) => typeof p === 'string').join('.');
  return `json: cannot unmarshal number ${v} into Go struct field ${struct}.${jsonPath} of type ${s.int64 ? 'int64' : 'int32'}`;
}

function schemaIsObject(s: Schema): s is Extract<Schema, { type: 'object' }> {
  return s.type === 'object';
}
