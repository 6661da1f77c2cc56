/** The edits a recording makes to manifest files (a text replacement, or a merge patch that keeps comments), checked before anything plays. */
import { readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { isMap, parseAllDocuments, type Document } from 'yaml';
import { checkRecordable, stepError, type FileEdit, type Scenario } from './scenario.js';

/** Returns the file's new text; throws an Error saying why the edit does not fit the file. */
export function applyEdit(text: string, change: FileEdit['change']): string {
  if ('replace' in change) {
    if (!text.includes(change.replace)) throw new Error(`the text to replace is not in the file: ${JSON.stringify(change.replace)}`);
    return text.replace(change.replace, change.with);
  }
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new Error('the file is not YAML');
  const broken = docs.find((d) => d.errors.length > 0);
  if (broken) throw new Error(`the file does not parse: ${broken.errors[0]!.message.split('\n')[0]}`);
  const target = chooseDocument(docs, change.patch);
  mergePatch(target, [], change.patch);
  return docs.map((d) => d.toString()).join('');
}

function chooseDocument(docs: Document[], patch: Record<string, unknown>): Document {
  const objects = docs.filter((d) => isMap(d.contents));
  const kind = patch.kind;
  const name = (patch.metadata as { name?: unknown } | undefined)?.name;
  if (kind !== undefined || name !== undefined) {
    const found = objects.find((d) => (kind === undefined || d.get('kind') === kind) && (name === undefined || d.getIn(['metadata', 'name']) === name));
    if (!found) throw new Error(`no document in the file has${kind !== undefined ? ` kind ${String(kind)}` : ''}${name !== undefined ? ` name ${String(name)}` : ''}`);
    return found;
  }
  if (objects.length !== 1) throw new Error(`the file holds ${objects.length} objects: put kind and metadata.name in the patch to choose one`);
  return objects[0]!;
}

/** RFC 7386 on a YAML document: maps merge, null removes, anything else (lists too) replaces. */
function mergePatch(doc: Document, path: string[], patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    const at = [...path, key];
    if (value === null) doc.deleteIn(at);
    else if (typeof value === 'object' && !Array.isArray(value) && isMap(doc.getIn(at, true))) mergePatch(doc, at, value as Record<string, unknown>);
    else doc.setIn(at, value);
  }
}

/** Checks, before anything runs, that each edit fits its file as the earlier edits leave it. */
function checkEdits(scenario: Scenario): void {
  const texts = new Map<string, string>();
  for (const step of scenario.steps) {
    if (step.kind !== 'edit') continue;
    const { file, change } = step.edit;
    let text = texts.get(file);
    if (text === undefined) {
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw stepError(scenario, step, `cannot read ${file}: ${(e as Error).message}`);
      }
    }
    try {
      texts.set(file, applyEdit(text, change));
    } catch (e) {
      throw stepError(scenario, step, `${relative(dirname(scenario.file), file)}: ${(e as Error).message}`);
    }
  }
}

/** Everything `kubedeck record` checks before anything plays: no repeating step, and every edit fits its file. */
export function checkRecording(scenario: Scenario): void {
  checkRecordable(scenario);
  checkEdits(scenario);
}
