// Roster reading: encoding detection (UTF-8 ± BOM, GBK/GB18030), CSV records, header aliases → raw cells by field.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { isAscii } from 'node:buffer';
import { writeAll } from './writeAll.js';
import { Papa, iconv } from './commonJs.js';
import { BilingualError } from '../engine/bilingualError.js';
import { markupKind } from './htmlTable.js';
import { headerField, headerNote, suggestField } from '../engine/fields.js';
import type { Bilingual } from '../engine/types.js';
import type { ChunkRange, SplitFormat } from './chunks.js';
import { type CutRecord, type Handover, RecordCutter } from './fastCsv.js';
import { type BrokenQuote, type TextRecord, TextRecords } from './textCsv.js';
import { type SkipKind, cellsByField, notAClaim } from './rowKinds.js';

export type EncodingChoice = 'auto' | 'utf8' | 'gb18030';

export interface RosterRecord {
  file: string;
  /** Spreadsheet row number: the header is row 1. */
  row: number;
  /** Raw cell text by canonical field name; only columns the header maps. */
  cells: Map<string, string>;
  /** Set when the CSV row itself could not be read (e.g. an unclosed quote): the row is rejected, the run goes on. */
  unreadable?: Bilingual;
  /** The unreadable row's line(s) as they stand, for the rejects (nothing of the row is lost). */
  raw?: string;
  /**
   * Set when the row is not a claim and not a reject either; readers' users skip it and say how many (skippedNotes):
   * - 'empty': every column read is blank (",,,,": rows a spreadsheet saves below its data once they were formatted);
   * - 'totals': the sheet's 合计/小计 row (totalsKind);
   * - 'header': the header again, where rosters were put together (isHeaderAgain);
   * - 'footer': a form's sign-off under its rows (制表人：…, 审核人：…, 填报日期：…, 注：…: footerLabel).
   */
  skipped?: SkipKind;
  /** A totals row that is a 小计 (its section's total) rather than a 合计 (TotalsCheck). */
  subtotal?: true;
  /**
   * A row (a claim) that ends before the header's last column read: those columns are read blank (a cost left out
   * is paid at the cap), as a line cut by a line break in a cell not in quotes would be. Said, not refused: files
   * written by hand often leave out empty cells at the end.
   */
  short?: true;
}

/**
 * Why a record with more cells than the header is not read: a comma in a cell written without quotes ("1,500", "电工,焊工")
 * moves every cell after it one column on, so its cost, level or dates would be read from the wrong columns and paid.
 * Where the comma is cannot be told, and the cell past the end is usually empty, so the whole row is rejected (pandas
 * refuses such a line too). A record with fewer cells has its last columns blank: nothing moves.
 */
const tooManyCells = (count: number, columns: number): Bilingual => ({
  zh: `此行有${count}个单元格, 表头只有${columns}列: 某个单元格中的英文逗号没有加引号, 其后每个单元格都错后了一列(请给该单元格加上引号)`,
  en: `${count} cells where the header has ${columns}: a comma in a cell that is not in quotes moves every cell after it one column on (put that cell in quotes)`,
});

export interface RosterHeader {
  file: string;
  encoding: 'utf8' | 'gb18030';
  /** Canonical field of each column ("" for a column nobody reads). */
  fields: string[];
  ignored: string[];
  /**
   * Columns not read that look like a field the file has no column for ("personid (person_id?)", "费用(万元) (cost,
   * but not in "万元")"): their values would be missing from every row, a missing cost paid at the cap.
   */
  misread: Bilingual[];
  /** Rows above the header taken as the sheet's title (HeaderFinder): row 1, "诸暨市2020年…花名册". */
  titles: TitleRow[];
  /** The header's own text of each column read ("" for the others): a row repeating it is the header again (isHeaderAgain). */
  labels: string[];
  /** The row a header of grouped headings goes on to (secondHeaderRow), if it does. */
  secondRow?: number;
}

/** One byte range of a split roster (see chunks.ts); ranges after the first are given the header the first one read. */
export interface RosterPart {
  label: string;
  range: ChunkRange;
  format?: SplitFormat;
  header?: RosterHeader;
}

export class RosterError extends BilingualError {}

/** A file with no header row (nothing but blank lines). */
export const emptyFile = (label: string): RosterError => new RosterError(`${label}: empty file (no header row)`, `${label}: 空文件 (没有表头行)`);

/** A workbook (of any kind read) without a sheet. */
export const noWorksheet = (label: string): RosterError => new RosterError(`${label}: the workbook has no worksheet`, `${label}: 工作簿中没有工作表`);

/** A sheet whose rows or cells go backwards, at a row (its number as written) or a cell (its reference): the file is damaged. */
export function outOfOrder(label: string, what: 'rows' | 'cells', place: { row: string } | { cell: string }): RosterError {
  const [en, zh] = 'cell' in place ? [place.cell, ` ${place.cell} `] : [`row ${place.row}`, `第 ${place.row} 行`];
  return new RosterError(`${label}: its ${what} are out of order at ${en} (the file is damaged)`, `${label}: ${what === 'rows' ? '行' : '单元格'}的次序在${zh}处错乱 (文件已损坏)`);
}

