// Evaluate one claim against one jurisdiction's table: period, conditions, amount, uplifts, companions.
import type { Condition, Program, Table } from '../tables/schema.js';
import { type AppliedUplift, type CostSpan, computeAmount, maxExposure, missingFacts } from './amounts.js';
import { checkCondition, passHint } from './conditions.js';
import type { Fen } from './money.js';
import type { FactMemo } from './memo.js';
import { type Bilingual, type Claim, type Facts, type Line, NO_TEXT } from './types.js';

export interface EvaluateOptions {
  /** Catalogue standard for a programme and claim (from --catalog), when the row gives none. */
  catalogue?: (table: Table, program: Program, facts: Facts) => Fen | undefined;
  /**
   * Outcomes of a programme's rules remembered by the facts they read, for a run's many rows (one memo per run:
   * the catalogue above must stay the same while it is used).
   */
  memo?: FactMemo<Outcome>;
}

/** Facts the tables may use that are computed, not read: grade and year. Adds them to a copy. */
export function withDerivedFacts(facts: Facts): Facts {
  return addDerivedFacts({ ...facts });
}

/** The same, in place, for facts that belong to this evaluation alone (the hot path of a large run). */
function addDerivedFacts(facts: Facts): Facts {
  const date = facts.date as string | undefined;
  facts.grade = (facts.level as string | undefined) ?? (facts.certificate as string | undefined);
  facts.year = date ? Number(date.slice(0, 4)) : undefined;
  return facts;
}

const citations = new WeakMap<Program, string>();

/** "ZJ-06, 诸政办发〔2020〕6号 二(五)": built once per programme. */
export function citation(table: Table, program: Program): string {
  let c = citations.get(program);
  if (c === undefined) {
    const doc = table.document.number ?? table.document.title;
    const draft = table.document.status === 'draft' ? ' (征求意见稿 draft)' : '';
    c = `${program.clauses.join('/')}, ${doc} ${program.section}${draft}`;
    citations.set(program, c);
  }
  return c;
}

const ELIGIBLE = { zh: '符合条件', en: 'eligible' } as const;

/**
 * The provider or employer a line pays, as the roster names it (Line.payeeName). A unit's grant paid to it as an
 * enterprise (ZJ enterprise_drill_grant) names the unit itself.
 */
function payeeName(program: Program, facts: Facts): string {
  if (program.payee !== 'provider' && program.payee !== 'enterprise') return '';
  const cell = program.subject === 'unit' ? (facts.name ?? facts.org_code) : program.payee === 'provider' ? facts.provider : facts.employer;
  return (cell as string | undefined) ?? '';
}

/** The line of one programme for one claim, before any cross-record limit. */
function evaluateProgram(claim: Claim, facts: Facts, table: Table, program: Program, options: EvaluateOptions, companionOf = '', spans?: CostSpans): Line {
  const date = facts.date as string;
  const outcome = judge(facts, table, program, options);
  if (spans && outcome.costSpan) {
    spans.read = true;
    spans.lo = Math.max(spans.lo, outcome.costSpan.lo);
    spans.hi = Math.min(spans.hi, outcome.costSpan.hi);
  }
  // One object per line, fields always in the same order (a spread of base and outcome cost a second object).
  const line: Line = {
    file: claim.file,
    row: claim.row,
    seq: claim.seq,
    jurisdiction: table.code,
    documentStatus: table.document.status,
    program: program.id,
    programName: program.name,
    payee: program.payee,
    payeeName: payeeName(program, facts),
    subject: program.subject,
    personKey: personKey(program, facts),
    personId: (facts.person_id as string | undefined) ?? '',
    name: (facts.name as string | undefined) ?? '',
    date,
    year: Number(date.slice(0, 4)),
    occupation: (facts.occupation as string | undefined) ?? '',
    level: (facts.level as string | undefined) ?? '',
    status: outcome.status,
    reasonCode: outcome.reasonCode,
    reason: outcome.reason,
    amountFen: outcome.amountFen,
    basis: outcome.basis,
    formula: outcome.formula,
    citation: citation(table, program),
    exposureFen: outcome.exposureFen,
    companionOf,
    person: -1,
  };
  if (outcome.hint !== undefined) line.hint = outcome.hint;
  if (table.document.status === 'draft') line.reason = asDraft(line.reason);
  return line;
}

