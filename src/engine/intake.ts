// Intake: raw roster cells → a claim ready to evaluate, or the reasons it cannot be (rejects, never silent zeros).
import type { Program, Table } from '../tables/schema.js';
import { FIELD_BY_NAME, type FieldDef, matchValue, normaliseToken } from './fields.js';
import { parseYuan } from './money.js';
import type { Bilingual, Claim, FactValue, Facts } from './types.js';
import { closestPrograms } from './closestProgram.js';

export interface Reject {
  file: string;
  row: number;
  column: string;
  value: string;
  code: string;
  reason: Bilingual;
}

/** A row the CSV reader could not split into cells (e.g. an unclosed quote); its line as it stands is the value, so none of it is lost. */
export function unreadableRow(file: string, row: number, message: Bilingual, line = ''): Reject {
  return { file, row, column: '', value: line, code: 'bad_csv', reason: { zh: `无法读取此行: ${message.zh}`, en: `unreadable CSV row: ${message.en}` } };
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643-1999: 17 digits, a check character over them (mod 11), and a real birth date. */
export function validResidentId(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  for (let i = 0; i < 18; i++) ID_CODES[i] = id.charCodeAt(i);
  return residentIdChecks();
}

/**
 * The same check on 18 bytes of ASCII from `at` (a roster line read as bytes, see rawShapes.ts); false for
 * anything but digits and an upper-case X, which the text path would first normalise.
 */
export function validResidentIdBytes(buf: Uint8Array, at: number): boolean {
  for (let i = 0; i < 17; i++) if (buf[at + i]! < 48 || buf[at + i]! > 57) return false;
  const last = buf[at + 17]!;
  if (!((last >= 48 && last <= 57) || last === 88)) return false;
  for (let i = 0; i < 18; i++) ID_CODES[i] = buf[at + i]!;
  return residentIdChecks();
}

/** The character codes of the ID being checked: one loop for both callers (a function per caller made the loop's calls slow). */
const ID_CODES = new Int32Array(18);

/** Check character and birth date of the 17 digits and check character in ID_CODES. */
function residentIdChecks(): boolean {
  // Digits by char code, and the birth date checked without building its text: every row has an ID.
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ID_WEIGHTS[i]! * (ID_CODES[i]! - 48);
  if (ID_CHECK.charCodeAt(sum % 11) !== ID_CODES[17]) return false;
  return validDate(idDigits(6, 10), idDigits(10, 12), idDigits(12, 14));
}

/** The number ID_CODES[from, to) spell (a function of its own: made inside the check, it was a closure per row). */
function idDigits(from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (ID_CODES[i]! - 48);
  return n;
}

/** Why an ID (already NFKC, upper case) fails, in words a clerk can act on: its length, its characters, its birth date, or its check character. */
export function residentIdProblem(id: string): Bilingual {
  const gb = 'GB 11643';
  // Excel shows an 18-digit number as 3.30681E+17 and keeps 15 digits of it: the ID is lost, only retyping mends it.
  if (/^\d(\.\d+)?E\+\d+$/.test(id)) {
    return { zh: `身份证号码被 Excel 当作数字(${id}), 后几位已丢失: 请将该列设为文本格式后重新录入`, en: `Excel turned the ID into a number (${id}) and lost its last digits: format the column as text and enter the IDs again` };
  }
  // A first-generation card's 15 digits (area, birth date yymmdd, sequence): the 18-digit ID is those with 19 before
  // the year and a check character after, as GB 11643 converts it. Said, not read: the card the person holds rules.
  if (/^\d{15}$/.test(id) && validDate(1900 + Number(id.slice(6, 8)), Number(id.slice(8, 10)), Number(id.slice(10, 12)))) {
    const body = `${id.slice(0, 6)}19${id.slice(6)}`;
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += ID_WEIGHTS[i]! * Number(body[i]);
    const full = body + ID_CHECK[sum % 11]!;
    return { zh: `这是15位的第一代身份证号码, 其18位号码应为 ${full}: 请按本人现持身份证核对后填写(${gb})`, en: `a first-generation 15-digit ID: its 18-digit form is ${full}; give that, checked against the person's card (${gb})` };
  }
  if (id.length !== 18) return { zh: `身份证号码应为18位, 此为${id.length}位(${gb})`, en: `a resident ID has 18 characters, this has ${id.length} (${gb})` };
  if (!/^\d{17}[\dX]$/.test(id)) return { zh: `身份证号码应为17位数字加一位数字或X(${gb})`, en: `a resident ID is 17 digits and a final digit or X (${gb})` };
  const birth = id.slice(6, 14);
  if (!validDate(Number(birth.slice(0, 4)), Number(birth.slice(4, 6)), Number(birth.slice(6, 8)))) {
    return { zh: `身份证号码中的出生日期 ${birth} 无效(${gb})`, en: `the birth date in the ID, ${birth}, is not a valid date (${gb})` };
  }
  if (id.endsWith('000')) {
    return { zh: `身份证号码校验位不符, 且末三位为000: 像是 Excel 把它当作数字只保留了15位, 请将该列设为文本格式后重新录入(${gb})`, en: `the check character does not match, and the ID ends in 000, as when Excel keeps only 15 digits of a number: format the column as text and enter the IDs again (${gb})` };
  }
  return { zh: `身份证号码校验位与前17位不符, 可能有数字录错(${gb})`, en: `the check character does not match the first 17 digits: a digit mistyped? (${gb})` };
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The days of month `m` (1–12) of year `y`. */
function daysIn(y: number, m: number): number {
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return m === 2 && leap ? 29 : DAYS[m - 1]!;
}

/** A calendar date from 1900 to 2100. */
function validDate(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  return d <= daysIn(y, m);
}

/** A date given by its parts, written YYYY-MM-DD; undefined when there is no such day (see validDate). */
export function isoDate(y: number, m: number, d: number): string | undefined {
  if (!validDate(y, m, d)) return undefined;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * A time of day after a date, as a date-time column exports it (2021-03-01 00:00:00, 2021/3/1 0:00, a database's
 * 2021-03-01 00:00:00.0, 2021-03-01T08:30): the claim's date is the date part. A time with a zone (Z, +08:00) is
 * refused: the date in Beijing could be another.
 */
const TIME_OF_DAY = /^(?:T|\s+)([01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?$/;

/** 2021-03-01, 2021/3/1, 2021.3.1, 2021年3月1日, 20210301 (full-width digits too), each with a time of day or not → 2021-03-01. */
export function parseDate(text: string): string | undefined {
  const m = dateParts(nfkc(text).trim());
  return m && isoDate(m[0], m[1], m[2]);
}

/** Year, month and day as a date cell writes them (see parseDate), whether or not they name a day. */
function dateParts(t: string): [number, number, number] | undefined {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*日)?(.*)$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})()$/.exec(t);
  if (!m || (m[4] !== '' && !TIME_OF_DAY.test(m[4]!))) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/**
 * What is wrong with a date cell parseDate does not read, when it can be said: a day the month does not have
 * (2020-02-30, 2021/6/31), a month or year out of range, the year last (6/10/2020), or a month without its day
 * (2020年6月, 2020-6): the document's period and the claim's year go by the day, and no day may be made up.
 */
function dateProblem(t: string): Bilingual | undefined {
  const parts = dateParts(t);
  if (parts) {
    const [y, m, d] = parts;
    if (y < 1900 || y > 2100) return { zh: `年份 ${y} 不在 1900–2100 之间`, en: `the year ${y} is not between 1900 and 2100` };
    if (m < 1 || m > 12) return { zh: `没有 ${m} 月`, en: `there is no month ${m}` };
    const days = daysIn(y, m);
    return { zh: `${y}年${m}月没有 ${d} 日(该月只有 ${days} 天)`, en: `${y}-${String(m).padStart(2, '0')} has no day ${d} (it has ${days} days)` };
  }
  // 6/10/2020, as a computer set to US or UK dates saves it: June 10 or 6 October cannot be told apart.
  if (/^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}$/.test(t)) {
    return { zh: `年份在最后(${t}): 无法分辨月和日, 请写成 2020-06-10 这样年在前的格式`, en: `the year comes last (${t}): which is the month and which the day cannot be told; give it year first, as 2020-06-10` };
  }
  const month = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$/.exec(t);
  if (month && Number(month[2]) >= 1 && Number(month[2]) <= 12) {
    return { zh: `只有年月, 没有日(${t}): 请填结业或发证的具体日期, 文件有效期和年度按日计算`, en: `a month without its day (${t}): give the completion or certificate date itself; the document's period and the year go by the day` };
  }
  return undefined;
}

const YES = new Set(['是', 'y', 'yes', 'true', '1', '有', '已备案', '√']);
const NO = new Set(['否', 'n', 'no', 'false', '0', '无', '未备案', '×']);

export type Parsed = { ok: true; value: FactValue } | { ok: false; code: string; reason: Bilingual };

const bad = (code: string, zh: string, en: string): Parsed => ({ ok: false, code, reason: { zh, en } });

function allowed(f: FieldDef): string {
  return (f.values ?? []).map((v) => `${v.code}/${v.zh}`).join(', ');
}

/** NFKC (full-width digits → ASCII); ASCII text is already in NFKC, and most cells are ASCII. */
// eslint-disable-next-line no-control-regex
const NOT_ASCII_OR_CJK = /[^\x00-\x7f\u4e00-\u9fff]/;

export function nfkc(text: string): string {
  // ASCII and CJK unified ideographs (U+4E00–U+9FFF, e.g. a name) have no compatibility forms: already NFKC.
  return NOT_ASCII_OR_CJK.test(text) ? text.normalize('NFKC') : text;
}

/** Where a training period is typed into the date column ("2020.6.1-2020.6.15", "2020年6月1日至6月15日"): its two ends. */
function dateRange(t: string): [string, string] | undefined {
  for (const sep of ['至', '到', '~', '～', '—', '–', '-']) {
    const at = t.indexOf(sep);
    // An ISO date has hyphens too: a range only when what comes before the separator is a date itself.
    if (at > 0 && parseDate(t.slice(0, at))) return [t.slice(0, at).trim(), t.slice(at + sep.length).trim()];
  }
  return undefined;
}

/**
 * Characters that show as nothing, which a cell copied from a web page or a chat message carries (a zero-width space
 * before an ID, a soft hyphen, direction marks, a BOM): never part of a value, and a clerk cannot see them to delete.
 */
const INVISIBLE = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g;

/** A cell's text as it is read: NFKC, without invisible characters (INVISIBLE), trimmed. */
function cellText(raw: string): string {
  // ASCII and CJK ideographs (most cells): nothing to normalise (see nfkc), nor any invisible character.
  if (!NOT_ASCII_OR_CJK.test(raw)) return raw.trim();
  return raw.normalize('NFKC').replace(INVISIBLE, '').trim();
}

/** Kinds whose cells a leading apostrophe may mark as text ('330681…, as typed into Excel to keep an ID from turning into a number). */
const APOSTROPHE_KINDS = new Set<FieldDef['kind']>(['id', 'date', 'int', 'money']);

export function parseCell(field: FieldDef, raw: string): Parsed {
  let t = cellText(raw);
  if (t.charCodeAt(0) === 39 && APOSTROPHE_KINDS.has(field.kind)) t = t.slice(1).trim();
  // Bytes the file's encoding has no character for (a cell pasted from a GBK file into a UTF-8 one, or the other way)
  // read as U+FFFD: the text is lost, and a name or occupation read so would not match itself in another row.
  if (t.includes('\ufffd')) {
    return bad(
      'bad_text',
      '含有在文件编码中无法识别的字节(显示为 �): 是否从另一种编码的文件粘贴而来? 请将整个文件统一另存为 UTF-8(或 GBK)',
      "holds bytes that are no character in the file's encoding (shown as �): pasted from a file in another encoding? Save the whole file again as UTF-8 (or GBK)",
    );
  }
  switch (field.kind) {
    case 'id': {
      const id = t.toUpperCase();
      if (validResidentId(id)) return { ok: true, value: id };
      // Typed in groups for reading, as on the card (330681 19900101 0015): the same ID once the spaces are out.
      if (id.includes(' ') && validResidentId(id.replace(/ /g, ''))) return { ok: true, value: id.replace(/ /g, '') };
      const why = residentIdProblem(id);
      return bad('bad_id', why.zh, why.en);
    }
    case 'text':
      return { ok: true, value: t };
    case 'date': {
      const d = /^\d{4}-\d{2}-\d{2}$/.test(t) ? isoDate(Number(t.slice(0, 4)), Number(t.slice(5, 7)), Number(t.slice(8, 10))) : parseDate(t);
      if (d) return { ok: true, value: d };
      // A date column Excel saved as numbers (44256 is 2021-03-01 in its 1900 system, 2025-03-02 in its 1904 one):
      // which system made it cannot be told from the number, so it is not read, but the reason says what happened.
      if (/^\d{5}(\.\d+)?$/.test(t)) return bad('bad_date', `日期被存成了 Excel 序列号(${t}): 请将该列设为日期格式(如 2021-03-01)后重新保存`, `a date saved as an Excel serial number (${t}): format the column as a date (2021-03-01) and save the file again`);
      const range = dateRange(t);
      if (range) {
        return bad(
          'bad_date',
          `这是一段日期(${range[0]} 至 ${range[1]}): 此列只填一个日期, 即结业或发证日期; 若正是这段日期的最后一天, 请只填该日`,
          `a date range (${range[0]} to ${range[1]}): the column takes one date, the completion or certificate date; if that is the range's last day, give it alone`,
        );
      }
      const problem = dateProblem(t);
      if (problem) return bad('bad_date', problem.zh, problem.en);
      return bad('bad_date', '无法识别的日期(应为 2021-03-01、2021/3/1 或 2021年3月1日, 可带时刻如 2021-03-01 00:00:00)', 'unreadable date (use 2021-03-01, 2021/3/1 or 2021年3月1日, with a time of day or not)');
    }
    case 'level':
    case 'enum': {
      const v = matchValue(field, t);
      return v ? { ok: true, value: v } : bad('bad_value', `不是${field.zh}的取值, 可选: ${allowed(field)}`, `not a value of ${field.name}; allowed: ${allowed(field)}`);
    }
    case 'set': {
      const parts = t.split(/[;；,，、|]/).map((p) => p.trim()).filter(Boolean);
      const codes: string[] = [];
      for (const p of parts) {
        const v = matchValue(field, p);
        if (!v) return bad('bad_value', `"${p}" 不是${field.zh}的取值, 可选: ${allowed(field)}`, `"${p}" is not a value of ${field.name}; allowed: ${allowed(field)}`);
        if (!codes.includes(v)) codes.push(v);
      }
      return { ok: true, value: codes };
    }
    case 'bool': {
      const k = normaliseToken(t);
      if (YES.has(k)) return { ok: true, value: true };
      if (NO.has(k)) return { ok: true, value: false };
      return bad('bad_value', '应为 是/否', 'expected yes/no (是/否, y/n, true/false, 1/0)');
    }
    case 'int': {
      // A unit after it (15天), thousands separators (1,200) and zero decimals (15.0, as some systems export counts).
      let s = t.replace(/(天|课时|个月|月|年|人次|人|次|个)$/, '');
      if (/^\d{1,3}(,\d{3})+$/.test(s)) s = s.replace(/,/g, '');
      s = s.replace(/^(\d+)\.0+$/, '$1');
      // In 万 (ten thousand), as a plan writes its counts (2.25万人次): exact with at most four decimals, else no whole number.
      const wan = field.tenThousands ? /^(\d+)(?:\.(\d{1,4}))?万$/.exec(s) : null;
      if (wan) s = String(Number(wan[1]) * 10000 + Number((wan[2] ?? '').padEnd(4, '0')));
      return /^\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? { ok: true, value: Number(s) } : bad('bad_number', '应为非负整数', 'expected a whole number ≥ 0');
    }
    case 'money': {
      const fen = parseYuan(t.replace(/^[¥￥]/, ''));
      return fen !== undefined ? { ok: true, value: fen } : bad('bad_number', '应为金额(元, 最多两位小数)', 'expected an amount in yuan with at most two decimals');
    }
  }
}

/**
 * parseCell with a memory per field: roster columns repeat a few values (programme, level, groups, dates, costs),
 * so most cells are one lookup. Parsing is pure, so a remembered result is the same result. Each field remembers
 * at most MEMO_LIMIT spellings (names and IDs do not repeat; they would only fill it).
 */
const MEMO_LIMIT = 4096;
/** Per field name: its definition and its remembered spellings (undefined for IDs and free text), one lookup per cell. */
const byName = new Map<string, { field: FieldDef; seen?: Map<string, Parsed> }>();

export function parseCellMemo(name: string, raw: string): Parsed {
  let entry = byName.get(name);
  if (!entry) {
    const field = FIELD_BY_NAME.get(name)!;
    byName.set(name, (entry = { field, seen: field.kind === 'id' || field.kind === 'text' ? undefined : new Map() }));
  }
  const { field, seen } = entry;
  if (!seen) return parseCell(field, raw);
  let p = seen.get(raw);
  if (p === undefined) {
    p = parseCell(field, raw);
    // Only good values are remembered (a reason quotes the cell), under a copy of the cell's text: the cell is
    // cut from the reader's block, and a remembered slice would keep the whole block alive.
    if (p.ok && seen.size < MEMO_LIMIT) seen.set(flatCopy(raw), p);
  }
  return p;
}

/** A string that shares no memory with the one it was cut from. */
export const flatCopy = (s: string): string => [...s].join('');

export interface IntakeOptions {
  tables: ReadonlyMap<string, Table>;
  /** -j: the jurisdiction for rows that do not name one. */
  defaultJurisdiction?: string;
}

/**
 * Turn raw cells into a claim, collecting every problem of the row. The row is rejected if any
 * cell is unreadable, a required value is missing, or the jurisdiction/programme is unknown.
 */
export function intakeRow(
  file: string,
  row: number,
  seq: number,
  cells: ReadonlyMap<string, string>,
  options: IntakeOptions,
): { claim: Claim; table: Table } | { rejects: Reject[] } {
  const rejects: Reject[] = [];
  const facts: Facts = {};
  const reject = (column: string, value: string, code: string, reason: Bilingual): void => void rejects.push({ file, row, column, value, code, reason });
  for (const [name, raw] of cells) {
    const p = parseCellMemo(name, raw);
    if (p.ok) facts[name] = p.value;
    else reject(name, raw, p.code, p.reason);
  }
  const named = facts.jurisdiction as string | undefined;
  const jurisdiction = named ?? options.defaultJurisdiction;
  let table: Table | undefined;
  if (jurisdiction === undefined) {
    reject('jurisdiction', '', 'missing_column', { zh: '缺少地区(或用 -j 指定)', en: 'no jurisdiction (add the column or pass -j)' });
  } else {
    table = findTableMemo(options.tables, jurisdiction);
    if (!table) {
      reject('jurisdiction', jurisdiction, 'unknown_jurisdiction', {
        zh: `未知地区, 可选: ${[...options.tables.keys()].join(', ')}`,
        en: `unknown jurisdiction; known: ${[...options.tables.keys()].join(', ')}`,
      });
    } else facts.jurisdiction = table.code;
  }
  const programId = facts.program as string | undefined;
  const program = programId && table ? findProgramMemo(table, programId) : undefined;
  if (programId === undefined) {
    reject('program', '', 'missing_column', { zh: '缺少补贴项目', en: 'no programme given' });
  } else if (table && !program) {
    reject('program', programId, 'unknown_program', unknownProgramMemo(table, programId));
  } else if (program) facts.program = program.id;
  if (facts.date === undefined && !cells.has('date')) reject('date', '', 'missing_column', { zh: '缺少日期', en: 'no date given' });
  if (program?.subject === 'person' && facts.person_id === undefined && !cells.has('person_id')) {
    reject('person_id', '', 'missing_column', { zh: '缺少身份证号码', en: 'no resident ID given' });
  }
  if (program?.subject === 'unit' && facts.name === undefined && facts.org_code === undefined) {
    reject('name', '', 'missing_column', { zh: '单位项目需填写单位名称或统一社会信用代码', en: 'a unit grant needs the unit name or organisation code' });
  }
  if (rejects.length || !table) return { rejects };
  return { claim: { file, row, seq, facts }, table };
}

const tableMemo = new WeakMap<ReadonlyMap<string, Table>, Map<string, Table | undefined>>();

/** findTable, remembered per set of tables: every row of a roster names its jurisdiction the same few ways. */
function findTableMemo(tables: ReadonlyMap<string, Table>, name: string): Table | undefined {
  let seen = tableMemo.get(tables);
  if (!seen) tableMemo.set(tables, (seen = new Map()));
  if (!seen.has(name)) seen.set(flatCopy(name), findTable(tables, name));
  return seen.get(name);
}

const programMemo = new WeakMap<Table, Map<string, Program | undefined>>();

/** findProgram, remembered per table: a roster that names programmes in Chinese would otherwise compare names on every row. */
function findProgramMemo(table: Table, name: string): Program | undefined {
  const direct = table.programs.find((p) => p.id === name);
  if (direct) return direct;
  let seen = programMemo.get(table);
  if (!seen) programMemo.set(table, (seen = new Map()));
  if (!seen.has(name)) seen.set(flatCopy(name), findProgram(table, name));
  return seen.get(name);
}

/**
 * A programme of `table` by its id, or by its Chinese name as the table gives it (`subsidy tables show`): a roster
 * made in a Chinese office names the programme, not our id. Spaces, width and case do not matter; the schema keeps
 * the Chinese names of a table distinct.
 */
export function findProgram(table: Table, name: string): Program | undefined {
  const t = normaliseToken(name);
  return table.programs.find((p) => p.id === t || normaliseToken(p.name.zh) === t);
}

/**
 * Why a programme cell names none of the table's programmes: the programmes it is closest to, if any (a hint for
 * the clerk, never taken), and what it may name.
 */
export function unknownProgram(table: Table, cell: string): Bilingual {
  const ids = table.programs.map((p) => p.id).join(', ');
  const close = closestPrograms(table, cell).map((p) => `${p.id}「${p.name.zh}」`);
  return {
    zh: `${table.code} 没有此补贴项目${close.length ? `; 最接近: ${close.join(' 或 ')}` : ''}; 可选: ${ids} (或其中文名称, 见 subsidy tables show ${table.code})`,
    en: `${table.code} has no such programme${close.length ? `; closest: ${close.join(' or ')}` : ''}; known: ${ids} (or a programme's Chinese name, see subsidy tables show ${table.code})`,
  };
}

const unknownMemo = new WeakMap<Table, Map<string, Bilingual>>();
/** unknownProgram, remembered per table for up to 1,000 cells: a roster's misnamed programme is usually one word on many rows. */
function unknownProgramMemo(table: Table, cell: string): Bilingual {
  let seen = unknownMemo.get(table);
  if (!seen) unknownMemo.set(table, (seen = new Map()));
  let reason = seen.get(cell);
  if (!reason) {
    reason = unknownProgram(table, cell);
    if (seen.size < 1000) seen.set(flatCopy(cell), reason);
  }
  return reason;
}

/** A table by its code, or by its Chinese name with or without 市/区/省 ("诸暨", "诸暨市"). */
export function findTable(tables: ReadonlyMap<string, Table>, name: string): Table | undefined {
  const t = normaliseToken(name);
  const direct = tables.get(t);
  if (direct) return direct;
  const bare = (s: string): string => normaliseToken(s).replace(/(市|区|省)$/, '');
  for (const table of tables.values()) if (bare(table.name.zh) === bare(t)) return table;
  return undefined;
}
