// Eligibility conditions: each test sees one fact and passes, fails, or finds the fact missing.
import type { Condition } from '../tables/schema.js';
import { FIELD_BY_NAME, valueLabel } from './fields.js';
import type { FactValue, Facts } from './types.js';

export type ConditionOutcome = { result: 'pass' } | { result: 'fail'; seen: string } | { result: 'missing'; fields: string[] };

export function checkCondition(c: Condition, facts: Facts): ConditionOutcome {
  if ('either' in c) {
    const outcomes = c.either.map((x) => checkCondition(x, facts));
    if (outcomes.some((o) => o.result === 'pass')) return { result: 'pass' };
    const missing = outcomes.flatMap((o) => (o.result === 'missing' ? o.fields : []));
    if (missing.length > 0) return applyMissing(c.if_missing, [...new Set(missing)]);
    return { result: 'fail', seen: outcomes.map((o) => (o.result === 'fail' ? o.seen : '')).join('; ') };
  }
  const value = facts[c.field];
  if (value === undefined) return applyMissing(c.if_missing, [c.field]);
  return testValue(c, value) ? { result: 'pass' } : { result: 'fail', seen: `${c.field}=${describe(value)}` };
}

function applyMissing(policy: 'review' | 'deny' | 'pass', fields: string[]): ConditionOutcome {
  if (policy === 'pass') return { result: 'pass' };
  if (policy === 'deny') return { result: 'fail', seen: `${fields.join(', ')} missing` };
  return { result: 'missing', fields };
}

function testValue(c: Exclude<Condition, { either: unknown }>, value: FactValue): boolean {
  const values = Array.isArray(value) ? value : [String(value)];
  if (c.any && !values.some((v) => c.any!.includes(v))) return false;
  if (c.all && !c.all.every((v) => values.includes(v))) return false;
  if (c.none && values.some((v) => c.none!.includes(v))) return false;
  if (c.is !== undefined && value !== c.is) return false;
  if (typeof value === 'number') {
    if (c.min !== undefined && !(value >= c.min)) return false;
    if (c.max !== undefined && !(value <= c.max)) return false;
    if (c.above !== undefined && !(value > c.above)) return false;
    if (c.below !== undefined && !(value < c.below)) return false;
  } else if (c.min !== undefined || c.max !== undefined || c.above !== undefined || c.below !== undefined) {
    return false;
  }
  if (typeof value === 'string') {
    if (c.from !== undefined && value < c.from) return false;
    if (c.to !== undefined && value > c.to) return false;
  }
  return true;
}

function describe(value: FactValue): string {
  if (Array.isArray(value)) return value.length ? value.join(';') : '(none)';
  return String(value);
}

/** Chinese label of a field, for "缺少: 培训天数" style messages. */
export function fieldLabel(name: string): { zh: string; en: string } {
  const f = FIELD_BY_NAME.get(name);
  if (f) return { zh: f.zh, en: f.en };
  if (name === 'grade') return { zh: '等级/证书', en: 'level or certificate' };
  return { zh: name, en: name };
}

/**
 * What single fact would have made a failed condition pass ("需开班备案 = 是"), where there is one.
 * None for exclusions (`none`) and for `either`, which no single answer settles.
 */
export function passHint(c: Condition): { zh: string; en: string } | undefined {
  if ('either' in c || c.none) return undefined;
  const f = fieldLabel(c.field);
  const yn = (v: boolean | string): { zh: string; en: string } =>
    typeof v === 'boolean' ? { zh: v ? '是' : '否', en: v ? 'yes' : 'no' } : { zh: valueLabel(c.field, v), en: v };
  if (c.is !== undefined) return { zh: `需 ${f.zh} = ${yn(c.is).zh}`, en: `needs ${f.en} = ${yn(c.is).en}` };
  if (c.any) return { zh: `需 ${f.zh} 为 ${c.any.map((v) => valueLabel(c.field, v)).join('/')}`, en: `needs ${f.en} to be one of ${c.any.join(', ')}` };
  if (c.all) return { zh: `需 ${f.zh} 包括 ${c.all.map((v) => valueLabel(c.field, v)).join('+')}`, en: `needs ${f.en} to include ${c.all.join(' and ')}` };
  const bound = c.min !== undefined ? ['≥', c.min] : c.max !== undefined ? ['≤', c.max] : c.above !== undefined ? ['>', c.above] : c.below !== undefined ? ['<', c.below] : c.from ? ['≥', c.from] : c.to ? ['≤', c.to] : undefined;
  return bound ? { zh: `需 ${f.zh} ${bound[0]} ${bound[1]}`, en: `needs ${f.en} ${bound[0]} ${bound[1]}` } : undefined;
}
