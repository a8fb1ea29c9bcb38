// `subsidy calc`: rosters → breakdown.csv, summary.csv, persons.csv, rejects.csv and a reconciled summary on the terminal.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { rejectKinds, unknownProgramHints } from '../../engine/rejectCounts.js';
import { findTable } from '../../engine/intake.js';
import { FIELD_BY_NAME } from '../../engine/fields.js';
import type { Bilingual } from '../../engine/types.js';
import type { Catalogue } from '../../engine/catalogue.js';
import { newRunId } from '../../io/ledger.js';
import { type LedgerJob, type LedgerOutcome, runWithLedger } from '../../io/ledgerRun.js';
import { readCatalogue } from '../../io/catalog.js';
import { type Lang, type OutputKind, namedOtherwiseNote } from '../../io/csvOut.js';
import { SHEET_ROWS, outputWorkbook } from '../../io/outputBooks.js';
import { type OutputFiles, type StreamLedger, type StreamResult, runStreaming } from '../../io/pipeline.js';
import { type EncodingChoice, type RosterHeader, type SheetCopies, headerNotes, readHeader, refuseMisread, sourceOf } from '../../io/roster.js';
import { type SkippedRows, skippedNotes } from '../../io/rowKinds.js';
import { sameBytesPairs } from '../../io/sameBytes.js';
import { runWithinBudget } from '../memoryBudget.js';
import { BUDGET_PER_BYTE } from '../../io/threadHeaps.js';
import { progressBar } from '../progress.js';
import { type Copied, copyWorkbooks } from '../workbooks.js';
import type { Table } from '../../tables/schema.js';
import { UsageError, sheetAndAllSheets, unknownJurisdiction } from '../errors.js';
import { requireFiles, runTables } from '../inputs.js';
import { STATUS_ZH, displayWidth, makeChalk, paintStatus, yuanGrouped } from '../format.js';
import { undoOnInterrupt } from '../../io/interrupt.js';
import { makeOutputFolder, removeMadeFolders } from '../../io/outputFolder.js';
import { refuseOverwritingInputs } from '../../io/keepInputs.js';
import { APPROVED_ON_REVIEW, Decisions, decisionKey } from '../../engine/decisions.js';
import { readDecisions } from '../../io/decisions.js';
import { type OutputEncoding, reencodeOutputs } from '../../io/outputEncoding.js';

export interface CalcOptions {
  jurisdiction?: string;
  out: string;
  catalog: string[];
  table: string[];
  encoding: string;
  /** The sheet to read from a roster given as a workbook. */
  sheet?: string;
  /** Every visible sheet of a roster workbook, each a roster. */
  allSheets: boolean;
  /** Also write each output as a workbook (.xlsx) beside its CSV. */
  xlsx: boolean;
  /** The CSV outputs' encoding (--out-encoding: utf8, or gbk written as GB18030). */
  outEncoding: OutputEncoding;
  lang: Lang;
  strict: boolean;
  maskIds: boolean;
  progress?: boolean;
  ledger?: string;
  /** The office's decisions on lines under review: a CSV (a breakdown.csv with a decision column). */
  decisions?: string;
  workers: number;
  memoryMb: number;
  dryRun: boolean;
  hashIds: boolean;
}

export function parseEncoding(text: string): EncodingChoice {
  const t = text.toLowerCase().replace(/[-_]/g, '');
  if (t === 'auto') return 'auto';
  if (t === 'utf8') return 'utf8';
  if (t === 'gbk' || t === 'gb2312' || t === 'gb18030') return 'gb18030';
  throw new UsageError(`--encoding must be auto, utf8, gbk or gb18030 (got "${text}")`, `--encoding 须为 auto, utf8, gbk 或 gb18030 (给的是"${text}")`);
}

