/** How kubedeck reads YAML: as kubectl does (YAML 1.1, go-yaml v2), for both the full parser and the fast reader. */
import { Document, isScalar, type DocumentOptions, type ParseOptions, type ScalarTag, type SchemaOptions } from 'yaml';
import type { ScalarResolver } from './plainYaml.js';

export const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  // kubectl reads YAML 1.1 (go-yaml v2): `0644` is octal, `yes` is true. Timestamps stay strings as in kubectl.
  version: '1.1',
  customTags: (tags) => tags.filter((t) => !(typeof t === 'object' && 'tag' in t && t.tag === 'tag:yaml.org,2002:timestamp')),
};

const { schema, options: resolveOptions } = new Document(null, YAML_OPTIONS);
const scalarTags = schema.tags.filter((t): t is ScalarTag => !('collection' in t && t.collection));

/**
 * A plain scalar as `yaml` composes it with YAML_OPTIONS: the first default tag whose test matches resolves it,
 * else it is a string. Keys only resolve when they stay strings; a resolver that complains means giving up.
 */
export const resolvePlainScalar: ScalarResolver = (source, isKey) => {
  const tag = scalarTags.find((t) => (t.default === true || (isKey && t.default === 'key')) && t.test?.test(source));
  if (!tag) return { value: source };
  if (isKey || !tag.resolve) return undefined;
  let failed = false;
  const resolved = tag.resolve(source, () => (failed = true), resolveOptions);
  if (failed) return undefined;
  return { value: isScalar(resolved) ? resolved.value : resolved };
};
