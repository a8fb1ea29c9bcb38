// The office's decisions on lines the rules left under review (calc --decisions): approved or denied by a clerk, the rules' reason kept.
import { formatYuan } from './money.js';
import type { Bilingual, Line } from './types.js';

/** A clerk's decision on one line: the roster row (as the run names its file) and the programme of the line. */
export interface Decision {
  file: string;
  row: number;
  program: string;
  verdict: 'approve' | 'deny';
  /** The amount approved, where the rules could not say it (核定金额). */
  amountFen?: number;
  note?: string;
  /**
   * Who and when, as the decisions file gives them (a breakdown's person_id and date): a decision meets its row only
   * while the row is still that person's claim of that date, so that rows inserted into the roster since do not move
   * a decision onto someone else. An ID masked by --mask-ids (330681********0015) is compared where it shows.
   */
  personId?: string;
  date?: string;
  /** Where the decision was read (decisions.csv row 4), for what the run says of it. */
  source: string;
}

/** A decision's key: file, row and programme. */
export const decisionKey = (file: string, row: number, program: string): string => `${file}\u0000${row}\u0000${program}`;

/** The run's decisions by roster row (plain data in, so that every thread builds its own). */
export class Decisions {
  private readonly byRow = new Map<string, Decision[]>();
  /** `list`: plain data, as another thread is sent it. */
  constructor(readonly list: readonly Decision[]) {
    for (const d of list) {
      const k = `${d.file}\u0000${d.row}`;
      const row = this.byRow.get(k);
      if (row) row.push(d);
      else this.byRow.set(k, [d]);
    }
  }
  /** The decisions on a row's lines, if any (a row without is evaluated as ever). */
  of(file: string, row: number): Decision[] | undefined {
    return this.byRow.get(`${file}\u0000${row}`);
  }
}

/** The reason code of a line a clerk approved: paid, and not sent to review again as a twin or a look-alike (limits.ts). */
export const APPROVED_ON_REVIEW = 'approved_on_review';

/**
 * Apply a row's decisions to its lines (before the cross-record limits, which still apply: an approved line is
 * counted, and a yearly cap or a repeat still denies it). Each decision names a programme; a training's decision
 * also decides the companions that follow it (a living allowance under review with it). Returns the keys of the
 * decisions that met a line.
 * - deny: a line approved or under review is denied (`denied_on_review`), its rules' reason kept in the reason.
 * - approve: a line under review is approved at the decision's amount, or at its exposure when the rules worked
 *   that out and no amount is given; an amount above the exposure (the text's cap) is not taken, nor is an
 *   approval without an amount where the rules could not say one: the line stays under review, saying why. A line
 *   the rules approved is marked as checked (a twin or a look-alike occupation found later is not held again). A
 *   line the rules denied stays denied: the text decides, and the reason says the approval was not taken.
 */
export function applyDecisions(lines: Line[], decisions: readonly Decision[]): string[] {
  const met: string[] = [];
  for (const d of decisions) {
    if (!sameClaim(d, lines[0]!)) continue;
    const own = lines.filter((l) => l.program === d.program && !l.companionOf);
    const mine = lines.filter((l) => l.program === d.program || (l.companionOf === d.program && own.length > 0));
    if (!mine.length) continue;
    met.push(decisionKey(d.file, d.row, d.program));
    for (const line of mine) decide(line, d, line.companionOf === d.program && line.program !== d.program);
  }
  return met;
}

/** Whether the row's line is still the person and date the decision was made on (where the decision says them). */
function sameClaim(d: Decision, line: Line): boolean {
  if (d.date !== undefined && d.date !== line.date) return false;
  if (d.personId === undefined) return true;
  const id = line.personId;
  if (d.personId.length !== id.length) return false;
  for (let i = 0; i < id.length; i++) if (d.personId[i] !== '*' && d.personId[i] !== id[i]) return false;
  return true;
}

function decide(line: Line, d: Decision, companion: boolean): void {
  const note = d.note ? `: ${d.note}` : '';
  const was = line.reason;
  if (d.verdict === 'deny') {
    if (line.status === 'denied') return;
    line.reason = {
      zh: `审核不同意${note} (${d.source}); 规则的结论为 ${line.status === 'review' ? '待审' : '通过'}: ${was.zh}`,
      en: `denied on review${note} (${d.source}); the rules said ${line.status}: ${was.en}`,
    };
    line.status = 'denied';
    line.reasonCode = 'denied_on_review';
    line.amountFen = 0;
    line.exposureFen = null;
    line.basis = 'none';
    line.formula = { zh: '', en: '' };
    return;
  }
  if (line.status === 'denied') {
    line.reason = appended(was, { zh: `审核同意未采用 (${d.source}): 依文件不予补贴`, en: `the approval (${d.source}) is not taken: the text denies this line` });
    return;
  }
  if (line.status === 'approved') {
    line.reasonCode = APPROVED_ON_REVIEW;
    line.reason = appended(was, { zh: `已审核同意${note} (${d.source})`, en: `checked and approved${note} (${d.source})` });
    if (d.amountFen !== undefined && d.amountFen !== line.amountFen && !companion) {
      line.reason = appended(line.reason, { zh: `核定金额 ${formatYuan(d.amountFen)} 未采用: 依文件计算为 ${formatYuan(line.amountFen)} 元`, en: `the decided ${formatYuan(d.amountFen)} is not taken: the rules work out ${formatYuan(line.amountFen)} yuan` });
    }
    return;
  }
  if (line.status !== 'review') return;
  const amount = companion ? line.exposureFen : (d.amountFen ?? line.exposureFen);
  if (amount === null || amount === undefined) {
    line.reason = appended(was, { zh: `审核同意 (${d.source}), 但文件未给出金额: 请填写核定金额`, en: `approved on review (${d.source}), but the rules give no amount: give the decided amount` });
    return;
  }
  if (line.exposureFen !== null && amount > line.exposureFen) {
    line.reason = appended(was, {
      zh: `核定金额 ${formatYuan(amount)} 超过文件上限 ${formatYuan(line.exposureFen)} 元, 未采用 (${d.source})`,
      en: `the decided ${formatYuan(amount)} is above the text's ${formatYuan(line.exposureFen)} yuan and is not taken (${d.source})`,
    });
    return;
  }
  line.status = 'approved';
  line.reasonCode = APPROVED_ON_REVIEW;
  line.reason = { zh: `审核同意${note} (${d.source}); 原待审: ${was.zh}`, en: `approved on review${note} (${d.source}); under review because: ${was.en}` };
  line.amountFen = amount;
  line.exposureFen = null;
  line.basis = 'decided';
  line.formula = { zh: `审核核定 ${formatYuan(amount)} 元`, en: `decided on review: ${formatYuan(amount)} yuan` };
}

const appended = (a: Bilingual, b: Bilingual): Bilingual => ({ zh: `${a.zh}; ${b.zh}`, en: `${a.en}; ${b.en}` });
