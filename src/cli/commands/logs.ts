/** `kubedeck logs POD [-c CONTAINER]`: what the simulated containers printed (echo, date, scripted output). */
import type { Container, ContainerStatus, Pod } from '../../engine/api/types.js';
import { ActionError } from '../../engine/actions.js';
import { ApiError, notFound } from '../../engine/errors.js';
import { matchesLabelSelector } from '../../engine/selectors.js';
import { bool, str } from '../argv.js';
import { NAMESPACE_FLAG, type Command, type CommandContext } from '../command.js';
import { resolveKind } from '../resources.js';
import { scopeOf } from './scope.js';

const DEFAULT_CONTAINER = 'kubectl.kubernetes.io/default-container';

/** `logs job/pi`, `logs deploy/web`: kubectl picks one pod of the workload (running ones first). */
function podFor(target: string, namespace: string, ctx: CommandContext): Pod {
  const slash = target.indexOf('/');
  const kind = slash < 0 ? resolveKind('pod') : resolveKind(target.slice(0, slash));
  const name = slash < 0 ? target : target.slice(slash + 1);
  if (kind.kind === 'Pod') {
    const pod = ctx.cluster.get('Pod', namespace, name);
    if (!pod) throw notFound('pods', name);
    return pod;
  }
  const owner = ctx.cluster.get(kind.kind, namespace, name) as { spec?: { selector?: unknown } } | undefined;
  if (!owner) throw notFound(kind.group ? `${kind.plural}.${kind.group}` : kind.plural, name);
  const selector = owner.spec?.selector as Parameters<typeof matchesLabelSelector>[0] | undefined;
  if (!selector) throw new ActionError(`cannot get the logs from ${kind.plural}`);
  const pods = ctx.cluster.list('Pod', { namespace }).filter((p) => matchesLabelSelector(selector, p.metadata.labels ?? {}));
  const running = (p: Pod) => (p.status?.phase === 'Running' ? 0 : 1);
  const [first] = [...pods].sort((a, b) => running(a) - running(b) || a.metadata.name!.localeCompare(b.metadata.name!));
  if (!first) throw new ActionError(`timed out waiting for the condition`);
  return first;
}

function statusOf(pod: Pod, container: string): ContainerStatus | undefined {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find((s) => s.name === container);
}

export const logsCommand: Command = {
  name: 'logs',
  summary: 'Print what a simulated container wrote (echo, date, scripted output).',
  usage: 'logs POD | TYPE/NAME [-c CONTAINER] [flags]',
  flags: [
    NAMESPACE_FLAG,
    { name: 'container', short: 'c', kind: 'string', value: 'NAME', help: 'the container (default: the first, or the pod\'s default-container annotation)' },
    { name: 'tail', kind: 'string', value: 'N', help: 'only the last N lines' },
    { name: 'timestamps', kind: 'boolean', help: 'prefix each line with its (simulated) RFC3339 time' },
  ],
  examples: ['kubedeck logs job/pi --dir demo-manifests --at 2m', 'kubedeck logs hello-28934567-abcde -c hello'],
  run(args, ctx) {
    const [target, extra] = args.positionals;
    if (!target) throw new ActionError('expected POD or TYPE/NAME: kubedeck logs POD [-c CONTAINER]');
    const { namespace } = scopeOf(args);
    const pod = podFor(target, namespace, ctx);
    const containers: Container[] = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
    let name = str(args, 'container') ?? extra;
    if (name === undefined) {
      const preferred = pod.metadata.annotations?.[DEFAULT_CONTAINER];
      name = preferred && containers.some((c) => c.name === preferred) ? preferred : pod.spec.containers[0]!.name;
      if (containers.length > 1 && !preferred) {
        const all = [...pod.spec.containers.map((c) => c.name), ...(pod.spec.initContainers ?? []).map((c) => `${c.name} (init)`)];
        ctx.err(`Defaulted container "${name}" out of: ${all.join(', ')}\n`);
      }
    }
    if (!containers.some((c) => c.name === name)) {
      throw new ApiError('BadRequest', `container ${name} is not valid for pod ${pod.metadata.name}`);
    }
    if (!pod.spec.nodeName) throw new ApiError('BadRequest', `pod ${pod.metadata.name} does not have a host assigned`);
    const lines = ctx.cluster.logs.read(pod.metadata.namespace!, pod.metadata.name!, name);
    const waiting = statusOf(pod, name)?.state.waiting;
    if (lines.length === 0 && (waiting || !statusOf(pod, name))) {
      throw new ApiError('BadRequest', `container "${name}" in pod "${pod.metadata.name}" is waiting to start: ${waiting?.reason ?? 'ContainerCreating'}`);
    }
    const tail = str(args, 'tail');
    const shown = tail !== undefined && Number(tail) >= 0 ? lines.slice(Math.max(0, lines.length - Number(tail))) : lines;
    const stamp = bool(args, 'timestamps');
    ctx.out(shown.map((l) => `${stamp ? `${new Date(l.time).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z')} ` : ''}${l.text}\n`).join(''));
  },
};
