// An Excel or WPS workbook (.xlsx, .xlsm) read as a roster: one sheet written out as a UTF-8 CSV, each row on its sheet row's line.
import { closeSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { posix } from 'node:path';
import { type ZipEntry, ZipError, readEntry, streamEntry, zipEntries } from './zip.js';
import { attr, elementStream, elements, findElement, prefixOf, textOf, unescapeXml } from './xmlScan.js';
import { LineFile, columnOf, csvCell, padded } from './sheetLines.js';
import { type MergesRead, applyMerges, mergeNotes, mergesBelowHeader } from './sheetMerges.js';
import { type NoteLang, RosterError } from './roster.js';

/** What reading a sheet found, for the run to say. */
export interface SheetRead {
  /** The sheet read, and every worksheet of the workbook in order (hidden ones too). */
  sheet: string;
  sheets: string[];
  /** Sheet rows written (the last row number with anything in it). */
  rows: number;
  /** Formula cells saved without a value (a workbook written by a program that does not calculate): read as their formula. */
  unsavedFormulas: CellList;
  /** Cells holding a formula's error (#N/A, #VALUE! …). */
  errors: CellList;
  /** Merged cells below the header, read into their rows or refused (sheetMerges.ts). */
  merged: MergesRead;
  /** Rows the sheet hides (a filter, or hidden by hand) that hold something: read like the others, as a CSV saved from the sheet has them. */
  hidden: CellList;
}

/** Cells by reference (B5): how many, and the first few. */
export interface CellList {
  count: number;
  first: string[];
}

const FIRST_SHOWN = 5;
/** Rows held before the first is written: the header is among the first ten (HeaderFinder). */
const HEAD_ROWS = 10;

const ZIP = [0x50, 0x4b, 0x03, 0x04];

/** True when `first` (a file's first bytes) begins as a zip file does: a workbook, or some other zip. */
export const looksLikeZip = (first: Uint8Array): boolean => ZIP.every((b, i) => first[i] === b);

/** True when the file `path` begins as a zip file does (false when it cannot be read: its reader says why). */
export function isZipFile(path: string): boolean {
  try {
    const fd = openSync(path, 'r');
    try {
      const first = Buffer.alloc(ZIP.length);
      return looksLikeZip(first.subarray(0, readSync(fd, first, 0, first.length, 0)));
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

interface Relationship {
  type: string;
  target: string;
}

/** A part's relationships (`_rels/<name>.rels` beside it), by id, targets resolved against the part's folder. */
function relationships(path: string, entries: Map<string, ZipEntry>, part: string): Map<string, Relationship> {
  const folder = posix.dirname(part);
  const rels = entries.get(posix.join(folder, '_rels', `${posix.basename(part)}.rels`));
  const out = new Map<string, Relationship>();
  if (!rels) return out;
  const xml = readEntry(path, rels).toString('utf8');
  for (const r of elements(xml, `${prefixOf(xml, 'Relationships') ?? ''}Relationship`)) {
    const id = attr(r.attrs, 'Id');
    const target = attr(r.attrs, 'Target');
    if (!id || !target || attr(r.attrs, 'TargetMode') === 'External') continue;
    out.set(id, { type: attr(r.attrs, 'Type') ?? '', target: target.startsWith('/') ? target.slice(1) : posix.normalize(posix.join(folder, target)) });
  }
  return out;
}

const byType = (rels: Map<string, Relationship>, type: string): Relationship | undefined => [...rels.values()].find((r) => r.type.endsWith(`/${type}`));

/** Which of a workbook's cell formats (by their `s` index) show a date. */
function dateStyles(path: string, entries: Map<string, ZipEntry>, part: string | undefined): boolean[] {
  const entry = part ? entries.get(part) : undefined;
  if (!entry) return [];
  const xml = readEntry(path, entry).toString('utf8');
  const p = prefixOf(xml, 'styleSheet') ?? '';
  const custom = new Map<number, string>();
  for (const numFmts of elements(xml, `${p}numFmts`)) {
    for (const f of elements(numFmts.content, `${p}numFmt`)) custom.set(Number(attr(f.attrs, 'numFmtId')), attr(f.attrs, 'formatCode') ?? '');
  }
  const out: boolean[] = [];
  for (const xfs of elements(xml, `${p}cellXfs`)) {
    for (const xf of elements(xfs.content, `${p}xf`)) {
      const id = Number(attr(xf.attrs, 'numFmtId') ?? 0);
      out.push(custom.has(id) ? isDateFormat(custom.get(id)!) : BUILT_IN_DATES.has(id));
    }
  }
  return out;
}

/**
 * Built-in number formats that show a date: 14–17 and 22 (m/d/yyyy …), and those a Chinese Excel shows as
 * yyyy"年"m"月"d"日" and the like (27–31, 36, 50–54, 57, 58). 18–21, 32–35, 45–47, 55 and 56 show a time only.
 */
const BUILT_IN_DATES = new Set([14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 57, 58]);

/** A format code shows a date when, its quoted text, escaped characters and [brackets] aside, it has a day or a year. */
export function isDateFormat(code: string): boolean {
  const bare = code.replace(/"[^"]*"/g, '').replace(/\\./g, '').replace(/\[[^\]]*\]/g, '').replace(/[_*]./g, '');
  return /[dy]/i.test(bare);
}

/** An Excel date serial as an ISO date (its time of day dropped): the 1900 system counts 1900-02-29, which never was. */
export function serialDate(serial: number, date1904: boolean): string | undefined {
  const days = Math.floor(serial);
  if (days < 1 || (!date1904 && days === 60)) return undefined;
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, days < 60 ? 31 : 30);
  return new Date(epoch + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A number as the workbook saved it (the shortest text that reads back as the double), shown to 15 significant
 * digits as Excel shows it: 1234.5600000000001 is 1234.56, and an ID typed into a number column, 3.3068119900101101E+17,
 * is 330681199001011000 (its last digits lost when it was typed: the roster rejects it saying so).
 */
export function numberText(v: string): string {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) return v.trim();
  return String(Number(n.toPrecision(15)));
}

export interface SheetToCsvOptions {
  /** The sheet to read: its name, or its number (1 is the first); the first visible sheet when not given. */
  sheet?: string;
  /** Told the rows written and the bytes of sheet XML read so far, and their total (for a progress bar). */
  onProgress?: (rows: number, read: number, total: number) => void;
}

/**
 * Write one sheet of the workbook `path` to `dest` as UTF-8 CSV: sheet row N on line N (blank lines for rows the
 * sheet skips), cells as they show but for numbers (15 significant digits, no thousands separators) and dates
 * (ISO, from a cell formatted as a date); text as saved; a formula's saved value. `label` names the file in errors.
 */
export async function sheetToCsv(path: string, label: string, dest: string, o: SheetToCsvOptions = {}): Promise<SheetRead> {
  const entries = entriesOf(path, label);
  try {
    return await writeSheet(path, label, dest, entries, o);
  } catch (e) {
    if (e instanceof ZipError) throw new RosterError(`${label}: a workbook that cannot be read: ${e.message}`);
    throw e;
  }
}

/** A workbook's worksheets in order (chart sheets left out), with what reading one needs. */
interface Book {
  entries: Map<string, ZipEntry>;
  rels: Map<string, Relationship>;
  date1904: boolean;
  sheets: { name: string; part: string; hidden: boolean }[];
}

/** The worksheets of the workbook `path` in order, each with whether the workbook hides it. */
export function worksheetsOf(path: string, label: string): { name: string; hidden: boolean }[] {
  const entries = entriesOf(path, label);
  try {
    return openBook(path, label, entries).sheets.map(({ name, hidden }) => ({ name, hidden }));
  } catch (e) {
    if (e instanceof ZipError) throw new RosterError(`${label}: a workbook that cannot be read: ${e.message}`);
    throw e;
  }
}

/** The zip entries of `path`, a file that is no zip file refused naming it. */
function entriesOf(path: string, label: string): Map<string, ZipEntry> {
  try {
    return zipEntries(path);
  } catch (e) {
    if (e instanceof ZipError) throw new RosterError(`${label}: a zip file that cannot be read: ${e.message}`);
    throw e;
  }
}

function openBook(path: string, label: string, entries: Map<string, ZipEntry>): Book {
  const rootRels = relationships(path, entries, '');
  const book = byType(rootRels, 'officeDocument')?.target ?? 'xl/workbook.xml';
  const bookEntry = entries.get(book);
  if (!bookEntry) {
    if (entries.has('xl/workbook.bin')) throw new RosterError(`${label}: a binary workbook (.xlsb), which is not read: save it as .xlsx (Excel 工作簿) or as CSV`);
    if (entries.has('content.xml') && entries.has('mimetype')) throw new RosterError(`${label}: an OpenDocument spreadsheet (.ods), which is not read: save it as .xlsx or as CSV`);
    throw new RosterError(`${label}: a zip file but not an Excel workbook (no ${book} in it)`);
  }
  const bookXml = readEntry(path, bookEntry).toString('utf8');
  const bp = prefixOf(bookXml, 'workbook') ?? '';
  const pr = [...elements(bookXml, `${bp}workbookPr`)][0];
  const date1904 = pr ? /^(1|true)$/.test(attr(pr.attrs, 'date1904') ?? '') : false;
  const rels = relationships(path, entries, book);
  const sheets: { name: string; part: string; hidden: boolean }[] = [];
  for (const s of elements(bookXml, `${bp}sheet`)) {
    // The relationship id is r:id under whatever prefix the document gives its namespace.
    const id = /(?:^|\s)[\w.-]+:id\s*=\s*"([^"]*)"/.exec(s.attrs)?.[1];
    const rel = id ? rels.get(unescapeXml(id)) : undefined;
    if (!rel || !rel.type.endsWith('/worksheet')) continue; // a chart sheet or a dialog sheet holds no rows
    sheets.push({ name: attr(s.attrs, 'name') ?? '', part: rel.target, hidden: (attr(s.attrs, 'state') ?? 'visible') !== 'visible' });
  }
  if (!sheets.length) throw new RosterError(`${label}: the workbook has no worksheet`);
  return { entries, rels, date1904, sheets };
}

async function writeSheet(path: string, label: string, dest: string, entries: Map<string, ZipEntry>, o: SheetToCsvOptions): Promise<SheetRead> {
  const { rels, date1904, sheets } = openBook(path, label, entries);
  const names = sheets.map((s) => s.name);
  let chosen = sheets.find((s) => !s.hidden) ?? sheets[0]!;
  if (o.sheet !== undefined) {
    const want = o.sheet.trim();
    const found = sheets.find((s) => s.name === want) ?? sheets.find((s) => s.name.trim().toLowerCase() === want.toLowerCase()) ?? (/^[1-9]\d*$/.test(want) ? sheets[Number(want) - 1] : undefined);
    if (!found) throw new RosterError(`${label}: no sheet "${want}" (its sheets: ${names.map((n, i) => `${i + 1} ${n}`).join(', ')})`);
    chosen = found;
  }
  const sheetEntry = entries.get(chosen.part);
  if (!sheetEntry) throw new RosterError(`${label}: its sheet "${chosen.name}" is missing from the file (${chosen.part})`);
  const shared = await sharedStrings(path, entries, byType(rels, 'sharedStrings')?.target);
  const dates = dateStyles(path, entries, byType(rels, 'styles')?.target);

  const fd = openSync(dest, 'w');
  try {
    const read = await copySheet(path, sheetEntry, new LineFile(fd), { shared, dates, date1904, label, onProgress: o.onProgress });
    closeSync(fd);
    if (read.widest > read.headWidth) padHead(dest, read.head, read.headBytes, read.widest);
    const merged = applyMerges(dest, mergesBelowHeader(read.merges, read.head, label));
    return { sheet: chosen.name, sheets: names, rows: read.rows, unsavedFormulas: read.unsavedFormulas, errors: read.errors, merged, hidden: read.hidden };
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // closed already
    }
    throw e;
  }
}

/** A workbook's first visible sheet read whole, to add rows to it (check --save: a roster kept at the counter is small). */
export interface WholeSheet {
  entries: Map<string, ZipEntry>;
  /** The sheet's part (xl/worksheets/sheet1.xml), its XML, and the prefix its elements are written with. */
  part: string;
  xml: string;
  prefix: string;
  /** The rows holding something, in order: each cell's text as read, by column. */
  rows: { row: number; cells: string[] }[];
}

export function readSheetWhole(path: string, label: string): WholeSheet {
  const entries = entriesOf(path, label);
  try {
    const { rels, date1904, sheets } = openBook(path, label, entries);
    const chosen = sheets.find((s) => !s.hidden) ?? sheets[0]!;
    const entry = entries.get(chosen.part);
    if (!entry) throw new RosterError(`${label}: its sheet "${chosen.name}" is missing from the file (${chosen.part})`);
    const xml = readEntry(path, entry).toString('utf8');
    const prefix = prefixOf(xml, 'worksheet') ?? '';
    const sharedPart = byType(rels, 'sharedStrings')?.target;
    const sharedEntry = sharedPart ? entries.get(sharedPart) : undefined;
    const sharedXml = sharedEntry ? readEntry(path, sharedEntry).toString('utf8') : '';
    const sp = prefixOf(sharedXml, 'sst') ?? '';
    const c: CopyContext = { shared: [...elements(sharedXml, `${sp}si`)].map((si) => textOf(si.content, sp)), dates: dateStyles(path, entries, byType(rels, 'styles')?.target), date1904, label };
    const rows: WholeSheet['rows'] = [];
    let next = 1;
    for (const row of elements(xml, `${prefix}row`)) {
      const r = Number(attr(row.attrs, 'r') ?? next);
      next = r + 1;
      const cells = rowCells(row.content, r, prefix, c);
      if (cells.length) rows.push({ row: r, cells });
    }
    return { entries, part: chosen.part, xml, prefix, rows };
  } catch (e) {
    if (e instanceof ZipError) throw new RosterError(`${label}: a workbook that cannot be read: ${e.message}`);
    throw e;
  }
}

/** The workbook's shared strings, in order (a sheet's text cells refer to them by number). */
async function sharedStrings(path: string, entries: Map<string, ZipEntry>, part: string | undefined): Promise<string[]> {
  const entry = part ? entries.get(part) : undefined;
  const out: string[] = [];
  if (!entry) return out;
  let p: string | undefined;
  for await (const { element } of elementStream(streamEntry(path, entry), 'sst', ['si'], (prefix) => (p = prefix))) out.push(textOf(element.content, p!));
  return out;
}

interface CopyContext {
  shared: string[];
  dates: boolean[];
  date1904: boolean;
  label: string;
  onProgress?: (rows: number, read: number, total: number) => void;
}

interface Copied {
  rows: number;
  /** The first rows' lines as written (the header is among them), their bytes, their width, and the widest row's. */
  head: string[][];
  headBytes: number;
  headWidth: number;
  widest: number;
  unsavedFormulas: CellList;
  errors: CellList;
  /** The sheet's merged ranges (C3:C11), as it lists them after its rows. */
  merges: string[];
  hidden: CellList;
}

async function copySheet(path: string, entry: ZipEntry, out: LineFile, c: CopyContext): Promise<Copied> {
  let p = '';
  const head: string[][] = [];
  let headWidth = 0;
  let headBytes = 0;
  let headWritten = false;
  let widest = 0;
  let next = 1; // the sheet row the next line is
  const unsavedFormulas: CellList = { count: 0, first: [] };
  const errors: CellList = { count: 0, first: [] };
  const hidden: CellList = { count: 0, first: [] };
  const note = (list: CellList, ref: string): void => {
    if (list.count++ < FIRST_SHOWN) list.first.push(ref);
  };
  const writeHead = (): void => {
    headWidth = Math.max(0, ...head.map((r) => r.length));
    const text = head.map((cells) => padded(cells, headWidth)).join('');
    headBytes = Buffer.byteLength(text);
    out.write(text);
    headWritten = true;
  };
  // Every row as wide as the header's rows (a sheet has no short rows: its empty cells are simply not saved).
  const line = (cells: string[]): void => {
    if (headWritten) out.write(padded(cells, headWidth));
    else if (head.push(cells) >= HEAD_ROWS) writeHead();
  };
  const merges: string[] = [];
  const parts = elementStream(streamEntry(path, entry), 'worksheet', ['row', 'mergeCell'], (prefix) => (p = prefix), c.onProgress && ((read) => c.onProgress!(next - 1, read, entry.size)));
  for await (const { name, element: row } of parts) {
    if (name === 'mergeCell') {
      const ref = attr(row.attrs, 'ref');
      if (ref) merges.push(ref);
      continue;
    }
    const given = attr(row.attrs, 'r');
    const r = given ? Number(given) : next;
    if (!Number.isInteger(r) || r < next) throw new RosterError(`${c.label}: its rows are out of order at row ${given} (the file is damaged)`);
    const cells = rowCells(row.content, r, p, c, (where) => note(unsavedFormulas, where), (where) => note(errors, where)).map(csvCell);
    // A row of formatting only writes nothing: the blank lines before the next row that holds something come with it,
    // and the formatted rows below a table leave none behind.
    if (!cells.length) continue;
    if (/^(1|true)$/.test(attr(row.attrs, 'hidden') ?? '')) note(hidden, String(r));
    for (; next < r; next++) line([]);
    widest = Math.max(widest, cells.length);
    line(cells);
    next++;
  }
  if (!headWritten) writeHead();
  out.flush();
  return { rows: next - 1, head, headBytes, headWidth, widest, unsavedFormulas, errors, merges, hidden };
}

/**
 * A row's cells as text, each at its column ('' between), empty cells at the end left off; told where a formula was
 * saved without its value and where a cell holds a formula's error.
 */
function rowCells(content: string, r: number, p: string, c: CopyContext, unsaved?: (where: string) => void, error?: (where: string) => void): string[] {
  const cells: string[] = [];
  let col = -1;
  for (const cell of elements(content, `${p}c`)) {
    const ref = attr(cell.attrs, 'r') ?? '';
    const at = ref ? columnOf(ref) : col + 1;
    if (at <= col) throw new RosterError(`${c.label}: its cells are out of order at ${ref || `row ${r}`} (the file is damaged)`);
    col = at;
    const where = ref || `row ${r}`;
    const text = cellText(cell.attrs, cell.content, p, c, where, () => unsaved?.(where), () => error?.(where));
    if (text === '') continue;
    while (cells.length < at) cells.push('');
    cells.push(text);
  }
  return cells;
}

/** A cell's text: a shared or inline string, a number (a date when its format shows one), a boolean, an error, a formula's saved value. */
function cellText(attrs: string, content: string, p: string, c: CopyContext, ref: string, unsaved: () => void, error: () => void): string {
  const type = attr(attrs, 't') ?? 'n';
  if (type === 'inlineStr') {
    const is = findElement(content, `${p}is`, 0).element;
    return is ? textOf(is.content, p) : '';
  }
  const v = findElement(content, `${p}v`, 0).element;
  // A formula saved without its value (<v/> or no <v>: the program that wrote the file does not calculate).
  if (!v || (v.content === '' && type !== 's' && type !== 'str')) {
    const f = findElement(content, `${p}f`, 0).element;
    if (!f) return '';
    unsaved();
    return `=${unescapeXml(f.content)}`;
  }
  const value = unescapeXml(v.content);
  switch (type) {
    case 's': {
      const s = c.shared[Number(value)];
      if (s === undefined) throw new RosterError(`${c.label}: cell ${ref} refers to shared string ${value}, which the workbook does not have (the file is damaged)`);
      return s;
    }
    case 'str':
      return value;
    case 'b':
      return value === '1' ? 'TRUE' : 'FALSE';
    case 'e':
      error();
      return value;
    case 'd':
      return value.slice(0, 10);
    default: {
      const s = Number(attr(attrs, 's') ?? 0);
      if (c.dates[s]) {
        const n = Number(value);
        const iso = Number.isFinite(n) ? serialDate(n, c.date1904) : undefined;
        if (iso) return iso;
      }
      return numberText(value);
    }
  }
}

/**
 * A row after the first ten had a cell further right than any of theirs (a note typed beside the table): the first
 * rows are written again as wide, so that the header names as many columns as any row has, as Excel's CSV would.
 */
function padHead(dest: string, head: string[][], headBytes: number, width: number): void {
  const tmp = `${dest}.pad`;
  const out = openSync(tmp, 'w');
  const src = openSync(dest, 'r');
  try {
    writeSync(out, head.map((cells) => padded(cells, width)).join(''));
    const buf = Buffer.alloc(1 << 20);
    for (let at = headBytes; ; ) {
      const n = readSync(src, buf, 0, buf.length, at);
      if (n === 0) break;
      for (let w = 0; w < n; ) w += writeSync(out, buf, w, n - w);
      at += n;
    }
  } finally {
    closeSync(src);
    closeSync(out);
  }
  renameSync(tmp, dest);
}

/** What the run says about a workbook read: which sheet when it has several, formulas saved without a value, formula errors. */
export function sheetNotes(label: string, read: SheetRead, lang: NoteLang = 'en'): string[] {
  const zh = lang === 'zh';
  const notes: string[] = [];
  const cells = (l: CellList): string => `${l.first.join(', ')}${l.count > l.first.length ? (zh ? ' 等' : ' …') : ''}`;
  if (read.sheets.length > 1) {
    const k = read.sheets.indexOf(read.sheet) + 1;
    const others = read.sheets.filter((s) => s !== read.sheet).join(', ');
    notes.push(
      zh
        ? `${label}: 读取工作表 "${read.sheet}" (共 ${read.sheets.length} 个工作表中的第 ${k} 个; 其余: ${others}; 用 --sheet 名称 读取其他工作表)`
        : `${label}: read sheet "${read.sheet}" (${k} of ${read.sheets.length}; the others: ${others}; --sheet NAME reads another)`,
    );
  }
  const f = read.unsavedFormulas;
  if (f.count) {
    notes.push(
      zh
        ? `${label}: ${f.count} 个公式单元格没有保存计算结果 (${cells(f)}), 按公式文本读取, 不能作为数值; 请用 Excel 或 WPS 打开该文件并重新保存`
        : `${label}: ${f.count} formula cell(s) saved without their value (${cells(f)}), read as the formula, which is no value; open the workbook in Excel or WPS and save it again`,
    );
  }
  const e = read.errors;
  if (e.count) notes.push(zh ? `${label}: ${e.count} 个单元格是公式错误值 (#N/A、#VALUE! 等) (${cells(e)}), 按该文本读取` : `${label}: ${e.count} cell(s) hold a formula error (#N/A, #VALUE! …) (${cells(e)}), read as that text`);
  notes.push(...mergeNotes(label, read.merged, lang));
  const h = read.hidden;
  if (h.count) {
    notes.push(
      zh
        ? `${label}: 工作表隐藏的 ${h.count} 行与其他行一样读取 (第 ${cells(h)} 行): 隐藏或筛选掉的行不会因此不算`
        : `${label}: ${h.count} row(s) the sheet hides read like the others (rows ${cells(h)}): hiding or filtering rows out does not leave them out`,
    );
  }
  return notes;
}
