// Row shapes write exactly what evaluating each row would: across date bands, period reasons, unit keys, quoting, masking.
import { describe, expect, it } from 'vitest';
import { evaluateRow } from '../../src/engine/batch.js';
import { type RecordLines, fromRecords, nameOf, newRecordReuse, partitionOf, readShapes, toRecord } from '../../src/engine/partition.js';
import { breakdownRow, type Lang } from '../../src/io/csvOut.js';
import { RowShapes } from '../../src/io/rowShapes.js';
import { TABLES, residentId } from '../helpers.js';
import { Catalogue } from '../../src/engine/catalogue.js';
import { AWKWARD_OCCUPATIONS, PLAIN_OCCUPATIONS, SHAPE_COLUMNS, SHAPE_KINDS } from './shapeCases.js';

const tables = TABLES;
const COLUMNS = SHAPE_COLUMNS;

/**
 * Rows that repeat their other cells under many IDs, names and dates: dates on and around Zhuji's validity
 * (2020-02-21 – 2021-12-31: before it is review with a fixed reason, after it a denial that quotes the date),
 * unit grants keyed by name or by organisation code, names that need quoting, a bad ID and a bad date; the kinds
 * that name an occupation in many spellings.
 */
function rows(kinds = SHAPE_KINDS, columns = COLUMNS): Map<string, string>[] {
  const dates = ['2020-02-20', '2020-02-21', '2020-02-22', '2020/6/1', '2021-12-31', '2022-01-01', '2021-03-05', '2019-12-31', '2022-03-01', '2020-01-15', '2020年2月21日'];
  const names = ['王芳', '李, 四', '=SUM(A1)', '张"三"', '赵六'];
  const occupations = [...PLAIN_OCCUPATIONS, ...AWKWARD_OCCUPATIONS];
  const out: Map<string, string>[] = [];
  for (let i = 0; i < 600; i++) {
    const kind = kinds[i % kinds.length]!;
    const cells: Record<string, string> = {
      ...kind,
      ...(kind.occupation && i % 3 === 0 && { occupation: occupations[(i * 5) % occupations.length]! }),
      person_id: i === 77 ? '330681199001010016' : residentId(i % 40),
      name: names[i % names.length]!,
      date: i === 91 ? '2020-13-40' : dates[(i * 7) % dates.length]!,
    };
    const m = new Map<string, string>();
    for (const c of columns) if (cells[c]) m.set(c, cells[c]!);
    out.push(m);
  }
  return out;
}

function run(lang: Lang, maskIds: boolean, catalogue?: Catalogue, roster = rows()): { shaped: number; mismatches: number; lines: number; breakdown: string[] } {
  const options = { tables, ...(catalogue && { catalogue }) };
  const breakdown: string[] = [];
  const partitions = 13; // not a power of two: keys differing in a low bit only still fall apart
  let got: string[] = [];
  const shapes = new RowShapes('r.csv', 0, lang, maskIds, options, (p, record, text, tail, from, to) => got.push(`${p}|${record}|${text}${tail ? tail.toString('utf8', from, to) : ''}`), partitions);
  let shaped = 0;
  let mismatches = 0;
  let lines = 0;
  roster.forEach((cells, i) => {
    const row = i + 2;
    // What the general path writes for this row.
    const r = evaluateRow('r.csv', row, i, cells, options);
    const expected = 'lines' in r ? r.lines.map((l, k) => `${partitionOf(l.personKey, partitions)}|${toRecord(l, lines + k, 0)}\n|${breakdownRow(l, lang, maskIds)}`) : [];
    if ('lines' in r) breakdown.push(...r.lines.map((l) => breakdownRow(l, lang, maskIds)));
    got = [];
    const n = shapes.write(row, i, cells, lines);
    if (n >= 0) {
      shaped++;
      if (got.join('') !== expected.join('')) mismatches++;
    } else shapes.learn(row, i, cells, evaluateRow('r.csv', row, i, cells, options));
    lines += expected.length;
  });
  return { shaped, mismatches, lines, breakdown };
}