export async function prepare(
  opts: Pick<CalcOptions, 'jurisdiction' | 'catalog' | 'table' | 'encoding'>,
  copies?: SheetCopies,
): Promise<{ tables: Map<string, Table>; catalogue?: Catalogue; defaultJurisdiction?: string; encoding: EncodingChoice }> {
  const encoding = parseEncoding(opts.encoding);
  const tables = await runTables(opts.table);
  let defaultJurisdiction: string | undefined;
  if (opts.jurisdiction) {
    const t = findTable(tables, opts.jurisdiction);
    if (!t) throw unknownJurisdiction(opts.jurisdiction, tables.keys());
    defaultJurisdiction = t.code;
  }
  const catalogue = opts.catalog.length ? await readCatalogue(opts.catalog, encoding, copies) : undefined;
  return { tables, catalogue, defaultJurisdiction, encoding };
}

/**
 * A roster without a column every row needs (programme, date, and the jurisdiction unless -j gives it) would have
 * every row rejected for the same reason: a usage error, said once before anything is written. Standard input is
 * read only once, so its rows are rejected one by one instead. A sheet of a workbook read whole (--all-sheets) that
 * lacks them holds no roster (a 说明 or 汇总 sheet): it is left out, and the run says so. The rosters to read.
 */
async function refuseMissingColumns(rosters: string[], encoding: EncodingChoice, books: Copied, jurisdiction: string | undefined, tables: ReadonlyMap<string, Table>, lang: Lang): Promise<string[]> {
  const kept: string[] = [];
  const left: Bilingual[] = [];
  for (const r of rosters) {
    if (r === '-') {
      kept.push(r);
      continue;
    }
    const from = sourceOf(r, encoding, books.copies);
    // An empty sheet of a workbook read whole (Sheet2, Sheet3 of a new workbook) is no roster either.
    if (books.sheetsOfBooks.has(r) && statSync(from.path).size === 0) {
      left.push({ en: `${r}: an empty sheet`, zh: `${r}: 空工作表` });
      process.stderr.write(lang === 'zh' ? `${r}: 空工作表, 不读\n` : `${r}: an empty sheet: not read\n`);
      continue;
    }
    const head = await readHeader(from.path, from.encoding, r);
    const missing = ['jurisdiction', 'program', 'date'].filter((f) => !head.fields.includes(f) && !(f === 'jurisdiction' && jurisdiction));
    if (missing.length === 0) {
      refuseMisread(r, head);
      kept.push(r);
      continue;
    }
    const unread = head.ignored.join(', ');
    const j = `-j (${[...tables.keys()].join(', ')})`;
    const onlyJurisdiction = missing.length === 1 && missing[0] === 'jurisdiction';
    const fix = onlyJurisdiction ? `add one or pass ${j}` : missing.includes('jurisdiction') ? `add them (or pass ${j} for the jurisdiction)` : `add ${missing.length > 1 ? 'them' : 'it'}`;
    const fixZh = onlyJurisdiction ? `请加上此列或给出 ${j}` : missing.includes('jurisdiction') ? `请加上这些列 (地区也可用 ${j} 给出)` : `请加上${missing.length > 1 ? '这些列' : '此列'}`;
    // A plan of planned counts given to calc (it has 计划人次 and no date): estimate reads it.
    const plan = head.fields.includes('planned');
    const refusal = {
      en: `${r}: no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}, so every row would be rejected${unread && ` (columns nobody reads: ${unread})`}; ${fix}${plan ? `; it has a planned column (计划人次): a plan? subsidy estimate -j <code> --plan ${r} reads it` : ''}`,
      zh: `${r}: 没有 ${missing.map((f) => `${FIELD_BY_NAME.get(f)!.zh} (${f})`).join(', ')} 列, 每一行都会被拒绝${unread && ` (无人读取的列: ${unread})`}; ${fixZh}${plan ? `; 它有 计划人次 (planned) 列: 是计划吗? 请用 subsidy estimate -j <code> --plan ${r} 读取` : ''}`,
    };
    if (!books.sheetsOfBooks.has(r)) throw new UsageError(refusal.en, refusal.zh);
    left.push(refusal);
    process.stderr.write(lang === 'zh' ? `${r}: 没有 ${missing.join(', ')} 列, 不是花名册, 不读\n` : `${r}: no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}, not a roster: not read\n`);
  }
  if (!kept.length) throw new UsageError(left[0]!.en, left[0]!.zh);
  return kept;
}

