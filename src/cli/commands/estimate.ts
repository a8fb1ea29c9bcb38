// `subsidy estimate`: planned counts or an expected roster → low / central / high exposure, scenarios side by side.
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type Assumptions, Estimate, type EstimateRow, type PlanCase, totals } from '../../engine/estimate.js';
import type { EvaluateOptions, Outcome } from '../../engine/evaluate.js';
import { FactMemo } from '../../engine/memo.js';
import { FIELD_BY_NAME } from '../../engine/fields.js';
import { findProgram, findTable, parseCell, parseDate, unknownProgram } from '../../engine/intake.js';
import { formatYuan } from '../../engine/money.js';
import type { Facts } from '../../engine/types.js';
import { checkWritable, writeFileAtomic } from '../../io/atomic.js';
import { readCatalogue } from '../../io/catalog.js';
import { BOM, csvRow } from '../../io/csvOut.js';
import { renderReport } from '../../io/report.js';
import { type RosterHeader, type SheetCopies, SkippedRows, readHeader, readRoster, refuseMisread, skippedNotes, titleNote } from '../../io/roster.js';
import { SheetWatch } from '../../io/sheetChecks.js';
import { loadRunTables } from '../../tables/shipped.js';
import { type ScenarioChange, ScenarioError, applyScenario, parseSet } from '../../tables/scenario.js';
import type { Table } from '../../tables/schema.js';
import { UsageError } from '../errors.js';
import { makeChalk, yuanGrouped } from '../format.js';
import { progressBar } from '../progress.js';
import type { Progress } from '../../io/pipeline.js';
import { parseEncoding } from './calc.js';
import { makeOutputFolder } from '../../io/outputFolder.js';
import { type Copied, copyWorkbooks } from '../workbooks.js';

export interface EstimateOptions {
  jurisdiction: string;
  plan?: string;
  roster?: string;
  takeUp: string;
  passRate: string;
  lowShare: string;
  on?: string;
  set: string[];
  scenario?: string;
  out: string;
  report?: string;
  table: string[];
  catalog: string[];
  encoding: string;
  /** The sheet to read from a plan or roster given as a workbook. */
  sheet?: string;
  /** Every visible sheet of a plan or roster workbook, read into the one estimate (a plan kept a sheet per department or quarter). */
  allSheets?: boolean;
  /** A bar on stderr while the plan or roster is read (default: when stderr is a terminal). */
  progress?: boolean;
}

function share(name: string, text: string): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v < 0 || v > 1) throw new UsageError(`${name} must be a number from 0 to 1 (got "${text}")`);
  return v;
}

/**
 * Read plan lines (or roster rows, each one case) for `table`'s jurisdiction. In a plan any unreadable cell stops the
 * estimate: a total missing a planned line would mislead. In a roster of expected trainees such rows are left out and
 * counted aloud, and so are rows whose jurisdiction cell names another jurisdiction (a province-wide roster: a
 * Shanxi row's skill_upgrade is not Zhuji's).
 */
