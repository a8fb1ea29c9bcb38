// A run: raw rows in, lines and rejects out, limits applied across the whole run, every row accounted for.
import type { Table } from '../tables/schema.js';
import type { Catalogue } from './catalogue.js';
import { evaluateClaim } from './evaluate.js';
import { type Reject, intakeRow } from './intake.js';
import { applyLimits } from './limits.js';
import { type SummaryRow, summarize } from './summarize.js';
import type { Line } from './types.js';

export interface BatchOptions {
  tables: ReadonlyMap<string, Table>;
  defaultJurisdiction?: string;
  catalogue?: Catalogue;
}

export interface BatchResult {
  /** In input order (row, then the row's own line order). */
  lines: Line[];
  rejects: Reject[];
  summary: SummaryRow[];
  rowsRead: number;
  rowsEvaluated: number;
  rowsRejected: number;
}

export class Batch {
  private readonly lines: Line[] = [];
  private readonly rejects: Reject[] = [];
  private readonly used = new Set<Table>();
  private rowsRead = 0;
  private rowsRejected = 0;

  constructor(private readonly options: BatchOptions) {}

  /** Take one roster row. Never throws for bad content: a bad row becomes rejects. */
  add(file: string, row: number, cells: ReadonlyMap<string, string>): void {
    const seq = this.rowsRead++;
    const r = intakeRow(file, row, seq, cells, this.options);
    if ('rejects' in r) {
      this.rowsRejected++;
      this.rejects.push(...r.rejects);
      return;
    }
    this.used.add(r.table);
    const catalogue = this.options.catalogue;
    this.lines.push(
      ...evaluateClaim(r.claim, r.table, {
        catalogue: catalogue && ((table, program, facts) => catalogue.lookup(table.code, program.id, facts.occupation as string | undefined, facts.level as string | undefined)),
      }),
    );
  }

  /** A row the CSV reader could not split into cells: it is counted and rejected like any other bad row. */
  addUnreadable(file: string, row: number, message: string): void {
    this.rowsRead++;
    this.rowsRejected++;
    this.rejects.push({ file, row, column: '', value: '', code: 'bad_csv', reason: { zh: `无法读取此行: ${message}`, en: `unreadable CSV row: ${message}` } });
  }

  finish(): BatchResult {
    for (const table of this.used) applyLimits(this.lines, table);
    const order = new Map<string, number>();
    for (const t of this.used) t.programs.forEach((p, i) => order.set(`${t.code}\u0000${p.id}`, i));
    return {
      lines: this.lines,
      rejects: this.rejects,
      summary: summarize(this.lines, (j, p) => order.get(`${j}\u0000${p}`) ?? 0),
      rowsRead: this.rowsRead,
      rowsEvaluated: this.rowsRead - this.rowsRejected,
      rowsRejected: this.rowsRejected,
    };
  }
}
