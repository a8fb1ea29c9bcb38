// Amount kinds: fixed, ceiling, per unit, floor-or-actual, % of a standard, steps, highest-of — each with its formula.
import type { Amount, Rate, Reason, Uplift } from '../tables/schema.js';
import { valueLabel } from './fields.js';
import { fieldLabel } from './conditions.js';
import { type Fen, formatRate, formatYuan, percentOf } from './money.js';
import type { Basis, Bilingual, Facts } from './types.js';

type Lang = 'zh' | 'en';

export type AmountResult =
  | { status: 'approved'; fen: Fen; basis: Basis; formula: Bilingual; costSpan?: CostSpan }
  | { status: 'review' | 'denied'; code: string; reason: Bilingual; exposureFen: Fen | null; formula?: Bilingual };

/**
 * The claimed costs (fen, both ends in) for which an approved amount is worked out the same way as for the cost
 * claimed: the same branches, the amount either that cost or the same sum, and the cost in the formula only as
 * the yuan it is (Y). Absent: the amount did not read the cost. Empty (lo > hi): it did, but no other cost is worked
 * out alike (a cost less a deduction). Row shapes (io/rowShapes.ts) reuse a row's lines for other costs in its span.
 */
export interface CostSpan {
  lo: Fen;
  hi: Fen;
}

/** A span that holds for no other cost (see CostSpan). */
const NO_SPAN: CostSpan = Object.freeze({ lo: 1, hi: 0 });
const ANY_COST = -Infinity;
const ALL_COSTS = Infinity;

/** The uplift chosen for a claim (the larger when several apply), or none. */
export interface AppliedUplift {
  uplift: Uplift;
  /** Other uplifts that also applied but were smaller: the output says they were not added. */
  passedOver: Uplift[];
}

export interface AmountInputs {
  facts: Facts;
  uplift?: AppliedUplift;
  /**
   * The catalogue standard for this claim (from --catalog), asked only by an amount that takes a standard and
   * only when the row gives none: the lookup reads the occupation, and a remembered outcome (memo.ts) is keyed
   * by every fact its computation read.
   */
  catalogueStandard?: () => Fen | undefined;
}

const bi = (f: (l: Lang) => string): Bilingual => ({ zh: f('zh'), en: f('en') });
const Y = (l: Lang, fen: Fen): string => (l === 'zh' ? `${formatYuan(fen)}元` : `${formatYuan(fen)} yuan`);
const R = (l: Lang, fen: Fen): string => (l === 'zh' ? `${formatRate(fen)}元` : `${formatRate(fen)} yuan`);

type Unresolved = { missing: string[] } | { unstated: Reason; label: string } | { notCovered: string; reason?: Reason };
type Resolved = { fen: Fen; label: string } | Unresolved;

/** Resolve a rate for these facts. A lookup keyed by a set-valued fact is not allowed here (use highest_of). */
export function resolveRate(rate: Rate, facts: Facts): Resolved {
  if (typeof rate === 'number') return { fen: rate, label: '' };
  const by = Array.isArray(rate.by) ? rate.by : [rate.by];
  const missing = by.filter((f) => facts[f] === undefined);
  if (missing.length) return { missing };
  const key = by.map((f) => String(facts[f])).join('.');
  const label = by.map((f) => valueLabel(f === 'grade' ? gradeField(String(facts[f])) : f, String(facts[f]))).join(' ');
  if (!(key in rate.values)) return { notCovered: label, reason: rate.not_covered };
  const v = rate.values[key];
  if (v === null || v === undefined) {
    return {
      unstated: rate.unstated ?? { code: 'amount_not_stated', zh: `文件未规定${label}的补贴金额`, en: `the text states no amount for ${label}` },
      label,
    };
  }
  return { fen: v, label };
}

const gradeField = (code: string): string => (code.startsWith('L') ? 'level' : 'certificate');

/** Apply the chosen uplift to an entitlement, with the formula fragment that explains it. */
function uplifted(fen: Fen, applied: AppliedUplift | undefined, l: Lang): { fen: Fen; text: string } {
  if (!applied) return { fen, text: '' };
  const u = applied.uplift;
  const out = percentOf(fen, 100 + u.percent);
  const others = applied.passedOver.map((o) => `${o.label[l]} +${o.percent}%`).join(', ');
  const note = others ? (l === 'zh' ? `; 另有${others}, 不叠加, 取较高者` : `; also ${others}: not added, the larger applies`) : '';
  return {
    fen: out,
    text: l === 'zh' ? ` × ${100 + u.percent}%(${u.label.zh}${note})` : ` × ${100 + u.percent}% (${u.label.en}${note})`,
  };
}

