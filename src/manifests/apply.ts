/**
 * `kubectl apply` per file, with pruning: each file owns the objects it declared; a file that has any error
 * changes nothing until it is valid again; an object declared by two files belongs to the first.
 */
import { kindInfo, qualifiedKind } from '../engine/api/kinds.js';
import type { AnyObject, KindName } from '../engine/api/types.js';
import type { ClusterClient } from '../engine/client.js';
import { withDefaults } from '../engine/api/defaults.js';
import { validate, validationError } from '../engine/api/validation.js';
import { ApiError, formatFieldError } from '../engine/errors.js';
import { isWithin } from './fileNames.js';
import { ManifestSet } from './manifestSet.js';
import { deepEqual, lastAppliedOf, threeWayMerge, withLastApplied } from './merge.js';
import { inApplyOrder, keyString, normalizeObject, refOf, type ObjectKey } from './objects.js';
import { positionOf, type ManifestDocument, type ManifestError } from './parse.js';

export type ApplyAction = 'created' | 'configured' | 'unchanged' | 'pruned';

export interface ApplyResult {
  file: string;
  applied: { ref: string; action: ApplyAction }[];
  errors: ManifestError[];
}

/** One file's new content (documents plus the errors reading it gave), or its removal. */
export type FileChange =
  | { file: string; documents: readonly ManifestDocument[]; errors?: readonly ManifestError[] }
  | { file: string; removed: true };

export interface ApplierOptions {
  /** Where namespaced objects without a namespace go (default `default`). */
  defaultNamespace?: string;
  /** Namespaces never deleted by a prune, even when a file declared them. */
  protectedNamespaces?: readonly string[];
}

interface Declared {
  key: string;
  objectKey: ObjectKey;
  object: AnyObject;
  doc: ManifestDocument;
  /** What creating it sends, made once for the dry-run validation and the write (neither changes it). */
  createBody?: AnyObject;
}

interface FileState {
  /** key -> object key, in apply order. */
  objects: Map<string, ObjectKey>;
}

type Undo = () => void;

const SYSTEM_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

export class Applier {
  /** Where each applied object is declared (file, line). */
  readonly manifests: ManifestSet;
  private readonly defaultNamespace: string;
  private readonly protectedNamespaces: ReadonlySet<string>;
  private readonly files = new Map<string, FileState>();
  private readonly owners = new Map<string, string>();
  /** Files refused because another file owns one of their objects, kept to retry when that changes. */
  private readonly blocked = new Map<string, readonly ManifestDocument[]>();

  constructor(
    private readonly client: ClusterClient,
    options: ApplierOptions = {},
  ) {
    this.defaultNamespace = options.defaultNamespace ?? 'default';
    this.protectedNamespaces = new Set(options.protectedNamespaces ?? SYSTEM_NAMESPACES);
    this.manifests = new ManifestSet(this.defaultNamespace);
  }

  applyFile(file: string, documents: readonly ManifestDocument[], errors: readonly ManifestError[] = []): ApplyResult {
    return this.resultFor(file, this.applyBatch([{ file, documents, errors }]));
  }

  removeFile(file: string): ApplyResult {
    return this.resultFor(file, this.applyBatch([{ file, removed: true }]));
  }

  /**
   * Makes the tracked files match `files` exactly: each is applied, and every tracked file not among them
   * (and inside one of `scope`, when given: folders or files) is removed.
   */
  syncFolder(files: readonly { file: string; documents: readonly ManifestDocument[]; errors?: readonly ManifestError[] }[], scope?: readonly string[]): ApplyResult[] {
    const present = new Set(files.map((f) => f.file));
    const inScope = (file: string) => !scope || scope.some((s) => isWithin(file, s));
    const removed = this.trackedFiles().filter((f) => !present.has(f) && inScope(f));
    return this.applyBatch([...files, ...removed.map((file) => ({ file, removed: true as const }))]);
  }