/** A file the system would not read (permissions, a folder). */
const cannotRead = (label: string, e: unknown): RosterError => new RosterError(`${label}: cannot read: ${(e as Error).message}`, `${label}: 无法读取: ${(e as Error).message}`);

/**
 * A workbook's sheet read as a roster or a catalogue, by the name the run gives it (the workbook's own, or with
 * --all-sheets `book.xlsx[第一批]`) → the sheet's UTF-8 CSV copy (workbook.ts).
 */
export type SheetCopies = ReadonlyMap<string, string>;

/** Where the roster named `file` is read from, and in what encoding: a workbook's sheet from its UTF-8 copy. */
export function sourceOf(file: string, encoding: EncodingChoice, copies: SheetCopies | undefined): { path: string; encoding: EncodingChoice } {
  const copy = copies?.get(file);
  return copy === undefined ? { path: file, encoding } : { path: copy, encoding: 'utf8' };
}

const SAMPLE_BYTES = 64 * 1024;

/**
 * The encoding of a file, from its first bytes (detectEncoding), or, when those are all ASCII (the same in either
 * encoding: English headers, IDs, dates), from its first bytes that are not: a GBK roster whose first rows carry no
 * Chinese would otherwise be read as UTF-8 and every name after them garbled. Reads on from `first` only then.
 */
