/**
 * The dashboard's state and behaviour, outside React: the screen stack (crumbs), overlays (prompts, dialogs, help),
 * toasts, and what every keymap action does. Components read it and draw; one key press is one `press(name)` call.
 */
import type { AnyObject, KindName, Pod } from '../engine/api/types.js';
import type { PropagationPolicy } from '../engine/client.js';
import { describe, printerFor, toYaml } from '../printers/index.js';
import { ACTIONS, buildKeymap, DEFAULT_BINDINGS, type Keymap, type UserKeymap } from './keymap.js';
import { ListModel, isTimeColumn, type ComputedList, type Sort, type SortKey } from './listModel.js';
import { panelById, panelFor, type PanelContext } from './panels.js';
import { errorMessage, refOf, type DashboardSource, type DrainChoice, type DrainTask, type ObjectRef } from './source.js';
import { DashboardStore } from './store.js';
import { podTone, replicaCounts, resolveView, viewById, viewNames, views, type ResourceView, type Scope, type Tone } from './views.js';

export interface ListScreen {
  type: 'list';
  view: string;
  scope?: Scope | undefined;
  filter: string;
  sort?: Sort | undefined;
  /** uid of the selected row. */
  selected?: string | undefined;
  cursor: number;
  top: number;
}

export interface DetailScreen {
  type: 'describe' | 'yaml' | 'logs';
  target: ObjectRef;
  scroll: number;
  /** Logs: stick to the end. */
  follow: boolean;
  container?: string;
}

export interface PanelScreen {
  type: 'panel';
  panel: string;
  target: ObjectRef;
  scroll: number;
  state: Record<string, unknown>;
}

export type Screen = ListScreen | DetailScreen | PanelScreen;

export interface TextPrompt {
  type: 'prompt';
  purpose: 'command' | 'filter' | 'input';
  title: string;
  text: string;
  /** Input prompts: what Enter does with the text. */
  submit?: (text: string) => void;
  historyIndex?: number;
  /** The text is a prefilled value: the first character typed replaces it (as a selected text would). */
  prefilled?: boolean;
}

export interface ConfirmDialog {
  type: 'confirm';
  title: string;
  lines: string[];
  confirmLabel: string;
  /** 0 = Cancel, 1 = the action. */
  focus: 0 | 1;
  choice?: { label: string; options: string[]; index: number };
  run: (choice: string | undefined) => string;
}

export interface DrainDialog {
  type: 'drain';
  node: string;
  options: DrainChoice;
  focus: number;
}

export interface DrainView {
  type: 'drainProgress';
  task: DrainTask;
}

export type Overlay = TextPrompt | ConfirmDialog | DrainDialog | DrainView | { type: 'help' };

export interface Toast {
  text: string;
  level: 'info' | 'error';
  until: number;
}

export interface Size {
  columns: number;
  rows: number;
}

export interface ControllerOptions {
  readonly?: boolean;
  /** Kill pods without asking. */
  yes?: boolean;
  keymap?: UserKeymap | undefined;
  /** Opens $EDITOR on a file at a line; the dashboard is suspended meanwhile. */
  openEditor?: (file: string, line: number) => void | Promise<void>;
  /** Called when the user quits. */
  onQuit?: () => void;
  frameMs?: number;
  wallNow?: () => number;
  view?: string;
  /** Undefined: all namespaces (the default). */
  namespace?: string | undefined;
}

/** Pods per phase, kept from the watch (the header shows them every frame; counting 150,000 pods each time is not free). */
class PodPhaseTally {
  readonly counts = { Running: 0, Pending: 0, Failed: 0 };
  private readonly phases = new Map<string, string>();
  readonly stop: () => void;

  constructor(reader: DashboardSource['reader']) {
    for (const p of reader.list('Pod')) this.set(key(p), phaseOf(p));
    this.stop = reader.watch({ kinds: ['Pod'] }, ({ type, object }) => this.set(key(object), type === 'DELETED' ? undefined : phaseOf(object)));
    function key(o: AnyObject): string {
      return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
    }
  }

  private set(key: string, phase: string | undefined): void {
    const old = this.phases.get(key);
    if (old === phase) return;
    if (old !== undefined) this.bump(old, -1);
    if (phase === undefined) this.phases.delete(key);
    else {
      this.phases.set(key, phase);
      this.bump(phase, 1);
    }
  }

  private bump(phase: string, by: number): void {
    if (phase === 'Running' || phase === 'Pending' || phase === 'Failed') this.counts[phase] += by;
  }
}

const phaseOf = (p: AnyObject): string => (p as Pod).status?.phase ?? 'Pending';

export const MIN_COLUMNS = 80;
export const MIN_ROWS = 20;
const TOAST_MS = 4000;
const MARK_MS = 2500;
const HEADER_LINES = 3;

export interface CellMark {
  mark: '↑' | '↓' | 'Δ';
  until: number;
}

export interface ListRow {
  key: string;
  cells: string[];
  marks: (CellMark | undefined)[];
  tone: Tone;
  selected: boolean;
}

export interface ListFrame {
  view: ResourceView;
  columns: { name: string; width: number }[];
  rows: ListRow[];
  total: number;
  cursor: number;
  error?: string;
}

