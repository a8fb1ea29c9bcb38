// `subsidy check`: one case at the counter — asks only the questions that matter, then explains every line.
import { readFileSync } from 'node:fs';
import { Batch, type BatchResult } from '../../engine/batch.js';
import { FIELD_BY_NAME, type FieldDef } from '../../engine/fields.js';
import { findProgram, findTable, parseCell } from '../../engine/intake.js';
import { formatYuan } from '../../engine/money.js';
import { neededInputs, screenablePrograms } from '../../engine/questions.js';
import type { Facts, FactValue, PriorClaim } from '../../engine/types.js';
import type { Lang } from '../../io/csvOut.js';
import { type Ledger, openLedger } from '../../io/ledger.js';
import { appendRows, checkSaveTarget } from '../../io/saveRow.js';
import type { Program, Table } from '../../tables/schema.js';
import { UsageError, programNotInTable, unknownJurisdiction } from '../errors.js';
import { requireFiles, runTables } from '../inputs.js';
import { makeChalk } from '../format.js';
import { askCheckbox, askInput, askSelect, type Choice } from '../prompts.js';
import { renderLines, resultJson } from '../render.js';

export interface CheckOptions {
  jurisdiction?: string;
  program?: string;
  answers?: string;
  save?: string;
  json: boolean;
  lang: Lang;
  table: string[];
  /** A claims ledger whose approved claims count toward this case's limits (read only: nothing is recorded). */
  ledger?: string;
}

const NOT_INTERACTIVE = new UsageError(
  'subsidy check asks questions and needs a terminal. For a roster use `subsidy calc roster.csv`; ' +
    'for one case without a terminal use `subsidy check --answers case.json` (a JSON object of field → value).',
  'subsidy check 要逐项提问, 需要终端. 花名册请用 `subsidy calc 花名册.csv`; ' +
    '没有终端时, 单个案例请用 `subsidy check --answers case.json` (字段 → 值 的 JSON 对象).',
);

const UNKNOWN = '\u0000unknown';

/** Canonical cell text for a parsed fact, as calc reads it back. */
export function factToCell(field: string, value: FactValue): string {
  if (Array.isArray(value)) return value.join(';');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (FIELD_BY_NAME.get(field)?.kind === 'money' && typeof value === 'number') return formatYuan(value);
  return String(value);
}

function parseCells(cells: Map<string, string>): Facts {
  const facts: Facts = {};
  for (const [name, raw] of cells) {
    const p = parseCell(FIELD_BY_NAME.get(name)!, raw);
    if (p.ok) facts[name] = p.value;
  }
  return facts;
}

/**
 * Evaluate each programme of the case on its own run, as calc would a one-row roster: alternatives do not use up
 * each other's limits, but all of them count what the ledger already paid the person (`history`).
 */
export function evaluateCase(tables: Map<string, Table>, table: Table, programs: Program[], cells: Map<string, string>, history: PriorClaim[] = []): BatchResult[] {
  return programs.map((p) => {
    const batch = new Batch({ tables, defaultJurisdiction: table.code });
    batch.add('(check)', 1, new Map([...cells, ['program', p.id]]));
    return batch.finish({ history });
  });
}

/** The claims the ledger holds for the case's person (or unit) that still count (voided runs' do not), as limits read them. */
async function historyOfCase(ledger: Ledger, results: BatchResult[]): Promise<PriorClaim[]> {
  const keys = new Set(results.flatMap((r) => r.lines.map((l) => l.personKey)));
  const history: PriorClaim[] = [];
  for (const key of keys) {
    for (const c of await ledger.claimsOf(key)) {
      if (c.voided) continue;
      // The ledger may keep the key hashed; limits compare it with the case's own.
      history.push({ runId: c.runId, file: c.file, row: c.row, personKey: key, jurisdiction: c.jurisdiction, program: c.program, occupation: c.occupation, level: c.level, date: c.date, amountFen: c.amountFen });
    }
  }
  return history;
}

