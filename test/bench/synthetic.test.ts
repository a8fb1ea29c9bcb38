// The bench's synthetic roster: deterministic, and persons repeat about three times each as documented.
import { describe, expect, it } from 'vitest';
import { syntheticRoster } from '../../src/bench/synthetic.js';

const rowsOf = (n: number, seed: number): string[][] =>
  [...syntheticRoster(n, seed)]
    .join('')
    .split('\n')
    .filter(Boolean)
    .slice(1)
    .map((l) => l.split(','));

describe('synthetic roster', () => {
  it('is the same for the same seed', () => {
    expect([...syntheticRoster(2_000, 9)].join('')).toBe([...syntheticRoster(2_000, 9)].join(''));
  });

  // 90k rows are 30k persons, past the 21,000 IDs the old ID formula cycled through (it gave ~48 rows per ID at 1M).
  it('gives each person one resident ID of their own, about three rows each', () => {
    const rows = rowsOf(90_000, 42);
    const idOf = new Map<string, Set<string>>(); // name → IDs
    const nameOf = new Map<string, Set<string>>(); // ID → names
    for (const [id, name] of rows) {
      idOf.set(name!, (idOf.get(name!) ?? new Set()).add(id!));
      nameOf.set(id!, (nameOf.get(id!) ?? new Set()).add(name!));
    }
    // A bad row may carry a spoilt copy of its person's ID (one of the ~5% bad rows); a good ID names one person.
    expect([...idOf.values()].filter((ids) => ids.size > 2)).toEqual([]);
    expect([...nameOf.values()].filter((names) => names.size > 1)).toEqual([]);
    const perPerson = rows.length / idOf.size;
    expect(perPerson).toBeGreaterThan(2.8);
    expect(perPerson).toBeLessThan(3.5);
  });
});
