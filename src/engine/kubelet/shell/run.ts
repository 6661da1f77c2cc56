/**
 * Runs parsed shell scripts in virtual time. Execution is a generator that yields the milliseconds it waits
 * (`sleep 30` yields 30000, `sleep infinity` yields Infinity), so a container can pause it on the virtual clock and
 * an exec probe can run it to completion within its timeout. Programs the interpreter does not implement are handed
 * to the host, which decides how long they run and how they exit.
 */
import { normalizePath, type VirtualFs } from './fs.js';
import { argvNode, parseScript, ShellSyntaxError, type Node, type Redir, type Word } from './parse.js';
import { BoundedMemo } from '../../boundedMemo.js';

export type Userland = 'busybox' | 'gnu';

export interface ExternalResult {
  /** How long it runs; Infinity for a program that runs until stopped. */
  ms: number;
  code: number;
  stdout?: string;
  stderr?: string;
}

export interface ShellHost {
  now(): number;
  readonly userland: Userland;
  readonly hostname: string;
  /** A program the interpreter does not implement. `topLevel`: it is the container's main process itself. */
  external(argv: readonly string[], topLevel: boolean): ExternalResult;
}

export type Sink = (text: string) => void;
export interface IO {
  out: Sink;
  err: Sink;
  stdin: string;
}

export type Run = Generator<number, number, void>;

/** `exit N` unwinding to the nearest shell. */
class ExitSignal {
  constructor(readonly code: number) {}
}

const discard: Sink = () => {};
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'busybox']);
const ZERO_TIME_LOOP_MS = 100;
const parsed = new BoundedMemo<Node | ShellSyntaxError>(5000);

function cachedParse(src: string): Node {
  const node = parsed.get(src, () => {
    try {
      return parseScript(src);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      return e;
    }
  });
  if (node instanceof ShellSyntaxError) throw node;
  return node;
}

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

export class Shell {
  readonly vars: Map<string, string>;
  private readonly exported: Set<string>;
  status = 0;
  cwd = '/';

  constructor(
    readonly host: ShellHost,
    readonly fs: VirtualFs,
    env: ReadonlyMap<string, string> | Record<string, string>,
    readonly name = 'sh',
    /** The script is the container's argv itself (no shell): its program is the main process. */
    private readonly argvMode = false,
  ) {
    this.vars = new Map(env instanceof Map ? env : Object.entries(env));
    this.exported = new Set(this.vars.keys());
  }

  /** Runs a script source; a syntax error prints busybox's message and exits 2. */
  *script(src: string, io: IO): Run {
    let node: Node;
    try {
      node = cachedParse(src);
    } catch (e) {
      io.err(`${this.name}: ${(e as Error).message}\n`);
      return 2;
    }
    return yield* this.main(node, io);
  }

  *argv(argv: readonly string[], io: IO): Run {
    return yield* this.main(argvNode(argv), io);
  }

  *main(node: Node, io: IO): Run {
    try {
      return yield* this.exec(node, io);
    } catch (e) {
      if (e instanceof ExitSignal) return e.code;
      throw e;
    }
  }

  private *exec(node: Node, io: IO): Run {
    switch (node.k) {
      case 'list': {
        let status = 0;
        for (const item of node.items) status = yield* this.exec(item, io);
        return status;
      }
      case 'and': {
        const a = yield* this.exec(node.a, io);
        return a === 0 ? yield* this.exec(node.b, io) : a;
      }
      case 'or': {
        const a = yield* this.exec(node.a, io);
        return a !== 0 ? yield* this.exec(node.b, io) : a;
      }
      case 'not':
        return this.set((yield* this.exec(node.a, io)) === 0 ? 1 : 0);
      case 'pipe': {
        let stdin = io.stdin;
        let status = 0;
        for (let i = 0; i < node.cmds.length; i++) {
          const last = i === node.cmds.length - 1;
          let buf = '';
          status = yield* this.exec(node.cmds[i]!, { ...io, stdin, out: last ? io.out : (t) => (buf += t) });
          stdin = buf;
        }
        return status;
      }
      case 'while': {
        const rio = yield* this.redirect(node.redirs, io);
        let status = 0;
        for (;;) {
          const before = this.elapsed;
          const c = yield* this.exec(node.cond, rio);
          if ((c === 0) === node.until) break;
          status = yield* this.exec(node.body, rio);
          if (this.elapsed === before) yield* this.wait(ZERO_TIME_LOOP_MS);
        }
        return this.set(status);
      }
      case 'for': {
        const rio = yield* this.redirect(node.redirs, io);
        const values: string[] = [];
        for (const w of node.words ?? []) values.push(...(yield* this.fields(w, rio)));
        let status = 0;
        for (const v of values) {
          this.vars.set(node.name, v);
          status = yield* this.exec(node.body, rio);
        }
        return this.set(status);
      }
      case 'if': {
        const rio = yield* this.redirect(node.redirs, io);
        if ((yield* this.exec(node.cond, rio)) === 0) return yield* this.exec(node.then, rio);
        return node.else ? yield* this.exec(node.else, rio) : this.set(0);
      }
      case 'group': {
        const rio = yield* this.redirect(node.redirs, io);
        if (!node.subshell) return yield* this.exec(node.body, rio);
        const sub = this.child();
        return this.set(yield* sub.main(node.body, rio));
      }
      case 'simple':
        return this.set(yield* this.simple(node, io));
    }
  }

