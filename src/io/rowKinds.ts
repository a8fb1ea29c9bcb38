// Roster rows that are no claims (blank, a 合计 row, the header again, a form's sign-off), and what a run says of them.
import type { NoteLang } from './roster.js';

/** The parts of a roster's header these rows are told by. */
type Header = { fields: readonly string[]; labels: readonly string[] };

export type SkipKind = 'empty' | 'totals' | 'header' | 'footer';

/**
 * What a record is when it is no claim, tried in this order: the header again (its cells are none of the sheet's),
 * a totals row, a sign-off, a row whose every column read is blank. `byField` is the record's cells by field (cellsByField).
 */
export function notAClaim(header: Header, cells: readonly (string | undefined)[], byField: Map<string, string>): { skipped: SkipKind; subtotal?: true } | undefined {
  if (isHeaderAgain(header, cells)) return { skipped: 'header' };
  const totals = totalsKind(cells[0], byField);
  if (totals) return totals === 'sub' ? { skipped: 'totals', subtotal: true } : { skipped: 'totals' };
  if (isFooter(header.fields, cells, byField)) return { skipped: 'footer' };
  if (!byField.size) return { skipped: 'empty' };
  return undefined;
}

/**
 * A sheet's totals row: 合计 (小计, 总计, 共计, Total; "合计：12人") in its first column, or as the ID or the name, and no
 * ID. It sums the rows above it: read as a claim it would be rejected for want of a programme (or, worse, a plan's
 * counts would be counted twice). Only the first column and the columns read are looked at, as the byte cutter cuts
 * no other. A person's ID is never a totals label, so a row with one is always a claim.
 */
function totalsKind(first: string | undefined, cells: Map<string, string>): 'sub' | 'grand' | undefined {
  const id = cells.get('person_id');
  if (id !== undefined) return totalsLabel(id);
  return totalsLabel(first) ?? totalsLabel(cells.get('name'));
}

/**
 * A form's sign-off under its rows: 制表人：张三, 审核人：, 填报日期：2021年3月1日, 单位（盖章）, 注：本表一式三份, 以下空白 …
 * and the lines of its notes, numbered (1. 本表由培训机构填写; （2）…) or, alone in their row, sentences (noteSentence).
 * Offices' roster forms end so, and read as claims
 * such rows were rejected for a bad ID and an unknown programme, and taken for merged cells. The first non-blank cell
 * looked at (the first column's, then the columns read, as the byte cutter cuts no other) is such a label or note
 * line, and the row has no ID and no programme but labels: a claim needs a programme, so a row that names one (or
 * gives an ID) is always read as a claim.
 */
function isFooter(fields: readonly string[], cells: readonly (string | undefined)[], byField: Map<string, string>): boolean {
  let first: string | undefined;
  let at = 0;
  for (; at < fields.length && first === undefined; at++) {
    if (at > 0 && !fields[at]) continue;
    const t = cells[at]?.trim();
    if (t) first = t;
  }
  if (first === undefined) return false;
  // A note's unnumbered sentence (本表一式三份，报人社局。) counts only when it is the row's one cell looked at.
  const sentence = noteSentence(first) && !anyFilled(fields, cells, at);
  if (!(sentence || footerLabel(first) || NOTE_LINE.test(first))) return false;
  const label = (cell: string | undefined): boolean => cell === undefined || footerLabel(cell) || (sentence && cell.trim() === first);
  return label(byField.get('person_id')) && label(byField.get('program'));
}

/** Whether a cell looked at (the first column's, or a column read) from column `from` on is not blank. */
function anyFilled(fields: readonly string[], cells: readonly (string | undefined)[], from: number): boolean {
  for (let i = from; i < fields.length; i++) if ((i === 0 || fields[i]) && cells[i]?.trim()) return true;
  return false;
}

/**
 * Labels of a form's sign-off, each followed by the end of the cell, a colon, a space or a bracket: who made,
 * filled in, checked or approved the form, its date, a seal, a phone number, notes, and the 以下空白 (nothing below)
 * that closes a form's rows. 注 only with a colon.
 */
