/** `kubedeck apply -f PATH`: apply a file or folder the way the watched folders are applied (three-way merge, prune). */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ActionError } from '../../engine/actions.js';
import { Applier, formatManifestError, loadFolders, readManifestFile, type ApplyResult } from '../../manifests/index.js';
import { list } from '../argv.js';
import type { Command, CommandContext } from '../command.js';

export function printApplyResults(results: readonly ApplyResult[], ctx: CommandContext): void {
  for (const r of results) {
    for (const a of r.applied) ctx.out(`${a.ref} ${a.action}\n`);
    for (const e of r.errors) ctx.err(`error: ${formatManifestError(e, ctx.cwd)}\n`);
    if (r.errors.length > 0) ctx.fail();
  }
}

export const applyCommand: Command = {
  name: 'apply',
  summary: 'Apply a manifest file or folder, as kubectl apply does (three-way merge against the last applied configuration).',
  usage: 'apply -f PATH [-f PATH...]',
  flags: [{ name: 'filename', short: 'f', kind: 'list', value: 'PATH', help: 'a .yaml/.yml/.json file or a folder (read recursively)' }],
  examples: ['kubedeck run scenario.yaml   # with a step: run: apply -f manifests/v2'],
  async run(args, ctx) {
    const paths = list(args, 'filename');
    if (paths.length === 0) throw new ActionError('must specify one of -f and -k');
    // Stateless like kubectl: an explicit apply wins over a watched folder's copy of the object (until that file
    // changes again) and prunes nothing.
    const applier = new Applier(ctx.cluster);
    for (const path of paths.map((p) => resolve(ctx.cwd, p))) {
      const info = await stat(path).catch(() => undefined);
      if (!info) throw new ActionError(`the path "${path}" does not exist`);
      if (info.isDirectory()) {
        const loaded = await loadFolders([path]);
        for (const e of loaded.errors) ctx.err(`error: ${formatManifestError(e, ctx.cwd)}\n`);
        if (loaded.errors.length > 0) ctx.fail();
        printApplyResults(applier.syncFolder(loaded.files, [path]), ctx);
      } else {
        printApplyResults(applier.applyBatch([await readManifestFile(path)]), ctx);
      }
    }
  },
};