const drafts = new WeakMap<Bilingual, Bilingual>();

/** A reason with the draft notice added: once per reason object (remembered outcomes share theirs across many lines). */
function asDraft(reason: Bilingual): Bilingual {
  let d = drafts.get(reason);
  if (!d) {
    d = { zh: `${reason.zh}（征求意见稿, 金额未定稿）`, en: `${reason.en} (draft for comment: amounts not final)` };
    if (Object.isFrozen(reason)) Object.freeze(d);
    drafts.set(reason, d);
  }
  return d;
}

export type Outcome = Pick<Line, 'status' | 'reasonCode' | 'reason' | 'amountFen' | 'basis' | 'formula' | 'exposureFen' | 'hint'> & {
  /** The costs this outcome holds for, worked out alike (CostSpan), when its amount read the cost. */
  costSpan?: CostSpan;
};

/**
 * The claimed costs all of a claim's outcomes hold for (CostSpan), narrowed by each outcome that read the cost:
 * `read` false when none did. Given to evaluateClaim by the caller that wants it (row shapes), fresh per claim.
 */
export interface CostSpans {
  read: boolean;
  lo: number;
  hi: number;
}

export const newCostSpans = (): CostSpans => ({ read: false, lo: -Infinity, hi: Infinity });

/** Where a date (YYYY-MM-DD) falls against the document's period: before it, in force, or after it. */
export function documentPeriodOf(table: Table, date: string): 'before' | 'in_force' | 'after' {
  const doc = table.document;
  if (doc.valid_from && date < doc.valid_from) return 'before';
  if (doc.valid_to && date > doc.valid_to) return 'after';
  return 'in_force';
}

/** Whether a date is within a programme's own window (from/to), where it has one. */
export function inProgramWindow(program: Program, date: string): boolean {
  return !(program.from && date < program.from) && !(program.to && date > program.to);
}

/** The outcome of one programme for one claim: the periods here, then its rules (remembered when a memo is given). */
function judge(facts: Facts, table: Table, program: Program, options: EvaluateOptions): Outcome {
  const date = facts.date as string;
  const doc = table.document;
  const period = (): string => `${doc.valid_from ?? '…'} – ${doc.valid_to ?? '…'}`;
  const where = documentPeriodOf(table, date);
  if (where === 'before') {
    const r = doc.before_period_reason ?? { zh: `日期 ${date} 早于文件有效期 ${period()}`, en: `date ${date} is before the document's period ${period()}` };
    return doc.before_period === 'review' ? review('before_period', r, null) : deny('outside_period', r);
  }
  if (where === 'after') {
    return deny('outside_period', { zh: `日期 ${date} 不在文件有效期 ${period()} 内`, en: `date ${date} is outside the document's period ${period()}` });
  }
  if (!inProgramWindow(program, date)) {
    const w = `${program.from ?? '…'} – ${program.to ?? '…'}`;
    return deny('outside_program_period', { zh: `日期 ${date} 不在本项目适用期 ${w} 内`, en: `date ${date} is outside this programme's window ${w}` });
  }
  const memo = options.memo;
  return memo ? memo.get(program, facts, (read) => frozen(rules(read, table, program, options))) : rules(facts, table, program, options);
}

/** An outcome shared by many lines: its texts cannot be edited in place (lines replace them, never edit them). */
function frozen(o: Outcome): Outcome {
  Object.freeze(o.reason);
  Object.freeze(o.formula);
  if (o.hint) Object.freeze(o.hint);
  return Object.freeze(o);
}

/**
 * Conditions, uplifts and the amount: a pure function of the facts it reads (the date only where a rule reads
 * it, as an uplift with an end date does), so a run can remember it by those facts.
 */