/**
 * What became of the office's decisions (--decisions): how many met their lines, and each that met none (a row that
 * is no claim of this run, or another programme's line), so that no decision is lost unseen.
 */
function sayDecisions(file: string, decisions: Decisions, met: readonly string[], lang: Lang): void {
  const found = new Set(met);
  const missed = decisions.list.filter((d) => !found.has(decisionKey(d.file, d.row, d.program)));
  const zh = lang === 'zh';
  const err = process.stderr;
  err.write(zh ? `${file}: ${decisions.list.length - missed.length} 条审核结论已用于对应明细\n` : `${file}: ${decisions.list.length - missed.length} decision(s) met their lines\n`);
  for (const d of missed) {
    const who = [d.personId, d.date].filter(Boolean).join(' ');
    err.write(
      zh
        ? `${d.source}: 本次运行中没有 ${d.file} 第${d.row}行${who ? ` (${who})` : ''}的 ${d.program} 明细${who ? ' (花名册此后有改动?)' : ''}, 该结论未使用\n`
        : `${d.source}: no ${d.program} line of ${d.file} row ${d.row}${who ? ` (${who})` : ''} in this run${who ? ' (has the roster changed since?)' : ''}; the decision was not used\n`,
    );
  }
}

/** The files calc writes to its output folder (OutputFiles), as CSV (and with --xlsx as workbooks too). */
const OUTPUT_NAMES = ['breakdown', 'summary', 'persons', 'rejects'] as const;

