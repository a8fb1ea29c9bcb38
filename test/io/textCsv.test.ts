// The general CSV reader: regular CSV read exactly (any split into pieces), and a broken quote costing its own line only.
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { detectEncoding } from '../../src/io/roster.js';
import { MAX_CELL_LINES, type TextRecord, TextRecords, brokenQuoteIn } from '../../src/io/textCsv.js';

/** Every record of `text`, given in pieces cut at `cuts`. */
function read(text: string, opts: { delimiter?: string; crLines?: boolean; columns?: number; cuts?: number[] } = {}): TextRecord[] {
  const reader = new TextRecords(opts.delimiter ?? ',', opts.crLines ?? false, () => opts.columns);
  const out: TextRecord[] = [];
  let from = 0;
  for (const cut of [...(opts.cuts ?? [])].sort((a, b) => a - b)) {
    out.push(...reader.push(text.slice(from, cut)));
    from = cut;
  }
  out.push(...reader.push(text.slice(from)), ...reader.end());
  return out;
}

const quoted = (cell: string): string => (/[",\r\n]/.test(cell) || cell.startsWith(' ') ? `"${cell.replace(/"/g, '""')}"` : cell);

describe('TextRecords: regular CSV', () => {
  // Cells with commas, quotes, line breaks (LF and CRLF, as Excel writes Alt+Enter) and Chinese, written as Excel writes
  // them; eight columns, so no line inside a cell holds a row's seven commas (that is a quote not closed, below).
  const cell = fc.stringMatching(/^[a-z0-9,"\n 元张三\r]{0,6}$/).map((c) => c.replace(/\r(?!\n)/g, ''));
  const grid = fc.array(fc.array(cell, { minLength: 8, maxLength: 8 }), { minLength: 1, maxLength: 12 });

  it('gives back every cell of any grid as written, whatever pieces the text arrives in, with the lines each record took', () => {
    fc.assert(
      fc.property(grid, fc.constantFrom('\n', '\r\n'), fc.array(fc.nat(), { maxLength: 6 }), (rows, eol, cutAt) => {
        // A record that is one empty cell is a blank line: keep the grid free of those.
        const kept = rows.filter((r) => r.some((c) => c !== ''));
        fc.pre(kept.length > 0);
        const text = kept.map((r) => r.map(quoted).join(',')).join(eol) + eol;
        const recs = read(text, { columns: 8, cuts: cutAt.map((n) => n % (text.length + 1)) });
        expect(recs.map((r) => r.cells)).toEqual(kept);
        expect(recs.every((r) => r.broken === undefined && r.raw === undefined)).toBe(true);
        expect(recs.reduce((n, r) => n + r.lines, 0)).toBe(text.split('\n').length - 1);
        // PapaParse reads the same cells (its last record is the empty line after the final break).
        expect(Papa.parse<string[]>(text, { delimiter: ',', newline: eol as '\n' | '\r\n' }).data.slice(0, -1)).toEqual(kept);
      }),
    );
  });

  it('reads other delimiters, spaces after a closing quote, a quote inside an unquoted cell as text, and a last line without a break', () => {
    expect(read('a;"b;c" ;d\nsay "hi";e;f', { delimiter: ';' }).map((r) => r.cells)).toEqual([
      ['a', 'b;c', 'd'],
      ['say "hi"', 'e', 'f'],
    ]);
  });

  it('ends a line at LF or CRLF alike: a row another tool added to a CRLF file is a row, not the end of the cell above', () => {
    expect(read('a,b\r\nx,y\nc,d\r\n', { columns: 2 }).map((r) => r.cells)).toEqual([
      ['a', 'b'],
      ['x', 'y'],
      ['c', 'd'],
    ]);
  });

  it('ends lines at a bare CR only in a file whose lines end so', () => {
    expect(read('a,b\rc,d\r', { crLines: true }).map((r) => r.cells)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(read('a,b\rc,d\n').map((r) => r.cells)).toEqual([['a', 'b\rc', 'd']]);
  });

  it('keeps the line of a record with more cells than the header, for the rejects', () => {
    expect(read('a,b\n1,500,x\r\n', { columns: 2 })).toEqual([
      { cells: ['a', 'b'], lines: 1 },
      { cells: ['1', '500', 'x'], lines: 1, raw: '1,500,x' },
    ]);
  });
});

describe('TextRecords: broken quotes cost one line', () => {
  const roster = (lines: string[]): string => `${lines.join('\n')}\n`;
  const row = (name: string, n: number): string => `3306811990010100${n},${name},cert_training,2020-06-0${n},L4`;

  it('a quote that closes before its cell ends ("红星"培训学校): that line is rejected whole, the next lines are rows', () => {
    const recs = read(roster([row('"红星"培训学校', 1), row('李四', 2), row('王五', 3)]), { columns: 5 });
    expect(recs).toHaveLength(3);
    expect(recs[0]).toEqual({ cells: [], lines: 1, raw: row('"红星"培训学校', 1), broken: { kind: 'closed_early', cell: 2 } });
    expect(recs.slice(1).map((r) => r.cells[1])).toEqual(['李四', '王五']);
  });

  it('a quote never closed: that line, not the rest of the file, is rejected', () => {
    const recs = read(roster([row('"张三', 1), row('李四', 2), row('王五', 3)]), { columns: 5 });
    expect(recs.map((r) => r.broken?.kind ?? r.cells[1])).toEqual(['not_closed', '李四', '王五']);
    expect(recs[0]!.raw).toBe(row('"张三', 1));
  });

  it('a quote closed rows later (valid CSV, rows lost inside one cell): the first line is rejected, the rows it took in are read', () => {
    // Line 1 opens a quote that line 4's stray quote closes: read as written, lines 2 and 3 would vanish into one name.
    const text = roster([row('"张三', 1), row('李四', 2), row('王五', 3), row('赵六"', 4)]);
    const recs = read(text, { columns: 5 });
    expect(recs.map((r) => r.broken?.kind ?? r.cells[1])).toEqual(['not_closed', '李四', '王五', '赵六"']);
    expect(recs.reduce((n, r) => n + r.lines, 0)).toBe(4);
    // Without the header's width the rows are not recognised: the cell is taken as written (the header is read first).
    expect(read(text)).toHaveLength(1);
  });

  it('a quoted cell over more than MAX_CELL_LINES lines is a quote not closed, whatever the header', () => {
    const long = Array.from({ length: MAX_CELL_LINES + 1 }, (_, i) => `第${i}行`).join('\n');
    const recs = read(`a,"${long}",c\n`);
    expect(recs[0]).toMatchObject({ broken: { kind: 'not_closed', cell: 2 }, raw: 'a,"第0行' });
    expect(recs).toHaveLength(MAX_CELL_LINES + 1);
    // One line fewer is a cell with line breaks, as a note typed with Alt+Enter is.
    const fits = Array.from({ length: MAX_CELL_LINES }, (_, i) => `第${i}行`).join('\n');
    expect(read(`a,"${fits}",c\n`)).toEqual([{ cells: ['a', fits, 'c'], lines: MAX_CELL_LINES }]);
  });

  it('decides alike whatever pieces the text arrives in', () => {
    const text = roster([row('"红星"学校', 1), row('"张三', 2), row('李四', 3), row('王五"', 4), row('"多\n行"', 5), `${row('钱七', 6)},x`]);
    const whole = read(text, { columns: 5 });
    fc.assert(
      fc.property(fc.array(fc.nat({ max: text.length }), { maxLength: 8 }), (cuts) => {
        expect(read(text, { columns: 5, cuts })).toEqual(whole);
      }),
    );
    expect(whole.map((r) => r.broken?.kind ?? r.raw ?? r.cells[1])).toEqual(['closed_early', 'not_closed', '李四', '王五"', '多\n行', `${row('钱七', 6)},x`]);
  });

  it('brokenQuoteIn names the first broken cell of a line read alone', () => {
    const c = ','.charCodeAt(0);
    expect(brokenQuoteIn('a,"b"c,d', c)).toEqual({ kind: 'closed_early', cell: 2 });
    expect(brokenQuoteIn('a,"b""c" ,"d', c)).toEqual({ kind: 'not_closed', cell: 3 });
    expect(brokenQuoteIn('a,"b",c', c)).toBeUndefined();
  });
});

describe('detectEncoding', () => {
  const names = '王芳,李强,张伟,刘洋,陈静,杨帆,赵敏,黄磊,周杰,吴昊,徐丽,孙悦,马超,朱红,胡军,郭靖,何平,林峰,罗娟,高翔';
  const text = Array.from({ length: 30 }, (_, i) => `${i},${names},电工,焊工,育婴员,家政服务员\n`).join('');

  it('GBK and GB18030 text is GB18030; UTF-8 is UTF-8, with or without a BOM', () => {
    expect(detectEncoding(iconv.encode(text, 'gbk'))).toBe('gb18030');
    expect(detectEncoding(iconv.encode(text, 'gb18030'))).toBe('gb18030');
    expect(detectEncoding(Buffer.from(text))).toBe('utf8');
    expect(detectEncoding(Buffer.from(`\uFEFF${text}`))).toBe('utf8');
  });

  it('UTF-8 with a cell pasted from a GBK file is still UTF-8 (read as GB18030, every other character would be garbled)', () => {
    const mixed = Buffer.concat([Buffer.from(text), iconv.encode('李四,焊工\n', 'gbk'), Buffer.from(text)]);
    expect(detectEncoding(mixed)).toBe('utf8');
    // GBK with a UTF-8 cell pasted in stays GBK.
    expect(detectEncoding(Buffer.concat([iconv.encode(text, 'gbk'), Buffer.from('李四\n')]))).toBe('gb18030');
  });
});