export function detectFileEncoding(path: string, first: Buffer): 'utf8' | 'gb18030' {
  const sample = first.subarray(0, SAMPLE_BYTES);
  if (!isAscii(sample)) return detectEncoding(sample);
  const fd = openSync(path, 'r');
  try {
    const block = Buffer.allocUnsafe(1 << 20);
    for (let at = sample.length; ; ) {
      const n = readSync(fd, block, 0, block.length, at);
      if (n === 0) return 'utf8'; // ASCII throughout
      const chunk = block.subarray(0, n);
      if (!isAscii(chunk)) {
        // Everything before it is ASCII: the first such byte starts a character, and what follows it decides.
        const from = chunk.findIndex((b) => b >= 0x80);
        const window = Buffer.allocUnsafe(SAMPLE_BYTES);
        return detectEncoding(window.subarray(0, readSync(fd, window, 0, SAMPLE_BYTES, at + from)));
      }
      at += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** Whether a charset a file names for itself (a web page's meta, an XML declaration) is GBK's or a subset of it: read as GB18030. */
export const isGbCharset = (name: string): boolean => /^(gb2312|gbk|gb18030|x-gbk|cp936)$/i.test(name);

/**
 * UTF-8 if the sample decodes strictly (a BOM settles it), or nearly: a UTF-8 roster into which a cell was pasted
 * from a GBK file has a few sequences that are not UTF-8 among many that are, and read as GB18030 its every Chinese
 * character would be garbled, silently. Its stray cells are read as U+FFFD and their rows rejected (parseCell,
 * bad_text). Otherwise GB18030, a superset of GBK that Excel on Chinese Windows writes: GBK text forms a valid UTF-8
 * sequence by chance in about one pair of bytes in twelve, far from ten to one.
 */
export function detectEncoding(sample: Buffer): 'utf8' | 'gb18030' {
  if (sample.length >= 3 && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf8';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return 'utf8';
  } catch {
    const { valid, invalid } = utf8Sequences(sample);
    return valid >= 10 * invalid ? 'utf8' : 'gb18030';
  }
}

/** How many multi-byte UTF-8 sequences a sample holds, and how many bytes start none (a sequence cut by the sample's end counts as neither). */
function utf8Sequences(b: Buffer): { valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < b.length; ) {
    const lead = b[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length && i + length > b.length) break;
    let k = 1;
    while (k < length && b[i + k]! >= 0x80 && b[i + k]! <= 0xbf) k++;
    if (length && k === length) {
      valid++;
      i += length;
    } else {
      invalid++;
      i++;
    }
  }
  return { valid, invalid };
}

/**
 * What a file that is no CSV at all is, by its first bytes: a workbook of a kind not read, or text Excel saves as
 * "Unicode text" (UTF-16). Read as CSV they would come out as one column of garbage, refused for columns nobody reads.
 * An .xlsx workbook, or UTF-16 text, named as a file is read from a copy (cli/workbooks.ts) before any of this;
 * through standard input it is not (`stdinFix`), nor where a row is saved into it (check --save).
 */
const BY_NAME = (what: Bilingual): Bilingual => ({
  en: `give it by its file name: ${what.en} is read from a file, not through standard input`,
  zh: `请以文件名给出: ${what.zh}从文件读取, 不经标准输入`,
});
const UTF16_FIX = BY_NAME({ en: 'UTF-16 text', zh: 'UTF-16 文本' });
const WORKBOOK_FIX = BY_NAME({ en: 'a workbook', zh: '工作簿' });
const NOT_CSV: { magic: number[]; what: Bilingual; fix?: Bilingual; stdinFix?: Bilingual }[] = [
  { magic: [0x50, 0x4b, 0x03, 0x04], what: { en: 'a workbook (.xlsx: a zip file)', zh: '工作簿 (.xlsx: zip 文件)' }, fix: WORKBOOK_FIX },
  {
    magic: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    what: { en: 'an Excel 97–2003 or WPS workbook (.xls, .et), or a password-protected one', zh: 'Excel 97–2003 或 WPS 工作簿 (.xls, .et), 或设了密码的工作簿' },
    fix: WORKBOOK_FIX,
  },
  { magic: [0xff, 0xfe], what: { en: 'UTF-16 text (as Excel saves "Unicode text")', zh: 'UTF-16 文本 (Excel 另存的"Unicode 文本")' }, stdinFix: UTF16_FIX },
  { magic: [0xfe, 0xff], what: { en: 'UTF-16 text', zh: 'UTF-16 文本' }, stdinFix: UTF16_FIX },
  { magic: [0x25, 0x50, 0x44, 0x46], what: { en: 'a PDF file', zh: 'PDF 文件' } },
];
const SAVE_AS_CSV: Bilingual = {
  en: 'save the sheet as CSV (另存为 → CSV UTF-8 (逗号分隔)(*.csv), or CSV) and give that file',
  zh: '请把工作表另存为 CSV (另存为 → CSV UTF-8 (逗号分隔)(*.csv), 或 CSV), 再给出那个文件',
};

/** How many of a file's first bytes are looked through for control bytes (controlBytes). */
const TEXT_PROBE = 4096;

/**
 * The control bytes among the sample's first TEXT_PROBE, when they are more than 1% of them (and more than four): no
 * text file. A CSV in UTF-8 or GBK holds none but tabs, line breaks and the odd stray one (a form feed, an old
 * system's Ctrl-Z end mark); read as one, a binary file's header came out as a wall of garbage "columns nobody reads".
 */
function controlBytes(sample: Buffer): { count: number; of: number } | undefined {
  const of = Math.min(sample.length, TEXT_PROBE);
  let count = 0;
  for (let i = 0; i < of; i++) {
    const b = sample[i]!;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1a) || b === 0x7f) count++;
  }
  return count > Math.max(4, of / 100) ? { count, of } : undefined;
}

/** Refuse a file that is no CSV (NOT_CSV, markup, or no text at all), saying how to save it as one. */
export function refuseNotCsv(label: string, sample: Buffer): void {
  // A web page or an XML spreadsheet named as a file is read (workbook.ts) before any of this; through standard input it is not.
  const markup = markupKind(sample);
  if (markup === 'html') {
    const fix = BY_NAME({ en: 'a page', zh: '网页' });
    throw new RosterError(
      `${label}: a web page (HTML), as the 导出Excel of many web systems makes under a spreadsheet name, not a CSV file: ${fix.en}`,
      `${label}: 网页 (HTML, 许多网上系统的"导出Excel"以电子表格文件名导出的就是它), 不是 CSV 文件: ${fix.zh}`,
    );
  }
  if (markup) throw new RosterError(`${label}: an XML spreadsheet (Excel 2003 XML), not a CSV file: ${WORKBOOK_FIX.en}`, `${label}: XML 电子表格 (Excel 2003 XML), 不是 CSV 文件: ${WORKBOOK_FIX.zh}`);
  const found = NOT_CSV.find(({ magic }) => sample.length >= magic.length && magic.every((b, i) => sample[i] === b));
  if (!found) {
    const control = controlBytes(sample);
    if (control === undefined) return;
    throw new RosterError(
      `${label}: not a text file (${control.count} control bytes in its first ${control.of}: a program, an archive, an image, or UTF-16 text without its byte-order mark?), not a CSV file: ${SAVE_AS_CSV.en}`,
      `${label}: 不是文本文件 (开头 ${control.of} 个字节中有 ${control.count} 个控制字符: 程序、压缩包、图片, 或没有字节顺序标记的 UTF-16 文本?), 不是 CSV 文件: ${SAVE_AS_CSV.zh}`,
    );
  }
  const fix = (label === '(stdin)' ? found.stdinFix : undefined) ?? found.fix ?? SAVE_AS_CSV;
  throw new RosterError(`${label}: ${found.what.en}, not a CSV file: ${fix.en}`, `${label}: ${found.what.zh}, 不是 CSV 文件: ${fix.zh}`);
}

/** Read the first bytes for detection, then yield every chunk including those. */
async function* peeked(source: Readable, onSample: (sample: Buffer) => void, onBytes?: (bytes: number) => void): AsyncGenerator<Buffer> {
  const held: Buffer[] = [];
  let size = 0;
  let total = 0;
  let sampled = false;
  for await (const chunk of source) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    total += buf.length;
    onBytes?.(total);
    if (sampled) {
      yield buf;
      continue;
    }
    held.push(buf);
    size += buf.length;
    if (size >= SAMPLE_BYTES) {
      sampled = true;
      onSample(Buffer.concat(held));
      yield* held;
    }
  }
  if (!sampled) {
    onSample(Buffer.concat(held));
    yield* held;
  }
}

