/**
 * `o` on a Deployment, StatefulSet or DaemonSet: a live progress bar against the surge and unavailable budgets, the
 * revisions with their pods, the step in words, conditions, why it is stuck, and the revision history as a table from
 * which Enter rolls back to the chosen revision (after a confirm that says what changes).
 */
import { Table } from '@alcalzone/ink-table';
import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import type { Condition } from '../../engine/api/meta.js';
import type { Pod } from '../../engine/api/types.js';
import { summarizePod } from '../../printers/index.js';
import type { PanelContext, PanelProps } from '../panels.js';
import type { RolloutInfo } from '../source.js';
import { budgetBar, imageChanges, podOfRevision } from './rolloutModel.js';

const PODS_PER_REVISION = 4;

/** The history row the cursor is on: the previous revision by default (what a rollback usually wants). */
export function selectedRevision(info: RolloutInfo, state: Record<string, unknown>): number {
  const n = info.history.length;
  const i = typeof state.selected === 'number' ? state.selected : Math.min(1, n - 1);
  return Math.max(0, Math.min(i, n - 1));
}

const short = (kind: string): string => (kind === 'Deployment' ? 'deployment' : kind === 'StatefulSet' ? 'statefulset' : 'daemonset');

function Bars({ info }: { info: RolloutInfo }): ReactElement {
  const p = info.progress;
  const total = p.revisions.reduce((n, r) => n + r.pods, 0);
  const rolling = info.strategy === 'RollingUpdate';
  const minAvailable = Math.max(0, p.desired - info.maxUnavailable);
  const row = (label: string, value: number, note: string, color?: string) => (
    <Text wrap="truncate">
      {`  ${label.padEnd(10)} `}
      <Text color={color}>{budgetBar(value, p.desired, info.maxSurge)}</Text>
      {` ${`${value}/${p.desired}`.padEnd(7)}`}
      <Text dimColor>{note}</Text>
    </Text>
  );
  return (
    <Box flexDirection="column">
      {row('updated', p.updated, 'pods of the new revision', p.updated >= p.desired ? 'green' : 'cyan')}
      {row('ready', p.ready, '', p.ready >= p.desired ? 'green' : '#ff8700')}
      {row('available', p.available, rolling ? `at least ${minAvailable} must stay available (maxUnavailable ${info.maxUnavailable})` : '', p.available >= minAvailable ? 'green' : 'red')}
      {row('pods', total, !rolling ? '' : info.maxSurge > 0 ? `at most ${p.desired + info.maxSurge} pods (desired ${p.desired} + maxSurge ${info.maxSurge}); │ marks desired` : `at most ${p.desired} pods (no surge: old pods go first)`, total > p.desired ? '#ff8700' : undefined)}
      <Text dimColor wrap="truncate">
        {`  strategy ${info.strategy}`}
        {rolling ? `: ${info.maxSurgeSpec !== undefined ? `maxSurge ${info.maxSurgeSpec} → ${info.maxSurge} pod${info.maxSurge === 1 ? '' : 's'}, ` : ''}maxUnavailable ${info.maxUnavailableSpec ?? info.maxUnavailable} → ${info.maxUnavailable} pod${info.maxUnavailable === 1 ? '' : 's'}` : ''}
      </Text>
    </Box>
  );
}

function Revisions({ info, pods, now }: { info: RolloutInfo; pods: Pod[]; now: number }): ReactElement {
  return (
    <Box flexDirection="column">
      <Text bold>Revisions now</Text>
      {info.progress.revisions.map((r) => {
        const mine = pods.filter((p) => podOfRevision(p, r, info.progress.kind));
        const images = info.history.find((h) => h.revision === r.revision)?.images ?? [];
        return (
          <Box key={r.name} flexDirection="column">
            <Text wrap="truncate">
              {'  '}
              <Text color={r.current ? 'cyan' : undefined} bold>{`rev ${r.revision}`.padEnd(7)}</Text>
              {` ${r.current ? 'new' : 'old'} `}
              {`${r.name}  ${r.pods} pod${r.pods === 1 ? '' : 's'}  `}
              <Text dimColor>{images.join(' ')}</Text>
            </Text>
            {mine.slice(0, PODS_PER_REVISION).map((p) => {
              const s = summarizePod(p, now);
              const bad = /Err|BackOff|Error|Crash/.test(s.status);
              return (
                <Text key={p.metadata.name} wrap="truncate" color={bad ? 'red' : s.status === 'Running' && s.ready.split('/')[0] === s.ready.split('/')[1] ? undefined : '#ff8700'}>
                  {`      ${(p.metadata.name ?? '').padEnd(34)} ${s.ready.padEnd(5)} ${s.status}`}
                </Text>
              );
            })}
            {mine.length > PODS_PER_REVISION && <Text dimColor>{`      … and ${mine.length - PODS_PER_REVISION} more`}</Text>}
          </Box>
        );
      })}
    </Box>
  );
}