const FOOTER_LABEL =
  /^(?:(?:(?:制表|填表|填报|统计|审核|复核|审批|审定|核对|经办)人?|(?:单位|部门)?负责人|(?:主管|分管)?领导(?:签字)?|签字|签名|联系人|联系电话|(?:制表|填表|填报|报送)日期|(?:填报|申报)单位|(?:(?:填报|申报)?单位)?[（(]?(?:盖章|公章)[)）]?|备注|附注|说明|注意事项|以下(?:空白|为空|无内容|无正文|无数据))(?:$|[:：\s（(。.])|注[:：])/;

/** A numbered line of a form's notes: 1. 本表…, 2、身份证号码…, （3）… (a number, a mark, then Chinese text; a 序号 is a number alone). */
const NOTE_LINE = /^(?:\d{1,2}\s*[.、．:：)）]|[（(]\d{1,2}[)）])\s*[\u4e00-\u9fff]/;

/**
 * A sentence of a form's notes, as the lines under 说明： run on unnumbered: ten or more characters of Chinese text
 * with a sentence's punctuation (，。；). A name, an occupation, a programme's name or a group never has it, and a
 * name with a short remark (欧阳娜娜，补录) is too short; a cell that holds an ID's run of digits is no note.
 */
const noteSentence = (cell: string): boolean => cell.charCodeAt(0) >= 0x4e00 && cell.length >= 10 && /[，。；]/.test(cell) && !/\d{6}/.test(cell);

/** Whether a cell (trimmed) is a form's sign-off label (isFooter). */
const footerLabel = (cell: string): boolean => {
  const c = cell.charCodeAt(0);
  return (c >= 0x4e00 || c === 0x28) && FOOTER_LABEL.test(cell); // a label starts with a CJK character or a bracket (（盖章）): IDs and 序号 never do
};

/** What a record of these cells is, when no claim: a blank, totals or sign-off row, or the header again (check --save looks below the data). */
export function skippedKind(header: Header, cells: readonly string[]): SkipKind | undefined {
  if (cells.length > header.fields.length) return undefined; // unreadable (roster.ts, tooManyCells): a reject
  return notAClaim(header, cells, cellsByField(header.fields, cells))?.skipped;
}

/**
 * The header again, as where two rosters were put together one below the other: every column read says what its
 * header says. Read as a claim it would be a reject with a problem in every column ("身份证号码" no ID, "日期" no
 * date …). Only the columns read are compared (the byte cutter cuts no other), the first of them first.
 */
function isHeaderAgain(header: Header, cells: readonly (string | undefined)[]): boolean {
  const { fields, labels } = header;
  let compared = 0;
  for (let i = 0; i < fields.length; i++) {
    if (!fields[i]) continue;
    if (cells[i]?.trim() !== labels[i]) return false;
    compared++;
  }
  return compared > 0;
}

const TOTALS_LABEL = /^(?:总?合计|总计|小计|共计|(?:grand|sub)?totals?)(?:$|[:：\d])/i;

/** 'sub' for 小计 (a section's total), 'grand' for the others, undefined for a cell that is no totals label. */
function totalsLabel(cell: string | undefined): 'sub' | 'grand' | undefined {
  if (cell === undefined) return undefined;
  const c = cell.charCodeAt(0);
  if (c >= 48 && c <= 57) return undefined; // an ID or a 序号: by far the most cells looked at, and never a label
  const label = cell.replace(/\s/g, '');
  if (!TOTALS_LABEL.test(label)) return undefined;
  return /^(?:小计|subtotal)/i.test(label) ? 'sub' : 'grand';
}

/** How many rows of a file were skipped, of one kind, and the first ten (the plain data a chunk hands back). */
export interface RowList {
  count: number;
  rows: number[];
}

/** What the run says of a file's rows: those skipped, per kind, and the claims that end early (RosterRecord.short). */
const LISTED: readonly (SkipKind | 'short')[] = ['empty', 'totals', 'header', 'footer', 'short'];

/** A file's skipped rows per kind, and its short rows (the plain data a chunk hands back). */
export type SkippedLists = Record<SkipKind | 'short', RowList>;

