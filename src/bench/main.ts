/**
 * `npm run bench [-- --quick] [-- --out FILE] [-- CASE...]`: runs each case in its own process, prints one table
 * and writes the figures as JSON (default bench-results/latest.json).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES } from './cases.js';
import type { Measurement } from './measure.js';

const self = fileURLToPath(import.meta.url);

async function child(name: string, quick: boolean): Promise<void> {
  const run = CASES[name];
  if (!run) throw new Error(`unknown case ${name}`);
  const m = await run({ quick });
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

function table(results: readonly Measurement[]): string {
  const rows = [
    ['case', 'size', 'wall', 'cpu', 'peak RSS', 'figures', 'compares with'],
    ...results.map((r) => [
      r.case,
      r.size,
      `${r.wallMs.toFixed(0)} ms`,
      `${r.cpuMs.toFixed(0)} ms`,
      `${r.peakRssMb.toFixed(0)} MB`,
      Object.entries(r.figures).map(([k, v]) => `${k}=${v.toLocaleString('en')}`).join(' '),
      r.compare,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

async function parent(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const outIndex = argv.indexOf('--out');
  const out = resolve(outIndex >= 0 ? argv[outIndex + 1]! : 'bench-results/latest.json');
  const chosen = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--out');
  const names = chosen.length > 0 ? chosen : Object.keys(CASES);
  const results: Measurement[] = [];
  for (const name of names) {
    process.stderr.write(`bench: ${name}${quick ? ' (quick)' : ''}...\n`);
    const line = execFileSync(process.execPath, ['--expose-gc', self, '--case', name, ...(quick ? ['--quick'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
    results.push(JSON.parse(line.trim().split('\n').at(-1)!) as Measurement);
  }
  process.stdout.write(`${table(results)}\n`);
  const machine = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30) };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), quick, machine, results }, null, 2)}\n`);
  process.stderr.write(`bench: wrote ${out}\n`);
}

const argv = process.argv.slice(2);
const caseIndex = argv.indexOf('--case');
await (caseIndex >= 0 ? child(argv[caseIndex + 1]!, argv.includes('--quick')) : parent(argv));