export async function calc(rosters: string[], opts: CalcOptions): Promise<number> {
  const out = resolve(opts.out);
  const outputs = OUTPUT_NAMES.flatMap((name) => [join(opts.out, `${name}.csv`), ...(opts.xlsx ? [join(opts.out, `${name}.xlsx`)] : [])]);
  // The ledger too: a new one named out/breakdown.csv would be made, then replaced by the breakdown.
  // And the decisions: most often the last run's breakdown.csv, with a decision column added, in this -o.
  refuseOverwritingInputs([...rosters, ...opts.catalog, ...opts.table, ...(opts.ledger ? [opts.ledger] : []), ...(opts.decisions ? [opts.decisions] : [])], outputs, { en: 'choose another -o', zh: '请另选 -o' });
  requireFiles(rosters, { en: 'give a roster CSV or workbook', zh: '请给出花名册 CSV 或工作簿' });
  requireFiles(opts.catalog, '--catalog');
  if (opts.decisions) requireFiles([opts.decisions], '--decisions');
  if (rosters.filter((r) => r === '-').length > 1) throw new UsageError('standard input (-) can be read only once', '标准输入 (-) 只能读一次');
  // The same roster twice: each claim would meet itself (same_claim_twice), never what a clerk means.
  const given = new Map<string, string>();
  for (const r of rosters) {
    if (r === '-') continue;
    const real = realpathSync(r);
    const before = given.get(real);
    if (before !== undefined) throw new UsageError(
        `${r} is given twice${before === r ? '' : ` (also as ${before})`}: each of its claims would be counted twice; give it once`,
        `${r} 给了两次${before === r ? '' : ` (又作 ${before})`}: 其中每笔申请都会算两次; 请只给一次`,
      );
    given.set(real, r);
  }
  // The same bytes under two names (a roster copied, or resent unchanged): said, as the limits then hold every copy.
  for (const [a, b] of sameBytesPairs([...given.values()])) {
    process.stderr.write(
      opts.lang === 'zh'
        ? `${b} 与 ${a} 内容完全相同: 每笔申请都会与其副本相遇, 副本被限额规则拒绝或转为待审; 同一花名册请只给一次\n`
        : `${b} has the same bytes as ${a}: each claim meets its copy, and the limits deny the copy or send it to review; give a roster once\n`,
    );
  }
  if (opts.dryRun && !opts.ledger) throw new UsageError('--dry-run goes with --ledger', '--dry-run 须与 --ledger 同用');
  if (opts.hashIds && !opts.ledger) throw new UsageError('--hash-ids goes with --ledger', '--hash-ids 须与 --ledger 同用');
  const err = process.stderr;
  const progress = opts.progress ?? err.isTTY === true;
  if (opts.sheet !== undefined && opts.allSheets) throw sheetAndAllSheets();
  // A roster or catalogue given as a workbook is read from a CSV copy of its sheet (or of each sheet), made once here.
  const books = await copyWorkbooks(rosters, { sheet: opts.sheet, allSheets: opts.allSheets, lang: opts.lang, progress });
  const copies = new Map([...books.copies, ...(await copyWorkbooks(opts.catalog, { lang: opts.lang, progress })).copies]);
  const setup = await prepare(opts, copies);
  // What is read: the rosters named, a workbook read whole as its sheets that hold a roster.
  const files = await refuseMissingColumns(books.files, setup.encoding, books, setup.defaultJurisdiction, setup.tables, opts.lang);
  // Read before anything is written: a decision that cannot be read stops the run (it would pay or refuse someone).
  // A workbook (breakdown.xlsx with its 审核结论 filled in) is read from a CSV copy of its first visible sheet.
  const decisionCopies = opts.decisions ? (await copyWorkbooks([opts.decisions], { lang: opts.lang, progress })).copies : undefined;
  const decisions = opts.decisions ? new Decisions(await readDecisions(opts.decisions, files.map((f) => (f === '-' ? '(stdin)' : f)), decisionCopies?.get(opts.decisions))) : undefined;
  const onHeader = (h: RosterHeader): void => {
    refuseMisread(h.file, h); // files were checked before anything was written (refuseMissingColumns); standard input here
    for (const note of headerNotes(h, setup.encoding, opts.lang)) err.write(`${note}\n`);
  };
  const onSkippedRows = (file: string, skipped: SkippedRows): void => {
    for (const note of skippedNotes(file, skipped, opts.lang)) err.write(`${note}\n`);
  };
  const onNamedOtherwise = (persons: number): void => void err.write(`${namedOtherwiseNote(persons, opts.lang)}\n`);
  // A run refused at standard input's header, or failing before its files are in place, leaves no folder it made.
  const made = makeOutputFolder(out);
  // Interrupted (Ctrl+C), the folders made for the run go too, once what was staged in them is gone (interrupt.ts).
  const madeRemoved = undoOnInterrupt(() => removeMadeFolders(made));
  // The outputs once in place: their workbooks made from the UTF-8 files (--xlsx), then the CSV files re-encoded (--out-encoding).
  const finish = (csvFiles: string[]): string[] => {
    const all = withWorkbooks(csvFiles, opts, progress);
    reencodeOutputs(csvFiles, opts.outEncoding);
    return all;
  };
  try {
    // Every run streams: memory stays bounded however long the roster is.
    const targets: OutputFiles = { breakdown: join(out, 'breakdown.csv'), summary: join(out, 'summary.csv'), persons: join(out, 'persons.csv'), rejects: join(out, 'rejects.csv') };
    const streamHere = (ledger?: StreamLedger): Promise<StreamResult> =>
      runStreaming(files, targets, {
        ...setup, decisions, copies, lang: opts.lang, maskIds: opts.maskIds, workers: opts.workers, catalogs: opts.catalog, onHeader, onSkippedRows, onNamedOtherwise, progress: progress ? progressBar(opts.lang) : undefined, ledger,
      });
    // A ledger run: rows are evaluated first; everything that reads or writes the ledger (lookups, limits, writing,
    // recording) is then one transaction, held by the thread that runs, and the files appear only after it commits.
    const ledger: LedgerJob | undefined = opts.ledger
      ? { location: opts.ledger, hashIds: opts.hashIds, dryRun: opts.dryRun, run: opts.dryRun ? undefined : { runId: newRunId(), startedAt: new Date().toISOString(), files } }
      : undefined;
    // The run's last words (what became of the office's decisions) and its exit code.
    const concluded = (r: { rowsRejected: number; decisionsMet: string[] }): number => {
      if (decisions) sayDecisions(opts.decisions!, decisions, r.decisionsMet, opts.lang);
      return opts.strict && r.rowsRejected > 0 ? 2 : 0;
    };
    const printLedger = (l: LedgerOutcome | undefined): void => {
      if (!ledger || !l) return;
      const zh = opts.lang === 'zh';
      if (ledger.run) process.stdout.write(zh ? `台账: 本次运行 ${ledger.run.runId} 已将 ${l.recorded!.claims} 笔核准记入 ${l.location}\n` : `ledger: run ${ledger.run.runId} recorded ${l.recorded!.claims} approved line(s) in ${l.location}\n`);
      else process.stdout.write(zh ? `试运行: 未记入 ${l.location}\n` : `dry run: nothing recorded in ${l.location}\n`);
    };
    // Read from files, a run goes in a worker thread with a capped heap (a ledger run too: the worker opens the ledger);
    // standard input and a roster small beside the budget (4 MB under the default 128 MB) are read here, without a
    // thread's start (~0.1 s).
    if (opts.memoryMb > 0 && !files.includes('-') && rosterBytes(files, copies) * BUDGET_PER_BYTE >= opts.memoryMb * 2 ** 20) {
      const r = await runWithinBudget(
        { rosters: files, out: targets, jurisdiction: setup.defaultJurisdiction, tables: setup.tables, catalogs: opts.catalog, encoding: setup.encoding, copies, lang: opts.lang, maskIds: opts.maskIds, workers: opts.workers, progress, ledger, decisions: decisions?.list },
        opts.memoryMb,
      );
      printSummary(r, setup.tables, finish(r.files), opts.lang);
      printLedger(r.ledger);
      return concluded(r);
    }
    if (ledger) {
      const l = await runWithLedger(ledger, streamHere, (m) => err.write(`${m[opts.lang]}\n`));
      printSummary(l.result, setup.tables, finish(l.files), opts.lang);
      printLedger(l);
      return concluded(l.result);
    }
    const r = await streamHere();
    printSummary(r, setup.tables, finish(r.commit()), opts.lang);
    return concluded(r);
  } catch (e) {
    removeMadeFolders(made);
    throw e;
  } finally {
    madeRemoved();
  }
}

