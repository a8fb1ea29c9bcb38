// Output CSVs: breakdown, summary, persons, rejects — UTF-8 with BOM for Excel/WPS, safe against formula injection.
import type { Reject } from '../engine/intake.js';
import { formatYuan } from '../engine/money.js';
import type { SummaryRow } from '../engine/summarize.js';
import { type Override, clean } from '../engine/partition.js';
import type { PersonRow } from '../engine/persons.js';
import type { Lang, Line } from '../engine/types.js';

export type { Lang } from '../engine/types.js';

export const BOM = '\uFEFF';

/** A cell a spreadsheet would run as a formula (= + - @, tab, CR) gets a leading apostrophe. */
export function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * One CSV record (RFC 4180: a cell with a comma, quote or line break is quoted, quotes doubled), CRLF-terminated.
 * Written here rather than through csv-stringify: it is the hot path of a million-line breakdown (csv-stringify
 * called per record cost about 2.5 µs a line more).
 */
export function csvRow(cells: (string | number)[]): string {
  let out = '';
  for (let i = 0; i < cells.length; i++) {
    if (i) out += ',';
    out += csvCell(cells[i]!);
  }
  return `${out}\r\n`;
}

const NEEDS_CARE = /^[=+\-@\t\r]|[",\r\n]/;

/** One cell as csvRow writes it. */
export function csvCell(c: string | number): string {
  if (typeof c === 'number') return String(c);
  // One test for the common case: a cell that needs neither the apostrophe nor quotes goes out as it is.
  if (!NEEDS_CARE.test(c)) return c;
  const v = safeCell(c);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

const BREAKDOWN: [string, string][] = [
  ['file', '输入文件'], ['row', '行号'], ['jurisdiction', '地区'], ['document_status', '文件状态'],
  ['person_id', '身份证号码'], ['name', '姓名'], ['program', '补贴项目'], ['program_name', '项目名称'],
  ['payee', '支付对象'], ['payee_name', '支付对象名称'], ['date', '日期'], ['year', '年度'], ['occupation', '职业'], ['level', '等级'],
  ['status', '状态'], ['reason_code', '原因代码'], ['reason', '原因'], ['amount', '金额(元)'], ['basis', '计算方式'],
  ['formula', '计算公式'], ['citation', '政策依据'], ['max_exposure', '最高敞口(元)'], ['companion_of', '随附于'],
];

const SUMMARY: [string, string][] = [
  ['jurisdiction', '地区'], ['document_status', '文件状态'], ['program', '补贴项目'], ['program_name', '项目名称'],
  ['payee', '支付对象'], ['payee_name', '支付对象名称'], ['status', '状态'], ['claims', '笔数'], ['persons', '人数'], ['amount', '金额(元)'],
  ['max_exposure', '待审最高敞口(元)'], ['unquantified', '待审无上限笔数'],
];

const PERSONS: [string, string][] = [
  ['jurisdiction', '地区'], ['document_status', '文件状态'], ['subject', '对象'], ['id', '证件号码'], ['name', '姓名'],
  ['other_names', '同号其他姓名'], ['claims', '笔数'], ['approved', '核准笔数'], ['review', '待审笔数'], ['denied', '不予补贴笔数'], ['duplicate', '已付重复笔数'],
  ['amount', '核准金额(元)'], ['paid_to_them', '其中发给本人或本单位(元)'], ['paid_to_others', '其中发给企业或培训机构(元)'],
  ['max_exposure', '待审最高敞口(元)'], ['unquantified', '待审无上限笔数'], ['first_file', '首行文件'], ['first_row', '首行行号'],
];

const REJECTS: [string, string][] = [
  ['file', '输入文件'], ['row', '行号'], ['column', '列'], ['value', '值'], ['code', '原因代码'], ['reason', '原因'],
];

const header = (cols: [string, string][], lang: Lang): string => csvRow(cols.map(([en, zh]) => (lang === 'zh' ? zh : en)));

/** The four outputs of a run. */
export type OutputKind = 'breakdown' | 'summary' | 'persons' | 'rejects';

/** An output's columns by their English names, in order (whatever the language of its header). */
export const outputColumns = (kind: OutputKind): string[] => ({ breakdown: BREAKDOWN, summary: SUMMARY, persons: PERSONS, rejects: REJECTS })[kind].map(([en]) => en);

export const breakdownHeader = (lang: Lang): string => BOM + header(BREAKDOWN, lang);
export const summaryHeader = (lang: Lang): string => BOM + header(SUMMARY, lang);
export const rejectsHeader = (lang: Lang): string => BOM + header(REJECTS, lang);
export const personsHeader = (lang: Lang): string => BOM + header(PERSONS, lang);

/** 110105194912310021 → 110105********0021: region and check digits stay for matching by eye. */
export function maskId(id: string): string {
  return id.length === 18 ? `${id.slice(0, 6)}********${id.slice(14)}` : id;
}

export function breakdownRow(l: Line, lang: Lang, mask: boolean): string {
  return csvRow([
    l.file, l.row, l.jurisdiction, l.documentStatus, mask ? maskId(l.personId) : l.personId, l.name, l.program, l.programName[lang],
    l.payee, l.payeeName, l.date, l.year, l.occupation, l.level, l.status, l.reasonCode, l.reason[lang],
    l.status === 'approved' ? formatYuan(l.amountFen) : formatYuan(0), l.basis, l.formula[lang], l.citation,
    l.exposureFen === null ? '' : formatYuan(l.exposureFen), l.companionOf,
  ]);
}

const BREAKDOWN_COLUMN = new Map(BREAKDOWN.map(([en], i) => [en, i]));
const col = (name: string): number => BREAKDOWN_COLUMN.get(name)!;
const [STATUS, REASON, BASIS, CITATION, MAX_EXPOSURE, COMPANION_OF] = ['status', 'reason', 'basis', 'citation', 'max_exposure', 'companion_of'].map(col) as [number, number, number, number, number, number];
const QUOTE = 34;
const COMMA = 44;
/** Where each cell of a breakdown record starts (reused: one record is patched at a time). */
const starts = new Int32Array(BREAKDOWN.length + 1);

/** A limit's decision as the breakdown cells it rewrites, in the run's language (see patchBreakdownRecord). */
export interface Patch {
  /** The line is denied: basis and formula are rewritten too. */
  denied: boolean;
  /** status, reason_code, reason, amount (and basis, formula when denied), each followed by its comma; or, `appended`, what follows the reason. */
  cells: string;
  /** max_exposure. */
  exposure: string;
  /** Only the reason is added to (Override.appended): `cells` is the text that follows it, unencoded. */
  appended?: boolean;
}

export function patchOf(o: Override, lang: Lang): Patch {
  if (o.appended) return { denied: false, cells: o.reason[lang], exposure: o.exposureFen === null ? '' : yuanCell(o.exposureFen), appended: true };
  let cells = `${codeCell(o.status)},${codeCell(o.reasonCode)},${csvCell(o.reason[lang])},${o.status === 'approved' ? yuanCell(o.amountFen) : '0.00'},`;
  if (o.denied) cells += 'none,,';
  // `appended` said here too: one shape of patch for writeOverride, whose optimised code a second shape threw away.
  return { denied: o.denied, cells, exposure: o.exposureFen === null ? '' : yuanCell(o.exposureFen), appended: false };
}

/** Fen in yuan as csvCell writes them: only a negative amount (a leading minus) needs its guard. */
const yuanCell = (fen: number): string => (fen >= 0 ? formatYuan(fen) : csvCell(formatYuan(fen)));

/**
 * A status or reason code as csvCell writes it, remembered: a large run's limits threads write a few codes over and
 * over (~160,000 patches at 1M rows), and a regular expression per cell was most of making a patch.
 */
function codeCell(code: string): string {
  let cell = codeCells.get(code);
  if (cell === undefined) {
    if (codeCells.size >= 1024) codeCells.clear();
    codeCells.set(code, (cell = csvCell(code)));
  }
  return cell;
}
const codeCells = new Map<string, string>();

/**
 * A spilled breakdown record (bytes [from, to) of `bytes`) with a limit's decision written over it: the same
 * cells breakdownRow would give the changed line. The record's bytes are kept but for the cells the decision
 * rewrites (status, reason code, reason, amount, max exposure; basis and formula when it denies), which come
 * encoded: `cells` and `exposure` are bytes [start, end) of `patch.bytes` (see patchOf); or, an `appended`
 * patch, only the reason, with `cells` added to it. `out` gets byte ranges to copy, in order. Cells are found by
 * a scan of the bytes from the record's end.
 */
export function patchBreakdownRecord(
  bytes: Buffer,
  from: number,
  to: number,
  patch: { denied: boolean; appended: boolean; bytes: Buffer; cells: [number, number]; exposure: [number, number] },
  out: { bytes(src: Buffer, from: number, to: number): void },
  /** Where the bytes copied out start (at most `from`): unchanged lines before the record go in one copy with its first cells. */
  before = from,
): void {
  const { denied, cells, exposure } = patch;
  // Only the cells from status on are rewritten or kept around: found from the record's end, which passes over
  // about two thirds of its bytes (~160,000 records of the 1M-row bench roster are patched, on the last pass's one
  // thread). A doubled quote inside a quoted cell flips twice, either way: only a comma outside quotes ends a cell.
  let cell = BREAKDOWN.length - 1;
  let quoted = false;
  for (let i = to - 1; i >= from && cell >= STATUS; i--) {
    const c = bytes[i];
    if (c === QUOTE) quoted = !quoted;
    else if (c === COMMA && !quoted) starts[cell--] = i + 1;
  }
  if (cell >= STATUS || quoted) throw new Error(`a spilled breakdown record has fewer than the ${BREAKDOWN.length - STATUS} cells from status on`);
  if (patch.appended) {
    // The reason as the breakdown has it, the addition after it, encoded again as one cell (rare: a few lines a run).
    const cell = bytes.toString('utf8', starts[REASON]!, starts[REASON + 1]! - 1);
    const reason = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
    out.bytes(bytes, before, starts[REASON]!);
    const rewritten = Buffer.from(`${csvCell(reason + patch.bytes.toString('utf8', cells[0], cells[1]))},`);
    out.bytes(rewritten, 0, rewritten.length);
    out.bytes(bytes, starts[REASON + 1]!, to);
    return;
  }
  out.bytes(bytes, before, starts[STATUS]!);
  out.bytes(patch.bytes, cells[0], cells[1]);
  // Basis and formula are kept unless denied, and go with the citation after them.
  out.bytes(bytes, denied ? starts[CITATION]! : starts[BASIS]!, starts[MAX_EXPOSURE]!);
  out.bytes(patch.bytes, exposure[0], exposure[1]);
  // From the comma before companion_of to the record's end (its CRLF included).
  out.bytes(bytes, starts[COMPANION_OF]! - 1, to);
}

export function summaryRow(r: SummaryRow, lang: Lang): string {
  const total = r.program === '';
  return csvRow([
    r.jurisdiction, r.documentStatus, total ? (lang === 'zh' ? '合计' : 'TOTAL') : r.program, r.programName[lang], r.payee, r.payeeName, r.status,
    r.claims, r.persons, formatYuan(r.amountFen), formatYuan(r.exposureFen), r.unquantified,
  ]);
}

/** The most bytes a person's row takes (putPersonRow): its texts at 3 bytes a UTF-16 unit, quoted, and 16 numbers. */
export function personRowBound(r: PersonRow): number {
  const texts = r.jurisdiction.length + r.documentStatus.length + r.subject.length + r.personKey.length + r.name.length + r.file.length;
  return 3 * (texts + (r.otherNames.length ? otherNamesText(r).length : 0)) * 2 + 16 * 24;
}

/** The other_names cell: "王方; 汪芳", with "; …" when there were more (see PersonRow.otherNames). */
const otherNamesText = (r: PersonRow): string => clean([...r.otherNames, ...(r.moreNames ? ['…'] : [])].join('; '));

/**
 * One person's row (CRLF-terminated) as UTF-8 into `dst` at `at`, with room for personRowBound: returns the end. Cells as
 * csvRow writes them (the ID masked when asked; a unit's org code or name never), the key and name clean (no tab or
 * line break) as a large run's limit records keep them, so both paths write the same. Written as bytes, not strings
 * built cell by cell: a large run's limits threads write a row per person.
 */
export function putPersonRow(r: PersonRow, mask: boolean, dst: Buffer, at: number): number {
  at = putTextCell(r.jurisdiction, false, dst, at);
  at = putTextCell(r.documentStatus, false, dst, at);
  at = putTextCell(r.subject, false, dst, at);
  at = mask && r.subject === 'person' ? putCell(csvCell(maskId(clean(r.personKey))), dst, at) : putTextCell(r.personKey, true, dst, at);
  at = putTextCell(r.name, true, dst, at);
  if (r.otherNames.length) at = putCell(csvCell(otherNamesText(r)), dst, at);
  else dst[at++] = 44; // most rows: an empty cell
  // Cell by cell, not through an array per row.
  at = putWholeCell(r.claims, dst, at);
  at = putWholeCell(r.approved, dst, at);
  at = putWholeCell(r.review, dst, at);
  at = putWholeCell(r.denied, dst, at);
  at = putWholeCell(r.duplicate, dst, at);
  at = putYuanCell(r.amountFen, dst, at);
  at = putYuanCell(r.paidToThemFen, dst, at);
  at = putYuanCell(r.paidToOthersFen, dst, at);
  at = putYuanCell(r.exposureFen, dst, at);
  at = putWholeCell(r.unquantified, dst, at);
  at = putTextCell(r.file, false, dst, at);
  at = putWhole(r.row, dst, at);
  dst[at++] = 13;
  dst[at++] = 10;
  return at;
}

/** What a run says when some IDs came with more than one name (PersonRow.otherNames): a mistyped ID or name to check. */
export const namedOtherwiseNote = (persons: number, lang: Lang = 'en'): string =>
  lang === 'zh'
    ? `${persons} 个身份证号对应不止一个姓名: persons.csv 给出第一个并列出其他姓名(other_names); breakdown 各行是本行的姓名: 请核对身份证号或姓名`
    : `${persons} ID(s) appear with more than one name: persons.csv gives the first and lists the others (other_names); the breakdown has each row's own name: check the ID or the name`;

/** A person's row as text (see putPersonRow). */
export function personRow(r: PersonRow, mask: boolean): string {
  const buf = Buffer.allocUnsafe(personRowBound(r));
  return buf.toString('utf8', 0, putPersonRow(r, mask, buf, 0));
}

/** A cell's text and the comma after it. ASCII by hand: most cells are short codes and numbers, and a call to encode costs more. */
function putCell(text: string, dst: Buffer, at: number): number {
  const n = text.length;
  let i = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) break;
    dst[at + i] = c;
  }
  at += i < n ? dst.write(text, at, 'utf8') : n;
  dst[at] = COMMA;
  return at + 1;
}