/** Map header cells to fields. Unknown headers are reported, not fatal; a field named twice is. */
export function mapHeader(file: string, cells: string[]): { fields: string[]; ignored: string[]; misread: Bilingual[]; labels: string[] } {
  const fields: string[] = [];
  const ignored: string[] = [];
  const seen = new Map<string, number>();
  cells.forEach((cell, i) => {
    const field = headerField(cell) ?? '';
    if (!field && cell.trim()) ignored.push(cell.trim());
    if (field && seen.has(field)) {
      const first = cells[seen.get(field)!]!;
      // 单位名称 names the unit of a unit grant; beside 姓名 it is most likely the person's employer.
      const employer = field === 'name' && [first, cell].some((h) => h.trim() === '单位名称');
      throw new RosterError(
        `${file}: columns ${seen.get(field)! + 1} and ${i + 1} both mean "${field}" (headers "${first}" and "${cell}")${employer ? ': beside 姓名, is 单位名称 the employer? rename it 用人单位' : ''}`,
        `${file}: 第 ${seen.get(field)! + 1} 列和第 ${i + 1} 列都表示"${field}" (表头"${first}"和"${cell}")${employer ? ': 与 姓名 并列的 单位名称 是用人单位吗? 请改名为 用人单位' : ''}`,
      );
    }
    if (field) seen.set(field, i);
    fields.push(field);
  });
  // A misspelt header is read by nobody: say which field it looks like, when that field has no column yet.
  const misread: Bilingual[] = [];
  const hinted = ignored.map((h) => {
    // A note that would change how the column is read ("费用(万元)"): said, never read past.
    const noted = headerNote(h);
    if (noted && !seen.has(noted.field)) {
      const hint = `${noted.field}, but not in "${noted.note}"`;
      misread.push({ en: `${h} (${hint})`, zh: `${h} (${noted.field}, 但不按"${noted.note}"读)` });
      return `${h} (${hint}: give it in the unit the column is read in, see the roster columns)`;
    }
    const guess = suggestField(h);
    if (!guess || seen.has(guess)) return h;
    misread.push({ en: `${h} (${guess}?)`, zh: `${h} (${guess}?)` });
    return `${h} (${guess}?)`;
  });
  return { fields, ignored: hinted, misread, labels: cells.map((c, i) => (fields[i] ? c.trim() : '')) };
}

/**
 * A column that looks like a field but is not read ("personid", "费用(万元)") would leave that fact out of every row,
 * and a claim without its cost is paid at the cap: refused, like a missing column, rather than run on a warning.
 */
export function refuseMisread(file: string, head: Pick<RosterHeader, 'misread'>): void {
  if (!head.misread.length) return;
  throw new RosterError(
    `${file}: columns that look like ones the reader knows are not read: ${head.misread.map((m) => m.en).join(', ')}. Their values would be missing ` +
      'from every row (a claim without its cost is paid at the cap): rename them (see the roster columns in README) or remove them',
    `${file}: 这些列看似可读的列, 却不会被读取: ${head.misread.map((m) => m.zh).join(', ')}. 每一行都会缺少它们的值 ` +
      '(没有费用的申请按上限支付): 请改名 (见 README 的花名册列) 或删除',
  );
}

/** What a run says of rows above a file's header (HeaderFinder): they are not claims, and not in rejects either. */
export function titleNote(h: RosterHeader, lang: NoteLang = 'en'): string | undefined {
  if (!h.titles.length) return undefined;
  return lang === 'zh'
    ? `${h.file}: 表头上方的行视为表格标题, 不作为申请读取: ${h.titles.map((t) => `第 ${t.row} 行: ${t.text}`).join('; ')}`
    : `${h.file}: above the header, taken as the sheet's title and not read as claims: ${h.titles.map((t) => `row ${t.row}: ${t.text}`).join('; ')}`;
}

/** A row above the header, set aside as the sheet's title: its number and its non-blank cells. */
export interface TitleRow {
  row: number;
  text: string;
}

/** The language of a run's notes on stderr (calc's --lang). */
export type NoteLang = 'en' | 'zh';

/** What calc says of a file's header, in whichever thread it runs: a title above it, columns nobody reads, GBK. */
export function headerNotes(h: RosterHeader, encoding: EncodingChoice, lang: NoteLang = 'en'): string[] {
  const zh = lang === 'zh';
  const notes: string[] = [];
  const titles = titleNote(h, lang);
  if (titles) notes.push(titles);
  if (h.secondRow) {
    notes.push(zh ? `${h.file}: 表头延续到第 ${h.secondRow} 行(分组标题, 其下为列名): 两行合为一个表头` : `${h.file}: the header goes on in row ${h.secondRow} (grouped headings, the column names below them): the two read as one`);
  }
  if (h.ignored.length) notes.push(zh ? `${h.file}: 忽略无人读取的列: ${h.ignored.join(', ')}` : `${h.file}: ignoring columns nobody reads: ${h.ignored.join(', ')}`);
  if (h.encoding === 'gb18030' && encoding === 'auto') notes.push(zh ? `${h.file}: 按 GBK/GB18030 读取` : `${h.file}: read as GBK/GB18030`);
  return notes;
}

/** How many records above the header are looked through for it: a title, a subtitle, 填报单位, a note. */
const MAX_TITLE_ROWS = 10;

