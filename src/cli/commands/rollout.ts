/** `kubedeck rollout undo|pause|resume|restart|status|history TYPE/NAME`. */
import { kindInfo, qualifiedResource } from '../../engine/api/kinds.js';
import type { AnyObject } from '../../engine/api/types.js';
import { ActionError, rolloutRestart, setPaused } from '../../engine/actions.js';
import { notFound } from '../../engine/errors.js';
import { formatRolloutHistory } from '../../printers/index.js';
import { isRolloutKind, rolloutOps, type RolloutKind, type RolloutOps } from '../../engine/rollout/index.js';
import { str } from '../argv.js';
import { NAMESPACE_FLAG, type Command, type CommandContext } from '../command.js';
import { parseSingleTarget } from '../resources.js';
import { scopeOf } from './scope.js';

const SUBCOMMANDS = ['undo', 'pause', 'resume', 'restart', 'status', 'history'] as const;
type Sub = (typeof SUBCOMMANDS)[number];

function revisionFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new ActionError(`invalid argument "${value}" for "--${flag}" flag: strconv.ParseInt: parsing "${value}": invalid syntax`);
  return Number(value);
}

function workload(ctx: CommandContext, kind: RolloutKind, namespace: string, name: string): AnyObject {
  const o = ctx.cluster.get(kind, namespace, name);
  if (!o) throw notFound(qualifiedResource(kindInfo(kind)!), name);
  return o as AnyObject;
}

export const rolloutCommand: Command = {
  name: 'rollout',
  summary: 'Manage the rollout of a Deployment, StatefulSet or DaemonSet.',
  usage: 'rollout undo|pause|resume|restart|status|history TYPE/NAME [flags]',
  flags: [
    NAMESPACE_FLAG,
    { name: 'to-revision', kind: 'string', value: 'N', help: 'undo: the revision to roll back to (default: the previous one)' },
    { name: 'revision', kind: 'string', value: 'N', help: 'history: show this revision\'s pod template; status: wait for this revision' },
  ],
  examples: ['kubedeck rollout undo deployment/checkout', 'kubedeck rollout history deployment/checkout --revision=2', 'kubedeck rollout status statefulset/web'],
  run(args, ctx) {
    const [sub, ...rest] = args.positionals;
    if (!SUBCOMMANDS.includes(sub as Sub)) throw new ActionError(`unknown command "rollout ${sub ?? ''}": use one of ${SUBCOMMANDS.join(', ')}`);
    const { kind, name } = parseSingleTarget(rest, `rollout ${sub}`);
    const namespace = scopeOf(args).namespace;
    const now = ctx.cluster.clock.nowRfc3339();
    switch (sub as Sub) {
      case 'pause':
      case 'resume':
        ctx.out(`${setPaused(ctx.cluster, kind.kind, namespace, name, sub === 'pause')}\n`);
        return;
      case 'restart':
        ctx.out(`${rolloutRestart(ctx.cluster, kind.kind, namespace, name, now)}\n`);
        return;
    }
    if (!isRolloutKind(kind.kind)) throw new ActionError(`no rollout history found for ${kind.plural}: only deployments, statefulsets and daemonsets have revisions`);
    const ops = rolloutOps(kind.kind) as RolloutOps<RolloutKind>;
    const object = workload(ctx, kind.kind, namespace, name) as never;
    switch (sub as Sub) {
      case 'undo':
        ctx.out(`${ops.undo(ctx.cluster, object, { ...optional('toRevision', revisionFlag(str(args, 'to-revision'), 'to-revision')) })}\n`);
        return;
      case 'history':
        ctx.out(formatRolloutHistory(ops.history(object, ctx.cluster, { ...optional('revision', revisionFlag(str(args, 'revision'), 'revision')) })));
        return;
      case 'status': {
        const status = ops.status(object, ctx.cluster, { ...optional('revision', revisionFlag(str(args, 'revision'), 'revision')) });
        if (status.message.startsWith('error: ')) {
          ctx.err(`${status.message}\n`);
          ctx.fail();
        } else ctx.out(`${status.message}\n`);
        return;
      }
    }
  },
};

function optional<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}
