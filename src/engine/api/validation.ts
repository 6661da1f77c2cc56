/**
 * The API server's validation (pkg/apis/{core,apps,batch}/validation, apimachinery's util/validation and the
 * registry strategies' update checks), worded and ordered as the real one so users see the same messages.
 *
 * Values are printed the way Go's field errors print them: strings quoted, numbers bare, maps as
 * `map[string]string{"a":"b"}`, structs with %#v (`v1.LabelSelector{...}`, `intstr.IntOrString{...}`).
 */
import { ApiError, invalid, type FieldError } from '../errors.js';
import { matchesLabelSelector } from '../selectors.js';
import { kindInfo, qualifiedKind } from './kinds.js';
import type { IntOrString, KubeObject, LabelSelector, LabelSelectorRequirement, Labels, ObjectMeta, ResourceList } from './meta.js';
import {
  compareQuantities, formatQuantity, parseQuantityExact, QuantityError, QUANTITY_FORMAT_MESSAGE, QUANTITY_NUMERIC_MESSAGE,
  QUANTITY_SUFFIX_MESSAGE, type ParsedQuantity,
} from './quantity.js';
import type {
  AnyObject, ConfigMap, Container, ContainerPort, CronJob, DaemonSet, Deployment, Job, JobSpec, LifecycleHandler,
  Namespace, Node, PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimSpec, Pod, PodSpec, PodTemplateSpec,
  Probe, ReplicaSet, Secret, Service, ServicePort, StatefulSet, Toleration, Volume,
} from './types.js';
import { jsonEqualUnordered } from '../store/immutable.js';

type Errs = FieldError[];

// ---------- field errors ----------

const required = (field: string, detail?: string): FieldError =>
  detail ? { field, type: 'Required value', detail } : { field, type: 'Required value' };
const invalidValue = (field: string, value: string, detail: string): FieldError => ({ field, type: 'Invalid value', value, detail });
const forbidden = (field: string, detail: string): FieldError => ({ field, type: 'Forbidden', detail });
const duplicate = (field: string, value: string): FieldError => ({ field, type: 'Duplicate value', value });
const notSupported = (field: string, value: string, supported: readonly string[]): FieldError => ({
  field,
  type: 'Unsupported value',
  value,
  detail: `supported values: ${supported.map(goString).join(', ')}`,
});
// errors.ts prints the value only for Invalid/Unsupported/Duplicate; Go prints it for Not found too.
const notFound = (field: string, value: string): FieldError => ({ field, type: 'Not found', detail: value });

const child = (path: string, name: string): string => (path ? `${path}.${name}` : name);
const index = (path: string, i: number | string): string => `${path}[${i}]`;

// ---------- Go value formatting ----------

/** strconv.Quote / %q. */
export function goString(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, '\\x$1');
}

/** %#v of a map[string]string: keys sorted, `map[string]string(nil)` when absent. */
export function goStringMap(m: Labels | undefined): string {
  if (m === undefined || m === null) return 'map[string]string(nil)';
  const entries = Object.keys(m).sort().map((k) => `${goString(k)}:${goString(m[k]!)}`);
  return `map[string]string{${entries.join(', ')}}`;
}

const goStringSlice = (v: readonly string[] | undefined): string =>
  v === undefined ? '[]string(nil)' : `[]string{${v.map(goString).join(', ')}}`;

function goRequirement(r: LabelSelectorRequirement): string {
  return `v1.LabelSelectorRequirement{Key:${goString(r.key ?? '')}, Operator:${goString(r.operator ?? '')}, Values:${goStringSlice(r.values)}}`;
}

/** %#v of a metav1.LabelSelector. */
export function goLabelSelector(s: LabelSelector | undefined): string {
  if (!s) return 'null';
  const exprs = s.matchExpressions === undefined
    ? '[]v1.LabelSelectorRequirement(nil)'
    : `[]v1.LabelSelectorRequirement{${s.matchExpressions.map(goRequirement).join(', ')}}`;
  return `v1.LabelSelector{MatchLabels:${goStringMap(s.matchLabels)}, MatchExpressions:${exprs}}`;
}

