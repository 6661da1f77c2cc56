/** Label and field selectors: the API object form, the kubectl string form, and matching. */
import type { KubeObject, LabelSelector, LabelSelectorRequirement, Labels } from './api/meta.js';

export type Requirement =
  | { key: string; op: 'In' | 'NotIn'; values: readonly string[] }
  | { key: string; op: 'Exists' | 'DoesNotExist' };

/** A parsed selector: every requirement must hold. An empty list matches everything. */
export type Selector = readonly Requirement[];

export class SelectorParseError extends Error {}

export function matchesRequirement(r: Requirement, labels: Labels | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.op) {
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'In':
      return has && r.values.includes(labels![r.key]!);
    case 'NotIn':
      return !has || !r.values.includes(labels![r.key]!);
  }
}

export function matches(selector: Selector, labels: Labels | undefined): boolean {
  for (const r of selector) if (!matchesRequirement(r, labels)) return false;
  return true;
}

/** The API's LabelSelector as requirements (matchLabels become `In [v]`). */
export function fromLabelSelector(selector: LabelSelector | undefined): Selector {
  if (!selector) return [];
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) reqs.push({ key, op: 'In', values: [value] });
  for (const e of selector.matchExpressions ?? []) reqs.push(fromExpression(e));
  return reqs;
}

function fromExpression(e: LabelSelectorRequirement): Requirement {
  return e.operator === 'Exists' || e.operator === 'DoesNotExist'
    ? { key: e.key, op: e.operator }
    : { key: e.key, op: e.operator, values: e.values ?? [] };
}

export function matchesLabelSelector(selector: LabelSelector | undefined, labels: Labels | undefined): boolean {
  return matches(fromLabelSelector(selector), labels);
}

/** A Service's `spec.selector` map: an empty or missing map selects nothing (unlike a LabelSelector). */
export function matchesSelectorMap(selector: Labels | undefined, labels: Labels | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  for (const [k, v] of Object.entries(selector)) if (labels?.[k] !== v) return false;
  return true;
}

/**
 * Parses kubectl's string form: `app=web,tier!=db,env in (a,b),env notin (c),release,!canary`.
 * `=` and `==` mean equality; `!=` matches objects without the key too.
 */
export function parseSelector(text: string): Selector {
  const reqs: Requirement[] = [];
  for (const part of splitTopLevel(text)) {
    const s = part.trim();
    if (s === '') continue;
    let m: RegExpMatchArray | null;
    if ((m = s.match(/^([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
      const values = m[3]!.split(',').map((v) => v.trim()).filter((v) => v !== '');
      reqs.push({ key: checkKey(m[1]!), op: m[2] === 'in' ? 'In' : 'NotIn', values });
    } else if ((m = s.match(/^([^\s!=(),]+)\s*!=\s*([^\s!=(),]*)$/))) {
      reqs.push({ key: checkKey(m[1]!), op: 'NotIn', values: [m[2]!] });
    } else if ((m = s.match(/^([^\s!=(),]+)\s*==?\s*([^\s!=(),]*)$/))) {
      reqs.push({ key: checkKey(m[1]!), op: 'In', values: [m[2]!] });
    } else if ((m = s.match(/^!\s*([^\s!=(),]+)$/))) {
      reqs.push({ key: checkKey(m[1]!), op: 'DoesNotExist' });
    } else if ((m = s.match(/^([^\s!=(),]+)$/))) {
      reqs.push({ key: checkKey(m[1]!), op: 'Exists' });
    } else {
      throw new SelectorParseError(`unable to parse requirement: ${JSON.stringify(s)}`);
    }
  }
  return reqs;
}

function checkKey(key: string): string {
  if (!/^([a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/.test(key)) {
    throw new SelectorParseError(`unable to parse requirement: invalid label key "${key}"`);
  }
  return key;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** `app=web,tier!=db` back from requirements, as kubectl prints selectors. */
export function formatSelector(selector: Selector): string {
  return selector
    .map((r) => {
      switch (r.op) {
        case 'Exists':
          return r.key;
        case 'DoesNotExist':
          return `!${r.key}`;
        case 'In':
          return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${[...r.values].sort().join(',')})`;
        case 'NotIn':
          return r.values.length === 1 ? `${r.key}!=${r.values[0]}` : `${r.key} notin (${[...r.values].sort().join(',')})`;
      }
    })
    .join(',');
}

// ---------- field selectors ----------

export interface FieldRequirement {
  field: string;
  negate: boolean;
  value: string;
}

const FIELD_GETTERS: Record<string, (o: KubeObject) => string | undefined> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace,
  'spec.nodeName': (o) => (o as { spec?: { nodeName?: string } }).spec?.nodeName ?? '',
  'status.phase': (o) => (o as { status?: { phase?: string } }).status?.phase ?? '',
  'involvedObject.name': (o) => (o as { involvedObject?: { name?: string } }).involvedObject?.name,
  'involvedObject.uid': (o) => (o as { involvedObject?: { uid?: string } }).involvedObject?.uid,
  'involvedObject.kind': (o) => (o as { involvedObject?: { kind?: string } }).involvedObject?.kind,
  'spec.unschedulable': (o) => String((o as { spec?: { unschedulable?: boolean } }).spec?.unschedulable ?? false),
};

export function parseFieldSelector(text: string): FieldRequirement[] {
  return text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => {
      const m = p.match(/^([\w.]+)\s*(==|=|!=)\s*(.*)$/);
      if (!m) throw new SelectorParseError(`invalid selector: '${p}'; can't understand '${p}'`);
      const field = m[1]!;
      if (!FIELD_GETTERS[field]) throw new SelectorParseError(`field label not supported: ${field}`);
      return { field, negate: m[2] === '!=', value: m[3]! };
    });
}

export function matchesFields(reqs: readonly FieldRequirement[], o: KubeObject): boolean {
  for (const r of reqs) {
    const v = FIELD_GETTERS[r.field]!(o) ?? '';
    if ((v === r.value) === r.negate) return false;
  }
  return true;
}
