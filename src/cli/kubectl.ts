/** Runs one kubectl-style command line against a cluster; shared by the headless CLI and scenarios. */
import { ActionError } from '../engine/actions.js';
import { ApiError } from '../engine/errors.js';
import { bool, parseArgs, UsageError } from './argv.js';
import { helpText, type Command, type CommandContext, type Flag } from './command.js';
import { applyCommand } from './commands/apply.js';
import { describeCommand } from './commands/describe.js';
import { getCommand } from './commands/get.js';
import { logsCommand } from './commands/logs.js';
import { cordonCommands, deleteCommand, scaleCommand, setCommand } from './commands/mutate.js';
import { drainCommand, nodeCommand } from './commands/nodes.js';
import { rolloutCommand } from './commands/rollout.js';

export const COMMANDS: readonly Command[] = [
  getCommand,
  describeCommand,
  logsCommand,
  applyCommand,
  deleteCommand,
  scaleCommand,
  rolloutCommand,
  setCommand,
  ...cordonCommands,
  drainCommand,
  nodeCommand,
];

export const HELP_FLAG: Flag = { name: 'help', short: 'h', kind: 'boolean', help: 'show this help' };

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export type ExitCode = 0 | 1 | 2;

/**
 * Runs `argv` (`['get', 'pods', '-o', 'wide']`). Errors print in kubectl's words on `ctx.err`:
 * 1 when the command failed, 2 for bad usage. `extraFlags` are accepted and ignored (the CLI's session flags).
 */
export async function executeCommand(argv: readonly string[], ctx: Omit<CommandContext, 'fail'>, extraFlags: readonly Flag[] = []): Promise<ExitCode> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : findCommand(name);
  if (!command) {
    ctx.err(`error: unknown command "${name ?? ''}"\nSee 'kubedeck --help' for the commands.\n`);
    return 2;
  }
  let failed = false;
  const full: CommandContext = { ...ctx, fail: () => void (failed = true) };
  try {
    const args = parseArgs(rest, [...command.flags, ...extraFlags, HELP_FLAG]);
    if (bool(args, 'help')) {
      ctx.out(helpText(command, extraFlags));
      return 0;
    }
    await command.run(args, full);
    return failed ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      ctx.err(`error: ${e.message}\nSee 'kubedeck ${command.name} --help' for usage.\n`);
      return 2;
    }
    if (e instanceof ApiError || e instanceof ActionError) {
      ctx.err(`${e.kubectlMessage()}\n`);
      return 1;
    }
    throw e;
  }
}
