/** `drain NODE` as kubectl does it, and `node fail|recover|add|remove NODE`, which kubectl lacks. */
import { ActionError } from '../../engine/actions.js';
import { drain } from '../../engine/drain.js';
import { addNode, failNode, recoverNode, removeNode } from '../../engine/nodeActions.js';
import { bool, list, str } from '../argv.js';
import type { Command } from '../command.js';

function seconds(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(-?\d+)(s?)$/.exec(value);
  if (!m) throw new ActionError(`invalid argument "${value}" for "--${flag}" flag: a number of seconds`);
  return Number(m[1]);
}

export const drainCommand: Command = {
  name: 'drain',
  summary: 'Cordon a node and evict its pods, with kubectl\'s rules (waits in simulated time until they are gone).',
  usage: 'drain NODE [--ignore-daemonsets] [--force] [--delete-emptydir-data] [flags]',
  flags: [
    { name: 'ignore-daemonsets', kind: 'boolean', help: 'leave DaemonSet-managed pods' },
    { name: 'force', kind: 'boolean', help: 'also delete pods no controller owns' },
    { name: 'delete-emptydir-data', kind: 'boolean', help: 'also delete pods with emptyDir volumes' },
    { name: 'grace-period', kind: 'string', value: 'SECONDS', help: 'termination grace period for the evicted pods (default: each pod\'s own)' },
    { name: 'timeout', kind: 'string', value: 'SECONDS', help: 'give up after this long (default: wait, at most 1 simulated hour)' },
    { name: 'pod-selector', kind: 'string', value: 'SELECTOR', help: 'only evict pods matching this label selector' },
  ],
  examples: ['kubedeck drain kubedeck-worker2 --ignore-daemonsets'],
  run(args, ctx) {
    const [node, extra] = args.positionals;
    if (!node || extra) throw new ActionError('USAGE: drain NODE [flags]');
    const grace = seconds(str(args, 'grace-period'), 'grace-period');
    const timeout = seconds(str(args, 'timeout'), 'timeout');
    const selector = str(args, 'pod-selector');
    const op = drain(ctx.cluster, node, {
      force: bool(args, 'force'),
      ignoreDaemonSets: bool(args, 'ignore-daemonsets'),
      deleteEmptyDirData: bool(args, 'delete-emptydir-data'),
      ...(grace !== undefined && grace >= 0 ? { gracePeriodSeconds: grace } : {}),
      ...(timeout !== undefined && timeout > 0 ? { timeoutSeconds: timeout } : {}),
      ...(selector !== undefined ? { podSelector: selector } : {}),
    });
    for (const line of op.lines) (line.stream === 'out' ? ctx.out : ctx.err)(`${line.text}\n`);
    if (op.status !== 'drained') ctx.fail();
  },
};

const NODE_VERBS = ['fail', 'recover', 'add', 'remove'] as const;

export const nodeCommand: Command = {
  name: 'node',
  summary: 'Simulate node events kubectl cannot cause: a node fails (heartbeats stop) or recovers, joins or leaves.',
  usage: 'node fail|recover|add|remove NODE [flags]',
  flags: [
    { name: 'label', kind: 'list', value: 'KEY=VALUE', help: 'add: a label for the new node (repeatable)' },
    { name: 'cpu', kind: 'string', value: 'N', help: 'add: CPU capacity (default 4)' },
    { name: 'memory', kind: 'string', value: 'QUANTITY', help: 'add: memory capacity (default 16Gi)' },
    { name: 'control-plane', kind: 'boolean', help: 'add: a control-plane node (role label and NoSchedule taint)' },
  ],
  examples: ['kubedeck node fail kubedeck-worker2', 'kubedeck node add kubedeck-worker4 --label zone=b --cpu 8'],
  run(args, ctx) {
    const [verb, name, extra] = args.positionals;
    if (!NODE_VERBS.includes(verb as (typeof NODE_VERBS)[number]) || !name || extra) {
      throw new ActionError(`USAGE: node ${NODE_VERBS.join('|')} NODE`);
    }
    switch (verb) {
      case 'fail':
        return void ctx.out(`${failNode(ctx.cluster, name)}\n`);
      case 'recover':
        return void ctx.out(`${recoverNode(ctx.cluster, name)}\n`);
      case 'remove':
        return void ctx.out(`${removeNode(ctx.cluster, name)}\n`);
      case 'add': {
        const labels = Object.fromEntries(list(args, 'label').map((l) => {
          const eq = l.indexOf('=');
          if (eq <= 0) throw new ActionError(`invalid label "${l}": use KEY=VALUE`);
          return [l.slice(0, eq), l.slice(eq + 1)];
        }));
        const cpu = str(args, 'cpu');
        const memory = str(args, 'memory');
        const capacity = { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) };
        return void ctx.out(`${addNode(ctx.cluster, name, {
          labels,
          controlPlane: bool(args, 'control-plane'),
          ...(Object.keys(capacity).length > 0 ? { capacity } : {}),
        })}\n`);
      }
    }
  },
};
