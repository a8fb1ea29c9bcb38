// A workbook's sheet read to CSV: text, numbers and dates as the sheet shows them, each row on its sheet row's line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDateFormat, numberText, serialDate } from '../../src/io/cellValues.js';
import { type SheetRead, sheetNotes, sheetToCsv } from '../../src/io/workbook.js';
import { readCatalogue } from '../../src/io/catalog.js';
import { cellsOf, csvCell } from '../../src/io/sheetLines.js';
import { RosterError } from '../../src/io/roster.js';
import { row, workbook, zipFile, type WorkbookSpec } from '../xlsxBuilder.js';

const dir = mkdtempSync(join(tmpdir(), 'subsidy-workbook-'));
let n = 0;

/** Write `spec` as a workbook, read it back: the CSV text and what the read found. */
async function read(spec: WorkbookSpec | Buffer, sheet?: string): Promise<{ csv: string; found: SheetRead; file: string }> {
  const file = join(dir, `w${++n}.xlsx`);
  writeFileSync(file, Buffer.isBuffer(spec) ? spec : workbook(spec));
  const dest = join(dir, `w${n}.csv`);
  const found = await sheetToCsv(file, 'roster.xlsx', dest, { sheet });
  return { csv: readFileSync(dest, 'utf8'), found, file };
}

/** Shared strings as Excel saves a roster: a title, the headers, a name with its pinyin guide, a rich-text name. */
const SHARED = [
  '<t>诸暨市2020年培训补贴花名册</t>',
  '<t>身份证号</t>',
  '<t>姓名</t>',
  '<t>补贴项目</t>',
  '<t>发证日期</t>',
  '<t>费用</t>',
  '<t>330681199001010015</t>',
  '<t>王芳</t><rPh sb="0" eb="2"><t>wáng fāng</t></rPh><phoneticPr fontId="1"/>',
  '<r><rPr><b/><sz val="11"/></rPr><t>李</t></r><r><t xml:space="preserve">强</t></r>',
  '<t>cert_training</t>',
];

