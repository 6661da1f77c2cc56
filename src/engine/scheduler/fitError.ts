/** The FailedScheduling message (framework.FitError.Error()). */

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

/**
 * `0/N nodes are available: <PreFilter message>.` when a PreFilter plugin rejected the pod, else
 * `0/N nodes are available: <count> <reason>, ...` with one entry per distinct reason, the entries sorted as strings.
 */
export function fitErrorMessage(numAllNodes: number, preFilterMessage: string | undefined, reasons: Iterable<string>): string {
  let message = `0/${numAllNodes} nodes are available:`;
  if (preFilterMessage !== undefined && preFilterMessage !== '') return `${message} ${preFilterMessage}.`;
  const histogram = new Map<string, number>();
  for (const r of reasons) histogram.set(r, (histogram.get(r) ?? 0) + 1);
  const entries = [...histogram].map(([reason, count]) => `${count} ${reason}`);
  entries.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length > 0) message += ` ${entries.join(', ')}.`;
  return message;
}
