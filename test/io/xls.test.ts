// An Excel 97–2003 workbook (.xls) read as a roster: the workbooks in test/workbooks were saved by LibreOffice and xlwt (scripts/make-xls-fixtures.py).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cfbStreams } from '../../src/io/cfb.js';
import { RosterError } from '../../src/io/roster.js';
import { sheetNotes, sheetToCsv, worksheetsOf } from '../../src/io/workbook.js';
import { type XlsBook, readXlsSheet } from '../../src/io/xls.js';
import { cellsOf } from '../../src/io/sheetLines.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BOOKS = join(ROOT, 'test', 'workbooks');
const dir = mkdtempSync(join(tmpdir(), 'subsidy-xls-'));
let n = 0;

async function read(file: string, sheet?: string): Promise<{ csv: string; found: Awaited<ReturnType<typeof sheetToCsv>> }> {
  const dest = join(dir, `x${++n}.csv`);
  const found = await sheetToCsv(file, 'book.xls', dest, { sheet });
  return { csv: readFileSync(dest, 'utf8'), found };
}

/** The GB 11643 check character of a 17-digit body, as the fixture script makes IDs. */
function residentId(body: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  return body + '10X98765432'[[...body].reduce((a, c, i) => a + Number(c) * weights[i]!, 0) % 11];
}

