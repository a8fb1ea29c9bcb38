// An Excel 97–2003 workbook (.xls, BIFF8 records in a compound file; WPS .et saved the same way): its sheets and one sheet's cells as text.
import { CfbError, cfbStreams } from './cfb.js';
import { RosterError, columnLetter, noWorksheet } from './roster.js';
import { BUILT_IN_DATES, isDateFormat, numberText, serialDate } from './cellValues.js';

/** Record types read ([MS-XLS] 2.3). */
const R = {
  BOF: 0x0809,
  EOF: 0x000a,
  FILEPASS: 0x002f,
  DATEMODE: 0x0022,
  FORMAT: 0x041e,
  XF: 0x00e0,
  BOUNDSHEET: 0x0085,
  SST: 0x00fc,
  CONTINUE: 0x003c,
  ROW: 0x0208,
  LABELSST: 0x00fd,
  LABEL: 0x0204,
  RSTRING: 0x00d6,
  NUMBER: 0x0203,
  RK: 0x027e,
  MULRK: 0x00bd,
  BOOLERR: 0x0205,
  FORMULA: 0x0006,
  STRING: 0x0207,
  MERGEDCELLS: 0x00e5,
} as const;

/** BOF document types: the workbook's globals, a worksheet. */
const GLOBALS = 0x0005;
const WORKSHEET = 0x0010;
const BIFF8 = 0x0600;

/** Error values of a cell or a formula's result, by code. */
const ERRORS = new Map([
  [0x00, '#NULL!'],
  [0x07, '#DIV/0!'],
  [0x0f, '#VALUE!'],
  [0x17, '#REF!'],
  [0x1d, '#NAME?'],
  [0x24, '#NUM!'],
  [0x2a, '#N/A'],
  [0x2b, '#GETTING_DATA'],
]);

/** A workbook's global part: its sheets, shared strings, and which cell formats show a date. */
export interface XlsBook {
  data: Buffer;
  date1904: boolean;
  sheets: { name: string; hidden: boolean; offset: number }[];
  shared: string[];
  /** By cell format (XF) index: true when its number format shows a date. */
  dates: boolean[];
}

/** A record's place in the stream: its type, and its body [start, end). */
interface Rec {
  type: number;
  start: number;
  end: number;
}

function* records(data: Buffer, from: number, label: string): Generator<Rec> {
  for (let at = from; at + 4 <= data.length; ) {
    const type = data.readUInt16LE(at);
    const length = data.readUInt16LE(at + 2);
    const start = at + 4;
    if (start + length > data.length) throw new RosterError(`${label}: an Excel 97–2003 workbook (.xls) that cannot be read: a record at byte ${at} runs past the end of the workbook stream (the file is damaged)`, `${label}: 无法读取的 Excel 97–2003 工作簿 (.xls): 第 ${at} 字节处的记录超出了工作簿数据流的末尾 (文件已损坏)`);
    yield { type, start, end: start + length };
    at = start + length;
  }
}

/**
 * Bytes of a record and the CONTINUE records after it, read across their seams. Text that runs over a seam starts
 * again with a byte of its own saying whether its characters take one byte or two ([MS-XLS] 2.5.293).
 */
class Pieces {
  private k = 0;
  private at: number;
  constructor(
    private readonly data: Buffer,
    private readonly pieces: Rec[],
  ) {
    this.at = pieces[0]!.start;
  }

  private room(): number {
    while (this.at >= this.pieces[this.k]!.end) {
      if (this.k + 1 >= this.pieces.length) throw new RangeError('past the last CONTINUE');
      this.at = this.pieces[++this.k]!.start;
      if (this.at < this.pieces[this.k]!.end) return this.pieces[this.k]!.end - this.at;
    }
    return this.pieces[this.k]!.end - this.at;
  }

  /** At a seam, before text: true when the next byte is the seam's own flags byte (read then). */
  private atSeam(): boolean {
    if (this.at < this.pieces[this.k]!.end) return false;
    this.room();
    return true;
  }

