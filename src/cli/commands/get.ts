/** `kubedeck get`: kubectl's tables, `-o wide|yaml|json|name`, selectors, several kinds at once. */
import { kindInfo, objectRef, qualifiedResource, type KindInfo } from '../../engine/api/kinds.js';
import type { AnyObject, KindName } from '../../engine/api/types.js';
import { ActionError } from '../../engine/actions.js';
import { notFound } from '../../engine/errors.js';
import { buildTable, formatTable, kindPrefix, toJson, toYaml } from '../../printers/index.js';
import { bool, str, type ParsedArgs } from '../argv.js';
import { ALL_NAMESPACES_FLAG, NAMESPACE_FLAG, SELECTOR_FLAG, type Command, type CommandContext, type Flag } from '../command.js';
import { parseTargets, type Target } from '../resources.js';
import { namespaceFor, noResourcesMessage, scopeOf, type Scope } from './scope.js';

export type OutputFormat = 'table' | 'wide' | 'yaml' | 'json' | 'name';
const FORMATS: readonly OutputFormat[] = ['wide', 'yaml', 'json', 'name'];

export function outputFormat(value: string | undefined): OutputFormat {
  if (value === undefined) return 'table';
  if ((FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
  throw new ActionError(`unable to match a printer suitable for the output format "${value}", allowed formats are: json,name,wide,yaml`);
}

export const GET_FLAGS: readonly Flag[] = [
  NAMESPACE_FLAG,
  ALL_NAMESPACES_FLAG,
  { name: 'output', short: 'o', kind: 'string', value: 'FORMAT', help: 'wide, yaml, json or name' },
  SELECTOR_FLAG,
  { name: 'field-selector', kind: 'string', value: 'SELECTOR', help: 'field selector: spec.nodeName=NODE, status.phase=Running, metadata.name=x' },
  { name: 'no-headers', kind: 'boolean', help: 'leave out the header line' },
  { name: 'watch', short: 'w', kind: 'boolean', help: 'after the list, print each change as it happens (needs the headless CLI, not a scenario)' },
];

export interface Found {
  kind: KindInfo;
  objects: AnyObject[];
}

/** Fetches what the targets name; names that do not exist are reported kubectl-style and mark the command failed. */
export function fetchTargets(targets: readonly Target[], args: ParsedArgs, scope: Scope, ctx: CommandContext): Found[] {
  const labelSelector = str(args, 'selector');
  const fieldSelector = str(args, 'field-selector');
  const named = targets.some((t) => t.names.length > 0);
  if (named && (labelSelector !== undefined || fieldSelector !== undefined)) {
    throw new ActionError('selectors and the all flag cannot be used when passing resource/name arguments');
  }
  return targets.map(({ kind, names }) => {
    const namespace = namespaceFor(kind, scope);
    if (names.length === 0) {
      return { kind, objects: ctx.cluster.list(kind.kind, { ...(namespace !== undefined ? { namespace } : {}), ...(labelSelector !== undefined ? { labelSelector } : {}), ...(fieldSelector !== undefined ? { fieldSelector } : {}) }) as AnyObject[] };
    }
    const objects: AnyObject[] = [];
    for (const name of names) {
      const o = ctx.cluster.get(kind.kind, kind.namespaced ? scope.namespace : undefined, name);
      if (o) objects.push(o as AnyObject);
      else {
        ctx.err(`${notFound(qualifiedResource(kind), name).kubectlMessage()}\n`);
        ctx.fail();
      }
    }
    return { kind, objects };
  });
}

/** kubectl's text for what was found, or '' when nothing was. */
export function printFound(found: readonly Found[], format: OutputFormat, opts: { scope: Scope; noHeaders: boolean; single: boolean; withKind: boolean; now: number }): string {
  const all = found.flatMap((f) => f.objects);
  if (all.length === 0) return '';
  switch (format) {
    case 'yaml':
      return opts.single && all.length === 1 ? toYaml(all[0]!) : toYaml(all);
    case 'json':
      return opts.single && all.length === 1 ? toJson(all[0]!) : toJson(all);
    case 'name':
      return all.map((o) => `${objectRef(kindInfo(o.kind)!, o.metadata.name!)}\n`).join('');
    default: {
      const tables: string[] = [];
      for (const { kind, objects } of found) {
        if (objects.length === 0) continue;
        const wide = format === 'wide';
        const table = buildTable(kind.kind as KindName, objects as never[], { now: opts.now, wide });
        tables.push(formatTable(table, {
          wide,
          noHeaders: opts.noHeaders,
          ...(opts.scope.all && kind.namespaced ? { namespace: 'column' as const } : {}),
          ...(opts.withKind ? { namePrefix: kindPrefix(kind.kind as KindName) } : {}),
        }));
      }
      return tables.join(opts.noHeaders ? '' : '\n');
    }
  }
}

export const getCommand: Command = {
  name: 'get',
  summary: 'Print objects as kubectl get does.',
  usage: 'get TYPE[,TYPE...] [NAME...] | TYPE/NAME... | all | events [flags]',
  flags: GET_FLAGS,
  examples: ['kubedeck get nodes --dir demo-manifests', 'kubedeck get deploy,po -o wide --dir demo-manifests --at 90s', 'kubedeck get pods -A -l app=web -o json --dir ./k8s'],
  run(args, ctx) {
    if (bool(args, 'watch')) throw new ActionError('--watch follows a live cluster: use it from the command line, not in a scenario');
    const format = outputFormat(str(args, 'output'));
    const scope = scopeOf(args);
    const targets = parseTargets(args.positionals, 'get');
    const found = fetchTargets(targets, args, scope, ctx);
    const named = targets.some((t) => t.names.length > 0);
    const text = printFound(found, format, {
      scope,
      noHeaders: bool(args, 'no-headers'),
      single: named && targets.length === 1 && targets[0]!.names.length === 1,
      withKind: targets.length > 1,
      now: ctx.cluster.clock.now(),
    });
    if (text) ctx.out(text);
    else if (!named) ctx.err(noResourcesMessage(scope, targets.some((t) => t.kind.namespaced)));
  },
};
