import { mkdir, mkdtemp, open, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManifestSync, type ReloadReport } from '../../src/manifests/watch.js';
import { describeReport } from '../../src/manifests/sync.js';
import { FakeClient } from './fakeClient.js';

const cm = (name: string, value = '1') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  v: "${value}"\n`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, timeoutMs = 800): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(5);
  }
}

describe('ManifestSync on real files', () => {
  let dir: string;
  let client: FakeClient;
  let sync: ManifestSync;
  let reports: ReloadReport[];
  /** Reloads that touched `file` (by base name). */
  const appliesOf = (name: string) => reports.filter((r) => r.results.some((x) => x.file.endsWith(`/${name}`)));
  const value = (name: string) => client.get('ConfigMap', 'default', name)?.data?.['v'];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubedeck-watch-'));
    await writeFile(join(dir, 'a.yaml'), cm('a'));
    client = new FakeClient();
    sync = new ManifestSync(client, [dir], { rootPollMs: 50 });
    reports = [];
    sync.onReport((r) => reports.push(r));
    const first = await sync.start();
    expect(first.results.map((r) => r.applied)).toEqual([[{ ref: 'configmap/a', action: 'created' }]]);
    expect(describeReport(first)).toBe('last reload: 1 file applied');
    reports.length = 0;
  });

  afterEach(async () => {
    await sync.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a save gives exactly one re-apply, within 100 ms of the write', async () => {
    const wrote = Date.now();
    await writeFile(join(dir, 'a.yaml'), cm('a', '2'));
    await waitFor(() => value('a') === '2');
    const latency = reports[0]!.at.getTime() - wrote;
    console.log(`reload latency after a save: ${latency} ms`);
    expect(latency).toBeLessThan(100);
    await sleep(150);
    expect(appliesOf('a.yaml')).toHaveLength(1);
    expect(reports[0]!.results[0]!.applied).toEqual([{ ref: 'configmap/a', action: 'configured' }]);
  });

  it('a chunked write gives one re-apply of the complete file', async () => {
    const text = cm('a', 'chunked');
    const handle = await open(join(dir, 'a.yaml'), 'w');
    for (let i = 0; i < text.length; i += 20) {
      await handle.write(text.slice(i, i + 20));
      await sleep(10);
    }
    await handle.close();
    const wrote = Date.now();
    await waitFor(() => value('a') === 'chunked');
    console.log(`reload latency after a chunked write: ${reports[0]!.at.getTime() - wrote} ms`);
    await sleep(150);
    expect(appliesOf('a.yaml')).toHaveLength(1);
    expect(reports.flatMap((r) => r.errors)).toEqual([]);
  });

  it('an atomic save (temp file renamed over, backup kept) gives one re-apply', async () => {
    await writeFile(join(dir, 'a.yaml~'), cm('a', '1')); // backup
    await writeFile(join(dir, '.a.yaml.tmp'), cm('a', 'atomic'));
    await rename(join(dir, '.a.yaml.tmp'), join(dir, 'a.yaml'));
    const wrote = Date.now();
    await waitFor(() => value('a') === 'atomic');
    console.log(`reload latency after an atomic rename: ${reports[0]!.at.getTime() - wrote} ms`);
    await sleep(150);
    expect(appliesOf('a.yaml')).toHaveLength(1);
    expect(reports.every((r) => r.results.every((x) => x.file.endsWith('/a.yaml')))).toBe(true);
  });

  it('vim-style save (rename original to backup, write new, delete backup) gives one re-apply and no prune', async () => {
    await rename(join(dir, 'a.yaml'), join(dir, 'a.yaml~'));
    await writeFile(join(dir, '4913'), '');
    await unlink(join(dir, '4913'));
    await writeFile(join(dir, 'a.yaml'), cm('a', 'vim'));
    await unlink(join(dir, 'a.yaml~'));
    await waitFor(() => value('a') === 'vim');
    await sleep(150);
    expect(appliesOf('a.yaml')).toHaveLength(1);
    expect(client.calls.filter((c) => c.startsWith('delete'))).toEqual([]);
  });

  it('deleting a file prunes its objects', async () => {
    await unlink(join(dir, 'a.yaml'));
    await waitFor(() => value('a') === undefined);
    expect(reports[0]!.results).toEqual([{ file: join(dir, 'a.yaml'), applied: [{ ref: 'configmap/a', action: 'pruned' }], errors: [] }]);
  });

  it('a broken save keeps the objects and reports the error; the fix applies', async () => {
    await writeFile(join(dir, 'a.yaml'), `${cm('a', '2')}  extra: [oops\n`);
    await waitFor(() => reports.length > 0);
    expect(value('a')).toBe('1');
    expect(reports[0]!.errors).toHaveLength(1);
    expect(reports[0]!.errors[0]).toMatchObject({ file: join(dir, 'a.yaml'), line: expect.any(Number) });
    expect(describeReport(reports[0]!)).toMatch(/^1 error in manifests: error parsing/);
    await writeFile(join(dir, 'a.yaml'), cm('a', '3'));
    await waitFor(() => value('a') === '3');
    expect(reports.at(-1)!.errors).toEqual([]);
  });

  it('outstanding errors of other files stay in the report', async () => {
    await writeFile(join(dir, 'bad.yaml'), 'kind: [');
    await waitFor(() => reports.length > 0);
    await writeFile(join(dir, 'a.yaml'), cm('a', '5'));
    await waitFor(() => value('a') === '5');
    expect(reports.at(-1)!.errors.map((e) => e.file)).toEqual([join(dir, 'bad.yaml')]);
  });

  it('picks up new folders and their files', async () => {
    await mkdir(join(dir, 'team'));
    await sleep(30);
    await writeFile(join(dir, 'team', 'b.yaml'), cm('b'));
    await waitFor(() => value('b') === '1');
  });

  it('survives the watched folder being deleted and recreated', async () => {
    await rm(dir, { recursive: true, force: true });
    await waitFor(() => value('a') === undefined);
    await mkdir(dir);
    await writeFile(join(dir, 'a.yaml'), cm('a', 'back'));
    await waitFor(() => value('a') === 'back');
    await writeFile(join(dir, 'a.yaml'), cm('a', 'again'));
    await waitFor(() => value('a') === 'again');
  });
});