/** %#v of an intstr.IntOrString (it has no value-receiver String method, so Go prints the struct). */
export function goIntOrString(v: IntOrString | undefined): string {
  if (typeof v === 'string') return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goString(v)}}`;
  return `intstr.IntOrString{Type:0, IntVal:${v ?? 0}, StrVal:""}`;
}

// ---------- names, labels and other strings (k8s.io/apimachinery/pkg/util/validation) ----------

function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  let s = `${msg} (e.g. `;
  examples.forEach((e, i) => {
    if (i > 0) s += ' or ';
    s += `'${e}', `;
  });
  return `${s}regex used for validation is '${fmt}')`;
}

const maxLenError = (n: number): string => `must be no more than ${n} characters`;
const NONNEGATIVE = 'must be greater than or equal to 0';
const IMMUTABLE = 'field is immutable';

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const CONFIG_KEY_FMT = '[-._a-zA-Z0-9]+';
const anchored = (fmt: string): RegExp => new RegExp(`^${fmt}$`);
const DNS1123_LABEL = anchored(DNS1123_LABEL_FMT);
const DNS1123_SUBDOMAIN = anchored(DNS1123_SUBDOMAIN_FMT);
const DNS1035_LABEL = anchored(DNS1035_LABEL_FMT);
const QUALIFIED_NAME = anchored(QUALIFIED_NAME_FMT);
const LABEL_VALUE = anchored(LABEL_VALUE_FMT);
const CONFIG_KEY = anchored(CONFIG_KEY_FMT);

export function isDns1123Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLenError(63));
  if (!DNS1123_LABEL.test(v)) {
    errs.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

export function isDns1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push(maxLenError(253));
  if (!DNS1123_SUBDOMAIN.test(v)) {
    errs.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", DNS1123_SUBDOMAIN_FMT, 'example.com'));
  }
  return errs;
}

export function isDns1035Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLenError(63));
  if (!DNS1035_LABEL.test(v)) {
    errs.push(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  }
  return errs;
}

const QUALIFIED_NAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/**
 * Names already found qualified. Every pod's label keys, toleration keys and resource names are checked on every
 * create and update, and they are the same few names: a set lookup instead of a split and a regular expression.
 */
const qualifiedNames = new Set<string>();
const QUALIFIED_NAMES_KEPT = 4096;
const NO_ERRORS: readonly string[] = Object.freeze([]);

export function isQualifiedName(v: string): readonly string[] {
  if (qualifiedNames.has(v)) return NO_ERRORS;
  const errs = qualifiedNameErrors(v);
  if (errs.length === 0) {
    if (qualifiedNames.size >= QUALIFIED_NAMES_KEPT) qualifiedNames.clear();
    qualifiedNames.add(v);
  }
  return errs;
}

function qualifiedNameErrors(v: string): string[] {
  const errs: string[] = [];
  const parts = v.split('/');
  if (parts.length > 2) {
    return [`a qualified name ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...isDns1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!QUALIFIED_NAME.test(name)) errs.push(`name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

export function isValidLabelValue(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLenError(63));
  if (!LABEL_VALUE.test(v)) {
    errs.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}

function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.startsWith('-') || port.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

const isValidPortNum = (p: number): string[] => (Number.isInteger(p) && p >= 1 && p <= 65535 ? [] : ['must be between 1 and 65535, inclusive']);

function isValidPercent(v: string): string[] {
  return /^[0-9]+%$/.test(v) ? [] : [regexError("a valid percent string must be a numeric string followed by an ending '%'", '[0-9]+%', '1%', '93%')];
}

function isConfigMapKey(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push(maxLenError(253));
  if (!CONFIG_KEY.test(v)) errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", CONFIG_KEY_FMT, 'key.name', 'KEY_NAME', 'key-name'));
  if (v === '.') errs.push("must not be '.'");
  else if (v === '..') errs.push("must not be '..'");
  else if (v.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

type NameFn = (name: string) => string[];
/** Generated names may end in '-' (the random suffix follows). */
const asPrefix = (fn: NameFn): NameFn => (name) => fn(name.endsWith('-') ? `${name.slice(0, -1)}a` : name);

// ---------- generic pieces ----------

/** Keys in sorted order, the order errors are reported in; most maps come sorted already (no sort, no copy). */
function sortedKeys(m: object | undefined): string[] {
  if (!m) return [];
  const keys = Object.keys(m);
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return keys.sort();
  return keys;
}

function nonNegative(errs: Errs, field: string, v: number | undefined): void {
  if (v !== undefined && v < 0) errs.push(invalidValue(field, String(v), NONNEGATIVE));
}

function validateLabels(errs: Errs, labels: Labels | undefined, path: string): void {
  for (const k of sortedKeys(labels)) {
    for (const m of isQualifiedName(k)) errs.push(invalidValue(path, goString(k), m));
    for (const m of isValidLabelValue(labels![k]!)) errs.push(invalidValue(path, goString(labels![k]!), m));
  }
}

function validateAnnotations(errs: Errs, annotations: Record<string, string> | undefined, path: string): void {
  for (const k of sortedKeys(annotations)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalidValue(path, goString(k), m));
  }
}

function validateMeta(errs: Errs, meta: ObjectMeta | undefined, nameFn: NameFn): void {
  const m = meta ?? {};
  if (m.generateName) for (const msg of asPrefix(nameFn)(m.generateName)) errs.push(invalidValue('metadata.generateName', goString(m.generateName), msg));
  if (!m.name) errs.push(required('metadata.name', 'name or generateName is required'));
  else for (const msg of nameFn(m.name)) errs.push(invalidValue('metadata.name', goString(m.name), msg));
  validateLabels(errs, m.labels, 'metadata.labels');
  validateAnnotations(errs, m.annotations, 'metadata.annotations');
}

/** ValidateLabelSelector. Returns whether the selector converts to a labels.Selector (LabelSelectorAsSelector). */
function validateSelector(errs: Errs, s: LabelSelector, path: string): boolean {
  const before = errs.length;
  validateLabels(errs, s.matchLabels, child(path, 'matchLabels'));
  (s.matchExpressions ?? []).forEach((r, i) => {
    const p = index(child(path, 'matchExpressions'), i);
    const values = r.values ?? [];
    switch (r.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(required(child(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(forbidden(child(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalidValue(child(p, 'operator'), goString(String(r.operator ?? '')), 'not a valid selector operator'));
    }
    for (const m of isQualifiedName(r.key ?? '')) errs.push(invalidValue(child(p, 'key'), goString(r.key ?? ''), m));
    values.forEach((v, j) => {
      for (const m of isValidLabelValue(v)) errs.push(invalidValue(index(child(p, 'values'), j), goString(v), m));
    });
  });
  return errs.length === before;
}

const selectorMatches = (s: LabelSelector, labels: Labels | undefined): boolean => matchesLabelSelector(s, labels);

const selectorIsEmpty = (s: LabelSelector): boolean =>
  Object.keys(s.matchLabels ?? {}).length + (s.matchExpressions ?? []).length === 0;

/**
 * A workload's selector: Required when missing; `<kind> selector` emptiness; and whether (and how) the template's
 * labels must match. A missing selector selects nothing, so a template always "does not match" it, as in Go.
 */
function validateWorkloadSelector(errs: Errs, selector: LabelSelector | undefined, emptyMsg: string): { ok: boolean; matches: (l: Labels | undefined) => boolean } {
  if (!selector) {
    errs.push(required('spec.selector'));
    return { ok: true, matches: () => false };
  }
  const ok = validateSelector(errs, selector, 'spec.selector');
  if (selectorIsEmpty(selector)) errs.push(invalidValue('spec.selector', goLabelSelector(selector), emptyMsg));
  return { ok, matches: (l) => selectorIsEmpty(selector) || selectorMatches(selector, l) };
}

function templateLabelsMismatch(template: PodTemplateSpec | undefined, path: string): FieldError {
  return invalidValue(child(path, 'metadata.labels'), goStringMap(template?.metadata?.labels), '`selector` does not match template `labels`');
}

function validatePositiveIntOrPercent(errs: Errs, v: IntOrString | undefined, path: string): void {
  if (typeof v === 'string') for (const m of isValidPercent(v)) errs.push(invalidValue(path, goIntOrString(v), m));
  else nonNegative(errs, path, v);
}

function intOrPercentValue(v: IntOrString | undefined): number {
  if (typeof v === 'string') return isValidPercent(v).length === 0 ? Number(v.slice(0, -1)) : 0;
  return v ?? 0;
}

function notMoreThan100Percent(errs: Errs, v: IntOrString | undefined, path: string): void {
  if (typeof v === 'string' && isValidPercent(v).length === 0 && Number(v.slice(0, -1)) > 100) {
    errs.push(invalidValue(path, goIntOrString(v), 'must not be greater than 100%'));
  }
}

/** Key-order-independent equality, so `{a, b}` equals `{b, a}` (Go compares structs, not JSON text). */
const sameJson = jsonEqualUnordered;

// ---------- quantities and resources ----------

function parseQuantityField(errs: Errs, q: unknown, path: string): ParsedQuantity | undefined {
  try {
    return parseQuantityExact(q as string | number);
  } catch (e) {
    if (!(e instanceof QuantityError)) throw e;
    errs.push(invalidValue(path, goString(String(q)), e.message));
    return undefined;
  }
}

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

function validateContainerResourceName(errs: Errs, name: string, path: string): void {
  const before = errs.length;
  for (const m of isQualifiedName(name)) errs.push(invalidValue(path, goString(name), m));
  if (errs.length > before) return;
  if (!name.includes('/') && !STANDARD_CONTAINER_RESOURCES.has(name) && !name.startsWith('hugepages-')) {
    errs.push(invalidValue(path, goString(name), 'must be a standard resource for containers'));
  }
}

function validateResourceList(errs: Errs, list: ResourceList | undefined, path: string): Map<string, ParsedQuantity> {
  const parsed = new Map<string, ParsedQuantity>();
  for (const name of sortedKeys(list)) {
    const p = index(path, name);
    validateContainerResourceName(errs, name, p);
    const q = parseQuantityField(errs, list![name], p);
    if (!q) continue;
    if (q.mantissa < 0n) errs.push(invalidValue(p, goString(formatQuantity(q)), NONNEGATIVE));
    parsed.set(name, q);
  }
  return parsed;
}

function validateResources(errs: Errs, res: Container['resources'], path: string): void {
  const limits = validateResourceList(errs, res?.limits, child(path, 'limits'));
  const reqPath = child(path, 'requests');
  const requests = validateResourceList(errs, res?.requests, reqPath);
  for (const [name, req] of requests) {
    const limit = limits.get(name);
    if (!limit) continue;
    const overcommit = name === 'cpu' || name === 'memory' || name === 'ephemeral-storage';
    const cmp = compareQuantities(req, limit);
    if (!overcommit && cmp !== 0) {
      errs.push(invalidValue(reqPath, goString(formatQuantity(req)), `must be equal to ${name} limit of ${formatQuantity(limit)}`));
    } else if (cmp > 0) {
      errs.push(invalidValue(reqPath, goString(formatQuantity(req)), `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`));
    }
  }
}

// ---------- pods ----------

function validatePortNumOrName(errs: Errs, port: IntOrString | undefined, path: string): void {
  if (typeof port === 'string') for (const m of isValidPortName(port)) errs.push(invalidValue(path, goString(port), m));
  else for (const m of isValidPortNum(port ?? 0)) errs.push(invalidValue(path, String(port ?? 0), m));
}

type Handler = Pick<LifecycleHandler, 'exec' | 'httpGet' | 'tcpSocket' | 'sleep'> & { grpc?: Probe['grpc'] };

function validateHandler(errs: Errs, h: Handler, path: string): void {
  let count = 0;
  const one = (name: keyof Handler, check: () => void): void => {
    if (h[name] === undefined) return;
    if (count > 0) {
      errs.push(forbidden(child(path, name), 'may not specify more than 1 handler type'));
      return;
    }
    count++;
    check();
  };
  one('exec', () => {
    if ((h.exec?.command ?? []).length === 0) errs.push(required(child(path, 'exec.command')));
  });
  one('httpGet', () => {
    const g = h.httpGet!;
    const p = child(path, 'httpGet');
    if (!g.path) errs.push(required(child(p, 'path')));
    validatePortNumOrName(errs, g.port, child(p, 'port'));
    if (g.scheme && g.scheme !== 'HTTP' && g.scheme !== 'HTTPS') errs.push(notSupported(child(p, 'scheme'), goString(g.scheme), ['HTTP', 'HTTPS']));
  });
  one('tcpSocket', () => validatePortNumOrName(errs, h.tcpSocket!.port, child(path, 'tcpSocket.port')));
  one('grpc', () => {
    for (const m of isValidPortNum(h.grpc!.port)) errs.push(invalidValue(child(path, 'grpc.port'), String(h.grpc!.port), m));
  });
  one('sleep', () => undefined);
  if (count === 0) errs.push(required(path, 'must specify a handler type'));
}

function validateProbe(errs: Errs, p: Probe | undefined, path: string, kind: 'liveness' | 'readiness' | 'startup'): void {
  if (!p) return;
  validateHandler(errs, p, path);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    nonNegative(errs, child(path, f), p[f]);
  }
  if (p.terminationGracePeriodSeconds !== undefined && p.terminationGracePeriodSeconds <= 0) {
    errs.push(invalidValue(child(path, 'terminationGracePeriodSeconds'), String(p.terminationGracePeriodSeconds), 'must be greater than 0'));
  }
  if (kind !== 'readiness' && p.successThreshold !== undefined && p.successThreshold !== 1) {
    errs.push(invalidValue(child(path, 'successThreshold'), String(p.successThreshold), 'must be 1'));
  }
  if (kind === 'readiness' && p.terminationGracePeriodSeconds !== undefined) {
    errs.push(invalidValue(child(path, 'terminationGracePeriodSeconds'), String(p.terminationGracePeriodSeconds), 'must not be set for readinessProbes'));
  }
}

function validateContainerPorts(errs: Errs, ports: ContainerPort[] | undefined, path: string): void {
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = index(path, i);
    if (port.name) {
      const msgs = isValidPortName(port.name);
      for (const m of msgs) errs.push(invalidValue(child(p, 'name'), goString(port.name), m));
      if (msgs.length === 0 && names.has(port.name)) errs.push(duplicate(child(p, 'name'), goString(port.name)));
      names.add(port.name);
    }
    if (!port.containerPort) errs.push(required(child(p, 'containerPort')));
    else for (const m of isValidPortNum(port.containerPort)) errs.push(invalidValue(child(p, 'containerPort'), String(port.containerPort), m));
    if (port.hostPort) for (const m of isValidPortNum(port.hostPort)) errs.push(invalidValue(child(p, 'hostPort'), String(port.hostPort), m));
    if (!port.protocol) errs.push(required(child(p, 'protocol')));
    else if (!['SCTP', 'TCP', 'UDP'].includes(port.protocol)) errs.push(notSupported(child(p, 'protocol'), goString(port.protocol), ['SCTP', 'TCP', 'UDP']));
  });
}

function validateContainer(errs: Errs, c: Container, path: string, volumes: ReadonlySet<string>): void {
  if (!c.name) errs.push(required(child(path, 'name')));
  else for (const m of isDns1123Label(c.name)) errs.push(invalidValue(child(path, 'name'), goString(c.name), m));
  if (!c.image) errs.push(required(child(path, 'image')));
  const tmp = c.terminationMessagePolicy;
  if (!tmp) errs.push(required(child(path, 'terminationMessagePolicy')));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    errs.push(notSupported(child(path, 'terminationMessagePolicy'), goString(tmp), ['File', 'FallbackToLogsOnError']));
  }
  validateContainerPorts(errs, c.ports, child(path, 'ports'));
  (c.env ?? []).forEach((e, i) => {
    if (!e.name) errs.push(required(child(index(child(path, 'env'), i), 'name')));
  });
  const mountPaths = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, i) => {
    const p = index(child(path, 'volumeMounts'), i);
    if (!m.name) errs.push(required(child(p, 'name')));
    else if (!volumes.has(m.name)) errs.push(notFound(child(p, 'name'), goString(m.name)));
    if (!m.mountPath) errs.push(required(child(p, 'mountPath')));
    else if (mountPaths.has(m.mountPath)) errs.push(invalidValue(child(p, 'mountPath'), goString(m.mountPath), 'must be unique'));
    if (m.mountPath) mountPaths.add(m.mountPath);
  });
  const pull = c.imagePullPolicy;
  if (!pull) errs.push(required(child(path, 'imagePullPolicy')));
  else if (!['Always', 'IfNotPresent', 'Never'].includes(pull)) {
    errs.push(notSupported(child(path, 'imagePullPolicy'), goString(pull), ['Always', 'IfNotPresent', 'Never']));
  }
  validateResources(errs, c.resources, child(path, 'resources'));
}

function validateContainers(errs: Errs, containers: Container[] | undefined, path: string, volumes: ReadonlySet<string>): void {
  if (!containers || containers.length === 0) {
    errs.push(required(path));
    return;
  }
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const p = index(path, i);
    validateContainer(errs, c, p, volumes);
    if (names.has(c.name)) errs.push(duplicate(child(p, 'name'), goString(c.name)));
    names.add(c.name);
    for (const hook of ['postStart', 'preStop'] as const) {
      const h = c.lifecycle?.[hook];
      if (h) validateHandler(errs, h, child(child(p, 'lifecycle'), hook));
    }
    validateProbe(errs, c.livenessProbe, child(p, 'livenessProbe'), 'liveness');
    validateProbe(errs, c.readinessProbe, child(p, 'readinessProbe'), 'readiness');
    validateProbe(errs, c.startupProbe, child(p, 'startupProbe'), 'startup');
    if (c.restartPolicy !== undefined) errs.push(forbidden(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
  });
}

function validateInitContainers(errs: Errs, containers: Container[] | undefined, others: Container[] | undefined, path: string, volumes: ReadonlySet<string>): void {
  const names = new Set((others ?? []).map((c) => c.name));
  (containers ?? []).forEach((c, i) => {
    const p = index(path, i);
    validateContainer(errs, c, p, volumes);
    if (names.has(c.name)) errs.push(duplicate(child(p, 'name'), goString(c.name)));
    names.add(c.name);
    if (c.restartPolicy !== undefined && c.restartPolicy !== 'Always') {
      errs.push(notSupported(child(p, 'restartPolicy'), goString(c.restartPolicy), ['Always']));
    }
  });
}

const VOLUME_SOURCES = ['hostPath', 'emptyDir', 'secret', 'persistentVolumeClaim', 'configMap', 'downwardAPI', 'projected'] as const;

function validateVolumes(errs: Errs, volumes: Volume[] | undefined, path: string): Set<string> {
  const names = new Set<string>();
  (volumes ?? []).forEach((v, i) => {
    const p = index(path, i);
    if (!v.name) errs.push(required(child(p, 'name')));
    else for (const m of isDns1123Label(v.name)) errs.push(invalidValue(child(p, 'name'), goString(v.name), m));
    if (v.name && names.has(v.name)) errs.push(duplicate(child(p, 'name'), goString(v.name)));
    if (v.name) names.add(v.name);
    const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined);
    if (sources.length === 0) errs.push(required(p, 'must specify a volume type'));
    for (const s of sources.slice(1)) errs.push(forbidden(child(p, s), 'may not specify more than 1 volume type'));
    if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName) errs.push(required(child(p, 'persistentVolumeClaim.claimName')));
    if (v.configMap && !v.configMap.name) errs.push(required(child(p, 'configMap.name')));
    if (v.secret && !v.secret.secretName) errs.push(required(child(p, 'secret.secretName')));
    if (v.hostPath && !v.hostPath.path) errs.push(required(child(p, 'hostPath.path')));
  });
  return names;
}

function validateTolerations(errs: Errs, tolerations: Toleration[] | undefined, path: string): void {
  (tolerations ?? []).forEach((t, i) => {
    const p = index(path, i);
    if (t.key) for (const m of isQualifiedName(t.key)) errs.push(invalidValue(child(p, 'key'), goString(t.key), m));
    if (!t.key && t.operator !== 'Exists') {
      errs.push(invalidValue(child(p, 'operator'), goString(t.operator ?? ''), 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      errs.push(invalidValue(child(p, 'effect'), goString(t.effect ?? ''), "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (t.operator ?? '') {
      case 'Equal':
      case '': {
        const msgs = isValidLabelValue(t.value ?? '');
        if (msgs.length > 0) errs.push(invalidValue(child(p, 'operator'), goString(t.value ?? ''), msgs.join(';')));
        break;
      }
      case 'Exists':
        if (t.value) errs.push(invalidValue(child(p, 'operator'), goToleration(t), "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(notSupported(child(p, 'operator'), goString(String(t.operator)), ['Equal', 'Exists']));
    }
    if (t.effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) {
      errs.push(notSupported(child(p, 'effect'), goString(t.effect), ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    }
  });
}

function goToleration(t: Toleration): string {
  const secs = t.tolerationSeconds === undefined ? '(*int64)(nil)' : `(*int64)(${t.tolerationSeconds})`;
  return `core.Toleration{Key:${goString(t.key ?? '')}, Operator:${goString(t.operator ?? '')}, Value:${goString(t.value ?? '')}, Effect:${goString(t.effect ?? '')}, TolerationSeconds:${secs}}`;
}

const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const MAX_INT32 = 2147483647;

/**
 * Pod specs that validated clean, with the path they were validated at: a ReplicaSet or Deployment written again
 * keeps its template's spec (the same object), and its validation gives the same answer. Only filled and read for
 * objects that never change afterwards (see validate's `immutable`).
 */
const cleanSpecs = new WeakMap<PodSpec, string>();
let immutableInput = false;

/** ValidatePodSpec (the parts the simulator's types carry). */
function validatePodSpec(errs: Errs, spec: PodSpec | undefined, path: string): void {
  if (immutableInput && spec && cleanSpecs.get(spec) === path) return;
  const before = errs.length;
  validatePodSpecFields(errs, spec, path);
  if (immutableInput && spec && errs.length === before) cleanSpecs.set(spec, path);
}

function validatePodSpecFields(errs: Errs, spec: PodSpec | undefined, path: string): void {
  const s = spec ?? ({} as PodSpec);
  const volumes = validateVolumes(errs, s.volumes, child(path, 'volumes'));
  validateContainers(errs, s.containers, child(path, 'containers'), volumes);
  validateInitContainers(errs, s.initContainers, s.containers, child(path, 'initContainers'), volumes);
  const rp = s.restartPolicy;
  if (!rp) errs.push(required(child(path, 'restartPolicy')));
  else if (!['Always', 'OnFailure', 'Never'].includes(rp)) errs.push(notSupported(child(path, 'restartPolicy'), goString(rp), ['Always', 'OnFailure', 'Never']));
  if (!s.dnsPolicy) errs.push(required(child(path, 'dnsPolicy')));
  else if (!DNS_POLICIES.includes(s.dnsPolicy)) errs.push(notSupported(child(path, 'dnsPolicy'), goString(s.dnsPolicy), DNS_POLICIES));
  validateLabels(errs, s.nodeSelector, child(path, 'nodeSelector'));
  if (s.serviceAccountName) for (const m of isDns1123Subdomain(s.serviceAccountName)) errs.push(invalidValue(child(path, 'serviceAccountName'), goString(s.serviceAccountName), m));
  if (s.nodeName) for (const m of isDns1123Subdomain(s.nodeName)) errs.push(invalidValue(child(path, 'nodeName'), goString(s.nodeName), m));
  const ads = s.activeDeadlineSeconds;
  if (ads !== undefined && (ads < 1 || ads > MAX_INT32)) {
    errs.push(invalidValue(child(path, 'activeDeadlineSeconds'), String(ads), `must be between 1 and ${MAX_INT32}, inclusive`));
  }
  if (s.hostname) for (const m of isDns1123Label(s.hostname)) errs.push(invalidValue(child(path, 'hostname'), goString(s.hostname), m));
  if (s.subdomain) for (const m of isDns1123Label(s.subdomain)) errs.push(invalidValue(child(path, 'subdomain'), goString(s.subdomain), m));
  validateTolerations(errs, s.tolerations, child(path, 'tolerations'));
}

/** ValidatePodTemplateSpec: note the labels path is `<template>.labels`, not `.metadata.labels`. */
function validatePodTemplate(errs: Errs, t: PodTemplateSpec | undefined, path: string): void {
  validateLabels(errs, t?.metadata?.labels, child(path, 'labels'));
  validateAnnotations(errs, t?.metadata?.annotations, child(path, 'annotations'));
  validatePodSpec(errs, t?.spec, child(path, 'spec'));
}

/** The template rules shared by ReplicaSets, Deployments and DaemonSets. */
function validateAlwaysRestartTemplate(errs: Errs, t: PodTemplateSpec | undefined, path: string, kind: string): void {
  validatePodTemplate(errs, t, path);
  const rp = t?.spec?.restartPolicy;
  if (rp !== 'Always') errs.push(notSupported(child(path, 'spec.restartPolicy'), goString(rp ?? ''), ['Always']));
  if (t?.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(forbidden(child(path, 'spec.activeDeadlineSeconds'), `activeDeadlineSeconds in ${kind} is not Supported`));
  }
}

const UPDATABLE_POD_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
].join(',');

/** A short stand-in for go-cmp's diff of the two PodSpecs that the real message appends. */
function podSpecDiff(oldSpec: PodSpec, newSpec: PodSpec): string {
  const a = oldSpec as unknown as Record<string, unknown>;
  const b = newSpec as unknown as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const lines = ['  core.PodSpec{'];
  let same = 0;
  for (const k of keys) {
    if (sameJson(a[k], b[k])) {
      same++;
      continue;
    }
    if (same > 0) lines.push(`  \t... // ${same} identical fields`);
    same = 0;
    const name = k[0]!.toUpperCase() + k.slice(1);
    if (a[k] !== undefined) lines.push(`- \t${name}: ${JSON.stringify(a[k])},`);
    if (b[k] !== undefined) lines.push(`+ \t${name}: ${JSON.stringify(b[k])},`);
  }
  if (same > 0) lines.push(`  \t... // ${same} identical fields`);
  lines.push('  }');
  return lines.join('\n');
}

