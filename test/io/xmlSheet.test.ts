// An Excel 2003 XML spreadsheet read as a roster (test/workbooks/excel2003.xml is laid out as Excel 2003 saves one: LibreOffice here cannot write the format).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sheetToCsv, worksheetsOf } from '../../src/io/workbook.js';

const BOOK = join(resolve(import.meta.dirname, '..', '..'), 'test', 'workbooks', 'excel2003.xml');
const dir = mkdtempSync(join(tmpdir(), 'subsidy-xml-'));

describe('an Excel 2003 XML spreadsheet read as a roster', () => {
  it('rows and cells at their ss:Index (after a cell merged across), rich text joined, dates, numbers to 15 digits, booleans, errors, merges down, a hidden row and a hidden sheet', async () => {
    const dest = join(dir, 'x.csv');
    const found = await sheetToCsv(BOOK, 'book.xml', dest);
    expect(readFileSync(dest, 'utf8')).toBe(
      [
        '诸暨市职业技能培训补贴花名册（测试）,,,,,,,,',
        '序号,身份证号,姓名,补贴项目,取证日期,职业(工种),等级,培训费用,备注',
        '1,330681199001010015,张三,cert_training,2020-05-10,电工,四级,1500,TRUE',
        '2,330681199001010023,李四,cert_training,2020-06-01,焊工,高级工,2800,#DIV/0!',
        '3,330681199001010031,王五,cert_training,2020-07-01,钳工,三级,3000 (合并单元格 H5:H6),隐藏行 第二行',
        '4,330681199001010000,赵六,cert_training,2020-07-01,钳工,三级,3000 (合并单元格 H5:H6),',
        '',
        ',,制表人: 张,,,,,,',
        '',
      ].join('\n'),
    );
    expect(found).toMatchObject({ sheet: '花名册', sheets: ['花名册', '取值'], rows: 8, errors: { count: 1, first: ['I4'] }, hidden: { count: 1, first: ['5'] } });
    expect(found.merged).toEqual({ filled: { count: 1, first: ['D3:D4 (补贴项目)'] }, numbers: { count: 1, first: ['H5:H6 (培训费用)'] } });
    expect(worksheetsOf(BOOK, 'book.xml')).toEqual([
      { name: '花名册', hidden: false },
      { name: '取值', hidden: true },
    ]);
  });
});
