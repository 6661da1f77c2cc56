/**
 * A parser for the POSIX shell one-liners that pod specs carry (`sh -c "..."`): simple commands with quoting,
 * `$VAR`/`${VAR:-x}`/`$((i+1))`/`$(cmd)` expansions, assignments, redirections, pipes, `;` `&` `&&` `||` `!`,
 * `while`/`until`, `for`, `if`, `{ }` and `( )`. Anything else is a syntax error, worded as busybox sh words it.
 */

export type Seg =
  | { k: 'lit'; v: string; q: boolean }
  | { k: 'var'; name: string; q: boolean; op?: string; arg?: Word }
  | { k: 'arith'; expr: string; q: boolean }
  | { k: 'sub'; src: string; q: boolean };

export type Word = readonly Seg[];

export interface Redir {
  fd: number;
  op: '>' | '>>' | '<' | '>&';
  target: Word;
}

export type Node =
  | { k: 'simple'; assigns: { name: string; value: Word }[]; words: Word[]; redirs: Redir[] }
  | { k: 'list'; items: Node[] }
  | { k: 'and' | 'or'; a: Node; b: Node }
  | { k: 'not'; a: Node }
  | { k: 'pipe'; cmds: Node[] }
  | { k: 'while'; until: boolean; cond: Node; body: Node; redirs: Redir[] }
  | { k: 'for'; name: string; words: Word[] | null; body: Node; redirs: Redir[] }
  | { k: 'if'; cond: Node; then: Node; else?: Node; redirs: Redir[] }
  | { k: 'group'; body: Node; subshell: boolean; redirs: Redir[] };

export class ShellSyntaxError extends Error {}

type Op = ';' | '&' | '&&' | '||' | '|' | '(' | ')' | '\n';
type Token =
  | { t: 'word'; word: Word; plain: string | undefined }
  | { t: 'op'; op: Op }
  | { t: 'redir'; fd: number; op: Redir['op'] }
  | { t: 'eof' };

const isBlank = (c: string) => c === ' ' || c === '\t' || c === '\r';
const isMeta = (c: string) => ';&|()<>\n'.includes(c) || isBlank(c);
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

class Lexer {
  private i = 0;
  constructor(private readonly s: string) {}

  tokens(): Token[] {
    const out: Token[] = [];
    for (;;) {
      const tok = this.next();
      out.push(tok);
      if (tok.t === 'eof') return out;
    }
  }

  private next(): Token {
    const s = this.s;
    for (;;) {
      while (this.i < s.length && isBlank(s[this.i]!)) this.i++;
      if (s[this.i] === '\\' && s[this.i + 1] === '\n') {
        this.i += 2;
        continue;
      }
      if (s[this.i] === '#') {
        while (this.i < s.length && s[this.i] !== '\n') this.i++;
        continue;
      }
      break;
    }
    if (this.i >= s.length) return { t: 'eof' };
    const c = s[this.i]!;
    const two = s.slice(this.i, this.i + 2);
    if (two === '&&' || two === '||') {
      this.i += 2;
      return { t: 'op', op: two };
    }
    if (two === '&>') {
      this.i += 2;
      return { t: 'redir', fd: -1, op: '>' };
    }
    if (';&|()\n'.includes(c)) {
      this.i++;
      if (c === ';' && s[this.i] === ';') throw new ShellSyntaxError('syntax error: unexpected ";;"');
      return { t: 'op', op: c as Op };
    }
    const redir = /^(\d?)(>>|>&|>|<)/.exec(s.slice(this.i, this.i + 3));
    if (redir && (redir[1] || c === '>' || c === '<')) {
      this.i += redir[0].length;
      const fd = redir[1] ? Number(redir[1]) : redir[2] === '<' ? 0 : 1;
      return { t: 'redir', fd, op: redir[2] as Redir['op'] };
    }
    return this.word();
  }

