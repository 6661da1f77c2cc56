/** A kubectl-like argument reader: positionals, `--flag value`, `--flag=value`, `-n x`, `-nx`, booleans. */

export class UsageError extends Error {}

export interface FlagSpec {
  /** Long name without dashes: `namespace`. */
  name: string;
  short?: string;
  kind: 'string' | 'boolean' | 'list';
}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | boolean | string[]>;
}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const byLong = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const positionals: string[] = [];
  const flags = new Map<string, string | boolean | string[]>();

  const set = (spec: FlagSpec, value: string | boolean) => {
    if (spec.kind === 'list') {
      const list = (flags.get(spec.name) as string[] | undefined) ?? [];
      flags.set(spec.name, [...list, String(value)]);
    } else flags.set(spec.name, value);
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let spec: FlagSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
      spec = byLong.get(name);
      if (!spec) throw new UsageError(`unknown flag: --${name}`);
    } else if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      spec = byShort.get(arg[1]!);
      if (!spec) throw new UsageError(`unknown shorthand flag: '${arg[1]}' in ${arg}`);
      if (arg.length > 2) inline = arg[2] === '=' ? arg.slice(3) : arg.slice(2);
    } else {
      positionals.push(arg);
      continue;
    }
    if (spec.kind === 'boolean') {
      set(spec, inline === undefined ? true : inline !== 'false');
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`flag needs an argument: ${arg}`);
    set(spec, value);
  }
  return { positionals, flags };
}

export const str = (a: ParsedArgs, name: string): string | undefined => a.flags.get(name) as string | undefined;
export const bool = (a: ParsedArgs, name: string): boolean => a.flags.get(name) === true;
export const list = (a: ParsedArgs, name: string): string[] => (a.flags.get(name) as string[] | undefined) ?? [];

/** Splits a command line the way a shell would for simple quoting: `set image deploy/web "nginx=nginx:1.25"`. */
export function splitCommandLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: '"' | "'" | null = null;
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (quote) throw new UsageError(`unterminated quote in: ${line}`);
  if (has || cur) out.push(cur);
  return out;
}
