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
import { type RejectCounts, countReject, unknownProgramHints } from '../../engine/rejectCounts.js';
import { type LimitRepeats, RepeatedPersons } from '../../engine/repeatedPersons.js';
import type { Facts } from '../../engine/types.js';
import { checkWritable, writeFileAtomic } from '../../io/atomic.js';
import { readCatalogue } from '../../io/catalog.js';
import { BOM, type Lang, csvRow } from '../../io/csvOut.js';
import { renderReport } from '../../io/report.js';
import { RosterError, type RosterHeader, type SheetCopies, readHeader, readRoster, refuseMisread, titleNote } from '../../io/roster.js';
import { SkippedRows, skippedNotes } from '../../io/rowKinds.js';
import { SheetWatch } from '../../io/sheetChecks.js';
import { type ScenarioChange, ScenarioError, applyScenario, parseSet } from '../../tables/scenario.js';
import { limitRule } from '../../tables/describe.js';
import type { Table } from '../../tables/schema.js';
import { UsageError, sheetAndAllSheets, unknownJurisdiction } from '../errors.js';
import { requireFiles, runTables } from '../inputs.js';
import { makeChalk, padEndWide, padStartWide, yuanGrouped } from '../format.js';
import { progressBar } from '../progress.js';
import type { Progress } from '../../io/pipeline.js';
import { parseEncoding } from './calc.js';
import { makeOutputFolder } from '../../io/outputFolder.js';
import { type Copied, copyWorkbooks } from '../workbooks.js';
import { refuseOverwritingInputs } from '../../io/keepInputs.js';
import { type OutputEncoding, reencodeOutputs } from '../../io/outputEncoding.js';

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
  /** estimate.csv's encoding (--out-encoding: utf8, or gbk written as GB18030). */
  outEncoding?: OutputEncoding;
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
  /** Language of estimate.csv's header, the table and the messages (codes and numbers are the same in both). */
  lang?: Lang;
}