  /** Milliseconds this shell has waited so far (a loop that waits nothing is slowed down). */
  private elapsed = 0;

  private *wait(ms: number): Run {
    this.elapsed += ms;
    yield ms;
    return 0;
  }

  private set(status: number): number {
    this.status = status;
    return status;
  }

  private child(): Shell {
    const sub = new Shell(this.host, this.fs, this.vars, this.name);
    sub.cwd = this.cwd;
    sub.status = this.status;
    return sub;
  }

  private *simple(node: Extract<Node, { k: 'simple' }>, io: IO): Run {
    for (const a of node.assigns) this.vars.set(a.name, yield* this.string(a.value, io));
    const argv: string[] = [];
    for (const w of node.words) argv.push(...(yield* this.fields(w, io)));
    const rio = yield* this.redirect(node.redirs, io);
    if (argv.length === 0) return this.status;
    return yield* this.command(argv, rio);
  }

  private *redirect(redirs: readonly Redir[], io: IO): Generator<number, IO, void> {
    if (redirs.length === 0) return io;
    const out: IO = { ...io };
    for (const r of redirs) {
      const target = yield* this.string(r.target, io);
      if (r.op === '>&') {
        const sink = target === '2' ? out.err : target === '1' ? out.out : discard;
        if (r.fd === 2) out.err = sink;
        else out.out = sink;
        continue;
      }
      if (r.op === '<') {
        out.stdin = this.fs.read(normalizePath(target, this.cwd)) ?? '';
        continue;
      }
      const sink = this.fileSink(target, r.op === '>>', io);
      if (r.fd === -1) {
        out.out = sink;
        out.err = sink;
      } else if (r.fd === 2) out.err = sink;
      else out.out = sink;
    }
    return out;
  }

  private fileSink(target: string, append: boolean, io: IO): Sink {
    if (target === '/dev/null') return discard;
    if (target === '/dev/stdout' || target === '/proc/1/fd/1') return io.out;
    if (target === '/dev/stderr' || target === '/proc/1/fd/2') return io.err;
    const path = normalizePath(target, this.cwd);
    if (!append) this.fs.write(path, '');
    return (text) => this.fs.write(path, text, true);
  }

  // ---------- expansion ----------

  /** A word's fields after expansion and splitting of unquoted expansions. */
  private *fields(word: Word, io: IO): Generator<number, string[], void> {
    const fields: string[] = [];
    let current = '';
    let has = false;
    for (const seg of word) {
      if (seg.k === 'lit') {
        current += seg.v;
        has = has || seg.q || seg.v !== '';
        continue;
      }
      const value = yield* this.expandSeg(seg, io);
      if (seg.q) {
        current += value;
        has = true;
        continue;
      }
      const parts = value.split(/[ \t\n]+/);
      for (let i = 0; i < parts.length; i++) {
        if (i > 0) {
          if (has || current !== '') fields.push(current);
          current = '';
          has = false;
        }
        current += parts[i]!;
        if (parts[i] !== '') has = true;
      }
    }
    if (has || current !== '') fields.push(current);
    return fields;
  }

  private *string(word: Word, io: IO): Generator<number, string, void> {
    let out = '';
    for (const seg of word) out += seg.k === 'lit' ? seg.v : yield* this.expandSeg(seg, io);
    return out;
  }

