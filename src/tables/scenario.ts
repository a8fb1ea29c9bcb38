// What-if scenarios: change a programme's rates in a copy of its table (`--set programme.parameter=value`).
import { BilingualError } from '../engine/bilingualError.js';
import { findProgram, unknownProgram } from '../engine/intake.js';
import { yuanToFen } from '../engine/money.js';
import type { Program, Table } from './schema.js';

export interface ScenarioChange {
  program: string;
  parameter: string;
  value: number;
}

export class ScenarioError extends BilingualError {}

export const PARAMETERS = 'rate, rate.<key>, cap, floor, ceiling, max_units, percent, uplift';

/**
 * "skill_upgrade_individual.rate.L3=2600" → { program, parameter: "rate.L3", value: 2600 }. The programme may be
 * named as rosters may name it, by its Chinese name ("参保职工技能提升补贴(个人).uplift=30"): the parameter is found
 * from the end, as a name may hold any character.
 */
export function parseSet(text: string): ScenarioChange {
  // The number may carry its unit as an analyst writes it: 4000元 for an amount, 30% for a percentage.
  const m = /^(.+?)\.(rate(?:\.[A-Za-z0-9_]+)?|[a-z_]+)=(\d+(?:\.\d+)?)(元|%)?$/.exec(text.trim());
  if (!m) throw new ScenarioError(`--set "${text}": expected <programme>.<parameter>=<number>, parameters: ${PARAMETERS}`, `--set "${text}": 应为 <补贴项目>.<参数>=<数值>, 参数: ${PARAMETERS}`);
  const percent = m[2] === 'uplift' || m[2] === 'percent';
  if ((m[4] === '%' && !percent) || (m[4] === '元' && (percent || m[2] === 'max_units'))) {
    throw new ScenarioError(
      `--set "${text}": ${m[2]} is ${percent ? 'a percentage' : m[2] === 'max_units' ? 'a count' : 'an amount in yuan'}, not ${m[4] === '%' ? 'a percentage' : 'yuan'}`,
      `--set "${text}": ${m[2]} 是${percent ? '百分比' : m[2] === 'max_units' ? '数量' : '以元计的金额'}, 不是${m[4] === '%' ? '百分比' : '元'}`,
    );
  }
  return { program: m[1]!, parameter: m[2]!, value: Number(m[3]) };
}

function fen(change: ScenarioChange): number {
  const v = yuanToFen(change.value);
  if (v === undefined) throw new ScenarioError(`${change.program}.${change.parameter}: ${change.value} is not an amount in yuan with at most two decimals`, `${change.program}.${change.parameter}: ${change.value} 不是最多两位小数的元金额`);
  return v;
}

function apply(p: Program, c: ScenarioChange): void {
  const a = p.amount as Record<string, unknown> & Program['amount'];
  const fail = (why: string, whyZh: string): never => {
    throw new ScenarioError(`${c.program}.${c.parameter}: ${why} (amount kind ${a.kind}; parameters: ${PARAMETERS})`, `${c.program}.${c.parameter}: ${whyZh} (金额类型 ${a.kind}; 参数: ${PARAMETERS})`);
  };
  if (c.parameter === 'uplift') {
    // An unconditional uplift for the scenario; like every uplift it does not add to others — the larger applies.
    p.uplifts.push({ id: 'scenario', percent: c.value, when: [], label: { zh: `情景上浮${c.value}%`, en: `scenario +${c.value}%` }, clause: p.clauses[0]!, up_to: false });
    return;
  }
  if (c.parameter === 'rate' || c.parameter.startsWith('rate.')) {
    if (!('rate' in a)) fail('this amount has no rate', '此金额没有 rate (标准)');
    const rate = a.rate as number | { values: Record<string, number | null> };
    if (c.parameter === 'rate') {
      if (typeof rate !== 'number') fail('the rate is a lookup: name the key, e.g. rate.L3', 'rate 按键查表: 请写出键, 如 rate.L3');
      a.rate = fen(c);
      return;
    }
    const key = c.parameter.slice('rate.'.length);
    if (typeof rate === 'number' || !(key in rate.values)) fail(`no key "${key}" in the rate`, `rate 中没有键"${key}"`);
    (rate as { values: Record<string, number | null> }).values[key] = fen(c);
    return;
  }
  if (c.parameter === 'cap' && a.kind === 'per_unit') return void (a.cap = fen(c));
  if ((c.parameter === 'floor' || c.parameter === 'ceiling') && a.kind === 'floor_or_actual') return void (a[c.parameter] = fen(c));
  if (c.parameter === 'max_units' && (a.kind === 'per_unit' || a.kind === 'floor_or_actual')) return void (a.max_units = c.value);
  if (c.parameter === 'percent' && a.kind === 'standard') return void (a.percent = c.value);
  fail('not a parameter of this amount', '不是此金额的参数');
}

export function applyScenario(table: Table, changes: ScenarioChange[]): Table {
  const copy = structuredClone(table);
  for (const c of changes) {
    const p = findProgram(copy, c.program);
    if (!p) {
      const why = unknownProgram(table, c.program);
      throw new ScenarioError(`--set: no programme "${c.program}": ${why.en}`, `--set: 没有补贴项目"${c.program}": ${why.zh}`);
    }
    apply(p, c);
  }
  return copy;
}
