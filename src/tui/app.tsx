/** The dashboard's components: they read the controller and draw; one useInput hands every key to the keymap. */
import { Box, Text, useInput, useStdout } from 'ink';
import { useCallback, useEffect, useState, useSyncExternalStore, type ReactElement } from 'react';
import { installFastOutput } from './inkOutput.js';
import { measurableRuns } from './textRuns.js';
import { ACTIONS } from './keymap.js';
import { keyNames, type InkKey } from './keys.js';
import { panelById } from './panels.js';
import {
  DRAIN_LABELS, MIN_COLUMNS, MIN_ROWS, type ConfirmDialog, type DashboardController, type DetailScreen, type DrainDialog, type ListRow, type ListScreen,
  type Overlay, type PanelScreen, type TextPrompt,
} from './controller.js';
import type { Tone } from './views.js';

// Every way the dashboard is drawn (terminal, recorder, tests, bench) renders this module's App.
installFastOutput();

export const TONE_COLOR: Record<Tone, string | undefined> = {
  ok: undefined,
  pending: '#ff8700',
  error: 'red',
  done: 'gray',
  terminating: 'magenta',
};

/**
 * For the terminal tests only (test/tui/terminal.test.ts, documented in test/faults/README.md), half a second after
 * the first frame: `KUBEDECK_TEST_CRASH=render` makes a component throw while rendering, `KUBEDECK_TEST_CRASH=timer`
 * throws from a timer (an uncaught exception outside React).
 */
const TEST_CRASH = process.env.KUBEDECK_TEST_CRASH;

function CrashAfterFirstFrame({ mode }: { mode: string }): null {
  const [crash, setCrash] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => {
      if (mode === 'timer') throw new Error('KUBEDECK_TEST_CRASH=timer: a timer threw');
      setCrash(true);
    }, 500);
    return () => clearTimeout(timer);
  }, [mode]);
  if (crash) throw new Error('KUBEDECK_TEST_CRASH=render: a component failed to render');
  return null;
}

export function App({ controller }: { controller: DashboardController }): ReactElement {
  return (
    <>
      {TEST_CRASH && <CrashAfterFirstFrame mode={TEST_CRASH} />}
      <Dashboard controller={controller} />
    </>
  );
}

function Dashboard({ controller }: { controller: DashboardController }): ReactElement {
  const version = useSyncExternalStore(controller.store.subscribe, controller.store.getVersion);
  const { stdout } = useStdout();

  useEffect(() => {
    const update = () => {
      controller.size = { columns: stdout.columns || 100, rows: stdout.rows || 40 };
      controller.store.publish();
    };
    update();
    stdout.on('resize', update);
    return () => void stdout.off('resize', update);
  }, [controller, stdout]);

  const onInput = useCallback(
    (input: string, key: InkKey) => {
      for (const name of keyNames(input, key)) controller.press(name);
    },
    [controller],
  );
  useInput(onInput);

  controller.settleDrains();
  const { columns, rows } = controller.size;
  if (controller.tooSmall()) {
    return (
      <Box flexDirection="column" width={columns} height={Math.max(1, rows - 1)}>
        <Text color="yellow" bold>Terminal too small: {columns}×{rows}.</Text>
        <Text>kubedeck needs at least {MIN_COLUMNS}×{MIN_ROWS}. Enlarge the window; q quits.</Text>
      </Box>
    );
  }
  const banner = controller.bannerLines();
  const height = controller.bodyHeight();
  return (
    <Box flexDirection="column" width={columns} height={rows - 1}>
      <Header controller={controller} />
      <Crumbs controller={controller} />
      {banner.length > 0 && (
        <Box flexDirection="column">
          {banner.map((line, i) => (
            <Text key={i} color="white" backgroundColor="red" wrap="truncate">{` ${line}`.padEnd(columns)}</Text>
          ))}
        </Box>
      )}
      <Box flexDirection="column" height={height} overflow="hidden">
        {controller.overlay && controller.overlay.type !== 'prompt' ? (
          <OverlayView controller={controller} overlay={controller.overlay} height={height} />
        ) : (
          <Body controller={controller} height={height} version={version} />
        )}
      </Box>
      <Footer controller={controller} />
    </Box>
  );
}

