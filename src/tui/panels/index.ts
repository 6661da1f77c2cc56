/**
 * Registers the panels (probes, rollout, why) and the columns they add to the pods and nodes views.
 * Imported once where the dashboard is assembled (run.ts); tests import it directly.
 */
import type { Pod } from '../../engine/api/types.js';
import { registerBindings } from '../keymap.js';
import { registerPanel } from '../panels.js';
import { registerView, viewById, type ExtraColumn } from '../views.js';
import { compactCell } from './probeModel.js';
import { podProbeRows, ProbesPanel } from './ProbesPanel.js';
import { handleRollout, RolloutPanel } from './RolloutPanel.js';

const probesColumn: ExtraColumn = {
  name: 'PROBES',
  before: 'AGE',
  cell: (o, s) => compactCell(podProbeRows(o as Pod, s)),
  tone: (o, s) => (podProbeRows(o as Pod, s).some((r) => r.condition.type === 'failing') ? 'error' : undefined),
};

let done = false;

export function registerPanels(): void {
  if (done) return;
  done = true;
  registerPanel({ id: 'probes', action: 'probes', title: 'Probes', kinds: ['Pod'], render: ProbesPanel });
  registerPanel({ id: 'rollout', action: 'rollout', title: 'Rollout', kinds: ['Deployment', 'StatefulSet', 'DaemonSet'], render: RolloutPanel, handle: handleRollout });
  registerBindings('rollout', { rollbackTo: ['enter'] }, {
    rollbackTo: { hint: 'roll back', help: 'roll back to the revision chosen in the history (asks; ↑/↓ choose)', dangerous: true, hinted: true },
  });
  const pods = viewById('pods');
  if (pods) registerView({ ...pods, extraColumns: [...(pods.extraColumns ?? []).filter((c) => c.name !== 'PROBES'), probesColumn] });
}

registerPanels();