function validatePodUpdate(errs: Errs, pod: Pod, old: Pod): void {
  const spec = pod.spec ?? ({} as PodSpec);
  const oldSpec = old.spec ?? ({} as PodSpec);
  for (const key of ['containers', 'initContainers'] as const) {
    const next = spec[key] ?? [];
    const prev = oldSpec[key] ?? [];
    if (next.length !== prev.length) {
      errs.push(forbidden(`spec.${key}`, 'pod updates may not add or remove containers'));
      return;
    }
  }
  const newAds = spec.activeDeadlineSeconds;
  const oldAds = oldSpec.activeDeadlineSeconds;
  if (newAds !== undefined) {
    if (newAds < 0 || newAds > MAX_INT32) {
      errs.push(invalidValue('spec.activeDeadlineSeconds', String(newAds), `must be between 0 and ${MAX_INT32}, inclusive`));
      return;
    }
    if (oldAds !== undefined && oldAds < newAds) {
      errs.push(invalidValue('spec.activeDeadlineSeconds', String(newAds), 'must be less than or equal to previous value'));
      return;
    }
  } else if (oldAds !== undefined) {
    errs.push(invalidValue('spec.activeDeadlineSeconds', 'null', 'must not update from a positive integer to nil value'));
  }
  const newTols = spec.tolerations ?? [];
  for (const t of oldSpec.tolerations ?? []) {
    if (!newTols.some((n) => sameJson({ ...t, tolerationSeconds: n.tolerationSeconds }, n))) {
      errs.push(forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
      break;
    }
  }
  if (sameJson(spec, oldSpec)) return;
  const munged: PodSpec = {
    ...spec,
    containers: (spec.containers ?? []).map((c, i) => ({ ...c, image: oldSpec.containers[i]?.image })),
    activeDeadlineSeconds: oldSpec.activeDeadlineSeconds,
    tolerations: oldSpec.tolerations,
    // The simulator binds pods by setting spec.nodeName once (the real scheduler uses the binding subresource).
    nodeName: oldSpec.nodeName ? spec.nodeName : oldSpec.nodeName,
  };
  if (spec.initContainers) munged.initContainers = spec.initContainers.map((c, i) => ({ ...c, image: oldSpec.initContainers?.[i]?.image }));
  if (!sameJson(munged, oldSpec)) {
    errs.push(forbidden('spec', `pod updates may not change fields other than ${UPDATABLE_POD_FIELDS}\n${podSpecDiff(oldSpec, munged)}`));
  }
}

function validatePod(errs: Errs, pod: Pod, old?: Pod): void {
  validateMeta(errs, pod.metadata, isDns1123Subdomain);
  validatePodSpec(errs, pod.spec, 'spec');
  if (old) validatePodUpdate(errs, pod, old);
}

// ---------- apps/v1 ----------

function validateImmutableSelector(errs: Errs, next: LabelSelector | undefined, prev: LabelSelector | undefined): void {
  if (!sameJson(next, prev)) errs.push(invalidValue('spec.selector', goLabelSelector(next), IMMUTABLE));
}

/** ValidatePodTemplateSpecForReplicaSet, after the selector checks. */
function validateReplicaTemplate(errs: Errs, selectorOk: boolean, matches: (l: Labels | undefined) => boolean, selector: LabelSelector | undefined, t: PodTemplateSpec | undefined, kind: string): void {
  if (!selectorOk) {
    errs.push(invalidValue('spec.selector', goLabelSelector(selector), 'invalid label selector'));
    return;
  }
  if (!matches(t?.metadata?.labels)) errs.push(templateLabelsMismatch(t, 'spec.template'));
  validateAlwaysRestartTemplate(errs, t, 'spec.template', kind);
}

function validateDeploymentStrategy(errs: Errs, strategy: Deployment['spec']['strategy']): void {
  const s = strategy ?? {};
  switch (s.type) {
    case 'Recreate':
      if (s.rollingUpdate) errs.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
      return;
    case 'RollingUpdate': {
      const ru = s.rollingUpdate;
      if (!ru) {
        errs.push(required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil'));
        return;
      }
      validatePositiveIntOrPercent(errs, ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable');
      validatePositiveIntOrPercent(errs, ru.maxSurge, 'spec.strategy.rollingUpdate.maxSurge');
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(invalidValue('spec.strategy.rollingUpdate.maxUnavailable', goIntOrString(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
      }
      notMoreThan100Percent(errs, ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable');
      return;
    }
    default: {
      const ru = s.rollingUpdate ? '(*apps.RollingUpdateDeployment)(0xc000010000)' : '(*apps.RollingUpdateDeployment)(nil)';
      errs.push(notSupported('spec.strategy', `apps.DeploymentStrategy{Type:${goString(String(s.type ?? ''))}, RollingUpdate:${ru}}`, ['Recreate', 'RollingUpdate']));
    }
  }
}

function validateDeployment(errs: Errs, d: Deployment, old?: Deployment): void {
  validateMeta(errs, d.metadata, isDns1123Subdomain);
  const spec = d.spec ?? ({} as Deployment['spec']);
  nonNegative(errs, 'spec.replicas', spec.replicas);
  const sel = validateWorkloadSelector(errs, spec.selector, 'empty selector is invalid for deployment');
  validateReplicaTemplate(errs, sel.ok, sel.matches, spec.selector, spec.template, 'ReplicaSet');
  validateDeploymentStrategy(errs, spec.strategy);
  nonNegative(errs, 'spec.minReadySeconds', spec.minReadySeconds);
  nonNegative(errs, 'spec.revisionHistoryLimit', spec.revisionHistoryLimit);
  const pds = spec.progressDeadlineSeconds;
  if (pds !== undefined) {
    nonNegative(errs, 'spec.progressDeadlineSeconds', pds);
    if (pds <= (spec.minReadySeconds ?? 0)) errs.push(invalidValue('spec.progressDeadlineSeconds', String(pds), 'must be greater than minReadySeconds'));
  }
  if (old) validateImmutableSelector(errs, spec.selector, old.spec?.selector);
}

function validateReplicaSet(errs: Errs, rs: ReplicaSet, old?: ReplicaSet): void {
  validateMeta(errs, rs.metadata, isDns1123Subdomain);
  const spec = rs.spec ?? ({} as ReplicaSet['spec']);
  nonNegative(errs, 'spec.replicas', spec.replicas);
  nonNegative(errs, 'spec.minReadySeconds', spec.minReadySeconds);
  // Sic: the API server says "deployment" for ReplicaSets too.
  const sel = validateWorkloadSelector(errs, spec.selector, 'empty selector is invalid for deployment');
  validateReplicaTemplate(errs, sel.ok, sel.matches, spec.selector, spec.template, 'ReplicaSet');
  if (old) validateImmutableSelector(errs, spec.selector, old.spec?.selector);
}

function validateStatefulSet(errs: Errs, sts: StatefulSet, old?: StatefulSet): void {
  // On update the name is not re-validated (older StatefulSets may have subdomain names).
  if (!old) validateMeta(errs, sts.metadata, isDns1123Label);
  else {
    validateLabels(errs, sts.metadata?.labels, 'metadata.labels');
    validateAnnotations(errs, sts.metadata?.annotations, 'metadata.annotations');
  }
  const spec = sts.spec ?? ({} as StatefulSet['spec']);
  const pmp = spec.podManagementPolicy;
  if (!pmp) errs.push(required('spec.podManagementPolicy'));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(invalidValue('spec.podManagementPolicy', goString(pmp), "must be 'OrderedReady' or 'Parallel'"));
  validateStatefulSetStrategy(errs, spec.updateStrategy);
  const retention = spec.persistentVolumeClaimRetentionPolicy;
  if (retention) {
    for (const f of ['whenDeleted', 'whenScaled'] as const) {
      const v = retention[f] ?? '';
      if (v !== 'Retain' && v !== 'Delete') errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${f}`, goString(v), ['Retain', 'Delete']));
    }
  }
  nonNegative(errs, 'spec.replicas', spec.replicas);
  nonNegative(errs, 'spec.minReadySeconds', spec.minReadySeconds);
  if (spec.ordinals) nonNegative(errs, 'spec.ordinals.start', spec.ordinals.start ?? 0);
  const sel = validateWorkloadSelector(errs, spec.selector, 'empty selector is invalid for statefulset');
  const t = spec.template;
  if (!sel.ok) errs.push(invalidValue('spec.selector', goLabelSelector(spec.selector), ''));
  else {
    if (!sel.matches(t?.metadata?.labels)) errs.push(templateLabelsMismatch(t, 'spec.template'));
    // The real API server validates only a StatefulSet template's labels and annotations (a long-standing TODO).
    validateLabels(errs, t?.metadata?.labels, 'spec.template.labels');
    validateAnnotations(errs, t?.metadata?.annotations, 'spec.template.annotations');
  }
  const rp = t?.spec?.restartPolicy;
  if (rp !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', goString(rp ?? ''), ['Always']));
  if (t?.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in StatefulSet is not Supported'));
  }
  if (old) {
    const mutable = ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy'] as const;
    const strip = (s: StatefulSet['spec'] | undefined): Record<string, unknown> => {
      const copy: Record<string, unknown> = { ...(s ?? {}) };
      for (const k of mutable) delete copy[k];
      return copy;
    };
    if (!sameJson(strip(spec), strip(old.spec))) {
      errs.push(forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
    }
  }
}

function validateStatefulSetStrategy(errs: Errs, us: StatefulSet['spec']['updateStrategy']): void {
  const s = us ?? {};
  switch (s.type) {
    case undefined:
      errs.push(required('spec.updateStrategy'));
      return;
    case 'OnDelete':
      if (s.rollingUpdate) errs.push(invalidValue('spec.updateStrategy.rollingUpdate', goRollingUpdateSts(s.rollingUpdate), "only allowed for updateStrategy 'RollingUpdate'"));
      return;
    case 'RollingUpdate': {
      const ru = s.rollingUpdate;
      if (!ru) return;
      nonNegative(errs, 'spec.updateStrategy.rollingUpdate.partition', ru.partition ?? 0);
      if (ru.maxUnavailable !== undefined) {
        const p = 'spec.updateStrategy.rollingUpdate.maxUnavailable';
        validatePositiveIntOrPercent(errs, ru.maxUnavailable, p);
        if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(invalidValue(p, goIntOrString(ru.maxUnavailable), 'cannot be 0'));
        notMoreThan100Percent(errs, ru.maxUnavailable, p);
      }
      return;
    }
    default:
      errs.push(invalidValue('spec.updateStrategy', `apps.StatefulSetUpdateStrategy{Type:${goString(String(s.type))}, RollingUpdate:${s.rollingUpdate ? '(*apps.RollingUpdateStatefulSetStrategy)(0xc000010000)' : '(*apps.RollingUpdateStatefulSetStrategy)(nil)'}}`, "must be 'RollingUpdate' or 'OnDelete'"));
  }
}

function goRollingUpdateSts(ru: { partition?: number; maxUnavailable?: IntOrString }): string {
  const mu = ru.maxUnavailable === undefined ? '(*intstr.IntOrString)(nil)' : '(*intstr.IntOrString)(0xc000010000)';
  return `apps.RollingUpdateStatefulSetStrategy{Partition:${ru.partition ?? 0}, MaxUnavailable:${mu}}`;
}

function validateDaemonSet(errs: Errs, ds: DaemonSet, old?: DaemonSet): void {
  validateMeta(errs, ds.metadata, isDns1123Subdomain);
  const spec = ds.spec ?? ({} as DaemonSet['spec']);
  const t = spec.template;
  // Unlike the others, a DaemonSet's missing selector is not "Required" here; it simply matches nothing.
  const ok = spec.selector ? validateSelector(errs, spec.selector, 'spec.selector') : true;
  if (ok && !(spec.selector && (selectorIsEmpty(spec.selector) || selectorMatches(spec.selector, t?.metadata?.labels)))) {
    errs.push(templateLabelsMismatch(t, 'spec.template'));
  }
  if (spec.selector && selectorIsEmpty(spec.selector)) errs.push(invalidValue('spec.selector', goLabelSelector(spec.selector), 'empty selector is invalid for daemonset'));
  validateAlwaysRestartTemplate(errs, t, 'spec.template', 'DaemonSet');
  nonNegative(errs, 'spec.minReadySeconds', spec.minReadySeconds);
  validateDaemonSetStrategy(errs, spec.updateStrategy);
  nonNegative(errs, 'spec.revisionHistoryLimit', spec.revisionHistoryLimit);
  if (old) validateImmutableSelector(errs, spec.selector, old.spec?.selector);
}

function validateDaemonSetStrategy(errs: Errs, us: DaemonSet['spec']['updateStrategy']): void {
  const s = us ?? {};
  if (s.type === 'OnDelete') return;
  if (s.type !== 'RollingUpdate') {
    const ru = s.rollingUpdate ? '(*apps.RollingUpdateDaemonSet)(0xc000010000)' : '(*apps.RollingUpdateDaemonSet)(nil)';
    errs.push(notSupported('spec.updateStrategy', `apps.DaemonSetUpdateStrategy{Type:${goString(String(s.type ?? ''))}, RollingUpdate:${ru}}`, ['RollingUpdate', 'OnDelete']));
    return;
  }
  const ru = s.rollingUpdate;
  if (!ru) {
    errs.push(required('spec.updateStrategy.rollingUpdate'));
    return;
  }
  const p = 'spec.updateStrategy.rollingUpdate';
  validatePositiveIntOrPercent(errs, ru.maxUnavailable, `${p}.maxUnavailable`);
  validatePositiveIntOrPercent(errs, ru.maxSurge, `${p}.maxSurge`);
  notMoreThan100Percent(errs, ru.maxUnavailable, `${p}.maxUnavailable`);
  notMoreThan100Percent(errs, ru.maxSurge, `${p}.maxSurge`);
  const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
  const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
  if (hasUnavailable && hasSurge) errs.push(invalidValue(`${p}.maxSurge`, goIntOrString(ru.maxSurge), 'may not be set when maxUnavailable is non-zero'));
  else if (!hasUnavailable && !hasSurge) errs.push(required(`${p}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
}

// ---------- batch/v1 ----------

/** validateJobSpec: the parts shared by Jobs and CronJob job templates. */
function validateJobSpecCommon(errs: Errs, spec: JobSpec, path: string): void {
  nonNegative(errs, child(path, 'parallelism'), spec.parallelism);
  nonNegative(errs, child(path, 'completions'), spec.completions);
  nonNegative(errs, child(path, 'activeDeadlineSeconds'), spec.activeDeadlineSeconds);
  nonNegative(errs, child(path, 'backoffLimit'), spec.backoffLimit);
  nonNegative(errs, child(path, 'ttlSecondsAfterFinished'), spec.ttlSecondsAfterFinished);
  const mode = spec.completionMode;
  if (mode !== undefined) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(notSupported(child(path, 'completionMode'), goString(mode), ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') {
      if (spec.completions === undefined) errs.push(required(child(path, 'completions'), 'when completion mode is Indexed'));
      if (spec.parallelism !== undefined && spec.parallelism > 100000) {
        errs.push(invalidValue(child(path, 'parallelism'), String(spec.parallelism), 'must be less than or equal to 100000 when completion mode is Indexed'));
      }
    }
  }
  const tp = child(path, 'template');
  validatePodTemplate(errs, spec.template, tp);
  const rp = spec.template?.spec?.restartPolicy;
  if (rp !== 'OnFailure' && rp !== 'Never') errs.push(notSupported(child(tp, 'spec.restartPolicy'), goString(rp ?? ''), ['OnFailure', 'Never']));
}

function validateJob(errs: Errs, job: Job, old?: Job): void {
  validateMeta(errs, job.metadata, isDns1123Subdomain);
  const spec = job.spec ?? ({} as JobSpec);
  validateJobSpecCommon(errs, spec, 'spec');
  // Without manualSelector the store generates the selector (see jobSelectorAndLabels) after validation.
  const generated = spec.manualSelector !== true && !spec.selector;
  if (!generated) {
    if (!spec.selector) errs.push(required('spec.selector'));
    else validateSelector(errs, spec.selector, 'spec.selector');
    if (!spec.selector || !selectorMatches(spec.selector, spec.template?.metadata?.labels)) errs.push(templateLabelsMismatch(spec.template, 'spec.template'));
  }
  if (old) validateJobUpdate(errs, job, old);
}

function validateJobUpdate(errs: Errs, job: Job, old: Job): void {
  const spec = job.spec ?? ({} as JobSpec);
  const prev = old.spec ?? ({} as JobSpec);
  const elastic = spec.completionMode === 'Indexed' && spec.completions === spec.parallelism;
  if (!elastic && spec.completions !== prev.completions) errs.push(invalidValue('spec.completions', spec.completions === undefined ? 'null' : String(spec.completions), IMMUTABLE));
  if (!sameJson(spec.selector, prev.selector)) errs.push(invalidValue('spec.selector', goLabelSelector(spec.selector), IMMUTABLE));
  let oldTemplate = prev.template;
  // A suspended Job that never started may change its scheduling directives.
  if (prev.suspend === true && !old.status?.startTime && oldTemplate) {
    const t = spec.template;
    const aff = oldTemplate.spec?.affinity ? { ...oldTemplate.spec.affinity, nodeAffinity: t?.spec?.affinity?.nodeAffinity } : t?.spec?.affinity;
    oldTemplate = {
      ...oldTemplate,
      metadata: { ...oldTemplate.metadata, labels: t?.metadata?.labels, annotations: t?.metadata?.annotations },
      spec: { ...oldTemplate.spec, nodeSelector: t?.spec?.nodeSelector, tolerations: t?.spec?.tolerations, affinity: aff },
    };
  }
  if (!sameJson(spec.template, oldTemplate)) errs.push(invalidValue('spec.template', goPodTemplate(spec.template), IMMUTABLE));
  if (spec.completionMode !== prev.completionMode) errs.push(invalidValue('spec.completionMode', goString(spec.completionMode ?? ''), IMMUTABLE));
}

/** Go prints the whole internal struct here; this keeps its opening so the message reads the same. */
function goPodTemplate(t: PodTemplateSpec | undefined): string {
  const labels = goStringMap(t?.metadata?.labels);
  return `core.PodTemplateSpec{ObjectMeta:v1.ObjectMeta{Name:"", GenerateName:"", Namespace:"", Labels:${labels}, ...}, Spec:core.PodSpec{...}}`;
}

const CRON_FIELDS = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'], first: 1 },
  { min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], first: 0 },
] as const;
const CRON_MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`failed to parse int from ${s}: strconv.Atoi: parsing ${goString(s)}: invalid syntax`);
  const n = Number(s);
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${s}`);
  return n;
}

function cronRange(expr: string, f: (typeof CRON_FIELDS)[number]): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  const names: readonly string[] | undefined = 'names' in f ? f.names : undefined;
  const intOrName = (s: string): number => {
    const i = names?.indexOf(s.toLowerCase()) ?? -1;
    return i >= 0 ? i + ('first' in f ? f.first : 0) : atoi(s);
  };
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = f.min;
    end = f.max;
  } else {
    start = intOrName(lowAndHigh[0]!);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = intOrName(lowAndHigh[1]!);
    else throw new Error(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = atoi(rangeAndStep[1]!);
    if (lowAndHigh.length === 1) end = f.max;
  } else if (rangeAndStep.length > 2) throw new Error(`too many slashes: ${expr}`);
  if (start < f.min) throw new Error(`beginning of range (${start}) below minimum (${f.min}): ${expr}`);
  if (end > f.max) throw new Error(`end of range (${end}) above maximum (${f.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
}

/** robfig/cron's ParseStandard, returning its error text (or undefined when the schedule parses). */
export function cronScheduleError(schedule: string): string | undefined {
  let spec = schedule;
  if (spec.length === 0) return 'empty spec string';
  try {
    if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
      const space = spec.indexOf(' ');
      const zone = spec.slice(spec.indexOf('=') + 1, space < 0 ? undefined : space);
      if (!isTimeZone(zone)) return `provided bad location ${zone}: unknown time zone ${zone}`;
      spec = space < 0 ? '' : spec.slice(space).trim();
    }
    if (spec.startsWith('@')) {
      if (CRON_MACROS.has(spec)) return undefined;
      if (spec.startsWith('@every ')) {
        const d = spec.slice(7);
        return /^([0-9]*(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$/.test(d) && /[0-9]/.test(d) ? undefined : `failed to parse duration ${spec}: time: invalid duration ${goString(d)}`;
      }
      return `unrecognized descriptor: ${spec}`;
    }
    const fields = spec.split(/\s+/).filter(Boolean);
    if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
    fields.forEach((field, i) => {
      for (const expr of field.split(',').filter(Boolean)) cronRange(expr, CRON_FIELDS[i]!);
    });
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function isTimeZone(zone: string): boolean {
  if (zone === 'UTC' || zone === 'Local') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function validateTimeZone(errs: Errs, tz: string | undefined): void {
  if (tz === undefined) return;
  const p = 'spec.timeZone';
  if (tz === '') {
    errs.push(invalidValue(p, goString(tz), 'timeZone must be nil or non-empty string'));
    return;
  }
  for (const part of tz.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !/^[A-Za-z.\-_0-9+]{1,14}$/.test(part)) {
      errs.push(invalidValue(p, goString(tz), `unknown time zone ${tz}`));
      return;
    }
  }
  if (tz.toLowerCase() === 'local') errs.push(invalidValue(p, goString(tz), 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  else if (!isTimeZone(tz)) errs.push(invalidValue(p, goString(tz), `unknown time zone ${tz}`));
}

function validateCronJob(errs: Errs, cj: CronJob, old?: CronJob): void {
  validateMeta(errs, cj.metadata, isDns1123Subdomain);
  const spec = cj.spec ?? ({} as CronJob['spec']);
  if (!spec.schedule) errs.push(required('spec.schedule'));
  else {
    const parseError = cronScheduleError(spec.schedule);
    if (parseError) errs.push(invalidValue('spec.schedule', goString(spec.schedule), parseError));
    const allowTZ = old !== undefined && (old.spec?.schedule ?? '').includes('TZ');
    if (allowTZ && spec.schedule.includes('TZ') && spec.timeZone !== undefined) {
      errs.push(invalidValue('spec.schedule', goString(spec.schedule), 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    } else if (!allowTZ && spec.schedule.includes('TZ')) {
      errs.push(invalidValue('spec.schedule', goString(spec.schedule), 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    }
  }
  nonNegative(errs, 'spec.startingDeadlineSeconds', spec.startingDeadlineSeconds);
  if (!old || old.spec?.timeZone !== spec.timeZone) validateTimeZone(errs, spec.timeZone);
  const cp = spec.concurrencyPolicy;
  if (!cp) errs.push(required('spec.concurrencyPolicy'));
  else if (!['Allow', 'Forbid', 'Replace'].includes(cp)) errs.push(notSupported('spec.concurrencyPolicy', goString(cp), ['Allow', 'Forbid', 'Replace']));
  const jt = spec.jobTemplate?.spec ?? ({} as JobSpec);
  validateJobSpecCommon(errs, jt, 'spec.jobTemplate.spec');
  if (jt.selector) errs.push(invalidValue('spec.jobTemplate.spec.selector', goLabelSelector(jt.selector), '`selector` will be auto-generated'));
  if (jt.manualSelector === true) errs.push(notSupported('spec.jobTemplate.spec.manualSelector', 'true', ['nil', 'false']));
  nonNegative(errs, 'spec.successfulJobsHistoryLimit', spec.successfulJobsHistoryLimit);
  nonNegative(errs, 'spec.failedJobsHistoryLimit', spec.failedJobsHistoryLimit);
  // The controller appends an 11-character `-<minutes>` suffix and Job names must fit in 63.
  const name = cj.metadata?.name ?? '';
  if (!old && name.length > 52) errs.push(invalidValue('metadata.name', goString(name), 'must be no more than 52 characters'));
}

// ---------- core/v1: services, storage, config ----------

const NODE_PORT_RANGE = { min: 30000, max: 32767 };

function goServicePortKey(p: ServicePort): string {
  return `core.ServicePort{Name:"", Protocol:${goString(p.protocol ?? '')}, AppProtocol:(*string)(nil), Port:${p.port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
}

function clusterIPs(spec: Service['spec']): string[] {
  if (spec.clusterIPs && spec.clusterIPs.length > 0) return spec.clusterIPs;
  return spec.clusterIP ? [spec.clusterIP] : [];
}

function validateService(errs: Errs, svc: Service, old?: Service): void {
  validateMeta(errs, svc.metadata, isDns1035Label);
  const spec = svc.spec ?? ({} as Service['spec']);
  const ports = spec.ports ?? [];
  const ips = clusterIPs(spec);
  const headless = ips[0] === 'None';
  if (ports.length === 0 && !headless && spec.type !== 'ExternalName') errs.push(required('spec.ports'));
  if (spec.type === 'LoadBalancer' || spec.type === 'NodePort') {
    if (spec.type === 'LoadBalancer') {
      ports.forEach((p, i) => {
        if (p.port === 10250) errs.push(invalidValue(index('spec.ports', i), String(p.port), 'may not expose port 10250 externally since it is used by kubelet'));
      });
    }
    if (headless) errs.push(invalidValue('spec.clusterIPs[0]', goString('None'), `may not be set to 'None' for ${spec.type} services`));
  } else if (spec.type === 'ExternalName') {
    if (ips.length > 0) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    const cname = (spec.externalName ?? '').replace(/\.$/, '');
    if (!cname) errs.push(required('spec.externalName'));
    else for (const m of isDns1123Subdomain(cname)) errs.push(invalidValue('spec.externalName', goString(cname), m));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => validateServicePort(errs, p, ports.length > 1, names, index('spec.ports', i)));
  if (spec.selector) validateLabels(errs, spec.selector, 'spec.selector');
  const sa = spec.sessionAffinity;
  if (!sa) errs.push(required('spec.sessionAffinity'));
  else if (sa !== 'ClientIP' && sa !== 'None') errs.push(notSupported('spec.sessionAffinity', goString(sa), ['ClientIP', 'None']));
  const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
  if (!spec.type) errs.push(required('spec.type'));
  else if (!types.includes(spec.type)) errs.push(notSupported('spec.type', goString(spec.type), types));
  if (spec.type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (p.nodePort) errs.push(forbidden(`${index('spec.ports', i)}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const seenNodePorts = new Set<string>();
  const seenPorts = new Set<string>();
  ports.forEach((p, i) => {
    if (p.nodePort) {
      const key = `${p.protocol}/${p.nodePort}`;
      if (seenNodePorts.has(key)) errs.push(duplicate(`${index('spec.ports', i)}.nodePort`, String(p.nodePort)));
      seenNodePorts.add(key);
    }
    const key = `${p.protocol}/${p.port}`;
    if (seenPorts.has(key)) errs.push(duplicate(index('spec.ports', i), goServicePortKey(p)));
    seenPorts.add(key);
  });
  // The NodePort allocator's check (registry), reported after validation proper.
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    ports.forEach((p, i) => {
      if (p.nodePort && (p.nodePort < NODE_PORT_RANGE.min || p.nodePort > NODE_PORT_RANGE.max)) {
        errs.push(invalidValue(`${index('spec.ports', i)}.nodePort`, String(p.nodePort), `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`));
      }
    });
  }
  if (old) {
    const prev = clusterIPs(old.spec ?? ({} as Service['spec']));
    const externalName = spec.type === 'ExternalName' || old.spec?.type === 'ExternalName';
    if (!externalName && ips.length > 0 && prev.length > 0 && ips[0] !== prev[0]) {
      errs.push(invalidValue('spec.clusterIPs[0]', goStringSlice(ips), 'may not change once set'));
    }
  }
}

function validateServicePort(errs: Errs, p: ServicePort, requireName: boolean, names: Set<string>, path: string): void {
  if (requireName && !p.name) errs.push(required(child(path, 'name')));
  else if (p.name) {
    for (const m of isDns1123Label(p.name)) errs.push(invalidValue(child(path, 'name'), goString(p.name), m));
    if (names.has(p.name)) errs.push(duplicate(child(path, 'name'), goString(p.name)));
    names.add(p.name);
  }
  for (const m of isValidPortNum(p.port)) errs.push(invalidValue(child(path, 'port'), String(p.port ?? 0), m));
  if (!p.protocol) errs.push(required(child(path, 'protocol')));
  else if (!['SCTP', 'TCP', 'UDP'].includes(p.protocol)) errs.push(notSupported(child(path, 'protocol'), goString(p.protocol), ['SCTP', 'TCP', 'UDP']));
  validatePortNumOrName(errs, p.targetPort, child(path, 'targetPort'));
}

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

function validateAccessModes(errs: Errs, modes: readonly string[] | undefined, path: string, requiredDetail?: string): void {
  if (!modes || modes.length === 0) errs.push(required(path, requiredDetail));
  for (const m of modes ?? []) if (!ACCESS_MODES.includes(m)) errs.push(notSupported(path, goString(m), ACCESS_MODES));
}

function validatePositiveQuantity(errs: Errs, q: unknown, path: string): void {
  const parsed = parseQuantityField(errs, q, path);
  if (parsed && parsed.mantissa <= 0n) errs.push(invalidValue(path, goString(formatQuantity(parsed)), 'must be greater than zero'));
}

function validatePersistentVolume(errs: Errs, pv: PersistentVolume): void {
  validateMeta(errs, pv.metadata, isDns1123Subdomain);
  const spec = pv.spec ?? ({} as PersistentVolume['spec']);
  validateAccessModes(errs, spec.accessModes, 'spec.accessModes');
  const capacity = spec.capacity ?? {};
  const keys = Object.keys(capacity);
  if (keys.length === 0) errs.push(required('spec.capacity'));
  if (capacity.storage === undefined || keys.length > 1) errs.push(notSupported('spec.capacity', goResourceList(spec.capacity), ['storage']));
  for (const k of keys.sort()) validatePositiveQuantity(errs, capacity[k], index('spec.capacity', k));
  const rp = spec.persistentVolumeReclaimPolicy;
  if (rp && !['Delete', 'Recycle', 'Retain'].includes(rp)) errs.push(notSupported('spec.persistentVolumeReclaimPolicy', goString(rp), ['Delete', 'Recycle', 'Retain']));
  const sources = (['hostPath', 'local', 'nfs', 'csi'] as const).filter((s) => spec[s] !== undefined);
  if (sources.length === 0) errs.push(required('spec', 'must specify a volume type'));
  for (const s of sources.slice(1)) errs.push(forbidden(`spec.${s}`, 'may not specify more than 1 volume type'));
  if (spec.volumeMode && spec.volumeMode !== 'Block' && spec.volumeMode !== 'Filesystem') {
    errs.push(notSupported('spec.volumeMode', goString(spec.volumeMode), ['Block', 'Filesystem']));
  }
}

function goResourceList(list: ResourceList | undefined): string {
  if (!list) return 'core.ResourceList(nil)';
  return `core.ResourceList{${Object.keys(list).sort().map((k) => `${goString(k)}:resource.Quantity{...}`).join(', ')}}`;
}

function validateClaimSpec(errs: Errs, spec: PersistentVolumeClaimSpec, path: string): void {
  validateAccessModes(errs, spec.accessModes, child(path, 'accessModes'), 'at least 1 access mode is required');
  if (spec.selector) validateSelector(errs, spec.selector, child(path, 'selector'));
  const storagePath = index(child(path, 'resources'), 'storage');
  const storage = spec.resources?.requests?.storage;
  if (storage === undefined) errs.push(required(storagePath));
  else validatePositiveQuantity(errs, storage, storagePath);
  if (spec.storageClassName) for (const m of isDns1123Subdomain(spec.storageClassName)) errs.push(invalidValue(child(path, 'storageClassName'), goString(spec.storageClassName), m));
  if (spec.volumeMode && spec.volumeMode !== 'Block' && spec.volumeMode !== 'Filesystem') {
    errs.push(notSupported(child(path, 'volumeMode'), goString(spec.volumeMode), ['Block', 'Filesystem']));
  }
}

function validatePersistentVolumeClaim(errs: Errs, pvc: PersistentVolumeClaim, old?: PersistentVolumeClaim): void {
  validateMeta(errs, pvc.metadata, isDns1123Subdomain);
  const spec = pvc.spec ?? {};
  validateClaimSpec(errs, spec, 'spec');
  if (!old) return;
  const prev = old.spec ?? {};
  // The volume binder may set volumeName once; storage requests may change (expansion); a claim without a class
  // may get one (the default class, assigned retroactively); the rest is fixed.
  const strip = (s: PersistentVolumeClaimSpec, volumeName: string | undefined): unknown => ({
    ...s,
    volumeName,
    storageClassName: prev.storageClassName === undefined ? undefined : s.storageClassName,
    resources: { ...(s.resources ?? {}), requests: undefined },
  });
  const volumeName = prev.volumeName ? spec.volumeName : undefined;
  if (!sameJson(strip(spec, volumeName), strip(prev, prev.volumeName ? prev.volumeName : undefined))) {
    errs.push(forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
}

function validateConfigData(errs: Errs, data: Record<string, string> | undefined, binary: Record<string, string> | undefined): void {
  for (const k of sortedKeys(data)) for (const m of isConfigMapKey(k)) errs.push(invalidValue(index('data', k), goString(k), m));
  for (const k of sortedKeys(binary)) {
    for (const m of isConfigMapKey(k)) errs.push(invalidValue(index('binaryData', k), goString(k), m));
    if (data && k in data) errs.push(invalidValue(index('data', k), goString(k), 'duplicate of key present in binaryData'));
  }
}

function validateImmutableData(errs: Errs, obj: ConfigMap | Secret, old: ConfigMap | Secret | undefined, fields: readonly ('data' | 'binaryData')[]): void {
  if (old?.immutable !== true) return;
  if (obj.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of fields) {
    const next = (obj as ConfigMap)[f];
    const prev = (old as ConfigMap)[f];
    if (!sameJson(next, prev)) errs.push(forbidden(f, 'field is immutable when `immutable` is set'));
  }
}

function validateConfigMap(errs: Errs, cm: ConfigMap, old?: ConfigMap): void {
  validateMeta(errs, cm.metadata, isDns1123Subdomain);
  validateConfigData(errs, cm.data, cm.binaryData);
  validateImmutableData(errs, cm, old, ['data', 'binaryData']);
}

function validateSecret(errs: Errs, s: Secret, old?: Secret): void {
  validateMeta(errs, s.metadata, isDns1123Subdomain);
  validateConfigData(errs, s.data, undefined);
  validateImmutableData(errs, s, old, ['data']);
  if (old && (s.type ?? '') !== (old.type ?? '')) errs.push(invalidValue('type', goString(s.type ?? ''), IMMUTABLE));
}

function validateNode(errs: Errs, n: Node): void {
  validateMeta(errs, n.metadata, isDns1123Subdomain);
  (n.spec?.taints ?? []).forEach((t, i) => {
    const p = index('spec.taints', i);
    if (!t.key) errs.push(required(child(p, 'key')));
    else for (const m of isQualifiedName(t.key)) errs.push(invalidValue(child(p, 'key'), goString(t.key), m));
    if (t.value) for (const m of isValidLabelValue(t.value)) errs.push(invalidValue(child(p, 'value'), goString(t.value), m));
    if (!t.effect) errs.push(required(child(p, 'effect')));
    else if (!['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) {
      errs.push(notSupported(child(p, 'effect'), goString(t.effect), ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    }
  });
}

// ---------- entry points ----------

/**
 * Validates a defaulted object as the API server would on create (no `old`) or update (`old` = the stored object).
 * Returns the field errors in the API server's order; empty when the object is valid. `immutable`: no part of the
 * object changes afterwards (the API server's own copies and stored parts), so clean pod specs may be remembered.
 */
export function validate(obj: AnyObject, old?: AnyObject, options: { immutable?: boolean } = {}): FieldError[] {
  immutableInput = options.immutable === true;
  try {
    return validateKind(obj, old);
  } finally {
    immutableInput = false;
  }
}

function validateKind(obj: AnyObject, old?: AnyObject): FieldError[] {
  const errs: Errs = [];
  const prev = old && old.kind === obj.kind ? old : undefined;
  switch (obj.kind) {
    case 'Pod':
      validatePod(errs, obj, prev as Pod | undefined);
      break;
    case 'Deployment':
      validateDeployment(errs, obj, prev as Deployment | undefined);
      break;
    case 'ReplicaSet':
      validateReplicaSet(errs, obj, prev as ReplicaSet | undefined);
      break;
    case 'StatefulSet':
      validateStatefulSet(errs, obj, prev as StatefulSet | undefined);
      break;
    case 'DaemonSet':
      validateDaemonSet(errs, obj, prev as DaemonSet | undefined);
      break;
    case 'Job':
      validateJob(errs, obj, prev as Job | undefined);
      break;
    case 'CronJob':
      validateCronJob(errs, obj, prev as CronJob | undefined);
      break;
    case 'Service':
      validateService(errs, obj, prev as Service | undefined);
      break;
    case 'PersistentVolume':
      validatePersistentVolume(errs, obj);
      break;
    case 'PersistentVolumeClaim':
      validatePersistentVolumeClaim(errs, obj, prev as PersistentVolumeClaim | undefined);
      break;
    case 'ConfigMap':
      validateConfigMap(errs, obj, prev as ConfigMap | undefined);
      break;
    case 'Secret':
      validateSecret(errs, obj, prev as Secret | undefined);
      break;
    case 'Namespace':
      validateMeta(errs, (obj as Namespace).metadata, isDns1123Label);
      break;
    case 'Node':
      validateNode(errs, obj);
      break;
    case 'ControllerRevision':
      validateMeta(errs, obj.metadata, isDns1123Subdomain);
      if (obj.data === undefined) errs.push(required('data', 'data is mandatory'));
      nonNegative(errs, 'revision', obj.revision);
      if (prev && !sameJson(obj.data, (prev as typeof obj).data)) errs.push(invalidValue('data', 'runtime.RawExtension{...}', IMMUTABLE));
      break;
    default:
      validateMeta(errs, (obj as KubeObject).metadata, isDns1123Subdomain);
  }
  return errs;
}

const DECODE_MESSAGES = new Set([QUANTITY_FORMAT_MESSAGE, QUANTITY_NUMERIC_MESSAGE, QUANTITY_SUFFIX_MESSAGE]);

/**
 * The error the API server returns for these field errors: 422 `Deployment.apps "web" is invalid: ...`.
 * A malformed quantity never reaches validation on a real server: decoding fails first with 400
 * `Deployment in version "v1" cannot be handled as a Deployment: quantities must match ...`, so that is returned instead.
 */
export function validationError(obj: AnyObject, errors: readonly FieldError[]): ApiError {
  const decode = errors.find((e) => e.detail !== undefined && DECODE_MESSAGES.has(e.detail));
  if (decode) {
    const version = (obj.apiVersion ?? '').split('/').pop() ?? '';
    return new ApiError('BadRequest', `${obj.kind} in version ${goString(version)} cannot be handled as a ${obj.kind}: ${decode.detail}`, errors);
  }
  const info = kindInfo(obj.kind);
  return invalid(info ? qualifiedKind(info) : obj.kind, obj.metadata?.name ?? '', errors);
}
