/** `kubectl get -o yaml` / `-o json`. */
import { Document, isScalar, visit } from 'yaml';
import type { KubeObject } from '../engine/api/meta.js';

/**
 * kubectl prints objects through map[string]interface{}, so keys come out sorted at every level
 * (apiVersion, data, kind, metadata, spec, status, type...). managedFields are hidden by default.
 */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeysDeep(v);
    }
    return out;
  }
  return value;
}

function withoutManagedFields(obj: KubeObject): KubeObject {
  const meta = obj.metadata as Record<string, unknown> | undefined;
  if (!meta || !('managedFields' in meta)) return obj;
  const { managedFields: _hidden, ...rest } = meta;
  return { ...obj, metadata: rest } as KubeObject;
}

/** One object as is; several (or a list request) as a `kind: List`. */
export function printable(objects: KubeObject | readonly KubeObject[]): unknown {
  if (!Array.isArray(objects)) return sortKeysDeep(withoutManagedFields(objects as KubeObject));
  return sortKeysDeep({
    apiVersion: 'v1',
    items: (objects as readonly KubeObject[]).map(withoutManagedFields),
    kind: 'List',
    metadata: { resourceVersion: '' },
  });
}

/** json.MarshalIndent with 4 spaces; Go escapes <, > and & inside strings. */
export function toJson(objects: KubeObject | readonly KubeObject[]): string {
  const text = JSON.stringify(printable(objects), null, 4)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026');
  return `${text}\n`;
}

/** Strings a YAML 1.1 reader would take for another type; go-yaml double-quotes these. */
const AMBIGUOUS = /^(?:|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|[-+]?(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][-+]?\d+)?|0x[0-9a-fA-F_]+|0o?[0-7_]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|\d{4}-\d\d?-\d\d?(?:[Tt ].*)?)$/;

/** sigs.k8s.io/yaml style: block sequences not indented under their key, quoting only where needed, long lines folded at 80 columns. */
export function toYaml(objects: KubeObject | readonly KubeObject[]): string {
  const doc = new Document(printable(objects));
  visit(doc, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === 'string' && AMBIGUOUS.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ indentSeq: false, singleQuote: true, lineWidth: 80, blockQuote: 'literal' });
}
