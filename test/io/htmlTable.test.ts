// A web page saved under a spreadsheet name (a web system's 导出Excel) read as a roster: its tables as sheets, laid out as Excel lays them.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readPage, tableRows } from '../../src/io/htmlTable.js';
import { sheetNotes, sheetToCsv, worksheetsOf } from '../../src/io/workbook.js';
import { EXPORT } from '../htmlExport.js';

const dir = mkdtempSync(join(tmpdir(), 'subsidy-html-'));
let n = 0;
const page = (text: string, encoding: 'utf8' | 'gb18030' = 'utf8'): string => {
  const file = join(dir, `p${++n}.xls`);
  writeFileSync(file, encoding === 'utf8' ? text : iconv.encode(text, encoding));
  return file;
};

describe('a web page read as a workbook', () => {
  it('a GB2312 export: the table with the most rows is read, spans laid out as Excel lays them (a programme over two rows filled, a cost over two rows refused), entities and line breaks as shown', async () => {
    const file = page(EXPORT, 'gb18030');
    const dest = join(dir, 'out.csv');
    const found = await sheetToCsv(file, 'export.xls', dest);
    expect(readFileSync(dest, 'utf8')).toBe(
      [
        '诸暨市职业技能培训补贴花名册,,,,,,,',
        '序号,身份证号,姓名,补贴项目,取证日期,职业(工种),等级,培训费用',
        '1,330681199001010015,张 三,cert_training,2020-05-10,电工,四级,"1,500.00"',
        '2,330681199001010023,李四 (补录),cert_training,2020-06-01,焊工,高级工,2800',
        '3,330681199001010031,王五,cert_training,2020年7月1日,钳工,三级,3000 (合并单元格 H5:H6)',
        '4,33068119900101004X,赵六,cert_training,2020-07-01,钳工,三级,3000 (合并单元格 H5:H6)',
        '',
      ].join('\n'),
    );
    expect(found).toMatchObject({ sheet: '表格2', sheets: ['表格1', '表格2'], rows: 6, page: true });
    expect(sheetNotes('export.xls', found).slice(0, 2)).toEqual([
      "export.xls: a web page (HTML, as web systems' 导出Excel makes), read by its table; rows are numbered from the table's first row (Excel, opening the page, shows them lower when anything comes before the table)",
      'export.xls: read sheet "表格2" (2 of 2; the others: 表格1; --sheet NAME reads another)',
    ]);
    expect(worksheetsOf(file, 'export.xls')).toEqual([
      { name: '表格1', hidden: false },
      { name: '表格2', hidden: false },
    ]);
    await sheetToCsv(file, 'export.xls', dest, { sheet: '1' });
    expect(readFileSync(dest, 'utf8')).toBe('查询条件: 诸暨市 2020年\n');
  });

  it('cells and rows the page leaves unclosed, a cell spread over rows and columns at once, a table inside a cell (a table of its own), a row its style hides, numeric and named entities', () => {
    const read = readPage(
      page(`<!DOCTYPE html><table>
<tr><th>a<th>b<th>c<th>d
<tr><td rowspan=2 colspan=2>x &amp; y<td>1<td>&#x4e2d;&#25991;
<tr style="display: none"><td>2<td><table><tr><td>inner</td></tr></table>
<tr><td>&lt;3&gt;<td>&middot;&unknown;<td><td>4
</table>`),
    );
    const tables = read.tables.map((_, i) => {
      const rows: string[][] = [];
      const hidden: number[] = [];
      const merges = tableRows(read, i, (cells, r, hide) => {
        rows[r - 1] = cells;
        if (hide) hidden.push(r);
      });
      return { rows, merges, hidden };
    });
    expect(tables.map((t) => t.hidden)).toEqual([[3], []]);
    expect(read.tables.map((t) => t.rows)).toEqual([4, 1]);
    expect(tables.map((t) => t.rows)).toEqual([
      [['a', 'b', 'c', 'd'], ['x & y', '', '1', '中文'], ['', '', '2'], ['<3>', '·&unknown;', '', '4']],
      [['inner']],
    ]);
    expect(tables.map((t) => t.merges)).toEqual([['A2:B3'], []]);
  });

  it('a page without a table is refused saying so', async () => {
    await expect(sheetToCsv(page('<html><body><p>没有数据</p></body></html>'), 'empty.xls', join(dir, 'e.csv'))).rejects.toThrow(
      'empty.xls: a web page (HTML) with no table in it, so no rows to read: open it in Excel or WPS, save it as .xlsx or as CSV, and give that file',
    );
  });
});
