/**
 * The panel slot: full-screen views about one object (probes of a pod, a workload's rollout, why a pod is pending)
 * that other modules register. A panel is opened by its keymap action from a list (`p`, `o`, `w` are reserved in
 * keymap.ts), gets the detail keys (scroll, Esc back) plus its own section of the keymap, and draws itself.
 *
 *   registerPanel({ id: 'probes', action: 'probes', title: 'Probes', kinds: ['Pod'], render: ProbesPanel });
 *   registerBindings('probes', { rerun: ['r'] }, { rerun: { hint: 'rerun', help: '...' } });   // its own keys
 */
import type { ReactElement } from 'react';
import type { AnyObject, KindName } from '../engine/api/types.js';
import type { DashboardSource, ObjectRef } from './source.js';

export interface PanelProps {
  source: DashboardSource;
  target: ObjectRef;
  /** The object as it is now (undefined once deleted). */
  object: AnyObject | undefined;
  width: number;
  height: number;
  /** Lines scrolled (the detail keys move it); the panel may ignore it. */
  scroll: number;
  /** The panel's own state (selection...), kept while the panel is open. */
  state: Record<string, unknown>;
  /** Bumped on every frame: a panel that caches must recompute when it changes. */
  version: number;
}

/** What a panel's action handler can do. */
export interface PanelContext {
  source: DashboardSource;
  target: ObjectRef;
  state: Record<string, unknown>;
  toast(text: string, level?: 'info' | 'error'): void;
  /** Asks before running `run` (focus starts on Cancel). */
  confirm(title: string, lines: string[], confirmLabel: string, run: () => string): void;
  back(): void;
}

export interface PanelDef {
  id: string;
  /** The keymap action that opens it (`probes`, `rollout`, `why`). */
  action: string;
  title: string;
  /** Kinds it opens on. */
  kinds: readonly KindName[];
  render(props: PanelProps): ReactElement;
  /** Handles one of the panel's own keymap actions; returns false to let the default handling run. */
  handle?(action: string, ctx: PanelContext): boolean;
}

const PANELS = new Map<string, PanelDef>();

export function registerPanel(panel: PanelDef): void {
  PANELS.set(panel.id, panel);
}

export function panelById(id: string): PanelDef | undefined {
  return PANELS.get(id);
}

/** The panel an action opens for a kind, if one is registered. */
export function panelFor(action: string, kind: KindName): PanelDef | undefined {
  for (const p of PANELS.values()) if (p.action === action && p.kinds.includes(kind)) return p;
  return undefined;
}
