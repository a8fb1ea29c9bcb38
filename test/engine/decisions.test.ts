// The office's decisions on lines under review (calc --decisions): what a clerk's 同意 / 不同意 does to a line, and what it cannot do.
import { describe, expect, it } from 'vitest';
import { Batch, type BatchResult } from '../../src/engine/batch.js';
import { type Decision, Decisions } from '../../src/engine/decisions.js';
import { P1, P2, TABLES, brief } from '../helpers.js';

type Row = Record<string, string>;
type Verdict = Pick<Decision, 'row' | 'program' | 'verdict'> & Partial<Pick<Decision, 'amountFen' | 'note' | 'personId' | 'date'>>;

/** Rows 2, 3, … of test.csv evaluated with these decisions (each row's person P1 unless it says). */
function decide(jurisdiction: string, rows: Row[], verdicts: Verdict[]): BatchResult {
  const decisions = new Decisions(verdicts.map((v, i) => ({ file: 'test.csv', source: `decisions.csv row ${i + 2}`, ...v })));
  const batch = new Batch({ tables: TABLES, defaultJurisdiction: jurisdiction, decisions });
  rows.forEach((r, i) => batch.add('test.csv', i + 2, new Map(Object.entries({ person_id: P1, ...r }).filter(([, v]) => v !== ''))));
  return batch.finish();
}

const cert = (date: string, occupation: string, extra: Row = {}): Row => ({ program: 'cert_training', date, occupation, level: 'L4', ...extra });