// ---------- header ----------

function clockText(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m${String(s % 60).padStart(2, '0')}s` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}

const two = (n: number): string => String(n).padStart(2, '0');
const hhmmss = (d: Date, utc: boolean): string =>
  utc ? d.toISOString().slice(11, 19) : `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;

function Header({ controller }: { controller: DashboardController }): ReactElement {
  const s = controller.summary();
  const sim = controller.source.simulation;
  const manifests = controller.source.manifests;
  const reload = manifests?.lastReload();
  const hints = controller.hints();
  const now = controller.source.now();
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold color="cyan">kubedeck</Text>
        {controller.readonly && <Text color="yellow" bold> [read-only]</Text>}
        <Text>  nodes </Text>
        <Text color={s.nodesReady < s.nodes ? 'red' : 'green'}>{s.nodesReady}/{s.nodes} ready</Text>
        <Text>  pods </Text>
        <Text color="green">{s.running} running</Text>
        <Text> · </Text>
        <Text color={s.pending > 0 ? TONE_COLOR.pending : undefined}>{s.pending} pending</Text>
        <Text> · </Text>
        <Text color={s.failed > 0 ? 'red' : undefined}>{s.failed} failed</Text>
        <Text>  workloads </Text>
        <Text color={s.progressing > 0 ? TONE_COLOR.pending : undefined}>{s.progressing} progressing</Text>
        <Text> · </Text>
        <Text color={s.stuck > 0 ? 'red' : undefined}>{s.stuck} stuck</Text>
      </Text>
      <Text wrap="truncate">
        {sim ? (
          <>
            <Text>clock </Text>
            <Text bold>t+{clockText(now - sim.startedAt)}</Text>
            <Text dimColor> ({hhmmss(new Date(now), true)} UTC)</Text>
            <Text>  speed {sim.speed()}×</Text>
            {sim.paused() ? <Text color="yellow" bold inverse> PAUSED </Text> : null}
          </>
        ) : (
          <Text>{new Date(now).toISOString()}</Text>
        )}
        {manifests && (
          <>
            <Text>  watching </Text>
            <Text color="cyan">{(manifests.labels ?? manifests.dirs.map(shortDir)).join(', ') || '(no folders)'}</Text>
            <Text>  </Text>
            {reload ? (
              reload.errors.length > 0 ? (
                <Text color="red">reload {hhmmss(reload.at, false)}: {reload.errors.length} error{reload.errors.length === 1 ? '' : 's'}</Text>
              ) : (
                <Text dimColor>reload {hhmmss(reload.at, false)}: {reload.applied} file{reload.applied === 1 ? '' : 's'} applied</Text>
              )
            ) : null}
          </>
        )}
      </Text>
      <Text wrap="truncate">
        {hints.map((h, i) => (
          <Text key={i}>
            <Text color="cyan">{`<${h.key}>`}</Text>
            <Text dimColor>{`${h.hint} `}</Text>
          </Text>
        ))}
      </Text>
    </Box>
  );
}

const shortDir = (d: string): string => {
  const cwd = process.cwd();
  return d.startsWith(cwd + '/') ? d.slice(cwd.length + 1) : d === cwd ? '.' : d;
};

