/**
 * Fuzzing the manifest path, the files no mutation produces by accident (issue 8, part 1): alias bombs, 1,000-document
 * files, a 20 MB file, binary files, empty files, deep nesting, huge lines, JSON. Same checks as the mutation fuzz:
 * no exception, the error names the file and the place, every object already applied is unchanged (spec by spec),
 * and the file applies again once it is fixed.
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/engine/cluster.js';
import { createSimulatedCluster } from '../../src/engine/simulation.js';
import { ManifestSync, type ReloadReport } from '../../src/manifests/index.js';
import { errorProblems } from './support/checks.js';
import { demoCopy } from './support/corpus.js';
import { diffSnapshots, snapshot } from './support/liveState.js';

let dir: string;
let cluster: Cluster;
let sync: ManifestSync;
let cases = 0;

beforeAll(async () => {
  dir = await demoCopy();
  cluster = createSimulatedCluster({ seed: 1 });
  cluster.ensureDefaultNodes(3);
  sync = new ManifestSync(cluster, [dir], { watch: false });
  expect((await sync.start()).errors).toEqual([]);
  cluster.advance(30_000);
});

afterAll(async () => {
  console.log(`special manifest files: ${cases} cases`);
  await sync?.stop();
  await rm(dir, { recursive: true, force: true });
});

const cm = (name: string, value = '1') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  v: "${value}"\n`;

/**
 * Writes `content` to `rel` (which first holds `good`, applied), reloads, and checks the file is refused with errors
 * naming it (and, for text, a place inside it), that nothing in the cluster changed, and that `good` applies again.
 */
async function expectRefused(rel: string, content: string | Buffer, good: string, errorPattern: RegExp): Promise<ReloadReport> {
  cases++;
  const file = join(dir, rel);
  await writeFile(file, good);
  const applied = await sync.reload([file]);
  expect(applied.errors).toEqual([]);
  const before = snapshot(cluster);
  await writeFile(file, content);
  try {
    const report = await sync.reload([file]);
    const mine = report.errors.filter((e) => e.file === file);
    expect(mine.length, 'the broken file is reported').toBeGreaterThan(0);
    expect(mine.map((e) => e.message).join('\n')).toMatch(errorPattern);
    expect(errorProblems(mine, file, typeof content === 'string' && content.length < 1e6 ? content : undefined, process.cwd())).toEqual([]);
    expect(report.errors.filter((e) => e.file !== file)).toEqual([]);
    expect(diffSnapshots(before, snapshot(cluster))).toEqual([]);
    return report;
  } finally {
    // Recovery: the good content applies again and leaves everything as it was (checked even after a failure above,
    // so one failing case does not cascade into the next).
    await writeFile(file, good);
    const back = await sync.reload([file]);
    expect(back.errors).toEqual([]);
    expect(diffSnapshots(before, snapshot(cluster))).toEqual([]);
  }
}

