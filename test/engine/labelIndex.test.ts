import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Labels } from '../../src/engine/api/meta.js';
import { LabelIndex } from '../../src/engine/labelIndex.js';
import { matches, type Requirement } from '../../src/engine/selectors.js';

interface Rec {
  id: number;
  labels: Labels | undefined;
}

const key = fc.constantFrom('app', 'tier', 'pod-template-hash');
const value = fc.constantFrom('a', 'b', 'c');
const labels = fc.option(fc.dictionary(key, value), { nil: undefined });
const requirement: fc.Arbitrary<Requirement> = fc.oneof(
  fc.record({ key, op: fc.constant('In' as const), values: fc.array(value, { minLength: 1, maxLength: 3 }) }),
  fc.record({ key, op: fc.constant('NotIn' as const), values: fc.uniqueArray(value, { minLength: 1, maxLength: 2 }) }),
  fc.record({ key, op: fc.constant('Exists' as const) }),
);

describe('LabelIndex', () => {
  it('offers every record a selector matches, each once, among records added, relabelled and deleted', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('add', 'relabel', 'delete'), fc.nat(7), labels), { maxLength: 40 }),
        fc.array(requirement, { maxLength: 3 }),
        (ops, selector) => {
          const index = new LabelIndex<Rec>();
          const live = new Map<number, Rec>();
          for (const [op, id, l] of ops) {
            const r = live.get(id);
            if (op === 'add' && !r) {
              const rec = { id, labels: l };
              live.set(id, rec);
              index.add(rec, rec.labels);
            } else if (op === 'relabel' && r) {
              index.delete(r, r.labels);
              r.labels = l;
              index.add(r, r.labels);
            } else if (op === 'delete' && r) {
              index.delete(r, r.labels);
              live.delete(id);
            }
          }
          const matching = [...live.values()].filter((r) => matches(selector, r.labels)).map((r) => r.id).sort();
          const sets = index.candidates(selector);
          if (!selector.some((r) => r.op === 'In')) {
            expect(sets).toBeUndefined();
            return;
          }
          const offeredList = sets!.flatMap((s) => [...s]);
          const offered = new Set(offeredList);
          expect(offeredList).toHaveLength(offered.size); // each once, even for `in (a, a)`
          const ins = selector.flatMap((r) => (r.op === 'In' ? [r] : []));
          for (const r of offered) {
            expect(live.get(r.id)).toBe(r);
            expect(ins.some((q) => q.values.includes(r.labels?.[q.key] as string))).toBe(true);
          }
          expect([...offered].filter((r) => matches(selector, r.labels)).map((r) => r.id).sort()).toEqual(matching);
        },
      ),
      { numRuns: 300 },
    );
  });
});
