// Rosters, plans and catalogues given as workbooks (.xlsx): read from their sheet as the same file saved as CSV would be.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIELD_BY_NAME, headerField } from '../../src/engine/fields.js';
import { findProgram, findTable, parseCell } from '../../src/engine/intake.js';
import { type OutputKind, outputColumns } from '../../src/io/csvOut.js';
import { cellsOf } from '../../src/io/sheetLines.js';
import { numberText } from '../../src/io/cellValues.js';
import { sheetToCsv } from '../../src/io/workbook.js';
import { readEntry, zipEntries } from '../../src/io/zip.js';
import { loadTables } from '../../src/tables/load.js';
import iconv from 'iconv-lite';
import { residentId } from '../helpers.js';
import { EXPORT } from '../htmlExport.js';
import { row, workbook } from '../xlsxBuilder.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'subsidy.js');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'subsidy-xlsx-'));

/** Run the CLI with its temporary files in a folder of the test's own (TMPDIR), to see that it leaves none behind. */
function cli(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string; temp: string[] } {
  const temp = tmp();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', SUBSIDY_LANG: '', TMPDIR: temp, ...env } });
  return { code: r.status ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString(), temp: readdirSync(temp) };
}

const read = (file: string): string => readFileSync(file, 'utf8');

describe('a roster given as a workbook', () => {
  it('fixtures/zhuji/roster.xlsx (written by openpyxl, dates as date cells, amounts as numbers) is paid as roster.csv is: ZJ-01 3500 at the cap, ZJ-06 50 × 15 days', () => {
    const [x, c] = [tmp(), tmp()];
    const book = cli(['calc', 'fixtures/zhuji/roster.xlsx', '-j', 'zhuji', '-o', x]);
    expect(book.code).toBe(0);
    expect(book.stderr).toBe('fixtures/zhuji/roster.xlsx: read sheet "花名册" (1 of 2; the others: 说明; --sheet NAME reads another)\n');
    expect(book.temp).toEqual([]); // the sheet's copy is gone with the run
    expect(cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', c]).code).toBe(0);
    for (const f of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv']) {
      expect(read(join(x, f)).replaceAll('roster.xlsx', 'roster.csv')).toBe(read(join(c, f)));
    }
    const lines = read(join(x, 'breakdown.csv')).split('\r\n');
    expect(lines.find((l) => l.startsWith('fixtures/zhuji/roster.xlsx,2,') && l.includes(',cert_training,'))).toContain(',approved,ok,eligible,3500.00,ceiling,');
    expect(lines.find((l) => l.startsWith('fixtures/zhuji/roster.xlsx,2,') && l.includes(',living_allowance,'))).toContain('50 yuan/day × 15 day = 750.00 yuan');
  });

  it('--sheet reads another sheet, by name or number; a sheet that is not there, an empty one, or --sheet with a CSV roster, is refused (exit 1)', () => {
    const notes = cli(['calc', 'fixtures/zhuji/roster.xlsx', '-j', 'zhuji', '-o', tmp(), '--sheet', '说明']);
    expect([notes.code, notes.stderr.split('\n')[1]]).toEqual([1, 'subsidy: fixtures/zhuji/roster.xlsx: no program, date columns, so every row would be rejected (columns nobody reads: 本工作簿由 scripts/make-xlsx-fixture.py 根据 fixtures/zhuji/roster.csv 生成); add them']);
    expect(cli(['calc', 'fixtures/zhuji/roster.xlsx', '-j', 'zhuji', '-o', tmp(), '--sheet', '1']).code).toBe(0);
    const none = cli(['calc', 'fixtures/zhuji/roster.xlsx', '-j', 'zhuji', '-o', tmp(), '--sheet', '汇总']);
    expect([none.code, none.stderr, none.temp]).toEqual([1, 'subsidy: fixtures/zhuji/roster.xlsx: no sheet "汇总" (its sheets: 1 花名册, 2 说明)\n', []]);
    const dir = tmp();
    writeFileSync(join(dir, 'empty.xlsx'), workbook({ sheets: [{ name: '花名册', rows: '' }, { name: '说明', rows: row(1, ['i:x']) }] }));
    const empty = cli(['calc', join(dir, 'empty.xlsx'), '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect([empty.code, empty.stderr]).toEqual([1, `subsidy: ${join(dir, 'empty.xlsx')}: its sheet "花名册" is empty (its sheets: 花名册, 说明; --sheet NAME reads another)\n`]);
    const csv = cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', tmp(), '--sheet', '花名册']);
    expect([csv.code, csv.stderr]).toEqual([1, 'subsidy: --sheet chooses a sheet of a workbook (.xlsx, .xls); fixtures/zhuji/roster.csv is not one\n']);
  });

  it('rows are named by their sheet row; an ID typed into a number column and a formula saved without its value are rejected saying so (ZJ-01)', () => {
    const dir = tmp();
    const rows = [
      row(1, ['i:诸暨市职业技能培训补贴花名册']),
      row(2, ['i:身份证号', 'i:姓名', 'i:补贴项目', 'i:发证日期', 'i:等级', 'i:费用']),
      row(3, [`i:${residentId(1)}`, 'i:王芳', 'i:cert_training', '<c r="REF" s="1"><v>43983</v></c>', 'i:四级', 'n:2800']),
      row(5, ['n:3.3068119900101101E+17', 'i:李强', 'i:cert_training', '<c r="REF" s="1"><v>43983</v></c>', 'i:四级', 'n:2800']),
      row(6, [`i:${residentId(2)}`, 'i:张伟', 'i:cert_training', '<c r="REF" s="1"><v>43983</v></c>', 'i:四级', '<c r="REF"><f>F3*2</f></c>']),
    ].join('');
    writeFileSync(join(dir, '花名册.xlsx'), workbook({ cellFormats: [0, 14], sheets: [{ name: 'Sheet1', rows }] }));
    const r = cli(['calc', join(dir, '花名册.xlsx'), '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${join(dir, '花名册.xlsx')}: 1 formula cell(s) saved without their value (F6), read as the formula, which is no value; open the workbook in Excel or WPS and save it again\n`);
    expect(r.stdout).toContain('rows read 3 = evaluated 1 + rejected 2');
    const approved = read(join(dir, 'out', 'breakdown.csv')).split('\r\n')[1]!;
    expect(approved).toContain(`花名册.xlsx,3,zhuji,final,${residentId(1)},王芳,cert_training,`);
    expect(approved).toContain(',2020-06-01,2020,,L4,approved,ok,eligible,2800.00,actual,');
    const rejects = read(join(dir, 'out', 'rejects.csv')).split('\r\n');
    expect(rejects[1]).toMatch(/花名册\.xlsx,5,person_id,330681199001011000,bad_id,.*number/);
    expect(rejects[2]).toContain("花名册.xlsx,6,cost,'=F3*2,bad_number,");
  });

  it('merged cells: a programme and date merged over a class are read into each of its rows (ZJ-01: 2800, 3000, 3500 at the cap); a merged cost rejects every row it covers', () => {
    const dir = tmp();
    const date = '<c r="REF" s="1"><v>43983</v></c>';
    const rows = [
      row(1, ['i:身份证号', 'i:姓名', 'i:补贴项目', 'i:发证日期', 'i:等级', 'i:费用']),
      row(2, [`i:${residentId(1)}`, 'i:王芳', 'i:cert_training', date, 'i:四级', 'n:2800']),
      row(3, [`i:${residentId(2)}`, 'i:李强', undefined, undefined, 'i:四级', 'n:3000']),
      row(4, [`i:${residentId(3)}`, 'i:张伟', undefined, undefined, 'i:四级', 'n:4000']),
      row(5, [`i:${residentId(4)}`, 'i:赵敏', 'i:cert_training', date, 'i:四级', 'n:2800']),
      row(6, [`i:${residentId(5)}`, 'i:钱进', undefined, undefined, 'i:四级']),
    ].join('');
    writeFileSync(join(dir, 'r.xlsx'), workbook({ cellFormats: [0, 14], sheets: [{ name: 'S', rows, merges: ['C2:C4', 'D2:D4', 'C5:C6', 'D5:D6', 'F5:F6'] }] }));
    const r = cli(['calc', join(dir, 'r.xlsx'), '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('4 merged cell(s) read into every row they cover, as the sheet shows them: C2:C4 (补贴项目), D2:D4 (发证日期), C5:C6 (补贴项目), D5:D6 (发证日期)\n');
    expect(r.stderr).toContain('1 merged cell(s) hold a number (F5:F6 (费用))');
    expect(r.stdout).toContain('rows read 5 = evaluated 3 + rejected 2');
    const paid = read(join(dir, 'out', 'breakdown.csv')).split('\r\n').slice(1, 4).map((l) => [l.split(',')[1], l.split(',')[17]]);
    expect(paid).toEqual([['2', '2800.00'], ['3', '3000.00'], ['4', '3500.00']]);
    const rejects = read(join(dir, 'out', 'rejects.csv')).split('\r\n');
    expect(rejects.slice(1, 3).map((l) => l.split(',').slice(1, 5).join(','))).toEqual(['5,cost,2800 (合并单元格 F5:F6),bad_number', '6,cost,2800 (合并单元格 F5:F6),bad_number']);
  });

  it('--all-sheets reads each visible sheet as a roster, named book.xlsx[sheet], limits across them (ZJ-16: the same occupation and level not paid twice); a sheet without roster columns is left out and named', () => {
    const dir = tmp();
    const header = row(1, ['i:身份证号', 'i:姓名', 'i:补贴项目', 'i:发证日期', 'i:职业', 'i:等级', 'i:费用']);
    const claim = (r: number, date: string, cost: string): string => row(r, [`i:${residentId(1)}`, 'i:王芳', 'i:cert_training', `i:${date}`, 'i:电工', 'i:四级', `n:${cost}`]);
    writeFileSync(
      join(dir, 'book.xlsx'),
      workbook({
        sheets: [
          { name: '说明', rows: row(1, ['i:本工作簿按批次分表']) },
          { name: '第一批', rows: header + claim(2, '2020-05-10', '2800') },
          { name: '取值', rows: row(1, ['i:补贴项目']) + row(2, ['i:cert_training']), hidden: true },
          { name: '第二批', rows: header + claim(2, '2020-09-01', '3000') },
          { name: 'Sheet3', rows: '' },
        ],
      }),
    );
    const r = cli(['calc', join(dir, 'book.xlsx'), '-j', 'zhuji', '-o', join(dir, 'out'), '--all-sheets']);
    expect(r.code, r.stderr).toBe(0);
    const book = join(dir, 'book.xlsx');
    expect(r.stderr).toBe(`${book}: reading its 4 sheet(s), each a roster: 说明, 第一批, 第二批, Sheet3 (hidden, not read: 取值)\n${book}[说明]: no program, date columns, not a roster: not read\n${book}[Sheet3]: an empty sheet: not read\n`);
    expect(r.stdout).toContain('rows read 2 = evaluated 2 + rejected 0');
    const lines = read(join(dir, 'out', 'breakdown.csv')).split('\r\n');
    expect(lines[1]).toContain(`${book}[第一批],2,zhuji,final,${residentId(1)},王芳,cert_training,`);
    expect(lines[1]).toContain(',approved,ok,eligible,2800.00,actual,');
    expect(lines[2]).toContain(`${book}[第二批],2,zhuji,final,`);
    expect(lines[2]).toContain(`,denied,repeat_occupation_level,same occupation and level not paid twice: 电工 四级/中级工 (ZJ-16); already paid on ${book}[第一批] row 2 `);
    const both = cli(['calc', join(dir, 'book.xlsx'), '-j', 'zhuji', '-o', join(dir, 'x'), '--all-sheets', '--sheet', '第一批']);
    expect([both.code, both.stderr]).toEqual([1, 'subsidy: --sheet reads one sheet and --all-sheets every one: give either\n']);
  });

  it('a workbook roster cut into byte ranges on two threads, with a workbook catalogue, within a memory budget: the same outputs as its CSV (HY-01)', () => {
    const dir = tmp();
    const header = ['身份证号', '补贴项目', '日期', '职业', '等级', '人员类别', '开班备案'];
    const data = Array.from({ length: 10000 }, (_, i) => [residentId(i), 'free_training', '2020-06-01', i % 2 ? '家政服务员' : '育婴员', 'L5', 'two_after', 'yes']);
    writeFileSync(join(dir, 'r.csv'), [header, ...data].map((r) => r.join(',')).join('\n') + '\n');
    writeFileSync(join(dir, 'r.xlsx'), workbook({ sheets: [{ name: '花名册', rows: [header, ...data].map((r, i) => row(i + 1, r.map((v) => `i:${v}`))).join('') }] }));
    writeFileSync(join(dir, 'cat.csv'), 'occupation,level,standard\n家政服务员,L5,1500\n育婴员,L5,1800\n');
    writeFileSync(join(dir, 'cat.xlsx'), workbook({ sheets: [{ name: '目录', rows: row(1, ['i:occupation', 'i:level', 'i:standard']) + row(2, ['i:家政服务员', 'i:L5', 'n:1500']) + row(3, ['i:育婴员', 'i:L5', 'n:1800']) }] }));
    const env = { SUBSIDY_MIN_CHUNK_BYTES: '16384' };
    const x = cli(['calc', join(dir, 'r.xlsx'), '-j', 'hengyang', '-o', join(dir, 'x'), '--catalog', join(dir, 'cat.xlsx'), '--workers', '2', '--memory-mb', '16'], env);
    const c = cli(['calc', join(dir, 'r.csv'), '-j', 'hengyang', '-o', join(dir, 'c'), '--catalog', join(dir, 'cat.csv'), '--workers', '2', '--memory-mb', '16'], env);
    expect([x.code, x.stderr, x.temp]).toEqual([0, '', []]);
    expect(c.code).toBe(0);
    for (const f of ['breakdown.csv', 'summary.csv', 'persons.csv']) expect(read(join(dir, 'x', f)).replaceAll('r.xlsx', 'r.csv')).toBe(read(join(dir, 'c', f)));
    const amounts = read(join(dir, 'x', 'breakdown.csv')).split('\r\n').slice(1, 3).map((l) => l.split(',')[17]);
    expect(amounts).toEqual(['1800.00', '1500.00']);
  });

  it('estimate --roster and --plan take a workbook as they take its CSV', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'x'));
    const plan = read(join(ROOT, 'fixtures', 'estimate', 'zhuji-departments.csv')).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    const cells = (line: string): string[] => line.split(',');
    writeFileSync(join(dir, 'plan.xlsx'), workbook({ sheets: [{ name: '计划', rows: plan.map((l, i) => row(i + 1, cells(l).map((v) => (v === '' ? undefined : /^\d+$/.test(v) ? `n:${v}` : `i:${v}`)))).join('') }] }));
    const x = cli(['estimate', '-j', 'zhuji', '--plan', join(dir, 'plan.xlsx'), '-o', join(dir, 'x')]);
    const c = cli(['estimate', '-j', 'zhuji', '--plan', join(ROOT, 'fixtures', 'estimate', 'zhuji-departments.csv'), '-o', join(dir, 'c')]);
    expect([x.code, x.stderr, x.temp]).toEqual([0, `13 case line(s) read from ${join(dir, 'plan.xlsx')}\n`, []]);
    expect(c.stderr).toBe(`13 case line(s) read from ${join(ROOT, 'fixtures', 'estimate', 'zhuji-departments.csv')}\n`);
    expect(read(join(dir, 'x', 'estimate.csv'))).toBe(read(join(dir, 'c', 'estimate.csv')));
    const r = cli(['estimate', '-j', 'zhuji', '--roster', 'fixtures/zhuji/roster.xlsx', '-o', join(dir, 'rx')]);
    const rc = cli(['estimate', '-j', 'zhuji', '--roster', 'fixtures/zhuji/roster.csv', '-o', join(dir, 'rc')]);
    expect([r.code, rc.code]).toEqual([0, 0]);
    expect(read(join(dir, 'rx', 'estimate.csv'))).toBe(read(join(dir, 'rc', 'estimate.csv')));
  });

  it('estimate --all-sheets adds up a plan kept a sheet per quarter as the same lines in one CSV (ZJ-01, ZJ-06 …); a notes sheet and an empty one are left out and named, a hidden one not read', () => {
    const dir = tmp();
    const plan = read(join(ROOT, 'fixtures', 'estimate', 'zhuji-departments.csv')).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    const cells = (line: string): (string | undefined)[] => line.split(',').map((v) => (v === '' ? undefined : /^\d+$/.test(v) ? `n:${v}` : `i:${v}`));
    const sheet = (lines: string[]): string => [plan[0]!, ...lines].map((l, i) => row(i + 1, cells(l))).join('');
    writeFileSync(
      join(dir, 'plan.xlsx'),
      workbook({
        sheets: [
          { name: '说明', rows: row(1, ['i:各季度计划分表填报']) },
          { name: '一季度', rows: sheet(plan.slice(1, 8)) },
          { name: '取值', rows: sheet(plan.slice(1, 3)), hidden: true },
          { name: '二季度', rows: sheet(plan.slice(8)) },
          { name: 'Sheet3', rows: '' },
        ],
      }),
    );
    const book = join(dir, 'plan.xlsx');
    const x = cli(['estimate', '-j', 'zhuji', '--plan', book, '--all-sheets', '-o', join(dir, 'x')]);
    const c = cli(['estimate', '-j', 'zhuji', '--plan', join(ROOT, 'fixtures', 'estimate', 'zhuji-departments.csv'), '-o', join(dir, 'c')]);
    expect([x.code, c.code]).toEqual([0, 0]);
    expect(x.stderr).toBe(
      [
        `${book}: reading its 4 sheet(s), each a plan: 说明, 一季度, 二季度, Sheet3 (hidden, not read: 取值)`,
        `${book}[说明]: no program, planned columns, not a plan: not read`,
        `${book}[Sheet3]: an empty sheet: not read`,
        `7 case line(s) read from ${book}[一季度]`,
        `6 case line(s) read from ${book}[二季度]`,
        '',
      ].join('\n'),
    );
    expect(read(join(dir, 'x', 'estimate.csv'))).toBe(read(join(dir, 'c', 'estimate.csv')));
    const none = cli(['estimate', '-j', 'zhuji', '--plan', book, '--all-sheets', '--sheet', '一季度', '-o', join(dir, 'y')]);
    expect([none.code, none.stderr]).toEqual([1, 'subsidy: --sheet reads one sheet and --all-sheets every one: give either\n']);
  });
});

describe('a roster given as an Excel 97–2003 workbook (.xls)', () => {
  it('fixtures/zhuji/roster.xls (roster.xlsx saved as .xls by LibreOffice) is paid as roster.csv is: ZJ-01 3500 at the cap, ZJ-06 50 × 15 days', () => {
    const [x, c] = [tmp(), tmp()];
    const book = cli(['calc', 'fixtures/zhuji/roster.xls', '-j', 'zhuji', '-o', x]);
    expect([book.code, book.stderr, book.temp]).toEqual([0, 'fixtures/zhuji/roster.xls: read sheet "花名册" (1 of 2; the others: 说明; --sheet NAME reads another)\n', []]);
    expect(cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', c]).code).toBe(0);
    for (const f of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv']) {
      expect(read(join(x, f)).replaceAll('roster.xls', 'roster.csv')).toBe(read(join(c, f)));
    }
    const lines = read(join(x, 'breakdown.csv')).split('\r\n');
    expect(lines.find((l) => l.startsWith('fixtures/zhuji/roster.xls,2,') && l.includes(',cert_training,'))).toContain(',approved,ok,eligible,3500.00,ceiling,');
    expect(lines.find((l) => l.startsWith('fixtures/zhuji/roster.xls,2,') && l.includes(',living_allowance,'))).toContain('50 yuan/day × 15 day = 750.00 yuan');
    const r = cli(['estimate', '-j', 'zhuji', '--roster', 'fixtures/zhuji/roster.xls', '-o', join(x, 'e')]);
    const rc = cli(['estimate', '-j', 'zhuji', '--roster', 'fixtures/zhuji/roster.csv', '-o', join(c, 'e')]);
    expect([r.code, rc.code]).toEqual([0, 0]);
    expect(read(join(x, 'e', 'estimate.csv'))).toBe(read(join(c, 'e', 'estimate.csv')));
  });

  it('a sheet with a title, merged cells, formulas and a hidden row: ZJ-01 pays 3500 at the cap and 2800 as claimed (a formula), ZJ-06 750; the merged cost and the ID typed as a number are rejected; every note said', () => {
    const x = tmp();
    const file = 'test/workbooks/features.xls';
    const r = cli(['calc', file, '-j', 'zhuji', '-o', x]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split('\n').slice(0, 5)).toEqual([
      `${file}: read sheet "花名册" (1 of 4; the others: 隐藏, 长名单, 说明; --sheet NAME reads another)`,
      `${file}: 1 cell(s) hold a formula error (#N/A, #VALUE! …) (L5), read as that text`,
      `${file}: 1 merged cell(s) read into every row they cover, as the sheet shows them: D5:D6 (补贴项目)`,
      `${file}: 1 merged cell(s) hold a number (K9:K10 (培训费用)): whether it is each row's or the block's is not said, so every row it covers is rejected; unmerge it and give each row its own figure`,
      `${file}: 1 row(s) the sheet hides read like the others (rows 7): hiding or filtering rows out does not leave them out`,
    ]);
    expect(r.stdout).toContain('rows read 8 = evaluated 5 + rejected 3');
    const paid = read(join(x, 'breakdown.csv')).split('\r\n').slice(1, -1).map((l) => [l.split(',')[1], l.split(',')[6], l.split(',')[14], l.split(',')[17]]);
    expect(paid).toEqual([
      ['3', 'cert_training', 'approved', '3500.00'],
      ['3', 'living_allowance', 'approved', '750.00'],
      ['4', 'cert_training', 'approved', '2800.00'],
      ['5', 'cert_training', 'denied', '0.00'],
      ['6', 'cert_training', 'denied', '0.00'],
      ['7', 'cert_training', 'approved', '600.00'],
    ]);
    const rejects = read(join(x, 'rejects.csv')).split('\r\n').slice(1, -1).map((l) => cellsOf(l).slice(1, 5).join(','));
    expect(rejects).toEqual(['8,person_id,330681199001010000,bad_id', '9,cost,2800 (合并单元格 K9:K10),bad_number', '10,cost,2800 (合并单元格 K9:K10),bad_number']);
  });

  it('--all-sheets reads the visible sheets of an .xls (the hidden one not, the notes sheet left out): 3000 rows of the long sheet paid ZJ-01', () => {
    const x = tmp();
    const file = 'test/workbooks/features.xls';
    const r = cli(['calc', file, '-j', 'zhuji', '-o', x, '--all-sheets']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split('\n')[0]).toBe(`${file}: reading its 3 sheet(s), each a roster: 花名册, 长名单, 说明 (hidden, not read: 隐藏)`);
    expect(r.stderr).toContain(`${file}[说明]: no program, date columns, not a roster: not read\n`);
    expect(r.stdout).toContain('rows read 3008 = evaluated 3005 + rejected 3');
    const long = read(join(x, 'breakdown.csv')).split('\r\n').filter((l) => l.startsWith(`${file}[长名单],`));
    expect(long).toHaveLength(3000);
    // 五级 (L5) at cost 101 yuan: paid as claimed, under the ceiling.
    expect(long[0]).toContain(',学员1号,cert_training,');
    expect(long[0]).toContain(',approved,ok,eligible,101.00,actual,');
  });

  it('an .xls through standard input, and template -o to an .xls name, are refused saying what to do', () => {
    const dir = tmp();
    const stdin = spawnSync(process.execPath, [BIN, 'calc', '-', '-j', 'zhuji', '-o', join(dir, 'o')], { cwd: ROOT, input: readFileSync(join(ROOT, 'fixtures', 'zhuji', 'roster.xls')), env: { ...process.env, NO_COLOR: '1' } });
    expect([stdin.status, stdin.stderr.toString()]).toEqual([1, 'subsidy: (stdin): an Excel 97–2003 or WPS workbook (.xls, .et), or a password-protected one, not a CSV file: give it by its file name: a workbook is read from a file, not through standard input\n']);
    const t = cli(['template', '-j', 'zhuji', '-o', join(dir, 'roster.xls')]);
    expect([t.code, t.stderr, existsSync(join(dir, 'roster.xls'))]).toEqual([1, `subsidy: ${join(dir, 'roster.xls')}: a template is written as .xlsx (a workbook) or as CSV; name the file .xlsx or .csv\n`, false]);
  });
});

describe('a roster exported by a web system as an HTML page named .xls', () => {
  it('is read by its largest table: ZJ-01 pays 1500 and 2800 as claimed (1,500.00 read as shown), the programme spread over two rows is read into both, the cost spread over two is refused', () => {
    const dir = tmp();
    const file = join(dir, 'export.xls');
    writeFileSync(file, iconv.encode(EXPORT, 'gb18030'));
    const r = cli(['calc', file, '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      `${file}: a web page (HTML, as web systems' 导出Excel makes), read by its table; rows are numbered from the table's first row (Excel, opening the page, shows them lower when anything comes before the table)`,
      `${file}: read sheet "表格2" (2 of 2; the others: 表格1; --sheet NAME reads another)`,
    ]);
    const paid = read(join(dir, 'out', 'breakdown.csv')).split('\r\n').slice(1, -1).map((l) => cellsOf(l)).map((c) => [c[1], c[5], c[14], c[17], c[18]]);
    expect(paid).toEqual([
      ['3', '张 三', 'approved', '1500.00', 'actual'],
      ['4', '李四 (补录)', 'approved', '2800.00', 'actual'],
    ]);
    const rejects = read(join(dir, 'out', 'rejects.csv')).split('\r\n').slice(1, -1).map((l) => cellsOf(l).slice(1, 5).join(','));
    expect(rejects).toEqual(['5,cost,3000 (合并单元格 H5:H6),bad_number', '6,cost,3000 (合并单元格 H5:H6),bad_number']);
  });
});

describe('a roster saved as an Excel 2003 XML spreadsheet', () => {
  it('is read as a workbook: ZJ-01 pays 1500 and 2800 as claimed (the value a formula saved); the cost merged down two rows and the ID typed as a number are refused, and the preparer\'s line under the table set aside', () => {
    const dir = tmp();
    const file = 'test/workbooks/excel2003.xml';
    const r = cli(['calc', file, '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split('\n')[0]).toBe(`${file}: read sheet "花名册" (1 of 2; the others: 取值; --sheet NAME reads another)`);
    const paid = read(join(dir, 'out', 'breakdown.csv')).split('\r\n').slice(1, -1).map((l) => cellsOf(l)).map((c) => [c[1], c[14], c[17], c[18]]);
    expect(paid).toEqual([
      ['3', 'approved', '1500.00', 'actual'],
      ['4', 'approved', '2800.00', 'actual'],
    ]);
    const rejects = read(join(dir, 'out', 'rejects.csv')).split('\r\n').slice(1, -1).map((l) => cellsOf(l).slice(1, 5).join(','));
    // Row 6 has both problems; the preparer's line under the table (制表人) is no claim: set aside and named, as a CSV's is.
    expect(rejects).toEqual(['5,cost,3000 (合并单元格 H5:H6),bad_number', '6,person_id,330681199001010000,bad_id', '6,cost,3000 (合并单元格 H5:H6),bad_number']);
    expect(r.stderr).toContain(`${file}: 1 sign-off or note row(s) (制表人, 审核人, 填报日期, 注：…, with no ID and no programme) set aside, not read as claims (row 8)`);
  });
});

describe('template -o roster.xlsx', () => {
  const JURISDICTIONS = readdirSync(join(ROOT, 'fixtures')).filter((d) => existsSync(join(ROOT, 'fixtures', d, 'roster.csv')));

  it.each(JURISDICTIONS)('%s: the workbook template has the CSV template\'s columns, and every value of its drop-down lists is one the reader takes', async (code) => {
    const tables = loadTables();
    const table = tables.get(code)!;
    for (const lang of ['en', 'zh']) {
      const dir = tmp();
      const [book, csv] = [join(dir, 't.xlsx'), join(dir, 't.csv')];
      expect(cli(['template', '-j', code, '--lang', lang, '-o', book]).code).toBe(0);
      expect(cli(['template', '-j', code, '--lang', lang, '-o', csv]).code).toBe(0);
      const roster = join(dir, 'roster.csv');
      const read = await sheetToCsv(book, book, roster);
      expect([read.sheet, read.sheets]).toEqual(lang === 'zh' ? ['花名册', ['花名册', '取值']] : ['roster', ['roster', 'values']]);
      expect(readFileSync(roster, 'utf8')).toBe(`${readFileSync(csv, 'utf8').replace(/^\uFEFF/, '').trimEnd()}\n`);
      const lists = join(dir, 'lists.csv');
      await sheetToCsv(book, book, lists, { sheet: '2' });
      const [names, ...rows] = readFileSync(lists, 'utf8').trimEnd().split('\n').map(cellsOf);
      names!.forEach((name, k) => {
        const field = headerField(name)!;
        for (const value of rows.map((r) => r[k]).filter((v) => v)) {
          const taken = field === 'program' ? findProgram(table, value!) !== undefined : field === 'jurisdiction' ? findTable(tables, value!) !== undefined : parseCell(FIELD_BY_NAME.get(field)!, value!).ok;
          expect(taken, `${code} ${lang} ${name}: ${value}`).toBe(true);
        }
      });
      if (names!.includes(lang === 'zh' ? '补贴项目' : 'program')) expect(rows.filter((r) => r[names!.indexOf(lang === 'zh' ? '补贴项目' : 'program')]).length).toBe(table.programs.length);
    }
  });

  it('the ID column keeps what is typed as text (Excel would turn 18 digits into 3.30681E+17), the date column shows yyyy-mm-dd', () => {
    const book = join(tmp(), 't.xlsx');
    expect(cli(['template', '-j', 'zhuji', '--lang', 'zh', '-o', book]).code).toBe(0);
    const entries = zipEntries(book);
    const sheet = readEntry(book, entries.get('xl/worksheets/sheet1.xml')!).toString('utf8');
    const styles = readEntry(book, entries.get('xl/styles.xml')!).toString('utf8');
    const xfs = [...styles.split('<cellXfs')[1]!.matchAll(/<xf numFmtId="(\d+)"/g)].map((m) => Number(m[1]));
    const styleOf = (col: number): number => Number(new RegExp(`<col min="${col}" max="${col}"[^>]*style="(\\d+)"`).exec(sheet)?.[1] ?? 0);
    expect(xfs[styleOf(1)]).toBe(49); // 身份证号码: text
    expect(xfs[styleOf(7)]).toBe(176); // 日期
    expect(styles).toContain('<numFmt numFmtId="176" formatCode="yyyy\\-mm\\-dd"/>');
    expect(sheet).toContain('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>');
  });
});

describe('calc --xlsx', () => {
  /** A workbook's sheets read back as our reader reads them: each sheet's lines. */
  const sheets = async (book: string): Promise<Record<string, string[][]>> => {
    const out: Record<string, string[][]> = {};
    const first = await sheetToCsv(book, book, `${book}.1.csv`);
    for (const [i, name] of first.sheets.entries()) {
      const copy = `${book}.${i + 1}.csv`;
      await sheetToCsv(book, book, copy, { sheet: String(i + 1) });
      out[name] = readFileSync(copy, 'utf8').trimEnd().split('\n').map(cellsOf);
    }
    return out;
  };
  const NUMBERS = new Set(['row', 'year', 'amount', 'max_exposure', 'claims', 'persons', 'approved', 'review', 'denied', 'duplicate', 'unquantified', 'first_row', 'paid_to_them', 'paid_to_others']);
  /** A CSV output's lines as its workbook holds them: amounts and counts as numbers (3500.00 is 3500), no empty cells at the end. */
  const csvLines = (file: string): string[][] => {
    const [header, ...rows] = read(file).replace(/^\uFEFF/, '').trimEnd().split('\r\n').map(cellsOf);
    const numeric = outputColumns(basename(file, '.csv') as OutputKind).map((h) => NUMBERS.has(h));
    return [header!, ...rows.map((cells) => cells.map((v, i) => (numeric[i] && v !== '' ? numberText(v) : v)))].map(trimmed);
  };
  const trimmed = (cells: string[]): string[] => cells.slice(0, cells.findLastIndex((c) => c !== '') + 1);

  it('each output is also a workbook with the same cells: resident IDs as text, amounts as numbers shown 0.00 (ZJ-01 3500, ZJ-06 750)', async () => {
    const out = tmp();
    const r = cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', out, '--xlsx']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${join(out, 'breakdown.csv')}, ${join(out, 'summary.csv')}, ${join(out, 'persons.csv')}, ${join(out, 'rejects.csv')}, ${join(out, 'breakdown.xlsx')}, ${join(out, 'summary.xlsx')}, ${join(out, 'persons.xlsx')}, ${join(out, 'rejects.xlsx')}`);
    for (const kind of ['breakdown', 'summary', 'persons', 'rejects']) {
      const book = await sheets(join(out, `${kind}.xlsx`));
      expect(Object.keys(book)).toEqual([kind]);
      expect(book[kind]!.map(trimmed)).toEqual(csvLines(join(out, `${kind}.csv`)));
    }
    const sheet = readEntry(join(out, 'breakdown.xlsx'), zipEntries(join(out, 'breakdown.xlsx')).get('xl/worksheets/sheet1.xml')!).toString('utf8');
    expect(sheet).toContain('<c r="E2" t="inlineStr"><is><t>330681199001010015</t></is></c>');
    expect(sheet).toContain('<c r="R2" s="2"><v>3500.00</v></c>');
    expect(sheet).toContain('<c r="R3" s="2"><v>750.00</v></c>');
    // Run again without --xlsx: the workbooks are the earlier run's, and the run says so (and leaves them: a clerk may have added notes).
    const again = cli(['calc', 'fixtures/xihu/roster.csv', '-j', 'xihu', '-o', out]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`${out}: breakdown.xlsx, summary.xlsx, persons.xlsx, rejects.xlsx are left from an earlier run, not this run's results (give --xlsx to write them anew)`);
    expect(existsSync(join(out, 'breakdown.xlsx'))).toBe(true);
    expect(cli(['calc', 'fixtures/xihu/roster.csv', '-j', 'xihu', '-o', out, '--xlsx']).stderr).not.toContain('earlier run');
  });

  it('an output longer than a sheet goes on in the next (each with the header), the run says so; sheets are named in the language of the outputs', async () => {
    const out = tmp();
    const r = cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', out, '--xlsx'], { SUBSIDY_SHEET_ROWS: '12', SUBSIDY_LANG: 'zh' });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(['breakdown.xlsx: 共 3', 'summary.xlsx: 共 2', 'persons.xlsx: 共 2'].map((s) => `${join(out, s)} 个工作表 (每个工作表表头下最多 12 行)\n`).join(''));
    const book = await sheets(join(out, 'breakdown.xlsx'));
    expect(Object.keys(book)).toEqual(['明细', '明细 (2)', '明细 (3)']);
    const [header, ...lines] = csvLines(join(out, 'breakdown.csv'));
    expect(header![4]).toBe('身份证号码');
    expect(book['明细']![0]).toEqual(header);
    expect(book['明细 (3)']![0]).toEqual(header);
    expect(Object.values(book).flatMap((s) => s.slice(1).map(trimmed))).toEqual(lines);
  });
});