function Crumbs({ controller }: { controller: DashboardController }): ReactElement {
  const crumbs = controller.crumbs();
  const screen = controller.screen;
  let right = '';
  if (screen.type === 'list') {
    const frameTotal = controller.listFrame(screen).total;
    right = `${frameTotal} row${frameTotal === 1 ? '' : 's'}`;
    if (screen.filter) right += `  filter: ${screen.filter}`;
    if (screen.sort) right += `  sort: ${screen.sort.by} ${screen.sort.desc ? '↓' : '↑'}`;
  } else if (screen.type !== 'panel') {
    const total = controller.detailLines(screen).length;
    const top = controller.detailScroll(screen, total);
    const bottom = Math.min(total, top + controller.bodyHeight());
    right = `lines ${total === 0 ? 0 : top + 1}-${bottom} of ${total}${screen.type === 'logs' ? (screen.follow ? '  following' : '  paused (G follows)') : ''}`;
  }
  return (
    <Box width={controller.size.columns}>
      <Box flexGrow={1}>
        <Text wrap="truncate">
          {crumbs.map((c, i) => (
            <Text key={i}>
              {i > 0 && <Text dimColor> › </Text>}
              {i === crumbs.length - 1 ? <Text bold color="cyan" inverse>{` ${c} `}</Text> : <Text>{c}</Text>}
            </Text>
          ))}
        </Text>
      </Box>
      <Text dimColor>{right}</Text>
    </Box>
  );
}

// ---------- body ----------

function Body({ controller, height, version }: { controller: DashboardController; height: number; version: number }): ReactElement {
  const screen = controller.screen;
  if (screen.type === 'list') return <ListTable controller={controller} screen={screen} />;
  if (screen.type === 'panel') return <PanelBody controller={controller} screen={screen} height={height} version={version} />;
  return <TextView controller={controller} screen={screen} height={height} />;
}

/** Cuts or pads a line to exactly `width` columns (table text is ASCII plus single-width symbols). */
const fit = (text: string, width: number): string => (text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text.padEnd(width));

/** In a terminal without colours (NO_COLOR, TERM=dumb) the highlight bar would not show, so a `>` gutter marks the row. */
function ListTable({ controller, screen }: { controller: DashboardController; screen: ListScreen }): ReactElement {
  const frame = controller.listFrame(screen);
  const { stdout } = useStdout();
  const gutter = stdout.hasColors?.() === false;
  const width = controller.size.columns - (gutter ? 2 : 0);
  const lead = (selected: boolean) => (gutter ? (selected ? '> ' : '  ') : '');
  const header = fit(frame.columns.map((c) => `${c.name.padEnd(c.width)}  `).join(''), width).trimEnd();
  return (
    <Box flexDirection="column">
      <Text bold>{lead(false) + header}</Text>
      {frame.error && <Text color="red">{fit(frame.error, width)}</Text>}
      {frame.rows.length === 0 && (
        <Text dimColor>{screen.filter ? `No ${frame.view.title.toLowerCase()} match the filter "${screen.filter}" (Esc clears it).` : `No ${frame.view.title.toLowerCase()} here${controller.namespace && !screen.scope ? ` in namespace ${controller.namespace} (0: all namespaces)` : ''}.`}</Text>
      )}
      {frame.rows.map((row) => (
        <TableRow key={row.key} row={row} columns={frame.columns} width={width} lead={lead(row.selected)} />
      ))}
    </Box>
  );
}

/**
 * One row: its cells padded, each followed by its change mark or a space; marks bold cyan, except on the selected row
 * (a bar in the row's colours) and on a row cut to the terminal (plain text).
 */
function TableRow({ row, columns, width, lead }: { row: ListRow; columns: readonly { width: number }[]; width: number; lead: string }): ReactElement {
  const color = row.selected ? 'black' : TONE_COLOR[row.tone];
  const backgroundColor = row.selected ? (TONE_COLOR[row.tone] ?? 'cyan') : undefined;
  let plain = '';
  const marks = new Set<number>();
  row.cells.forEach((c, i) => {
    plain += c.padEnd(columns[i]!.width);
    const mark = row.marks[i]?.mark;
    if (mark && !row.selected) marks.add(lead.length + plain.length);
    plain += `${mark ?? ' '} `;
  });
  const cut = plain.length > width;
  // Only the selected row is padded to the full width (its highlight is a bar).
  const text = lead + (cut ? fit(plain, width) : row.selected ? plain.padEnd(width) : plain.trimEnd());
  const runs = measurableRuns(text, cut ? new Set() : marks);
  if (runs.length === 1 && !runs[0]!.mark) return <Text color={color} backgroundColor={backgroundColor}>{text}</Text>;
  return (
    <Box>
      {runs.map((r, i) =>
        r.mark ? <Text key={i} bold color="cyan">{r.text}</Text> : <Text key={i} color={color} backgroundColor={backgroundColor}>{r.text}</Text>,
      )}
    </Box>
  );
}

