/** `kubedeck get ... --watch`: the list, then one line per change while the cluster runs in real time. */
import type { AnyObject, KindName } from '../../engine/api/types.js';
import type { WatchEvent } from '../../engine/client.js';
import type { Cluster } from '../../engine/cluster.js';
import { RealtimeDriver } from '../../engine/realtime.js';
import { matches, matchesFields, parseFieldSelector, parseSelector } from '../../engine/selectors.js';
import { bool, str, type ParsedArgs } from '../argv.js';
import type { CommandContext } from '../command.js';
import { parseTargets } from '../resources.js';
import { fetchTargets, outputFormat, printFound } from './get.js';
import { noResourcesMessage, scopeOf } from './scope.js';

/** Prints the list, then follows changes until `stop` resolves. */
export async function watchGet(args: ParsedArgs, cluster: Cluster, ctx: CommandContext, stop: Promise<void>, speed = 1): Promise<void> {
  const format = outputFormat(str(args, 'output'));
  const scope = scopeOf(args);
  const targets = parseTargets(args.positionals, 'get');
  const withKind = targets.length > 1;
  const print = (objects: AnyObject[], kindName: KindName, noHeaders: boolean) => {
    const kind = targets.find((t) => t.kind.kind === kindName)!.kind;
    const text = printFound([{ kind, objects }], format, { scope, noHeaders, single: false, withKind, now: cluster.clock.now() });
    ctx.out(format === 'yaml' ? `---\n${text}` : text);
  };

  const found = fetchTargets(targets, args, scope, ctx);
  const listed = found.some((f) => f.objects.length > 0);
  for (const f of found) if (f.objects.length > 0) print(f.objects, f.kind.kind, bool(args, 'no-headers'));
  if (!listed) ctx.err(noResourcesMessage(scope, targets.some((t) => t.kind.namespaced)));

  const labels = str(args, 'selector');
  const fields = str(args, 'field-selector');
  const labelSelector = labels !== undefined ? parseSelector(labels) : undefined;
  const fieldSelector = fields !== undefined ? parseFieldSelector(fields) : undefined;
  const wanted = (e: WatchEvent): boolean => {
    const o = e.object as AnyObject;
    const target = targets.find((t) => t.kind.kind === o.kind);
    if (!target) return false;
    if (target.kind.namespaced && !scope.all && o.metadata.namespace !== scope.namespace) return false;
    if (target.names.length > 0 && !target.names.includes(o.metadata.name!)) return false;
    if (labelSelector && !matches(labelSelector, o.metadata.labels)) return false;
    return !fieldSelector || matchesFields(fieldSelector, o);
  };
  // Like kubectl, the first line after the list gets no header of its own unless nothing was listed.
  let headerPending = !listed && !bool(args, 'no-headers');
  const unwatch = cluster.watch({ kinds: targets.map((t) => t.kind.kind) }, (e) => {
    if (!wanted(e)) return;
    print([e.object as AnyObject], e.object.kind as KindName, !headerPending);
    headerPending = false;
  });
  const driver = new RealtimeDriver(cluster, { speed });
  driver.start();
  try {
    await stop;
  } finally {
    driver.stop();
    unwatch();
  }
}
