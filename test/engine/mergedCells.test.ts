// Rows left blank under a row that gives the value: the mark of a merged cell.
import { describe, expect, it } from 'vitest';
import { MergedCellsHint } from '../../src/engine/mergedCells.js';
import type { SheetRow } from '../../src/engine/totalsCheck.js';

const row = (n: number, cells: Record<string, string>, more: Partial<SheetRow> = {}): SheetRow => ({ row: n, cells: new Map(Object.entries(cells)), ...more });

function notes(rows: SheetRow[]): string[] {
  const hint = new MergedCellsHint('r.csv', ['program', 'date'], (f) => ({ program: '补贴项目', date: '日期' })[f] ?? f);
  for (const r of rows) hint.add(r);
  return hint.notes();
}

const tail = "a cell merged over a block of rows in the sheet? It is saved in the block's first row only: unmerge it and fill the value down, then save as CSV again";

describe('MergedCellsHint', () => {
  it('counts the rows under a row that gives the field, in runs; rows above the first that gives it are not counted', () => {
    expect(
      notes([
        row(2, { name: 'a' }),
        row(3, { program: 'cert_training', date: '2020-06-01' }),
        row(4, { name: 'b' }),
        row(5, {}), // an empty row neither ends nor counts
        row(6, { name: 'c' }),
        row(7, { program: 'safety_training', date: '2020-06-01' }),
        row(8, { name: 'd', date: '2020-06-02' }),
      ]),
    ).toEqual([`r.csv: 3 row(s) with no 补贴项目 under a row that has one (rows 4–6, row 8): ${tail}`, `r.csv: 2 row(s) with no 日期 under a row that has one (rows 4–6): ${tail}`]);
  });

  it('a totals row or the header again ends a block; the first five runs are named, the rest counted', () => {
    const rows = [row(2, { program: 'x', date: 'd' }), row(3, { date: 'd' }), row(4, {}, { totals: 'grand' }), row(5, { date: 'd' }), row(6, { date: 'd' }, { headerAgain: true }), row(7, { date: 'd' })];
    expect(notes(rows)).toEqual([`r.csv: 1 row(s) with no 补贴项目 under a row that has one (row 3): ${tail}`]);
    const many = Array.from({ length: 7 }, (_, k) => [row(10 + 2 * k, { program: 'x', date: 'd' }), row(11 + 2 * k, { date: 'd' })]).flat();
    expect(notes(many)).toEqual([`r.csv: 7 row(s) with no 补贴项目 under a row that has one (row 11, row 13, row 15, row 17, row 19, …): ${tail}`]);
  });
});