function Conditions({ conditions }: { conditions: Condition[] }): ReactElement | null {
  if (conditions.length === 0) return null;
  return (
    <Box flexDirection="column">
      <Text bold>Conditions</Text>
      {conditions.map((c) => (
        <Text key={c.type} wrap="truncate" color={c.status === 'False' && c.type !== 'ReplicaFailure' ? 'red' : undefined}>
          {`  ${c.type.padEnd(15)} ${c.status.padEnd(6)} ${(c.reason ?? '').padEnd(26)} ${c.message ?? ''}`}
        </Text>
      ))}
    </Box>
  );
}

function History({ info, selected }: { info: RolloutInfo; selected: number }): ReactElement {
  const current = info.history[0]?.revision;
  const data = info.history.map((h, i) => ({
    ' ': i === selected ? '▶' : '',
    REVISION: h.revision === current ? `${h.revision} (current)` : String(h.revision),
    'CHANGE-CAUSE': h.changeCause ?? '<none>',
    IMAGES: h.images.map((x) => x.slice(x.indexOf('=') + 1)).join(', '),
  }));
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>Revision history</Text>
        <Text dimColor>  ↑/↓ choose · Enter rolls back to the chosen revision</Text>
      </Text>
      {data.length > 0 ? <Table data={data} /> : <Text dimColor>  (no revisions yet)</Text>}
    </Box>
  );
}

export function RolloutPanel({ source, target, object, width, scroll, state }: PanelProps): ReactElement {
  const info = object ? source.rollouts?.info(target) : undefined;
  if (!object || !info) return <Text color="yellow">{`${target.kind.toLowerCase()} ${target.namespace ?? ''}/${target.name} is gone.`}</Text>;
  const p = info.progress;
  const selector = (object as { spec: { selector?: { matchLabels?: Record<string, string> } } }).spec.selector;
  const pods = selector ? (source.reader.list('Pod', { namespace: p.namespace, labelSelector: selector as never }) as Pod[]) : [];
  const conditions = ((object as { status?: { conditions?: Condition[] } }).status?.conditions ?? []) as Condition[];
  return (
    <Box flexDirection="column" marginTop={-Math.max(0, scroll)} width={width}>
      <Text wrap="truncate">
        <Text bold color="cyan">{`Rollout of ${short(p.kind)} ${p.namespace}/${p.name}`}</Text>
        {'  '}
        {p.complete ? <Text color="green">complete</Text> : p.stuck ? <Text color="red" bold>STUCK</Text> : <Text color="#ff8700">in progress</Text>}
      </Text>
      {p.stuck && (
        <Text color="red" wrap="wrap">
          {`why stuck: ${p.stuck.reason}: ${p.stuck.message}`}
        </Text>
      )}
      <Text wrap="truncate">
        <Text dimColor>step: </Text>
        {p.step}
      </Text>
      <Bars info={info} />
      <History info={info} selected={selectedRevision(info, state)} />
      <Revisions info={info} pods={pods} now={source.now()} />
      <Conditions conditions={conditions} />
    </Box>
  );
}

/** ↑/↓ move through the history; Enter asks, then rolls back to the chosen revision. */
export function handleRollout(action: string, ctx: PanelContext): boolean {
  const info = ctx.source.rollouts?.info(ctx.target);
  if (!info) return false;
  const i = selectedRevision(info, ctx.state);
  if (action === 'up' || action === 'down') {
    ctx.state.selected = Math.max(0, Math.min(info.history.length - 1, i + (action === 'up' ? -1 : 1)));
    return true;
  }
  if (action !== 'rollbackTo') return false;
  const chosen = info.history[i];
  const current = info.history[0];
  if (!chosen || !current) return true;
  const kind = short(info.progress.kind);
  if (chosen.revision === current.revision) {
    ctx.toast(`revision ${chosen.revision} is the current one: choose an older revision to roll back to`, 'error');
    return true;
  }
  const plan = ctx.source.actions.undoPlan(ctx.target, chosen.revision);
  const changes = plan.changes.length > 0 ? plan.changes : imageChanges(current.images, chosen.images);
  ctx.confirm(
    `Roll back ${kind} ${ctx.target.name} to revision ${chosen.revision}?`,
    [`from revision ${plan.from} to revision ${plan.to}`, ...(changes.length > 0 ? changes.map((c) => `image ${c}`) : ['(no image change)'])],
    'Roll back',
    () => ctx.source.actions.undo(ctx.target, chosen.revision),
  );
  return true;
}
