/** Where each applied object is declared, so the dashboard can open `$EDITOR` at that line. */
import type { ManifestDocument } from './parse.js';
import { keyString, objectKey } from './objects.js';

export interface SourceLocation {
  file: string;
  line: number;
}

export class ManifestSet {
  private readonly byKey = new Map<string, SourceLocation>();
  private readonly byFile = new Map<string, string[]>();

  constructor(private readonly defaultNamespace = 'default') {}

  /** Records the documents a file applied, replacing what that file declared before. */
  setFile(file: string, documents: readonly ManifestDocument[]): void {
    this.removeFile(file);
    const keys: string[] = [];
    for (const doc of documents) {
      const k = objectKey(doc.object.kind, doc.object.metadata?.namespace, doc.object.metadata?.name ?? '', this.defaultNamespace);
      if (!k) continue;
      const key = keyString(k);
      this.byKey.set(key, { file, line: doc.line });
      keys.push(key);
    }
    this.byFile.set(file, keys);
  }

  removeFile(file: string): void {
    for (const key of this.byFile.get(file) ?? []) if (this.byKey.get(key)?.file === file) this.byKey.delete(key);
    this.byFile.delete(file);
  }

  sourceOf(kind: string, namespace: string | undefined, name: string): SourceLocation | undefined {
    const k = objectKey(kind, namespace, name, this.defaultNamespace);
    return k ? this.byKey.get(keyString(k)) : undefined;
  }

  files(): string[] {
    return [...this.byFile.keys()].sort();
  }
}