  u8(): number {
    this.room();
    return this.data[this.at++]!;
  }

  u16(): number {
    return this.u8() | (this.u8() << 8);
  }

  u32(): number {
    return (this.u16() | (this.u16() << 16)) >>> 0;
  }

  skip(n: number): void {
    for (let left = n; left > 0; ) {
      const step = Math.min(left, this.room());
      this.at += step;
      left -= step;
    }
  }

  /** `count` characters, two bytes each when `wide` (UTF-16LE), else one (the low bytes of UTF-16). */
  chars(count: number, wide: boolean): string {
    let text = '';
    let w = wide;
    for (let left = count; left > 0; ) {
      if (this.atSeam()) w = (this.u8() & 1) === 1;
      const fit = Math.min(left, Math.floor(this.room() / (w ? 2 : 1)));
      if (fit === 0) throw new RangeError('a character split by a seam');
      const end = this.at + fit * (w ? 2 : 1);
      text += this.data.toString(w ? 'utf16le' : 'latin1', this.at, end);
      this.at = end;
      left -= fit;
    }
    return text;
  }

  /** A string with a 16-bit length, flags, optional rich runs and phonetic part (XLUnicodeRichExtendedString). */
  richString(): string {
    const count = this.u16();
    const flags = this.u8();
    const runs = flags & 0x08 ? this.u16() : 0;
    const ext = flags & 0x04 ? this.u32() : 0;
    const text = this.chars(count, (flags & 1) === 1);
    this.skip(runs * 4 + ext);
    return text;
  }
}

/** An .xls file broken inside: the Chinese framing, the detail as it is (it is for whoever repairs the file). */
const damagedXls = (label: string, what: string): RosterError =>
  new RosterError(`${label}: an Excel 97–2003 workbook (.xls) that cannot be read: ${what} (the file is damaged)`, `${label}: 无法读取的 Excel 97–2003 工作簿 (.xls): ${what} (文件已损坏)`);

/** The text of a string at `at` (before `end`): its length in `lengthBytes` bytes, a flags byte, then its characters (XLUnicodeString, ShortXLUnicodeString). */
function unicodeString(data: Buffer, at: number, end: number, lengthBytes: 1 | 2): string {
  const count = lengthBytes === 1 ? data[at]! : data.readUInt16LE(at);
  const flags = data[at + lengthBytes]!;
  let p = at + lengthBytes + 1;
  if (flags & 0x08) p += 2; // rich runs (their formatting is not read)
  if (flags & 0x04) p += 4;
  const bytes = Math.min(count * (flags & 1 ? 2 : 1), end - p);
  return data.toString(flags & 1 ? 'utf16le' : 'latin1', p, p + bytes);
}

/** A record and the CONTINUE records right after it. */
function withContinues(data: Buffer, first: Rec, label: string): Rec[] {
  const out = [first];
  for (const r of records(data, first.end, label)) {
    if (r.type !== R.CONTINUE) break;
    out.push(r);
  }
  return out;
}

/** The workbook stream of the compound file `path`, refused saying what the file is when it holds none that is read. */
function workbookStream(path: string, label: string): Buffer {
  let streams;
  try {
    streams = cfbStreams(path);
  } catch (e) {
    if (e instanceof CfbError) throw new RosterError(`${label}: an Excel 97–2003 workbook (.xls) that cannot be read: ${e.message}`, `${label}: 无法读取的 Excel 97–2003 工作簿 (.xls): ${e.zh}`);
    throw e;
  }
  if (streams.has('ENCRYPTEDPACKAGE') || streams.has('ENCRYPTIONINFO')) {
    throw new RosterError(
      `${label}: a password-protected workbook, which is not read: open it, remove the password (文件 → 信息 → 保护工作簿 → 用密码进行加密, empty it) and save it again, or save the sheet as CSV`,
      `${label}: 设了密码的工作簿, 不读取: 请打开它, 去掉密码 (文件 → 信息 → 保护工作簿 → 用密码进行加密, 清空) 后重新保存, 或把工作表另存为 CSV`,
    );
  }
  const book = streams.get('WORKBOOK') ?? streams.get('BOOK');
  if (!book) {
    const names = [...streams.values()].map((s) => s.name).join(', ');
    throw new RosterError(
      `${label}: a compound (OLE2) file but not an Excel workbook (its streams: ${names || 'none'}): save the sheet as .xlsx or as CSV`,
      `${label}: 是复合文档 (OLE2), 但不是 Excel 工作簿 (其数据流: ${names || '无'}): 请把工作表另存为 .xlsx 或 CSV`,
    );
  }
  return book.data;
}