describe('an .xls sheet read as a roster (saved by LibreOffice)', () => {
  it('text, dates in Chinese and ISO formats, numbers, formula results (text, number, boolean, error), merged cells and a hidden row, each row on its sheet row', async () => {
    const { csv, found } = await read(join(BOOKS, 'features.xls'));
    expect(csv).toBe(
      [
        '诸暨市职业技能培训补贴花名册（测试）,,,,,,,,,,,',
        '序号,身份证号,姓名,补贴项目,取证日期,职业(工种),等级,证书类型,人员类别,培训天数,培训费用,备注',
        '1,330681199001010015,张三,cert_training,2020-05-10,电工,四级,技能等级,two_after;rural,15,,',
        // =CONCATENATE("焊","工") and =1000+1800 as saved; a TRUE typed.
        '2,330681199001010023,李四,cert_training,2020-06-01,焊工,高级工,职业资格,,,2800,TRUE',
        '3,330681199001010031,王五,cert_training,2020-07-01,钳工,技师,技能等级,,,1234.5,#DIV/0!',
        // The programme merged over D5:D6 is read into 赵六's row too.
        '4,33068119900101004X,赵六,cert_training,2020-07-01,钳工,技师,技能等级,,,900,',
        '5,330681199001010058,钱七,cert_training,2020-08-03,茶艺师,五级,技能等级,,,600,隐藏行',
        // An ID typed as a number keeps the 15 digits Excel keeps.
        '6,330681199001010000,孙八,cert_training,2020-08-03,电工,四级,技能等级,,,1000,身份证号输成数字',
        '7,330681199001010074,周九,cert_training,2020-09-09,电工,四级,技能等级,,,2800 (合并单元格 K9:K10),合并的费用',
        '8,330681199001010082,吴十,cert_training,2020-09-09,电工,四级,技能等级,,,2800 (合并单元格 K9:K10),',
        '',
      ].join('\n'),
    );
    expect(found).toMatchObject({ sheet: '花名册', sheets: ['花名册', '隐藏', '长名单', '说明'], rows: 10, errors: { count: 1, first: ['L5'] }, hidden: { count: 1, first: ['7'] } });
    expect(found.merged).toEqual({ filled: { count: 1, first: ['D5:D6 (补贴项目)'] }, numbers: { count: 1, first: ['K9:K10 (培训费用)'] } });
    expect(worksheetsOf(join(BOOKS, 'features.xls'), 'book.xls')).toEqual([
      { name: '花名册', hidden: false },
      { name: '隐藏', hidden: true },
      { name: '长名单', hidden: false },
      { name: '说明', hidden: false },
    ]);
  });

  it('3000 names whose shared strings run over CONTINUE records, one- and two-byte characters across the seams, read back exactly', async () => {
    // The fixture does exercise the seams: its shared strings take the SST record and several CONTINUE records.
    const data = cfbStreams(join(BOOKS, 'features.xls')).get('WORKBOOK')!.data;
    let continues = 0;
    for (let at = 0, inSst = false; at + 4 <= data.length; at += 4 + data.readUInt16LE(at + 2)) {
      const type = data.readUInt16LE(at);
      inSst = type === 0xfc || (inSst && type === 0x3c);
      if (inSst && type === 0x3c) continues++;
    }
    expect(continues).toBeGreaterThan(5);
    const { csv, found } = await read(join(BOOKS, 'features.xls'), '长名单');
    expect(found.rows).toBe(3001);
    const lines = csv.trimEnd().split('\n').slice(1).map(cellsOf);
    expect(lines).toHaveLength(3000);
    lines.forEach((cells, k) => {
      const i = k + 1;
      const month = String((i % 12) + 1).padStart(2, '0');
      expect(cells).toEqual([
        residentId(`3306812000${month}15${String(i % 1000).padStart(3, '0')}`),
        i % 3 === 0 ? `Trainee ${i}` : `学员${i}号`,
        'cert_training',
        `2021-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
        '电工',
        '五级',
        '技能等级',
        String(100 + i),
      ]);
    });
  });

  it('a workbook on the 1904 date system: its dates read as the sheet shows them', async () => {
    const { csv } = await read(join(BOOKS, 'dates-1904.xls'));
    expect(csv.split('\n').slice(1, 3).map((l) => cellsOf(l)[3])).toEqual(['2020-05-10', '2021-12-31']);
  });

  it('a sheet that is not there is refused naming the sheets; the first visible sheet is read when none is asked for', async () => {
    await expect(read(join(BOOKS, 'features.xls'), '汇总')).rejects.toThrow('book.xls: no sheet "汇总" (its sheets: 1 花名册, 2 隐藏, 3 长名单, 4 说明)');
    expect((await read(join(BOOKS, 'features.xls'), '2')).csv).toBe('不应读取\n');
  });
});

describe('an .xls saved by xlwt', () => {
  it('booleans, a hidden row, and formulas saved without a value (xlwt never calculates) read as blank and named', async () => {
    const { csv, found } = await read(join(BOOKS, 'xlwt.xls'));
    expect(csv).toBe(
      [
        '身份证号,姓名,补贴项目,取证日期,职业(工种),等级,证书类型,培训费用,已审核,备注',
        '330681199001010015,张三,cert_training,2020-05-10,电工,四级,技能等级,1500,TRUE,',
        '330681199001010023,李四,cert_training,2020-06-01,焊工,三级,技能等级,2800.5,FALSE,',
        '330681199001010031,王五,cert_training,2020-07-01,钳工,五级,技能等级,600,TRUE,隐藏行',
        '',
      ].join('\n'),
    );
    expect(found.emptyFormulas).toEqual({ count: 1, first: ['J3'] });
    expect(sheetNotes('xlwt.xls', found)).toEqual([
      'xlwt.xls: 1 formula cell(s) saved with an empty value (J3), read as blank; if a program that does not calculate formulas wrote the file (xlwt does), their values were never worked out: open it in Excel or WPS and save it again',
      'xlwt.xls: 1 row(s) the sheet hides read like the others (rows 4): hiding or filtering rows out does not leave them out',
    ]);
  });
});

/** A BIFF record: type, length, body. */
const rec = (type: number, ...parts: (number[] | Buffer)[]): Buffer => {
  const body = Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))));
  const head = Buffer.alloc(4);
  head.writeUInt16LE(type, 0);
  head.writeUInt16LE(body.length, 2);
  return Buffer.concat([head, body]);
};
const u16 = (...v: number[]): Buffer => Buffer.concat(v.map((x) => Buffer.from([x & 0xff, x >> 8])));
const u32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
};
const f64 = (v: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return b;
};
/** An RK value: an integer (×100 when `x100`), or a double's top 30 bits. */
const rkInt = (v: number, x100 = false): Buffer => u32(((v << 2) | 2 | (x100 ? 1 : 0)) >>> 0);
const rkDouble = (v: number): Buffer => u32(f64(v).readUInt32LE(4) & 0xfffffffc);

/** A worksheet part of records as Excel writes them (cell records as [MS-XLS] 2.4 lays them out), read by readXlsSheet. */
function sheetOf(records: Buffer[], dates: boolean[] = [false, false]): ReturnType<typeof readXlsSheet> {
  const data = Buffer.concat([rec(0x0809, u16(0x0600, 0x0010), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), ...records, rec(0x000a)]);
  const book: XlsBook = { data, date1904: false, sheets: [{ name: 'Sheet1', hidden: false, offset: 0 }], shared: ['身份证号', '姓名'], dates };
  return readXlsSheet(book, 0, 'book.xls');
}

describe('BIFF8 cell records Excel writes that LibreOffice and xlwt do not', () => {
  it('MULRK (a run of numbers in one record: integers, hundredths, doubles; a date by its cell format), BOOLERR, LABEL', () => {
    const sheet = sheetOf(
      [
        rec(0x00fd, u16(0, 0, 0), u32(0)), // LABELSST 身份证号
        rec(0x00fd, u16(0, 1, 0), u32(1)),
        // MULRK row 2, columns A..D: 1500, 12.34 (1234 ÷ 100), 0.5 (a double), 43961 in a date format (2020-05-10).
        rec(0x00bd, u16(1, 0), u16(0), rkInt(1500), u16(0), rkInt(1234, true), u16(0), rkDouble(0.5), u16(1), rkInt(43961), u16(3)),
        rec(0x0205, u16(1, 4, 0), [1, 0]), // TRUE
        rec(0x0205, u16(1, 5, 0), [0x2a, 1]), // #N/A
        rec(0x0204, u16(2, 1, 0), u16(2), [0], Buffer.from('ab', 'latin1')), // LABEL, one-byte characters
        rec(0x027e, u16(2, 2, 0), rkInt(-7)), // RK, a negative integer
      ],
      [false, true],
    );
    expect(sheet.rows).toEqual([
      { row: 1, cells: ['身份证号', '姓名'], hidden: false },
      { row: 2, cells: ['1500', '12.34', '0.5', '2020-05-10', 'TRUE', '#N/A'], hidden: false },
      { row: 3, cells: ['', 'ab', '-7'], hidden: false },
    ]);
    expect(sheet.errors).toEqual(['F2']);
  });

  it("a formula's text result in the STRING record after it, continued in a CONTINUE record that switches to two-byte characters; a chart part inside the sheet is skipped", () => {
    const sheet = sheetOf([
      rec(0x0006, u16(0, 0, 0), [0, 0, 0, 0, 0, 0, 0xff, 0xff], u16(0), u32(0), [0, 0]),
      // STRING: 4 characters, "ab" one byte each, then 电工 two bytes each after the seam's flags byte.
      rec(0x0207, u16(4), [0], Buffer.from('ab', 'latin1')),
      rec(0x003c, [1], Buffer.from('电工', 'utf16le')),
      rec(0x0809, u16(0x0600, 0x0020), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), // a chart's part
      rec(0x0203, u16(5, 5, 0), f64(99)),
      rec(0x000a),
      rec(0x00e5, u16(1), u16(1, 3, 0, 1)), // MERGEDCELLS A2:B4
    ]);
    expect(sheet.rows).toEqual([{ row: 1, cells: ['ab电工'], hidden: false }]);
    expect(sheet.merges).toEqual(['A2:B4']);
  });
});

describe('an .xls that cannot be read is refused saying why, never half read', () => {
  const roster = readFileSync(join(ROOT, 'fixtures', 'zhuji', 'roster.xls'));
  const write = (bytes: Buffer): string => {
    const file = join(dir, `bad${++n}.xls`);
    writeFileSync(file, bytes);
    return file;
  };
  /** `bytes` with the UTF-16 directory name `from` renamed `to` (its length field set too). */
  const renamed = (bytes: Buffer, from: string, to: string): Buffer => {
    const out = Buffer.from(bytes);
    const at = out.indexOf(Buffer.from(`${from}\0`, 'utf16le'));
    expect(at).toBeGreaterThan(0);
    out.fill(0, at, at + 64);
    out.write(`${to}\0`, at, 'utf16le');
    out.writeUInt16LE((to.length + 1) * 2, at + 0x40);
    return out;
  };

  it('cut short anywhere: a RosterError naming the file (the damage, or the rows it no longer has), or read', async () => {
    for (let cut = 0; cut < roster.length; cut += 97) {
      const file = write(roster.subarray(0, cut));
      try {
        await sheetToCsv(file, 'cut.xls', join(dir, `cut${cut}.csv`));
      } catch (e) {
        expect(e, `cut at ${cut}`).toBeInstanceOf(RosterError);
        expect((e as Error).message).toMatch(/^cut\.xls: /);
      }
    }
  });

  it('bytes changed anywhere (a seeded 600 files with 1–4 bytes each changed): read, or a RosterError naming the file, never another error', async () => {
    let seed = 7;
    const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const refused = { roster: 0, other: [] as string[] };
    for (let t = 0; t < 600; t++) {
      const bytes = Buffer.from(roster);
      for (let k = 1 + Math.floor(random() * 4); k > 0; k--) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      try {
        await sheetToCsv(write(bytes), 'changed.xls', join(dir, 'changed.csv'));
      } catch (e) {
        if (e instanceof RosterError && e.message.startsWith('changed.xls: ')) refused.roster++;
        else refused.other.push(String(e));
      }
    }
    expect(refused.other).toEqual([]);
    expect(refused.roster).toBeGreaterThan(0);
  });

  it('a password-protected .xlsx (an encrypted package in a compound file), a password-protected .xls, an Excel 95 workbook and a compound file that holds no workbook', async () => {
    await expect(sheetToCsv(write(renamed(roster, 'Workbook', 'EncryptedPackage')), 'p.xlsx', join(dir, 'p.csv'))).rejects.toThrow(/^p\.xlsx: a password-protected workbook, which is not read/);
    // FILEPASS in place of the record after the workbook's BOF.
    const data = cfbStreams(join(ROOT, 'fixtures', 'zhuji', 'roster.xls')).get('WORKBOOK')!.data;
    const second = 4 + data.readUInt16LE(2);
    const at = roster.indexOf(data.subarray(0, second + 4));
    const filepass = Buffer.from(roster);
    filepass.writeUInt16LE(0x002f, at + second);
    await expect(sheetToCsv(write(filepass), 'p.xls', join(dir, 'p.csv'))).rejects.toThrow(/^p\.xls: a password-protected workbook, which is not read/);
    const biff5 = Buffer.from(roster);
    biff5.writeUInt16LE(0x0500, at + 4);
    await expect(sheetToCsv(write(biff5), 'old.xls', join(dir, 'o.csv'))).rejects.toThrow('old.xls: an Excel 5.0/95 or older workbook, which is not read: open it and save it as .xlsx (Excel 工作簿) or as CSV');
    await expect(sheetToCsv(write(renamed(roster, 'Workbook', 'WordDocument')), 'doc.xls', join(dir, 'd.csv'))).rejects.toThrow(/^doc\.xls: a compound \(OLE2\) file but not an Excel workbook \(its streams: .*WordDocument/);
  });
});