  private *expandSeg(seg: Exclude<Word[number], { k: 'lit' }>, io: IO): Generator<number, string, void> {
    if (seg.k === 'arith') {
      let expr = seg.expr;
      if (expr.includes('$')) expr = yield* this.string(cachedWord(expr), io);
      const value = evalArith(expr, this.vars);
      if (value === undefined) {
        io.err(`${this.name}: arithmetic syntax error\n`);
        throw new ExitSignal(2);
      }
      return String(value);
    }
    if (seg.k === 'sub') {
      let buf = '';
      const sub = this.child();
      let status: number;
      try {
        const node = cachedParse(seg.src);
        status = yield* sub.main(node, { out: (t) => (buf += t), err: io.err, stdin: '' });
      } catch (e) {
        if (!(e instanceof ShellSyntaxError)) throw e;
        io.err(`${this.name}: ${e.message}\n`);
        status = 2;
      }
      this.status = status;
      return buf.replace(/\n+$/, '');
    }
    const value = this.lookup(seg.name);
    switch (seg.op) {
      case undefined:
        return value ?? '';
      case '#':
        return String((value ?? '').length);
      case ':-':
      case '-':
        return (seg.op === ':-' ? !value : value === undefined) ? yield* this.string(seg.arg ?? [], io) : value!;
      case ':=':
      case '=': {
        if (seg.op === ':=' ? !value : value === undefined) {
          const v = yield* this.string(seg.arg ?? [], io);
          this.vars.set(seg.name, v);
          return v;
        }
        return value!;
      }
      case ':+':
      case '+':
        return (seg.op === ':+' ? !!value : value !== undefined) ? yield* this.string(seg.arg ?? [], io) : '';
      default: {
        if (seg.op === ':?' ? !value : value === undefined) {
          const msg = yield* this.string(seg.arg ?? [], io);
          io.err(`${this.name}: ${seg.name}: ${msg || 'parameter not set'}\n`);
          throw new ExitSignal(2);
        }
        return value!;
      }
    }
  }

  private lookup(name: string): string | undefined {
    switch (name) {
      case '?':
        return String(this.status);
      case '$':
        return '1';
      case '#':
        return '0';
      case '0':
        return this.name;
      case '!':
        return '';
      default:
        if (/^[1-9@*]$/.test(name)) return undefined;
        return this.vars.get(name);
    }
  }

  // ---------- commands ----------

  private *command(argv: string[], io: IO): Run {
    const name = basename(argv[0]!);
    if (SHELLS.has(name) && !(name === 'busybox' && argv[1] && !SHELLS.has(argv[1]))) {
      return yield* this.nestedShell(name === 'busybox' ? argv.slice(1) : argv, io);
    }
    const builtin = BUILTINS[name === 'busybox' ? basename(argv[1] ?? '') : name];
    const args = name === 'busybox' ? argv.slice(1) : argv;
    if (builtin) {
      const r = builtin(this, args, io);
      return typeof r === 'number' ? r : yield* r;
    }
    if (name === 'exec') {
      if (argv.length === 1) return 0;
      const status = yield* this.command(argv.slice(1), io);
      throw new ExitSignal(status);
    }
    if (name === 'exit' || name === 'return') {
      const code = argv[1] === undefined ? this.status : Number(argv[1]);
      throw new ExitSignal(Number.isFinite(code) ? code & 255 : 2);
    }
    const result = this.host.external(argv, this.argvMode);
    if (result.ms > 0) yield* this.wait(result.ms);
    if (result.stdout) io.out(result.stdout);
    if (result.stderr) io.err(result.stderr);
    return result.code;
  }

  private *nestedShell(argv: string[], io: IO): Run {
    const name = basename(argv[0]!);
    let i = 1;
    let command = false;
    while (i < argv.length && /^[-+][a-zA-Z]+$/.test(argv[i]!)) {
      if (argv[i]!.startsWith('-') && argv[i]!.includes('c')) command = true;
      i++;
    }
    const sub = new Shell(this.host, this.fs, this.vars, name, false);
    sub.cwd = this.cwd;
    if (command) {
      if (i >= argv.length) {
        io.err(`${name}: -c requires an argument\n`);
        return 2;
      }
      return yield* sub.script(argv[i]!, io);
    }
    if (i < argv.length) {
      const file = normalizePath(argv[i]!, this.cwd);
      const src = this.fs.read(file);
      if (src === undefined) {
        io.err(this.host.userland === 'busybox' ? `${name}: can't open '${argv[i]}': No such file or directory\n` : `${name}: ${argv[i]}: No such file or directory\n`);
        return this.host.userland === 'busybox' ? 2 : 127;
      }
      return yield* sub.script(src, io);
    }
    // A shell with no script reads standard input, which a container does not have: it exits at once.
    return yield* sub.script(io.stdin, io);
  }

  /** Absolute path of an argument, relative to the shell's working directory. */
  path(p: string): string {
    return normalizePath(p, this.cwd);
  }

  exportedEnv(): [string, string][] {
    return [...this.exported].filter((k) => this.vars.has(k)).sort().map((k) => [k, this.vars.get(k)!]);
  }

  exportVar(name: string): void {
    this.exported.add(name);
  }

  /** Generator helper for builtins that wait. */
  *sleepFor(ms: number): Run {
    yield* this.wait(ms);
    return 0;
  }
}

const wordCache = new BoundedMemo<Word>(5000);
function cachedWord(src: string): Word {
  return wordCache.get(src, () => {
    // Parse `$x + 1` as the argument of an echo, keeping it one unsplit word.
    const node = parseScript(`: "${src.replace(/(["\\`])/g, '\\$1')}"`);
    return node.k === 'simple' ? node.words[1] ?? [] : [];
  });
}

// ---------- arithmetic ----------

