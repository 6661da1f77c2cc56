/** kubectl's resource arguments: `deploy`, `deploy,po`, `deploy web api`, `deploy/web po/x`, `all`. */
import { kindInfo, resolveResource, type KindInfo } from '../engine/api/kinds.js';
import { ActionError } from '../engine/actions.js';
import { GET_ALL_KINDS } from '../printers/index.js';

export interface Target {
  kind: KindInfo;
  /** Empty: every object of the kind (in scope). */
  names: string[];
}

export function resolveKind(name: string): KindInfo {
  const info = resolveResource(name);
  if (!info) throw new ActionError(`the server doesn't have a resource type "${name}"`);
  return info;
}

const ALL = GET_ALL_KINDS.map((k) => kindInfo(k)!);

/** Parses resource arguments as kubectl does; `all` expands to the kinds of the `all` category. */
export function parseTargets(args: readonly string[], verb: string): Target[] {
  if (args.length === 0) {
    throw new ActionError(`You must specify the type of resource to ${verb}. Use "kubedeck get --help" for the supported resources.`);
  }
  if (args.some((a) => a.includes('/'))) {
    const loose = args.find((a) => !a.includes('/'));
    if (loose !== undefined) {
      throw new ActionError(
        `there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubedeck ${verb} resource/<resource_name>' instead of 'kubedeck ${verb} resource resource/<resource_name>'`,
      );
    }
    const targets: Target[] = [];
    for (const arg of args) {
      const [type, name] = [arg.slice(0, arg.indexOf('/')), arg.slice(arg.indexOf('/') + 1)];
      if (!name) throw new ActionError(`arguments in resource/name form must have a single resource and name`);
      const kind = resolveKind(type);
      const same = targets.find((t) => t.kind === kind);
      if (same) same.names.push(name);
      else targets.push({ kind, names: [name] });
    }
    return targets;
  }
  const [types, ...names] = args as [string, ...string[]];
  const kinds = types.split(',').filter(Boolean).flatMap((t) => (t === 'all' ? ALL : [resolveKind(t)]));
  const unique = [...new Set(kinds)];
  if (names.length > 0 && unique.length > 1) {
    throw new ActionError(`you may only specify a single resource type when passing names (e.g. 'kubedeck ${verb} ${unique[0]!.plural} ${names[0]}')`);
  }
  return unique.map((kind) => ({ kind, names: [...names] }));
}

/** Exactly one `TYPE/NAME` or `TYPE NAME`, as scale, rollout and set image take. */
export function parseSingleTarget(args: readonly string[], verb: string): { kind: KindInfo; name: string } {
  const targets = parseTargets(args, verb);
  const [first] = targets;
  if (targets.length !== 1 || first!.names.length !== 1) {
    throw new ActionError(`${verb} needs exactly one resource, as TYPE/NAME or TYPE NAME`);
  }
  return { kind: first!.kind, name: first!.names[0]! };
}