function TextView({ controller, screen, height }: { controller: DashboardController; screen: DetailScreen; height: number }): ReactElement {
  const lines = controller.detailLines(screen);
  const top = controller.detailScroll(screen, lines.length);
  const shown = lines.slice(top, top + height);
  return (
    <Box flexDirection="column">
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate">{screen.type === 'yaml' ? <YamlLine line={l} /> : l || ' '}</Text>
      ))}
    </Box>
  );
}

function YamlLine({ line }: { line: string }): ReactElement {
  const m = /^(\s*-?\s*)([\w.\-/]+:)(.*)$/.exec(line);
  if (!m) return <Text>{line || ' '}</Text>;
  return (
    <Text>
      {m[1]}
      <Text color="cyan">{m[2]}</Text>
      {m[3]}
    </Text>
  );
}

function PanelBody({ controller, screen, height, version }: { controller: DashboardController; screen: PanelScreen; height: number; version: number }): ReactElement {
  const panel = panelById(screen.panel);
  if (!panel) return <Text color="red">No panel {screen.panel}.</Text>;
  const Render = panel.render;
  const object = controller.source.reader.get(screen.target.kind, screen.target.namespace, screen.target.name) as never;
  return <Render source={controller.source} target={screen.target} object={object} width={controller.size.columns} height={height} scroll={screen.scroll} state={screen.state} version={version} />;
}

// ---------- overlays ----------

function OverlayView({ controller, overlay, height }: { controller: DashboardController; overlay: Exclude<Overlay, TextPrompt>; height: number }): ReactElement {
  switch (overlay.type) {
    case 'help':
      return <Help controller={controller} height={height} />;
    case 'confirm':
      return <Confirm dialog={overlay} />;
    case 'drain':
      return <DrainOptions dialog={overlay} />;
    case 'drainProgress': {
      const lines = overlay.task.lines();
      const status = overlay.task.status();
      return (
        <Box flexDirection="column" borderStyle="round" borderColor={status === 'failed' ? 'red' : 'cyan'} paddingX={1}>
          <Text bold>kubectl drain {overlay.task.node} — {status === 'running' ? 'draining…' : status}</Text>
          {lines.slice(-Math.max(1, height - 4)).map((l, i) => (
            <Text key={i} color={l.stream === 'err' ? 'red' : undefined} wrap="truncate">{l.text}</Text>
          ))}
          <Text dimColor>Esc closes this window (the drain goes on; the footer shows its progress)</Text>
        </Box>
      );
    }
  }
}

function Button({ label, focused, danger }: { label: string; focused: boolean; danger?: boolean }): ReactElement {
  return (
    <Text inverse={focused} bold={focused} color={danger ? 'red' : undefined}>
      {focused ? `▶ ${label} ◀` : `  ${label}  `}
    </Text>
  );
}

function Confirm({ dialog }: { dialog: ConfirmDialog }): ReactElement {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1} alignSelf="flex-start" minWidth={50}>
      <Text bold>{dialog.title}</Text>
      {dialog.lines.map((l, i) => (
        <Text key={i}>{l}</Text>
      ))}
      {dialog.choice && (
        <Text>
          {dialog.choice.label}:{' '}
          {dialog.choice.options.map((o, i) => (
            <Text key={o} color={i === dialog.choice!.index ? 'cyan' : undefined}>{i === dialog.choice!.index ? `(•) ${o}  ` : `( ) ${o}  `}</Text>
          ))}
        </Text>
      )}
      <Text> </Text>
      <Box gap={2}>
        <Button label="Cancel" focused={dialog.focus === 0} />
        <Button label={dialog.confirmLabel} focused={dialog.focus === 1} danger />
      </Box>
      <Text dimColor>←/→ choose · Enter{dialog.choice ? ' · ↑/↓ propagation' : ''} · y {dialog.confirmLabel.toLowerCase()} · Esc cancel</Text>
    </Box>
  );
}