function reviewFor(r: Unresolved): AmountResult {
  if ('missing' in r) return missingFacts(r.missing);
  if ('unstated' in r) return { status: 'review', code: r.unstated.code, reason: { zh: r.unstated.zh, en: r.unstated.en }, exposureFen: null };
  return {
    status: 'denied',
    code: r.reason?.code ?? 'not_covered',
    reason: r.reason ? { zh: r.reason.zh, en: r.reason.en } : { zh: `本项目不适用于${r.notCovered}`, en: `this programme does not cover ${r.notCovered}` },
    exposureFen: null,
  };
}

export function missingFacts(fields: string[]): Extract<AmountResult, { status: 'review' | 'denied' }> {
  const zh = fields.map((f) => fieldLabel(f).zh).join('、');
  const en = fields.map((f) => fieldLabel(f).en).join(', ');
  return { status: 'review', code: 'missing_facts', reason: { zh: `缺少: ${zh}`, en: `missing: ${en}` }, exposureFen: null };
}

/** Pay a claimed cost up to a cap; with no cost claimed, pay the cap and say so. */
function capByCost(cap: Fen, capText: (l: Lang) => string, cost: Fen | undefined): AmountResult {
  if (cost === undefined) {
    return {
      status: 'approved',
      fen: cap,
      basis: 'ceiling',
      formula: bi((l) => (l === 'zh' ? `上限 ${capText(l)}, 未申报费用, 按上限 = ${Y(l, cap)}` : `cap ${capText(l)}, no cost claimed, paid at the cap = ${Y(l, cap)}`)),
    };
  }
  if (cost <= cap) {
    return {
      status: 'approved',
      fen: cost,
      basis: 'actual',
      costSpan: { lo: ANY_COST, hi: cap },
      formula: bi((l) => (l === 'zh' ? `申请 ${Y(l, cost)} ≤ 上限 ${capText(l)} = ${Y(l, cost)}` : `claimed ${Y(l, cost)} ≤ cap ${capText(l)} = ${Y(l, cost)}`)),
    };
  }
  return {
    status: 'approved',
    fen: cap,
    basis: 'ceiling',
    costSpan: { lo: cap + 1, hi: ALL_COSTS },
    formula: bi((l) => (l === 'zh' ? `申请 ${Y(l, cost)} > 上限 ${capText(l)}, 按上限 = ${Y(l, cap)}` : `claimed ${Y(l, cost)} > cap ${capText(l)}, paid at the cap = ${Y(l, cap)}`)),
  };
}

const prefix = (label: string): string => (label ? `${label}: ` : '');

/** Whether an amount asks for a catalogue standard (`catalogueStandard`) when the row gives none. */
export const takesStandard = (amount: Amount): boolean => amount.kind === 'standard';

