// Run by folderEvents.test.ts in a child process that is not root (root reads every file whatever its mode), so
// that "permission denied" really happens: args are the built dist/ folder and an empty folder this user owns.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const [dist, dir] = process.argv.slice(2);
const { createCluster } = await import(join(dist, 'engine/cluster.js'));
const { ManifestSync } = await import(join(dist, 'manifests/index.js'));
const cm = (name, value) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  v: "${value}"\n`;

const cluster = createCluster({ seed: 1 });
const live = () => Object.fromEntries(cluster.list('ConfigMap', { namespace: 'default' }).filter((c) => c.metadata.name !== 'kube-root-ca.crt').map((c) => [c.metadata.name, c.data.v]));
const messages = (report) => report.errors.map((e) => e.message);

await mkdir(join(dir, 'sub'));
await writeFile(join(dir, 'a.yaml'), cm('a', '1'));
await writeFile(join(dir, 'sub', 'b.yaml'), cm('b', '1'));
const sync = new ManifestSync(cluster, [dir], { watch: false });
await sync.start();
const out = { uid: process.getuid(), start: live() };

await chmod(join(dir, 'a.yaml'), 0o000);
out.fileDenied = messages(await sync.reload([join(dir, 'a.yaml')]));
out.afterFileDenied = live();
await chmod(join(dir, 'sub'), 0o000);
out.folderDenied = messages(await sync.reload([dir]));
out.afterFolderDenied = live();

await chmod(join(dir, 'sub'), 0o755);
await chmod(join(dir, 'a.yaml'), 0o644);
await writeFile(join(dir, 'a.yaml'), cm('a', '3'));
out.readable = messages(await sync.reload([dir]));
out.afterReadable = live();
await sync.stop();
process.stdout.write(JSON.stringify(out));