export interface Summary {
  nodesReady: number;
  nodes: number;
  running: number;
  pending: number;
  failed: number;
  progressing: number;
  stuck: number;
}

const DRAIN_FIELDS = ['ignoreDaemonSets', 'deleteEmptyDirData', 'force', 'gracePeriodSeconds', 'timeoutSeconds'] as const;
export const DRAIN_LABELS: Record<(typeof DRAIN_FIELDS)[number], string> = {
  ignoreDaemonSets: '--ignore-daemonsets',
  deleteEmptyDirData: '--delete-emptydir-data',
  force: '--force',
  gracePeriodSeconds: '--grace-period (s, -1: the pod\'s own)',
  timeoutSeconds: '--timeout (s, 0: wait for ever)',
};

const numberFrom = (cell: string): number | undefined => {
  const m = /^-?\d+(\.\d+)?/.exec(cell);
  return m ? Number(m[0]) : undefined;
};

export class DashboardController {
  readonly store: DashboardStore;
  readonly lists: ListModel;
  screens: Screen[];
  overlay: Overlay | undefined;
  namespace: string | undefined;
  toasts: Toast[] = [];
  drains: DrainTask[] = [];
  history: string[] = [];
  size: Size = { columns: 120, rows: 40 };
  readonly readonly: boolean;
  private readonly yes: boolean;
  private readonly keymaps = new Map<string, Keymap>();
  private readonly wallNow: () => number;
  private readonly seen = new Map<string, { cells: string[]; marks: (CellMark | undefined)[] }>();
  private seenView = '';
  /** Column widths of the current view, by column name. */
  private readonly widths = new Map<string, number>();
  private widthsView: ListScreen | undefined;
  private summaryMemo: { version: number; summary: Omit<Summary, 'running' | 'pending' | 'failed'> } | undefined;
  private podPhases: PodPhaseTally | undefined;
  private frameMemo: { version: number; screen: ListScreen; columns: number; rows: number; frame: ListFrame } | undefined;
  quitting = false;

  constructor(
    readonly source: DashboardSource,
    private readonly options: ControllerOptions = {},
  ) {
    this.readonly = !!options.readonly;
    this.yes = !!options.yes;
    this.wallNow = options.wallNow ?? (() => performance.now());
    this.store = new DashboardStore(source, options.frameMs, this.wallNow);
    this.lists = new ListModel(source);
    this.namespace = options.namespace;
    this.screens = [this.listScreen(options.view ?? 'pods')];
  }

  close(): void {
    this.store.close();
    this.lists.close();
    this.podPhases?.stop();
  }

  // ---------- what is on screen ----------

  get screen(): Screen {
    return this.screens[this.screens.length - 1]!;
  }

  /** The keymap section names of a screen, in order. */
  screenId(screen: Screen = this.screen): string {
    return screen.type === 'list' ? screen.view : screen.type === 'panel' ? screen.panel : screen.type;
  }

  keymap(screen: Screen = this.screen): Keymap {
    const id = this.screenId(screen);
    let km = this.keymaps.get(id);
    if (!km) {
      const sections = ['global', screen.type === 'list' ? 'list' : 'detail', id];
      km = buildKeymap(id, sections, { user: this.options.keymap, readonly: this.readonly });
      this.keymaps.set(id, km);
    }
    return km;
  }

  /** Every section a keymap file may name. */
  static keymapSections(): string[] {
    return [...new Set(['global', 'list', 'detail', 'describe', 'yaml', 'logs', ...views().map((v) => v.id), ...Object.keys(DEFAULT_BINDINGS)])];
  }

  tooSmall(): boolean {
    return this.size.columns < MIN_COLUMNS || this.size.rows < MIN_ROWS;
  }

  bannerLines(): string[] {
    const errors = this.source.manifests?.lastReload()?.errors ?? [];
    if (errors.length === 0) return [];
    // Each error on up to two screen lines: kubectl's validation messages are long and the field comes last.
    const width = Math.max(20, this.size.columns - 2);
    const shown = errors.slice(0, 3).flatMap((e) => {
      const where = e.line !== undefined ? `:${e.line}${e.column !== undefined ? `:${e.column}` : ''}` : '';
      const text = `${relativeFile(e.file, this.source.manifests?.dirs ?? [])}${where}: ${e.message}`;
      return text.length <= width ? [text] : [text.slice(0, width), `  ${text.slice(width, 2 * width - 2)}`];
    });
    const more = errors.length > 3 ? [`... and ${errors.length - 3} more`] : [];
    return [`${errors.length} manifest error${errors.length === 1 ? '' : 's'}: the cluster keeps the last good version until fixed`, ...shown, ...more];
  }

  /** Lines left for the body (table or text) below the header, crumbs, banner and above the footer. */
  bodyHeight(): number {
    const banner = this.bannerLines().length;
    // rows - 1 (Ink repaints the whole screen when a frame reaches the last row), header, crumbs, footer.
    return Math.max(1, this.size.rows - 1 - HEADER_LINES - 1 - (banner > 0 ? banner : 0) - 1);
  }

