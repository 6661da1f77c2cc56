/**
 * ControllerRevisions, shared by the StatefulSet and DaemonSet controllers (pkg/controller/history): the revision's
 * data is the patch `{"spec":{"template":{..., "$patch":"replace"}}}` serialized as Go's encoding/json does (keys
 * sorted), its name `<owner>-<hash>`, revision numbers that only grow, and history-limit cleanup.
 */
import type { Labels } from '../api/meta.js';
import type { ControllerRevision, PodTemplateSpec } from '../api/types.js';
import type { ObjectStore } from '../store/objectStore.js';
import { controllerRef } from './podState.js';

export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';
/** history.ControllerRevisionHashLabel, set on StatefulSet revisions. */
export const HISTORY_HASH_LABEL = 'controller.kubernetes.io/hash';

export interface RevisionOwner {
  apiVersion: string;
  kind: 'StatefulSet' | 'DaemonSet';
  metadata: { name?: string; namespace?: string; uid?: string; annotations?: Record<string, string> };
  spec: { template: PodTemplateSpec };
}

// ---------- Go's JSON and hashes ----------

/** encoding/json of a value that went through map[string]interface{}: keys sorted, HTML characters escaped. */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${goJson(k)}:${goJson(v)}`).join(',')}}`;
}

/** FNV-1 32-bit (Go's fnv.New32), over the UTF-8 bytes of `text`. */
export function fnv32(text: string, variant: '1' | '1a' = '1'): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    if (variant === '1') h = Math.imul(h, 0x01000193) ^ byte;
    else h = Math.imul(h ^ byte, 0x01000193);
    h >>>= 0;
  }
  return h >>> 0;
}

const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** k8s.io/apimachinery/pkg/util/rand.SafeEncodeString: each character mapped into an alphabet without vowels. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHANUMS[s.charCodeAt(i) % SAFE_ALPHANUMS.length];
  return out;
}

/**
 * The template as the API serializes it inside a revision: Go always writes `metadata.creationTimestamp: null` and
 * each container's `resources: {}` (struct fields, never omitted).
 */
function goTemplate(template: PodTemplateSpec): Record<string, unknown> {
  const withResources = (cs: PodTemplateSpec['spec']['containers'] | undefined) => cs?.map((c) => ({ ...c, resources: c.resources ?? {} }));
  const spec = { ...template.spec, containers: withResources(template.spec.containers) ?? [] };
  if (template.spec.initContainers) spec.initContainers = withResources(template.spec.initContainers);
  return { metadata: { ...(template.metadata ?? {}), creationTimestamp: null }, spec };
}

/** getPatch: the revision's data. */
export function revisionData(template: PodTemplateSpec): { spec: { template: Record<string, unknown> } } {
  return { spec: { template: { ...goTemplate(template), $patch: 'replace' } } };
}

/** history.HashControllerRevision: FNV-1 over the data bytes, then the collision count in decimal. */
export function hashRevision(data: unknown, collisionCount: number | undefined): string {
  let text = goJson(data);
  if (collisionCount !== undefined) text += String(collisionCount);
  return safeEncodeString(String(fnv32(text)));
}

/** The DaemonSet's controller.ComputeHash stand-in: FNV-1a over the template and collision count, same alphabet. */
export function hashTemplate(template: PodTemplateSpec, collisionCount: number | undefined): string {
  let text = goJson(goTemplate(template));
  if (collisionCount !== undefined) text += `#${collisionCount}`;
  return safeEncodeString(String(fnv32(text, '1a')));
}

export function controllerRevisionName(owner: string, hash: string): string {
  return `${owner.length > 223 ? owner.slice(0, 223) : owner}-${hash}`;
}

// ---------- reading history ----------

/** The owner's ControllerRevisions, oldest revision first (ties by creation, then name). */
export function ownedRevisions(store: ObjectStore, ownerUid: string): ControllerRevision[] {
  return (store.dependents(ownerUid).filter((o) => o.kind === 'ControllerRevision') as ControllerRevision[]).sort(byRevision);
}

export function byRevision(a: ControllerRevision, b: ControllerRevision): number {
  if (a.revision !== b.revision) return a.revision - b.revision;
  const ca = a.metadata.creationTimestamp ?? '';
  const cb = b.metadata.creationTimestamp ?? '';
  if (ca !== cb) return ca < cb ? -1 : 1;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
}

export function nextRevisionNumber(sorted: readonly ControllerRevision[]): number {
  return (sorted.at(-1)?.revision ?? 0) + 1;
}

/** The pod template a revision records (ApplyRevision). */
export function templateOf(revision: ControllerRevision): PodTemplateSpec | undefined {
  const t = (revision.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template;
  if (!t) return undefined;
  const { $patch: _patch, ...rest } = t;
  const metadata = { ...((rest.metadata as Record<string, unknown> | undefined) ?? {}) };
  delete metadata.creationTimestamp;
  return { ...(rest as unknown as PodTemplateSpec), metadata };
}

export function sameData(a: ControllerRevision, b: { data?: unknown }): boolean {
  return goJson(a.data) === goJson(b.data);
}

/** A new (unsaved) revision for the owner's current template. */
export function newRevision(
  owner: RevisionOwner,
  revision: number,
  hash: (data: unknown) => string,
  labels: Labels,
): ControllerRevision {
  const data = revisionData(owner.spec.template);
  const h = hash(data);
  const annotations = owner.metadata.annotations ? { ...owner.metadata.annotations } : undefined;
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(owner.metadata.name!, h),
      namespace: owner.metadata.namespace,
      labels: { ...labels },
      ...(annotations ? { annotations } : {}),
      ownerReferences: [controllerRef(owner as never)],
    },
    data,
    revision,
  };
}

/**
 * Which revisions to delete, oldest first, to keep the history within `limit`. StatefulSet (truncateHistory) counts only
 * the non-live revisions against the limit; DaemonSet (cleanupHistory) counts every old revision but still never
 * deletes a live one (`countLive`).
 */
export function revisionsToDelete(
  sorted: readonly ControllerRevision[],
  live: ReadonlySet<string>,
  limit: number,
  countLive = false,
): ControllerRevision[] {
  const history = sorted.filter((r) => !live.has(r.metadata.name!));
  const counted = countLive ? sorted.length : history.length;
  const toKill = counted - limit;
  return toKill <= 0 ? [] : history.slice(0, toKill);
}
