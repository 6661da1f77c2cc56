/**
 * The shape of a manifest as written, with where each key and list item starts: what error messages need from
 * the YAML reader, whichever reader it was (the full `yaml` parser or the fast one for plain manifests).
 */
import { isMap, isScalar, isSeq, type LineCounter, type Node as YamlNode } from 'yaml';
import { formatPath, type Segment } from './fieldPath.js';

export interface SourcePosition {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export type SourceNode = SourceMap | SourceSeq | SourceLeaf;

export interface SourceMap {
  kind: 'map';
  start: SourcePosition | undefined;
  entries: { key: string; at: SourcePosition | undefined; value: SourceNode | null }[];
}

export interface SourceSeq {
  kind: 'seq';
  start: SourcePosition | undefined;
  items: (SourceNode | null)[];
}

/** A scalar (or an alias): nothing inside it has a position of its own. */
export interface SourceLeaf {
  kind: 'leaf';
  start: SourcePosition | undefined;
}

/** Canonical field path (`spec.template.spec.containers[0].image`) -> where its key (or list item) starts. */
export function fieldPositions(node: SourceNode): Map<string, SourcePosition> {
  const out = new Map<string, SourcePosition>();
  record(node, [], out);
  return out;
}

function record(node: SourceNode, path: Segment[], out: Map<string, SourcePosition>): void {
  if (node.kind === 'map') {
    for (const { key, at, value } of node.entries) {
      const childPath = [...path, key];
      if (at) out.set(formatPath(childPath), at);
      if (value) record(value, childPath, out);
    }
  } else if (node.kind === 'seq') {
    node.items.forEach((child, i) => {
      const childPath = [...path, i];
      if (child?.start) out.set(formatPath(childPath), child.start);
      if (child) record(child, childPath, out);
    });
  }
}

/** The tree of a node the `yaml` parser composed. Keys that are not scalars, or null, have no field path. */
export function fromYamlNode(node: YamlNode, lines: LineCounter): SourceNode {
  const start = node.range ? toPos(node.range[0], lines) : undefined;
  if (isMap(node)) {
    const entries: SourceMap['entries'] = [];
    for (const pair of node.items) {
      const key = pair.key;
      const keyValue = isScalar(key) ? key.value : key;
      if (keyValue === null || typeof keyValue === 'object') continue;
      const at = isScalar(key) && key.range ? toPos(key.range[0], lines) : undefined;
      const value = pair.value as YamlNode | null;
      entries.push({ key: String(keyValue), at, value: value ? fromYamlNode(value, lines) : null });
    }
    return { kind: 'map', start, entries };
  }
  if (isSeq(node)) return { kind: 'seq', start, items: node.items.map((item) => (item ? fromYamlNode(item as YamlNode, lines) : null)) };
  return { kind: 'leaf', start };
}

function toPos(offset: number, lines: LineCounter): SourcePosition {
  const p = lines.linePos(offset);
  return { line: p.line, column: p.col };
}
