import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { LineCounter, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readPlainYaml } from '../../src/manifests/plainYaml.js';
import { fieldPositions, fromYamlNode } from '../../src/manifests/sourceTree.js';
import { resolvePlainScalar, YAML_OPTIONS } from '../../src/manifests/yaml11.js';

/** The fast reader either gives up or gives what the `yaml` parser gives: documents, values, key order, positions. */
function expectSameAsYaml(text: string): boolean {
  const plain = readPlainYaml(text, resolvePlainScalar);
  if (!plain) return false;
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter: lines });
  const list = Array.isArray(docs) ? docs : [];
  expect(list.flatMap((d) => d.errors.map((e) => e.message)), text).toEqual([]);
  expect(plain.length, text).toBe(list.length);
  plain.forEach((doc, i) => {
    const expected = list[i]!;
    const value = expected.toJS({ maxAliasCount: 1000 }) as unknown;
    if (doc.value === null || expected.contents === null) {
      // An empty document: nothing to read, whatever node `yaml` keeps for it.
      expect(value, text).toBeNull();
      return;
    }
    // isDeepStrictEqual, not toStrictEqual: a key named `constructor` must not be taken for the object's class.
    expect(isDeepStrictEqual(doc.value, value), text).toBe(true);
    expect(JSON.stringify(doc.value), text).toBe(JSON.stringify(value));
    const tree = fromYamlNode(expected.contents, lines);
    expect(doc.node?.start, text).toEqual(tree.start);
    expect([...fieldPositions(doc.node!)], text).toEqual([...fieldPositions(tree)]);
  });
  return true;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

const KEYS = ['a', 'b', 'name', 'a.b/c', 'yes', 'on', 'y', '1', '0644', 'null', '~', '"q"', "'s'", '<<', 'x y', 'k#', '-k', '__proto__', 'constructor', '1:30', 'a:b'];
const VALUES = [
  '', '1', '-1', '0644', '0o17', '0x1F', '0b101', '1:30', '1_000', '+1', '.5', '-.5', '1e3', '.inf', '-.Inf', '.NaN', '3.', 'yes', 'No', 'ON', 'off',
  'y', 'n', '~', 'null', 'Null', 'true', '2001-12-14', '2001-12-14t21:59:43.10-05:00', 'zone-1', 'nginx:1.25', 'http://x:80/y', '32Gi', '"8"',
  '"a b"', '""', "''", "'it''s'", "'a\"b'", '"a\\nb"', '"x"y', '"a" # c', 'a # c', 'a#c', 'a b  ', 'a: b', 'a:', 'a:b', '&x a', '*x', '!!str 1',
  '|', '>-', '@x', '%x', '`x', '-', '- x', '-x', '? x', ':x', ',x', '[1, a, "b"]', '[]', '{}', '{a: 1, b: [x, {c: d}]}', '{a: 1,}', '[a, , b]',
  '{a:1}', '{a: b c}', '{a: "x", b: \'y\'}', '[a: b]', '["a": b]', '{a: 1', '[a] x', '{a: b #c}', '{yes: 1}', '{a: 1, a: 2}', '{"a": 1}', '[x,y]',
];
const INDENTS = ['', '', '', '  ', '  ', '    ', ' ', '   ', '      '];

const line = fc.oneof(
  fc.tuple(fc.constantFrom(...INDENTS), fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)).map(([i, k, v]) => `${i}${k}:${v === '' ? '' : ` ${v}`}`),
  fc.tuple(fc.constantFrom(...INDENTS), fc.constantFrom(...VALUES)).map(([i, v]) => `${i}- ${v}`),
  fc.tuple(fc.constantFrom(...INDENTS), fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)).map(([i, k, v]) => `${i}- ${k}: ${v}`),
  fc.constantFrom('---', '# comment', '', '  # indented comment', '...', '--- a', 'a:\tb', '\ta: b', 'a: b\r', '%YAML 1.1'),
);

const COMMON_KEYS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'name', 'image', 'app', 'a.b/c', 'x-y', 'k8s.io/zone', 'constructor', 'ports'];
const COMMON_VALUES = ['1', '-1', '0644', '0x1F', '1:30', '1e3', '.5', 'yes', 'off', 'null', '~', '2001-12-14', 'zone-1', 'nginx:1.25', '"8"', "'it''s'", '[a, 1]', '{a: 1, b: "x"}', ''];
const key = fc.oneof({ arbitrary: fc.constantFrom(...COMMON_KEYS), weight: 12 }, { arbitrary: fc.constantFrom(...KEYS), weight: 1 });
const scalar = fc.oneof({ arbitrary: fc.constantFrom(...COMMON_VALUES), weight: 12 }, { arbitrary: fc.constantFrom(...VALUES), weight: 1 });

