import { mkdir, mkdtemp, rm, symlink, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isIgnoredName } from '../../src/manifests/fileNames.js';
import { loadFolders, readManifestFile } from '../../src/manifests/load.js';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

describe('loadFolders', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubedeck-load-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads .yaml/.yml/.json recursively in sorted order, skipping editor files and tool folders', async () => {
    await mkdir(join(dir, 'b', 'deep'), { recursive: true });
    await mkdir(join(dir, 'node_modules'));
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, 'c.yml'), cm('c'));
    await writeFile(join(dir, 'a.yaml'), cm('a'));
    await writeFile(join(dir, 'b', 'deep', 'd.json'), JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'd' } }));
    for (const junk of ['a.yaml~', '.a.yaml.swp', '.a.yaml.swx', '#a.yaml#', '4913', '.#a.yaml', '.hidden.yaml', 'notes.txt']) {
      await writeFile(join(dir, junk), 'garbage: [');
    }
    await writeFile(join(dir, 'node_modules', 'x.yaml'), cm('nm'));
    await writeFile(join(dir, '.git', 'x.yaml'), cm('git'));
    const { files, errors } = await loadFolders([dir]);
    expect(errors).toEqual([]);
    expect(files.map((f) => f.file.slice(dir.length + 1))).toEqual(['a.yaml', 'b/deep/d.json', 'c.yml']);
    expect(files.map((f) => f.documents[0]!.object.metadata.name)).toEqual(['a', 'd', 'c']);
  });

  it('names editor leftovers as ignored', () => {
    expect(['x.yaml~', '.x.yaml.swp', '.x.yaml.swx', '#x#', '4913', '.#x', '.x', 'node_modules', '.git'].every(isIgnoredName)).toBe(true);
    expect(isIgnoredName('x.yaml')).toBe(false);
  });

  it('reports a missing folder, and still loads the others', async () => {
    await writeFile(join(dir, 'a.yaml'), cm('a'));
    const { files, errors } = await loadFolders([join(dir, 'nope'), dir]);
    expect(errors.map((e) => e.message)).toEqual([`folder "${join(dir, 'nope')}" does not exist`]);
    expect(files).toHaveLength(1);
  });

  it('detects symlink loops without hanging', async () => {
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'a.yaml'), cm('a'));
    await symlink(dir, join(dir, 'sub', 'loop'));
    const { files, errors } = await loadFolders([dir]);
    expect(files.map((f) => f.file.slice(dir.length + 1))).toEqual(['sub/a.yaml']);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/symlink loop/);
  });

  it('reports broken symlinks', async () => {
    await symlink(join(dir, 'missing.yaml'), join(dir, 'link.yaml'));
    const { errors } = await loadFolders([dir]);
    expect(errors[0]!.message).toMatch(/broken symlink/);
  });

  it('refuses files over the size cap and binary files', async () => {
    await writeFile(join(dir, 'big.yaml'), `# ${'x'.repeat(3 * 1024 * 1024)}\n`);
    const big = await readManifestFile(join(dir, 'big.yaml'), { maxFileBytes: 1024 * 1024 });
    expect(big.errors[0]!.message).toBe(`cannot read "${join(dir, 'big.yaml')}": file is too large (3 MB > 1 MB)`);
    await writeFile(join(dir, 'bin.yaml'), Buffer.from([0x61, 0x3a, 0x00, 0x01, 0x02]));
    const bin = await readManifestFile(join(dir, 'bin.yaml'));
    expect(bin.errors[0]!.message).toMatch(/binary content/);
  });

  it('loads a file given directly', async () => {
    await writeFile(join(dir, 'one.yaml'), cm('one'));
    const { files } = await loadFolders([join(dir, 'one.yaml')]);
    expect(files.map((f) => f.documents.length)).toEqual([1]);
  });

  it.skipIf(process.getuid?.() === 0)('reports unreadable files as that file\'s error', async () => {
    await writeFile(join(dir, 'secret.yaml'), cm('s'));
    await chmod(join(dir, 'secret.yaml'), 0);
    const { files } = await loadFolders([dir]);
    expect(files[0]!.errors[0]!.message).toMatch(/permission denied/);
  });
});
