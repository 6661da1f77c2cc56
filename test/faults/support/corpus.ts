/** The demo manifests, copied into temporary folders for the fuzz suites to mangle. */
import { cp, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

export const DEMO_DIR = resolve(import.meta.dirname, '../../../demo-manifests');

export interface CorpusFile {
  /** Path relative to the demo folder, e.g. `01-web/my-nginx.yaml`. */
  rel: string;
  text: string;
}

export async function demoCorpus(): Promise<CorpusFile[]> {
  const out: CorpusFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (/\.(ya?ml|json)$/.test(entry.name)) out.push({ rel: relative(DEMO_DIR, full), text: await readFile(full, 'utf8') });
    }
  };
  await walk(DEMO_DIR);
  return out;
}

/** A fresh temporary copy of the demo folder. */
export async function demoCopy(prefix = 'kubedeck-faults-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await cp(DEMO_DIR, dir, { recursive: true });
  return dir;
}