/** Collects a file's skipped rows (RosterRecord.skipped) for skippedNotes: per kind, their count and the first ten. */
export class SkippedRows {
  readonly empty: RowList = { count: 0, rows: [] };
  readonly totals: RowList = { count: 0, rows: [] };
  readonly header: RowList = { count: 0, rows: [] };
  readonly footer: RowList = { count: 0, rows: [] };
  /** Not skipped, but said: claims that end before the header's last column read. */
  readonly short: RowList = { count: 0, rows: [] };
  /** What checking the totals rows against the rows above them found (TotalsCheck), said after the counts. */
  checks: string[] = [];
  add(kind: SkipKind | 'short', row: number): void {
    const list = this[kind];
    if (list.count++ < 10) list.rows.push(row);
  }
  /** Another part's rows, after this one's (a file's chunks are added in order). */
  addAll(other: SkippedLists): void {
    for (const kind of LISTED) {
      const list = this[kind];
      list.rows.push(...other[kind].rows.slice(0, 10 - list.rows.length));
      list.count += other[kind].count;
    }
  }
  get count(): number {
    return this.empty.count + this.totals.count + this.header.count + this.footer.count;
  }
  /** The lists alone, as a chunk hands them back. */
  get lists(): SkippedLists {
    return { empty: this.empty, totals: this.totals, header: this.header, footer: this.footer, short: this.short };
  }
}

/** What a run says of a file's skipped rows: how many of each kind, and the first few. */
export function skippedNotes(file: string, skipped: SkippedLists & { checks?: string[] }, lang: NoteLang = 'en'): string[] {
  const zh = lang === 'zh';
  const rows = ({ count, rows }: RowList): string =>
    zh ? `第 ${rows.join(', ')}${count > rows.length ? ', …' : ''} 行` : `row${rows.length > 1 ? 's' : ''} ${rows.join(', ')}${count > rows.length ? ', …' : ''}`;
  const notes: string[] = [];
  const { empty, totals, header, footer, short } = skipped;
  if (header.count) {
    notes.push(zh ? `${file}: ${header.count} 行重复了表头, 已单列, 不作为申请读取 (${rows(header)}): 是两张花名册上下拼在一起了吗?` : `${file}: ${header.count} row(s) repeating the header set aside, not read as claims (${rows(header)}): rosters put together one below the other?`);
  }
  if (totals.count) notes.push(zh ? `${file}: ${totals.count} 个合计行(合计/小计, 无身份证号)已单列, 不作为申请读取 (${rows(totals)})` : `${file}: ${totals.count} totals row(s) (合计/小计, no ID) set aside, not read as claims (${rows(totals)})`);
  if (footer.count) {
    notes.push(
      zh
        ? `${file}: ${footer.count} 行为落款或备注(制表人、审核人、填报日期、注：…, 无身份证号和补贴项目), 已单列, 不作为申请读取 (${rows(footer)})`
        : `${file}: ${footer.count} sign-off or note row(s) (制表人, 审核人, 填报日期, 注：…, with no ID and no programme) set aside, not read as claims (${rows(footer)})`,
    );
  }
  if (empty.count) notes.push(zh ? `${file}: 跳过 ${empty.count} 个空行, 所读各列均为空 (${rows(empty)})` : `${file}: ${empty.count} empty row(s) skipped, every column read blank (${rows(empty)})`);
  if (short.count) {
    notes.push(
      zh
        ? `${file}: ${short.count} 行的单元格比表头少, 缺少的列按空白读取 (${rows(short)}): 未申报的费用按上限计算。是某个未加引号的单元格中的换行把一行截断了吗?`
        : `${file}: ${short.count} row(s) with fewer cells than the header, their last columns read blank (${rows(short)}): a cost left out is paid at the cap. A line cut by a line break in a cell not in quotes?`,
    );
  }
  notes.push(...(skipped.checks ?? []));
  return notes;
}

/** A record's non-blank cells (trimmed) by the field their column maps to; columns nobody reads are left out. */
export function cellsByField(fields: readonly string[], record: readonly (string | undefined)[]): Map<string, string> {
  const cells = new Map<string, string>();
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    const v = record[i];
    if (f && v !== undefined) {
      const t = unwrapText(v.trim());
      if (t !== '') cells.set(f, t);
    }
  }
  return cells;
}

/**
 * A cell exported as a spreadsheet text formula, ="330681199001010015" (how some systems keep Excel from turning an
 * ID into a number or a date into a serial): the text inside. Anything else as it is.
 */
function unwrapText(t: string): string {
  if (t.charCodeAt(0) !== 61 || t.charCodeAt(1) !== 34 || t.length < 3 || t.charCodeAt(t.length - 1) !== 34) return t;
  const inner = t.slice(2, -1);
  return inner.includes('"') ? t : inner.trim();
}