/** What HeaderFinder found: the header, the rows above it set aside as a title, and rows it held that are data after all. */
interface FoundHeader {
  header: { fields: string[]; ignored: string[]; misread: Bilingual[]; titles: TitleRow[]; labels: string[]; secondRow?: number };
  rows: { row: number; cells: string[] }[];
}

/**
 * Finds the header among a file's first non-blank records: the first that names a column we read. A roster saved
 * from a spreadsheet often has the sheet's title above it (诸暨市2020年职业技能培训补贴花名册, 填报单位 …), which
 * holds no claim: those rows are set aside and named (`titles`). If none of the first MAX_TITLE_ROWS records names a
 * column, the first is the header as it stands (its misspelt columns are then said) and the others are rows.
 */
class HeaderFinder {
  private readonly held: { row: number; cells: string[] }[] = [];
  /** The record that names columns, held until the next one says whether the header goes on there (secondHeaderRow). */
  private named: { row: number; cells: string[]; titles: TitleRow[] } | undefined;
  constructor(private readonly file: string) {}

  /** The next non-blank record while there is no header: the header once it is settled. */
  offer(row: number, cells: readonly string[]): FoundHeader | undefined {
    if (cells.every((c) => c.trim() === '')) return undefined; // ",,,," above the header: as a blank line
    const named = this.named;
    if (named) {
      this.named = undefined;
      const both = secondHeaderRow(named.cells, cells);
      if (both) return { header: { ...mapHeader(this.file, both), titles: named.titles, secondRow: row }, rows: [] };
      return { header: { ...mapHeader(this.file, named.cells), titles: named.titles }, rows: [{ row, cells: [...cells] }] };
    }
    if (cells.some((c) => headerField(c) !== undefined)) {
      this.named = { row, cells: [...cells], titles: this.held.map((t) => ({ row: t.row, text: t.cells.filter((c) => c.trim()).join(' ') })) };
      return undefined;
    }
    this.held.push({ row, cells: [...cells] });
    return this.held.length === MAX_TITLE_ROWS ? this.end() : undefined;
  }

  /** The input ended (or MAX_TITLE_ROWS were held) without a header settled: the record naming columns, else the first. */
  end(): FoundHeader | undefined {
    const named = this.named;
    if (named) {
      this.named = undefined;
      return { header: { ...mapHeader(this.file, named.cells), titles: named.titles }, rows: [] };
    }
    const [first, ...rest] = this.held;
    return first && { header: { ...mapHeader(this.file, first.cells), titles: [] }, rows: rest };
  }
}

/**
 * A header of grouped headings on two rows, as sheets often have (培训情况 over 补贴项目, 结业日期, 等级: the group's
 * cell merged across its columns, the column names on the row below, and 姓名 merged down both rows): the row under
 * the header goes on with it when every cell it fills names a column, under a column the first row names nothing
 * in. Then the header is the two read as one, each column named by the row that names it. A row with a value in it
 * is data.
 */
function secondHeaderRow(first: readonly string[], second: readonly string[]): string[] | undefined {
  const both = [...first];
  let named = 0;
  for (let i = 0; i < second.length; i++) {
    const cell = second[i]!.trim();
    if (cell === '') continue;
    if (headerField(cell) === undefined || headerField(first[i] ?? '') !== undefined) return undefined;
    both[i] = cell;
    named++;
  }
  return named ? both : undefined;
}

/**
 * Stream a roster's records. `file` "-" reads standard input. The header callback runs once before the first record.
 * Rows are numbered as a spreadsheet shows them (the header is row 1), counting blank lines and lines inside quoted cells.
 */
export async function* readRoster(
  file: string,
  encoding: EncodingChoice,
  onHeader: (h: RosterHeader) => void,
  onBytes?: (bytesRead: number) => void,
  copies?: SheetCopies,
): AsyncGenerator<RosterRecord> {
  for await (const batch of readRosterBatches(file, encoding, onHeader, onBytes, copies)) yield* batch;
}

/** The same records in batches (one per parsed chunk), without an async hop per row. */
export async function* readRosterBatches(
  file: string,
  encoding: EncodingChoice,
  onHeader: (h: RosterHeader) => void,
  onBytes?: (bytesRead: number) => void,
  /** Workbooks read from their sheet's copy (`file` still names them). */
  copies?: SheetCopies,
): AsyncGenerator<RosterRecord[]> {
  const from = sourceOf(file, encoding, copies);
  yield* generalBatches(from.path, file === '-' ? '(stdin)' : file, from.encoding, onHeader, onBytes, undefined);
}

/** Where the records of a byte range go, in input order. */
export interface RecordSink {
  record(rec: RosterRecord): void;
  /**
   * Offered first where the range is cut by hand (UTF-8, commas): each line, as bytes [start, end) of `buf` (its
   * line break left out), with its spreadsheet row and the header. True when the sink took the line as one whole
   * record; it is then neither decoded nor cut into cells (the bytes are only valid during the call). A line that
   * is not a whole regular record (a quoted cell running on, irregular quotes) must not be taken.
   */
  plain?(buf: Buffer, start: number, end: number, row: number, header: RosterHeader): boolean;
}

