/**
 * `w` on a pod: the scheduler's last attempt node by node — the FailedScheduling message on top, then per node the
 * filter that rejected it and why, or its per-plugin scores and total (weights in the header).
 */
import { Box, Text } from 'ink';
import type { ReactElement, ReactNode } from 'react';
import type { NodeVerdict, SchedulingVerdict } from '../../engine/scheduler/index.js';
import { SCORE_PLUGINS } from '../../engine/scheduler/types.js';
import type { PanelProps } from '../panels.js';
import { seconds } from './probeModel.js';
import { Scrolled } from './Scrolled.js';

/** Short score column names, in the default profile's order (a legend line spells them out). */
const SCORE_ABBREV: Record<string, string> = {
  TaintToleration: 'TT',
  NodeAffinity: 'NA',
  NodeResourcesFit: 'Fit',
  PodTopologySpread: 'PTS',
  InterPodAffinity: 'IPA',
  NodeResourcesBalancedAllocation: 'BA',
  ImageLocality: 'IL',
};

export interface WhyRow {
  node: string;
  verdict: string;
  reason: string;
  scores: string[];
  total: string;
  tone: 'rejected' | 'feasible' | 'selected';
}

export const scoreHeaders = (): string[] => SCORE_PLUGINS.map((p) => `${SCORE_ABBREV[p.name] ?? p.name}×${p.weight}`);
const LEGEND = `scores 0-100 × weight: ${SCORE_PLUGINS.map((p) => `${SCORE_ABBREV[p.name]} ${p.name}`).join(', ')}`;

/** One table row per node (pure). */
export function whyRows(nodes: readonly NodeVerdict[]): WhyRow[] {
  return nodes.map((n) => {
    if (!n.feasible) return { node: n.node, verdict: `✗ ${n.plugin}`, reason: n.reasons.join('; '), scores: SCORE_PLUGINS.map(() => ''), total: '', tone: 'rejected' };
    const scores = SCORE_PLUGINS.map((p) => {
      const s = n.scores?.find((x) => x.plugin === p.name);
      return !s ? '' : s.skipped ? '-' : String(Math.round(s.score));
    });
    const reason = n.scores ? '' : 'the only feasible node: not scored';
    return { node: n.node, verdict: n.selected ? '✓ selected' : '✓ feasible', reason, scores, total: n.total !== undefined ? String(Math.round(n.total)) : '', tone: n.selected ? 'selected' : 'feasible' };
  });
}

function summaryLines(v: SchedulingVerdict): string[] {
  const lines: string[] = [];
  const outcome = v.outcome === 'Scheduled' ? `scheduled on ${v.node}` : v.outcome === 'WaitingForVolumes' ? `node ${v.node} chosen, waiting for its volumes` : 'unschedulable';
  lines.push(`last attempt #${v.attempts} at ${v.attemptedAt}: ${outcome}`);
  lines.push(`nodes: ${v.nodesTotal} in the cluster, ${v.nodesEvaluated} evaluated, ${v.feasibleNodes} feasible${v.nodesEvaluated < v.nodesTotal ? ` (the scheduler stops after finding ${v.nodesToFind})` : ''}`);
  if (v.preFilter) lines.push(`rejected before any node was looked at: ${v.preFilter.plugin}: ${v.preFilter.reason}`);
  if (v.detail === 'summary') lines.push('(an older bound pod: only the chosen node is kept)');
  return lines;
}

export function WhyPanel({ source, target, object, width, height, scroll }: PanelProps): ReactElement {
  if (!object) return <Text color="yellow">pod {target.namespace}/{target.name} is gone.</Text>;
  const ns = target.namespace ?? 'default';
  const verdict = source.inspect?.schedulingVerdict(ns, target.name);
  const queue = source.inspect?.schedulingQueue(ns, target.name);
  const head: ReactNode[] = [
    <Text bold color="cyan" wrap="truncate">{`Why: scheduling of pod ${ns}/${target.name}`}</Text>,
  ];
  if (!verdict) {
    head.push(<Text>{(object as { spec: { nodeName?: string } }).spec.nodeName ? 'The scheduler did not place this pod (it named its node itself).' : 'The scheduler has not tried this pod yet.'}</Text>);
    return <Box flexDirection="column">{head}</Box>;
  }
  if (verdict.message) {
    head.push(
      <Text color="red" wrap="wrap">
        <Text bold>FailedScheduling </Text>
        {verdict.message}
      </Text>,
    );
  }
  for (const l of summaryLines(verdict)) head.push(<Text dimColor wrap="truncate">{l}</Text>);
  if (queue) {
    const next = queue.nextAttemptAt !== undefined ? `, next attempt in ${seconds(Math.max(0, queue.nextAttemptAt - source.now()))}` : '';
    const waits = queue.state === 'unschedulable' && queue.rejectedBy.length > 0 ? ` — waits for a change that concerns ${queue.rejectedBy.join(', ')}` : '';
    head.push(<Text dimColor wrap="truncate">{`queue: ${queue.state}${next}${waits}`}</Text>);
  }
  head.push(<Text> </Text>);

  const rows = whyRows(verdict.nodes);
  // Score columns only when some node was scored (a pod no node fits has none).
  const scored = rows.some((r) => r.scores.some((c) => c !== ''));
  const headers = scored ? scoreHeaders() : [];
  if (!scored) for (const r of rows) r.scores = [];
  if (scored) head.push(<Text dimColor wrap="truncate">{LEGEND}</Text>);
  const nodeW = Math.max(4, ...rows.map((r) => r.node.length));
  const verdictW = Math.max(7, ...rows.map((r) => r.verdict.length));
  const scoreW = headers.map((h) => h.length);
  const scoresText = (cells: string[]) => cells.map((c, i) => c.padStart(scoreW[i]!)).join(' ');
  const scoresW = scored ? scoresText(headers).length + 2 + 5 : 0;
  const prefixW = nodeW + 2 + verdictW + 2;
  // The reason wraps in the room left between the node and the scores (kube-scheduler's reasons are long).
  const reasonW = Math.max(12, width - prefixW - (scored ? scoresW + 2 : 0) - 1);
  const line = (r: { node: string; verdict: string; reason: string; scores: string[]; total: string }, props: { bold?: boolean; color?: string | undefined }) => {
    // A rejected node has no scores: its reason takes the whole rest of the line.
    const withScores = scored && r.scores.some((c) => c !== '');
    return (
      <Box>
        <Box width={prefixW} flexShrink={0}>
          <Text {...props} wrap="truncate">{`${r.node.padEnd(nodeW)}  ${r.verdict}`}</Text>
        </Box>
        <Box width={withScores ? reasonW : Math.max(12, width - prefixW - 1)} flexShrink={0}>
          <Text {...props} wrap="wrap">{r.reason || ' '}</Text>
        </Box>
        {withScores && <Text {...props}>{`  ${scoresText(r.scores)}  ${r.total.padStart(5)}`}</Text>}
      </Box>
    );
  };
  head.push(line({ node: 'NODE', verdict: 'VERDICT', reason: 'REASON', scores: headers, total: 'TOTAL' }, { bold: true }));
  const body = rows.map((r) => line(r, { color: r.tone === 'rejected' ? 'red' : r.tone === 'selected' ? 'green' : undefined }));
  if (rows.length === 0) body.push(<Text dimColor>(no node was evaluated)</Text>);
  const tableHeight = Math.max(1, height - head.length);
  return (
    <Box flexDirection="column">
      {head.map((h, i) => (
        <Box key={i}>{h}</Box>
      ))}
      <Scrolled lines={body} height={tableHeight} scroll={scroll} />
    </Box>
  );
}
