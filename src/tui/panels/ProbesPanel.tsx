/** `p` on a pod: every probe of every container — configuration, state, counts, next run, last failure, recent runs. */
import { Text } from 'ink';
import type { ReactElement, ReactNode } from 'react';
import type { Pod } from '../../engine/api/types.js';
import { summarizePod } from '../../printers/index.js';
import type { PanelProps } from '../panels.js';
import type { DashboardSource } from '../source.js';
import { conditionText, probeRows, PROBE_NAME, seconds, type ProbeRow } from './probeModel.js';
import { Scrolled } from './Scrolled.js';

const TONE = { 'not-started': 'gray', 'waiting-startup': '#ff8700', pending: '#ff8700', passing: 'green', failing: 'red', started: 'green' } as const;

/** The rows of a pod, sampling its probe history (the PROBES column and the panel share this). */
export function podProbeRows(pod: Pod, source: DashboardSource): ProbeRow[] {
  const ns = pod.metadata.namespace ?? 'default';
  const name = pod.metadata.name ?? '';
  const hasProbes = pod.spec.containers.some((c) => c.livenessProbe || c.readinessProbe || c.startupProbe) ||
    (pod.spec.initContainers ?? []).some((c) => c.livenessProbe || c.readinessProbe || c.startupProbe);
  if (!hasProbes) return [];
  const states = source.inspect?.probeStates(ns, name) ?? [];
  const history = source.inspect?.probeHistory(ns, name) ?? new Map();
  return probeRows(pod, states, history, source.now());
}

function Strip({ row }: { row: ProbeRow }): ReactElement {
  const runs = row.history.slice(-30);
  if (runs.length === 0) return <Text dimColor>(no runs seen yet)</Text>;
  return (
    <Text>
      {runs.map((r, i) => (
        <Text key={i} color={r.result === 'Success' ? 'green' : 'red'}>{r.result === 'Success' ? '✓' : '✗'}</Text>
      ))}
      <Text dimColor>{`  last ${runs.length} run${runs.length === 1 ? '' : 's'}, oldest first`}</Text>
    </Text>
  );
}

function probeLines(row: ProbeRow, width: number): ReactNode[] {
  const s = row.state;
  const c = row.condition;
  const label = PROBE_NAME[row.kind].padEnd(10);
  const pad = ' '.repeat(4 + 10 + 1);
  const next = row.nextInMs !== undefined ? `next run in ${seconds(row.nextInMs)}` : c.type === 'started' ? 'no more runs' : 'no run scheduled';
  const lines: ReactNode[] = [
    <Text wrap="truncate">
      {'    '}
      <Text bold>{label}</Text> {row.config}
    </Text>,
    <Text wrap="truncate">
      {pad}
      <Text color={TONE[c.type]} bold>{`${conditionText(c)}  `.padEnd(30)}</Text>
      {/* The kubelet resets the counts at the new container's first run: until then they are the old one's. */}
      {s && (c.type === 'passing' || c.type === 'failing') ? `✓ ${s.consecutiveSuccesses} ✗ ${s.consecutiveFailures} in a row  `.padEnd(22) : ''}
      <Text dimColor>{next}  every {row.probe.periodSeconds ?? 10}s</Text>
    </Text>,
    <Text wrap="truncate">
      {pad}
      <Strip row={row} />
    </Text>,
  ];
  if (row.lastFailure) {
    lines.push(
      <Text wrap="truncate">
        {pad}
        <Text color="red">last failure: </Text>
        {row.lastFailure.replace(/\s+/g, ' ').slice(0, Math.max(20, width - pad.length - 15))}
      </Text>,
    );
  }
  return lines;
}

export function ProbesPanel({ source, target, object, width, height, scroll }: PanelProps): ReactElement {
  if (!object || object.kind !== 'Pod') return <Text color="yellow">pod {target.namespace}/{target.name} is gone.</Text>;
  const pod = object as Pod;
  const rows = podProbeRows(pod, source);
  const summary = summarizePod(pod, source.now());
  const lines: ReactNode[] = [
    <Text wrap="truncate">
      <Text bold color="cyan">Probes of pod {target.namespace}/{target.name}</Text>
      {`  ${summary.status}  ready ${summary.ready}  restarts ${summary.restarts}  node ${pod.spec.nodeName ?? '<none>'}`}
    </Text>,
    <Text dimColor wrap="truncate">
      ✓ passing · ✗ failing n/failureThreshold · … waiting (startup probe, initial delay, container not running) · times on the simulated clock
    </Text>,
    <Text> </Text>,
  ];
  if (rows.length === 0) lines.push(<Text>No container of this pod has a probe: it counts as Ready as soon as it runs.</Text>);
  let container = '';
  for (const row of rows) {
    if (row.container !== container) {
      container = row.container;
      const st = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find((x) => x.name === container);
      const state = st?.state.running ? 'running' : st?.state.waiting ? `waiting: ${st.state.waiting.reason ?? ''}` : st?.state.terminated ? `terminated: ${st.state.terminated.reason ?? ''}` : 'not created';
      lines.push(
        <Text wrap="truncate">
          <Text bold>container {container}</Text>
          <Text dimColor>{`  ${state} · ready ${st?.ready ? 'yes' : 'no'}${st?.started !== undefined ? ` · started ${st.started ? 'yes' : 'no'}` : ''} · restarts ${st?.restartCount ?? 0}`}</Text>
        </Text>,
      );
    }
    lines.push(...probeLines(row, width));
  }
  return <Scrolled lines={lines} height={height} scroll={scroll} />;
}

