// The summary's counts: claims per row, and each person counted once in a row and once in its jurisdiction's total.
import { describe, expect, it } from 'vitest';
import { P1, P2, run } from '../helpers.js';

const cert = (person: string, date: string, occupation: string): Record<string, string> => ({ person_id: person, program: 'cert_training', date, occupation, level: 'L4' });

describe('summary rows and totals', () => {
  it('ZJ-01/ZJ-16: two persons, four claims: each person once per row and once in the total, amounts as the lines', () => {
    const r = run('zhuji', [cert(P1, '2020-03-01', 'A'), cert(P2, '2020-03-02', 'A'), cert(P1, '2020-04-01', 'B'), cert(P2, '2020-05-01', 'A')]);
    const rows = r.summary.map((s) => [s.program, s.status, s.claims, s.persons, s.amountFen]);
    expect(rows).toEqual([
      // ZJ-01: L4 with no cost claimed pays its ceiling, 3500 yuan; P2's second A at L4 is ZJ-16's repeat.
      ['cert_training', 'approved', 3, 2, 3 * 350_000],
      ['cert_training', 'denied', 1, 1, 0],
      ['', '', 4, 2, 3 * 350_000],
    ]);
  });
});
