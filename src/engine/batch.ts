// A run: raw rows in, lines and rejects out, limits applied across the whole run, every row accounted for.
import { type PersonRow, numberPersons, personRows } from './persons.js';
import type { Table } from '../tables/schema.js';
import { takesStandard } from './amounts.js';
import type { Catalogue } from './catalogue.js';
import { type CostSpans, type EvaluateOptions, type Outcome, evaluateClaim } from './evaluate.js';
import { FactMemo } from './memo.js';
import { type Decisions, applyDecisions } from './decisions.js';
import { type Reject, intakeRow, unreadableRow } from './intake.js';
import { applyLimits } from './limits.js';
import { PaidRows } from './paidRows.js';
import { type SummaryRow, summarize } from './summarize.js';
import type { Bilingual, Line, PriorClaim, PriorRow } from './types.js';

export interface BatchOptions {
  tables: ReadonlyMap<string, Table>;
  defaultJurisdiction?: string;
  catalogue?: Catalogue;
  /** The office's decisions on lines under review (calc --decisions), applied as each row is evaluated. */
  decisions?: Decisions;
}

/** What the ledger knows before this run: approved claims of the run's persons, and rows already recorded (by row hash, each run that recorded it). */
export interface LedgerContext {
  history?: PriorClaim[];
  recordedRows?: ReadonlyMap<string, readonly PriorRow[]>;
}

/** An evaluated row of the run, to be recorded in a ledger. */
export interface EvaluatedRow {
  seq: number;
  file: string;
  row: number;
  hash: string;
}

export interface BatchResult {
  /** In input order (row, then the row's own line order). */
  lines: Line[];
  rejects: Reject[];
  summary: SummaryRow[];
  /** One row per person and jurisdiction, in the order of their first lines (persons.csv). */
  persons: PersonRow[];
  rowsRead: number;
  rowsEvaluated: number;
  rowsRejected: number;
  /** Rows evaluated in this run (not rejected, not wholly duplicates), with their content hash. */
  evaluatedRows: EvaluatedRow[];
}

/** Intake and evaluation of one row: its lines before any cross-record limit, or why it cannot be evaluated. */
export function evaluateRow(
  file: string,
  row: number,
  seq: number,
  cells: ReadonlyMap<string, string>,
  options: BatchOptions,
  /** Told the costs the row's lines hold for (CostSpans), when given. */
  spans?: CostSpans,
): { lines: Line[]; table: Table; decided?: string[] } | { rejects: Reject[] } {
  const r = intakeRow(file, row, seq, cells, options);
  if ('rejects' in r) return r;
  const lines = evaluateClaim(r.claim, r.table, evaluateOptionsOf(options), spans);
  const decided = options.decisions?.of(file, row);
  if (decided) return { lines, table: r.table, decided: applyDecisions(lines, decided) };
  return { lines, table: r.table };
}

const evaluateOptions = new WeakMap<BatchOptions, EvaluateOptions>();

/** One set of evaluation options per run's options: its catalogue lookup and its memo of outcomes, made once. */
function evaluateOptionsOf(options: BatchOptions): EvaluateOptions {
  let o = evaluateOptions.get(options);
  if (!o) {
    const catalogue = options.catalogue;
    o = {
      catalogue: catalogue && ((table, program, facts) => catalogue.lookup(table.code, program.id, facts.occupation as string | undefined, facts.level as string | undefined)),
      memo: new FactMemo<Outcome>(),
    };
    evaluateOptions.set(options, o);
  }
  return o;
}

/** Whether `value` (a programme's data) names `field` anywhere but in its texts: a string equal to it, at any depth. */
export function mentions(value: unknown, field: string): boolean {
  if (typeof value === 'string') return value === field;
  if (Array.isArray(value)) return value.some((v) => mentions(v, field));
  if (!value || typeof value !== 'object') return false;
  // A text in both languages (a label, a reason) names no field: Quzhou's title grant counts "occupation"s.
  if ('zh' in value && 'en' in value) return false;
  return Object.values(value).some((v) => mentions(v, field));
}

/**
 * Whether a row's occupation only shows in its lines as the text of their occupation column (and their limit
 * records'), but where a catalogue prices the claim (occupationPriced): not when a programme names the field (a
 * condition, an amount, an uplift; any string equal to the field's name but in a text counts, so this can only
 * err towards "no"). Evaluation otherwise copies it to the line (evaluateProgram); limits compare it later, from
 * the records.
 */
export function occupationOnlyQuoted(options: BatchOptions): boolean {
  for (const table of options.tables.values()) if (mentions(table.programs, 'occupation')) return false;
  return true;
}

/**
 * Whether the claimed cost is read only by the amounts (amounts.ts, which say for which costs an amount holds:
 * CostSpan): no programme or limit names the field (as occupationOnlyQuoted, this can only err towards "no"), no
 * catalogue prices a claim, and no decisions are applied by row. Row shapes then leave the cost out of a
 * template's cells (io/rowShapes.ts): costs are most of what makes rows' cells differ.
 */