/** `$((...))`: integers, variables by name, + - * / % comparisons && || ! and parentheses. */
export function evalArith(expr: string, vars: ReadonlyMap<string, string>): number | undefined {
  const toks = expr.match(/\d+|[A-Za-z_][A-Za-z0-9_]*|<=|>=|==|!=|&&|\|\||[-+*/%()<>!]|\S/g) ?? [];
  let i = 0;
  const num = (v: string | undefined) => (v === undefined || v === '' ? 0 : Number.parseInt(v, 10) || 0);
  const BIN: Record<string, [number, (a: number, b: number) => number]> = {
    '||': [1, (a, b) => +(a !== 0 || b !== 0)],
    '&&': [2, (a, b) => +(a !== 0 && b !== 0)],
    '==': [3, (a, b) => +(a === b)],
    '!=': [3, (a, b) => +(a !== b)],
    '<': [4, (a, b) => +(a < b)],
    '>': [4, (a, b) => +(a > b)],
    '<=': [4, (a, b) => +(a <= b)],
    '>=': [4, (a, b) => +(a >= b)],
    '+': [5, (a, b) => a + b],
    '-': [5, (a, b) => a - b],
    '*': [6, (a, b) => a * b],
    '/': [6, (a, b) => (b === 0 ? NaN : Math.trunc(a / b))],
    '%': [6, (a, b) => (b === 0 ? NaN : a % b)],
  };
  const unary = (): number => {
    const t = toks[i++];
    if (t === undefined) return NaN;
    if (t === '-') return -unary();
    if (t === '+') return unary();
    if (t === '!') return +(unary() === 0);
    if (t === '(') {
      const v = binary(0);
      return toks[i++] === ')' ? v : NaN;
    }
    if (/^\d+$/.test(t)) return Number(t);
    if (/^[A-Za-z_]/.test(t)) return num(vars.get(t));
    return NaN;
  };
  const binary = (min: number): number => {
    let left = unary();
    for (;;) {
      const op = BIN[toks[i] ?? ''];
      if (!op || op[0] < min) return left;
      i++;
      left = op[1](left, binary(op[0] + 1));
    }
  };
  const v = binary(0);
  return i === toks.length && Number.isFinite(v) ? v : undefined;
}

// ---------- builtins ----------

type Builtin = (sh: Shell, argv: string[], io: IO) => number | Run;

const can = (sh: Shell, verb: string, path: string, what: string): string =>
  sh.host.userland === 'busybox' ? `${verb}: can't ${verbWord(verb)} '${path}': ${what}\n` : `${verb}: cannot ${verbWord(verb)} '${path}': ${what}\n`;
const verbWord = (verb: string) => (verb === 'rm' ? 'remove' : verb === 'cat' ? 'open' : verb === 'touch' ? 'touch' : 'access');
const NO_SUCH = 'No such file or directory';

/** Splits `-rf`, `-n 5` style options from operands (options first, `--` ends them). */
function options(argv: string[]): { flags: Set<string>; operands: string[] } {
  const flags = new Set<string>();
  const operands: string[] = [];
  let done = false;
  for (const a of argv.slice(1)) {
    if (!done && a === '--') done = true;
    else if (!done && /^-[A-Za-z]+$/.test(a)) for (const f of a.slice(1)) flags.add(f);
    else operands.push(a);
  }
  return { flags, operands };
}

