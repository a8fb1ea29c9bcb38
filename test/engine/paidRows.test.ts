// Rows already in the ledger, line by line: what was paid from a row is a duplicate, what was not is decided afresh.
import { describe, expect, it } from 'vitest';
import { Batch, type LedgerContext } from '../../src/engine/batch.js';
import { Decisions } from '../../src/engine/decisions.js';
import type { PriorClaim } from '../../src/engine/types.js';
import { P1, P2, TABLES, brief } from '../helpers.js';

/** Row 2 of test.csv, hash h1: an L4 certificate (ZJ-01) for someone with employment difficulty, training days not known (ZJ-06). */
function decide(context: LedgerContext, row: Record<string, string> = {}, decisions?: Decisions) {
  const batch = new Batch({ tables: TABLES, defaultJurisdiction: 'zhuji', ...(decisions && { decisions }) });
  const cells = { person_id: P1, program: 'cert_training', date: '2020-03-01', occupation: '电工', level: 'L4', groups: 'employment_difficulty', ...row };
  batch.add('test.csv', 2, new Map(Object.entries(cells).filter(([, v]) => v !== '')), 'h1');
  return batch.finish(context);
}

const claim = (runId: string, program: string, amountFen: number, personKey = P1): PriorClaim => ({
  runId, file: 'test.csv', row: 2, personKey, jurisdiction: 'zhuji', program, occupation: '电工', level: 'L4', date: '2020-03-01', amountFen,
});

describe('PaidRows: a row the ledger recorded', () => {
  it('ZJ-01/ZJ-06: the training paid from it is a duplicate; its living allowance, left under review then, is decided afresh (still review) and the row counts as evaluated', () => {
    expect(brief(decide({}))).toEqual([['cert_training', 'approved', '3500.00', 'ok'], ['living_allowance', 'review', '-', 'missing_facts']]);
    const r = decide({ history: [claim('R1', 'cert_training', 350_000)], recordedRows: new Map([['h1', [{ runId: 'R1', file: 'test.csv', row: 2 }]]]) });
    expect(brief(r)).toEqual([['cert_training', 'duplicate', '0.00', 'already_in_ledger'], ['living_allowance', 'review', '-', 'missing_facts']]);
    expect(r.lines[0]!.reason.en).toBe('already in ledger run R1 (test.csv row 2); not paid again');
    expect(r.evaluatedRows.map((x) => x.row)).toEqual([2]);
  });

  it('ZJ-06: the allowance the same row carries with its training days now (another row hash) is not this; both lines paid from the row in two runs make it a duplicate whole, each citing its run', () => {
    const recordedRows = new Map([['h1', [{ runId: 'R1', file: 'test.csv', row: 2 }, { runId: 'R2', file: 'test.csv', row: 2 }]]]);
    const r = decide({ history: [claim('R1', 'cert_training', 350_000), claim('R2', 'living_allowance', 75_000)], recordedRows });
    expect(brief(r)).toEqual([['cert_training', 'duplicate', '0.00', 'already_in_ledger'], ['living_allowance', 'duplicate', '0.00', 'already_in_ledger']]);
    expect(r.lines.map((l) => l.reason.en)).toEqual(['already in ledger run R1 (test.csv row 2); not paid again', 'already in ledger run R2 (test.csv row 2); not paid again']);
    expect(r.evaluatedRows).toEqual([]);
  });

  it('a claim of another row (another file, row or person) is not taken for this one: its training is counted by the limits instead (ZJ-16: the same occupation and level not twice)', () => {
    const recordedRows = new Map([['h1', [{ runId: 'R1', file: 'test.csv', row: 2 }]]]);
    const elsewhere = { ...claim('R1', 'cert_training', 350_000), row: 3 };
    const r = decide({ history: [elsewhere], recordedRows });
    expect(brief(r)[0]).toEqual(['cert_training', 'denied', '0.00', 'repeat_occupation_level']);
    // Another person's claim from the same place is not this row's either (the lookups are by the run's persons).
    const other = decide({ history: [claim('R1', 'cert_training', 350_000, P2)], recordedRows });
    expect(brief(other)[0]).toEqual(['cert_training', 'approved', '3500.00', 'ok']);
  });
});

describe('companions of a training the ledger paid (limits)', () => {
  const recordedRows = new Map([['h1', [{ runId: 'R1', file: 'test.csv', row: 2 }]]]);
  const paidTraining = claim('R1', 'cert_training', 350_000);

  it('ZJ-06: the row again after its allowance was paid from the row corrected (R2, row 9): the allowance goes to review naming that payment, not paid twice unseen', () => {
    const allowance = { ...claim('R2', 'living_allowance', 75_000), row: 9 };
    const r = decide({ history: [paidTraining, allowance], recordedRows });
    expect(brief(r)).toEqual([['cert_training', 'duplicate', '0.00', 'already_in_ledger'], ['living_allowance', 'review', '-', 'missing_facts']]);
    expect(r.lines[1]!.reason.en).toBe('missing: training days; already paid for this training on ledger run R2 test.csv row 9 Living allowance during training (2020-03-01): claimed again? to be checked');
  });
});

describe('a training the ledger paid, claimed again corrected (another row): its companion', () => {
  const paidTraining = claim('R1', 'cert_training', 350_000);
  const corrected = { training_days: '15' };

  it('ZJ-16/ZJ-06: the training is a repeat (denied); its living allowance, not paid with it then, goes to review with its 750 as the exposure rather than being denied with it', () => {
    const r = decide({ history: [paidTraining], recordedRows: new Map() }, corrected);
    expect(brief(r)).toEqual([['cert_training', 'denied', '0.00', 'repeat_occupation_level'], ['living_allowance', 'review', '750.00', 'paid_without_companion']]);
    expect(r.lines[1]!.exposureFen).toBe(75_000);
    expect(r.lines[1]!.reason.en).toBe(
      'the training it rides along with was paid on ledger run R1 test.csv row 2 Certificate training + one-off assessment subsidy (2020-03-01), without this: if this row is that claim (its training days filled in, say), check and decide (--decisions)',
    );
  });

  it('ZJ-06: the office approving it (--decisions) pays the 750; an allowance the ledger already paid for that training is denied with it, approved or not', () => {
    const approve = new Decisions([{ file: 'test.csv', row: 2, program: 'living_allowance', verdict: 'approve', source: 'decisions.csv row 2' }]);
    const decided = decide({ history: [paidTraining], recordedRows: new Map() }, corrected, approve);
    expect(brief(decided)).toEqual([['cert_training', 'denied', '0.00', 'repeat_occupation_level'], ['living_allowance', 'approved', '750.00', 'approved_on_review']]);
    const paidToo = [paidTraining, claim('R1', 'living_allowance', 75_000)];
    for (const decisions of [undefined, approve]) {
      const r = decide({ history: paidToo, recordedRows: new Map() }, corrected, decisions);
      expect(brief(r)[1]).toEqual(['living_allowance', 'denied', '0.00', 'parent_denied']);
    }
  });

  it('a training denied for another reason than a payment of that very claim (another date) takes its allowance with it, as ever', () => {
    const r = decide({ history: [{ ...paidTraining, date: '2020-02-01' }], recordedRows: new Map() }, corrected);
    expect(brief(r)).toEqual([['cert_training', 'denied', '0.00', 'repeat_occupation_level'], ['living_allowance', 'denied', '0.00', 'parent_denied']]);
  });
});
