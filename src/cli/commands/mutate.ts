/** The verbs that change objects: delete, scale, set image, cordon, uncordon. */
import type { PropagationPolicy } from '../../engine/client.js';
import { ActionError, cordon, deleteObject, scale, setImage } from '../../engine/actions.js';
import { bool, str } from '../argv.js';
import { ALL_NAMESPACES_FLAG, NAMESPACE_FLAG, SELECTOR_FLAG, type Command } from '../command.js';
import { parseSingleTarget, parseTargets } from '../resources.js';
import { namespaceFor, noResourcesMessage, scopeOf } from './scope.js';

const CASCADE: Record<string, PropagationPolicy> = { background: 'Background', true: 'Background', orphan: 'Orphan', false: 'Orphan', foreground: 'Foreground' };

function cascadeOf(value: string | undefined): PropagationPolicy | undefined {
  if (value === undefined) return undefined;
  const policy = CASCADE[value];
  if (!policy) throw new ActionError(`invalid cascade value (${value}). Must be "background", "foreground", or "orphan"`);
  return policy;
}

export const deleteCommand: Command = {
  name: 'delete',
  summary: 'Delete objects; dependents go too (background cascade) unless --cascade=orphan.',
  usage: 'delete TYPE NAME... | TYPE/NAME... | TYPE -l SELECTOR | TYPE --all [flags]',
  flags: [
    NAMESPACE_FLAG,
    ALL_NAMESPACES_FLAG,
    SELECTOR_FLAG,
    { name: 'all', kind: 'boolean', help: 'every object of the type in the namespace' },
    { name: 'cascade', kind: 'string', value: 'POLICY', help: 'background (default), foreground or orphan' },
  ],
  examples: ['kubedeck delete deployment/my-nginx', 'kubedeck delete rs -l app=web --cascade=orphan'],
  run(args, ctx) {
    const scope = scopeOf(args);
    const policy = cascadeOf(str(args, 'cascade'));
    const selector = str(args, 'selector');
    for (const { kind, names } of parseTargets(args.positionals, 'delete')) {
      let targets: { namespace: string | undefined; name: string }[];
      if (names.length > 0) {
        targets = names.map((name) => ({ namespace: kind.namespaced ? scope.namespace : undefined, name }));
      } else {
        if (!selector && !bool(args, 'all')) throw new ActionError('resource(s) were provided, but no name was specified');
        const namespace = namespaceFor(kind, scope);
        targets = ctx.cluster.list(kind.kind, { ...(namespace !== undefined ? { namespace } : {}), ...(selector ? { labelSelector: selector } : {}) })
          .map((o) => ({ namespace: o.metadata.namespace, name: o.metadata.name! }));
        if (targets.length === 0) ctx.err(noResourcesMessage(scope, kind.namespaced));
      }
      for (const t of targets) {
        try {
          ctx.out(`${deleteObject(ctx.cluster, kind.kind, t.namespace, t.name, policy)}\n`);
        } catch (e) {
          reportAndContinue(e, ctx);
        }
      }
    }
  },
};

/** kubectl goes on with the next name after a NotFound, and exits 1 at the end. */
function reportAndContinue(e: unknown, ctx: { err(t: string): void; fail(): void }): void {
  if (e instanceof Error && 'kubectlMessage' in e && typeof e.kubectlMessage === 'function') {
    ctx.err(`${(e.kubectlMessage as () => string)()}\n`);
    ctx.fail();
  } else throw e;
}

export const scaleCommand: Command = {
  name: 'scale',
  summary: 'Set the replica count of a Deployment, ReplicaSet or StatefulSet.',
  usage: 'scale TYPE/NAME --replicas=N [flags]',
  flags: [NAMESPACE_FLAG, { name: 'replicas', kind: 'string', value: 'N', help: 'the new replica count' }],
  examples: ['kubedeck scale deployment/my-nginx --replicas=5'],
  run(args, ctx) {
    const { kind, name } = parseSingleTarget(args.positionals, 'scale');
    const replicas = str(args, 'replicas');
    if (replicas === undefined || !/^\d+$/.test(replicas)) throw new ActionError('The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
    if (Number(replicas) > 2_147_483_647) {
      throw new ActionError(`invalid argument "${replicas}" for "--replicas" flag: strconv.ParseInt: parsing "${replicas}": value out of range`);
    }
    ctx.out(`${scale(ctx.cluster, kind.kind, scopeOf(args).namespace, name, Number(replicas))}\n`);
  },
};

export const setCommand: Command = {
  name: 'set',
  summary: 'Set an image of a workload\'s pod template (a new rollout).',
  usage: 'set image TYPE/NAME CONTAINER=IMAGE [CONTAINER=IMAGE...] [flags]',
  flags: [NAMESPACE_FLAG],
  examples: ['kubedeck set image deployment/my-nginx nginx=nginx:1.25'],
  run(args, ctx) {
    const [sub, ...rest] = args.positionals;
    if (sub !== 'image') throw new ActionError(`unknown command "set ${sub ?? ''}": only "set image" is supported`);
    const pairs = rest.filter((r) => r.includes('='));
    const resources = rest.filter((r) => !r.includes('='));
    if (pairs.length === 0) throw new ActionError('at least one image update is required');
    const { kind, name } = parseSingleTarget(resources, 'set image');
    const images = Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
    ctx.out(`${setImage(ctx.cluster, kind.kind, scopeOf(args).namespace, name, images)}\n`);
  },
};

function cordonCommand(unschedulable: boolean): Command {
  const verb = unschedulable ? 'cordon' : 'uncordon';
  return {
    name: verb,
    summary: unschedulable ? 'Mark nodes unschedulable: no new pods land there.' : 'Mark nodes schedulable again.',
    usage: `${verb} NODE...`,
    flags: [],
    examples: [`kubedeck ${verb} kubedeck-worker2`],
    run(args, ctx) {
      if (args.positionals.length === 0) throw new ActionError('USAGE: ' + `${verb} NODE [flags]`);
      for (const node of args.positionals) {
        try {
          ctx.out(`${cordon(ctx.cluster, node, unschedulable)}\n`);
        } catch (e) {
          reportAndContinue(e, ctx);
        }
      }
    },
  };
}

export const cordonCommands = [cordonCommand(true), cordonCommand(false)];