describe('row shapes (rowShapes.ts)', () => {
  for (const [lang, mask] of [['en', false], ['zh', true]] as const) {
    it(`write what the general path writes, line for line (${lang}${mask ? ', masked IDs' : ''})`, () => {
      const r = run(lang, mask);
      expect(r.mismatches).toBe(0);
      // Most rows repeat another's cells: they are written by shape, not evaluated again.
      expect(r.shaped).toBeGreaterThan(300);
      expect(r.lines).toBeGreaterThan(500);
    });
  }

  it('with a catalogue (standards by occupation) rows it may price are shaped per occupation, and lines are still what the general path writes', () => {
    // HY-01 pays the catalogue's standard: 焊工 at 1800 yuan; without a catalogue the line is under review.
    const catalogue = new Catalogue([{ jurisdiction: 'hengyang', program: 'free_training', occupation: '焊工', level: '', standardFen: 180_000 }]);
    const kinds = [...SHAPE_KINDS, { jurisdiction: 'hengyang', program: 'free_training', occupation: '电工', class_registered: 'yes', groups: 'poverty' }];
    const roster = rows(kinds, [...COLUMNS, 'class_registered']);
    const plain = run('en', false, undefined, roster);
    const priced = run('en', false, catalogue, roster);
    expect(priced.mismatches).toBe(0);
    expect(priced.shaped).toBeGreaterThan(250);
    // The catalogue changed some lines (so an occupation slot would have written them wrong).
    expect(priced.breakdown.filter((l, i) => l !== plain.breakdown[i]).length).toBeGreaterThan(0);
  });

  it("shaped records (a shape's full record kept once, then each row's own cells) read back as the lines' full records do", () => {
    const options = { tables };
    const kept: string[] = [];
    const records: { got: string; expected: string }[] = [];
    let got: string[] = [];
    const shapes = new RowShapes('r.csv', 0, 'en', false, options, (_p, record) => got.push(record), 13, (record) => (kept.length < 20 ? kept.push(record) - 1 : undefined));
    let lines = 0;
    rows().forEach((cells, i) => {
      const r = evaluateRow('r.csv', i + 2, i, cells, options);
      const expected = 'lines' in r ? r.lines.map((l, k) => `${toRecord(l, lines + k, 0)}\n`) : [];
      got = [];
      if (shapes.write(i + 2, i, cells, lines) >= 0) got.forEach((record, k) => records.push({ got: record, expected: expected[k]! }));
      else shapes.learn(i + 2, i, cells, evaluateRow('r.csv', i + 2, i, cells, options));
      lines += expected.length;
    });
    const shapeLines = readShapes(Buffer.from(kept.join('\n') + '\n'), tables, ['r.csv']);
    // Each record read alone: its line's fields (but those limits never read) and its name.
    const read = (record: string): unknown => {
      const bytes = Buffer.from(record);
      const into: RecordLines = { lines: [], indexes: [], nameAt: [], nameIn: [], buffers: [], count: 0 };
      fromRecords(bytes, bytes.length, tables, ['r.csv'], newRecordReuse(), into, undefined, shapeLines);
      return { ...into.lines[0], index: into.indexes[0], name: nameOf(into, 0) };
    };
    const shaped = records.filter((r) => r.got.startsWith('s'));
    // Twenty shapes kept records: rows of those got shaped records, rows of later shapes full ones (toRecord's).
    expect(shaped.length).toBeGreaterThan(100);
    expect(records.length - shaped.length).toBeGreaterThan(50);
    for (const r of records.filter((r) => !r.got.startsWith('s'))) expect(r.got).toBe(r.expected);
    for (const r of shaped) expect(read(r.got), r.got).toEqual(read(r.expected));
    // Among them a unit grant keyed by its organisation code (a fixed key) and a living allowance (a companion's).
    expect(shaped.some((r) => r.expected.includes('\t91330681MA2B000000\t'))).toBe(true);
    expect(shaped.some((r) => r.expected.includes('\tcert_training\t'))).toBe(true);
  });

  it('costs are a slot: rows that differ only by cost are written by shape, as the general path writes them (ZJ-01 up to 3500, ZJ-10 4000-6000 a year, SZ up to 800, XH-07 cost less other funding)', () => {
    // Each kind repeats under many costs: either side of its cap or floor, on them, with fen, blank, and bad.
    const kinds: Record<string, string>[] = [
      { jurisdiction: 'zhuji', program: 'cert_training', occupation: '焊工', level: 'L4', certificate: 'skill_level' },
      { jurisdiction: 'zhuji', program: 'apprentice_employee', years: '1' },
      { jurisdiction: 'zhuji', program: 'apprentice_employee', years: '2' },
      { jurisdiction: 'suzhou', program: 'special_operation_cert', occupation: '电工', certificate: 'special_operation', issued_locally: 'yes' },
      { jurisdiction: 'xihu', program: 'competition_host', org_code: '91330106MA2B000000', other_funding: '1200' },
      // The employer paid (its name in the breakdown) holding a cost slot's character: never taken for a slot.
      { jurisdiction: 'zhuji', program: 'apprentice_employee', years: '1', employer: '某\u0012公司' },
    ];
    const costs = ['3499.99', '3500', '3500.01', '3999.99', '4000', '6000', '6000.01', '7999.99', '8000', '12000', '12000.01', '799.99', '800', '800.01', '1200', '1199.99', '0', '', '1,250', '¥900', 'abc', '-5'];
    const roster: Map<string, string>[] = [];
    for (let i = 0; i < 1_500; i++) {
      const kind = kinds[i % kinds.length]!;
      // The listed costs first, then costs met once (a yuan and fen from the row's number).
      const cost = i < costs.length * kinds.length ? costs[Math.floor(i / kinds.length)]! : `${(i * 37) % 15_000}.${String(i % 100).padStart(2, '0')}`;
      const cells: Record<string, string> = { ...kind, person_id: residentId(i % 50), name: `学员${i % 7}`, date: '2021-03-05', ...(cost && { cost }) };
      roster.push(new Map(Object.entries(cells)));
    }
    const r = run('en', false, undefined, roster);
    expect(r.mismatches).toBe(0);
    // Most rows' costs were met once, yet most rows were written by shape: all but XH-07's (a cost less a deduction)
    // and the odd employer's, a third of the rows.
    expect(r.shaped).toBeGreaterThan(900);
    const line = (program: string, cost: string): string => r.breakdown.find((l) => l.includes(`,${program},`) && l.includes(`claimed ${cost} yuan`)) ?? '';
    // ZJ-01: the cost up to the cap, the cap above it.
    expect(line('cert_training', '3500.00')).toContain(',3500.00,actual,');
    expect(line('cert_training', '3500.01')).toContain(',3500.00,ceiling,');
    // SZ: up to 800 yuan.
    expect(line('special_operation_cert', '799.99')).toContain(',799.99,actual,');
    expect(line('special_operation_cert', '800.01')).toContain(',800.00,ceiling,');
    // ZJ-10: below the floor as actual; 4000-6000 a year, two years 8000-12000.
    expect(r.breakdown.some((l) => l.includes('actual 3999.99 yuan below 4000.00 yuan, paid as actual = 3999.99 yuan'))).toBe(true);
    expect(r.breakdown.some((l) => l.includes('actual 7999.99 yuan below 8000.00 yuan'))).toBe(true);
    expect(r.breakdown.some((l) => l.includes('claimed 12000.01 yuan > cap') && l.includes('= 12000.00 yuan'))).toBe(true);
    // XH-07: the cost less the other funding.
    expect(r.breakdown.some((l) => l.includes('actual 3500.00 yuan − other funding received 1200.00 yuan = 2300.00 yuan'))).toBe(true);
  });
});
