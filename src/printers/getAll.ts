/** Printing several kinds at once: `kubectl get all` and `kubectl get deploy,po`. */
import type { KindMap, KindName } from '../engine/api/types.js';
import { buildTable, kindPrefix, type PrintContext } from './printers.js';
import { formatTable, type FormatTableOptions } from './table.js';

/**
 * The kinds of the `all` category in the order kubectl prints them: discovery order, i.e. the core group, then apps,
 * then batch, each alphabetical (so cronjobs come before jobs).
 */
export const GET_ALL_KINDS = ['Pod', 'Service', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet', 'CronJob', 'Job'] as const satisfies readonly KindName[];

export type Section = { [K in KindName]: { kind: K; objects: readonly KindMap[K][] } }[KindName];

export type MultiKindOptions = Omit<FormatTableOptions, 'namePrefix'> & {
  /** Force or suppress the `kind/` name prefix; by default it is used when more than one kind was asked for. */
  withKind?: boolean;
};

/**
 * Each non-empty section as its own table (widths are not shared), a blank line between tables when headers are printed.
 * Returns '' when every section is empty: the caller prints kubectl's "No resources found" message.
 */
export function formatMultiKind(sections: readonly Section[], opts: MultiKindOptions, ctx: PrintContext): string {
  const withKind = opts.withKind ?? sections.length > 1;
  const tables: string[] = [];
  for (const section of sections) {
    if (section.objects.length === 0) continue;
    const table = buildTable(section.kind, section.objects as KindMap[typeof section.kind][], { ...ctx, wide: opts.wide });
    tables.push(formatTable(table, { ...opts, namePrefix: withKind ? kindPrefix(section.kind) : undefined }));
  }
  return tables.join(opts.noHeaders ? '' : '\n');
}