/**
 * A text as csvCell writes it (`cleaned` first, when asked: partition.ts, clean), and the comma after it. Text with
 * nothing to clean, quote or guard (most: codes, IDs, names) is written as it is, found by one look at each
 * character: the regular expressions that took were a third of writing a person's row.
 */
function putTextCell(text: string, cleaned: boolean, dst: Buffer, at: number): number {
  const first = text.length ? text.charCodeAt(0) : 0;
  let plain = first !== 0x3d && first !== 0x2b && first !== 0x2d && first !== 0x40;
  for (let i = 0; plain && i < text.length; i++) {
    const c = text.charCodeAt(i);
    plain = c !== QUOTE && c !== COMMA && c !== 9 && c !== 10 && c !== 13;
  }
  return putCell(plain ? text : csvCell(cleaned ? clean(text) : text), dst, at);
}

/**
 * A whole number ≥ 0 in decimal digits. Below 2³¹ (counts, rows, line positions: nearly every call) its digits are
 * counted by comparisons and found by integer division, which the compiler makes a multiplication: half the time of
 * the general loop (Math.floor of a division), which a large run's limits threads call ~5 million times.
 */
export function putWhole(n: number, dst: Buffer, at: number): number {
  if (n > 0x7fffffff) {
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    for (let i = at + digits - 1, x = n; i >= at; i--, x = Math.floor(x / 10)) dst[i] = 48 + (x % 10);
    return at + digits;
  }
  const digits = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10_000 ? 4 : n < 100_000 ? 5 : n < 1_000_000 ? 6 : n < 10_000_000 ? 7 : n < 100_000_000 ? 8 : n < 1_000_000_000 ? 9 : 10;
  for (let i = at + digits - 1, x = n; i >= at; i--) {
    const q = (x / 10) | 0;
    dst[i] = 48 + x - q * 10;
    x = q;
  }
  return at + digits;
}

/** A whole number ≥ 0 and the comma after it. */
function putWholeCell(n: number, dst: Buffer, at: number): number {
  at = putWhole(n, dst, at);
  dst[at] = COMMA;
  return at + 1;
}

/** Fen as formatYuan writes them (100050 → 1000.50), and the comma after them. */
function putYuanCell(fen: number, dst: Buffer, at: number): number {
  if (fen < 0) dst[at++] = 45;
  const abs = Math.abs(fen);
  at = putWhole(Math.floor(abs / 100), dst, at);
  dst[at] = 46;
  dst[at + 1] = 48 + Math.floor((abs % 100) / 10);
  dst[at + 2] = 48 + (abs % 10);
  dst[at + 3] = COMMA;
  return at + 4;
}

export function rejectRow(r: Reject, lang: Lang): string {
  return csvRow([r.file, r.row, r.column, r.value, r.code, r.reason[lang]]);
}