  /**
   * Applies several file changes as one step. Objects moving from one file to another in the same step are
   * handed over instead of being deleted and created again.
   */
  applyBatch(changes: readonly FileChange[]): ApplyResult[] {
    const claims = new Map<string, Set<string>>();
    for (const c of changes) {
      if ('removed' in c || (c.errors?.length ?? 0) > 0) continue;
      for (const d of this.declare(c.documents)) {
        if (!claims.has(d.key)) claims.set(d.key, new Set());
        claims.get(d.key)!.add(c.file);
      }
    }
    const claimsInBatch = new Map(changes.filter((c) => !('removed' in c) && !(c.errors?.length)).map((c) => [c.file, c]));
    const results = new Map<string, ApplyResult>();
    for (const c of changes) {
      const stillDeclares = (owner: string, key: string): boolean => {
        const pending = claimsInBatch.get(owner);
        if (pending && !('removed' in pending)) return claims.get(key)?.has(owner) ?? false;
        if (changes.some((x) => x.file === owner && 'removed' in x)) return false;
        return this.files.get(owner)?.objects.has(key) ?? false;
      };
      const isClaimedElsewhere = (key: string, file: string): boolean =>
        [...(claims.get(key) ?? [])].some((f) => f !== file) ||
        [...this.blocked].some(([f, docs]) => f !== file && this.declare(docs).some((d) => d.key === key));
      const result =
        'removed' in c
          ? this.remove(c.file, isClaimedElsewhere)
          : this.apply(c.file, c.documents, c.errors ?? [], stillDeclares, isClaimedElsewhere);
      results.set(c.file, result);
    }
    for (const result of this.retryBlocked()) results.set(result.file, result);
    return [...results.values()];
  }

  /** Files with objects currently applied, sorted. */
  trackedFiles(): string[] {
    return [...this.files.keys()].sort();
  }

  /** kubectl refs (`deployment.apps/web`) of the objects a file has applied. */
  objectsOf(file: string): string[] {
    return [...(this.files.get(file)?.objects.values() ?? [])].map(refOf);
  }

  ownerOf(kind: string, namespace: string | undefined, name: string): string | undefined {
    const info = kindInfo(kind);
    if (!info) return undefined;
    return this.owners.get(keyString({ kind: info.kind, namespace: info.namespaced ? namespace || this.defaultNamespace : undefined, name }));
  }

  // ---------- internals ----------

  private resultFor(file: string, results: ApplyResult[]): ApplyResult {
    return results.find((r) => r.file === file) ?? { file, applied: [], errors: [] };
  }

  private declare(documents: readonly ManifestDocument[]): Declared[] {
    const out: Declared[] = [];
    for (const doc of documents) {
      const object = normalizeObject(doc.object, this.defaultNamespace);
      const info = kindInfo(object.kind);
      if (!info || !object.metadata.name) continue;
      const objectKey: ObjectKey = { kind: info.kind, namespace: object.metadata.namespace, name: object.metadata.name };
      out.push({ key: keyString(objectKey), objectKey, object, doc });
    }
    return out;
  }

  private retryBlocked(): ApplyResult[] {
    const results: ApplyResult[] = [];
    for (let progress = true; progress; ) {
      progress = false;
      for (const [file, documents] of [...this.blocked]) {
        const free = this.declare(documents).every((d) => {
          const owner = this.owners.get(d.key);
          return owner === undefined || owner === file;
        });
        if (!free) continue;
        const result = this.apply(file, documents, [], () => false, () => false);
        results.push(result);
        if (result.errors.length === 0) progress = true;
      }
    }
    return results;
  }

