// Which facts are still worth asking for: the missing inputs of the programmes still possible (Publicodes-style).
import type { Amount, Condition, Program, Rate, Table } from '../tables/schema.js';
import { checkCondition } from './conditions.js';
import { withDerivedFacts } from './evaluate.js';
import type { Facts } from './types.js';

export interface Need {
  field: string;
  /** Optional: the answer can change the amount but the line can be decided without it (cost, a standard, an uplift). */
  optional: boolean;
}

/** Derived facts are asked through the facts they come from. */
const SOURCES: Record<string, string[]> = { grade: ['level', 'certificate'], year: ['date'] };
const expand = (field: string): string[] => SOURCES[field] ?? [field];

function conditionNeeds(c: Condition, facts: Facts): string[] | 'fails' {
  const o = checkCondition(c, facts);
  if (o.result === 'fail') {
    // A roster's blank cell can count as "no" (if_missing: deny), but at the counter the answer may still open the
    // programme (XH-01: a non-resident who is a graduate goes to review): ask it before denying.
    const unasked = ('either' in c ? c.either : [c]).filter((l) => l.if_missing === 'deny' && facts[l.field] === undefined);
    if (unasked.length > 0) return unasked.flatMap((l) => expand(l.field));
    return c.if_fails === 'deny' ? 'fails' : [];
  }
  return o.result === 'missing' ? o.fields.flatMap(expand) : [];
}

function rateFields(rate: Rate): string[] {
  if (typeof rate === 'number') return [];
  return (Array.isArray(rate.by) ? rate.by : [rate.by]).flatMap(expand);
}

/** What an amount reads: required facts, and optional ones that can change it (a claimed cost, a standard). */
export function amountNeeds(a: Amount): Need[] {
  const req = (fields: string[]): Need[] => fields.map((field) => ({ field, optional: false }));
  const opt = (fields: string[]): Need[] => fields.map((field) => ({ field, optional: true }));
  switch (a.kind) {
    case 'fixed':
      return req(rateFields(a.rate));
    case 'ceiling':
      return [...req(rateFields(a.rate)), ...opt(['cost'])];
    case 'per_unit':
      return [...req([a.unit, ...rateFields(a.rate)]), ...opt(a.ceiling ? ['cost'] : [])];
    case 'floor_or_actual':
      return [...req([a.unit]), ...opt(['cost'])];
    case 'standard':
      return [
        ...req([...(typeof a.percent === 'number' ? [] : expand(a.percent.by)), ...(a.per ? [a.per.unit] : [])]),
        ...opt(['standard', ...(a.ceiling ? ['cost'] : [])]),
      ];
    case 'steps':
      return opt(a.tiers.map((t) => t.field));
    case 'highest_of':
      return req([a.field]);
    case 'actual_minus':
      return [...req(['cost']), ...opt([a.deduct])];
    case 'unstated':
      return [];
  }
}

/**
 * The facts a programme still needs, given what is known: nothing once a condition denies it.
 * Conditions are checked in order, so an `either` already satisfied asks nothing more.
 */
export function neededInputs(table: Table, program: Program, known: Facts): Need[] | 'denied' {
  const facts = withDerivedFacts(known);
  const needs: Need[] = [];
  const add = (field: string, optional: boolean): void => {
    if (facts[field] !== undefined) return;
    const existing = needs.find((n) => n.field === field);
    if (existing) existing.optional &&= optional;
    else needs.push({ field, optional });
  };
  add('date', false);
  if (program.subject === 'person') add('person_id', false);
  else add('name', false);
  const eligibility: string[] = [];
  for (const c of program.conditions) {
    const r = conditionNeeds(c, facts);
    if (r === 'fails') return 'denied';
    eligibility.push(...r);
  }
  eligibility.forEach((f) => add(f, false));
  // An exclusion a blank roster cell passes (ZJ-15, XH-01: not drawing a monthly pension) is still asked at the
  // counter, optionally: a roster has no one to ask, a clerk has.
  for (const c of program.conditions) if (!('either' in c) && c.if_missing === 'pass') expand(c.field).forEach((f) => add(f, true));
  // Eligibility first: no amount question while an answer may still rule the programme out.
  if (eligibility.some((f) => facts[f] === undefined)) return needs;
  for (const n of amountNeeds(program.amount)) add(n.field, n.optional);
  for (const u of program.uplifts) for (const c of u.when) {
    const r = conditionNeeds(c, facts);
    if (r !== 'fails') r.forEach((f) => add(f, true));
  }
  // A companion (e.g. a living allowance) is only claimed when its facts are given: ask them, optionally.
  for (const id of program.companions) {
    const companion = table.programs.find((p) => p.id === id);
    const r = companion ? neededInputs(table, companion, known) : 'denied';
    if (r !== 'denied') r.forEach((n) => add(n.field, true));
  }
  // Limits compare occupation and level: worth knowing for any programme a limit counts.
  if (table.limits.some((l) => l.kind === 'no_repeat' && l.programs.includes(program.id))) add('occupation', true);
  return needs;
}

/** Programmes a person can claim directly: person programmes that are not only ever companions of another. */
export function screenablePrograms(table: Table): Program[] {
  const companions = new Set(table.programs.flatMap((p) => p.companions));
  return table.programs.filter((p) => p.subject === 'person' && !companions.has(p.id));
}
