/** Tables the way `kubectl get` prints them. */
import type { KubeObject } from '../engine/api/meta.js';
import { TABLE_TABWRITER, tabwrite } from './tabwriter.js';

export interface Column {
  name: string;
  /** Only shown with `-o wide` (kubectl's priority 1 columns). */
  wide?: boolean;
}

export interface TableRow<T> {
  object: T;
  /** One cell per column, wide columns included. */
  cells: string[];
}

export interface Table<T = KubeObject> {
  columns: Column[];
  rows: TableRow<T>[];
}

export interface FormatTableOptions {
  wide?: boolean;
  noHeaders?: boolean;
  /** `-A`: prepend a NAMESPACE column. */
  namespace?: 'column';
  /** `get all` / `get deploy,po`: name cells become `deployment.apps/web`. */
  namePrefix?: string;
}

/** The columns and cells that are shown for these options, NAMESPACE and name prefix applied. */
export function visibleTable<T extends KubeObject>(table: Table<T>, opts: FormatTableOptions = {}): { header: string[]; rows: string[][] } {
  const keep = table.columns.map((c) => !c.wide || !!opts.wide);
  const nameIndex = table.columns.findIndex((c) => c.name.toUpperCase() === 'NAME');
  const header = table.columns.filter((_, i) => keep[i]).map((c) => c.name.toUpperCase());
  const rows = table.rows.map((row) => {
    const cells = row.cells.map((cell, i) => (i === nameIndex && opts.namePrefix ? `${opts.namePrefix}/${cell}` : cell));
    const shown = cells.filter((_, i) => keep[i]);
    return opts.namespace === 'column' ? [row.object.metadata.namespace ?? '', ...shown] : shown;
  });
  if (opts.namespace === 'column') header.unshift('NAMESPACE');
  return { header, rows };
}

/** The text of `kubectl get` for one kind: tab-aligned, header in upper case, newline-terminated. */
export function formatTable<T extends KubeObject>(table: Table<T>, opts: FormatTableOptions = {}): string {
  const { header, rows } = visibleTable(table, opts);
  const lines = opts.noHeaders ? rows : [header, ...rows];
  if (lines.length === 0) return '';
  return tabwrite(lines.map((cells) => cells.join('\t')).join('\n') + '\n', TABLE_TABWRITER);
}