describe('decisions on lines under review', () => {
  it('ZJ-04: a person outside the listed groups (the list ends with 等) approved on review is paid the 1000 the text states', () => {
    const row = { program: 'entrepreneurship', date: '2020-08-01', groups: 'enterprise_employee' };
    expect(brief(decide('zhuji', [row], []))).toEqual([['entrepreneurship', 'review', '1000.00', 'group_not_listed']]);
    const r = decide('zhuji', [row], [{ row: 2, program: 'entrepreneurship', verdict: 'approve', note: '已核实返乡创业' }]);
    expect(brief(r)).toEqual([['entrepreneurship', 'approved', '1000.00', 'approved_on_review']]);
    expect(r.lines[0]!.basis).toBe('decided');
    expect(r.lines[0]!.formula.zh).toBe('审核核定 1000.00 元');
    expect(r.lines[0]!.reason.zh).toBe('审核同意: 已核实返乡创业 (decisions.csv row 2); 原待审: 不在所列人员(农民工、建档立卡贫困人口、在校大学生、退役军人"等")之中（groups=enterprise_employee）');
    // Above the 1000 the text states, a decided amount is not taken: the line stays under review, saying so.
    const above = decide('zhuji', [row], [{ row: 2, program: 'entrepreneurship', verdict: 'approve', amountFen: 120000 }]);
    expect(brief(above)).toEqual([['entrepreneurship', 'review', '1000.00', 'group_not_listed']]);
    expect(above.lines[0]!.reason.en).toContain('the decided 1200.00 is above the text\'s 1000.00 yuan and is not taken (decisions.csv row 2)');
  });

  it('ZJ-02: where the rules give no amount (no standard), an approval needs the decided amount; with it the line is paid that', () => {
    const row = { program: 'project_training', date: '2020-07-01', certificate: 'training', occupation: '家政服务' };
    const without = decide('zhuji', [row], [{ row: 2, program: 'project_training', verdict: 'approve' }]);
    expect(brief(without)).toEqual([['project_training', 'review', '-', 'reference_missing']]);
    expect(without.lines[0]!.reason.en).toContain('approved on review (decisions.csv row 2), but the rules give no amount: give the decided amount');
    const with800 = decide('zhuji', [row], [{ row: 2, program: 'project_training', verdict: 'approve', amountFen: 80000 }]);
    expect(brief(with800)).toEqual([['project_training', 'approved', '800.00', 'approved_on_review']]);
  });

  it('ZJ-01: a claim before the document (earlier standards, not in the seed) approved on review is paid the amount decided, as no cap of this text applies', () => {
    const row = cert('2020-01-05', '保育员');
    expect(brief(decide('zhuji', [row], []))).toEqual([['cert_training', 'review', '-', 'before_period']]);
    const r = decide('zhuji', [row], [{ row: 2, program: 'cert_training', verdict: 'approve', amountFen: 400000 }]);
    expect(brief(r)).toEqual([['cert_training', 'approved', '4000.00', 'approved_on_review']]);
  });

  it('ZJ-01/ZJ-06: denied on review, the training and the living allowance riding with it are refused, the rules\' reason kept', () => {
    const row = cert('2020-05-10', '电工', { groups: 'two_after;rural', training_days: '15' });
    const r = decide('zhuji', [row], [{ row: 2, program: 'cert_training', verdict: 'deny', note: '证书存疑' }]);
    expect(brief(r)).toEqual([
      ['cert_training', 'denied', '0.00', 'denied_on_review'],
      ['living_allowance', 'denied', '0.00', 'denied_on_review'],
    ]);
    expect(r.lines[0]!.reason.zh).toBe('审核不同意: 证书存疑 (decisions.csv row 2); 规则的结论为 通过: 符合条件');
  });

  it('ZJ-01: an approval does not pay what the text denies (a pensioner), and the reason says it was not taken', () => {
    const r = decide('zhuji', [cert('2020-07-01', '养老护理员', { groups: 'pensioner' })], [{ row: 2, program: 'cert_training', verdict: 'approve' }]);
    expect(brief(r)).toEqual([['cert_training', 'denied', '0.00', 'pensioner']]);
    expect(r.lines[0]!.reason.en).toContain('the approval (decisions.csv row 2) is not taken: the text denies this line');
  });

  it('ZJ-03: a row entered twice is held for review; approved on review (two trainings after all), both are paid', () => {
    const safety = { program: 'safety_training', date: '2020-04-01', certificate: 'special_operation', renewal: 'new', occupation: '电工作业' };
    expect(brief(decide('zhuji', [safety, safety], []))).toEqual([
      ['safety_training', 'approved', '500.00', 'ok'],
      ['safety_training', 'review', '500.00', 'same_claim_twice'],
    ]);
    expect(brief(decide('zhuji', [safety, safety], [{ row: 3, program: 'safety_training', verdict: 'approve' }]))).toEqual([
      ['safety_training', 'approved', '500.00', 'ok'],
      ['safety_training', 'approved', '500.00', 'approved_on_review'],
    ]);
  });

  it('ZJ-16: an occupation like one already paid (焊工 / 电焊工) approved on review is paid; denied, it is not; the yearly cap still counts it', () => {
    const rows = [cert('2020-03-01', '焊工'), cert('2020-04-01', '电焊工'), cert('2020-05-01', '茶艺师'), cert('2020-06-01', '钳工')];
    expect(brief(decide('zhuji', rows, [{ row: 3, program: 'cert_training', verdict: 'approve' }])).map((l) => l[3])).toEqual(['ok', 'approved_on_review', 'ok', 'annual_cap']);
    expect(brief(decide('zhuji', rows, [{ row: 3, program: 'cert_training', verdict: 'deny' }])).map((l) => l[3])).toEqual(['ok', 'denied_on_review', 'ok', 'ok']);
  });

  it('ZJ-04: a decision meets its row only while it is the same person and date (an ID masked by --mask-ids compared where it shows)', () => {
    const row = { program: 'entrepreneurship', date: '2020-08-01', groups: 'enterprise_employee' };
    const approve = (personId: string, date = '2020-08-01'): string => brief(decide('zhuji', [row], [{ row: 2, program: 'entrepreneurship', verdict: 'approve', personId, date }]))[0]![3];
    expect(approve(P1)).toBe('approved_on_review');
    expect(approve('330681********0015')).toBe('approved_on_review');
    expect(approve(P2)).toBe('group_not_listed');
    expect(approve('330681********0016')).toBe('group_not_listed');
    expect(approve(P1, '2020-08-02')).toBe('group_not_listed');
  });

  it('a decision meets only its own row and programme: another person\'s row, or another programme, is left as it was', () => {
    const row = { program: 'entrepreneurship', date: '2020-08-01', groups: 'enterprise_employee' };
    const r = decide('zhuji', [row, { ...row, person_id: P2 }], [{ row: 2, program: 'cert_training', verdict: 'approve' }, { row: 3, program: 'entrepreneurship', verdict: 'approve' }]);
    expect(brief(r).map((l) => l[3])).toEqual(['group_not_listed', 'approved_on_review']);
  });
});
