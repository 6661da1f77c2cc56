import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/engine/api/types.js';
import { ActivePodsByNode } from '../../../src/engine/controllers/activePodsByNode.js';

function pod(uid: string, owners: string[], node?: string, extra: Partial<Pod['metadata']> = {}, phase = 'Running'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: uid, namespace: 'default', uid, ownerReferences: owners.map((o) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: o, uid: o })), ...extra },
    spec: { containers: [], ...(node ? { nodeName: node } : {}) },
    status: { phase } as Pod['status'],
  };
}

const counts = (index: ActivePodsByNode, ...owners: string[]) => {
  const m = new Map<string, number>();
  for (const o of owners) index.addCounts(o, m);
  return Object.fromEntries([...m].sort());
};

describe('ActivePodsByNode', () => {
  it('counts active pods per owner and node, following binds, deletions and removals', () => {
    const index = new ActivePodsByNode();
    index.observe(pod('a', ['rs1']), true);
    index.observe(pod('b', ['rs1'], 'n1'), true);
    index.observe(pod('c', ['rs2'], 'n1'), true);
    expect(counts(index, 'rs1')).toEqual({ '': 1, n1: 1 });
    expect(counts(index, 'rs1', 'rs2')).toEqual({ '': 1, n1: 2 });
    index.observe(pod('a', ['rs1'], 'n2'), true);
    expect(counts(index, 'rs1')).toEqual({ n1: 1, n2: 1 });
    index.observe(pod('b', ['rs1'], 'n1', { deletionTimestamp: '2025-01-01T00:00:00Z' }), true);
    expect(counts(index, 'rs1')).toEqual({ n2: 1 });
    index.observe(pod('a', ['rs1'], 'n2', {}, 'Succeeded'), true);
    expect(counts(index, 'rs1')).toEqual({});
    index.observe(pod('c', ['rs2'], 'n1'), false);
    expect(counts(index, 'rs2')).toEqual({});
  });

  it('counts a pod once per distinct owner uid, as the store lists dependents', () => {
    const index = new ActivePodsByNode();
    index.observe(pod('a', ['rs1', 'rs1', 'rs2'], 'n1'), true);
    expect(counts(index, 'rs1')).toEqual({ n1: 1 });
    expect(counts(index, 'rs1', 'rs2')).toEqual({ n1: 2 });
  });
});
