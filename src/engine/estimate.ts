// Budget exposure: planned cases → low / central / high per programme, with the assumption behind each figure.
import type { Program, Table } from '../tables/schema.js';
import { type EvaluateOptions, evaluateClaim } from './evaluate.js';
import { type Fen, percentOf } from './money.js';
import type { Bilingual, Facts, Line } from './types.js';

export interface Assumptions {
  /** Share of a ceiling assumed in the low figure when the plan states no cost (0–1). */
  lowShare: number;
  /** Share of planned cases that will claim (0–1). */
  takeUp: number;
  /** Share of those that will pass / obtain the certificate (0–1). */
  passRate: number;
  /** Date used for plan lines that give none. */
  on: string;
}

export interface PlanCase {
  file: string;
  row: number;
  label: string;
  /** Programme id; "" for a planned activity no programme of the table pays for. */
  program: string;
  planned: number;
  facts: Facts;
}

export interface EstimateRow {
  /** Programme id, or "" for planned activities the table states no amount for. */
  program: string;
  label: string;
  programName: Bilingual;
  payee: string;
  citation: string;
  /** Planned cases × take-up × pass rate, in hundredths (so 0.8 × 45 = 36.00 stays exact). */
  casesX100: number;
  low: Fen;
  central: Fen;
  high: Fen;
  /** Cases whose amount the text does not state (or a catalogue is missing): counted, never valued at 0. */
  unquantifiedX100: number;
  /** The assumption behind each figure, and why cases are not valued, in both languages (estimate.csv, the report). */
  notes: Bilingual[];
}

export const ASSUMPTION_TEXT = {
  fixed: { en: 'fixed amount: low = central = high', zh: '定额: 低值 = 中值 = 高值' },
  ceiling: {
    en: 'ceiling (不超过): high = the cap; central = the cost the plan states, else the cap (as calc pays); low = that cost, else the stated low share of the cap',
    zh: '限额(不超过): 高值 = 限额; 中值 = 计划所列费用, 未列则为限额(与 calc 的支付相同); 低值 = 所列费用, 未列则为限额的低值比例',
  },
  floor: {
    en: 'floor or actual (ZJ-10): high = the upper limit; central = as calc pays for the stated cost, else the upper limit; low = the floor',
    zh: '保底或据实(ZJ-10): 高值 = 上限; 中值 = 按所列费用如 calc 支付, 未列则为上限; 低值 = 保底额',
  },
  unquantified: {
    en: 'amount not stated in the text (or catalogue not supplied): counted, not valued',
    zh: '政策文本未规定金额(或未提供目录): 只计人次, 不估值',
  },
} as const satisfies Record<string, Bilingual>;

/** Lines of one case with cost as planned (central) and with no cost at all (every ceiling: high). */
function evaluateBoth(table: Table, c: PlanCase, date: string, options: EvaluateOptions): { central: Line[]; high: Line[] } {
  const facts: Facts = { ...c.facts, program: c.program, date };
  const claim = (f: Facts) => ({ file: c.file, row: c.row, seq: c.row, facts: f });
  return { central: evaluateClaim(claim(facts), table, options), high: evaluateClaim(claim({ ...facts, cost: undefined }), table, options) };
}

function lowFor(program: Program, facts: Facts, central: Line, high: Line, a: Assumptions): Fen {
  if (facts.cost !== undefined) return central.amountFen;
  const amount = program.amount;
  if (amount.kind === 'floor_or_actual') {
    const units = Number(facts[amount.unit] ?? 0);
    return amount.floor * (amount.max_units !== undefined ? Math.min(units, amount.max_units) : units);
  }
  return high.basis === 'ceiling' ? percentOf(high.amountFen, Math.round(a.lowShare * 10000) / 100) : central.amountFen;
}

/** Scale a per-case amount by planned cases and the take-up × pass-rate factor, rounding half up to the fen. */
function scale(perCase: Fen, casesX100: number): Fen {
  return percentOf(perCase, casesX100);
}

export function estimate(table: Table, cases: Iterable<PlanCase>, a: Assumptions, options: EvaluateOptions = {}): EstimateRow[] {
  const e = new Estimate(table, a, options);
  for (const c of cases) e.add(c);
  return e.rows();
}