function share(name: string, text: string): number {
  // 0.8, or 80% as an analyst also writes it.
  const percent = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  const v = percent ? Number(percent[1]) / 100 : Number(text);
  if (!Number.isFinite(v) || v < 0 || v > 1) throw new UsageError(`${name} must be a number from 0 to 1, or a percentage up to 100% (got "${text}")`, `${name} 须为 0 到 1 的数, 或不超过 100% 的百分比 (给的是"${text}")`);
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
  add: (c: PlanCase, cells: ReadonlyMap<string, string>) => void,
  progress: Progress | undefined,
  copies: SheetCopies,
  lang: Lang,
): Promise<void> {
  const zh = lang === 'zh';
  /** Where a problem is: the file and row, and the column and value when it is a cell's. */
  const at = (row: number, column?: string, value?: string): string =>
    zh
      ? `${file} 第 ${row} 行${column ? `, ${column} 列${value === undefined ? '' : `, 值 "${value}"`}` : ''}`
      : `${file} row ${row}${column ? `, column ${column}${value === undefined ? '' : `, value "${value}"`}` : ''}`;
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
  // Programmes the table does not have, by value: all another table's, the file is for another jurisdiction (-j).
  const unknown: RejectCounts = {};
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
    // Said once, where every line would say it: a plan without its counts (a roster given as --plan, most likely).
    if (isPlan && !h.fields.includes('planned')) {
      const roster = h.fields.includes('person_id');
      throw new RosterError(
        zh
          ? `${file}: 没有 计划人次 (planned) 列, 而每条计划行都需要${roster ? '; 它有身份证号码: 是预计学员花名册吗? 请用 --roster 给出' : ''}`
          : `${file}: no planned column (计划人次), which every plan line needs${roster ? '; it has resident IDs: a roster of expected trainees? give it as --roster' : ''}`,
      );
    }
    // A plan given as --roster: each line would count as one case, its 5500 planned left unread.
    if (!isPlan && h.fields.includes('planned')) {
      throw new RosterError(
        zh
          ? `${file}: 有 计划人次 (planned) 列: 是计划吗? 请用 --plan 给出 (作为花名册, 每行只算一人次, 计划人次不读)`
          : `${file}: it has a planned column (计划人次): a plan? give it as --plan (as a roster each row is one case, and its planned count is not read)`,
      );
    }
    const titles = titleNote(h, lang);
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
      const what = `${at(rec.row)}: ${zh ? rec.unreadable.zh : rec.unreadable.en}`;
      if (isPlan) problems.push(what);
      else skip(what);
      continue;
    }
    const named = rec.cells.get('jurisdiction');
    const theirs = named === undefined ? table : findTable(tables, named);
    if (theirs !== table) {
      const what = theirs
        ? `${at(rec.row, 'jurisdiction', named)}: ${zh ? `本次测算只针对 ${table.code} (-j)` : `this estimate is for ${table.code} (-j)`}`
        : `${at(rec.row, 'jurisdiction', named)}: ${zh ? `未知地区 (可选: ${[...tables.keys()].join(', ')})` : `unknown jurisdiction (known: ${[...tables.keys()].join(', ')})`}`;
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
      else problems.push(`${at(rec.row, name, raw)}: ${zh ? p.reason.zh : p.reason.en}`);
    }
    if (!isPlan && problems.length > before) {
      skip(...problems.splice(before));
      continue;
    }
    const planned = isPlan ? (facts.planned as number | undefined) : 1;
    if (planned === undefined) {
      // (A planned cell that cannot be read is said above, by its value.)
      if (problems.length === before) problems.push(`${at(rec.row)}: ${zh ? '计划行须填 "计划人次" (planned)' : 'a plan line needs "planned" (计划人次)'}`);
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
        skip(`${at(rec.row, 'program')}: ${zh ? '未填补贴项目' : 'no programme given'}`);
        continue;
      }
      problems.push(`${at(rec.row)}: ${zh ? '请填补贴项目; 无补贴项目的活动只填标签 (label)' : 'give a programme, or a label for an activity no programme pays for'}`);
    }
    // A programme the table does not have is most likely mistyped: counted as an unvalued activity, it would drop
    // out of the totals unnoticed (and be called one "the text states no amount for"). A plan stops; a roster's row is
    // left out and counted aloud, as calc rejects it (unknown_program).
    if (given && !found) {
      countReject(unknown, { column: 'program', code: 'unknown_program', value: given }, table.code);
      const what = `${at(rec.row, 'program', program)}: ${unknownProgram(table, program)[zh ? 'zh' : 'en']}`;
      if (!isPlan) {
        skip(what);
        continue;
      }
      problems.push(`${what}${zh ? '; 无补贴项目的活动只填标签 (label)' : '; for an activity no programme pays for, give only a label'}`);
    }
    delete facts.program;
    delete facts.planned;
    delete facts.label;
    // Evaluated as read (a plan with a problem is refused below, before anything is written).
    add({ file: rec.file, row: rec.row, label, program, planned, facts }, rec.cells);
    read++;
  }
  progress?.done();
  const hints = unknownProgramHints(unknown, tables).map((h) => `${file}: ${h[lang]}`);
  if (problems.length) throw new UsageError(`${zh ? `无法据 ${file} 测算` : `cannot estimate from ${file}`}:\n${[...problems, ...hints].join('\n')}`);
  skippedRows.checks = watch?.notes() ?? [];
  for (const note of skippedNotes(file, skippedRows, lang)) process.stderr.write(`${note}\n`);
  if (skippedCount) {
    const more = `${skipped.join('\n')}${skippedCount > skipped.length ? '\n…' : ''}`;
    process.stderr.write(zh ? `${file} 有 ${skippedCount} 行无法读取, 未计入测算:\n${more}\n` : `${skippedCount} row(s) of ${file} could not be read and are not in the estimate:\n${more}\n`);
  }
  for (const hint of hints) process.stderr.write(`${hint}\n`);
  if (elsewhere.size) {
    const n = [...elsewhere.values()].reduce((a, x) => a + x, 0);
    const by = [...elsewhere].sort(([a], [b]) => a.localeCompare(b)).map(([code, k]) => `${code} ${k}`).join(', ');
    process.stderr.write(zh ? `${file} 有 ${n} 行属于其他地区, 未计入 ${table.code} 的测算: ${by}\n` : `${n} row(s) of ${file} are for other jurisdictions and are not in this estimate for ${table.code}: ${by}\n`);
  }
  process.stderr.write(zh ? `从 ${file} 读取 ${read} 条测算行\n` : `${read} case line(s) read from ${file}\n`);
}

/**
 * The files to read cases from: the plan or roster named, or, a workbook read whole (--all-sheets), those of its
 * sheets whose header names a programme or label (and, in a plan, the planned count). Others (a 说明 sheet, an empty
 * one) are left out and named; none left is refused.
 */