function merge(results: BatchResult[]): BatchResult {
  return {
    lines: results.flatMap((r) => r.lines),
    rejects: results.flatMap((r) => r.rejects).filter((x, i, all) => all.findIndex((y) => y.column === x.column && y.code === x.code) === i),
    summary: results.flatMap((r) => r.summary),
    persons: results.flatMap((r) => r.persons),
    rowsRead: results.reduce((a, r) => a + r.rowsRead, 0),
    rowsEvaluated: results.reduce((a, r) => a + r.rowsEvaluated, 0),
    rowsRejected: results.reduce((a, r) => a + r.rowsRejected, 0),
    evaluatedRows: results.flatMap((r) => r.evaluatedRows),
  };
}

export async function check(opts: CheckOptions): Promise<number> {
  const tables = await runTables(opts.table);
  if (opts.answers === undefined && (!process.stdin.isTTY || process.env.CI === 'true')) throw NOT_INTERACTIVE;
  // Before any question too: a save that cannot be made (a workbook, no such folder) is said before the interview.
  const saveColumns = opts.save ? checkSaveTarget(opts.save) : undefined;
  // Opened before any question: a wrong salt or an unreachable database fails before the interview, not after it.
  const ledger = opts.ledger ? await openLedger(opts.ledger, false, (m) => process.stderr.write(`${m[opts.lang]}\n`), true) : undefined;
  try {
    if (opts.answers !== undefined) {
      requireFiles([opts.answers], '--answers');
      return await fromAnswers(tables, opts, ledger);
    }
    const table = opts.jurisdiction ? tableOrFail(tables, opts.jurisdiction) : await chooseTable(tables, opts.lang);
    const programs = opts.program ? [programOrFail(table, opts.program)] : await choosePrograms(table, opts.lang);
    const cells = await interview(table, programs, opts.lang);
    if (saveColumns) await askPayees(table, programs, cells, opts.lang, saveColumns);
    return await finish(tables, table, programs, cells, opts, ledger);
  } finally {
    await ledger?.close();
  }
}

function tableOrFail(tables: Map<string, Table>, code: string): Table {
  const t = findTable(tables, code);
  if (!t) throw unknownJurisdiction(code, tables.keys());
  return t;
}

/** A programme by its id or Chinese name (findProgram), as a roster's programme cell may give it. */
function programOrFail(table: Table, name: string): Program {
  const p = findProgram(table, name);
  if (!p) throw programNotInTable(table, name);
  return p;
}

/** A prompt's text in both languages, the one --lang chose first (a clerk reads the first half). */
const pair = (lang: Lang, zh: string, en: string): string => (lang === 'zh' ? `${zh} / ${en}` : `${en} / ${zh}`);

async function chooseTable(tables: Map<string, Table>, lang: Lang): Promise<Table> {
  const choices: Choice<Table>[] = [...tables.values()].map((t) => ({
    name: `${lang === 'zh' ? `${t.name.zh} ${t.name.en}` : `${t.name.en} ${t.name.zh}`} (${t.code})${t.document.status === 'draft' ? ` — ${pair(lang, '征求意见稿', 'draft')}` : ''}`,
    value: t,
    description: `${t.document.number ?? t.document.title}, ${t.document.valid_from ?? '…'} – ${t.document.valid_to ?? '…'}`,
  }));
  return askSelect(pair(lang, '地区', 'jurisdiction'), choices);
}

async function choosePrograms(table: Table, lang: Lang): Promise<Program[]> {
  const all = screenablePrograms(table);
  const choices: Choice<Program[]>[] = [
    { name: pair(lang, '全部可申领项目', 'everything this person may claim'), value: all },
    ...table.programs.map((p) => ({ name: `${pair(lang, p.name.zh, p.name.en)} (${p.id})`, value: [p], description: `${p.clauses.join(', ')} ${p.section}` })),
  ];
  return askSelect(pair(lang, '补贴项目', 'programme'), choices);
}

/**
 * Ask, one at a time, the fact that the most still-possible programmes need (required before optional),
 * until no programme needs anything more. A programme a condition already denies asks nothing.
 */