  private apply(
    file: string,
    documents: readonly ManifestDocument[],
    readErrors: readonly ManifestError[],
    ownerStillDeclares: (owner: string, key: string) => boolean,
    claimedElsewhere: (key: string, file: string) => boolean,
  ): ApplyResult {
    const result: ApplyResult = { file, applied: [], errors: [] };
    if (readErrors.length > 0) {
      this.blocked.delete(file);
      result.errors.push(...readErrors);
      return result;
    }

    const declared = this.declare(documents);
    const seen = new Map<string, Declared>();
    let conflict = false;
    for (const d of declared) {
      const twin = seen.get(d.key);
      if (twin) {
        result.errors.push({
          file,
          line: d.doc.line,
          column: d.doc.column,
          message: `${refOf(d.objectKey)}${nsText(d.objectKey)} is declared twice in "${file}" (lines ${twin.doc.line} and ${d.doc.line})`,
        });
        continue;
      }
      seen.set(d.key, d);
      const owner = this.owners.get(d.key);
      if (owner !== undefined && owner !== file && ownerStillDeclares(owner, d.key)) {
        conflict = true;
        result.errors.push({
          file,
          line: d.doc.line,
          column: d.doc.column,
          message: `${refOf(d.objectKey)}${nsText(d.objectKey)} is already applied from "${owner}"; its declaration in "${file}" is ignored until one of the two files drops it`,
        });
      }
    }
    if (result.errors.length > 0) {
      if (conflict) this.blocked.set(file, documents);
      return result;
    }
    this.blocked.delete(file);

    const ordered = inApplyOrder(declared, (d) => d.object.kind);
    result.errors.push(...this.checkNamespaces(file, ordered));
    if (result.errors.length > 0) return result;

    // Nothing is written until every object passes the API server's validation: a file whose last object is invalid
    // must not update the first ones even for a moment (a Service's selector emptied, a rollout started and undone).
    const invalidObjects = this.validateAll(file, ordered);
    if (invalidObjects.length > 0) return { file, applied: [], errors: invalidObjects };

    const undo: Undo[] = [];
    for (const d of ordered) {
      const failed = this.applyObject(file, d, result, undo);
      if (failed.length > 0) {
        for (const u of undo.reverse()) u();
        return { file, applied: [], errors: failed };
      }
    }

    const previous = this.files.get(file)?.objects ?? new Map<string, ObjectKey>();
    const next = new Map(ordered.map((d) => [d.key, d.objectKey]));
    this.prune(file, [...previous].filter(([key]) => !next.has(key)), result, claimedElsewhere);
    for (const key of previous.keys()) if (!next.has(key) && this.owners.get(key) === file) this.owners.delete(key);
    for (const key of next.keys()) this.owners.set(key, file);
    this.files.set(file, { objects: next });
    this.manifests.setFile(file, ordered.map((d) => d.doc));
    return result;
  }

  private remove(file: string, claimedElsewhere: (key: string, file: string) => boolean): ApplyResult {
    const result: ApplyResult = { file, applied: [], errors: [] };
    this.blocked.delete(file);
    const state = this.files.get(file);
    if (!state) return result;
    this.prune(file, [...state.objects], result, claimedElsewhere);
    for (const key of state.objects.keys()) if (this.owners.get(key) === file) this.owners.delete(key);
    this.files.delete(file);
    this.manifests.removeFile(file);
    return result;
  }

  private prune(file: string, gone: [string, ObjectKey][], result: ApplyResult, claimedElsewhere: (key: string, file: string) => boolean): void {
    for (const [key, k] of inApplyOrder(gone, ([, k]) => k.kind).reverse()) {
      if (this.owners.get(key) !== file) continue;
      if (claimedElsewhere(key, file)) continue; // handed over to the file that declares it now
      if (k.kind === 'Namespace' && this.protectedNamespaces.has(k.name)) continue;
      try {
        if (this.client.get(k.kind, k.namespace, k.name)) {
          this.client.delete(k.kind, k.namespace, k.name);
          result.applied.push({ ref: refOf(k), action: 'pruned' });
        }
      } catch (err) {
        if (err instanceof ApiError && err.reason === 'NotFound') continue;
        result.errors.push({ file, message: `error when deleting ${refOf(k)}${nsText(k)} (pruned from "${file}"): ${messageOf(err)}` });
      }
    }
  }

  /** A namespaced object needs its namespace to exist already or to be declared in the same file. */
  private checkNamespaces(file: string, declared: readonly Declared[]): ManifestError[] {
    const declaredNs = new Set(declared.filter((d) => d.object.kind === 'Namespace').map((d) => d.objectKey.name));
    const errors: ManifestError[] = [];
    for (const d of declared) {
      const ns = d.objectKey.namespace;
      if (ns === undefined || declaredNs.has(ns)) continue;
      const live = this.client.get('Namespace', undefined, ns);
      if (live && !live.metadata.deletionTimestamp) continue;
      const verb = this.client.get(d.objectKey.kind, ns, d.objectKey.name) ? 'patching' : 'creating';
      const reason = live
        ? `unable to create new content in namespace ${ns} because it is being terminated`
        : `namespaces "${ns}" not found`;
      const pos = positionOf(d.doc, d.doc.object.metadata?.namespace ? 'metadata.namespace' : undefined);
      errors.push({ file, ...pos, ...(d.doc.object.metadata?.namespace ? { field: 'metadata.namespace' } : {}), message: `error when ${verb} "${file}": ${reason}` });
    }
    return errors;
  }

