// `subsidy tables list | show | validate` (and the brief's names: jurisdictions, rates, validate-data): what the data says, with citations; lint user-authored tables.
import { citation, documentPeriodOf, inProgramWindow } from '../../engine/evaluate.js';
import { findTable, parseDate } from '../../engine/intake.js';
import type { Table } from '../../tables/schema.js';
import { describeAmount, describeCondition, describeLimit } from '../../tables/describe.js';
import { checkTableFile, formatProblem, loadTables } from '../../tables/load.js';
import { listTableFiles } from '../../tables/files.js';
import { requireFiles } from '../inputs.js';
import { UsageError, unknownJurisdiction } from '../errors.js';
import { makeChalk, padEndWide } from '../format.js';

const period = (d: { valid_from: string | null; valid_to: string | null }): string => `${d.valid_from ?? '…'} – ${d.valid_to ?? '…'}`;

/** `--on`: a date in any form a roster may write it, as YYYY-MM-DD. */
function dateOption(on: string | undefined): string | undefined {
  if (on === undefined) return undefined;
  const d = parseDate(on);
  if (!d) throw new UsageError(`--on "${on}" is not a date (use 2021-03-01, 2021/3/1 or 2021年3月1日)`, `--on "${on}" 不是日期 (请写 2021-03-01, 2021/3/1 或 2021年3月1日)`);
  return d;
}

/** What the document says of claims dated `on`: in force, or why not (before its period: its own rule for that). */
function periodOn(t: Table, on: string): string {
  const where = documentPeriodOf(t, on);
  if (where === 'in_force') return `on ${on}: in force`;
  if (where === 'after') return `on ${on}: not in force (after ${t.document.valid_to}): claims are denied`;
  return `on ${on}: not in force (before ${t.document.valid_from}): claims ${t.document.before_period === 'review' ? 'go to review (earlier standards apply)' : 'are denied'}`;
}

export function tablesList(extra: string[], opts: { on?: string } = {}): number {
  const c = makeChalk();
  const on = dateOption(opts.on);
  requireFiles(extra, '--table');
  for (const t of loadTables(extra).values()) {
    const status = t.document.status === 'draft' ? c.yellow('DRAFT') : 'final';
    const when = on ? `  ${periodOn(t, on)}` : '';
    // Padded by display width: a Chinese character takes two columns (杭州市西湖区 beside 衡阳市).
    process.stdout.write(`${c.bold(t.code.padEnd(10))} ${padEndWide(t.name.zh, 12)} ${padEndWide(t.document.number ?? '(no number)', 22)} ${period(t.document).padEnd(25)} ${status}  ${t.programs.length} programmes${when}\n`);
  }
  return 0;
}

export function tablesShow(code: string, extra: string[], opts: { on?: string } = {}): number {
  const c = makeChalk();
  requireFiles(extra, '--table');
  const tables = loadTables(extra);
  const t = findTable(tables, code);
  if (!t) throw unknownJurisdiction(code, tables.keys());
  const on = dateOption(opts.on);
  const d = t.document;
  const o: string[] = [];
  o.push(`${c.bold(`${t.name.zh} ${t.name.en}`)} (${t.code})`);
  o.push(`${d.number ?? '(no number)'} ${d.title}`);
  o.push(`issued ${d.issued ?? '—'}, in force ${period(d)}, ${d.status === 'draft' ? c.yellow('DRAFT for comment: amounts not final') : 'final'}; seed ${d.seed}`);
  if (d.period_note) o.push(c.dim(d.period_note));
  if (on) o.push(c.bold(periodOn(t, on)));
  for (const p of t.programs) {
    // A programme outside its own window on the date: named, with its window, and nothing more.
    if (on && !inProgramWindow(p, on)) {
      o.push('', c.dim(`${p.id}  ${p.name.zh} / ${p.name.en}: not in force on ${on} (window ${p.from ?? '…'} – ${p.to ?? '…'})`));
      continue;
    }
    o.push('', `${c.bold(p.id)}  ${p.name.zh} / ${p.name.en}  → ${p.payee}`);
    o.push(`  amount: ${describeAmount(p.amount)}`);
    for (const u of p.uplifts) {
      const ended = on && u.to && on > u.to ? c.dim(` — ended ${u.to}, not on ${on}`) : u.to ? ` (until ${u.to})` : '';
      o.push(`  uplift: +${u.percent}%${u.up_to ? ' (at most)' : ''} ${u.label.zh} (${u.clause})${ended}`);
    }
    for (const cond of p.conditions) o.push(`  if: ${describeCondition(cond)}`);
    if (p.companions.length) o.push(`  with: ${p.companions.join(', ')}`);
    o.push(`  cites: ${citation(t, p)}`);
    o.push(c.dim(`  「${p.quote}」`));
  }
  if (t.limits.length) o.push('', c.bold('limits'), ...t.limits.map((l) => `  ${describeLimit(l)}`));
  process.stdout.write(`${o.join('\n')}\n`);
  return 0;
}

/** Every clause ID a table cites: its programmes', and its uplifts', rates' and limits' (`clause`/`clauses` anywhere). */
function clausesCited(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) clausesCited(v, into);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'clause' && typeof v === 'string') into.add(v);
      else if (key === 'clauses' && Array.isArray(v)) for (const id of v) into.add(String(id));
      else clausesCited(v, into);
    }
  }
  return into;
}

/** `subsidy rates`: one table with -j, else every table, one after another. */
export function ratesCommand(opts: { jurisdiction?: string; table: string[]; on?: string }): number {
  if (opts.jurisdiction !== undefined) return tablesShow(opts.jurisdiction, opts.table, opts); // which checks the files
  requireFiles(opts.table, '--table');
  let first = true;
  for (const code of loadTables(opts.table).keys()) {
    if (!first) process.stdout.write('\n');
    first = false;
    tablesShow(code, opts.table, opts);
  }
  return 0;
}

/** `subsidy validate-data`: the files given, or every table file shipped in data/. */
export function validateData(files: string[]): number {
  return tablesValidate(files.length ? files : listTableFiles());
}

export function tablesValidate(files: string[]): number {
  let bad = 0;
  for (const file of files) {
    const { table, problems } = checkTableFile(file);
    if (table) {
      const clauses = [...clausesCited(table)].sort();
      process.stdout.write(`${file}: ok — ${table.code}, ${table.programs.length} programmes, clauses ${clauses.join(' ')}\n`);
    } else {
      bad++;
      for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
    }
  }
  return bad ? 1 : 0;
}