/**
 * `read`, with a read past a record's end (Buffer's RangeError: a length field of a damaged file) refused as damage:
 * the records' lengths are checked where they are read, and this catches the rest.
 */
function guarded<T>(label: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof RangeError) throw new RosterError(`${label}: an Excel 97–2003 workbook (.xls) that cannot be read: a record ends before its contents do (the file is damaged)`, `${label}: 无法读取的 Excel 97–2003 工作簿 (.xls): 有记录在其内容结束前就结束了 (文件已损坏)`);
    throw e;
  }
}

/** The workbook `path` (.xls) opened: its global part read, its sheets listed. */
export function openXls(path: string, label: string): XlsBook {
  return guarded(label, () => readGlobals(workbookStream(path, label), label));
}

function readGlobals(data: Buffer, label: string): XlsBook {
  const damaged = (what: string): RosterError => damagedXls(label, what);
  let date1904 = false;
  const sheets: XlsBook['sheets'] = [];
  let shared: string[] = [];
  const formats = new Map<number, string>();
  const xfFormats: number[] = [];
  let first = true;
  for (const r of records(data, 0, label)) {
    if (first) {
      first = false;
      const version = r.end - r.start >= 4 ? data.readUInt16LE(r.start) : 0;
      // BIFF5 (Excel 5.0/95) has this BOF with version 0x0500; BIFF2–4 (Excel 2.x–4.0) have BOFs of their own.
      const older = (r.type === R.BOF && version === 0x0500) || r.type === 0x0009 || r.type === 0x0209 || r.type === 0x0409;
      if (older) throw new RosterError(`${label}: an Excel 5.0/95 or older workbook, which is not read: open it and save it as .xlsx (Excel 工作簿) or as CSV`, `${label}: Excel 5.0/95 或更早的工作簿, 不读取: 请打开并另存为 .xlsx (Excel 工作簿) 或 CSV`);
      if (r.type !== R.BOF || version !== BIFF8) throw damaged("it does not begin with an Excel 97–2003 workbook's first record");
      if (data.readUInt16LE(r.start + 2) !== GLOBALS) throw damaged('it does not begin with the workbook part');
      continue;
    }
    if (r.type === R.EOF) break;
    const body = (n: number): void => {
      if (r.end - r.start < n) throw damaged(`a record of type 0x${r.type.toString(16)} is too short`);
    };
    switch (r.type) {
      case R.FILEPASS:
        throw new RosterError(`${label}: a password-protected workbook, which is not read: open it, remove the password and save it again as .xlsx, or save the sheet as CSV`, `${label}: 设了密码的工作簿, 不读取: 请打开它, 去掉密码后另存为 .xlsx, 或把工作表另存为 CSV`);
      case R.DATEMODE:
        body(2);
        date1904 = data.readUInt16LE(r.start) === 1;
        break;
      case R.FORMAT:
        body(5);
        formats.set(data.readUInt16LE(r.start), unicodeString(data, r.start + 2, r.end, 2));
        break;
      case R.XF:
        body(4);
        xfFormats.push(data.readUInt16LE(r.start + 2));
        break;
      case R.BOUNDSHEET: {
        body(8);
        // The sheet's kind: 0 a worksheet (a macro sheet, a chart or a module holds no rows).
        if (data[r.start + 5] !== 0) break;
        const state = data[r.start + 4]! & 0x03;
        sheets.push({ name: unicodeString(data, r.start + 6, r.end, 1), hidden: state !== 0, offset: data.readUInt32LE(r.start) });
        break;
      }
      case R.SST: {
        body(8);
        const count = data.readUInt32LE(r.start + 4);
        const pieces = withContinues(data, { ...r, start: r.start + 8 }, label);
        const reader = new Pieces(data, pieces);
        shared = [];
        try {
          for (let i = 0; i < count; i++) shared.push(reader.richString());
        } catch (e) {
          if (e instanceof RangeError) throw damaged(`its shared strings end after ${shared.length} of ${count}`);
          throw e;
        }
        break;
      }
    }
  }
  if (!sheets.length) throw noWorksheet(label);
  const dates = xfFormats.map((f) => (formats.has(f) ? isDateFormat(formats.get(f)!) : BUILT_IN_DATES.has(f)));
  return { data, date1904, sheets, shared, dates };
}

