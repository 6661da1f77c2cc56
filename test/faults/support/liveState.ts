/**
 * Everything a user can see in the cluster, minus the parts that move by themselves (status, resourceVersion,
 * Events). A reload that applies nothing must leave two snapshots equal.
 */
import { KINDS } from '../../../src/engine/api/kinds.js';
import type { AnyObject, KindName } from '../../../src/engine/api/types.js';
import type { ClusterClient } from '../../../src/engine/client.js';

export type Snapshot = Map<string, string>;

/** `Kind/namespace/name` -> the object without status and resourceVersion, as JSON. */
export function snapshot(client: ClusterClient): Snapshot {
  const out: Snapshot = new Map();
  for (const info of KINDS) {
    if (info.kind === 'Event') continue;
    for (const o of client.list(info.kind as KindName) as AnyObject[]) {
      out.set(`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, stable(o));
    }
  }
  return out;
}

function stable(o: AnyObject): string {
  const { status: _status, ...rest } = o as AnyObject & { status?: unknown };
  const { resourceVersion: _rv, ...meta } = rest.metadata;
  return JSON.stringify({ ...rest, metadata: meta });
}

/** The keys whose objects differ between two snapshots (added, removed or changed), each with a short reason. */
export function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  const out: string[] = [];
  for (const k of [...keys].sort()) {
    const a = before.get(k);
    const b = after.get(k);
    if (a === b) continue;
    out.push(a === undefined ? `${k} appeared` : b === undefined ? `${k} disappeared` : `${k} changed`);
  }
  return out;
}