  private word(): Token {
    const s = this.s;
    const segs: Seg[] = [];
    let plain = '';
    let isPlain = true;
    const lit = (v: string, q: boolean) => {
      const last = segs[segs.length - 1];
      if (last && last.k === 'lit' && last.q === q) segs[segs.length - 1] = { k: 'lit', v: last.v + v, q };
      else segs.push({ k: 'lit', v, q });
    };
    while (this.i < s.length && !isMeta(s[this.i]!)) {
      const c = s[this.i]!;
      if (c === '\\') {
        isPlain = false;
        if (this.i + 1 < s.length) lit(s[this.i + 1]!, true);
        this.i += 2;
      } else if (c === "'") {
        isPlain = false;
        const end = s.indexOf("'", this.i + 1);
        if (end < 0) throw new ShellSyntaxError('syntax error: unterminated quoted string');
        lit(s.slice(this.i + 1, end), true);
        this.i = end + 1;
      } else if (c === '"') {
        isPlain = false;
        this.i++;
        this.doubleQuoted(segs, lit);
      } else if (c === '$' || c === '`') {
        const seg = this.expansion(false);
        if (seg) {
          isPlain = false;
          segs.push(seg);
        } else {
          lit('$', false);
          plain += '$';
        }
      } else {
        lit(c, false);
        plain += c;
        this.i++;
      }
    }
    return { t: 'word', word: segs.length ? segs : [{ k: 'lit', v: '', q: true }], plain: isPlain ? plain : undefined };
  }

  private doubleQuoted(segs: Seg[], lit: (v: string, q: boolean) => void): void {
    const s = this.s;
    let any = false;
    while (this.i < s.length && s[this.i] !== '"') {
      const c = s[this.i]!;
      if (c === '\\' && '"\\$`\n'.includes(s[this.i + 1] ?? '')) {
        if (s[this.i + 1] !== '\n') lit(s[this.i + 1]!, true);
        this.i += 2;
      } else if (c === '$' || c === '`') {
        const seg = this.expansion(true);
        if (seg) segs.push(seg);
        else lit('$', true);
      } else {
        lit(c, true);
        this.i++;
      }
      any = true;
    }
    if (this.i >= s.length) throw new ShellSyntaxError('syntax error: unterminated quoted string');
    this.i++;
    if (!any) lit('', true);
  }

  /** At `$` or a backquote: returns the expansion, or undefined for a lone `$` (consumed as a literal). */
  private expansion(q: boolean): Seg | undefined {
    const s = this.s;
    if (s[this.i] === '`') {
      const end = s.indexOf('`', this.i + 1);
      if (end < 0) throw new ShellSyntaxError('syntax error: unterminated quoted string');
      const src = s.slice(this.i + 1, end);
      this.i = end + 1;
      return { k: 'sub', src, q };
    }
    const n = s[this.i + 1] ?? '';
    if (s.startsWith('$((', this.i)) {
      const end = this.matching(this.i + 1);
      const expr = s.slice(this.i + 3, end - 1);
      if (s[end - 1] !== ')') throw new ShellSyntaxError('syntax error: unterminated arithmetic');
      this.i = end + 1;
      return { k: 'arith', expr, q };
    }
    if (n === '(') {
      const end = this.matching(this.i + 1);
      const src = s.slice(this.i + 2, end);
      this.i = end + 1;
      return { k: 'sub', src, q };
    }
    if (n === '{') {
      const end = s.indexOf('}', this.i + 2);
      if (end < 0) throw new ShellSyntaxError('syntax error: bad substitution');
      const body = s.slice(this.i + 2, end);
      this.i = end + 1;
      const m = /^(#?)([A-Za-z_][A-Za-z0-9_]*|[0-9?#$@*!])(?:(:?[-=+?])(.*))?$/s.exec(body);
      if (!m) throw new ShellSyntaxError('syntax error: bad substitution');
      if (m[1]) return { k: 'var', name: m[2]!, q, op: '#' };
      if (!m[3]) return { k: 'var', name: m[2]!, q };
      const arg = m[4] ? (new Lexer(m[4]).wordOnly() ?? []) : [];
      return { k: 'var', name: m[2]!, q, op: m[3], arg };
    }
    if (NAME_START.test(n)) {
      let j = this.i + 1;
      while (j < s.length && NAME_CHAR.test(s[j]!)) j++;
      const name = s.slice(this.i + 1, j);
      this.i = j;
      return { k: 'var', name, q };
    }
    if (n && '?$#@*!0123456789'.includes(n)) {
      this.i += 2;
      return { k: 'var', name: n, q };
    }
    this.i++;
    return undefined;
  }

  /** Index of the `)` matching the `(` at `open`, skipping quotes. */
  private matching(open: number): number {
    const s = this.s;
    let depth = 0;
    for (let j = open; j < s.length; j++) {
      const c = s[j]!;
      if (c === '\\') j++;
      else if (c === "'") {
        j = s.indexOf("'", j + 1);
        if (j < 0) break;
      } else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return j;
    }
    throw new ShellSyntaxError("syntax error: unterminated $(...)");
  }

  /** The whole input as one word (for `${X:-word}` arguments). */
  wordOnly(): Word | undefined {
    const segs: Seg[] = [];
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === '$' || c === '`') {
        const seg = this.expansion(false);
        segs.push(seg ?? { k: 'lit', v: '$', q: true });
      } else if (c === '"') {
        this.i++;
        this.doubleQuoted(segs, (v, q) => segs.push({ k: 'lit', v, q }));
      } else if (c === "'") {
        const end = this.s.indexOf("'", this.i + 1);
        if (end < 0) throw new ShellSyntaxError('syntax error: unterminated quoted string');
        segs.push({ k: 'lit', v: this.s.slice(this.i + 1, end), q: true });
        this.i = end + 1;
      } else {
        segs.push({ k: 'lit', v: c, q: true });
        this.i++;
      }
    }
    return segs;
  }
}