export function computeAmount(amount: Amount, inputs: AmountInputs): AmountResult {
  const { facts, uplift } = inputs;
  const cost = facts.cost as Fen | undefined;
  switch (amount.kind) {
    case 'fixed':
    case 'ceiling': {
      const r = resolveRate(amount.rate, facts);
      if (!('fen' in r)) return reviewFor(r);
      const up = uplifted(r.fen, uplift, 'zh');
      const capText = (l: Lang): string => `${prefix(r.label)}${R(l, r.fen)}${uplifted(r.fen, uplift, l).text}`;
      // An "up to" uplift (ZJ-13 "上浮幅度不超过30%") turns a fixed amount into a ceiling.
      if (amount.kind === 'ceiling' || uplift?.uplift.up_to) return capByCost(up.fen, capText, cost);
      return { status: 'approved', fen: up.fen, basis: 'fixed', formula: bi((l) => `${capText(l)} = ${Y(l, up.fen)}`) };
    }
    case 'per_unit': {
      const r = resolveRate(amount.rate, facts);
      if (!('fen' in r)) return reviewFor(r);
      const units = facts[amount.unit];
      if (typeof units !== 'number') return missingFacts([amount.unit]);
      const paidUnits = amount.max_units !== undefined ? Math.min(units, amount.max_units) : units;
      const rate = uplifted(r.fen, uplift, 'zh').fen;
      const raw = rate * paidUnits;
      const capped = amount.cap !== undefined && raw > amount.cap;
      const entitlement = capped ? (amount.cap as Fen) : raw;
      const unitText = (l: Lang): string => {
        const u = amount.unit_label[l];
        const clip = paidUnits < units ? (l === 'zh' ? `(申报${units}${u}, 最多${amount.max_units}${u})` : ` (claimed ${units}, at most ${amount.max_units})`) : '';
        const rateText = l === 'zh' ? `${R(l, r.fen)}/${u}` : `${R(l, r.fen)}/${u}`;
        const capText = capped ? (l === 'zh' ? ` = ${Y(l, raw)} > 上限 ${R(l, amount.cap!)}` : ` = ${Y(l, raw)} > cap ${R(l, amount.cap!)}`) : '';
        return `${prefix(r.label)}${rateText}${uplifted(r.fen, uplift, l).text} × ${paidUnits}${l === 'zh' ? u : ` ${u}`}${clip}${capText}`;
      };
      if (amount.ceiling) return capByCost(entitlement, unitText, cost);
      return { status: 'approved', fen: entitlement, basis: capped || paidUnits < units ? 'per_unit_capped' : 'per_unit', formula: bi((l) => `${unitText(l)} = ${Y(l, entitlement)}`) };
    }
    case 'floor_or_actual': {
      const units = facts[amount.unit];
      if (typeof units !== 'number') return missingFacts([amount.unit]);
      const n = amount.max_units !== undefined ? Math.min(units, amount.max_units) : units;
      const floor = amount.floor * n;
      const ceiling = uplifted(amount.ceiling, uplift, 'zh').fen * n;
      const span = (l: Lang): string =>
        l === 'zh'
          ? `每${amount.unit_label.zh}不低于${R(l, amount.floor)}、不高于${R(l, amount.ceiling)} × ${n}${amount.unit_label.zh}`
          : `${R(l, amount.floor)}–${R(l, amount.ceiling)} per ${amount.unit_label.en} × ${n}`;
      if (cost !== undefined && cost < floor) {
        // ZJ-10 "低于4000元按实补贴": below the floor the actual cost is paid.
        return { status: 'approved', fen: cost, basis: 'actual', costSpan: { lo: ANY_COST, hi: floor - 1 }, formula: bi((l) => (l === 'zh' ? `${span(l)}; 实际 ${Y(l, cost)} 低于 ${Y(l, floor)}, 按实 = ${Y(l, cost)}` : `${span(l)}; actual ${Y(l, cost)} below ${Y(l, floor)}, paid as actual = ${Y(l, cost)}`)) };
      }
      const capped = capByCost(ceiling, (l) => `${span(l)} = ${Y(l, ceiling)}`, cost);
      // Reached only at or above the floor.
      return capped.status === 'approved' && capped.costSpan ? { ...capped, costSpan: { lo: Math.max(capped.costSpan.lo, floor), hi: capped.costSpan.hi } } : capped;
    }
    case 'standard': {
      const standard = (facts.standard as Fen | undefined) ?? inputs.catalogueStandard?.();
      if (standard === undefined) {
        return { status: 'review', code: amount.missing.code, reason: { zh: amount.missing.zh, en: amount.missing.en }, exposureFen: null };
      }
      let percent: number;
      let pctLabel = '';
      if (typeof amount.percent === 'number') percent = amount.percent;
      else {
        const key = facts[amount.percent.by];
        if (key === undefined) return missingFacts([amount.percent.by]);
        const p = amount.percent.values[String(key)];
        if (p === undefined) return reviewFor({ notCovered: valueLabel(amount.percent.by, String(key)) });
        percent = p;
        pctLabel = valueLabel(amount.percent.by, String(key));
      }
      let units = 1;
      if (amount.per) {
        const n = facts[amount.per.unit];
        if (typeof n !== 'number') return missingFacts([amount.per.unit]);
        units = n;
      }
      const base = percentOf(standard, percent) * units;
      const up = uplifted(base, uplift, 'zh');
      const perText = (l: Lang): string => (amount.per ? ` × ${units}${l === 'zh' ? amount.per.unit_label.zh : ` ${amount.per.unit_label.en}`}` : '');
      const text = (l: Lang): string =>
        `${prefix(pctLabel)}${l === 'zh' ? '补贴标准' : 'standard'} ${Y(l, standard)}${percent !== 100 ? ` × ${percent}%` : ''}${perText(l)}${uplifted(base, uplift, l).text}`;
      if (amount.ceiling || uplift?.uplift.up_to) return capByCost(up.fen, text, cost);
      return { status: 'approved', fen: up.fen, basis: 'standard', formula: bi((l) => `${text(l)} = ${Y(l, up.fen)}`) };
    }
    case 'steps': {
      const missing = amount.tiers.filter((t) => typeof facts[t.field] !== 'number').map((t) => t.field);
      if (missing.length === amount.tiers.length) return missingFacts(missing);
      let total = 0;
      const parts: ((l: Lang) => string)[] = [];
      for (const t of amount.tiers) {
        const count = (facts[t.field] as number | undefined) ?? 0;
        const steps = Math.floor(count / t.step);
        total += steps * t.reward;
        parts.push((l) => (l === 'zh' ? `${t.label.zh} ${count}人 ÷ ${t.step} = ${steps}档 × ${R(l, t.reward)}` : `${t.label.en} ${count} ÷ ${t.step} = ${steps} × ${R(l, t.reward)}`));
      }
      if (total === 0) {
        return { status: 'denied', code: 'below_threshold', reason: { zh: '人数未达到奖励起点', en: 'no count reaches its first step' }, exposureFen: null, formula: bi((l) => `${parts.map((p) => p(l)).join(' + ')} = ${Y(l, 0)}`) };
      }
      return { status: 'approved', fen: total, basis: 'steps', formula: bi((l) => `${parts.map((p) => p(l)).join(' + ')} = ${Y(l, total)}`) };
    }
    case 'highest_of': {
      const held = facts[amount.field];
      if (held === undefined) return missingFacts([amount.field]);
      const list = (Array.isArray(held) ? held : [String(held)]).filter((v) => v in amount.values);
      if (list.length === 0) return reviewFor({ notCovered: String(held) });
      list.sort((a, b) => (amount.values[b] as Fen) - (amount.values[a] as Fen));
      const best = list[0] as string;
      const fen = amount.values[best] as Fen;
      const rest = list.slice(1);
      return {
        status: 'approved',
        fen,
        basis: 'highest',
        formula: bi((l) => {
          const others = rest.map((v) => `${valueLabel(amount.field, v)} ${R(l, amount.values[v] as Fen)}`).join(', ');
          const tail = others ? (l === 'zh' ? ` (另有 ${others}, 就高不重复)` : ` (also ${others}: highest only, not repeated)`) : '';
          return `${l === 'zh' ? '就高' : 'highest'}: ${valueLabel(amount.field, best)} ${R(l, fen)}${tail} = ${Y(l, fen)}`;
        }),
      };
    }
    case 'actual_minus': {
      if (cost === undefined) return missingFacts(['cost']);
      const deduct = (facts[amount.deduct] as Fen | undefined) ?? 0;
      const fen = Math.max(0, cost - deduct);
      const label = fieldLabel(amount.deduct);
      return { status: 'approved', fen, basis: 'actual', costSpan: NO_SPAN, formula: bi((l) => (l === 'zh' ? `实际 ${Y(l, cost)} − ${label.zh} ${Y(l, deduct)} = ${Y(l, fen)}` : `actual ${Y(l, cost)} − ${label.en} ${Y(l, deduct)} = ${Y(l, fen)}`)) };
    }
    case 'unstated':
      return { status: 'review', code: amount.reason.code, reason: { zh: amount.reason.zh, en: amount.reason.en }, exposureFen: null };
  }
}

/** The most a line could cost, for review lines (summary "max exposure"); null where nothing bounds it. */
export function maxExposure(amount: Amount, facts: Facts): Fen | null {
  const noCost = { ...facts, cost: undefined };
  const r = computeAmount(amount, { facts: noCost });
  return r.status === 'approved' ? r.fen : null;
}
