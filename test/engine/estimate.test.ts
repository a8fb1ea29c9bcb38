// Budget exposure: low / central / high for hand-computed plans, scenarios, and unquantified counts.
import { describe, expect, it } from 'vitest';
import { type Assumptions, type PlanCase, estimate, totals } from '../../src/engine/estimate.js';
import { applyScenario, parseSet } from '../../src/tables/scenario.js';
import { TABLES } from '../helpers.js';

const A: Assumptions = { lowShare: 0.5, takeUp: 1, passRate: 1, on: '2020-06-01' };
const plan = (program: string, planned: number, facts: Record<string, unknown> = {}): PlanCase => ({ file: 'plan.csv', row: 2, label: program, program, planned, facts: facts as PlanCase['facts'] });
const yuan = (fen: number): string => (fen / 100).toFixed(2);
const range = (rows: ReturnType<typeof estimate>, program: string): string[] => {
  const r = rows.find((x) => x.program === program)!;
  return [yuan(r.low), yuan(r.central), yuan(r.high)];
};

describe('estimate', () => {
  it('ZJ-01: 100 L4 certificate trainees at the 3500 ceiling → high 350000.00; low at the stated half share', () => {
    const rows = estimate(TABLES.get('zhuji')!, [plan('cert_training', 100, { level: 'L4' })], A);
    expect(range(rows, 'cert_training')).toEqual(['175000.00', '350000.00', '350000.00']);
  });

  it('ZJ-01: with a planned cost of 2800, low and central use it, high keeps the ceiling', () => {
    const rows = estimate(TABLES.get('zhuji')!, [plan('cert_training', 100, { level: 'L4', cost: 280000 })], A);
    expect(range(rows, 'cert_training')).toEqual(['280000.00', '280000.00', '350000.00']);
  });

  it('ZJ-10: 10 employee apprentices for 2 years → low at the 4000 floor, high at the 6000 limit', () => {
    const rows = estimate(TABLES.get('zhuji')!, [plan('apprentice_employee', 10, { years: 2 })], A);
    expect(range(rows, 'apprentice_employee')).toEqual(['80000.00', '120000.00', '120000.00']);
  });

  it('ZJ-06 companion: living allowance for 15 days is estimated alongside the training', () => {
    const rows = estimate(TABLES.get('zhuji')!, [plan('cert_training', 10, { level: 'L5', groups: ['poverty'], training_days: 15 })], A);
    expect(range(rows, 'living_allowance')).toEqual(['7500.00', '7500.00', '7500.00']);
  });

  it('HY-03: 100 safety trainees × 70 class hours → 300 each (capped) = 30000.00', () => {
    const rows = estimate(TABLES.get('hengyang')!, [plan('safety_training', 100, { certificate: 'special_operation', class_hours: 70, class_registered: true })], A);
    expect(range(rows, 'safety_training')).toEqual(['30000.00', '30000.00', '30000.00']);
  });

  it('take-up 0.8 × pass rate 0.9: 100 planned → 72 cases', () => {
    const rows = estimate(TABLES.get('zhuji')!, [plan('cert_training', 100, { level: 'L4' })], { ...A, takeUp: 0.8, passRate: 0.9 });
    expect(rows[0]!.casesX100).toBe(7200);
    expect(range(rows, 'cert_training')).toEqual(['126000.00', '252000.00', '252000.00']);
  });

  it('SZ-05 scenario +30% shortage: L3 rises from 2000 to 2600 per person', () => {
    const suzhou = TABLES.get('suzhou')!;
    const cases = [plan('skill_upgrade_individual', 10, { level: 'L3', groups: ['insured'] })];
    const base = estimate(suzhou, cases, A);
    const scen = estimate(applyScenario(suzhou, [parseSet('skill_upgrade_individual.uplift=30')]), cases, A);
    expect(range(base, 'skill_upgrade_individual')).toEqual(['20000.00', '20000.00', '20000.00']);
    expect(range(scen, 'skill_upgrade_individual')).toEqual(['26000.00', '26000.00', '26000.00']);
    expect(yuan(totals(scen).central - totals(base).central)).toBe('6000.00');
    // The same by naming the new rate directly.
    const direct = estimate(applyScenario(suzhou, [parseSet('skill_upgrade_individual.rate.L3=2600')]), cases, A);
    expect(range(direct, 'skill_upgrade_individual')).toEqual(['26000.00', '26000.00', '26000.00']);
    // And by the programme's Chinese name, as a roster may give it (parentheses, full-width or not).
    for (const name of ['参保职工技能提升补贴(个人)', '参保职工技能提升补贴（个人）']) {
      const zh = estimate(applyScenario(suzhou, [parseSet(`${name}.rate.L3=2600`)]), cases, A);
      expect(range(zh, 'skill_upgrade_individual')).toEqual(['26000.00', '26000.00', '26000.00']);
    }
  });

  it('a scenario leaves the shipped table unchanged and refuses unknown parameters', () => {
    const suzhou = TABLES.get('suzhou')!;
    applyScenario(suzhou, [parseSet('skill_upgrade_individual.uplift=30')]);
    expect(suzhou.programs.find((p) => p.id === 'skill_upgrade_individual')!.uplifts).toHaveLength(1);
    expect(() => applyScenario(suzhou, [parseSet('skill_upgrade_individual.rate.L9=1')])).toThrow(/no key "L9"/);
    expect(() => applyScenario(suzhou, [parseSet('nope.rate=1')])).toThrow(/no programme "nope": suzhou has no such programme; known: /);
    expect(() => parseSet('skill_upgrade_individual.rate')).toThrow(/expected/);
    // A unit as an analyst writes it: 元 on an amount, % on a percentage, and neither on the other.
    expect(parseSet('cert_training.rate=4000元')).toEqual(parseSet('cert_training.rate=4000'));
    expect(parseSet('skill_upgrade_individual.uplift=30%')).toEqual(parseSet('skill_upgrade_individual.uplift=30'));
    expect(() => parseSet('cert_training.rate=30%')).toThrow('--set "cert_training.rate=30%": rate is an amount in yuan, not a percentage');
    expect(() => parseSet('skill_upgrade_individual.uplift=30元')).toThrow('uplift is a percentage, not yuan');
  });

  it('SG-01: Shaoguan targets are listed as unquantified with their counts, never valued at 0 silently, saying so in both languages', () => {
    const rows = estimate(TABLES.get('shaoguan')!, [plan('home_service', 5000), plan('enterprise_training', 19200)], A);
    expect(rows.map((r) => [r.program, r.unquantifiedX100 / 100, r.high])).toEqual([['home_service', 5000, 0], ['enterprise_training', 19200, 0]]);
    expect(rows[0]!.notes.map((n) => n.en).join()).toContain('not valued');
    expect(rows[0]!.notes.map((n) => n.zh).join()).toContain('政策文本未规定金额(或未提供目录): 只计人次, 不估值: ');
  });

  it('QZ-01: 10 grand craftsmen → 1000000.00; an activity no programme pays for is unquantified', () => {
    const quzhou = TABLES.get('quzhou')!;
    const rows = estimate(quzhou, [plan('craftsman_title', 10, { title: ['grand_craftsman'] }), { ...plan('', 5000), label: '智能制造培训' }], A);
    expect(range(rows, 'craftsman_title')).toEqual(['1000000.00', '1000000.00', '1000000.00']);
    expect(rows.find((r) => r.label === '智能制造培训')!.unquantifiedX100).toBe(500000);
  });
});