/**
 * With --xlsx, each output written again as a workbook beside it (breakdown.xlsx …), once the CSV files are in
 * place: the files to name, the workbooks after their CSVs.
 */
function withWorkbooks(files: string[], opts: Pick<CalcOptions, 'xlsx' | 'lang'>, progress: boolean): string[] {
  if (!opts.xlsx) {
    // Workbooks an earlier --xlsx run left beside these CSV files hold that run's results: opened, they would be
    // taken for this run's. Said, not removed: a clerk may have saved one of them with notes of their own.
    const stale = files.map((csv) => join(dirname(csv), `${basename(csv, '.csv')}.xlsx`)).filter((book) => existsSync(book));
    if (stale.length) {
      const names = stale.map((b) => basename(b)).join(', ');
      process.stderr.write(
        opts.lang === 'zh'
          ? `${dirname(stale[0]!)}: ${names} 是之前某次运行留下的, 不是本次结果 (需要时加 --xlsx 重新生成)\n`
          : `${dirname(stale[0]!)}: ${names} are left from an earlier run, not this run's results (give --xlsx to write them anew)\n`,
      );
    }
    return files;
  }
  const books: string[] = [];
  for (const csv of files) {
    const kind = basename(csv, '.csv') as OutputKind;
    const target = join(dirname(csv), `${kind}.xlsx`);
    const bar = progress ? progressBar(opts.lang) : undefined;
    bar?.start(`${kind}.xlsx`, undefined, statSync(csv).size);
    const sheets = outputWorkbook(csv, target, kind, opts.lang, bar && ((rows, read) => bar.tick(rows, read)));
    bar?.done();
    if (sheets > 1) {
      const rows = SHEET_ROWS.toLocaleString('en');
      process.stderr.write(opts.lang === 'zh' ? `${target}: 共 ${sheets} 个工作表 (每个工作表表头下最多 ${rows} 行)\n` : `${target}: ${sheets} sheets (a sheet holds ${rows} rows under its header)\n`);
    }
    books.push(target);
  }
  return [...files, ...books];
}