const SLEEP_UNITS: Record<string, number> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function parseSleep(arg: string): number | undefined {
  if (arg === 'infinity' || arg === 'inf') return Infinity;
  const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(arg);
  return m ? Math.round(Number(m[1]) * SLEEP_UNITS[m[2]!]!) : undefined;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `date` in UTC, busybox/coreutils style: `Wed Jan  1 00:00:30 UTC 2025`, or a `+FORMAT`. */
export function formatDate(ms: number, format = '%a %b %e %H:%M:%S %Z %Y'): string {
  const d = new Date(Math.floor(ms / 1000) * 1000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const startOfYear = Date.UTC(d.getUTCFullYear(), 0, 1);
  const map: Record<string, () => string> = {
    Y: () => String(d.getUTCFullYear()),
    y: () => p2(d.getUTCFullYear() % 100),
    m: () => p2(d.getUTCMonth() + 1),
    d: () => p2(d.getUTCDate()),
    e: () => String(d.getUTCDate()).padStart(2, ' '),
    H: () => p2(d.getUTCHours()),
    I: () => p2(((d.getUTCHours() + 11) % 12) + 1),
    p: () => (d.getUTCHours() < 12 ? 'AM' : 'PM'),
    M: () => p2(d.getUTCMinutes()),
    S: () => p2(d.getUTCSeconds()),
    N: () => String(ms % 1000 * 1_000_000).padStart(9, '0'),
    s: () => String(Math.floor(ms / 1000)),
    a: () => DAYS[d.getUTCDay()]!,
    A: () => DAY_NAMES[d.getUTCDay()]!,
    b: () => MONTHS[d.getUTCMonth()]!,
    h: () => MONTHS[d.getUTCMonth()]!,
    B: () => MONTH_NAMES[d.getUTCMonth()]!,
    j: () => String(Math.floor((d.getTime() - startOfYear) / 86_400_000) + 1).padStart(3, '0'),
    Z: () => 'UTC',
    z: () => '+0000',
    T: () => `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`,
    R: () => `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}`,
    F: () => `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`,
    D: () => `${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())}/${p2(d.getUTCFullYear() % 100)}`,
    n: () => '\n',
    t: () => '\t',
    '%': () => '%',
  };
  return format.replace(/%([A-Za-z%])/g, (all, c: string) => map[c]?.() ?? all);
}

function unescape(s: string): { text: string; stop: boolean } {
  let stop = false;
  const text = s.replace(/\\(0[0-7]{0,3}|x[0-9a-fA-F]{1,2}|.)/g, (_, e: string) => {
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b' };
    if (e === 'c') {
      stop = true;
      return '';
    }
    if (e[0] === '0') return String.fromCharCode(Number.parseInt(e.slice(1) || '0', 8));
    if (e[0] === 'x') return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    return simple[e] ?? `\\${e}`;
  });
  if (stop) return { text: text.slice(0, text.length), stop };
  return { text, stop };
}

function printf(format: string, args: string[]): string {
  let out = '';
  let ai = 0;
  do {
    out += format.replace(/%([-0 ]?\d*)(?:\.(\d+))?([sdifxXoc%])|\\(.)/g, (all, width: string | undefined, prec: string | undefined, conv: string | undefined, esc: string | undefined) => {
      if (esc !== undefined) return unescape(`\\${esc}`).text;
      if (conv === '%') return '%';
      const arg = args[ai++] ?? '';
      let s: string;
      switch (conv) {
        case 'd':
        case 'i':
          s = String(Number.parseInt(arg, 10) || 0);
          break;
        case 'f':
          s = (Number(arg) || 0).toFixed(prec ? Number(prec) : 6);
          break;
        case 'x':
          s = (Number.parseInt(arg, 10) || 0).toString(16);
          break;
        case 'X':
          s = (Number.parseInt(arg, 10) || 0).toString(16).toUpperCase();
          break;
        case 'o':
          s = (Number.parseInt(arg, 10) || 0).toString(8);
          break;
        case 'c':
          s = arg.slice(0, 1);
          break;
        default:
          s = prec ? arg.slice(0, Number(prec)) : arg;
      }
      const w = Number.parseInt(width ?? '', 10);
      if (!w) return s;
      if (width!.startsWith('-')) return s.padEnd(w);
      return width!.startsWith('0') && conv !== 's' ? s.padStart(w, '0') : s.padStart(w);
    });
  } while (ai > 0 && ai < args.length);
  return out;
}

/** `test` / `[`: file tests, string and integer comparisons, `!`, `-a`, `-o`. */
function evalTest(sh: Shell, args: string[]): boolean | undefined {
  const orIdx = args.indexOf('-o');
  if (orIdx > 0) {
    const a = evalTest(sh, args.slice(0, orIdx));
    const b = evalTest(sh, args.slice(orIdx + 1));
    return a === undefined || b === undefined ? undefined : a || b;
  }
  const andIdx = args.indexOf('-a', 1);
  if (andIdx > 0 && args.length > 3) {
    const a = evalTest(sh, args.slice(0, andIdx));
    const b = evalTest(sh, args.slice(andIdx + 1));
    return a === undefined || b === undefined ? undefined : a && b;
  }
  if (args[0] === '!') {
    const v = evalTest(sh, args.slice(1));
    return v === undefined ? undefined : !v;
  }
  if (args.length === 0) return false;
  if (args.length === 1) return args[0] !== '';
  if (args.length === 2) {
    const [op, v] = args as [string, string];
    const p = sh.path(v);
    switch (op) {
      case '-e':
        return sh.fs.exists(p);
      case '-f':
        return sh.fs.isFile(p);
      case '-d':
        return sh.fs.isDir(p);
      case '-s':
        return (sh.fs.read(p) ?? '').length > 0;
      case '-r':
      case '-w':
      case '-x':
        return sh.fs.exists(p);
      case '-z':
        return v === '';
      case '-n':
        return v !== '';
      default:
        return undefined;
    }
  }
  if (args.length === 3) {
    const [a, op, b] = args as [string, string, string];
    const n = (s: string) => Number.parseInt(s, 10);
    switch (op) {
      case '=':
      case '==':
        return a === b;
      case '!=':
        return a !== b;
      case '-eq':
        return n(a) === n(b);
      case '-ne':
        return n(a) !== n(b);
      case '-lt':
        return n(a) < n(b);
      case '-le':
        return n(a) <= n(b);
      case '-gt':
        return n(a) > n(b);
      case '-ge':
        return n(a) >= n(b);
      default:
        return undefined;
    }
  }
  return undefined;
}

const test: Builtin = (sh, argv, io) => {
  let args = argv.slice(1);
  const name = basename(argv[0]!);
  if (name === '[' || name === '[[') {
    const close = name === '[' ? ']' : ']]';
    if (args[args.length - 1] !== close) {
      io.err(`${name}: missing '${close}'\n`);
      return 2;
    }
    args = args.slice(0, -1);
  }
  const v = evalTest(sh, args);
  if (v === undefined) {
    io.err(`${sh.name}: ${name}: syntax error\n`);
    return 2;
  }
  return v ? 0 : 1;
};

function* sleep(sh: Shell, argv: string[], io: IO): Run {
  if (argv.length < 2) {
    io.err(sh.host.userland === 'busybox' ? 'BusyBox v1.36.1 multi-call binary.\n\nUsage: sleep [N]...\n' : 'sleep: missing operand\n');
    return 1;
  }
  let total = 0;
  for (const a of argv.slice(1)) {
    const ms = parseSleep(a);
    if (ms === undefined) {
      io.err(sh.host.userland === 'busybox' ? `sleep: invalid number '${a}'\n` : `sleep: invalid time interval '${a}'\n`);
      return 1;
    }
    total += ms;
  }
  return yield* sh.sleepFor(total);
}

function readInputs(sh: Shell, verb: string, files: string[], io: IO): { text: string; status: number } {
  if (files.length === 0) return { text: io.stdin, status: 0 };
  let text = '';
  let status = 0;
  for (const f of files) {
    if (f === '-') {
      text += io.stdin;
      continue;
    }
    const p = sh.path(f);
    const content = sh.fs.read(p);
    if (content !== undefined) text += content;
    else if (sh.fs.isDir(p)) {
      io.err(sh.host.userland === 'busybox' ? `${verb}: read error: Is a directory\n` : `${verb}: ${f}: Is a directory\n`);
      status = 1;
    } else {
      io.err(verb === 'cat' && sh.host.userland === 'busybox' ? `cat: can't open '${f}': ${NO_SUCH}\n` : `${verb}: ${f}: ${NO_SUCH}\n`);
      status = 1;
    }
  }
  return { text, status };
}

const lines = (text: string) => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

const BUILTINS: Record<string, Builtin> = {
  true: () => 0,
  ':': () => 0,
  false: () => 1,
  sleep,
  echo(_sh, argv, io) {
    let i = 1;
    let newline = true;
    let escapes = false;
    while (i < argv.length && /^-[neE]+$/.test(argv[i]!)) {
      for (const f of argv[i]!.slice(1)) {
        if (f === 'n') newline = false;
        else if (f === 'e') escapes = true;
        else escapes = false;
      }
      i++;
    }
    let text = argv.slice(i).join(' ');
    if (escapes) {
      const u = unescape(text);
      text = u.text;
      if (u.stop) newline = false;
    }
    io.out(newline ? `${text}\n` : text);
    return 0;
  },
  printf(_sh, argv, io) {
    if (argv.length < 2) {
      io.err('printf: usage: printf format [arguments]\n');
      return 2;
    }
    io.out(printf(argv[1]!, argv.slice(2)));
    return 0;
  },
  date(sh, argv, io) {
    const fmt = argv.slice(1).find((a) => a.startsWith('+'));
    const iso = argv.slice(1).find((a) => a.startsWith('-I') || a.startsWith('--iso-8601'));
    const now = sh.host.now();
    if (fmt) io.out(`${formatDate(now, fmt.slice(1))}\n`);
    else if (argv.includes('-R')) io.out(`${formatDate(now, '%a, %d %b %Y %H:%M:%S +0000')}\n`);
    else if (iso) io.out(`${formatDate(now, /seconds/.test(iso) ? '%Y-%m-%dT%H:%M:%S+00:00' : '%Y-%m-%d')}\n`);
    else io.out(`${formatDate(now)}\n`);
    return 0;
  },
  touch(sh, argv, io) {
    const { operands } = options(argv);
    if (operands.length === 0) {
      io.err('touch: missing file operand\n');
      return 1;
    }
    for (const f of operands) sh.fs.touch(sh.path(f));
    return 0;
  },
  rm(sh, argv, io) {
    const { flags, operands } = options(argv);
    let status = 0;
    for (const f of operands) {
      const r = sh.fs.remove(sh.path(f), flags.has('r') || flags.has('R'));
      if (r === 'missing' && !flags.has('f')) {
        io.err(can(sh, 'rm', f, NO_SUCH));
        status = 1;
      } else if (r === 'is-directory') {
        io.err(sh.host.userland === 'busybox' ? `rm: '${f}' is a directory\n` : `rm: cannot remove '${f}': Is a directory\n`);
        status = 1;
      }
    }
    return status;
  },
  mkdir(sh, argv, io) {
    const { flags, operands } = options(argv);
    let status = 0;
    for (const d of operands) {
      if (!sh.fs.mkdir(sh.path(d), flags.has('p'))) {
        io.err(sh.host.userland === 'busybox' ? `mkdir: can't create directory '${d}': File exists\n` : `mkdir: cannot create directory '${d}': File exists\n`);
        status = 1;
      }
    }
    return status;
  },
  rmdir(sh, argv) {
    for (const d of options(argv).operands) sh.fs.remove(sh.path(d), true);
    return 0;
  },
  cat(sh, argv, io) {
    const { text, status } = readInputs(sh, 'cat', options(argv).operands, io);
    if (text) io.out(text);
    return status;
  },
  ls(sh, argv, io) {
    const { operands } = options(argv);
    const targets = operands.length ? operands : ['.'];
    let status = 0;
    for (const t of targets) {
      const p = sh.path(t);
      if (sh.fs.isFile(p)) io.out(`${t}\n`);
      else if (sh.fs.isDir(p)) {
        const names = sh.fs.list(p);
        if (names.length) io.out(`${names.join('\n')}\n`);
      } else {
        io.err(sh.host.userland === 'busybox' ? `ls: ${t}: ${NO_SUCH}\n` : `ls: cannot access '${t}': ${NO_SUCH}\n`);
        status = sh.host.userland === 'busybox' ? 1 : 2;
      }
    }
    return status;
  },
  cp(sh, argv, io) {
    const { operands } = options(argv);
    const [src, dst] = operands;
    const content = src === undefined ? undefined : sh.fs.read(sh.path(src));
    if (content === undefined || dst === undefined) {
      io.err(`cp: can't stat '${src ?? ''}': ${NO_SUCH}\n`);
      return 1;
    }
    const target = sh.fs.isDir(sh.path(dst)) ? `${sh.path(dst)}/${basename(src!)}` : sh.path(dst);
    sh.fs.write(target, content);
    return 0;
  },
  mv(sh, argv, io) {
    const status = BUILTINS.cp!(sh, argv, io) as number;
    const src = options(argv).operands[0];
    if (status === 0 && src) sh.fs.remove(sh.path(src), true);
    return status;
  },
  tee(sh, argv, io) {
    const { flags, operands } = options(argv);
    for (const f of operands) sh.fs.write(sh.path(f), io.stdin, flags.has('a'));
    io.out(io.stdin);
    return 0;
  },
  grep(sh, argv, io) {
    const { flags, operands } = options(argv);
    const [pattern, ...files] = operands;
    if (pattern === undefined) return 2;
    const { text, status } = readInputs(sh, 'grep', files, io);
    let re: RegExp | undefined;
    try {
      re = new RegExp(pattern, flags.has('i') ? 'i' : '');
    } catch {
      re = undefined;
    }
    const hits = lines(text).filter((l) => (re ? re.test(l) : l.includes(pattern)) !== flags.has('v'));
    if (!flags.has('q') && hits.length) io.out(flags.has('c') ? `${hits.length}\n` : `${hits.join('\n')}\n`);
    if (flags.has('c') && flags.has('q') === false && hits.length === 0) io.out('0\n');
    return status !== 0 ? 2 : hits.length ? 0 : 1;
  },
  head(sh, argv, io) {
    const n = headTailCount(argv);
    const { text, status } = readInputs(sh, 'head', operandsAfterCount(argv), io);
    const ls = lines(text).slice(0, n);
    if (ls.length) io.out(`${ls.join('\n')}\n`);
    return status;
  },
  *tail(sh, argv, io) {
    const n = headTailCount(argv);
    const files = operandsAfterCount(argv);
    const follow = argv.includes('-f') || argv.includes('-F');
    const { text, status } = readInputs(sh, 'tail', files, io);
    const ls = lines(text).slice(-n);
    if (ls.length && n > 0) io.out(`${ls.join('\n')}\n`);
    if (follow && status === 0) return yield* sh.sleepFor(Infinity);
    return status;
  },
  wc(sh, argv, io) {
    const { flags, operands } = options(argv);
    const { text, status } = readInputs(sh, 'wc', operands, io);
    const l = (text.match(/\n/g) ?? []).length;
    const w = text.split(/\s+/).filter(Boolean).length;
    if (flags.has('l')) io.out(`${l}\n`);
    else if (flags.has('w')) io.out(`${w}\n`);
    else if (flags.has('c')) io.out(`${text.length}\n`);
    else io.out(`${l} ${w} ${text.length}\n`);
    return status;
  },
  seq(_sh, argv, io) {
    const nums = argv.slice(1).map(Number);
    const [first, inc, last] = nums.length === 1 ? [1, 1, nums[0]!] : nums.length === 2 ? [nums[0]!, 1, nums[1]!] : [nums[0]!, nums[1]!, nums[2]!];
    if (![first, inc, last].every(Number.isFinite) || inc === 0) return 1;
    const out: number[] = [];
    for (let v = first; inc > 0 ? v <= last : v >= last; v += inc) {
      out.push(v);
      if (out.length > 100_000) break;
    }
    if (out.length) io.out(`${out.join('\n')}\n`);
    return 0;
  },
  expr(sh, argv, io) {
    const args = argv.slice(1);
    const map: Record<string, string> = { '=': '==' };
    const v = evalArith(args.map((a) => map[a] ?? a).join(' '), sh.vars);
    if (v === undefined) {
      io.err('expr: syntax error\n');
      return 2;
    }
    io.out(`${v}\n`);
    return v === 0 ? 1 : 0;
  },
  test,
  '[': test,
  '[[': test,
  hostname(sh, _argv, io) {
    io.out(`${sh.host.hostname}\n`);
    return 0;
  },
  whoami(_sh, _argv, io) {
    io.out('root\n');
    return 0;
  },
  id(_sh, _argv, io) {
    io.out('uid=0(root) gid=0(root) groups=0(root)\n');
    return 0;
  },
  uname(sh, argv, io) {
    io.out(argv.includes('-a') ? `Linux ${sh.host.hostname} 6.8.0-kubedeck #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n` : argv.includes('-r') ? '6.8.0-kubedeck\n' : 'Linux\n');
    return 0;
  },
  pwd(sh, _argv, io) {
    io.out(`${sh.cwd}\n`);
    return 0;
  },
  cd(sh, argv, io) {
    const target = sh.path(argv[1] ?? '/root');
    if (!sh.fs.isDir(target)) {
      io.err(`${sh.name}: cd: can't cd to ${argv[1]}: ${NO_SUCH}\n`);
      return 2;
    }
    sh.cwd = target;
    return 0;
  },
  env(sh, argv, io) {
    if (argv.length > 1) return 0;
    const vars = sh.exportedEnv();
    if (vars.length) io.out(`${vars.map(([k, v]) => `${k}=${v}`).join('\n')}\n`);
    return 0;
  },
  printenv(sh, argv, io) {
    if (argv[1]) {
      const v = sh.vars.get(argv[1]);
      if (v === undefined) return 1;
      io.out(`${v}\n`);
      return 0;
    }
    return BUILTINS.env!(sh, ['env'], io) as number;
  },
  export(sh, argv) {
    for (const a of argv.slice(1)) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(0, eq) : a;
      if (eq >= 0) sh.vars.set(name, a.slice(eq + 1));
      sh.exportVar(name);
    }
    return 0;
  },
  readonly(sh, argv) {
    return BUILTINS.export!(sh, argv, { out: discard, err: discard, stdin: '' }) as number;
  },
  local(sh, argv) {
    for (const a of argv.slice(1)) {
      const eq = a.indexOf('=');
      if (eq >= 0) sh.vars.set(a.slice(0, eq), a.slice(eq + 1));
    }
    return 0;
  },
  unset(sh, argv) {
    for (const a of argv.slice(1)) if (!a.startsWith('-')) sh.vars.delete(a);
    return 0;
  },
  *yes(sh) {
    return yield* sh.sleepFor(Infinity);
  },
  *wait() {
    return 0;
  },
  set: () => 0,
  trap: () => 0,
  kill: () => 0,
  shift: () => 0,
  umask: () => 0,
  ulimit: () => 0,
  chmod: () => 0,
  chown: () => 0,
  chgrp: () => 0,
  ln: () => 0,
  sync: () => 0,
  hash: () => 0,
  stty: () => 0,
};

function headTailCount(argv: string[]): number {
  const i = argv.indexOf('-n');
  if (i >= 0) return Number.parseInt(argv[i + 1] ?? '10', 10) || 0;
  const short = argv.find((a) => /^-\d+$/.test(a));
  return short ? Number(short.slice(1)) : 10;
}

function operandsAfterCount(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === '-n') i++;
    else if (!argv[i]!.startsWith('-') || argv[i] === '-') out.push(argv[i]!);
  }
  return out;
}

/**
 * Runs a command to completion within a time budget, as an exec probe or a lifecycle hook does.
 * Returns the exit code and the combined output, or `timedOut` when it would wait past the budget.
 */
export function runToCompletion(run: Run, budgetMs: number): { code: number; timedOut: false } | { timedOut: true } {
  let spent = 0;
  for (let r = run.next(); ; r = run.next()) {
    if (r.done) return { code: r.value, timedOut: false };
    spent += r.value;
    if (spent > budgetMs) return { timedOut: true };
  }
}
