/** `kubectl rollout history` (pkg/polymorphichelpers/history.go, cmd/rollout/rollout_history.go). */
import type { RolloutHistory } from '../engine/rollout/index.js';
import { describePodTemplate } from './describeContainers.js';
import { PrefixWriter } from './describeWriter.js';
import { DESCRIBE_TABWRITER, tabwrite } from './tabwriter.js';

/**
 * The NamePrinter line (`deployment.apps/web ` or `... with revision #2`), then the REVISION/CHANGE-CAUSE table or the
 * revision's pod template — written into a plain buffer, so its tabs stay raw — and the newline kubectl adds.
 */
export function formatRolloutHistory(history: RolloutHistory): string {
  if ('template' in history) {
    const w = new PrefixWriter();
    describePodTemplate(w, history.template);
    return `${history.ref} with revision #${history.revision}\n${w.raw()}\n`;
  }
  if (history.revisions.length === 0) return `${history.ref} \nNo rollout history found.\n`;
  const rows = history.revisions.map((r) => `${r.revision}\t${r.changeCause ?? '<none>'}\n`).join('');
  return `${history.ref} \n${tabwrite(`REVISION\tCHANGE-CAUSE\n${rows}`, DESCRIBE_TABWRITER)}\n`;
}