describe('special manifest files', () => {
  it('a YAML alias bomb (billion laughs) is refused at once, naming the file and line', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const p = String.fromCharCode(97 + i - 1);
      levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [*${p},*${p},*${p},*${p},*${p},*${p},*${p},*${p},*${p}]`);
    }
    const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\n  annotations:\n${levels.map((l) => `    ${l}`).join('\n')}\n`;
    const start = performance.now();
    await expectRefused('bomb.yaml', bomb, cm('bomb'), /alias/i);
    expect(performance.now() - start).toBeLessThan(5_000);
    // A quadratic blow-up below the alias limit is refused too (a few hundred aliases of a big list).
    const wide = `x: &x [${Array.from({ length: 2000 }, (_, i) => `"v${i}"`).join(',')}]\n`;
    const quadratic = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\n  annotations:\n    ${wide}    y: [${Array.from({ length: 900 }, () => '*x').join(',')}]\n`;
    await expectRefused('bomb.yaml', quadratic, cm('bomb'), /error (parsing|validating)/);
  });

  it('anchors and aliases used as intended apply', async () => {
    cases++;
    const file = join(dir, 'anchors.yaml');
    await writeFile(file, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: anchored\n  labels: &l {app: anchored, tier: web}\n  annotations: *l\ndata:\n  v: "1"\n`);
    const report = await sync.reload([file]);
    expect(report.errors).toEqual([]);
    expect(cluster.get('ConfigMap', 'default', 'anchored')?.metadata.annotations).toMatchObject({ app: 'anchored', tier: 'web' });
    await rm(file);
    await sync.reload([file]);
    expect(cluster.get('ConfigMap', 'default', 'anchored')).toBeUndefined();
  });

  it('a 1,000-document file applies, one broken document in it changes nothing, fixing it applies, deleting it prunes', async () => {
    const docs = Array.from({ length: 1000 }, (_, i) => cm(`many-${i}`, String(i)));
    const good = docs.join('---\n');
    const file = join(dir, 'many.yaml');
    cases++;
    await writeFile(file, good);
    const created = await sync.reload([file]);
    expect(created.errors).toEqual([]);
    expect(cluster.list('ConfigMap').filter((c) => c.metadata.name?.startsWith('many-'))).toHaveLength(1000);
    const broken = [...docs.slice(0, 500), cm('many-500').replace('v: "1"', 'v: [unclosed'), ...docs.slice(501)].join('---\n');
    const report = await expectRefused('many.yaml', broken, good, /error parsing/);
    const brokenLine = broken.split('\n').findIndex((l) => l.includes('[unclosed')) + 1;
    expect(report.errors[0]!.line).toBeGreaterThanOrEqual(brokenLine);
    expect(report.errors[0]!.line).toBeLessThanOrEqual(brokenLine + 1);
    // A wrong type in document 1000: still nothing applies, and the error points at that document.
    const typed = [...docs.slice(0, 999), cm('many-999').replace('v: "1"', 'v: {a: 1}')].join('---\n');
    const typedReport = await expectRefused('many.yaml', typed, good, /ValidationError\(ConfigMap\.data\.v\)/);
    expect(typedReport.errors[0]!.line).toBe(typed.split('\n').length - 1);
    cases++;
    await rm(file);
    await sync.reload([file]);
    expect(cluster.list('ConfigMap').filter((c) => c.metadata.name?.startsWith('many-'))).toHaveLength(0);
  }, 60_000);

  it('a 20 MB file is refused by size; the objects it applied before stay', async () => {
    const big = `${cm('big')}---\n${'# padding\n'.repeat(2 * 1024 * 1024)}`;
    expect(big.length).toBeGreaterThan(20 * 1024 * 1024);
    await expectRefused('big.yaml', big, cm('big'), /file is too large \(20 MB > 10 MB\)/);
  }, 30_000);

  it('binary files are refused: NUL bytes, invalid UTF-8, UTF-16, an image', async () => {
    const withNul = Buffer.concat([Buffer.from(cm('bin')), Buffer.from([0, 1, 2, 0])]);
    await expectRefused('bin.yaml', withNul, cm('bin'), /binary content/);
    await expectRefused('bin.yaml', randomBytes(4096), cm('bin'), /binary content|not valid UTF-8/);
    await expectRefused('bin.yaml', Buffer.from([0xc3, 0x28, 0x61, 0x3a, 0x20, 0x62, 0xff, 0xfe]), cm('bin'), /not valid UTF-8/);
    await expectRefused('bin.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(cm('bin'), 'utf16le')]), cm('bin'), /binary content|not valid UTF-8/);
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63fcffff3f0300050001ffa5f6a6c90000000049454e44ae426082', 'hex');
    await expectRefused('bin.yaml', png, cm('bin'), /binary content|not valid UTF-8/);
  });

  it('deep nesting, a 5 MB line, duplicate keys, tabs and stray documents are refused with their place', async () => {
    const deep = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\n  annotations: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    await expectRefused('deep.yaml', deep, cm('deep'), /error (parsing|validating)/);
    const deepMap = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  v: ${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}\n`;
    await expectRefused('deep.yaml', deepMap, cm('deep'), /error (parsing|validating)/);
    const longLine = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: long\ndata:\n  v: "${'x'.repeat(5 * 1024 * 1024)}\n`;
    await expectRefused('long.yaml', longLine, cm('long'), /error parsing/);
    await expectRefused('dup.yaml', `${cm('dup')}  v: "2"\n`, cm('dup'), /unique|duplicate/i);
    await expectRefused('tabs.yaml', cm('tabs').replace('  name', '\tname'), cm('tabs'), /error parsing/);
    await expectRefused('stray.yaml', `${cm('stray')}---\n- just\n- a list\n`, cm('stray'), /not a mapping/);
    await expectRefused('stray.yaml', `${cm('stray')}---\nkind: ConfigMap\n`, cm('stray'), /apiVersion not set/);
  }, 30_000);

  it('mangled JSON manifests are refused with their place', async () => {
    const good = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'json' }, data: { v: '1' } }, null, 2);
    for (let cut = 1; cut < good.length; cut += 7) await expectRefused('j.json', good.slice(0, cut), good, /error (parsing|validating)/);
    await expectRefused('j.json', good.replace('"1"', '1'), good, /expected "string"/);
    await expectRefused('j.json', good.replace('"v1"', '"v1",'), good, /error parsing/);
    await expectRefused('j.json', good.replace('{', '{\n  // comment\n'), good, /error parsing/);
  });

  it('empty files declare nothing: their objects are pruned, and come back when the content does', async () => {
    const file = join(dir, 'empty.yaml');
    for (const empty of ['', '\n\n', '---\n', '---\n---\n', '# only a comment\n', '   \n\t\n', '\uFEFF']) {
      cases++;
      await writeFile(file, cm('empty'));
      expect((await sync.reload([file])).errors).toEqual([]);
      const uid = cluster.get('ConfigMap', 'default', 'empty')!.metadata.uid;
      await writeFile(file, empty);
      const report = await sync.reload([file]);
      expect(report.errors).toEqual([]);
      expect(cluster.get('ConfigMap', 'default', 'empty')).toBeUndefined();
      await writeFile(file, cm('empty'));
      expect((await sync.reload([file])).errors).toEqual([]);
      expect(cluster.get('ConfigMap', 'default', 'empty')?.metadata.uid).not.toBe(uid);
    }
  });

  it('CRLF line endings and a byte-order mark apply like the plain file', async () => {
    cases++;
    const file = join(dir, 'crlf.yaml');
    await writeFile(file, `\uFEFF${cm('crlf', 'windows').replace(/\n/g, '\r\n')}`);
    const report = await sync.reload([file]);
    expect(report.errors).toEqual([]);
    expect(cluster.get('ConfigMap', 'default', 'crlf')?.data).toEqual({ v: 'windows' });
  });
});
