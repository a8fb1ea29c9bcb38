// Readable one-line descriptions of amounts, conditions and limits, for `tables show` (and a limit's rule for estimate).
import { valueLabel } from '../engine/fields.js';
import { formatRate } from '../engine/money.js';
import type { Bilingual } from '../engine/types.js';
import type { Amount, Condition, Limit, Rate } from './schema.js';

const y = (fen: number): string => `${formatRate(fen)}元`;

function rate(r: Rate): string {
  if (typeof r === 'number') return y(r);
  const by = Array.isArray(r.by) ? r.by : [r.by];
  const label = (key: string): string => key.split('.').map((k, i) => valueLabel(by[i] === 'grade' ? (k.startsWith('L') ? 'level' : 'certificate') : by[i]!, k)).join(' ');
  return Object.entries(r.values).map(([k, v]) => `${label(k)} ${v === null ? '未规定→review' : y(v)}`).join('; ');
}

export function describeAmount(a: Amount): string {
  switch (a.kind) {
    case 'fixed': return `fixed ${rate(a.rate)}`;
    case 'ceiling': return `ceiling (不超过) ${rate(a.rate)}`;
    case 'per_unit': return `${rate(a.rate)} per ${a.unit_label.zh}${a.max_units ? `, at most ${a.max_units}${a.unit_label.zh}` : ''}${a.cap !== undefined ? `, cap ${y(a.cap)}` : ''}${a.ceiling ? ' (ceiling on cost)' : ''}`;
    case 'floor_or_actual': return `per ${a.unit_label.zh}: actual below ${y(a.floor)}, else up to ${y(a.ceiling)}${a.max_units ? `, at most ${a.max_units}${a.unit_label.zh}` : ''}`;
    case 'standard': {
      const p = a.percent;
      const pct = typeof p === 'number' ? `${p}%` : Object.entries(p.values).map(([k, v]) => `${valueLabel(p.by, k)} ${v}%`).join('; ');
      return `${pct} of the catalogue/reference standard${a.per ? ` per ${a.per.unit_label.zh}` : ''}${a.ceiling ? ' (ceiling)' : ''}; none supplied → review`;
    }
    case 'steps': return a.tiers.map((t) => `${y(t.reward)} per ${t.step} ${t.label.zh}`).join(' + ');
    case 'highest_of': return `highest of: ${Object.entries(a.values).map(([k, v]) => `${valueLabel(a.field, k)} ${y(v)}`).join('; ')}`;
    case 'actual_minus': return `actual cost minus ${a.deduct}`;
    case 'unstated': return `not stated in the text → review (${a.reason.code})`;
  }
}

export function describeCondition(c: Condition): string {
  if ('either' in c) return `either: ${c.either.map(describeCondition).join(' | ')}`;
  const parts: string[] = [];
  const v = (xs: string[]): string => xs.map((x) => valueLabel(c.field, x)).join('/');
  if (c.any) parts.push(`${c.field} ∈ ${v(c.any)}`);
  if (c.all) parts.push(`${c.field} ⊇ ${v(c.all)}`);
  if (c.none) parts.push(`${c.field} ∌ ${v(c.none)}`);
  if (c.min !== undefined) parts.push(`${c.field} ≥ ${c.min}`);
  if (c.max !== undefined) parts.push(`${c.field} ≤ ${c.max}`);
  if (c.above !== undefined) parts.push(`${c.field} > ${c.above}`);
  if (c.below !== undefined) parts.push(`${c.field} < ${c.below}`);
  if (c.is !== undefined) parts.push(`${c.field} = ${String(c.is)}`);
  if (c.from) parts.push(`${c.field} ≥ ${c.from}`);
  if (c.to) parts.push(`${c.field} ≤ ${c.to}`);
  const tail = c.if_fails === 'review' ? ' (else review)' : '';
  return parts.join(', ') + tail;
}

export function describeLimit(l: Limit): string {
  const on = `on ${l.programs.join(', ')}`;
  switch (l.kind) {
    case 'annual_cap': return `at most ${l.max} per person per calendar year ${on} (${l.clause})`;
    case 'no_repeat': return `same ${l.key.join('+')} not twice ${on} (${l.clause})${l.key.includes('occupation') ? '; an occupation holding one already paid (焊工 / 电焊工): review' : ''}`;
    case 'once_ever': return `once per person ever ${on} (${l.clause})`;
    case 'highest_only': return `only the highest is paid ${on} (${l.clause})`;
    case 'not_combined': return `not combined, the larger is paid${l.same.length ? ` (same ${l.same.join('+')})` : ''} ${on} (${l.clause})`;
  }
}

const LIMIT_KEYS_ZH: Record<string, string> = { occupation: '职业', level: '等级', year: '年度' };

/** What a limit allows, in a few words in each language (without its programmes or clause). */
export function limitRule(l: Limit): Bilingual {
  switch (l.kind) {
    case 'annual_cap': return { en: `at most ${l.max} per person per calendar year`, zh: `每人每年最多 ${l.max} 次` };
    case 'no_repeat': return { en: `not twice for the same ${l.key.join(' and ')}`, zh: `同一${l.key.map((k) => LIMIT_KEYS_ZH[k]).join('和')}不重复` };
    case 'once_ever': return { en: 'once per person ever', zh: '每人限一次' };
    case 'highest_only': return { en: 'only the highest is paid', zh: '就高不重复' };
    case 'not_combined': return { en: 'not combined, the larger is paid', zh: '不可重复享受, 按高者' };
  }
}