/** An estimate built case by case, so a roster of millions of expected trainees is never held at once. */
export class Estimate {
  private readonly byKey = new Map<string, EstimateRow>();
  private readonly factorX100: number;

  constructor(
    private readonly table: Table,
    private readonly a: Assumptions,
    private readonly options: EvaluateOptions = {},
  ) {
    this.factorX100 = Math.round(a.takeUp * a.passRate * 10000) / 100; // percent with two decimals
  }

  /** Rows by programme (or label), in the order first met. */
  rows(): EstimateRow[] {
    return [...this.byKey.values()];
  }

  private rowFor(key: string, init: () => EstimateRow): EstimateRow {
    const r = this.byKey.get(key) ?? init();
    this.byKey.set(key, r);
    return r;
  }

  add(c: PlanCase): void {
    const { table, a, options } = this;
    const rowFor = (key: string, init: () => EstimateRow): EstimateRow => this.rowFor(key, init);
    const casesX100 = Math.round(c.planned * this.factorX100);
    const program = table.programs.find((p) => p.id === c.program);
    if (!program) {
      const r = rowFor(`label:${c.label}`, () => ({
        program: '', label: c.label, programName: { zh: c.label, en: c.label }, payee: '', citation: '',
        casesX100: 0, low: 0, central: 0, high: 0, unquantifiedX100: 0,
        notes: [{ en: `no programme of ${table.code} states an amount for this activity`, zh: `${table.name.zh}没有补贴项目规定此项活动的金额` }],
      }));
      r.casesX100 += casesX100;
      r.unquantifiedX100 += casesX100;
      return;
    }
    const date = (c.facts.date as string | undefined) ?? a.on;
    const { central, high } = evaluateBoth(table, c, date, options);
    for (const line of central) {
      const hi = high.find((h) => h.program === line.program)!;
      const p = table.programs.find((x) => x.id === line.program)!;
      const r = rowFor(`program:${line.program}`, () => ({
        program: line.program, label: '', programName: line.programName, payee: line.payee, citation: line.citation,
        casesX100: 0, low: 0, central: 0, high: 0, unquantifiedX100: 0, notes: [],
      }));
      r.casesX100 += casesX100;
      const note = (t: Bilingual): void => void (r.notes.some((n) => n.en === t.en) || r.notes.push(t));
      if (line.status === 'approved' && hi.status === 'approved') {
        const low = lowFor(p, c.facts, line, hi, a);
        r.low += scale(low, casesX100);
        r.central += scale(line.amountFen, casesX100);
        r.high += scale(hi.amountFen, casesX100);
        note(p.amount.kind === 'floor_or_actual' ? ASSUMPTION_TEXT.floor : hi.basis === 'ceiling' ? ASSUMPTION_TEXT.ceiling : ASSUMPTION_TEXT.fixed);
      } else if (line.status === 'denied') {
        // A plan line the rules deny is most likely a plan error: it is shown, not silently valued.
        note({ en: `not eligible as planned (${line.reasonCode}): ${line.reason.en}`, zh: `按计划不符合条件 (${line.reasonCode}): ${line.reason.zh}` });
      } else {
        r.unquantifiedX100 += casesX100;
        note({ en: `${ASSUMPTION_TEXT.unquantified.en}: ${line.reason.en}`, zh: `${ASSUMPTION_TEXT.unquantified.zh}: ${line.reason.zh}` });
      }
    }
  }
}

export interface PayeeTotal {
  payee: string;
  low: Fen;
  central: Fen;
  high: Fen;
}

export function byPayee(rows: EstimateRow[]): PayeeTotal[] {
  const m = new Map<string, PayeeTotal>();
  for (const r of rows) {
    const key = r.payee || '(unquantified)';
    const t = m.get(key) ?? { payee: key, low: 0, central: 0, high: 0 };
    t.low += r.low;
    t.central += r.central;
    t.high += r.high;
    m.set(key, t);
  }
  return [...m.values()];
}

export function totals(rows: EstimateRow[]): { low: Fen; central: Fen; high: Fen; unquantifiedX100: number } {
  return rows.reduce((t, r) => ({ low: t.low + r.low, central: t.central + r.central, high: t.high + r.high, unquantifiedX100: t.unquantifiedX100 + r.unquantifiedX100 }), { low: 0, central: 0, high: 0, unquantifiedX100: 0 });
}