async function readCases(
  file: string,
  isPlan: boolean,
  encoding: string,
  table: Table,
  tables: ReadonlyMap<string, Table>,
  add: (c: PlanCase) => void,
  progress: Progress | undefined,
  copies: SheetCopies,
): Promise<void> {
  let read = 0;
  const problems: string[] = [];
  // The first few reasons are kept to show; all are counted.
  const skipped: string[] = [];
  let skippedCount = 0;
  const skip = (...why: string[]): void => {
    skippedCount += why.length;
    skipped.push(...why.slice(0, Math.max(0, 10 - skipped.length)));
  };
  const elsewhere = new Map<string, number>();
  progress?.start('estimating', undefined, file === '-' ? 0 : statSync(copies.get(file) ?? file).size);
  let rows = 0;
  const skippedRows = new SkippedRows();
  // A 合计 row checked against the lines above it (a total that disagrees: a line left out of the file, or added); in a
  // roster of expected trainees, rows left out for a blank programme under a row that has one (a merged cell?). In a
  // plan a line without a programme is an activity no programme pays for.
  let watch: SheetWatch | undefined;
  const onHeader = (h: RosterHeader): void => {
    watch = new SheetWatch(file, h, { totals: true, blank: isPlan ? [] : ['program'] });
    refuseMisread(file, h);
    const titles = titleNote(h);
    if (titles) process.stderr.write(`${titles}\n`);
  };
  for await (const rec of readRoster(file, parseEncoding(encoding), onHeader, (bytes) => progress?.tick(rows, bytes), copies)) {
    rows++;
    watch?.add(rec);
    if (rec.skipped) {
      skippedRows.add(rec.skipped, rec.row);
      continue;
    }
    if (rec.short) skippedRows.add('short', rec.row);
    if (rec.unreadable) {
      if (isPlan) problems.push(`${rec.file} row ${rec.row}: ${rec.unreadable.en}`);
      else skip(`${rec.file} row ${rec.row}: ${rec.unreadable.en}`);
      continue;
    }
    const named = rec.cells.get('jurisdiction');
    const theirs = named === undefined ? table : findTable(tables, named);
    if (theirs !== table) {
      const what = theirs
        ? `${rec.file} row ${rec.row}, column jurisdiction, value "${named}": this estimate is for ${table.code} (-j)`
        : `${rec.file} row ${rec.row}, column jurisdiction, value "${named}": unknown jurisdiction (known: ${[...tables.keys()].join(', ')})`;
      if (isPlan) problems.push(what);
      else if (theirs) elsewhere.set(theirs.code, (elsewhere.get(theirs.code) ?? 0) + 1);
      else skip(what);
      continue;
    }
    const facts: Facts = {};
    const before = problems.length;
    for (const [name, raw] of rec.cells) {
      // Who the person is does not change what a case costs.
      if (name === 'jurisdiction' || name === 'person_id' || name === 'name') continue;
      const p = parseCell(FIELD_BY_NAME.get(name)!, raw);
      if (p.ok) facts[name] = p.value;
      else problems.push(`${rec.file} row ${rec.row}, column ${name}, value "${raw}": ${p.reason.en}`);
    }
    if (!isPlan && problems.length > before) {
      skip(...problems.splice(before));
      continue;
    }
    const planned = isPlan ? (facts.planned as number | undefined) : 1;
    if (planned === undefined) {
      problems.push(`${rec.file} row ${rec.row}: a plan line needs "planned" (计划人次)`);
      continue;
    }
    const given = String(facts.program ?? '');
    // The id, also where the cell gives the programme's Chinese name (findProgram); a name the table lacks stays as typed.
    const found = given ? findProgram(table, given) : undefined;
    const program = found?.id ?? given;
    const label = String(facts.label ?? program);
    if (!program && !facts.label) {
      // A roster row without a programme is one calc rejects (missing_column): left out and counted, like the others.
      if (!isPlan) {
        skip(`${rec.file} row ${rec.row}, column program: no programme given`);
        continue;
      }
      problems.push(`${rec.file} row ${rec.row}: give a programme, or a label for an activity no programme pays for`);
    }
    // A programme the table does not have is most likely mistyped: counted as an unvalued activity, it would drop
    // out of the totals unnoticed (and be called one "the text states no amount for"). A plan stops; a roster's row is
    // left out and counted aloud, as calc rejects it (unknown_program).
    if (given && !found) {
      const what = `${rec.file} row ${rec.row}, column program, value "${program}": ${unknownProgram(table).en}`;
      if (!isPlan) {
        skip(what);
        continue;
      }
      problems.push(`${what}; for an activity no programme pays for, give only a label`);
    }
    delete facts.program;
    delete facts.planned;
    delete facts.label;
    // Evaluated as read (a plan with a problem is refused below, before anything is written).
    add({ file: rec.file, row: rec.row, label, program, planned, facts });
    read++;
  }
  progress?.done();
  if (problems.length) throw new UsageError(`cannot estimate from ${file}:\n${problems.join('\n')}`);
  skippedRows.checks = watch?.notes() ?? [];
  for (const note of skippedNotes(file, skippedRows)) process.stderr.write(`${note}\n`);
  if (skippedCount) {
    process.stderr.write(`${skippedCount} row(s) of ${file} could not be read and are not in the estimate:\n${skipped.join('\n')}${skippedCount > skipped.length ? '\n…' : ''}\n`);
  }
  if (elsewhere.size) {
    const n = [...elsewhere.values()].reduce((a, x) => a + x, 0);
    const by = [...elsewhere].sort(([a], [b]) => a.localeCompare(b)).map(([code, k]) => `${code} ${k}`).join(', ');
    process.stderr.write(`${n} row(s) of ${file} are for other jurisdictions and are not in this estimate for ${table.code}: ${by}\n`);
  }
  process.stderr.write(`${read} case line(s) read from ${file}\n`);
}

/**
 * The files to read cases from: the plan or roster named, or, a workbook read whole (--all-sheets), those of its
 * sheets whose header names a programme or label (and, in a plan, the planned count). Others (a 说明 sheet, an empty
 * one) are left out and named; none left is refused.
 */
