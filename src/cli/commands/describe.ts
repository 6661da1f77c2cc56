/** `kubedeck describe`: kubectl's describe text; a name that matches nothing exactly matches by prefix, as kubectl does. */
import { qualifiedResource } from '../../engine/api/kinds.js';
import type { AnyObject } from '../../engine/api/types.js';
import { notFound } from '../../engine/errors.js';
import { describe } from '../../printers/index.js';
import { str } from '../argv.js';
import { ALL_NAMESPACES_FLAG, NAMESPACE_FLAG, SELECTOR_FLAG, type Command } from '../command.js';
import { parseTargets } from '../resources.js';
import { namespaceFor, noResourcesMessage, scopeOf } from './scope.js';

export const describeCommand: Command = {
  name: 'describe',
  summary: 'Show the details of objects, with their events, as kubectl describe does.',
  usage: 'describe TYPE [NAME_PREFIX] | TYPE/NAME [flags]',
  flags: [NAMESPACE_FLAG, ALL_NAMESPACES_FLAG, SELECTOR_FLAG],
  examples: ['kubedeck describe pod my-nginx --dir demo-manifests', 'kubedeck describe node/kubedeck-worker --dir demo-manifests'],
  run(args, ctx) {
    const scope = scopeOf(args);
    const labelSelector = str(args, 'selector');
    const texts: string[] = [];
    let anyNamespaced = false;
    for (const { kind, names } of parseTargets(args.positionals, 'describe')) {
      anyNamespaced ||= kind.namespaced;
      const namespace = namespaceFor(kind, scope);
      const inScope = () => ctx.cluster.list(kind.kind, { ...(namespace !== undefined ? { namespace } : {}), ...(labelSelector ? { labelSelector } : {}) }) as AnyObject[];
      const objects: AnyObject[] = [];
      if (names.length === 0) objects.push(...inScope());
      for (const name of names) {
        const exact = ctx.cluster.get(kind.kind, kind.namespaced ? scope.namespace : undefined, name) as AnyObject | undefined;
        const matches = exact ? [exact] : inScope().filter((o) => o.metadata.name!.startsWith(name));
        if (matches.length === 0) {
          ctx.err(`${notFound(qualifiedResource(kind), name).kubectlMessage()}\n`);
          ctx.fail();
        }
        objects.push(...matches);
      }
      const now = ctx.cluster.clock.now();
      texts.push(...objects.map((o) => describe(o, ctx.cluster, { now })));
    }
    if (texts.length > 0) ctx.out(texts.join('\n\n'));
    else if (args.positionals.every((p) => !p.includes('/')) && args.positionals.length === 1) ctx.err(noResourcesMessage(scope, anyNamespaced));
  },
};
