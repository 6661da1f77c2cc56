/**
 * Registers the panels (probes, rollout, why) and the columns they add to the pods and nodes views.
 * Imported once where the dashboard is assembled (run.ts); tests import it directly.
 */
import type { Node, Pod } from '../../engine/api/types.js';
import { ACTIONS, registerBindings } from '../keymap.js';
import { registerPanel } from '../panels.js';
import { registerView, viewById, type ExtraColumn } from '../views.js';
import { compactCell } from './probeModel.js';
import { podProbeRows, ProbesPanel } from './ProbesPanel.js';
import { handleRollout, RolloutPanel } from './RolloutPanel.js';
import { WhyPanel } from './WhyPanel.js';

const probesColumn: ExtraColumn = {
  name: 'PROBES',
  before: 'AGE',
  cell: (o, s) => compactCell(podProbeRows(o as Pod, s)),
  tone: (o, s) => (podProbeRows(o as Pod, s).some((r) => r.condition.type === 'failing') ? 'error' : undefined),
};

/** `control-plane:NoSchedule`: kubectl's `key=value:Effect`, the well-known prefixes dropped to keep it short. */
export function taintsCell(node: Node): string {
  const taints = node.spec?.taints ?? [];
  if (taints.length === 0) return '<none>';
  return taints
    .map((t) => `${t.key.replace(/^node(-role)?\.kubernetes\.io\//, '')}${t.value ? `=${t.value}` : ''}:${t.effect}`)
    .join(',');
}

// After the allocation bars and the pod count: on a narrow terminal the taints are what gets cut, not the bars.
const taintsColumn: ExtraColumn = { name: 'TAINTS', before: 'AGE', cell: (o) => taintsCell(o as Node) };

let done = false;

export function registerPanels(): void {
  if (done) return;
  done = true;
  registerPanel({ id: 'probes', action: 'probes', title: 'Probes', kinds: ['Pod'], render: ProbesPanel });
  registerPanel({ id: 'rollout', action: 'rollout', title: 'Rollout', kinds: ['Deployment', 'StatefulSet', 'DaemonSet'], render: RolloutPanel, handle: handleRollout });
  registerBindings('rollout', { rollbackTo: ['enter'] }, {
    rollbackTo: { hint: 'roll back', help: 'roll back to the revision chosen in the history (asks; ↑/↓ choose)', dangerous: true, hinted: true },
  });
  registerPanel({ id: 'why', action: 'why', title: 'Why', kinds: ['Pod'], render: WhyPanel });
  // The panels exist now: show their keys in the hint bar.
  for (const action of ['rollout', 'why']) if (ACTIONS[action]) ACTIONS[action] = { ...ACTIONS[action], hinted: true };
  const nodes = viewById('nodes');
  if (nodes) registerView({ ...nodes, extraColumns: [...(nodes.extraColumns ?? []).filter((c) => c.name !== 'TAINTS'), taintsColumn] });
  const pods = viewById('pods');
  if (pods) registerView({ ...pods, extraColumns: [...(pods.extraColumns ?? []).filter((c) => c.name !== 'PROBES'), probesColumn] });
}

registerPanels();