function rules(facts: Facts, table: Table, program: Program, options: EvaluateOptions): Outcome {
  const missing: string[] = [];
  let open: Outcome | undefined;
  for (const c of program.conditions) {
    const o = checkCondition(c, facts);
    if (o.result === 'fail') {
      const reason = { zh: `${c.reason.zh}（${o.seen}）`, en: `${c.reason.en} (${o.seen})` };
      if (c.if_fails === 'deny') return { ...deny(c.reason.code, reason), hint: passHint(c) };
      open ??= review(c.reason.code, reason, maxExposure(program.amount, facts));
    }
    if (o.result === 'missing') missing.push(...o.fields);
  }
  if (open) return open;
  if (missing.length) {
    const r = missingFacts([...new Set(missing)]);
    return review('missing_facts', r.reason, maxExposure(program.amount, facts));
  }

  const uplift = chooseUplift(program, facts);
  const catalogue = options.catalogue;
  const catalogueStandard = catalogue && ((): Fen | undefined => catalogue(table, program, facts));
  const result = computeAmount(program.amount, { facts, uplift, ...(catalogueStandard && { catalogueStandard }) });
  if (result.status === 'approved') {
    const note = uplift ? { zh: `符合条件, ${uplift.uplift.label.zh}`, en: `eligible, ${uplift.uplift.label.en}` } : ELIGIBLE;
    const approved: Outcome = { status: 'approved', reasonCode: 'ok', reason: note, amountFen: result.fen, basis: result.basis, formula: result.formula, exposureFen: null };
    if (result.costSpan) approved.costSpan = result.costSpan;
    return approved;
  }
  return {
    status: result.status,
    reasonCode: result.code,
    reason: result.reason,
    amountFen: 0,
    basis: 'none',
    formula: result.formula ?? NO_TEXT,
    exposureFen: result.status === 'review' ? result.exposureFen : null,
  };
}

const deny = (code: string, reason: Bilingual): Outcome => ({ status: 'denied', reasonCode: code, reason, amountFen: 0, basis: 'none', formula: NO_TEXT, exposureFen: null });
const review = (code: string, reason: Bilingual, exposure: Fen | null): Outcome => ({ status: 'review', reasonCode: code, reason, amountFen: 0, basis: 'none', formula: NO_TEXT, exposureFen: exposure });

/** Uplifts whose conditions all hold; several → the larger, the others named (the texts never say they add up). */
function chooseUplift(program: Program, facts: Facts): AppliedUplift | undefined {
  const holds = (c: Condition): boolean => checkCondition(c, facts).result === 'pass';
  const applicable = program.uplifts.filter((u) => (!u.to || (facts.date as string) <= u.to) && u.when.every(holds));
  if (applicable.length === 0) return undefined;
  const sorted = [...applicable].sort((a, b) => b.percent - a.percent);
  return { uplift: sorted[0]!, passedOver: sorted.slice(1) };
}

function personKey(program: Program, facts: Facts): string {
  if (program.subject === 'unit') return String(facts.org_code ?? facts.name ?? '');
  return String(facts.person_id ?? '');
}

/**
 * All lines of one claim: the programme it names, then its companions (e.g. a living allowance)
 * when the person qualifies for them. A companion never pays more surely than its training:
 * if the training is under review, so is the companion.
 */
export function evaluateClaim(claim: Claim, table: Table, options: EvaluateOptions = {}, spans?: CostSpans): Line[] {
  const facts = addDerivedFacts(claim.facts);
  const program = table.programs.find((p) => p.id === facts.program);
  if (!program) throw new Error(`programme "${String(facts.program)}" is not in table ${table.code}`);
  const main = evaluateProgram(claim, facts, table, program, options, '', spans);
  const lines = [main];
  if (main.status === 'denied') return lines;
  for (const id of program.companions) {
    const companion = table.programs.find((p) => p.id === id)!;
    // A companion whose eligibility facts the row does not give is not claimed (no groups → no allowance line).
    if (companion.conditions.some((c) => checkCondition(c, facts).result === 'missing')) continue;
    const line = evaluateProgram(claim, facts, table, companion, options, program.id, spans);
    if (line.status === 'denied') continue;
    if (main.status === 'review' && line.status === 'approved') {
      line.status = 'review';
      line.exposureFen = line.amountFen;
      line.amountFen = 0;
      line.reasonCode = 'parent_in_review';
      line.reason = { zh: `随 ${program.name.zh} 一并待审`, en: `follows ${program.name.en}, which is under review` };
    }
    lines.push(line);
  }
  return lines;
}