/** Bytes of the roster files as read (a workbook's CSV copy; standard input, not yet read, counts as none). */
const rosterBytes = (rosters: string[], copies: SheetCopies): number => rosters.reduce((a, r) => a + (r === '-' ? 0 : statSync(copies.get(r) ?? r).size), 0);

/** Payees the summary totals by name, the column that names them, and what they are. */
const UNNAMED_PAYEES: [string, string, { zh: string; en: string }][] = [
  ['provider', '培训机构', { zh: '培训机构', en: 'a training provider' }],
  ['enterprise', '用人单位', { zh: '用人单位', en: 'an employer' }],
];

/** Approved money for a provider or an employer the roster does not name: the clerk cannot pay it to anyone yet. */
function unnamedPayees(per: StreamResult['summary'], zh: boolean): string[] {
  const out: string[] = [];
  for (const [payee, column, who] of UNNAMED_PAYEES) {
    const rows = per.filter((s) => s.status === 'approved' && s.payee === payee && s.payeeName === '' && s.amountFen > 0);
    if (!rows.length) continue;
    const n = rows.reduce((a, s) => a + s.claims, 0);
    const yuan = yuanGrouped(rows.reduce((a, s) => a + s.amountFen, 0));
    out.push(zh ? `    其中 ${n} 笔 (${yuan} 元) 付给${who.zh}, 花名册未写明是哪一家(${column} 列)` : `    of which ${n} lines (${yuan} yuan) pay ${who.en} the roster does not name (column ${column})`);
  }
  return out;
}

/** How many reason codes of review and denied lines the closing lines name; the rest are counted. */
const REASONS_SHOWN = 3;

/** How many kinds of reject problem the closing lines name; the rest are counted together. */
const REJECT_KINDS_SHOWN = 5;