export async function interview(table: Table, programs: Program[], lang: Lang): Promise<Map<string, string>> {
  const cells = new Map<string, string>();
  const asked = new Set<string>();
  for (;;) {
    const facts = parseCells(cells);
    // rank: how early the field comes in a programme's own needs (its conditions in the text's order).
    const tally = new Map<string, { count: number; required: boolean; rank: number }>();
    for (const p of programs) {
      const needs = neededInputs(table, p, facts);
      if (needs === 'denied') continue;
      needs.forEach((n, rank) => {
        if (asked.has(n.field)) return;
        const t = tally.get(n.field) ?? { count: 0, required: false, rank };
        tally.set(n.field, { count: t.count + 1, required: t.required || !n.optional, rank: Math.min(t.rank, rank) });
      });
    }
    if (tally.size === 0) return cells;
    const [field, info] = [...tally.entries()].sort(
      ([a, x], [b, y]) => Number(b === 'date') - Number(a === 'date') || Number(y.required) - Number(x.required) || y.count - x.count || x.rank - y.rank,
    )[0]!;
    asked.add(field);
    const answer = await askField(FIELD_BY_NAME.get(field)!, !info.required, lang);
    if (answer !== undefined) cells.set(field, answer);
  }
}

/**
 * For a saved case (--save): the training provider or employer a still-possible programme pays for the person, asked
 * optionally at the end. It changes no amount, so the interview does not ask it; the saved row names it for calc's
 * summary, which totals what each is paid (Line.payeeName).
 */
export async function askPayees(table: Table, programs: Program[], cells: Map<string, string>, lang: Lang, columns: ReadonlySet<string>): Promise<void> {
  const facts = parseCells(cells);
  const open = programs.filter((p) => p.subject === 'person' && neededInputs(table, p, facts) !== 'denied');
  for (const [payee, field] of [['provider', 'provider'], ['enterprise', 'employer']] as const) {
    // Not asked for a roster without the column: an answer there could not be saved.
    if (cells.has(field) || !columns.has(field) || !open.some((p) => p.payee === payee)) continue;
    const answer = await askField(FIELD_BY_NAME.get(field)!, true, lang);
    if (answer !== undefined) cells.set(field, answer);
  }
}

/** One question in the field's own vocabulary; free input validated as typed. undefined = not known. */
async function askField(f: FieldDef, optional: boolean, lang: Lang): Promise<string | undefined> {
  const label = pair(lang, f.zh, f.en);
  const unknown: Choice<string> = { name: pair(lang, '不清楚', 'not known'), value: UNKNOWN };
  if (f.kind === 'enum' || f.kind === 'level') {
    const v = await askSelect(label, [...(f.values ?? []).map((x) => ({ name: `${x.zh} (${x.code})`, value: x.code })), unknown]);
    return v === UNKNOWN ? undefined : v;
  }
  if (f.kind === 'bool') {
    const v = await askSelect(label, [{ name: pair(lang, '是', 'yes'), value: 'yes' }, { name: pair(lang, '否', 'no'), value: 'no' }, unknown]);
    return v === UNKNOWN ? undefined : v;
  }
  if (f.kind === 'set') {
    const v = await askCheckbox(`${label} (${pair(lang, '空格选择, 回车确认', 'space to select, enter to confirm')})`, (f.values ?? []).map((x) => ({ name: `${x.zh} (${x.code})`, value: x.code })));
    return v.join(';');
  }
  const example = { date: ' (2021-03-01)', money: ` (${pair(lang, '元', 'yuan')})`, int: '', id: ` (${pair(lang, '18位', '18 digits')})`, text: '', level: '', enum: '', set: '', bool: '' }[f.kind];
  // A count or text a programme needs may be left blank as a list's "not known" is: that programme then goes to
  // review naming it, where a required prompt made the clerk type a figure nobody gave (the years of an apprenticeship
  // the person never started, asked while screening everything). The date and the ID are needed by every line.
  const blank = optional
    ? ` — ${pair(lang, '可留空', 'blank if not known')}`
    : f.kind === 'date' || f.kind === 'id'
      ? ''
      : ` — ${pair(lang, '不清楚可留空, 需要它的项目待复核', 'blank if not known: what needs it goes to review')}`;
  const text = await askInput(`${label}${example}${blank}`, (t) => {
    if (t.trim() === '') return blank ? true : pair(lang, '必填', 'required');
    const p = parseCell(f, t);
    return p.ok ? true : pair(lang, p.reason.zh, p.reason.en);
  });
  return text.trim() === '' ? undefined : text.trim();
}

