// Cross-record limits: decided in date order then input order, deterministic, and the loser names the winner.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Batch } from '../../src/engine/batch.js';
import { RepeatKeys, compareLines, inDecisionOrder } from '../../src/engine/limits.js';
import type { Line } from '../../src/engine/types.js';
import { P1, P2, TABLES, brief, run } from '../helpers.js';

const cert = (date: string, occupation: string, level = 'L4'): Record<string, string> => ({ program: 'cert_training', date, occupation, level });

describe('annual cap and no repeat (ZJ-16)', () => {
  it('decides by date, not by the order rows arrive in', () => {
    const r = run('zhuji', [cert('2020-09-01', 'D'), cert('2020-03-01', 'A'), cert('2020-05-01', 'B'), cert('2020-04-01', 'C')]);
    // Rows in input order; the September one is the 4th by date.
    expect(brief(r).map((l) => l[3])).toEqual(['annual_cap', 'ok', 'ok', 'ok']);
    expect(r.lines[0]!.reason.en).toContain('row 4'); // the last of the three it lost to: 2020-05-01 on row 4
  });

  it('a new calendar year starts a new count', () => {
    const r = run('zhuji', [cert('2020-03-01', 'A'), cert('2020-04-01', 'B'), cert('2020-05-01', 'C'), cert('2021-01-02', 'D')]);
    expect(brief(r).map((l) => l[1])).toEqual(['approved', 'approved', 'approved', 'approved']);
  });

  it('a line denied by no-repeat does not use up the annual allowance', () => {
    const r = run('zhuji', [cert('2020-03-01', 'A'), cert('2020-03-02', 'A'), cert('2020-04-01', 'B'), cert('2020-05-01', 'C')]);
    expect(brief(r).map((l) => l[3])).toEqual(['ok', 'repeat_occupation_level', 'ok', 'ok']);
  });

  it('ZJ-16: an occupation written so that it holds one already paid at the same level (焊工 / 电焊工) goes to review naming it, neither paid nor denied', () => {
    const r = run('zhuji', [cert('2020-03-01', '焊工'), cert('2020-04-01', '电焊工'), cert('2020-05-01', '电焊工', 'L3'), cert('2020-06-01', '电工'), cert('2021-01-05', '数控车工'), cert('2021-02-01', '车 工')]);
    expect(brief(r)).toEqual([
      ['cert_training', 'approved', '3500.00', 'ok'],
      ['cert_training', 'review', '3500.00', 'similar_occupation'], // held at its amount
      ['cert_training', 'approved', '3500.00', 'ok'], // another level
      ['cert_training', 'review', '3500.00', 'annual_cap_pending'], // 电工 is not in 电焊工; the 4th of 2020, full only if the review line is paid
      ['cert_training', 'approved', '3500.00', 'ok'],
      ['cert_training', 'review', '3500.00', 'similar_occupation'], // 车工, spaced, is in 数控车工
    ]);
    expect(r.lines[1]!.reason.zh).toBe('职业「电焊工」与已享受的「焊工」(test.csv 第2行 职业资格(技能等级、专项能力)培训补贴和一次性鉴定补贴 (2020-03-01)) 相近, 同为 四级/中级工: 是否同一职业? 同一职业同一等级不得重复享受, 请核实 (ZJ-16)');
    expect(r.lines[1]!.reason.en).toContain('the occupation "电焊工" resembles "焊工" (test.csv row 2 ');
  });

  it('ZJ-16: the same occupation written the same is still denied; a one-character occupation is compared only whole', () => {
    const r = run('zhuji', [cert('2020-03-01', '焊工'), cert('2020-04-01', '焊工'), cert('2020-05-01', 'A'), cert('2020-06-01', 'AB')]);
    expect(brief(r).map((l) => l[3])).toEqual(['ok', 'repeat_occupation_level', 'ok', 'ok']);
  });

  it('a cap reached only through a line under review sends the next line to review, not denial', () => {
    const r = run('shanxi', [
      { program: 'certificate_subsidy', date: '2020-06-01', level: 'L5', occupation: 'A' },
      { program: 'certificate_subsidy', date: '2020-06-02', level: 'L4', occupation: 'B' },
      { program: 'certificate_subsidy', date: '2020-06-03', level: 'L3', occupation: 'C' },
      { program: 'certificate_subsidy', date: '2020-06-04', level: 'L3', occupation: 'D' },
    ]);
    expect(brief(r)).toEqual([
      ['certificate_subsidy', 'approved', '300.00', 'ok'],
      ['certificate_subsidy', 'review', '-', 'amount_not_stated'],
      ['certificate_subsidy', 'approved', '600.00', 'ok'],
      ['certificate_subsidy', 'review', '600.00', 'annual_cap_pending'],
    ]);
  });

  it('a companion allowance is denied with the training it rides along with', () => {
    const r = run('zhuji', [cert('2020-03-01', 'A'), { ...cert('2020-03-02', 'A'), groups: 'employment_difficulty', training_days: '10' }]);
    expect(brief(r)).toEqual([
      ['cert_training', 'approved', '3500.00', 'ok'],
      ['cert_training', 'denied', '0.00', 'repeat_occupation_level'],
      ['living_allowance', 'denied', '0.00', 'parent_denied'],
    ]);
  });

  it('property: the outcome does not depend on the order of the input rows', () => {
    const occupations = ['A', 'B', 'C', 'D', 'E'];
    fc.assert(
      fc.property(
        fc.array(fc.record({ day: fc.integer({ min: 1, max: 28 }), occ: fc.constantFrom(...occupations), level: fc.constantFrom('L5', 'L4', 'L3') }), { minLength: 1, maxLength: 8 }),
        fc.integer(),
        (rows, seed) => {
          // Distinct dates, so the order is fully decided by date.
          const uniq = [...new Map(rows.map((r) => [r.day, r])).values()];
          const asRows = uniq.map((r) => cert(`2020-06-${String(r.day).padStart(2, '0')}`, r.occ, r.level));
          const shuffled = [...asRows].sort((a, b) => ((a.date!.charCodeAt(9) * 31 + seed) % 7) - ((b.date!.charCodeAt(9) * 31 + seed) % 7));
          const key = (rs: Record<string, string>[]): string[] => {
            const r = run('zhuji', rs);
            return r.lines.map((l) => `${l.date}:${l.status}:${l.amountFen}`).sort();
          };
          expect(key(shuffled)).toEqual(key(asRows));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('not combined and highest only', () => {
  it('SZ-05: equal amounts → the earlier line is paid, the later one names it', () => {
    const r = run('suzhou', [
      { program: 'skill_upgrade_enterprise', date: '2020-06-02', paid_by: 'enterprise', level: 'L3', occupation: '电工' },
      { program: 'skill_upgrade_individual', date: '2020-06-01', groups: 'insured', level: 'L3', occupation: '电工' },
    ]);
    expect(brief(r)).toEqual([
      ['skill_upgrade_enterprise', 'denied', '0.00', 'not_combined'],
      ['skill_upgrade_individual', 'approved', '2000.00', 'ok'],
    ]);
    expect(r.lines[0]!.reason.en).toContain('row 3');
  });
  it('SZ-05: different occupations are not the same subsidy', () => {
    const r = run('suzhou', [
      { program: 'skill_upgrade_enterprise', date: '2020-06-02', paid_by: 'enterprise', level: 'L3', occupation: '焊工' },
      { program: 'skill_upgrade_individual', date: '2020-06-01', groups: 'insured', level: 'L3', occupation: '电工' },
    ]);
    expect(brief(r).map((l) => l[1])).toEqual(['approved', 'approved']);
  });
  it('limits are per person', () => {
    const r = run('zhuji', [cert('2020-03-01', 'A'), { ...cert('2020-03-01', 'A'), person_id: '330681198505050016' }]);
    expect(brief(r).map((l) => l[1])).toEqual(['approved', 'approved']);
    expect(r.lines[0]!.personId).toBe(P1);
  });
});

describe('a ledger run decided again (after a database conflict)', () => {
  it('ZJ-16: finish leaves the batch as it was, so deciding it again gives the same lines, with or without history', () => {
    const batch = new Batch({ tables: TABLES, defaultJurisdiction: 'zhuji' });
    [cert('2020-03-01', 'A'), cert('2020-04-01', 'B'), cert('2020-05-01', 'C'), cert('2020-06-01', 'D')].forEach((r, i) =>
      batch.add('test.csv', i + 2, new Map(Object.entries({ person_id: P1, ...r }))),
    );
    const plain = brief(batch.finish());
    expect(plain.map((l) => l[3])).toEqual(['ok', 'ok', 'ok', 'annual_cap']);
    // With one claim already in the ledger for 2020, the third of the run is the one too many.
    const history = [{ file: 'march.csv', row: 2, runId: 'R1', personKey: P1, jurisdiction: 'zhuji', program: 'cert_training', occupation: 'Z', level: 'L4', date: '2020-01-15', amountFen: 350000 }];
    expect(brief(batch.finish({ history })).map((l) => l[3])).toEqual(['ok', 'ok', 'annual_cap', 'annual_cap']);
    expect(brief(batch.finish())).toEqual(plain);
  });
});

describe('the same claim twice', () => {
  const safety = (date: string, occupation = ''): Record<string, string> => ({ program: 'safety_training', date, certificate: 'special_operation', renewal: 'new', occupation });

  it('ZJ-03: a new safety certificate claimed twice on one date (no limit of the text covers it) sends the second to review naming the first, up to its 500', () => {
    const r = run('zhuji', [safety('2020-05-10'), safety('2020-05-10')]);
    expect(brief(r)).toEqual([
      ['safety_training', 'approved', '500.00', 'ok'],
      ['safety_training', 'review', '500.00', 'same_claim_twice'],
    ]);
    expect(r.lines[1]!.reason.en).toBe('the same claim as test.csv row 2 Safety / special-operation training (2020-05-10) (same person, programme, date, occupation, level and amount): entered twice? to be checked');
  });

  it('ZJ-03: another date or another occupation is another claim; another person is never compared', () => {
    const r = run('zhuji', [safety('2020-05-10', '电工'), safety('2020-05-11', '电工'), safety('2020-05-10', '焊工'), { ...safety('2020-05-10', '电工'), person_id: P2 }]);
    expect(brief(r).map((l) => l[1])).toEqual(['approved', 'approved', 'approved', 'approved']);
  });

  it('ZJ-16: where the text itself forbids the repeat, the second is denied under the text, as before', () => {
    const r = run('zhuji', [cert('2020-03-01', 'A'), cert('2020-03-01', 'A')]);
    expect(brief(r).map((l) => l[3])).toEqual(['ok', 'repeat_occupation_level']);
  });

  it('ZJ-03: a claim paid in an earlier run (ledger history) and made again with other cells goes to review naming that run', () => {
    const batch = new Batch({ tables: TABLES, defaultJurisdiction: 'zhuji' });
    batch.add('may.csv', 2, new Map(Object.entries({ person_id: P1, ...safety('2020-05-10'), name: '王芳' })));
    const history = [{ file: 'april.csv', row: 7, runId: 'R1', personKey: P1, jurisdiction: 'zhuji', program: 'safety_training', occupation: '', level: '', date: '2020-05-10', amountFen: 50000 }];
    const r = batch.finish({ history });
    expect(brief(r)).toEqual([['safety_training', 'review', '500.00', 'same_claim_twice']]);
    expect(r.lines[0]!.reason.en).toContain('the same claim as ledger run R1 april.csv row 7');
  });

  it('ZJ-07: a unit\'s training-package grant twice (same unit, date and amount) pays 50000 once and sends the second to review; another unit or date is another grant', () => {
    const grant = (name: string, date: string): Record<string, string> => ({ person_id: '', name, program: 'training_package_grant', date });
    const r = run('zhuji', [grant('诸暨市职业技能培训学校', '2020-12-01'), grant('诸暨市职业技能培训学校', '2020-12-01'), grant('诸暨市职业技能培训学校', '2020-12-02'), grant('某某学校', '2020-12-01')]);
    expect(brief(r)).toEqual([
      ['training_package_grant', 'approved', '50000.00', 'ok'],
      ['training_package_grant', 'review', '50000.00', 'same_claim_twice'],
      ['training_package_grant', 'approved', '50000.00', 'ok'],
      ['training_package_grant', 'approved', '50000.00', 'ok'],
    ]);
    expect(r.lines[1]!.reason.en).toBe('the same claim as test.csv row 2 Training-package development grant (2020-12-01) (same unit, programme, date and amount): entered twice? to be checked');
    expect(r.lines[1]!.reason.zh).toContain('(同一单位、项目、日期和金额)');
  });

  it('ZJ-03: a claim under review already (no certificate kind given) keeps its reason and is told it is a twin too', () => {
    const bare = { program: 'safety_training', date: '2020-05-10' };
    const r = run('zhuji', [bare, bare]);
    expect(brief(r).map((l) => l[3])).toEqual(['missing_facts', 'missing_facts']);
    expect(r.lines[1]!.reason.en).toBe('missing: certificate kind; the same claim as test.csv row 2 Safety / special-operation training (2020-05-10) (same person, programme, date, occupation, level and amount): entered twice? to be checked');
  });
});

describe('no-repeat keys (ZJ-16)', () => {
  const line = (occupation: string, level: string, year: number): Line => ({ ...run('zhuji', [cert(`${year}-03-01`, occupation, level)]).lines[0]!, occupation, level, year });

  it('ZJ-16: one key per limit and tuple of key parts, numbers while they fit, the joined text past that; none for an empty part', () => {
    const keys = new RepeatKeys(5); // four occupations or levels numbered (one count for both), the rest keyed as text
    const key = ['occupation', 'level'] as const;
    const tuples: [string, string, number][] = [['A', 'L4', 2020], ['B', 'L4', 2020], ['A', 'L3', 2020], ['C', 'L4', 2020], ['A', 'L4', 2021]];
    const first = tuples.map(([o, l, y]) => keys.key(2, line(o, l, y), key));
    // A fifth value (C) has no number left: its tuple is keyed as text, and stays so.
    expect(first.map((k) => typeof k)).toEqual(['number', 'number', 'number', 'string', 'number']);
    expect(first[3]).toBe('2|C|L4');
    // The same tuple gets the same key again; another tuple, another limit or another year (when the key has it) another.
    expect(tuples.map(([o, l, y]) => keys.key(2, line(o, l, y), key))).toEqual(first);
    expect(first[0]).toBe(first[4]); // the year is not part of this key
    expect(new Set(first.slice(0, 4)).size).toBe(4);
    expect(keys.key(3, line('A', 'L4', 2020), key)).not.toBe(first[0]);
    const withYear = ['occupation', 'year'] as const;
    expect(keys.key(2, line('A', 'L4', 2020), withYear)).not.toBe(keys.key(2, line('A', 'L4', 2021), withYear));
    // A number key never equals a once-ever limit's key (its position, ≥ 0).
    expect(first.filter((k) => typeof k === 'number').every((k) => (k as number) < 0)).toBe(true);
    expect(keys.key(2, line('', 'L4', 2020), key)).toBeUndefined();
  });
});

describe('decision order', () => {
  const base = run('zhuji', [cert('2020-03-01', 'A')]).lines[0]!;
  // Dates close together (a count by day), a lifetime apart (wider than a count takes: sorted), or not ISO dates (sorted as text).
  const date = fc.oneof(
    fc.date({ min: new Date('2019-01-01'), max: new Date('2026-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
    fc.date({ min: new Date('1800-01-01'), max: new Date('2199-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
    fc.constantFrom('2020-3-1', '2020/03/01', '2020-99-99', '2020-12-31', '2021-01-01', ''),
  );

  it('lines come out as compareLines sorts them: by date as text, then input position', () => {
    const order = (dates: string[]): string[] => inDecisionOrder(dates.map((date, seq) => ({ ...base, seq, date }))).map((l) => `${l.date} ${l.seq}`);
    // A month or day no calendar has still orders as its text.
    expect(order(['2021-01-01', '2020-99-99', '2020-12-31', '2020-12-31'])).toEqual(['2020-12-31 2', '2020-12-31 3', '2020-99-99 1', '2021-01-01 0']);
    fc.assert(
      fc.property(fc.array(date, { maxLength: 60 }), fc.boolean(), (dates, shuffled) => {
        // In input order (as a run's lines and a partition's records come), or not.
        const lines: Line[] = dates.map((d, i) => ({ ...base, seq: shuffled ? (i * 7919) % 61 : i, date: d }));
        const expected = [...lines].sort(compareLines).map((l) => `${l.date} ${l.seq}`);
        expect(inDecisionOrder([...lines]).map((l) => `${l.date} ${l.seq}`)).toEqual(expected);
      }),
    );
  });
});
