// `subsidy tables list | show | validate`: what the data says, with citations; lint user-authored tables.
import { citation } from '../../engine/evaluate.js';
import { findTable } from '../../engine/intake.js';
import { describeAmount, describeCondition, describeLimit } from '../../tables/describe.js';
import { checkTableFile, formatProblem, loadTables } from '../../tables/load.js';
import { UsageError } from '../errors.js';
import { makeChalk } from '../format.js';

const period = (d: { valid_from: string | null; valid_to: string | null }): string => `${d.valid_from ?? '…'} – ${d.valid_to ?? '…'}`;

export function tablesList(extra: string[]): number {
  const c = makeChalk();
  for (const t of loadTables(extra).values()) {
    const status = t.document.status === 'draft' ? c.yellow('DRAFT') : 'final';
    process.stdout.write(`${c.bold(t.code.padEnd(10))} ${t.name.zh.padEnd(8)} ${(t.document.number ?? '(no number)').padEnd(20)} ${period(t.document).padEnd(25)} ${status}  ${t.programs.length} programmes\n`);
  }
  return 0;
}

export function tablesShow(code: string, extra: string[]): number {
  const c = makeChalk();
  const tables = loadTables(extra);
  const t = findTable(tables, code);
  if (!t) throw new UsageError(`unknown jurisdiction "${code}"; known: ${[...tables.keys()].join(', ')}`);
  const d = t.document;
  const o: string[] = [];
  o.push(`${c.bold(`${t.name.zh} ${t.name.en}`)} (${t.code})`);
  o.push(`${d.number ?? '(no number)'} ${d.title}`);
  o.push(`issued ${d.issued ?? '—'}, in force ${period(d)}, ${d.status === 'draft' ? c.yellow('DRAFT for comment: amounts not final') : 'final'}; seed ${d.seed}`);
  if (d.period_note) o.push(c.dim(d.period_note));
  for (const p of t.programs) {
    o.push('', `${c.bold(p.id)}  ${p.name.zh} / ${p.name.en}  → ${p.payee}`);
    o.push(`  amount: ${describeAmount(p.amount)}`);
    for (const u of p.uplifts) o.push(`  uplift: +${u.percent}%${u.up_to ? ' (at most)' : ''} ${u.label.zh} (${u.clause})`);
    for (const cond of p.conditions) o.push(`  if: ${describeCondition(cond)}`);
    if (p.companions.length) o.push(`  with: ${p.companions.join(', ')}`);
    o.push(`  cites: ${citation(t, p)}`);
    o.push(c.dim(`  「${p.quote}」`));
  }
  if (t.limits.length) o.push('', c.bold('limits'), ...t.limits.map((l) => `  ${describeLimit(l)}`));
  process.stdout.write(`${o.join('\n')}\n`);
  return 0;
}

export function tablesValidate(files: string[]): number {
  let bad = 0;
  for (const file of files) {
    const { table, problems } = checkTableFile(file);
    if (table) {
      const clauses = [...new Set(table.programs.flatMap((p) => p.clauses))].sort();
      process.stdout.write(`${file}: ok — ${table.code}, ${table.programs.length} programmes, clauses ${clauses.join(' ')}\n`);
    } else {
      bad++;
      for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
    }
  }
  return bad ? 1 : 0;
}
