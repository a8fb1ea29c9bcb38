// FactMemo: a remembered result is the result the computation gives, whichever facts it reads.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FactMemo } from '../../src/engine/memo.js';
import type { Facts } from '../../src/engine/types.js';

/** Reads `level` always, `cost` only for L4, `date` only when a cost is over 1000: paths of different lengths. */
function rule(f: Facts): string {
  if (f.level !== 'L4') return `flat ${String(f.level)}`;
  const cost = f.cost as number | undefined;
  if (cost === undefined) return 'cap';
  return cost > 1000 ? `${cost} on ${String(f.date)}` : `${cost}`;
}

describe('FactMemo', () => {
  it('property: gives what the computation gives, and computes each combination of facts read once', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            level: fc.constantFrom('L3', 'L4', 'L5'),
            cost: fc.option(fc.constantFrom(500, 1500), { nil: undefined }),
            date: fc.constantFrom('2020-01-01', '2020-06-01'),
            groups: fc.constantFrom<string[]>(['a'], ['a', 'b']),
          }),
          { maxLength: 60 },
        ),
        (rows) => {
          const memo = new FactMemo<string>();
          let computed = 0;
          for (const facts of rows) {
            expect(memo.get('p', facts, (f) => (computed++, rule(f)))).toBe(rule(facts));
          }
          // At most: 2 flat levels + L4 × (no cost, 500, 1500 × 2 dates).
          expect(computed).toBeLessThanOrEqual(6);
        },
      ),
    );
  });

  it('keeps scopes apart and stops remembering at its limit (still computing correctly)', () => {
    const memo = new FactMemo<string>(1);
    let computed = 0;
    const f = (x: Facts): string => (computed++, String(x.level));
    expect(memo.get('a', { level: 'L4' }, f)).toBe('L4');
    expect(memo.get('b', { level: 'L4' }, f)).toBe('L4');
    expect(memo.get('b', { level: 'L4' }, f)).toBe('L4');
    expect(memo.get('a', { level: 'L4' }, f)).toBe('L4');
    expect(computed).toBe(3); // only scope a's result was kept
  });

  it('a computation that lists the facts is not remembered', () => {
    const memo = new FactMemo<number>();
    let computed = 0;
    const f = (x: Facts): number => (computed++, Object.keys(x).length);
    memo.get('p', { level: 'L4' }, f);
    expect(memo.get('p', { level: 'L4', cost: 1 }, f)).toBe(2);
    expect(computed).toBe(2);
  });
});