/** The records of one byte range (see chunks.ts), pushed to `sink` in order: the hot path of large runs. */
export async function readRosterPart(
  file: string,
  encoding: EncodingChoice,
  part: RosterPart,
  sink: RecordSink,
  onBytes?: (bytesRead: number) => void,
): Promise<void> {
  if (part.format?.encoding === 'utf8' && file !== '-') await cutPart(file, encoding, { ...part, format: part.format }, sink, onBytes);
  else for await (const batch of generalBatches(file, part.label, encoding, () => undefined, onBytes, part)) for (const rec of batch) sink.record(rec);
}

/**
 * A UTF-8 range (of a split file, or a whole one), cut by hand (fastCsv.ts), with the same records and row numbers as the general reader: on
 * 500k rows the stream through PapaParse cost ~1.5 s of one thread's ~7.4 s, the cutter ~0.8 s. From the first
 * record it does not take on, the general reader reads the rest.
 */
async function cutPart(
  file: string,
  encoding: EncodingChoice,
  part: RosterPart & { format: SplitFormat },
  sink: RecordSink,
  onBytes: ((bytesRead: number) => void) | undefined,
): Promise<void> {
  const label = part.label;
  let header = part.header;
  // Column 0 is always cut: a record of one empty cell is a blank line.
  const wantedOf = (h: RosterHeader): boolean[] => h.fields.map((f, i) => i === 0 || f !== '');
  let wanted = header && wantedOf(header);
  let line = part.range.firstRow;
  const cutter = new RecordCutter(file, part.range, part.format.newline);
  const finder = new HeaderFinder(label);
  const settle = (found: FoundHeader): RosterHeader => {
    const h: RosterHeader = { file: label, encoding: 'utf8', ...found.header };
    wanted = wantedOf(h);
    for (const r of found.rows) sink.record(recordOf(label, r.row, h, r.cells, r.cells.length));
    return h;
  };
  const onRecord = (rec: CutRecord): void => {
    const row = line;
    line += 1 + rec.newlines;
    if (rec.count === 1 && rec.cells[0] === '') return; // a blank line
    if (!header) {
      // Every cell is wanted until the header is known: the record's cells are its first `count`.
      const found = finder.offer(row, (rec.cells as string[]).slice(0, rec.count));
      if (found) header = settle(found);
      return;
    }
    const raw = rec.count > header.fields.length ? rec.text.slice(rec.from, rec.to) : undefined;
    sink.record(recordOf(label, row, header, rec.cells, rec.count, raw));
  };
  const plain = sink.plain && ((buf: Buffer, start: number, end: number): boolean => {
    if (!header || !sink.plain!(buf, start, end, line, header)) return false;
    line++;
    return true;
  });
  let handover: Handover | undefined;
  try {
    for (let blocks = 1; ; blocks++) {
      const r = cutter.block(wanted, onRecord, plain);
      onBytes?.(cutter.consumed);
      if (r === 'done') break;
      if (r !== 'more') {
        handover = r;
        break;
      }
      // Let the thread's other work (helper threads' messages, progress) in now and then.
      if (blocks % 16 === 0) await new Promise((done) => setImmediate(done));
    }
  } catch (e) {
    if (e instanceof RosterError) throw e;
    throw cannotRead(label, e);
  } finally {
    cutter.close();
  }
  if (!header) {
    const found = finder.end();
    if (found) header = settle(found);
  }
  if (handover) {
    const from = handover.byte;
    const rest = { ...part, range: { start: from, end: part.range.end, firstRow: part.range.firstRow + handover.lines }, header };
    const more = generalBatches(file, label, encoding, () => undefined, onBytes && ((b) => onBytes(from - part.range.start + b)), rest);
    for await (const batch of more) for (const rec of batch) sink.record(rec);
  } else if (!header) throw emptyFile(label);
}