const TERMINATORS = new Set(['do', 'done', 'then', 'elif', 'else', 'fi', '}', 'esac']);

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  script(): Node {
    const list = this.list();
    const t = this.peek();
    if (t.t !== 'eof') throw this.unexpected(t);
    return list;
  }

  private peek(): Token {
    return this.toks[this.i]!;
  }

  private take(): Token {
    return this.toks[this.i++]!;
  }

  private reserved(t: Token = this.peek()): string | undefined {
    return t.t === 'word' ? t.plain : undefined;
  }

  private unexpected(t: Token): ShellSyntaxError {
    if (t.t === 'eof') return new ShellSyntaxError('syntax error: unexpected end of file');
    const text = t.t === 'op' ? (t.op === '\n' ? 'newline' : t.op) : t.t === 'redir' ? 'redirection' : t.plain ?? 'word';
    return new ShellSyntaxError(`syntax error: unexpected "${text}"`);
  }

  private skipNewlines(): void {
    while (this.peek().t === 'op' && (this.peek() as { op: Op }).op === '\n') this.i++;
  }

  private atListEnd(): boolean {
    const t = this.peek();
    if (t.t === 'eof') return true;
    if (t.t === 'op' && t.op === ')') return true;
    const r = this.reserved(t);
    return r !== undefined && TERMINATORS.has(r);
  }

  private list(): Node {
    const items: Node[] = [];
    this.skipNewlines();
    while (!this.atListEnd()) {
      items.push(this.andOr());
      const t = this.peek();
      if (t.t === 'op' && (t.op === ';' || t.op === '&' || t.op === '\n')) {
        this.i++;
        this.skipNewlines();
      } else break;
    }
    return items.length === 1 ? items[0]! : { k: 'list', items };
  }

  private andOr(): Node {
    let left = this.pipeline();
    for (;;) {
      const t = this.peek();
      if (t.t !== 'op' || (t.op !== '&&' && t.op !== '||')) return left;
      this.i++;
      this.skipNewlines();
      const right = this.pipeline();
      left = { k: t.op === '&&' ? 'and' : 'or', a: left, b: right };
    }
  }

  private pipeline(): Node {
    let negate = false;
    if (this.reserved() === '!') {
      this.i++;
      negate = true;
    }
    const cmds = [this.command()];
    while (this.peek().t === 'op' && (this.peek() as { op: Op }).op === '|') {
      this.i++;
      this.skipNewlines();
      cmds.push(this.command());
    }
    const node: Node = cmds.length === 1 ? cmds[0]! : { k: 'pipe', cmds };
    return negate ? { k: 'not', a: node } : node;
  }

  private expectWord(word: string): void {
    this.skipNewlines();
    const t = this.take();
    if (this.reserved(t) !== word) throw this.unexpected(t);
  }

  private redirs(): Redir[] {
    const out: Redir[] = [];
    while (this.peek().t === 'redir') out.push(this.redirect());
    return out;
  }

  private redirect(): Redir {
    const r = this.take() as Extract<Token, { t: 'redir' }>;
    const target = this.take();
    if (target.t !== 'word') throw this.unexpected(target);
    return { fd: r.fd, op: r.op, target: target.word };
  }

  private command(): Node {
    const t = this.peek();
    const r = this.reserved(t);
    if (r === 'while' || r === 'until') {
      this.i++;
      const cond = this.list();
      this.expectWord('do');
      const body = this.list();
      this.expectWord('done');
      return { k: 'while', until: r === 'until', cond, body, redirs: this.redirs() };
    }
    if (r === 'for') {
      this.i++;
      const nameTok = this.take();
      const name = this.reserved(nameTok);
      if (!name || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw this.unexpected(nameTok);
      let words: Word[] | null = null;
      this.skipNewlines();
      if (this.reserved() === 'in') {
        this.i++;
        words = [];
        while (this.peek().t === 'word') words.push((this.take() as Extract<Token, { t: 'word' }>).word);
      }
      const sep = this.peek();
      if (sep.t === 'op' && (sep.op === ';' || sep.op === '\n')) this.i++;
      this.expectWord('do');
      const body = this.list();
      this.expectWord('done');
      return { k: 'for', name, words, body, redirs: this.redirs() };
    }
    if (r === 'if') {
      this.i++;
      return this.ifRest();
    }
    if (r === '{') {
      this.i++;
      const body = this.list();
      this.expectWord('}');
      return { k: 'group', body, subshell: false, redirs: this.redirs() };
    }
    if (t.t === 'op' && t.op === '(') {
      this.i++;
      const body = this.list();
      const close = this.take();
      if (close.t !== 'op' || close.op !== ')') throw this.unexpected(close);
      return { k: 'group', body, subshell: true, redirs: this.redirs() };
    }
    if (r !== undefined && (TERMINATORS.has(r) || r === 'case')) throw this.unexpected(t);
    return this.simple();
  }

  private ifRest(): Node {
    const cond = this.list();
    this.expectWord('then');
    const then = this.list();
    this.skipNewlines();
    const next = this.take();
    const r = this.reserved(next);
    if (r === 'fi') return { k: 'if', cond, then, redirs: this.redirs() };
    if (r === 'else') {
      const otherwise = this.list();
      this.expectWord('fi');
      return { k: 'if', cond, then, else: otherwise, redirs: this.redirs() };
    }
    if (r === 'elif') return { k: 'if', cond, then, else: this.ifRest(), redirs: [] };
    throw this.unexpected(next);
  }

  private simple(): Node {
    const assigns: { name: string; value: Word }[] = [];
    const words: Word[] = [];
    const redirs: Redir[] = [];
    for (;;) {
      const t = this.peek();
      if (t.t === 'redir') {
        redirs.push(this.redirect());
        continue;
      }
      if (t.t !== 'word') break;
      this.i++;
      const first = t.word[0];
      const m = words.length === 0 && first?.k === 'lit' && !first.q ? /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.v) : null;
      if (m) {
        const rest = first!.k === 'lit' ? first!.v.slice(m[0].length) : '';
        const value: Seg[] = [...(rest ? [{ k: 'lit' as const, v: rest, q: false }] : []), ...t.word.slice(1)];
        assigns.push({ name: m[1]!, value: value.length ? value : [{ k: 'lit', v: '', q: true }] });
      } else {
        words.push(t.word);
      }
    }
    if (assigns.length === 0 && words.length === 0 && redirs.length === 0) throw this.unexpected(this.peek());
    return { k: 'simple', assigns, words, redirs };
  }
}

/** Parses a script; throws ShellSyntaxError with busybox's wording. */
export function parseScript(src: string): Node {
  return new Parser(new Lexer(src).tokens()).script();
}

/** A command given as an argv (no shell): one simple command of literal words. */
export function argvNode(argv: readonly string[]): Node {
  return { k: 'simple', assigns: [], words: argv.map((v) => [{ k: 'lit', v, q: true }]), redirs: [] };
}
