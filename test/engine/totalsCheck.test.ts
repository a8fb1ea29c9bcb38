// 合计/小计 rows checked against the rows above them.
import { describe, expect, it } from 'vitest';
import { type SheetRow, TotalsCheck } from '../../src/engine/totalsCheck.js';

const LABELS: Record<string, string> = { cost: '费用', training_days: '培训天数' };
const row = (n: number, cells: Record<string, string>, more: Partial<SheetRow> = {}): SheetRow => ({ row: n, cells: new Map(Object.entries(cells)), ...more });

function notes(rows: SheetRow[]): string[] {
  const check = new TotalsCheck('r.csv', (f) => LABELS[f] ?? f);
  for (const r of rows) check.add(r);
  return check.notes();
}

describe('TotalsCheck', () => {
  it('小计 sums its section, 合计 every row since the last 合计; figures in yuan and whole numbers, blank cells 0', () => {
    expect(
      notes([
        row(2, { cost: '2800', training_days: '10', level: 'L4' }),
        row(3, { cost: '4,000.50元', training_days: '' }),
        row(4, { cost: '6800.50' }, { totals: 'sub' }),
        row(5, { cost: '￥1000', training_days: '5天' }),
        row(6, { cost: '1000' }, { totals: 'sub' }),
        row(7, { cost: '7800.50', training_days: '15', name: '合计：3人' }, { totals: 'grand' }),
      ]),
    ).toEqual(['r.csv: 3 totals row(s) agree with the rows above them (费用, 培训天数)']);
  });

  it('a total that disagrees is named with both figures and the rows it covers; a cell not a number is said to be left out', () => {
    expect(
      notes([
        row(2, { cost: '2800' }),
        row(3, { cost: 'abc' }),
        row(4, { cost: '2800' }, { totals: 'sub' }),
        row(5, { cost: '1000', training_days: '5' }),
        row(6, { cost: '1000' }, { unreadable: true }),
        row(7, { cost: '5000', training_days: '6' }, { totals: 'grand' }),
      ]),
    ).toEqual([
      'r.csv row 7 (合计): 费用 says 5,000.00, the rows above it sum to 3,800.00 (1,200.00 less, 1 cell(s) of it not a number and left out); ' +
        '培训天数 says 6, the rows above it sum to 5 (1 less); 1 row(s) among them could not be read at all: rows left out, added or changed since the sheet was totalled?',
      'r.csv: 1 totals row(s) agree with the rows above them (费用)',
    ]);
  });

  it('a 总计 under a 合计 gives the whole sheet again; after the header again (rosters put together) a new sheet is summed', () => {
    expect(
      notes([
        row(2, { cost: '100' }),
        row(3, { cost: '100' }, { totals: 'grand' }),
        row(4, { cost: '100' }, { totals: 'grand' }),
        row(5, {}, { headerAgain: true }),
        row(6, { cost: '50' }),
        row(7, { cost: '40' }),
        row(8, { cost: '100' }, { totals: 'grand' }),
      ]),
    ).toEqual([
      'r.csv row 8 (合计): 费用 says 100.00, rows 6–7 sum to 90.00 (10.00 less): rows left out, added or changed since the sheet was totalled?',
      'r.csv: 2 totals row(s) agree with the rows above them (费用)',
    ]);
  });

  it('says nothing of a totals row that gives no figure in a column it sums (a label, a count of persons in the name)', () => {
    expect(notes([row(2, { cost: '100' }), row(3, { name: '合计：1人', occupation: '—' }, { totals: 'grand' })])).toEqual([]);
  });
});