async function sheetsWithCases(books: Copied, isPlan: boolean, source: string): Promise<string[]> {
  const kept: string[] = [];
  for (const file of books.files) {
    if (!books.sheetsOfBooks.has(file)) {
      kept.push(file);
      continue;
    }
    const copy = books.copies.get(file)!;
    if (statSync(copy).size === 0) {
      process.stderr.write(`${file}: an empty sheet: not read\n`);
      continue;
    }
    const { fields } = await readHeader(copy, 'utf8', file);
    const missing = [...(fields.includes('program') || fields.includes('label') ? [] : ['program']), ...(isPlan && !fields.includes('planned') ? ['planned'] : [])];
    if (missing.length) process.stderr.write(`${file}: no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}, not a ${isPlan ? 'plan' : 'roster'}: not read\n`);
    else kept.push(file);
  }
  if (!kept.length) throw new UsageError(`${source}: no visible sheet holds a ${isPlan ? 'plan (a program or label column, and planned)' : 'roster (a program column)'}`);
  return kept;
}

function scenarioChanges(opts: EstimateOptions): { name: string; changes: ScenarioChange[] } | undefined {
  const changes: ScenarioChange[] = [];
  let name = 'scenario';
  if (opts.scenario) {
    let doc: { name?: string; set?: Record<string, number> };
    try {
      doc = parseYaml(readFileSync(opts.scenario, 'utf8')) as typeof doc;
    } catch (e) {
      throw new UsageError(`${opts.scenario}: ${(e as Error).message}`);
    }
    if (!doc?.set || typeof doc.set !== 'object') throw new UsageError(`${opts.scenario}: expected "set:" with <programme>.<parameter>: <number> entries`);
    name = doc.name ?? name;
    for (const [k, v] of Object.entries(doc.set)) changes.push(parseSet(`${k}=${v}`));
  }
  changes.push(...opts.set.map(parseSet));
  return changes.length ? { name, changes } : undefined;
}

export async function estimateCommand(opts: EstimateOptions): Promise<number> {
  if (!!opts.plan === !!opts.roster) throw new UsageError('give exactly one of --plan <csv> or --roster <csv>');
  const tables = await loadRunTables(opts.table);
  const table = findTable(tables, opts.jurisdiction);
  if (!table) throw new UsageError(`unknown jurisdiction "${opts.jurisdiction}"; known: ${[...tables.keys()].join(', ')}`);
  const on = opts.on ? parseDate(opts.on) : (table.document.valid_from ?? new Date().toISOString().slice(0, 10));
  if (!on) throw new UsageError(`--on "${opts.on}" is not a date`);
  const assumptions: Assumptions = { lowShare: share('--low-share', opts.lowShare), takeUp: share('--take-up', opts.takeUp), passRate: share('--pass-rate', opts.passRate), on };
  let scenario: { name: string; changes: ScenarioChange[] } | undefined;
  let scenarioTable: Table | undefined;
  try {
    scenario = scenarioChanges(opts);
    scenarioTable = scenario && applyScenario(table, scenario.changes);
  } catch (e) {
    if (e instanceof ScenarioError) throw new UsageError(e.message);
    throw e;
  }
  // Before the cases are read: a report that cannot be written should not cost a whole estimate first.
  if (opts.report) checkWritable(opts.report);
  const source = (opts.plan ?? opts.roster)!;
  const showProgress = opts.progress ?? process.stderr.isTTY === true;
  if (opts.sheet !== undefined && opts.allSheets) throw new UsageError('--sheet reads one sheet and --all-sheets every one: give either');
  // A plan, roster or catalogue given as a workbook is read from a CSV copy of its sheet (or of each sheet).
  const books = await copyWorkbooks([source], { sheet: opts.sheet, allSheets: opts.allSheets, lang: 'en', progress: showProgress, kind: opts.plan ? 'plan' : 'roster' });
  const copies = new Map([...books.copies, ...(await copyWorkbooks(opts.catalog, { lang: 'en', progress: showProgress })).copies]);
  const sources = await sheetsWithCases(books, !!opts.plan, source);
  const catalogue = opts.catalog.length ? await readCatalogue(opts.catalog, parseEncoding(opts.encoding), copies) : undefined;
  // Outcomes remembered by the facts they read (as calc does): a roster of expected trainees repeats a few cases.
  const evalOptions = (): EvaluateOptions => ({
    memo: new FactMemo<Outcome>(),
    ...(catalogue ? { catalogue: (t: Table, p: { id: string }, f: Facts) => catalogue.lookup(t.code, p.id, f.occupation as string | undefined, f.level as string | undefined) } : {}),
  });
  // Baseline and scenario take each case as it is read: a roster is never held whole.
  const base = new Estimate(table, assumptions, evalOptions());
  const alternative = scenarioTable && new Estimate(scenarioTable, assumptions, evalOptions());
  const progress = showProgress ? progressBar() : undefined;
  for (const file of sources) {
    await readCases(file, !!opts.plan, opts.encoding, table, tables, (c) => {
      base.add(c);
      alternative?.add(c);
    }, progress, copies);
  }
  const baseline = base.rows();
  const scenarioRows = alternative?.rows();

  const out = resolve(opts.out);
  makeOutputFolder(out);
  const csvFile = join(out, 'estimate.csv');
  writeFileAtomic(csvFile, estimateCsv(table, baseline, scenario && scenarioRows ? { name: scenario.name, rows: scenarioRows } : undefined));
  if (opts.report) {
    writeFileAtomic(opts.report, renderReport({ table, planLabel: source, assumptions, baseline, scenario: scenario && scenarioRows ? { name: scenario.name, rows: scenarioRows } : undefined }));
  }
  printTable(table, baseline, scenario && scenarioRows ? { name: scenario.name, rows: scenarioRows } : undefined);
  process.stdout.write(`wrote ${csvFile}${opts.report ? `, ${opts.report}` : ''}\n`);
  return 0;
}