async function sheetsWithCases(books: Copied, isPlan: boolean, source: string, lang: Lang): Promise<string[]> {
  const zh = lang === 'zh';
  const kind = isPlan ? { zh: '计划', en: 'plan' } : { zh: '花名册', en: 'roster' };
  const kept: string[] = [];
  for (const file of books.files) {
    if (!books.sheetsOfBooks.has(file)) {
      kept.push(file);
      continue;
    }
    const copy = books.copies.get(file)!;
    if (statSync(copy).size === 0) {
      process.stderr.write(zh ? `${file}: 空工作表, 不读\n` : `${file}: an empty sheet: not read\n`);
      continue;
    }
    const { fields } = await readHeader(copy, 'utf8', file);
    const missing = [...(fields.includes('program') || fields.includes('label') ? [] : ['program']), ...(isPlan && !fields.includes('planned') ? ['planned'] : [])];
    if (missing.length) {
      process.stderr.write(zh ? `${file}: 没有 ${missing.join(', ')} 列, 不是${kind.zh}, 不读\n` : `${file}: no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}, not a ${kind.en}: not read\n`);
    }
    else kept.push(file);
  }
  if (!kept.length) {
    throw new UsageError(
      zh
        ? `${source}: 没有一个可见工作表是${kind.zh} (${isPlan ? '须有 program 或 label 列, 以及 planned 列' : '须有 program 列'})`
        : `${source}: no visible sheet holds a ${isPlan ? 'plan (a program or label column, and planned)' : 'roster (a program column)'}`,
    );
  }
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
      throw new UsageError(`${opts.scenario}: ${(e as Error).message}`, `${opts.scenario}: 不是可读的 YAML: ${(e as Error).message}`);
    }
    if (!doc?.set || typeof doc.set !== 'object') throw new UsageError(`${opts.scenario}: expected "set:" with <programme>.<parameter>: <number> entries`, `${opts.scenario}: 应有 "set:", 其下为 <补贴项目>.<参数>: <数值> 各项`);
    name = doc.name ?? name;
    for (const [k, v] of Object.entries(doc.set)) changes.push(parseSet(`${k}=${v}`));
  }
  changes.push(...opts.set.map(parseSet));
  return changes.length ? { name, changes } : undefined;
}