type Tree = { map: [string, Tree][] } | { seq: Tree[] } | { scalar: string };

const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar.map((scalar) => ({ scalar })),
    fc.array(fc.tuple(key, tie('tree')), { minLength: 1, maxLength: 4 }).map((map) => ({ map })),
    fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((seq) => ({ seq: seq.filter((t) => !('seq' in t)) })),
  ),
})).tree;

/** Block YAML for a tree, lists under a key indented or not as `flush` says. */
function render(t: Tree, indent: string, flush: boolean): string[] {
  if ('scalar' in t) return [`${indent}${t.scalar}`];
  if ('map' in t) {
    return t.map.flatMap(([k, v]) => {
      if ('scalar' in v) return [`${indent}${k}:${v.scalar === '' ? '' : ` ${v.scalar}`}`];
      return [`${indent}${k}:`, ...render(v, 'seq' in v && flush ? indent : `${indent}  `, flush)];
    });
  }
  return t.seq.flatMap((item) => {
    if ('scalar' in item) return [`${indent}- ${item.scalar}`];
    const [first, ...rest] = render(item, `${indent}  `, flush);
    return 'map' in item ? [`${indent}- ${first!.trimStart()}`, ...rest] : [`${indent}-`, first!, ...rest];
  });
}

describe('readPlainYaml', () => {
  it('reads manifests as the yaml parser does: the bench nodes, the demo manifests', () => {
    const node = (n: number) => `apiVersion: v1\nkind: Node\nmetadata:\n  name: node-${n}\n  labels: {topology.kubernetes.io/zone: zone-${n % 3}}\nstatus:\n  capacity: {cpu: "8", memory: 32Gi, pods: "110"}\n`;
    expect(expectSameAsYaml([0, 1, 2].map(node).join('---\n'))).toBe(true);
    const files = yamlFiles('demo-manifests');
    const read = files.filter((f) => expectSameAsYaml(readFileSync(f, 'utf8')));
    // Most demo manifests are plain; the rest (block scalars and the like) go to the yaml parser.
    expect(read.length).toBeGreaterThan(files.length / 2);
  });

  it('gives up, or agrees with the yaml parser, on any text made of manifest-like lines', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 12 }), (lines) => {
        if (expectSameAsYaml(lines.join('\n'))) accepted++;
        if (expectSameAsYaml(`${lines.join('\n')}\n`)) accepted++;
      }),
      { numRuns: 4000, seed: 7 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  it('gives up, or agrees with the yaml parser, on block documents with odd scalars and stray lines', () => {
    let accepted = 0;
    const doc = fc.tuple(fc.array(fc.tuple(key, tree), { minLength: 1, maxLength: 5 }), fc.boolean());
    fc.assert(
      fc.property(fc.array(doc, { minLength: 1, maxLength: 3 }), fc.option(fc.tuple(fc.nat(), line), { freq: 4 }), (docs, stray) => {
        const lines = docs.flatMap(([map, flush], i) => [...(i > 0 ? ['---'] : []), ...render({ map }, '', flush)]);
        if (stray) lines.splice(stray[0] % (lines.length + 1), 0, stray[1]);
        if (expectSameAsYaml(`${lines.join('\n')}\n`)) accepted++;
      }),
      { numRuns: 4000, seed: 11 },
    );
    expect(accepted).toBeGreaterThan(150);
  });

  it('agrees on nested block lists and mappings in the layouts manifests use', () => {
    const texts = [
      'k:\n- a: 1\n  b: 2\n- c\nd: e\n',
      'k:\n  - a: 1\n    b: [x]\n  - {c: d}\nz: 1\n',
      'x:\n- k:\n  - a\n  b: 1\n',
      'a:\n  b:\n    c: 1\n  d:\ne: 2\n',
      '  a: 1\n  b: 2\n',
      'a: 1 # one\n# between\nb: "2" # two\n',
      'kind: List\napiVersion: v1\nitems:\n- kind: ConfigMap\n  metadata: {name: a}\n- kind: Secret\n  metadata:\n    name: b\n',
      'a: 1\n---\n---\nb: 2\n',
      '# c\n---\na: 1\n---\n',
      'a:\n- 1\n-   b: 2\n    c: 3\n',
    ];
    for (const text of texts) expect(expectSameAsYaml(text), text).toBe(true);
  });

  it('gives up on absurd nesting instead of overflowing the stack (the yaml parser words that error)', () => {
    expect(readPlainYaml(`a: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`, resolvePlainScalar)).toBeUndefined();
    const block = Array.from({ length: 5_000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    expect(readPlainYaml(block, resolvePlainScalar)).toBeUndefined();
  });
});