/** One sheet's rows that hold something, in order, each cell's text at its column; its merged ranges (C3:C11). */
export interface XlsSheet {
  rows: { row: number; cells: string[]; hidden: boolean }[];
  merges: string[];
  /** Cells holding an error value (#N/A …), a formula's or typed. */
  errors: string[];
  /**
   * Formula cells saved with an empty text value: an Excel formula that gives "", or, from a program that writes
   * formulas without calculating them (xlwt saves every formula so), a value never worked out. Read as blank.
   */
  emptyFormulas: string[];
}

/** The cells of sheet `index` of `book` as text: numbers to 15 significant digits, dates (by their cell format) as ISO dates. */
export function readXlsSheet(book: XlsBook, index: number, label: string): XlsSheet {
  return guarded(label, () => readSheet(book, index, label));
}

function readSheet(book: XlsBook, index: number, label: string): XlsSheet {
  const { data } = book;
  const sheet = book.sheets[index]!;
  const damaged = (what: string): RosterError => damagedXls(label, what);
  const byRow = new Map<number, string[]>();
  const hiddenRows = new Set<number>();
  const merges: string[] = [];
  const errors: string[] = [];
  const emptyFormulas: string[] = [];
  const put = (row: number, col: number, text: string): void => {
    if (text === '') return;
    let cells = byRow.get(row);
    if (!cells) byRow.set(row, (cells = []));
    while (cells.length < col) cells.push('');
    cells[col] = text;
  };
  const number = (v: number, xf: number): string => {
    if (book.dates[xf]) {
      const iso = serialDate(v, book.date1904);
      if (iso) return iso;
    }
    return numberText(String(v));
  };
  const error = (row: number, col: number, code: number): string => {
    errors.push(`${columnLetter(col + 1)}${row + 1}`);
    return ERRORS.get(code) ?? `#ERROR(${code})`;
  };
  /** A formula whose result is text: the STRING record after it holds the text. */
  let pendingString: { row: number; col: number } | undefined;
  let depth = 0;
  let started = false;
  for (const r of records(data, sheet.offset, label)) {
    if (!started) {
      if (r.type !== R.BOF || data.readUInt16LE(r.start + 2) !== WORKSHEET) throw damaged(`sheet "${sheet.name}" does not begin where the workbook says`);
      started = true;
      depth = 1;
      continue;
    }
    // A chart drawn on the sheet is a part of its own inside the sheet's: its records are not the sheet's cells.
    if (r.type === R.BOF) depth++;
    else if (r.type === R.EOF) {
      if (--depth === 0) break;
    }
    if (depth !== 1) continue;
    const size = r.end - r.start;
    const row = size >= 2 ? data.readUInt16LE(r.start) : 0;
    const col = size >= 4 ? data.readUInt16LE(r.start + 2) : 0;
    const xf = size >= 6 ? data.readUInt16LE(r.start + 4) : 0;
    switch (r.type) {
      case R.ROW:
        // fDyZero: the row is hidden (by hand, or by a filter).
        if (size >= 14 && data.readUInt16LE(r.start + 12) & 0x20) hiddenRows.add(row);
        break;
      case R.LABELSST: {
        if (size < 10) throw damaged('a cell record is too short');
        const i = data.readUInt32LE(r.start + 6);
        const s = book.shared[i];
        if (s === undefined) throw damaged(`cell ${columnLetter(col + 1)}${row + 1} refers to shared string ${i}, which the workbook does not have`);
        put(row, col, s);
        break;
      }
      case R.LABEL:
      case R.RSTRING:
        put(row, col, unicodeString(data, r.start + 6, r.end, 2));
        break;
      case R.NUMBER:
        if (size < 14) throw damaged('a cell record is too short');
        put(row, col, number(data.readDoubleLE(r.start + 6), xf));
        break;
      case R.RK:
        if (size < 10) throw damaged('a cell record is too short');
        put(row, col, number(rkValue(data.readUInt32LE(r.start + 6)), xf));
        break;
      case R.MULRK: {
        // Columns colFirst.. each with its cell format and value; the last column closes the record.
        for (let at = r.start + 4, c = col; at + 6 <= r.end - 2; at += 6, c++) put(row, c, number(rkValue(data.readUInt32LE(at + 2)), data.readUInt16LE(at)));
        break;
      }
      case R.BOOLERR:
        if (size < 8) throw damaged('a cell record is too short');
        put(row, col, data[r.start + 7] ? error(row, col, data[r.start + 6]!) : data[r.start + 6] ? 'TRUE' : 'FALSE');
        break;
      case R.FORMULA: {
        if (size < 14) throw damaged('a cell record is too short');
        // Its saved result: a number, or (its last two bytes 0xFFFF) text that follows, a boolean, an error or nothing.
        if (data.readUInt16LE(r.start + 12) !== 0xffff) put(row, col, number(data.readDoubleLE(r.start + 6), xf));
        else {
          const kind = data[r.start + 6];
          const value = data[r.start + 8]!;
          if (kind === 0) pendingString = { row, col };
          else if (kind === 1) put(row, col, value ? 'TRUE' : 'FALSE');
          else if (kind === 2) put(row, col, error(row, col, value));
          else if (kind === 3) emptyFormulas.push(`${columnLetter(col + 1)}${row + 1}`);
        }
        break;
      }
      case R.STRING:
        if (pendingString) {
          const reader = new Pieces(data, withContinues(data, r, label));
          try {
            const count = reader.u16();
            const flags = reader.u8();
            put(pendingString.row, pendingString.col, reader.chars(count, (flags & 1) === 1));
          } catch (e) {
            if (e instanceof RangeError) throw damaged(`a formula's text at ${columnLetter(pendingString.col + 1)}${pendingString.row + 1} is cut short`);
            throw e;
          }
          pendingString = undefined;
        }
        break;
      case R.MERGEDCELLS:
        for (let at = r.start + 2; at + 8 <= r.end; at += 8) {
          const [r1, r2, c1, c2] = [data.readUInt16LE(at), data.readUInt16LE(at + 2), data.readUInt16LE(at + 4), data.readUInt16LE(at + 6)];
          merges.push(`${columnLetter(c1 + 1)}${r1 + 1}:${columnLetter(c2 + 1)}${r2 + 1}`);
        }
        break;
    }
  }
  if (!started) throw damaged(`sheet "${sheet.name}" is not where the workbook says`);
  const rows = [...byRow.keys()].sort((a, b) => a - b).map((r) => ({ row: r + 1, cells: byRow.get(r)!, hidden: hiddenRows.has(r) }));
  return { rows, merges, errors, emptyFormulas };
}

/** An RK number: 30 bits of an integer or of a double's top, maybe divided by 100 ([MS-XLS] 2.5.217). */
function rkValue(rk: number): number {
  let v: number;
  if (rk & 0x02) v = rk >> 2;
  else {
    rkBytes.writeUInt32LE(0, 0);
    rkBytes.writeUInt32LE((rk & 0xfffffffc) >>> 0, 4);
    v = rkBytes.readDoubleLE(0);
  }
  return rk & 0x01 ? v / 100 : v;
}
const rkBytes = Buffer.alloc(8);