export function costOnlyInAmounts(options: BatchOptions): boolean {
  if (options.catalogue || options.decisions) return false;
  for (const table of options.tables.values()) if (mentions(table.programs, 'cost') || mentions(table.limits, 'cost')) return false;
  return true;
}

/**
 * Whether a claim of this programme may be priced by the run's catalogue, whose standards are by occupation: its
 * amount, or a companion's, takes a standard (asked only then, see evaluate.ts).
 */
export function occupationPriced(options: BatchOptions, table: Table, programId: string): boolean {
  if (!options.catalogue) return false;
  const program = table.programs.find((p) => p.id === programId);
  if (!program) return true;
  return [program.id, ...program.companions].some((id) => {
    const p = table.programs.find((q) => q.id === id);
    return !p || takesStandard(p.amount);
  });
}

/** A line already paid from its row in an earlier run: nothing is paid again, and the reason says where it was. */
export function markDuplicate(l: Line, prior: PriorRow): void {
  Object.assign(l, {
    status: 'duplicate', reasonCode: 'already_in_ledger', amountFen: 0, exposureFen: null, basis: 'none', formula: { zh: '', en: '' },
    reason: { zh: `此行已在台账批次 ${prior.runId} (${prior.file} 第${prior.row}行) 中, 不重复支付`, en: `already in ledger run ${prior.runId} (${prior.file} row ${prior.row}); not paid again` },
  });
}

export class Batch {
  private readonly lines: Line[] = [];
  private readonly rejects: Reject[] = [];
  private readonly used = new Set<Table>();
  private readonly rows = new Map<number, EvaluatedRow>();
  private rowsRead = 0;
  private rowsRejected = 0;

  constructor(private readonly options: BatchOptions) {}

  /** Take one roster row. Never throws for bad content: a bad row becomes rejects. `hash` identifies its content for a ledger. */
  add(file: string, row: number, cells: ReadonlyMap<string, string>, hash = ''): void {
    const seq = this.rowsRead++;
    const r = evaluateRow(file, row, seq, cells, this.options);
    if ('rejects' in r) {
      this.rowsRejected++;
      this.rejects.push(...r.rejects);
      return;
    }
    this.used.add(r.table);
    this.rows.set(seq, { seq, file, row, hash });
    this.lines.push(...r.lines);
  }

  /** A row the CSV reader could not split into cells: it is counted and rejected like any other bad row. */
  addUnreadable(file: string, row: number, message: Bilingual, line?: string): void {
    this.rowsRead++;
    this.rowsRejected++;
    this.rejects.push(unreadableRow(file, row, message, line));
  }

  /** Persons and units with lines in this run, for loading their ledger history. */
  personKeys(): string[] {
    return [...new Set(this.lines.map((l) => l.personKey))];
  }

  rowHashes(): string[] {
    return [...new Set([...this.rows.values()].map((r) => r.hash))].filter(Boolean);
  }

  /**
   * Decide the run: lines already paid from rows in the ledger become `duplicate` (a line of such a row that was not
   * paid is decided afresh: PaidRows), limits count the ledger's history.
   * Does not change the batch, so a run retried after a database conflict is decided afresh.
   */
  finish(context: LedgerContext = {}): BatchResult {
    // Limits replace a line's fields and never change the objects it holds (reason, formula, names), so a shallow copy
    // leaves the batch as it was. A deep copy (structuredClone) also copied every shared text: a 3M-row ledger run
    // ran out of heap here.
    const lines = this.lines.map((l) => ({ ...l }));
    // Rows every line of which was paid before: not evaluated again, and not recorded again.
    const duplicates = new Set<number>();
    if (context.recordedRows?.size) {
      const paid = new PaidRows(context.recordedRows, context.history ?? []);
      const fresh = new Set<number>();
      for (const l of lines) {
        const hash = this.rows.get(l.seq)?.hash ?? '';
        if (!paid.has(hash)) continue;
        const prior = paid.of(hash, l);
        if (prior) {
          markDuplicate(l, prior);
          duplicates.add(l.seq);
        } else fresh.add(l.seq);
      }
      for (const seq of fresh) duplicates.delete(seq);
    }
    const persons = numberPersons(lines);
    for (const table of this.used) applyLimits(lines, table, persons, context.history);
    const order = new Map<string, number>();
    for (const t of this.used) t.programs.forEach((p, i) => order.set(`${t.code}\u0000${p.id}`, i));
    return {
      lines,
      rejects: this.rejects,
      summary: summarize(lines, (j, p) => order.get(`${j}\u0000${p}`) ?? 0, persons),
      persons: personRows(lines, persons),
      rowsRead: this.rowsRead,
      rowsEvaluated: this.rowsRead - this.rowsRejected,
      rowsRejected: this.rowsRejected,
      evaluatedRows: [...this.rows].filter(([seq]) => !duplicates.has(seq)).map(([, r]) => r),
    };
  }
}
