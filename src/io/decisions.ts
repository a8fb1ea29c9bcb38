// Reading the office's decisions (calc --decisions): a breakdown.csv, or any CSV with file, row, programme and a decision column.
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parse } from 'csv-parse';
import { iconv } from './commonJs.js';
import type { Decision } from '../engine/decisions.js';
import { normaliseToken } from '../engine/fields.js';
import { parseYuan } from '../engine/money.js';
import { parseDate } from '../engine/intake.js';
import type { Bilingual } from '../engine/types.js';
import { RosterError, detectEncoding, emptyFile } from './roster.js';

/** The columns a decisions file is read by, in English and Chinese (a breakdown.csv in either language has the first three). */
const COLUMNS: Record<'file' | 'row' | 'program' | 'decision' | 'decided_amount' | 'note' | 'person_id' | 'date', string[]> = {
  file: ['file', '输入文件', '文件'],
  row: ['row', '行号'],
  program: ['program', '补贴项目', '项目代码'],
  decision: ['decision', '审核结论', '审核意见', '复核结论', '复核意见', '审批意见', '处理意见'],
  decided_amount: ['decided_amount', '核定金额', '审定金额', '核准金额'],
  note: ['decision_note', '审核说明', '审核备注'],
  person_id: ['person_id', '身份证号码'],
  date: ['date', '日期'],
};

const APPROVE = ['approve', 'approved', 'yes', '同意', '通过', '核准', '准予', '准予补贴', '予以补贴', '是'];
const DENY = ['deny', 'denied', 'no', '不同意', '不通过', '驳回', '不予补贴', '不准予', '否'];

/**
 * The decisions in `file` (read from `path`: a workbook's sheet copy, breakdown.xlsx with its 审核结论 filled in): its rows whose decision cell is not blank (every other row of a breakdown is left as it
 * is), each naming the run's roster by the `file` cell (as a breakdown names it; or the same path, or the same file
 * name when only one roster of the run has it), its row and its programme. A bad cell stops the run, naming file,
 * row, column and value: a decision read wrongly would pay or refuse someone.
 */