/** The general reader: any encoding and delimiter, quotes broken or not (textCsv.ts), from a stream. */
async function* generalBatches(
  file: string,
  label: string,
  encoding: EncodingChoice,
  onHeader: (h: RosterHeader) => void,
  onBytes: ((bytesRead: number) => void) | undefined,
  part: RosterPart | undefined,
): AsyncGenerator<RosterRecord[]> {
  // 8 KB reads: a batch of rows (one per read) is done with before the young generation is collected twice.
  // Larger batches outlived that and were promoted: with 256 KB two capped threads spent a third of pass A in
  // full GCs; with 64 KB a capped thread still ran ~60 full GCs per 500k rows (8 KB: 4, and pass A ~15% quicker).
  const source: Readable =
    file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 13, ...(part && { start: part.range.start, end: part.range.end - 1 }) });
  let chosen: 'utf8' | 'gb18030' = part?.format?.encoding ?? (encoding === 'auto' ? 'utf8' : encoding);
  const bytes = peeked(
    source,
    (sample) => {
      if (part?.format) return; // a later range of a file read whole before
      refuseNotCsv(label, sample);
      if (encoding === 'auto') chosen = file === '-' ? detectEncoding(sample) : detectFileEncoding(file, sample);
    },
    onBytes,
  );
  let header: RosterHeader | undefined = part?.header;
  let line = part?.range.firstRow ?? 1; // the spreadsheet row the next record starts on
  const finder = new HeaderFinder(label);
  const settle = (found: FoundHeader, out: RosterRecord[]): RosterHeader => {
    const h: RosterHeader = { file: label, encoding: chosen, ...found.header };
    onHeader(h);
    for (const r of found.rows) out.push(recordOf(label, r.row, h, r.cells, r.cells.length));
    return h;
  };
  try {
    for await (const batch of csvRows(decode(bytes, () => chosen), part?.format ? ',' : undefined, () => header?.fields.length)) {
      const out: RosterRecord[] = [];
      for (const rec of batch) {
        const row = line;
        line += rec.lines;
        if (rec.cells.length === 0) {
          out.push({ file: label, row, cells: new Map(), unreadable: brokenQuote(rec.broken, header?.fields), raw: rec.raw });
          continue;
        }
        if (rec.cells.length === 1 && rec.cells[0] === '') continue; // a blank line
        if (!header) {
          const found = finder.offer(row, rec.cells);
          if (found) header = settle(found, out);
          continue;
        }
        out.push(recordOf(label, row, header, rec.cells, rec.cells.length, rec.raw));
      }
      if (out.length) yield out;
    }
    if (!header) {
      const found = finder.end();
      const out: RosterRecord[] = [];
      if (found) header = settle(found, out);
      if (out.length) yield out;
    }
  } catch (e) {
    if (e instanceof RosterError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new RosterError(`${label}: no such file`, `${label}: 文件不存在`);
    throw new RosterError(`${label}: cannot read as CSV: ${err.message}`, `${label}: 无法作为 CSV 读取: ${err.message}`);
  }
  if (!header) throw emptyFile(label);
}

/** A record of `count` cells as both readers give it: by field, or unreadable when it has more cells than the header (tooManyCells). */
function recordOf(file: string, row: number, header: Pick<RosterHeader, 'fields' | 'labels'>, cells: readonly (string | undefined)[], count: number, raw?: string): RosterRecord {
  const { fields } = header;
  if (count > fields.length) return { file, row, cells: new Map(), unreadable: tooManyCells(count, fields.length), raw };
  // A lone Ctrl-Z, the end-of-file mark some old systems' exports still end with: no claim, a row with nothing in it.
  if (count === 1 && cells[0]?.trim() === '\x1a') return { file, row, cells: new Map(), skipped: 'empty' };
  const byField = cellsByField(fields, cells);
  const kind = notAClaim(header, cells, byField);
  if (kind) return { file, row, cells: kind.skipped === 'header' ? new Map() : byField, ...kind };
  return count < fields.length && readBeyond(fields, count) ? { file, row, cells: byField, short: true } : { file, row, cells: byField };
}

/** Whether a column from `count` on is read (a row of `count` cells leaves it blank). */
function readBeyond(fields: readonly string[], count: number): boolean {
  for (let i = count; i < fields.length; i++) if (fields[i] !== '') return true;
  return false;
}

/** A file's header, with the delimiter and line break the reader settles on from the same first block. */
export interface RosterHead extends RosterHeader {
  delimiter: string;
  linebreak: string;
}

/**
 * The header of a roster file, read from its first block alone (the first non-blank record), without reading on.
 * Split runs give it to the byte ranges after the first; the first range reads it again as its own first record.
 */
export async function readHeader(file: string, encoding: EncodingChoice, label: string): Promise<RosterHead> {
  const fd = openSync(file, 'r');
  let first: Buffer;
  try {
    const buf = Buffer.alloc(1 << 20);
    first = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } catch (e) {
    throw cannotRead(label, e);
  } finally {
    closeSync(fd);
  }
  refuseNotCsv(label, first);
  const chosen = encoding === 'auto' ? detectFileEncoding(file, first) : encoding;
  const text = decoderFor(chosen).write(first);
  const { header, delimiter, linebreak } = headerIn(text, label);
  if (!header) throw emptyFile(label);
  return { file: label, encoding: chosen, ...header, delimiter, linebreak };
}

/** The header in the start of a roster's text, as the readers find it (HeaderFinder), with the delimiter and line break. */
export function headerIn(text: string, label: string): { header: FoundHeader['header'] | undefined; delimiter: string; linebreak: string } {
  const { data, meta } = Papa.parse<string[]>(text, { preview: 64 });
  const finder = new HeaderFinder(label);
  let line = 1; // rows numbered as the readers number them
  let found: FoundHeader | undefined;
  for (const record of data) {
    const row = line;
    line += 1 + newlinesIn(record);
    if (record.length === 1 && record[0] === '') continue;
    if ((found = finder.offer(row, record))) break;
  }
  found ??= finder.end();
  return { header: found?.header, delimiter: meta.delimiter, linebreak: meta.linebreak };
}

function newlinesIn(cells: string[]): number {
  let n = 0;
  for (const c of cells) if (c.includes('\n')) n += c.split('\n').length - 1;
  return n;
}

/** How much text the delimiter and line break are guessed from, as PapaParse guesses them. */
const GUESS_CHARS = 64 * 1024;

/**
 * CSV records from decoded text, in batches (one per piece of text), cut by TextRecords: with `delimiter` given (a
 * split file's), or guessed by PapaParse from the first text with the line break. `columns` is the header's
 * width once known (a quoted cell taking in rows that wide is a broken quote).
 */