export async function estimateCommand(opts: EstimateOptions): Promise<number> {
  if (!!opts.plan === !!opts.roster) throw new UsageError('give exactly one of --plan <csv> or --roster <csv>', '--plan <csv> 与 --roster <csv> 须给且只给其一');
  const source = (opts.plan ?? opts.roster)!;
  requireFiles([source], opts.plan ? '--plan' : '--roster');
  requireFiles(opts.catalog, '--catalog');
  if (opts.scenario) requireFiles([opts.scenario], '--scenario');
  const tables = await runTables(opts.table);
  const table = findTable(tables, opts.jurisdiction);
  if (!table) throw unknownJurisdiction(opts.jurisdiction, tables.keys());
  const on = opts.on ? parseDate(opts.on) : (table.document.valid_from ?? new Date().toISOString().slice(0, 10));
  if (!on) throw new UsageError(`--on "${opts.on}" is not a date`, `--on "${opts.on}" 不是日期`);
  const assumptions: Assumptions = { lowShare: share('--low-share', opts.lowShare), takeUp: share('--take-up', opts.takeUp), passRate: share('--pass-rate', opts.passRate), on };
  let scenario: { name: string; changes: ScenarioChange[] } | undefined;
  let scenarioTable: Table | undefined;
  try {
    scenario = scenarioChanges(opts);
    scenarioTable = scenario && applyScenario(table, scenario.changes);
  } catch (e) {
    if (e instanceof ScenarioError) throw new UsageError(e.message, e.zh);
    throw e;
  }
  // Before the cases are read: an input the results would replace, or a report that cannot be written, should not cost a whole estimate first.
  const inputs = [source, ...opts.catalog, ...opts.table, ...(opts.scenario ? [opts.scenario] : [])];
  refuseOverwritingInputs(inputs, [join(opts.out, 'estimate.csv'), ...(opts.report ? [opts.report] : [])], { en: 'choose another -o or --report', zh: '请另选 -o 或 --report' });
  if (opts.report && resolve(opts.report) === resolve(opts.out, 'estimate.csv')) throw new UsageError(`--report ${opts.report} is where estimate.csv is written: name the report another file (report.html)`, `--report ${opts.report} 正是 estimate.csv 的写入位置: 请给报告另取文件名 (report.html)`);
  if (opts.report) checkWritable(opts.report);
  const showProgress = opts.progress ?? process.stderr.isTTY === true;
  if (opts.sheet !== undefined && opts.allSheets) throw sheetAndAllSheets();
  // A plan, roster or catalogue given as a workbook is read from a CSV copy of its sheet (or of each sheet).
  const lang = opts.lang ?? 'en';
  const books = await copyWorkbooks([source], { sheet: opts.sheet, allSheets: opts.allSheets, lang, progress: showProgress, kind: opts.plan ? 'plan' : 'roster' });
  const copies = new Map([...books.copies, ...(await copyWorkbooks(opts.catalog, { lang, progress: showProgress })).copies]);
  const sources = await sheetsWithCases(books, !!opts.plan, source, lang);
  const catalogue = opts.catalog.length ? await readCatalogue(opts.catalog, parseEncoding(opts.encoding), copies) : undefined;
  // Outcomes remembered by the facts they read (as calc does): a roster of expected trainees repeats a few cases.
  const evalOptions = (): EvaluateOptions => ({
    memo: new FactMemo<Outcome>(),
    ...(catalogue ? { catalogue: (t: Table, p: { id: string }, f: Facts) => catalogue.lookup(t.code, p.id, f.occupation as string | undefined, f.level as string | undefined) } : {}),
  });
  // Baseline and scenario take each case as it is read: a roster is never held whole.
  const base = new Estimate(table, assumptions, evalOptions());
  const alternative = scenarioTable && new Estimate(scenarioTable, assumptions, evalOptions());
  const progress = showProgress ? progressBar(lang) : undefined;
  // A roster's persons: an estimate applies no limit across rows, so it says where one could bind.
  const repeated = opts.roster ? new RepeatedPersons(table) : undefined;
  for (const file of sources) {
    await readCases(file, !!opts.plan, opts.encoding, table, tables, (c, cells) => {
      base.add(c);
      alternative?.add(c);
      repeated?.add(c.program, c.facts, cells);
    }, progress, copies, lang);
  }
  const baseline = base.rows();
  const scenarioRows = alternative?.rows();

  // Said with the figures wherever they go: on the terminal, in estimate.csv's TOTAL rows and in the report.
  const bounds = repeatLines(repeated?.repeats() ?? [], lang);

  const out = resolve(opts.out);
  makeOutputFolder(out);
  const csvFile = join(out, 'estimate.csv');
  writeFileAtomic(csvFile, estimateCsv(table, baseline, scenario && scenarioRows ? { name: scenario.name, rows: scenarioRows } : undefined, lang, bounds));
  reencodeOutputs([csvFile], opts.outEncoding ?? 'utf8');
  if (opts.report) {
    writeFileAtomic(opts.report, renderReport({ table, planLabel: source, assumptions, baseline, scenario: scenario && scenarioRows ? { name: scenario.name, rows: scenarioRows } : undefined, lang, bounds }));
  }
  printTable(table, baseline, scenario && scenarioRows ? { name: scenario.name, rows: scenarioRows } : undefined, lang);
  if (bounds.length) process.stdout.write(`${makeChalk().yellow(bounds.map((l, i) => (i ? `  ${l}` : l)).join('\n'))}\n`);
  process.stdout.write(`${lang === 'zh' ? '已写出' : 'wrote'} ${csvFile}${opts.report ? `, ${opts.report}` : ''}\n`);
  return 0;
}

/**
 * The limits across rows some person of the roster is on more rows of than they let through: the estimate's figures
 * for those rows are an upper bound. A heading, then a line per limit; none when no limit could bind.
 */
function repeatLines(repeats: LimitRepeats[], lang: Lang): string[] {
  if (!repeats.length) return [];
  const zh = lang === 'zh';
  return [
    zh
      ? '测算不适用跨行的限额 (每行作一人次), 以下各行的数字是上限; 对此花名册运行 subsidy calc 才按限额计算:'
      : 'limits across rows are not applied to an estimate (each row is a case), so the figures for these rows are an upper bound; subsidy calc on the roster applies them:',
    ...repeats.map((r) => {
      const rule = limitRule(r.limit)[lang];
      return zh ? `${r.limit.clause} ${rule}: 可能受限 ${r.persons} 人 (共 ${r.rows} 行)` : `${r.limit.clause} ${rule}: it could bind ${r.persons} person(s) (${r.rows} rows)`;
    }),
  ];
}

const cases100 = (x: number): string => (x % 100 === 0 ? String(x / 100) : (x / 100).toFixed(2));

/** estimate.csv's columns, in English and Chinese (the Chinese as calc's outputs name the same columns). */
const ESTIMATE_COLUMNS: [string, string][] = [
  ['scenario', '情景'], ['jurisdiction', '地区'], ['document_status', '文件状态'], ['program', '补贴项目'], ['label', '标签'], ['program_name', '项目名称'],
  ['payee', '支付对象'], ['cases', '人次'], ['low', '低值(元)'], ['central', '中值(元)'], ['high', '高值(元)'], ['unquantified_cases', '无法量化人次'],
  ['assumptions', '假设'], ['citation', '政策依据'],
];