const cases100 = (x: number): string => (x % 100 === 0 ? String(x / 100) : (x / 100).toFixed(2));

function estimateCsv(table: Table, baseline: EstimateRow[], scenario?: { name: string; rows: EstimateRow[] }): string {
  const header = ['scenario', 'jurisdiction', 'document_status', 'program', 'label', 'program_name', 'payee', 'cases', 'low', 'central', 'high', 'unquantified_cases', 'assumptions', 'citation'];
  const line = (name: string, r: EstimateRow): string =>
    csvRow([name, table.code, table.document.status, r.program, r.label, r.programName.zh, r.payee, cases100(r.casesX100), formatYuan(r.low), formatYuan(r.central), formatYuan(r.high), cases100(r.unquantifiedX100), r.notes.join(' | '), r.citation]);
  const total = (name: string, rows: EstimateRow[]): string => {
    const t = totals(rows);
    return csvRow([name, table.code, table.document.status, 'TOTAL', '', '', '', '', formatYuan(t.low), formatYuan(t.central), formatYuan(t.high), cases100(t.unquantifiedX100), '', '']);
  };
  const parts = [BOM + csvRow(header), ...baseline.map((r) => line('baseline', r)), total('baseline', baseline)];
  if (scenario) parts.push(...scenario.rows.map((r) => line(scenario.name, r)), total(scenario.name, scenario.rows));
  return parts.join('');
}

function printTable(table: Table, baseline: EstimateRow[], scenario?: { name: string; rows: EstimateRow[] }): void {
  const c = makeChalk();
  const y = (fen: number): string => yuanGrouped(fen).padStart(16);
  const o: string[] = [c.bold(`${table.name.zh} ${table.code} — exposure in yuan (low / central / high)`)];
  if (table.document.status === 'draft') o.push(c.yellow('DRAFT for comment: amounts are not final'));
  const head = `${'programme'.padEnd(30)} ${'cases'.padStart(9)} ${'low'.padStart(16)} ${'central'.padStart(16)} ${'high'.padStart(16)}`;
  o.push(scenario ? `${head} ${`${scenario.name} central`.padStart(18)} ${`${scenario.name} high`.padStart(16)} ${'Δ central'.padStart(14)} ${'Δ high'.padStart(14)}` : head);
  for (const r of baseline) {
    const name = (r.program || r.label).slice(0, 30).padEnd(30);
    let line = `${name} ${cases100(r.casesX100).padStart(9)} ${y(r.low)} ${y(r.central)} ${y(r.high)}`;
    const s = scenario?.rows.find((x) => x.program === r.program && x.label === r.label);
    if (s) line += ` ${yuanGrouped(s.central).padStart(18)} ${y(s.high)} ${yuanGrouped(s.central - r.central).padStart(14)} ${yuanGrouped(s.high - r.high).padStart(14)}`;
    if (r.unquantifiedX100) line += c.yellow(`  ${cases100(r.unquantifiedX100)} unquantified`);
    o.push(line);
  }
  const t = totals(baseline);
  let total = `${c.bold('TOTAL'.padEnd(30))} ${''.padStart(9)} ${y(t.low)} ${y(t.central)} ${y(t.high)}`;
  if (scenario) {
    const s = totals(scenario.rows);
    total += ` ${yuanGrouped(s.central).padStart(18)} ${y(s.high)} ${yuanGrouped(s.central - t.central).padStart(14)} ${yuanGrouped(s.high - t.high).padStart(14)}`;
  }
  o.push(total);
  if (t.unquantifiedX100) o.push(c.yellow(`${cases100(t.unquantifiedX100)} planned case(s) are not valued: the text states no amount for them (see estimate.csv)`));
  process.stdout.write(`${o.join('\n')}\n`);
}