async function* csvRows(text: AsyncGenerator<string>, delimiter: string | undefined, columns: () => number | undefined): AsyncGenerator<TextRecord[]> {
  let cutter: TextRecords | undefined;
  let held = '';
  const start = (sample: string): TextRecords => {
    const { meta } = Papa.parse<string[]>(sample, { preview: 64 });
    return new TextRecords(delimiter ?? meta.delimiter ?? ',', meta.linebreak === '\r', columns);
  };
  for await (const piece of text) {
    if (!cutter) {
      held += piece;
      if (held.length < GUESS_CHARS) continue;
      cutter = start(held);
      const first = held;
      held = '';
      yield cutter.push(first);
      continue;
    }
    yield cutter.push(piece);
  }
  cutter ??= start(held);
  if (held) yield cutter.push(held);
  yield cutter.end();
}

/** A spreadsheet's name for column `n` (from 1): A … Z, AA …, as the clerk sees it in Excel or WPS. */
export function columnLetter(n: number): string {
  let name = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) name = String.fromCharCode(65 + ((k - 1) % 26)) + name;
  return name;
}

/** What a broken line's reject says (TextRecords): which cell, and what to do about it. */
function brokenQuote(broken: BrokenQuote | undefined, fields: readonly string[] | undefined): Bilingual {
  if (!broken) return { zh: '引号不成对', en: 'broken quotes' };
  const field = fields?.[broken.cell - 1];
  const letter = columnLetter(broken.cell);
  const cell = { zh: `第${broken.cell}个单元格(${letter}列${field ? `, ${field}` : ''})`, en: `cell ${broken.cell} (column ${letter}${field ? `, ${field}` : ''})` };
  if (broken.kind === 'closed_early') {
    return {
      zh: `${cell.zh}以引号开头, 引号在单元格结束之前就闭合了(如 "红星"培训学校): 请去掉这些引号, 或把整个单元格放在引号里并把其中的引号写两遍("""红星""培训学校")`,
      en: `${cell.en} starts with a quote that closes before the cell ends (as in "红星"培训学校): remove those quotes, or put the whole cell in quotes with the quotes inside doubled ("""红星""培训学校")`,
    };
  }
  return {
    zh: `${cell.zh}以引号开头, 本行没有闭合它: 读下去会把其后的各行都读进这个单元格(缺了结尾的引号?), 因此只拒收本行, 其后各行照常读取`,
    en: `${cell.en} starts with a quote this line does not close: read on, the rows after it would all go into that cell (a closing quote missing?), so this line alone is rejected and the lines after it are read as rows`,
  };
}

/** Decode byte chunks with the encoding decided after the first chunk was seen. */
/** How every reader here decodes a roster (and transcodeToUtf8 copies it): a BOM dropped. */
const decoderFor = (encoding: 'utf8' | 'gb18030'): ReturnType<typeof iconv.getDecoder> => iconv.getDecoder(encoding, { stripBOM: true });

async function* decode(bytes: AsyncGenerator<Buffer>, encodingOf: () => 'utf8' | 'gb18030'): AsyncGenerator<string> {
  let decoder: ReturnType<typeof iconv.getDecoder> | undefined;
  for await (const chunk of bytes) {
    decoder ??= decoderFor(encodingOf());
    const s = decoder.write(chunk);
    if (s) yield s;
  }
  const rest = decoder?.end();
  if (rest) yield rest;
}

/**
 * A GBK/GB18030 roster written out as UTF-8 (`dest`), decoded exactly as the general reader decodes it (a BOM
 * dropped, a bad byte a replacement character, line breaks kept): a large run then reads the copy with the
 * hand cutter and row shapes from bytes, which take UTF-8 only. With `range`, only bytes [start, end): a byte
 * range of a split file (chunks.ts), which begins and ends at a line break, where no character is cut (a BOM is
 * then dropped only at the file's start, as the general reader drops it).
 */
export function transcodeToUtf8(src: string, dest: string, range?: { start: number; end: number }): void {
  const from = openSync(src, 'r');
  const to = openSync(dest, 'w');
  // Blocks read and written through the same two buffers: a buffer a block left behind each time grew the heap.
  const block = Buffer.allocUnsafe(1 << 16);
  // A byte of GB18030 decodes to at most one UTF-16 unit (3 bytes of UTF-8); the decoder may add a few bytes it held.
  const out = Buffer.allocUnsafe(3 * (block.length + 16));
  const decoder = range && range.start > 0 ? iconv.getDecoder('gb18030', { stripBOM: false }) : decoderFor('gb18030');
  const put = (text: string): void => {
    const n = out.write(text, 0, 'utf8');
    writeAll(to, out, 0, n);
  };
  let at = range?.start ?? 0;
  const end = range?.end ?? Infinity;
  const next = (): number => {
    const n = readSync(from, block, 0, Math.min(block.length, end - at), at);
    at += n;
    return n;
  };
  try {
    for (let n = next(); n > 0; n = next()) put(decoder.write(block.subarray(0, n)));
    put(decoder.end() ?? '');
  } finally {
    closeSync(from);
    closeSync(to);
  }
}