async function fromAnswers(tables: Map<string, Table>, opts: CheckOptions, ledger: Ledger | undefined): Promise<number> {
  const file = opts.answers!;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: not a JSON object of field → value (${(e as Error).message})`, `${file}: 不是 字段 → 值 的 JSON 对象 (${(e as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${file}: expected a JSON object of field → value`, `${file}: 应为 字段 → 值 的 JSON 对象`);
  const cells = new Map<string, string>();
  const unknown: string[] = [];
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (!FIELD_BY_NAME.has(k)) unknown.push(k);
    else if (v !== null && v !== '') cells.set(k, Array.isArray(v) ? v.join(';') : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));
  }
  if (unknown.length) throw new UsageError(`${file}: unknown fields ${unknown.join(', ')} (see the roster columns in README)`, `${file}: 未知字段 ${unknown.join(', ')} (见 README 的花名册列)`);
  const code = opts.jurisdiction ?? cells.get('jurisdiction');
  if (!code) throw new UsageError(`${file}: say which jurisdiction (-j or "jurisdiction")`, `${file}: 请说明地区 (-j 或 "jurisdiction")`);
  const table = tableOrFail(tables, code);
  cells.delete('jurisdiction');
  const programId = opts.program ?? cells.get('program');
  cells.delete('program');
  const programs = programId ? [programOrFail(table, programId)] : screenablePrograms(table);
  return finish(tables, table, programs, cells, opts, ledger);
}

async function finish(tables: Map<string, Table>, table: Table, programs: Program[], cells: Map<string, string>, opts: CheckOptions, ledger: Ledger | undefined): Promise<number> {
  let results = evaluateCase(tables, table, programs, cells);
  // With a ledger, decided again counting what it already paid the person (the person is known only once evaluated).
  if (ledger) results = evaluateCase(tables, table, programs, cells, await historyOfCase(ledger, results));
  const result = merge(results);
  const c = makeChalk();
  if (opts.json) process.stdout.write(`${JSON.stringify(resultJson(result), null, 2)}\n`);
  else if (result.rejects.length) {
    process.stderr.write(result.rejects.map((r) => `${r.column}${r.value ? ` "${r.value}"` : ''}: ${r.reason[opts.lang]}`).join('\n') + '\n');
  } else {
    process.stdout.write(`\n${c.bold(`${table.name.zh} ${table.document.number ?? table.document.title}`)}\n${renderLines(result.lines, opts.lang, c)}\n`);
  }
  if (result.rejects.length) return 1;
  if (opts.save) {
    const facts = parseCells(cells);
    const kept = programs.filter((p) => result.lines.some((l) => l.program === p.id && !l.companionOf && l.status !== 'denied'));
    const rows = kept.map((p) => {
      const row: Record<string, string> = { jurisdiction: table.code, program: p.id };
      for (const [k, v] of Object.entries(facts)) if (v !== undefined) row[k] = factToCell(k, v);
      return row;
    });
    const { totalsLine, footerLine, withoutJurisdiction } = appendRows(opts.save, rows);
    const zh = opts.lang === 'zh';
    process.stderr.write(
      totalsLine
        ? zh
          ? `${opts.save}: 已在合计行 (现为第 ${totalsLine} 行) 上方添加 ${rows.length} 行, 合计的数字尚未包括它们: 请更新\n`
          : `${opts.save}: ${rows.length} row(s) added above its totals row (now line ${totalsLine}), whose figures do not include them yet: bring them up to date\n`
        : footerLine
          ? zh
            ? `${opts.save}: 已在签字行 (制表人 …, 现从第 ${footerLine} 行起) 上方添加 ${rows.length} 行\n`
            : `${opts.save}: ${rows.length} row(s) added above its sign-off rows (制表人 …, now from line ${footerLine})\n`
          : zh
            ? `${opts.save}: 已追加 ${rows.length} 行\n`
            : `${opts.save}: ${rows.length} row(s) appended\n`,
    );
    if (withoutJurisdiction) {
      process.stderr.write(
        zh
          ? `${opts.save}: 没有地区列, 所以这些行不写地区: 请像读它的其他行一样用 -j ${table.code} 读取\n`
          : `${opts.save}: no jurisdiction column, so the rows say none: read it with -j ${table.code}, as its other rows\n`,
      );
    }
  }
  return 0;
}