describe('an .xlsx sheet read as a roster', () => {
  it('text from shared strings (phonetic guide left out, rich text joined), a date cell as ISO, a number as Excel shows it, sheet rows kept', async () => {
    const { csv, found } = await read({
      shared: SHARED,
      cellFormats: [0, 14],
      sheets: [
        {
          name: '花名册',
          rows: [
            row(1, ['s:0']),
            row(2, ['s:1', 's:2', 's:3', 's:4', 's:5']),
            row(3, ['s:6', 's:7', 's:9', '<c r="REF" s="1"><v>44256</v></c>', 'n:2799.9999999999995']),
            // Row 4 is not in the sheet at all, row 5 is formatting only: both blank lines, so row 6 stays row 6.
            row(5, ['<c r="REF" s="1"/>']),
            row(6, ['s:6', 's:8', 's:9', '<c r="REF" s="1"><v>44256.75</v></c>', 'n:1500']),
            // Formatted rows below the table leave no blank lines behind.
            row(9, ['<c r="REF" s="1"/>']),
          ].join(''),
        },
      ],
    });
    expect(csv).toBe(
      [
        '诸暨市2020年培训补贴花名册,,,,',
        '身份证号,姓名,补贴项目,发证日期,费用',
        '330681199001010015,王芳,cert_training,2021-03-01,2800',
        '',
        '',
        '330681199001010015,李强,cert_training,2021-03-01,1500',
        '',
      ].join('\n'),
    );
    expect(found).toEqual({ sheet: '花名册', sheets: ['花名册'], rows: 6, unsavedFormulas: { count: 0, first: [] }, errors: { count: 0, first: [] }, merged: { filled: { count: 0, first: [] }, numbers: { count: 0, first: [] } }, hidden: { count: 0, first: [] } });
  });

  it('dates by their format: built-in (14, and 31 as a Chinese Excel shows 2021年3月1日), custom with quoted 年月日, the 1904 date system; a time is a number', async () => {
    const rows = row(1, ['i:a', 'i:b', 'i:c', 'i:d', 'i:e']) + row(2, [1, 2, 3, 4, 0].map((s) => `<c r="REF" s="${s}"><v>44256</v></c>`));
    const spec = { numFmts: '<numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/><numFmt numFmtId="177" formatCode="[$-F400]h:mm:ss\\ AM/PM"/>', cellFormats: [0, 14, 31, 176, 177], sheets: [{ name: 'S', rows }] };
    expect((await read(spec)).csv).toBe('a,b,c,d,e\n2021-03-01,2021-03-01,2021-03-01,44256,44256\n');
    expect((await read({ ...spec, date1904: true })).csv).toBe('a,b,c,d,e\n2025-03-02,2025-03-02,2025-03-02,44256,44256\n');
    expect(isDateFormat('yyyy/m/d')).toBe(true);
    expect(isDateFormat('[$-804]yyyy"年"m"月"d"日";@')).toBe(true);
    expect(isDateFormat('"第"0"天"')).toBe(false); // a number written 第3天
    expect(isDateFormat('#,##0.00"元"')).toBe(false);
    expect(isDateFormat('h:mm')).toBe(false);
    expect(serialDate(61, false)).toBe('1900-03-01');
    expect(serialDate(59, false)).toBe('1900-02-28');
    expect(serialDate(60, false)).toBeUndefined(); // 1900-02-29, which Excel counts and the calendar does not
    // Past 9999-12-31 Excel shows #### in a date cell: read as the number (a date past every table's range), not a crash.
    expect(serialDate(2958465, false)).toBe('9999-12-31');
    expect(serialDate(2958466, false)).toBeUndefined();
    expect(serialDate(1e300, false)).toBeUndefined();
  });

  it('an ID typed into a number column reads as Excel shows it, 15 digits then zeros (the roster then rejects it saying so); float noise goes', () => {
    expect(numberText('3.3068119900101101E+17')).toBe('330681199001011000');
    expect(numberText('1234.5600000000001')).toBe('1234.56');
    expect(numberText('0.30000000000000004')).toBe('0.3');
    expect(numberText('1500')).toBe('1500');
    expect(numberText('-12.5')).toBe('-12.5');
  });

  it('cells with a comma or quotes are quoted, a line break in a cell is a space, entities and _x000D_ escapes undone; cells and rows without r follow on', async () => {
    const rows =
      row(1, ['i:name', 'i:note', 'i:org']) +
      `<row><c t="inlineStr"><is><t>张"三",李</t></is></c><c t="inlineStr"><is><t>电工&#10;焊工_x000D_</t></is></c><c t="inlineStr"><is><t>A&amp;B &lt;学校&gt;</t></is></c></row>` +
      row(3, [undefined, 'i:_x005F_x0041_']);
    expect((await read({ sheets: [{ name: 'S', rows }] })).csv).toBe('name,note,org\n"张""三"",李",电工 焊工 ,A&B <学校>\n,_x0041_,\n');
  });

  it('booleans, formula results (number and text), formula errors; a formula saved without its value is read as the formula and counted', async () => {
    const rows =
      row(1, ['i:a', 'i:b', 'i:c', 'i:d', 'i:e']) +
      row(2, ['<c r="REF" t="b"><v>1</v></c>', '<c r="REF"><f>N2*2</f><v>3000</v></c>', '<c r="REF" t="str"><f>A1&amp;"x"</f><v>ax</v></c>', '<c r="REF" t="e"><f>VLOOKUP(A2,X:Y,2,0)</f><v>#N/A</v></c>', '<c r="REF"><f>SUM(B2:B9)</f></c>']) +
      row(3, [undefined, '<c r="REF"><f>B2&gt;0</f><v></v></c>', '<c r="REF" t="str"><f>""</f><v></v></c>']);
    const { csv, found } = await read({ sheets: [{ name: 'S', rows }] });
    expect(csv).toBe('a,b,c,d,e\nTRUE,3000,ax,#N/A,=SUM(B2:B9)\n,=B2>0,,,\n');
    expect(found.unsavedFormulas).toEqual({ count: 2, first: ['E2', 'B3'] });
    expect(found.errors).toEqual({ count: 1, first: ['D2'] });
    expect(sheetNotes('花名册.xlsx', found)).toEqual([
      '花名册.xlsx: 2 formula cell(s) saved without their value (E2, B3), read as the formula, which is no value; open the workbook in Excel or WPS and save it again',
      '花名册.xlsx: 1 cell(s) hold a formula error (#N/A, #VALUE! …) (D2), read as that text',
    ]);
  });

  it('the first visible sheet unless --sheet names one (by name, any case, or number); an unknown sheet names those there are', async () => {
    const spec: WorkbookSpec = {
      sheets: [
        { name: '说明', rows: row(1, ['i:hidden notes']), hidden: true },
        { name: '花名册', rows: row(1, ['i:roster']) },
        { name: 'Summary', rows: row(1, ['i:totals']) },
      ],
    };
    const first = await read(spec);
    expect([first.csv, first.found.sheet, first.found.sheets]).toEqual(['roster\n', '花名册', ['说明', '花名册', 'Summary']]);
    expect(sheetNotes('r.xlsx', first.found)).toEqual(['r.xlsx: read sheet "花名册" (2 of 3; the others: 说明, Summary; --sheet NAME reads another)']);
    expect(sheetNotes('r.xlsx', first.found, 'zh')).toEqual(['r.xlsx: 读取工作表 "花名册" (共 3 个工作表中的第 2 个; 其余: 说明, Summary; 用 --sheet 名称 读取其他工作表)']);
    expect((await read(spec, 'summary')).csv).toBe('totals\n');
    expect((await read(spec, '1')).csv).toBe('hidden notes\n');
    await expect(read(spec, '汇总')).rejects.toThrow('roster.xlsx: no sheet "汇总" (its sheets: 1 说明, 2 花名册, 3 Summary)');
  });

  it('elements under a namespace prefix (x:c, as the .NET SDK writes), and parts stored without compression, read the same', async () => {
    const rows = row(1, ['s:1', 's:2'], 'x:') + row(2, ['s:6', 's:7'], 'x:');
    const shared = SHARED.map((s) => s.replace(/<(\/?)(t|r|rPr|b|sz|rPh|phoneticPr)\b/g, '<$1x:$2'));
    expect((await read({ prefix: 'x:', stored: true, shared, sheets: [{ name: 'S', rows }] })).csv).toBe('身份证号,姓名\n330681199001010015,王芳\n');
  });

  it('a note typed right of the table below the first ten rows widens the header, so that the note is a column nobody reads, not a cell too many', async () => {
    const rows = [row(1, ['i:person_id', 'i:name']), ...Array.from({ length: 11 }, (_, i) => row(i + 2, ['i:x', 'i:y'])), row(13, ['i:x', 'i:y', 'i:note'])].join('');
    const lines = (await read({ sheets: [{ name: 'S', rows }] })).csv.split('\n');
    expect(lines[0]).toBe('person_id,name,');
    expect(lines[1]).toBe('x,y,');
    expect(lines[10]).toBe('x,y'); // row 11 and on as written
    expect(lines[12]).toBe('x,y,note');
  });

  it('a file cut short, a binary workbook (.xlsb) and an OpenDocument sheet are refused saying what they are', async () => {
    const whole = workbook({ sheets: [{ name: 'S', rows: row(1, ['i:a']) }] });
    await expect(read(whole.subarray(0, whole.length - 30))).rejects.toThrow('roster.xlsx: a zip file that cannot be read: no zip directory at its end (the file is damaged or cut short)');
    await expect(read(zipFile([{ name: 'xl/workbook.bin', data: 'x' }]))).rejects.toThrow('roster.xlsx: a binary workbook (.xlsb), which is not read: save it as .xlsx (Excel 工作簿) or as CSV');
    await expect(read(zipFile([{ name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet' }, { name: 'content.xml', data: '<x/>' }]))).rejects.toThrow('an OpenDocument spreadsheet (.ods)');
    await expect(read(zipFile([{ name: 'a.txt', data: 'x' }]))).rejects.toThrow('roster.xlsx: a zip file but not an Excel workbook (no xl/workbook.xml in it)');
  });

  it('merged cells below the header: text read into every row covered, a number refused in every row (its figure kept); merges in the title and header left to the reader', async () => {
    const rows = [
      row(1, ['i:2020年培训补贴花名册']),
      row(2, ['i:姓名', 'i:身份证号', 'i:培训情况', undefined, undefined, 'i:费用']),
      row(3, [undefined, undefined, 'i:补贴项目', 'i:发证日期', 'i:等级']),
      row(4, ['i:王芳', 'i:330681199001010015', 'i:cert_training', '<c r="REF" s="1"><v>43983</v></c>', 'i:四级', 'n:2800']),
      row(5, ['i:李强', 'i:330681198505050016', '<c r="REF" s="2"/>', '<c r="REF" s="1"/>', 'i:四级', '<c r="REF" s="2"/>']),
      row(6, ['i:张伟', 'i:330681197803120014', undefined, undefined, 'i:三级']),
      row(7, ['i:赵敏', 'i:330681199001010015', 'i:safety_training', '<c r="REF" s="1"><v>43984</v></c>', undefined, 'n:500']),
      row(8, [undefined, undefined, 'i:safety_training', '<c r="REF" s="1"><v>43985</v></c>', undefined, 'n:100']),
    ].join('');
    const { csv, found } = await read({ cellFormats: [0, 14, 0], sheets: [{ name: 'S', rows, merges: ['A1:F1', 'A2:A3', 'B2:B3', 'C2:E2', 'F2:F3', 'C4:C6', 'D4:D6', 'F4:F6', 'A7:A8', 'B7:B8'] }] });
    expect(csv.split('\n')).toEqual([
      '2020年培训补贴花名册,,,,,',
      '姓名,身份证号,培训情况,,,费用',
      ',,补贴项目,发证日期,等级,',
      '王芳,330681199001010015,cert_training,2020-06-01,四级,2800 (合并单元格 F4:F6)',
      '李强,330681198505050016,cert_training,2020-06-01,四级,2800 (合并单元格 F4:F6)',
      '张伟,330681197803120014,cert_training,2020-06-01,三级,2800 (合并单元格 F4:F6)',
      '赵敏,330681199001010015,safety_training,2020-06-02,,500',
      '赵敏,330681199001010015,safety_training,2020-06-03,,100',
      '',
    ]);
    expect(found.merged).toEqual({
      filled: { count: 4, first: ['C4:C6 (补贴项目)', 'D4:D6 (发证日期)', 'A7:A8 (姓名)', 'B7:B8 (身份证号)'] },
      numbers: { count: 1, first: ['F4:F6 (费用)'] },
    });
    expect(sheetNotes('r.xlsx', found)).toEqual([
      'r.xlsx: 4 merged cell(s) read into every row they cover, as the sheet shows them: C4:C6 (补贴项目), D4:D6 (发证日期), A7:A8 (姓名), B7:B8 (身份证号)',
      "r.xlsx: 1 merged cell(s) hold a number (F4:F6 (费用)): whether it is each row's or the block's is not said, so every row it covers is rejected; unmerge it and give each row its own figure",
    ]);
  });

  it('rows the sheet hides (filtered out) are read like the others, as Excel saves them to CSV, and named', async () => {
    const rows = row(1, ['i:a']) + '<row r="2" hidden="1"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>' + '<row r="3" hidden="1"/>' + row(4, ['i:y']);
    const { csv, found } = await read({ sheets: [{ name: 'S', rows }] });
    expect(csv).toBe('a\nx\n\ny\n');
    expect(sheetNotes('r.xlsx', found)).toEqual(['r.xlsx: 1 row(s) the sheet hides read like the others (rows 2): hiding or filtering rows out does not leave them out']);
  });

  it('a line of the copy reads back as the cells written: quotes, commas, empty cells at either end', () => {
    for (const cells of [['a', 'b'], ['', 'x,y', ''], ['"红星"培训学校', 'say "hi"', ','], ['']]) expect(cellsOf(cells.map(csvCell).join(','))).toEqual(cells[0] === '' && cells.length === 1 ? [] : cells);
  });

  it('a catalogue given as a workbook is read from its copy, named as given', async () => {
    const rows = row(1, ['i:职业', 'i:等级', 'i:补贴标准']) + row(2, ['i:电工', 'i:四级', 'n:1800']) + row(3, ['i:焊工', 'i:四级', 'n:abc']);
    const { file } = await read({ sheets: [{ name: '目录', rows }] });
    const copy = join(dir, 'catalogue.csv');
    await sheetToCsv(file, file, copy);
    await expect(readCatalogue([file], 'auto', new Map([[file, copy]]))).rejects.toThrow(`${file} row 3, column standard, value "abc"`);
  });
});

describe('a sheet whose rows or cells go backwards', () => {
  it('is refused as damaged, naming the row or the cell, in English and Chinese: an .xlsx sheet and an Excel 2003 XML one alike', async () => {
    const refused = async (file: string, label: string): Promise<[string, string]> => {
      const e = (await sheetToCsv(file, label, join(dir, `back${++n}.csv`)).catch((x: unknown) => x)) as RosterError;
      expect(e).toBeInstanceOf(RosterError);
      return [e.message, e.zh];
    };
    const xlsx = (rows: string): string => {
      const file = join(dir, `back${++n}.xlsx`);
      writeFileSync(file, workbook({ sheets: [{ name: 'S', rows }] }));
      return file;
    };
    expect(await refused(xlsx(`${row(3, ['i:a'])}${row(2, ['i:b'])}`), 'r.xlsx')).toEqual(['r.xlsx: its rows are out of order at row 2 (the file is damaged)', 'r.xlsx: 行的次序在第 2 行处错乱 (文件已损坏)']);
    expect(await refused(xlsx('<row r="1"><c r="B1" t="inlineStr"><is><t>b</t></is></c><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'), 'r.xlsx')).toEqual([
      'r.xlsx: its cells are out of order at A1 (the file is damaged)',
      'r.xlsx: 单元格的次序在 A1 处错乱 (文件已损坏)',
    ]);
    const xml = (table: string): string => {
      const file = join(dir, `back${++n}.xml`);
      writeFileSync(
        file,
        `<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="S"><Table>${table}</Table></Worksheet></Workbook>\n`,
      );
      return file;
    };
    const cell = (text: string, index = ''): string => `<Cell${index && ` ss:Index="${index}"`}><Data ss:Type="String">${text}</Data></Cell>`;
    expect(await refused(xml(`<Row ss:Index="3">${cell('a')}</Row><Row ss:Index="2">${cell('b')}</Row>`), 'r.xml')).toEqual(['r.xml: its rows are out of order at row 2 (the file is damaged)', 'r.xml: 行的次序在第 2 行处错乱 (文件已损坏)']);
    expect(await refused(xml(`<Row>${cell('b', '2')}${cell('a', '1')}</Row>`), 'r.xml')).toEqual(['r.xml: its cells are out of order at row 1 (the file is damaged)', 'r.xml: 单元格的次序在第 1 行处错乱 (文件已损坏)']);
  });
});