/** `bounds`: repeatLines, in the TOTAL rows' assumptions. */
function estimateCsv(table: Table, baseline: EstimateRow[], scenario: { name: string; rows: EstimateRow[] } | undefined, lang: Lang, bounds: string[]): string {
  const header = ESTIMATE_COLUMNS.map(([en, zh]) => (lang === 'zh' ? zh : en));
  const line = (name: string, r: EstimateRow): string =>
    csvRow([name, table.code, table.document.status, r.program, r.label, r.programName.zh, r.payee, cases100(r.casesX100), formatYuan(r.low), formatYuan(r.central), formatYuan(r.high), cases100(r.unquantifiedX100), r.notes.map((n) => n[lang]).join(' | '), r.citation]);
  const total = (name: string, rows: EstimateRow[]): string => {
    const t = totals(rows);
    return csvRow([name, table.code, table.document.status, 'TOTAL', '', '', '', '', formatYuan(t.low), formatYuan(t.central), formatYuan(t.high), cases100(t.unquantifiedX100), bounds.join(' | '), '']);
  };
  const parts = [BOM + csvRow(header), ...baseline.map((r) => line('baseline', r)), total('baseline', baseline)];
  if (scenario) parts.push(...scenario.rows.map((r) => line(scenario.name, r)), total(scenario.name, scenario.rows));
  return parts.join('');
}

function printTable(table: Table, baseline: EstimateRow[], scenario: { name: string; rows: EstimateRow[] } | undefined, lang: Lang): void {
  const zh = lang === 'zh';
  const c = makeChalk();
  const y = (fen: number): string => yuanGrouped(fen).padStart(16);
  const o: string[] = [c.bold(`${table.name.zh} ${table.code} — ${zh ? '预算敞口, 元 (低 / 中 / 高)' : 'exposure in yuan (low / central / high)'}`)];
  if (table.document.status === 'draft') o.push(c.yellow(zh ? '征求意见稿: 金额未定' : 'DRAFT for comment: amounts are not final'));
  const w = zh
    ? { programme: '补贴项目', cases: '人次', low: '低值', central: '中值', high: '高值', total: '合计', unquantified: '无法量化' }
    : { programme: 'programme', cases: 'cases', low: 'low', central: 'central', high: 'high', total: 'TOTAL', unquantified: 'unquantified' };
  const head = `${padEndWide(w.programme, 30)} ${padStartWide(w.cases, 9)} ${padStartWide(w.low, 16)} ${padStartWide(w.central, 16)} ${padStartWide(w.high, 16)}`;
  o.push(
    scenario
      ? `${head} ${padStartWide(`${scenario.name} ${w.central}`, 18)} ${padStartWide(`${scenario.name} ${w.high}`, 16)} ${padStartWide(`Δ ${w.central}`, 14)} ${padStartWide(`Δ ${w.high}`, 14)}`
      : head,
  );
  for (const r of baseline) {
    const name = (r.program || r.label).slice(0, 30).padEnd(30);
    let line = `${name} ${cases100(r.casesX100).padStart(9)} ${y(r.low)} ${y(r.central)} ${y(r.high)}`;
    const s = scenario?.rows.find((x) => x.program === r.program && x.label === r.label);
    if (s) line += ` ${yuanGrouped(s.central).padStart(18)} ${y(s.high)} ${yuanGrouped(s.central - r.central).padStart(14)} ${yuanGrouped(s.high - r.high).padStart(14)}`;
    if (r.unquantifiedX100) line += c.yellow(`  ${cases100(r.unquantifiedX100)} ${w.unquantified}`);
    o.push(line);
  }
  const t = totals(baseline);
  let total = `${c.bold(padEndWide(w.total, 30))} ${''.padStart(9)} ${y(t.low)} ${y(t.central)} ${y(t.high)}`;
  if (scenario) {
    const s = totals(scenario.rows);
    total += ` ${yuanGrouped(s.central).padStart(18)} ${y(s.high)} ${yuanGrouped(s.central - t.central).padStart(14)} ${yuanGrouped(s.high - t.high).padStart(14)}`;
  }
  o.push(total);
  if (t.unquantifiedX100) {
    const n = cases100(t.unquantifiedX100);
    o.push(c.yellow(zh ? `${n} 人次未估值: 政策文本未规定其金额 (见 estimate.csv)` : `${n} planned case(s) are not valued: the text states no amount for them (see estimate.csv)`));
  }
  process.stdout.write(`${o.join('\n')}\n`);
}