  /**
   * The API server's defaulting and validation of what `applyObject` would send, without sending it (the client-side
   * part of a dry run). Admission (allocated ports and IPs) is only checked by the write itself, which undoes the file
   * if it fails.
   */
  private validateAll(file: string, declared: readonly Declared[]): ManifestError[] {
    const errors: ManifestError[] = [];
    for (const d of declared) {
      const { kind, namespace, name } = d.objectKey;
      const live = this.client.get(kind as KindName, namespace, name) as AnyObject | undefined;
      let candidate: AnyObject;
      if (live) {
        const merged = threeWayMerge(lastAppliedOf(live), d.object, live);
        if (deepEqual(merged, live)) continue;
        const { uid, creationTimestamp, generation, resourceVersion } = live.metadata;
        candidate = { ...merged, metadata: { ...merged.metadata, name, ...(namespace ? { namespace } : {}), uid, creationTimestamp, generation, resourceVersion } } as AnyObject;
      } else {
        candidate = createBody(d);
      }
      const defaulted = withDefaults(candidate);
      const fieldErrors = validate(defaulted, live);
      if (fieldErrors.length > 0) errors.push(...errorRecords(file, d, live ? 'patching' : 'creating', validationError(defaulted, fieldErrors)));
    }
    return errors;
  }

  /** Creates or three-way-merges one object; returns its errors (none on success) and records how to undo it. */
  private applyObject(file: string, d: Declared, result: ApplyResult, undo: Undo[]): ManifestError[] {
    const { kind, namespace, name } = d.objectKey;
    const live = this.client.get(kind as KindName, namespace, name) as AnyObject | undefined;
    const ref = refOf(d.objectKey);
    if (!live) {
      try {
        this.client.create(createBody(d));
      } catch (err) {
        return errorRecords(file, d, 'creating', err);
      }
      undo.push(() => this.quietly(() => this.client.delete(kind, namespace, name)));
      result.applied.push({ ref, action: 'created' });
      return [];
    }
    const merged = threeWayMerge(lastAppliedOf(live), d.object, live);
    if (deepEqual(merged, live)) {
      result.applied.push({ ref, action: 'unchanged' });
      return [];
    }
    try {
      this.client.update(merged);
    } catch (err) {
      return errorRecords(file, d, 'patching', err);
    }
    undo.push(() =>
      this.quietly(() => {
        const now = this.client.get(kind, namespace, name);
        if (now) this.client.update({ ...live, metadata: { ...live.metadata, resourceVersion: now.metadata.resourceVersion } });
      }),
    );
    result.applied.push({ ref, action: 'configured' });
    return [];
  }

  private quietly(fn: () => void): void {
    try {
      fn();
    } catch {
      // best effort: an undo that fails leaves the object as the partial apply left it
    }
  }
}

function createBody(d: Declared): AnyObject {
  return (d.createBody ??= withLastApplied(d.object));
}

function nsText(k: ObjectKey): string {
  return k.namespace ? ` in namespace "${k.namespace}"` : '';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** kubectl's wording (`error when creating "f": Deployment.apps "web" is invalid: ...`), one record per field error. */
function errorRecords(file: string, d: Declared, verb: 'creating' | 'patching', err: unknown): ManifestError[] {
  const prefix = `error when ${verb} "${file}": `;
  if (err instanceof ApiError && err.fieldErrors.length > 0) {
    const info = kindInfo(d.object.kind);
    const subject = info ? `${qualifiedKind(info)} "${d.objectKey.name}" is invalid: ` : '';
    return err.fieldErrors.map((fe) => ({
      file,
      ...positionOf(d.doc, fe.field),
      field: fe.field,
      message: prefix + subject + formatFieldError(fe),
    }));
  }
  return [{ file, line: d.doc.line, column: d.doc.column, message: prefix + messageOf(err) }];
}
