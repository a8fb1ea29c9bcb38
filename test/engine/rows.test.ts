// Property: no row is ever lost — every input row is either evaluated (has lines) or rejected, and totals reconcile.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberPersons, personRows } from '../../src/engine/persons.js';
import { P1, P2, run } from '../helpers.js';

const cell = (values: string[]): fc.Arbitrary<string> => fc.constantFrom(...values);

describe('reconciliation', () => {
  it('property: rows read = evaluated + rejected, each row lands in exactly one place, summary totals equal the breakdown', () => {
    const row = fc.record({
      person_id: cell([P1, P2, '330681199001010016', '', 'abc']),
      program: cell(['cert_training', 'living_allowance', 'skill_upgrade', 'free_lunch', '', 'training_package_grant']),
      date: cell(['2020-06-01', '2020/7/1', '2021年1月5日', '2019-01-01', 'yesterday', '']),
      level: cell(['L4', '三级', '', 'L9']),
      groups: cell(['', 'two_after;rural', 'pensioner', 'bogus']),
      training_days: cell(['', '10', '-3', '１２']),
      cost: cell(['', '1000', '99999', '1.234']),
      name: cell(['', '某单位']),
      jurisdiction: cell(['', 'zhuji', 'suzhou', 'nowhere']),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), (rows) => {
        const r = run('zhuji', rows);
        expect(r.rowsRead).toBe(rows.length);
        expect(r.rowsEvaluated + r.rowsRejected).toBe(r.rowsRead);
        const evaluatedRows = new Set(r.lines.map((l) => l.row));
        const rejectedRows = new Set(r.rejects.map((x) => x.row));
        expect(evaluatedRows.size).toBe(r.rowsEvaluated);
        expect(rejectedRows.size).toBe(r.rowsRejected);
        for (const n of evaluatedRows) expect(rejectedRows.has(n)).toBe(false);
        const approved = r.lines.filter((l) => l.status === 'approved').reduce((a, l) => a + l.amountFen, 0);
        const totals = r.summary.filter((s) => s.program === '');
        expect(totals.reduce((a, s) => a + s.amountFen, 0)).toBe(approved);
        expect(totals.reduce((a, s) => a + s.claims, 0)).toBe(r.lines.length);
        // persons.csv: one row per person and jurisdiction, adding up to the same totals, paid to them or for them.
        expect(r.persons.reduce((a, p) => a + p.amountFen, 0)).toBe(approved);
        expect(r.persons.reduce((a, p) => a + p.claims, 0)).toBe(r.lines.length);
        for (const p of r.persons) expect(p.paidToThemFen + p.paidToOthersFen).toBe(p.amountFen);
        expect(new Set(r.persons.map((p) => `${p.jurisdiction}|${p.personKey}`)).size).toBe(r.persons.length);
        expect(r.persons.length).toBe(totals.reduce((a, s) => a + s.persons, 0));
        for (const l of r.lines) {
          expect(Number.isSafeInteger(l.amountFen)).toBe(true);
          if (l.status !== 'approved') expect(l.amountFen).toBe(0);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('persons.csv rows', () => {
  it('ZJ-01/ZJ-03: one ID under other names lists them (spaces, width and case aside), at most three and then …', () => {
    const cert = (name: string, date: string): Record<string, string> => ({ name, program: 'cert_training', date, level: 'L4', cost: '1000' });
    const r = run('zhuji', [
      cert('王芳', '2020-05-01'),
      { name: '王 芳', program: 'safety_training', date: '2020-05-02' }, // the same name, spaced
      cert('王方', '2020-06-01'),
      cert('Wang Fang', '2020-07-01'),
      cert('WANGFANG', '2020-08-01'), // Wang Fang again, but for case and space
      cert('汪芳', '2020-09-01'),
      cert('王芳芳', '2020-10-01'),
      { person_id: P2, name: '李强', program: 'safety_training', date: '2020-05-02', certificate: 'special_operation', renewal: 'new' },
    ]);
    const [wang, li] = r.persons;
    expect(wang).toMatchObject({ name: '王芳', otherNames: ['王方', 'Wang Fang', '汪芳'], moreNames: true, claims: 7 });
    // ZJ-03: a new safety certificate, no cost given, at its 500 ceiling.
    expect(li).toMatchObject({ name: '李强', otherNames: [], moreNames: false, amountFen: 50000 });
  });

  it('ZJ-01/SZ-05: one ID in two jurisdictions, its lines interleaved: a row per jurisdiction, each counting its own lines, in the order of their first lines', () => {
    const cert = (date: string, occupation: string): Record<string, string> => ({ program: 'cert_training', date, occupation, level: 'L4', cost: '1000' });
    const suzhou = { jurisdiction: 'suzhou', program: 'skill_upgrade_individual', date: '2020-06-01', groups: 'insured', level: 'L3', occupation: '电工' };
    const r = run('zhuji', [cert('2020-03-01', 'A'), suzhou, cert('2020-04-01', 'B'), { person_id: P2, ...cert('2020-04-01', 'B') }]);
    expect(r.persons.map((p) => [p.jurisdiction, p.personKey, p.claims, p.amountFen])).toEqual([
      ['zhuji', P1, 2, 200000], // ZJ-01: L4 at its 1000 cost, twice
      ['suzhou', P1, 1, 200000], // SZ-05: L3, 2000
      ['zhuji', P2, 1, 100000],
    ]);
  });

  it('refuses lines whose persons were not numbered (numberPersons) among as many as it is told', () => {
    const lines = run('zhuji', [{ program: 'cert_training', date: '2020-03-01', occupation: 'A', level: 'L4', cost: '1000' }]).lines.map((l) => ({ ...l, person: -1 }));
    expect(() => personRows(lines, 1)).toThrow(/no person number below 1/);
    expect(numberPersons(lines)).toBe(1);
    expect(personRows(lines, 1)).toHaveLength(1);
    expect(() => personRows(lines, 0)).toThrow(/no person number below 0/);
  });
});