function DrainOptions({ dialog }: { dialog: DrainDialog }): ReactElement {
  const fields = Object.keys(DRAIN_LABELS) as (keyof typeof DRAIN_LABELS)[];
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1} alignSelf="flex-start" minWidth={50}>
      <Text bold>Drain node {dialog.node}: cordon it, then evict its pods</Text>
      {fields.map((f, i) => {
        const v = dialog.options[f];
        return (
          <Text key={f} inverse={i === dialog.focus}>
            {i === dialog.focus ? '› ' : '  '}
            {typeof v === 'boolean' ? `[${v ? 'x' : ' '}] ${DRAIN_LABELS[f]}` : `${DRAIN_LABELS[f]}: ${v}`}
          </Text>
        );
      })}
      <Text dimColor>↑/↓ move · Space toggles · digits edit · Enter drains · Esc cancels</Text>
    </Box>
  );
}

function Help({ controller, height }: { controller: DashboardController; height: number }): ReactElement {
  const km = controller.keymap();
  const lines = km.bindings.map((b) => `${b.keys.map((k) => `<${k}>`).join(' ').padEnd(20)} ${ACTIONS[b.action]?.help ?? b.action}`);
  const legend = 'Rows: normal running · orange pending/creating · red failing · grey completed · purple terminating · ↑↓Δ changed';
  const perColumn = Math.max(1, height - 3);
  const columns: string[][] = [];
  for (let i = 0; i < lines.length; i += perColumn) columns.push(lines.slice(i, i + perColumn));
  return (
    <Box flexDirection="column">
      <Text bold color="cyan">Keys of this screen ({km.screen}){controller.readonly ? ' — read-only: actions that change the cluster are off' : ''}</Text>
      <Box gap={3}>
        {columns.map((col, i) => (
          <Box key={i} flexDirection="column">
            {col.map((l, j) => (
              <Text key={j} wrap="truncate">{l}</Text>
            ))}
          </Box>
        ))}
      </Box>
      <Text dimColor wrap="truncate">{legend}</Text>
      <Text dimColor>Esc or ? closes this help.</Text>
    </Box>
  );
}

// ---------- footer ----------

function Footer({ controller }: { controller: DashboardController }): ReactElement {
  const o = controller.overlay;
  if (o?.type === 'prompt') {
    const suggestion = o.purpose === 'command' ? controller.suggestion(o.text) : '';
    return (
      <Text wrap="truncate">
        <Text color="cyan" bold>{o.title}</Text>
        {o.purpose === 'input' ? ' ' : ''}
        <Text>{o.text}</Text>
        <Text dimColor>{suggestion}</Text>
        <Text inverse> </Text>
        <Text dimColor>{o.purpose === 'command' ? '   Tab completes · ↑/↓ history · Enter · Esc' : o.purpose === 'filter' ? '   regex · !regex inverts · -l app=web labels · Enter keeps · Esc clears' : '   Enter · Esc cancels'}</Text>
      </Text>
    );
  }
  const toasts = controller.visibleToasts();
  const drains = controller.drains;
  if (toasts.length === 0 && drains.length === 0) return <Text dimColor wrap="truncate">? help · : views (po, deploy, no, svc, ...) · / filter · q quit</Text>;
  return (
    <Text wrap="truncate">
      {drains.map((d) => {
        const lines = d.lines();
        const evicted = lines.filter((l) => / (evicted|deleted)$/.test(l.text)).length;
        const evicting = lines.filter((l) => l.text.startsWith('evicting pod')).length;
        return <Text key={d.node} color="yellow">{`draining ${d.node}: ${evicted}/${evicting} pods evicted  `}</Text>;
      })}
      {toasts.map((t, i) => (
        <Text key={i} color={t.level === 'error' ? 'red' : 'green'}>{`${t.text}  `}</Text>
      ))}
    </Text>
  );
}