export async function readDecisions(file: string, rosters: readonly string[], path = file): Promise<Decision[]> {
  const head = Buffer.alloc(64 * 1024);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    throw new RosterError(`${file}: no such file (--decisions)`, `${file}: 文件不存在 (--decisions)`);
  }
  const n = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const encoding = detectEncoding(head.subarray(0, n));
  const source = createReadStream(path);
  const text = encoding === 'utf8' ? source.setEncoding('utf8') : source.pipe(iconv.decodeStream('gb18030'));
  const parser = text.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true }));
  const problems: Bilingual[] = [];
  const decisions: Decision[] = [];
  const seen = new Map<string, Decision>();
  let at: Record<keyof typeof COLUMNS, number> | undefined;
  let row = 0;
  for await (const cells of parser as AsyncIterable<string[]>) {
    row++;
    if (!at) {
      at = columnsOf(file, cells);
      continue;
    }
    const cell = (c: keyof typeof COLUMNS): string => (at![c] >= 0 ? (cells[at![c]] ?? '').trim() : '');
    const verdictCell = cell('decision');
    if (!verdictCell) continue;
    const bad = (column: string, value: string, why: Bilingual): void =>
      void problems.push({ en: `${file} row ${row}, column ${column}, value "${value}": ${why.en}`, zh: `${file} 第 ${row} 行, ${column} 列, 值"${value}": ${why.zh}` });
    const v = normaliseToken(verdictCell);
    const verdict = APPROVE.includes(v) ? 'approve' : DENY.includes(v) ? 'deny' : undefined;
    if (!verdict) bad('decision', verdictCell, { en: 'not a decision: write 同意 / approve or 不同意 / deny', zh: '不是审核结论: 请写 同意 / approve 或 不同意 / deny' });
    const rowCell = cell('row');
    const rosterRow = /^\d+$/.test(rowCell) ? Number(rowCell) : NaN;
    if (!(rosterRow >= 1)) bad('row', rowCell, { en: 'not a row number of the roster', zh: '不是花名册的行号' });
    const program = cell('program');
    if (!program) bad('program', program, { en: 'no programme: a decision is on one line, named by its programme', zh: '没有补贴项目: 一条结论针对一行中的一项补贴, 以补贴项目指明' });
    const roster = rosterOf(cell('file'), rosters);
    if (typeof roster !== 'string') bad('file', cell('file'), roster.why);
    const amountCell = cell('decided_amount');
    let amountFen: number | undefined;
    if (amountCell) {
      const fen = parseYuan(amountCell);
      if (fen === undefined || fen < 0) bad('decided_amount', amountCell, { en: 'not an amount in yuan', zh: '不是以元计的金额' });
      else amountFen = fen;
    }
    if (!verdict || !(rosterRow >= 1) || !program || typeof roster !== 'string') continue;
    const d: Decision = { file: roster, row: rosterRow, program, verdict, source: `${basename(file)} row ${row}` };
    if (amountFen !== undefined) d.amountFen = amountFen;
    const note = cell('note');
    if (note) d.note = note;
    // Who and when, where the file says them (a breakdown does): checked against the row when it is evaluated.
    const personId = cell('person_id').toUpperCase();
    if (personId) d.personId = personId;
    const date = cell('date');
    if (date) {
      const iso = parseDate(date);
      if (iso) d.date = iso;
      else bad('date', date, { en: 'not a date', zh: '不是日期' });
    }
    const key = `${roster}\u0000${rosterRow}\u0000${program}`;
    const before = seen.get(key);
    if (before) {
      if (before.verdict !== d.verdict || before.amountFen !== d.amountFen) bad('decision', verdictCell, { en: `${before.source} decides the same line otherwise`, zh: `${before.source} 对同一行作了不同的结论` });
      continue;
    }
    seen.set(key, d);
    decisions.push(d);
  }
  if (!at) throw emptyFile(file);
  if (problems.length) {
    throw new RosterError(
      `decisions problems (nothing was decided or written):\n${problems.map((p) => p.en).join('\n')}`,
      `审核结论文件有问题 (未作任何决定, 未写入):\n${problems.map((p) => p.zh).join('\n')}`,
    );
  }
  return decisions;
}

/** Where each column is (-1: absent); file, row, programme and decision are needed. */
function columnsOf(file: string, header: string[]): Record<keyof typeof COLUMNS, number> {
  const names = header.map((h) => normaliseToken(h));
  const at = Object.fromEntries(Object.entries(COLUMNS).map(([k, aliases]) => [k, names.findIndex((n) => aliases.map(normaliseToken).includes(n))])) as Record<keyof typeof COLUMNS, number>;
  const missing = (['file', 'row', 'program', 'decision'] as const).filter((k) => at[k] < 0);
  if (missing.length) {
    const named = missing.map((k) => `${k} (${COLUMNS[k][1]})`).join(', ');
    throw new RosterError(
      `${file}: a decisions file needs the columns ${named}: add a decision column (审核结论: 同意 / 不同意) to the run's breakdown.csv and give that`,
      `${file}: 审核结论文件须有这些列: ${named}: 请在该次运行的 breakdown.csv 中加一列 审核结论 (同意 / 不同意), 再给出该文件`,
    );
  }
  return at;
}

/** The run's roster a decision's file cell names: the same label, the same path, or the only roster of that file name. */
function rosterOf(cell: string, rosters: readonly string[]): string | { why: Bilingual } {
  if (rosters.includes(cell)) return cell;
  const path = resolve(cell);
  const same = rosters.filter((r) => resolve(r) === path);
  if (same.length === 1) return same[0]!;
  const named = rosters.filter((r) => basename(r) === basename(cell));
  if (named.length === 1) return named[0]!;
  const why: Bilingual =
    named.length > 1
      ? { en: `more than one roster of this run is named ${basename(cell)}: give its path as the run names it`, zh: `本次运行有不止一个名为 ${basename(cell)} 的花名册: 请照运行时的写法给出其路径` }
      : { en: `not a roster of this run (${rosters.join(', ')})`, zh: `不是本次运行的花名册 (${rosters.join(', ')})` };
  return { why };
}