function printSummary(r: Pick<StreamResult, 'summary' | 'rowsRead' | 'rowsEvaluated' | 'rowsRejected' | 'rejectCounts'>, tables: Map<string, Table>, files: string[], lang: Lang): void {
  const c = makeChalk();
  const zh = lang === 'zh';
  const o: string[] = [];
  for (const row of r.summary.filter((s) => s.program === '')) {
    const t = tables.get(row.jurisdiction)!;
    const draft = t.document.status === 'draft' ? c.yellow(zh ? '  征求意见稿: 金额未定稿' : '  DRAFT for comment: amounts not final') : '';
    o.push(`${c.bold(t.code)} ${t.name.zh} ${t.document.number ?? t.document.title}${draft}`);
    const per = r.summary.filter((s) => s.jurisdiction === row.jurisdiction && s.program !== '');
    for (const status of ['approved', 'review', 'denied', 'duplicate'] as const) {
      const rows = per.filter((s) => s.status === status);
      const n = rows.reduce((a, s) => a + s.claims, 0);
      if (n === 0) continue;
      let money = '';
      if (status === 'approved') money = `${yuanGrouped(rows.reduce((a, s) => a + s.amountFen, 0))} ${zh ? '元' : 'yuan'}`;
      if (status === 'review') {
        const exp = rows.reduce((a, s) => a + s.exposureFen, 0);
        const unq = rows.reduce((a, s) => a + s.unquantified, 0);
        money = `${zh ? '最高敞口' : 'max exposure'} ${yuanGrouped(exp)}${unq ? (zh ? ` (另 ${unq} 笔无上限)` : ` (+${unq} unquantified)`) : ''}`;
      }
      // The counts right-aligned in one column, whatever the status's width ('duplicate' is the longest; 已入账 six columns).
      const label = zh ? STATUS_ZH[status] : status;
      const count = String(n).padStart(15 - displayWidth(label)).replace(/^(?! )/, ' ');
      o.push(`  ${paintStatus(c, status, label)}${count} ${zh ? '笔' : 'lines'}${money ? `  ${money}` : ''}`);
      if (status === 'approved') {
        const decided = row.reasons?.[`approved\t${APPROVED_ON_REVIEW}`];
        if (decided) o.push(`           ${zh ? `其中审核同意 (--decisions): ${decided} 笔` : `of which approved on review (--decisions): ${decided}`}`);
        o.push(...unnamedPayees(per, zh).map((l) => c.yellow(l)));
      }
      else if (row.reasons) {
        // Why, the commonest first: what to supply (a catalogue, a missing column) or check before paying.
        const why = Object.entries(row.reasons)
          .filter(([k]) => k.startsWith(`${status}\t`))
          .map(([k, count]) => [k.slice(status.length + 1), count] as const)
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
        const shown = why.slice(0, REASONS_SHOWN).map(([code, count]) => `${code} ${count}`);
        if (why.length > REASONS_SHOWN) shown.push(zh ? `其他 ${why.length - REASONS_SHOWN} 种` : `${why.length - REASONS_SHOWN} other`);
        if (shown.length) o.push(`           ${zh ? '原因' : 'by reason'}: ${shown.join(', ')}`);
      }
    }
  }
  if (r.rowsRejected) {
    o.push(c.red(zh ? `被拒绝的行: ${r.rowsRejected} (见 rejects.csv), 按列和原因:` : `rejected rows: ${r.rowsRejected} (see rejects.csv), by column and reason:`));
    // By column and reason code, most first: what to fix in the roster before it is run again.
    const kinds = rejectKinds(r.rejectCounts);
    for (const k of kinds.slice(0, REJECT_KINDS_SHOWN)) o.push(`  ${`${k.column || (zh ? '(整行)' : '(row)')} ${k.code}`.padEnd(34)} ${String(k.count).padStart(6)}`);
    if (kinds.length > REJECT_KINDS_SHOWN) {
      const rest = kinds.slice(REJECT_KINDS_SHOWN);
      o.push(`  ${(zh ? `其他 ${rest.length} 类` : `${rest.length} other kinds`).padEnd(34)} ${String(rest.reduce((a, k) => a + k.count, 0)).padStart(6)}`);
    }
    for (const hint of unknownProgramHints(r.rejectCounts, tables)) o.push(c.yellow(hint[lang]));
  }
  const shown = files.map((f) => (relative(process.cwd(), f).startsWith('..') ? f : relative(process.cwd(), f)));
  o.push(`${zh ? '已写入' : 'wrote'} ${shown.join(', ')}`);
  o.push(zh ? `读取 ${r.rowsRead} 行 = 已计算 ${r.rowsEvaluated} + 已拒绝 ${r.rowsRejected}` : `rows read ${r.rowsRead} = evaluated ${r.rowsEvaluated} + rejected ${r.rowsRejected}`);
  process.stdout.write(`${o.join('\n')}\n`);
}
