// An Excel or WPS workbook (.xlsx, .xlsm; .xls and .et through xls.ts) read as a roster: one sheet written out as a UTF-8 CSV, each row on its sheet row's line.
import { closeSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { posix } from 'node:path';
import { writeAll } from './writeAll.js';
import { type ZipEntry, ZipError, readEntry, streamEntry, zipEntries } from './zip.js';
import { attr, elementStream, elements, findElement, prefixOf, textOf, unescapeXml } from './xmlScan.js';
import { LineFile, columnOf, csvCell, padded } from './sheetLines.js';
import { type MergesRead, applyMerges, mergeNotes, mergesBelowHeader } from './sheetMerges.js';
import { type NoteLang, RosterError, noWorksheet, outOfOrder } from './roster.js';
import { BUILT_IN_DATES, isDateFormat, numberText, serialDate } from './cellValues.js';
import { looksLikeCfb } from './cfb.js';
import { openXls, readXlsSheet } from './xls.js';
import { type Page, markupKind, readPage, tableRows } from './htmlTable.js';
import { xmlSheetCells, xmlWorksheets } from './xmlSheet.js';

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
  /** An .xls's formula cells saved with an empty value (XlsSheet.emptyFormulas), read as blank. */
  emptyFormulas?: CellList;
  /** Set when the file is a web page (htmlTable.ts): its rows are numbered as its table's. */
  page?: true;
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

/**
 * What the file `path` begins as: a zip file (.xlsx), a compound file (.xls, .et), a web page or an Excel 2003 XML
 * sheet (an .xls a web system exported: htmlTable.ts, xmlSheet.ts), or none of them (also when it cannot be read:
 * its reader says why).
 */
export function bookKind(path: string): 'zip' | 'cfb' | 'html' | 'spreadsheetml' | undefined {
  try {
    const fd = openSync(path, 'r');
    try {
      const first = Buffer.alloc(4096);
      const got = first.subarray(0, readSync(fd, first, 0, first.length, 0));
      return looksLikeZip(got) ? 'zip' : looksLikeCfb(got) ? 'cfb' : markupKind(got);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** True when the file `path` is a workbook to read a sheet of (bookKind): .xlsx, .xlsm, .xls, .et, a web page's tables or Excel 2003 XML. */
export const isWorkbookFile = (path: string): boolean => bookKind(path) !== undefined;

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
  const kind = bookKind(path);
  if (kind === 'cfb') return writeXlsSheet(path, label, dest, o);
  if (kind === 'html') return writeHtmlSheet(path, label, dest, o);
  if (kind === 'spreadsheetml') return writeXmlSheet(path, label, dest, o);
  const entries = entriesOf(path, label);
  try {
    return await writeSheet(path, label, dest, entries, o);
  } catch (e) {
    if (e instanceof ZipError) throw new RosterError(`${label}: a workbook that cannot be read: ${e.message}`, `${label}: 无法读取的工作簿: ${e.zh}`);
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
  const kind = bookKind(path);
  if (kind === 'cfb') return openXls(path, label).sheets.map(({ name, hidden }) => ({ name, hidden }));
  if (kind === 'html') return pageOf(path, label).tables.map((_, i) => ({ name: tableName(i), hidden: false }));
  if (kind === 'spreadsheetml') return xmlWorksheets(path, label).map(({ name, hidden }) => ({ name, hidden }));
  const entries = entriesOf(path, label);
  try {
    return openBook(path, label, entries).sheets.map(({ name, hidden }) => ({ name, hidden }));
  } catch (e) {
    if (e instanceof ZipError) throw new RosterError(`${label}: a workbook that cannot be read: ${e.message}`, `${label}: 无法读取的工作簿: ${e.zh}`);
    throw e;
  }
}

/** The zip entries of `path`, a file that is no zip file refused naming it. */
function entriesOf(path: string, label: string): Map<string, ZipEntry> {
  try {
    return zipEntries(path);
  } catch (e) {
    if (e instanceof ZipError) throw new RosterError(`${label}: a zip file that cannot be read: ${e.message}`, `${label}: 无法读取的 zip 文件: ${e.zh}`);
    throw e;
  }
}

function openBook(path: string, label: string, entries: Map<string, ZipEntry>): Book {
  const rootRels = relationships(path, entries, '');
  const book = byType(rootRels, 'officeDocument')?.target ?? 'xl/workbook.xml';
  const bookEntry = entries.get(book);
  if (!bookEntry) {
    if (entries.has('xl/workbook.bin')) throw new RosterError(`${label}: a binary workbook (.xlsb), which is not read: save it as .xlsx (Excel 工作簿) or as CSV`, `${label}: 二进制工作簿 (.xlsb), 不读取: 请另存为 .xlsx (Excel 工作簿) 或 CSV`);
    if (entries.has('content.xml') && entries.has('mimetype')) throw new RosterError(`${label}: an OpenDocument spreadsheet (.ods), which is not read: save it as .xlsx or as CSV`, `${label}: OpenDocument 电子表格 (.ods), 不读取: 请另存为 .xlsx 或 CSV`);
    throw new RosterError(`${label}: a zip file but not an Excel workbook (no ${book} in it)`, `${label}: 是 zip 文件, 但不是 Excel 工作簿 (其中没有 ${book})`);
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
  if (!sheets.length) throw noWorksheet(label);
  return { entries, rels, date1904, sheets };
}

/** The sheet `want` names (its name, or its number from 1), or the first visible one: its index. */
function chooseSheet(sheets: { name: string; hidden: boolean }[], want: string | undefined, label: string): number {
  if (want === undefined) return Math.max(0, sheets.findIndex((s) => !s.hidden));
  const w = want.trim();
  let i = sheets.findIndex((s) => s.name === w);
  if (i < 0) i = sheets.findIndex((s) => s.name.trim().toLowerCase() === w.toLowerCase());
  if (i < 0 && /^[1-9]\d*$/.test(w) && Number(w) <= sheets.length) i = Number(w) - 1;
  if (i < 0) {
    const list = sheets.map((s, k) => `${k + 1} ${s.name}`).join(', ');
    throw new RosterError(`${label}: no sheet "${w}" (its sheets: ${list})`, `${label}: 没有工作表"${w}" (其工作表: ${list})`);
  }
  return i;
}

async function writeSheet(path: string, label: string, dest: string, entries: Map<string, ZipEntry>, o: SheetToCsvOptions): Promise<SheetRead> {
  const { rels, date1904, sheets } = openBook(path, label, entries);
  const chosen = sheets[chooseSheet(sheets, o.sheet, label)]!;
  const sheetEntry = entries.get(chosen.part);
  if (!sheetEntry) throw new RosterError(`${label}: its sheet "${chosen.name}" is missing from the file (${chosen.part})`, `${label}: 文件中缺少工作表"${chosen.name}" (${chosen.part})`);
  const shared = await sharedStrings(path, entries, byType(rels, 'sharedStrings')?.target);
  const dates = dateStyles(path, entries, byType(rels, 'styles')?.target);
  return writeCopy(dest, label, async (out) => {
    const read = await copySheet(path, sheetEntry, out, { shared, dates, date1904, label, onProgress: o.onProgress });
    return { ...read, sheet: chosen.name, sheets: sheets.map((s) => s.name) };
  });
}

/** One sheet of an Excel 97–2003 workbook (xls.ts) written as writeSheet writes one of an .xlsx. */
async function writeXlsSheet(path: string, label: string, dest: string, o: SheetToCsvOptions): Promise<SheetRead> {
  const book = openXls(path, label);
  const index = chooseSheet(book.sheets, o.sheet, label);
  return writeSheetRead(dest, label, readXlsSheet(book, index, label), book.sheets, index);
}

/** One sheet of an Excel 2003 XML spreadsheet (xmlSheet.ts) written as writeSheet writes one of an .xlsx. */
async function writeXmlSheet(path: string, label: string, dest: string, o: SheetToCsvOptions): Promise<SheetRead> {
  const sheets = xmlWorksheets(path, label);
  const index = chooseSheet(sheets, o.sheet, label);
  return writeSheetRead(dest, label, xmlSheetCells(sheets[index]!, label), sheets, index);
}

/** A sheet read whole (an .xls's, an Excel 2003 XML one's), sheet `index` of `sheets`, written as writeSheet writes an .xlsx's. */
function writeSheetRead(
  dest: string,
  label: string,
  read: { rows: { row: number; cells: string[]; hidden: boolean }[]; merges: string[]; errors: string[]; emptyFormulas?: string[] },
  sheets: { name: string }[],
  index: number,
): Promise<SheetRead> {
  return writeCopy(dest, label, async (out) => {
    const rows = new SheetRows(out);
    for (const row of read.rows) rows.add(row.row, row.cells.map(csvCell), row.hidden);
    return {
      ...rows.end(),
      merges: read.merges,
      unsavedFormulas: cellList([]),
      errors: cellList(read.errors),
      ...(read.emptyFormulas ? { emptyFormulas: cellList(read.emptyFormulas) } : {}),
      sheet: sheets[index]!.name,
      sheets: sheets.map((s) => s.name),
    };
  });
}

/** Cells by reference: how many, and the first few. */
const cellList = (refs: string[]): CellList => ({ count: refs.length, first: refs.slice(0, FIRST_SHOWN) });

/** A web page read for its tables, each a sheet; a page without one refused. */
function pageOf(path: string, label: string): Page {
  const page = readPage(path);
  if (!page.tables.length) {
    throw new RosterError(
      `${label}: a web page (HTML) with no table in it, so no rows to read: open it in Excel or WPS, save it as .xlsx or as CSV, and give that file`,
      `${label}: 网页 (HTML) 中没有表格, 没有可读的行: 请在 Excel 或 WPS 中打开, 另存为 .xlsx 或 CSV, 再给出那个文件`,
    );
  }
  return page;
}

const tableName = (i: number): string => `表格${i + 1}`;

/**
 * A table of a web page saved under a spreadsheet name (htmlTable.ts), written as writeSheet writes a sheet: the
 * table with the most rows unless `o.sheet` names one (表格2, or 2), since a page's title or search form is often
 * a small table of its own. Its rows are numbered as the table's rows.
 */
async function writeHtmlSheet(path: string, label: string, dest: string, o: SheetToCsvOptions): Promise<SheetRead> {
  const page = pageOf(path, label);
  const { tables } = page;
  const sheets = tables.map((_, i) => ({ name: tableName(i), hidden: false }));
  const index = o.sheet !== undefined ? chooseSheet(sheets, o.sheet, label) : tables.reduce((best, t, i) => (t.rows > tables[best]!.rows ? i : best), 0);
  return writeCopy(dest, label, async (out) => {
    const rows = new SheetRows(out);
    const merges = tableRows(page, index, (cells, r, hidden) => rows.add(r, cells.map(csvCell), hidden));
    return { ...rows.end(), merges, unsavedFormulas: cellList([]), errors: cellList([]), page: true, sheet: sheets[index]!.name, sheets: sheets.map((s) => s.name) };
  });
}

/**
 * Write a sheet's CSV copy to `dest` with `copy`, then widen its first rows to its widest row (padHead) and fill
 * or refuse the merged cells below its header (sheetMerges.ts).
 */
async function writeCopy(dest: string, label: string, copy: (out: LineFile) => Promise<Copied & Pick<SheetRead, 'sheet' | 'sheets' | 'emptyFormulas' | 'page'>>): Promise<SheetRead> {
  const fd = openSync(dest, 'w');
  try {
    const read = await copy(new LineFile(fd));
    closeSync(fd);
    if (read.widest > read.headWidth) padHead(dest, read.head, read.headBytes, read.widest);
    const merged = applyMerges(dest, mergesBelowHeader(read.merges, read.head, label));
    const { sheet, sheets, rows, unsavedFormulas, errors, emptyFormulas, page, hidden } = read;
    return { sheet, sheets, rows, unsavedFormulas, errors, ...(emptyFormulas?.count ? { emptyFormulas } : {}), ...(page ? { page } : {}), merged, hidden };
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
    const chosen = sheets[chooseSheet(sheets, undefined, label)]!;
    const entry = entries.get(chosen.part);
    if (!entry) throw new RosterError(`${label}: its sheet "${chosen.name}" is missing from the file (${chosen.part})`, `${label}: 文件中缺少工作表"${chosen.name}" (${chosen.part})`);
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
    if (e instanceof ZipError) throw new RosterError(`${label}: a workbook that cannot be read: ${e.message}`, `${label}: 无法读取的工作簿: ${e.zh}`);
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

const noteCell = (list: CellList, ref: string): void => {
  if (list.count++ < FIRST_SHOWN) list.first.push(ref);
};

/** The rows of a sheet's CSV copy: sheet row N on line N, each as wide as the header's rows, the first held until the header is among them. */
class SheetRows {
  private readonly head: string[][] = [];
  private headWidth = 0;
  private headBytes = 0;
  private headWritten = false;
  private widest = 0;
  /** The sheet row the next line is. */
  next = 1;
  private readonly hidden: CellList = { count: 0, first: [] };

  constructor(private readonly out: LineFile) {}

  /** Sheet row `r` (after every row added before it), its cells as csvCell wrote them; `hidden` when the sheet hides it. */
  add(r: number, cells: string[], hidden: boolean): void {
    // A row of nothing writes nothing: the blank lines before the next row that holds something come with it,
    // and the formatted rows below a table leave none behind.
    if (!cells.length) return;
    if (hidden) noteCell(this.hidden, String(r));
    for (; this.next < r; this.next++) this.line([]);
    this.widest = Math.max(this.widest, cells.length);
    this.line(cells);
    this.next++;
  }

  // Every row as wide as the header's rows (a sheet has no short rows: its empty cells are simply not saved).
  private line(cells: string[]): void {
    if (this.headWritten) this.out.write(padded(cells, this.headWidth));
    else if (this.head.push(cells) >= HEAD_ROWS) this.writeHead();
  }

  private writeHead(): void {
    this.headWidth = Math.max(0, ...this.head.map((r) => r.length));
    const text = this.head.map((cells) => padded(cells, this.headWidth)).join('');
    this.headBytes = Buffer.byteLength(text);
    this.out.write(text);
    this.headWritten = true;
  }

  end(): Pick<Copied, 'rows' | 'head' | 'headBytes' | 'headWidth' | 'widest' | 'hidden'> {
    if (!this.headWritten) this.writeHead();
    this.out.flush();
    return { rows: this.next - 1, head: this.head, headBytes: this.headBytes, headWidth: this.headWidth, widest: this.widest, hidden: this.hidden };
  }
}

async function copySheet(path: string, entry: ZipEntry, out: LineFile, c: CopyContext): Promise<Copied> {
  let p = '';
  const rows = new SheetRows(out);
  const unsavedFormulas: CellList = { count: 0, first: [] };
  const errors: CellList = { count: 0, first: [] };
  const merges: string[] = [];
  const parts = elementStream(streamEntry(path, entry), 'worksheet', ['row', 'mergeCell'], (prefix) => (p = prefix), c.onProgress && ((read) => c.onProgress!(rows.next - 1, read, entry.size)));
  for await (const { name, element: row } of parts) {
    if (name === 'mergeCell') {
      const ref = attr(row.attrs, 'ref');
      if (ref) merges.push(ref);
      continue;
    }
    const given = attr(row.attrs, 'r');
    const r = given ? Number(given) : rows.next;
    if (!Number.isInteger(r) || r < rows.next) throw outOfOrder(c.label, 'rows', { row: given ?? String(r) });
    const cells = rowCells(row.content, r, p, c, (where) => noteCell(unsavedFormulas, where), (where) => noteCell(errors, where)).map(csvCell);
    rows.add(r, cells, /^(1|true)$/.test(attr(row.attrs, 'hidden') ?? ''));
  }
  return { ...rows.end(), unsavedFormulas, errors, merges };
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
    if (at <= col) throw outOfOrder(c.label, 'cells', ref ? { cell: ref } : { row: String(r) });
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
      if (s === undefined) {
        throw new RosterError(
          `${c.label}: cell ${ref} refers to shared string ${value}, which the workbook does not have (the file is damaged)`,
          `${c.label}: 单元格 ${ref} 引用的共享字符串 ${value} 在工作簿中不存在 (文件已损坏)`,
        );
      }
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
      writeAll(out, buf, 0, n);
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
  if (read.page) {
    notes.push(
      zh
        ? `${label}: 是网页 (HTML, 网上系统"导出Excel"常见的格式), 按其中的表格读取; 行号从表格第一行起算 (用 Excel 打开时, 表格上方若有其他内容, 行号会靠后)`
        : `${label}: a web page (HTML, as web systems' 导出Excel makes), read by its table; rows are numbered from the table's first row (Excel, opening the page, shows them lower when anything comes before the table)`,
    );
  }
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
  const empty = read.emptyFormulas;
  if (empty?.count) {
    notes.push(
      zh
        ? `${label}: ${empty.count} 个公式单元格保存的值为空 (${cells(empty)}), 按空白读取; 若该文件由不计算公式的程序导出 (如 xlwt), 这些值从未算出: 请用 Excel 或 WPS 打开并重新保存`
        : `${label}: ${empty.count} formula cell(s) saved with an empty value (${cells(empty)}), read as blank; if a program that does not calculate formulas wrote the file (xlwt does), their values were never worked out: open it in Excel or WPS and save it again`,
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