  summary(): Summary {
    const version = this.store.dataVersion(['Node', 'Deployment', 'StatefulSet', 'DaemonSet']);
    const pods = (this.podPhases ??= new PodPhaseTally(this.source.reader)).counts;
    if (this.summaryMemo?.version !== version) {
      const r = this.source.reader;
      const nodes = r.list('Node');
      const s = { nodes: nodes.length, nodesReady: 0, progressing: 0, stuck: 0 };
      for (const n of nodes) if (n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) s.nodesReady++;
      for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet'] as const) {
        for (const w of r.list(kind)) {
          const st = w.status as { observedGeneration?: number; conditions?: { type: string; status: string }[] } | undefined;
          if (st?.conditions?.some((c) => c.type === 'Progressing' && c.status === 'False')) {
            s.stuck++;
            continue;
          }
          const counts = replicaCounts(w);
          const stale = (st?.observedGeneration ?? 0) < (w.metadata.generation ?? 0);
          if (stale || counts.updated < counts.desired || counts.available < counts.desired) s.progressing++;
        }
      }
      this.summaryMemo = { version, summary: s };
    }
    return { ...this.summaryMemo.summary, running: pods.Running, pending: pods.Pending, failed: pods.Failed };
  }

  hints(): { key: string; hint: string }[] {
    const own = DEFAULT_BINDINGS[this.screenId()] ?? {};
    const hinted = this.keymap().bindings.filter((b) => ACTIONS[b.action]?.hinted);
    // The screen's own actions first: they are what a user came to this view for.
    return [...hinted.filter((b) => b.action in own), ...hinted.filter((b) => !(b.action in own))]
      .map((b) => ({ key: b.keys[0]!, hint: ACTIONS[b.action]!.hint }));
  }

  crumbs(): string[] {
    return this.screens.map((s) => {
      if (s.type === 'list') {
        const v = viewById(s.view)!;
        const ns = s.scope ? s.scope.label : this.isNamespaced(v) ? (this.namespace ?? 'all') : '';
        return `${v.id}${ns ? `(${ns})` : ''}`;
      }
      if (s.type === 'panel') return `${panelById(s.panel)?.title.toLowerCase() ?? s.panel} ${s.target.name}`;
      return `${s.type} ${s.target.name}`;
    });
  }

  isNamespaced(view: ResourceView): boolean {
    return !['Node', 'Namespace', 'PersistentVolume', 'StorageClass'].includes(view.kind);
  }

  visibleToasts(): Toast[] {
    const now = this.wallNow();
    this.toasts = this.toasts.filter((t) => t.until > now);
    return this.toasts.slice(-2);
  }

  // ---------- the list ----------

  private listScreen(view: string, scope?: Scope): ListScreen {
    return { type: 'list', view, scope, filter: '', cursor: 0, top: 0 };
  }

  private computeList(screen: ListScreen) {
    const view = viewById(screen.view)!;
    const kinds: KindName[] = [view.kind];
    return this.lists.compute(
      { view, namespace: screen.scope ? screen.scope.namespace : this.namespace, scope: screen.scope, filter: screen.filter, sort: screen.sort },
      this.store.dataVersion(kinds),
    );
  }

  /** The selected object of a list screen (resolving the cursor against the current rows). */
  selectedObject(screen: Screen = this.screen): AnyObject | undefined {
    if (screen.type !== 'list') return this.source.reader.get(screen.target.kind, screen.target.namespace, screen.target.name) as AnyObject | undefined;
    const list = this.computeList(screen);
    this.syncCursor(screen, list);
    return list.objects[screen.cursor];
  }

  /** Keeps the cursor on the selected object when the rows move (a sort, a change above it). */
  private syncCursor(screen: ListScreen, list: ComputedList): void {
    const { objects } = list;
    if (screen.selected !== undefined && objects[screen.cursor]?.metadata.uid !== screen.selected) {
      const i = this.lists.rowOf(list, screen.selected);
      if (i >= 0) screen.cursor = i;
    }
    screen.cursor = Math.max(0, Math.min(screen.cursor, objects.length - 1));
    screen.selected = objects[screen.cursor]?.metadata.uid;
    const height = this.bodyHeight() - 1;
    if (screen.cursor < screen.top) screen.top = screen.cursor;
    if (screen.cursor >= screen.top + height) screen.top = screen.cursor - height + 1;
    screen.top = Math.max(0, Math.min(screen.top, Math.max(0, objects.length - height)));
  }

  /** The rows on screen; computed once per published version (the crumbs and the table both ask). */
  listFrame(screen: ListScreen): ListFrame {
    const memo = this.frameMemo;
    if (memo && memo.version === this.store.version && memo.screen === screen && memo.columns === this.size.columns && memo.rows === this.size.rows) return memo.frame;
    const frame = this.computeListFrame(screen);
    this.frameMemo = { version: this.store.version, screen, columns: this.size.columns, rows: this.size.rows, frame };
    return frame;
  }

  private computeListFrame(screen: ListScreen): ListFrame {
    const view = viewById(screen.view)!;
    if (this.widthsView !== screen) {
      this.widths.clear();
      this.widthsView = screen;
    }
    const computed = this.computeList(screen);
    const { objects } = computed;
    this.syncCursor(screen, computed);
    const height = this.bodyHeight() - 1;
    const visible = objects.slice(screen.top, screen.top + height);
    const now = this.source.now();
    const showNamespace = this.isNamespaced(view) && (screen.scope ? screen.scope.namespace === undefined : this.namespace === undefined);

    const printerColumns = printerFor(view.kind).columns;
    const extras = view.extraColumns ?? [];
    // Column layout: NAMESPACE, kubectl's narrow columns with extras inserted, then wide columns while they fit.
    type Col = { name: string; get: (o: AnyObject, cells: string[]) => string; width: number; time: boolean };
    const narrow: Col[] = [];
    const wide: Col[] = [];
    printerColumns.forEach((c, i) => {
      const name = c.name.toUpperCase();
      const col: Col = { name, get: (_o, cells) => cells[i] ?? '', width: Math.max(name.length, this.widths.get(name) ?? 0), time: isTimeColumn(name) };
      (c.wide ? wide : narrow).push(col);
    });
    const extraCells = new Map<AnyObject, string[]>();
    const extraOf = (o: AnyObject) => {
      let cells = extraCells.get(o);
      if (!cells) extraCells.set(o, (cells = extras.map((e) => e.cell(o, this.source))));
      return cells;
    };
    extras.forEach((e, i) => {
      const col: Col = { name: e.name, get: (o) => extraOf(o)[i]!, width: e.name.length, time: false };
      const at = e.before ? narrow.findIndex((c) => c.name === e.before) : -1;
      if (at >= 0) narrow.splice(at, 0, col);
      else narrow.push(col);
    });
    if (showNamespace) {
      const nsWidth = Math.max(9, ...visible.map((o) => (o.metadata.namespace ?? '').length));
      narrow.unshift({ name: 'NAMESPACE', get: (o) => o.metadata.namespace ?? '', width: nsWidth, time: false });
    }
    const rowsCells = visible.map((o) => {
      const cells = this.lists.freshCells(view, o, now);
      return [...narrow, ...wide].map((c) => c.get(o, cells));
    });
    const all = [...narrow, ...wide];
    // Widths over the rows seen so far in this view: columns only widen while scrolling (no jitter).
    all.forEach((c, i) => {
      for (const r of rowsCells) c.width = Math.max(c.width, r[i]!.length);
      this.widths.set(c.name, c.width);
    });
    let used = narrow.reduce((n, c) => n + c.width + 2, 0);
    let shownWide = 0;
    for (const c of wide) {
      if (used + c.width + 2 > this.size.columns) break;
      used += c.width + 2;
      shownWide++;
    }
    const count = narrow.length + shownWide;
    const columns = all.slice(0, count).map((c) => ({ name: c.name, width: c.width }));

    if (this.seenView !== screen.view) {
      this.seen.clear();
      this.seenView = screen.view;
    }
    const wall = this.wallNow();
    let marked = false;
    const statusIndex = columns.findIndex((c) => c.name === 'STATUS');
    const rows: ListRow[] = visible.map((o, r) => {
      const cells = rowsCells[r]!.slice(0, count);
      const key = o.metadata.uid ?? `${o.metadata.namespace}/${o.metadata.name}`;
      const before = this.seen.get(key);
      const marks: (CellMark | undefined)[] = cells.map((cell, i) => {
        const old = before?.cells[i];
        const kept = before?.marks[i] && before.marks[i]!.until > wall ? before.marks[i] : undefined;
        if (old === undefined || old === cell || all[i]!.time || stripAgo(old) === stripAgo(cell)) return kept;
        const a = numberFrom(old);
        const b = numberFrom(cell);
        marked = true;
        return { mark: a !== undefined && b !== undefined && a !== b ? (b > a ? '↑' : '↓') : 'Δ', until: wall + MARK_MS };
      });
      this.seen.set(key, { cells, marks });
      let tone: Tone = view.tone?.(o, statusIndex >= 0 ? cells[statusIndex]! : '') ?? 'ok';
      if (o.metadata.deletionTimestamp) tone = 'terminating';
      for (const e of extras) {
        const t = e.tone?.(o, this.source);
        if (t && tone === 'ok') tone = t;
      }
      return { key, cells, marks, tone, selected: screen.top + r === screen.cursor };
    });
    if (marked) this.store.wakeAfter(MARK_MS + 50);
    const frame: ListFrame = { view, columns, rows, total: objects.length, cursor: screen.cursor };
    if (computed.error) frame.error = computed.error;
    return frame;
  }

  // ---------- detail text ----------

  detailLines(screen: DetailScreen): string[] {
    const o = this.source.reader.get(screen.target.kind, screen.target.namespace, screen.target.name) as AnyObject | undefined;
    if (screen.type === 'logs') return this.logLines(screen, o as Pod | undefined);
    if (!o) return [`${screen.target.kind} ${screen.target.name} is gone.`];
    const text = screen.type === 'describe' ? describe(o, this.source.reader, { now: this.source.now() }) : toYaml(o);
    return text.replace(/\n$/, '').split('\n').map(expandTabs);
  }

  private logLines(screen: DetailScreen, pod: Pod | undefined): string[] {
    if (!pod) return [`pod ${screen.target.name} is gone.`];
    const container = screen.container ?? pod.spec.containers[0]!.name;
    const lines = this.source.logs(pod.metadata.namespace ?? 'default', pod.metadata.name ?? '', container);
    if (lines.length === 0) {
      const waiting = pod.status?.containerStatuses?.find((c) => c.name === container)?.state.waiting?.reason;
      return [`(no output yet from container ${container}${waiting ? `: ${waiting}` : ''})`];
    }
    return lines.map((l) => expandTabs(l.text));
  }

  /** The scroll position a detail screen shows now (follow pins logs to the end). */
  detailScroll(screen: DetailScreen | PanelScreen, total: number): number {
    const height = this.bodyHeight();
    const max = Math.max(0, total - height);
    if (screen.type === 'logs' && screen.follow) screen.scroll = max;
    screen.scroll = Math.max(0, Math.min(screen.scroll, max));
    return screen.scroll;
  }

  // ---------- input ----------

  /** One key press (a key name from keys.ts). */
  press(key: string): void {
    try {
      this.dispatch(key);
    } catch (e) {
      this.toast(errorMessage(e), 'error');
    }
    this.store.publish();
  }

  private dispatch(key: string): void {
    if (key === 'ctrl-c') return this.quit();
    if (this.overlay) return this.overlayKey(this.overlay, key);
    if (this.tooSmall() && key !== 'q') return;
    const action = this.keymap().actionFor(key);
    if (action) this.run(action);
  }

  toast(text: string, level: 'info' | 'error' = 'info'): void {
    this.toasts.push({ text, level, until: this.wallNow() + TOAST_MS });
    this.store.wakeAfter(TOAST_MS + 50);
  }

  private act(fn: () => string): void {
    try {
      this.toast(fn());
    } catch (e) {
      this.toast(errorMessage(e), 'error');
    }
  }

  quit(): void {
    if (this.quitting) return;
    this.quitting = true;
    this.options.onQuit?.();
  }

  run(action: string): void {
    const screen = this.screen;
    if (screen.type === 'panel') {
      const panel = panelById(screen.panel);
      if (panel?.handle?.(action, this.panelContext(screen))) return;
    }
    const handler = (this.handlers as Record<string, (() => void) | undefined>)[action];
    if (handler) handler();
  }

  private panelContext(screen: PanelScreen): PanelContext {
    return {
      source: this.source,
      target: screen.target,
      state: screen.state,
      toast: (t, l) => this.toast(t, l),
      confirm: (title, lines, label, run) => this.confirm(title, lines, label, () => run()),
      back: () => this.back(),
    };
  }

  private move(delta: number | 'top' | 'bottom'): void {
    const screen = this.screen;
    if (screen.type === 'list') {
      const list = this.computeList(screen);
      const { objects } = list;
      this.syncCursor(screen, list);
      screen.cursor = delta === 'top' ? 0 : delta === 'bottom' ? objects.length - 1 : screen.cursor + delta;
      screen.cursor = Math.max(0, Math.min(screen.cursor, objects.length - 1));
      screen.selected = objects[screen.cursor]?.metadata.uid;
      this.syncCursor(screen, list);
      return;
    }
    if (screen.type === 'logs') screen.follow = delta === 'bottom';
    screen.scroll = delta === 'top' ? 0 : delta === 'bottom' ? Number.MAX_SAFE_INTEGER : Math.max(0, screen.scroll + delta);
  }

  private page(): number {
    return Math.max(1, this.bodyHeight() - 2);
  }

  private back(): void {
    const screen = this.screen;
    if (screen.type === 'list' && screen.filter) {
      screen.filter = '';
      return;
    }
    if (this.screens.length > 1) this.screens.pop();
  }

  private open(screen: Screen): void {
    this.screens.push(screen);
  }

  /** Replaces the top detail screen (d/y on a detail switch between describe and YAML without growing the crumbs). */
  private openDetail(type: DetailScreen['type'], target: ObjectRef): void {
    const detail: DetailScreen = { type, target, scroll: 0, follow: type === 'logs' };
    if (this.screen.type !== 'list') this.screens[this.screens.length - 1] = detail;
    else this.open(detail);
  }

  private target(): AnyObject | undefined {
    const o = this.selectedObject();
    if (!o) this.toast('nothing selected', 'error');
    return o;
  }

  private sortBy(by: SortKey): void {
    const screen = this.screen;
    if (screen.type !== 'list') return;
    screen.sort = screen.sort?.by === by ? { by, desc: !screen.sort.desc } : { by, desc: false };
  }

  private switchView(view: ResourceView, namespace?: string): void {
    if (namespace !== undefined) this.namespace = namespace === 'all' ? undefined : namespace;
    this.screens = [this.listScreen(view.id)];
  }

  private readonly handlers: Record<string, () => void> = {
    quit: () => this.quit(),
    help: () => void (this.overlay = { type: 'help' }),
    command: () => void (this.overlay = { type: 'prompt', purpose: 'command', title: ':', text: '' }),
    back: () => this.back(),
    pause: () => this.source.simulation?.togglePause(),
    faster: () => this.source.simulation?.faster(),
    slower: () => this.source.simulation?.slower(),
    step: () => this.source.simulation?.step(),
    up: () => this.move(-1),
    down: () => this.move(1),
    pageUp: () => this.move(-this.page()),
    pageDown: () => this.move(this.page()),
    top: () => this.move('top'),
    bottom: () => this.move('bottom'),
    filter: () => {
      const screen = this.screen;
      if (screen.type === 'list') this.overlay = { type: 'prompt', purpose: 'filter', title: '/', text: screen.filter };
    },
    sortName: () => this.sortBy('name'),
    sortAge: () => this.sortBy('age'),
    sortStatus: () => this.sortBy('status'),
    allNamespaces: () => {
      this.namespace = undefined;
      this.toast('all namespaces');
    },
    enter: () => {
      const screen = this.screen;
      if (screen.type !== 'list') return;
      const o = this.target();
      if (!o) return;
      const view = viewById(screen.view)!;
      const drill = view.drill?.(o, this.source) ?? { type: 'describe' as const };
      if (drill.type === 'describe') return this.openDetail('describe', refOf(o));
      if (drill.namespace !== undefined) {
        this.namespace = drill.namespace;
        this.screens = [this.listScreen(drill.view)];
        return;
      }
      this.open(this.listScreen(drill.view, drill.scope));
    },
    describe: () => {
      const o = this.target();
      if (o) this.openDetail('describe', refOf(o));
    },
    yaml: () => {
      const o = this.target();
      if (o) this.openDetail('yaml', refOf(o));
    },
    logs: () => {
      const o = this.target();
      if (o?.kind === 'Pod') this.openDetail('logs', refOf(o));
    },
    follow: () => {
      const screen = this.screen;
      if (screen.type === 'logs') screen.follow = !screen.follow;
    },
    edit: () => {
      const o = this.target();
      if (!o) return;
      const ref = refOf(o);
      const at = this.source.manifests?.sourceOf(ref);
      if (!at) return this.toast(`no manifest file declares ${o.kind.toLowerCase()}/${ref.name} (the cluster created it)`, 'error');
      if (!this.options.openEditor) return this.toast(`${at.file}:${at.line}`);
      this.source.simulation?.suspend();
      const done = () => {
        this.source.simulation?.resume();
        this.store.publish();
      };
      const r = this.options.openEditor(at.file, at.line);
      if (r && typeof (r as Promise<void>).then === 'function') (r as Promise<void>).then(done, (e: unknown) => {
        this.toast(errorMessage(e), 'error');
        done();
      });
      else done();
    },
    delete: () => {
      const o = this.target();
      if (!o) return;
      const ref = refOf(o);
      this.overlay = {
        type: 'confirm',
        title: `Delete ${o.kind.toLowerCase()} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}?`,
        lines: [],
        confirmLabel: 'Delete',
        focus: 0,
        choice: { label: 'Propagation', options: ['Background', 'Foreground', 'Orphan'], index: 0 },
        run: (choice) => this.source.actions.delete(ref, (choice ?? 'Background') as PropagationPolicy),
      };
    },
    kill: () => {
      const o = this.target();
      if (o?.kind !== 'Pod') return;
      const ref = refOf(o);
      if (this.yes) return this.act(() => this.source.actions.kill(ref));
      this.confirm(`Kill pod ${ref.namespace}/${ref.name}?`, ['Deletes it at once (grace period 0); its controller makes a new one.'], 'Kill', () => this.source.actions.kill(ref));
    },
    scale: () => {
      const o = this.target();
      if (!o) return;
      const ref = refOf(o);
      const current = (o as { spec: { replicas?: number } }).spec.replicas ?? 1;
      this.prompt(`Scale ${o.kind.toLowerCase()} ${ref.name} to (replicas):`, String(current), (text) => {
        if (!/^\d+$/.test(text.trim())) return this.toast('error: replicas must be a whole number >= 0', 'error');
        this.act(() => this.source.actions.scale(ref, Number(text.trim())));
      });
    },
    setImage: () => {
      const o = this.target();
      if (!o) return;
      const ref = refOf(o);
      const spec = o.kind === 'Pod' ? (o as Pod).spec : (o as { spec: { template: { spec: Pod['spec'] } } }).spec.template.spec;
      const single = spec.containers.length === 1 ? spec.containers[0]! : undefined;
      const prefill = single ? (single.image ?? '') : spec.containers.map((c) => `${c.name}=${c.image ?? ''}`).join(' ');
      const title = single ? `Set image of ${o.kind.toLowerCase()} ${ref.name}, container ${single.name}:` : `Set image of ${o.kind.toLowerCase()} ${ref.name} (CONTAINER=IMAGE ...):`;
      this.prompt(title, prefill, (text) => {
        const images: Record<string, string> = {};
        for (const part of text.trim().split(/[\s,]+/).filter(Boolean)) {
          const eq = single && !part.includes('=') ? -2 : part.indexOf('=');
          if (eq === -2) {
            images[single!.name] = part;
            continue;
          }
          if (eq <= 0) return this.toast(`error: expected CONTAINER=IMAGE, got "${part}"`, 'error');
          images[part.slice(0, eq)] = part.slice(eq + 1);
        }
        this.act(() => this.source.actions.setImage(ref, images));
      });
    },
    restart: () => {
      const o = this.target();
      if (o) this.act(() => this.source.actions.restart(refOf(o)));
    },
    undo: () => {
      const o = this.target();
      if (!o) return;
      const ref = refOf(o);
      const plan = this.source.actions.undoPlan(ref);
      const lines = [`from revision ${plan.from} to revision ${plan.to}`, ...(plan.changes.length > 0 ? plan.changes.map((c) => `image ${c}`) : ['(no image change)'])];
      this.confirm(`Undo the rollout of ${o.kind.toLowerCase()} ${ref.name}?`, lines, 'Undo', () => this.source.actions.undo(ref, plan.to));
    },
    cordon: () => {
      const o = this.target();
      if (o?.kind === 'Node') this.act(() => this.source.actions.cordon(o.metadata.name!, true));
    },
    uncordon: () => {
      const o = this.target();
      if (o?.kind === 'Node') this.act(() => this.source.actions.cordon(o.metadata.name!, false));
    },
    drain: () => {
      const o = this.target();
      if (o?.kind !== 'Node') return;
      this.overlay = {
        type: 'drain',
        node: o.metadata.name!,
        focus: 0,
        options: { ignoreDaemonSets: true, deleteEmptyDirData: false, force: false, gracePeriodSeconds: -1, timeoutSeconds: 0 },
      };
    },
    failNode: () => {
      const o = this.target();
      const sim = this.source.simulation;
      if (o?.kind !== 'Node' || !sim) return;
      const name = o.metadata.name!;
      this.act(() => (sim.nodeFailed(name) ? sim.recoverNode(name) : sim.failNode(name)));
    },
    probes: () => this.openPanel('probes'),
    why: () => this.openPanel('why'),
    rollout: () => this.openPanel('rollout'),
  };

  private openPanel(action: string): void {
    const o = this.target();
    if (!o) return;
    const panel = panelFor(action, o.kind);
    if (!panel) return this.toast(`the ${ACTIONS[action]?.hint ?? action} panel is not available yet`, 'error');
    this.open({ type: 'panel', panel: panel.id, target: refOf(o), scroll: 0, state: {} });
  }

  private prompt(title: string, text: string, submit: (text: string) => void): void {
    this.overlay = { type: 'prompt', purpose: 'input', title, text, submit, prefilled: true };
  }

  private confirm(title: string, lines: string[], confirmLabel: string, run: () => string): void {
    this.overlay = { type: 'confirm', title, lines, confirmLabel, focus: 0, run: () => run() };
  }

  // ---------- overlays ----------

  private overlayKey(overlay: Overlay, key: string): void {
    switch (overlay.type) {
      case 'help':
        if (key === 'esc' || key === '?' || key === 'q' || key === 'enter') this.overlay = undefined;
        return;
      case 'prompt':
        return this.promptKey(overlay, key);
      case 'confirm':
        return this.confirmKey(overlay, key);
      case 'drain':
        return this.drainKey(overlay, key);
      case 'drainProgress':
        if (key === 'esc' || key === 'enter' || key === 'q') this.overlay = undefined;
        return;
    }
  }

  private promptKey(p: TextPrompt, key: string): void {
    const screen = this.screen;
    if (key === 'esc') {
      if (p.purpose === 'filter' && screen.type === 'list') screen.filter = '';
      this.overlay = undefined;
      return;
    }
    if (key === 'enter') {
      this.overlay = undefined;
      if (p.purpose === 'command') return this.command(p.text);
      if (p.purpose === 'input') return p.submit?.(p.text);
      return;
    }
    const printable = key === 'space' || [...key].length === 1;
    if (p.prefilled && printable) p.text = '';
    p.prefilled = false;
    if (key === 'backspace') p.text = p.text.slice(0, -1);
    else if (key === 'ctrl-u') p.text = '';
    else if (key === 'tab' && p.purpose === 'command') p.text = this.complete(p.text) ?? p.text;
    else if ((key === 'up' || key === 'down') && p.purpose === 'command') {
      if (this.history.length === 0) return;
      const i = p.historyIndex ?? this.history.length;
      const next = Math.max(0, Math.min(this.history.length, i + (key === 'up' ? -1 : 1)));
      p.historyIndex = next;
      p.text = this.history[next] ?? '';
    } else if (key === 'space') p.text += ' ';
    else if ([...key].length === 1) p.text += key;
    if (p.purpose === 'filter' && screen.type === 'list') {
      screen.filter = p.text;
      screen.cursor = 0;
      screen.top = 0;
      screen.selected = undefined;
    }
  }

  /** Every word `:` accepts. */
  commandWords(): string[] {
    const words = views().flatMap((v) => [v.id, ...viewNames(v)]);
    return [...new Set([...words, 'ns', 'namespace', 'q', 'quit', 'help'])].sort();
  }

  /** Tab: the rest of the word when one completion is certain, else the shortest common prefix. */
  complete(text: string): string | undefined {
    const [head, ...rest] = text.split(' ');
    if (rest.length > 0) {
      if (!['ns', 'namespace', 'namespaces'].includes(head!) && !resolveView(head!)) return undefined;
      const names = this.source.reader.list('Namespace').map((n) => n.metadata.name ?? '');
      const hit = commonPrefix(names.filter((n) => n.startsWith(rest.join(' '))));
      return hit ? `${head} ${hit}` : undefined;
    }
    const hits = this.commandWords().filter((w) => w.startsWith(head!));
    return commonPrefix(hits) || undefined;
  }

  /** The completion Tab would give, to draw in grey after the text. */
  suggestion(text: string): string {
    if (text === '') return '';
    const [head, ...rest] = text.split(' ');
    if (rest.length > 0) return '';
    const hit = this.commandWords().find((w) => w.startsWith(head!) && w !== head);
    return hit ? hit.slice(head!.length) : '';
  }

  private command(text: string): void {
    const t = text.trim();
    if (t === '') return;
    this.history = [...this.history.filter((h) => h !== t), t].slice(-50);
    const [word, arg, ...extra] = t.split(/\s+/);
    if (word === 'q' || word === 'q!' || word === 'quit') return this.quit();
    if (word === 'help') return void (this.overlay = { type: 'help' });
    if ((word === 'ns' || word === 'namespace') && arg !== undefined) {
      if (arg !== 'all' && !this.source.reader.get('Namespace', undefined, arg)) return this.toast(`Error from server (NotFound): namespaces "${arg}" not found`, 'error');
      this.namespace = arg === 'all' ? undefined : arg;
      const current = this.screens[0]!;
      this.screens = [current.type === 'list' ? { ...current, scope: undefined } : this.listScreen('pods')];
      return this.toast(`namespace: ${arg}`);
    }
    const view = resolveView(word!);
    if (!view || extra.length > 0) return this.toast(`error: the server doesn't have a resource type "${word}"`, 'error');
    this.switchView(view, arg);
  }

  private confirmKey(d: ConfirmDialog, key: string): void {
    if (key === 'esc' || key === 'n') return void (this.overlay = undefined);
    if (key === 'left' || key === 'right' || key === 'tab' || key === 'shift-tab' || key === 'h' || key === 'l') {
      d.focus = d.focus === 0 ? 1 : 0;
      return;
    }
    if ((key === 'up' || key === 'down' || key === 'k' || key === 'j') && d.choice) {
      const n = d.choice.options.length;
      d.choice.index = (d.choice.index + (key === 'up' || key === 'k' ? n - 1 : 1)) % n;
      return;
    }
    if (key === 'y' || (key === 'enter' && d.focus === 1)) {
      this.overlay = undefined;
      this.act(() => d.run(d.choice?.options[d.choice.index]));
      return;
    }
    if (key === 'enter') this.overlay = undefined;
  }

  private drainKey(d: DrainDialog, key: string): void {
    const field = DRAIN_FIELDS[d.focus]!;
    if (key === 'esc') return void (this.overlay = undefined);
    if (key === 'up' || key === 'k') d.focus = (d.focus + DRAIN_FIELDS.length - 1) % DRAIN_FIELDS.length;
    else if (key === 'down' || key === 'j' || key === 'tab') d.focus = (d.focus + 1) % DRAIN_FIELDS.length;
    else if (key === 'space' && typeof d.options[field] === 'boolean') (d.options as unknown as Record<string, boolean>)[field] = !d.options[field];
    else if (typeof d.options[field] === 'number' && (/^[0-9]$/.test(key) || key === 'backspace' || key === '-')) {
      const text = String(d.options[field]);
      const next = key === 'backspace' ? text.slice(0, -1) : key === '-' ? '-1' : text === '0' || text === '-1' ? key : text + key;
      (d.options as unknown as Record<string, number>)[field] = Number(next === '' || next === '-' ? 0 : next);
    } else if (key === 'enter') {
      try {
        const task = this.source.actions.drain(d.node, { ...d.options });
        this.drains.push(task);
        this.overlay = { type: 'drainProgress', task };
      } catch (e) {
        this.overlay = undefined;
        this.toast(errorMessage(e), 'error');
      }
    }
  }

  /** Finished drains become toasts (called every frame). */
  settleDrains(): void {
    for (const task of [...this.drains]) {
      const status = task.status();
      if (status === 'running') continue;
      this.drains = this.drains.filter((t) => t !== task);
      const last = [...task.lines()].reverse().find((l) => status === 'drained' || l.stream === 'err');
      this.toast(status === 'drained' ? `node/${task.node} drained` : (last?.text ?? `drain of ${task.node} failed`), status === 'drained' ? 'info' : 'error');
    }
  }
}


/** Tabs to spaces (tab stops every 8 columns): a terminal cell grid has no tabs. */
function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let out = '';
  for (const ch of line) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  return out;
}

const stripAgo = (cell: string): string => cell.replace(/ \(.* ago\)$/, '');

function commonPrefix(words: readonly string[]): string {
  if (words.length === 0) return '';
  let p = words[0]!;
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

function relativeFile(file: string, dirs: readonly string[]): string {
  for (const d of dirs) {
    const parent = d.replace(/\/[^/]*\/?$/, '/');
    if (file.startsWith(parent)) return file.slice(parent.length);
  }
  return file;
}

export { podTone };
