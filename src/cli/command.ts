/** What a kubectl-style command is, what it runs against, and how its failures are reported. */
import type { Cluster } from '../engine/cluster.js';
import type { FlagSpec, ParsedArgs } from './argv.js';

export interface Flag extends FlagSpec {
  help: string;
  /** Shown in help: `-n, --namespace NAME`. */
  value?: string;
}

/** Where a command runs: the cluster and two output streams. */
export interface CommandContext {
  cluster: Cluster;
  /** Relative paths in `apply -f` resolve from here (the scenario's folder, or the working directory). */
  cwd: string;
  out(text: string): void;
  err(text: string): void;
  /** Marks the command failed (exit 1) after it printed its own error, kubectl-style, and went on. */
  fail(): void;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  flags: readonly Flag[];
  examples?: readonly string[];
  run(args: ParsedArgs, ctx: CommandContext): void | Promise<void>;
}

export const NAMESPACE_FLAG: Flag = { name: 'namespace', short: 'n', kind: 'string', value: 'NAME', help: 'the namespace (default: default)' };
export const ALL_NAMESPACES_FLAG: Flag = { name: 'all-namespaces', short: 'A', kind: 'boolean', help: 'every namespace' };
export const SELECTOR_FLAG: Flag = { name: 'selector', short: 'l', kind: 'string', value: 'SELECTOR', help: 'label selector: app=web,tier!=db,env in (a,b)' };

export function helpText(command: Command, extraFlags: readonly Flag[] = []): string {
  const flags = [...command.flags, ...extraFlags];
  const left = flags.map((f) => `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.value ? ` ${f.value}` : ''}`);
  const width = Math.max(0, ...left.map((l) => l.length)) + 2;
  const lines = [`${command.summary}`, '', `Usage:`, `  kubedeck ${command.usage}`];
  if (command.examples?.length) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  if (flags.length) lines.push('', 'Flags:', ...flags.map((f, i) => `  ${left[i]!.padEnd(width)}${f.help}`));
  return `${lines.join('\n')}\n`;
}
