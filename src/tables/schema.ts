// Rate-table schema (zod): what a jurisdiction's data file may say. Yuan in the file become fen here.
import { z } from 'zod';
import { FIELD_BY_NAME, LEVELS, isKnownField, normaliseToken, suggestField } from '../engine/fields.js';
import { yuanToFen } from '../engine/money.js';

const text = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date written YYYY-MM-DD');
const clauseId = z.string().regex(/^[A-Z]{2}-\d{2}$/, 'expected a clause ID like ZJ-01');
const fieldName = z.string().superRefine((name, ctx) => {
  if (isKnownField(name)) return;
  // A misspelt field (levle) is named with the one it is closest to, as a misspelt roster header is.
  const near = suggestField(name);
  ctx.addIssue({ code: 'custom', message: `unknown field${near ? ` (${near}?)` : ''} (see the roster columns in README)` });
});
const reasonCode = z.string().regex(/^[a-z][a-z0-9_]*$/, 'reason codes are snake_case');

/** A yuan amount in the file (at most two decimals), held as fen. */
const yuan = z
  .number()
  .nonnegative()
  .refine((v) => yuanToFen(v) !== undefined, 'yuan amounts have at most two decimals')
  .transform((v) => yuanToFen(v) as number);

export const reasonSchema = z.object({ code: reasonCode, zh: z.string().min(1), en: z.string().min(1) }).strict();

const missingPolicy = z.enum(['review', 'deny', 'pass']).default('review');
/** A failed test denies, unless the text leaves the case open ("…等人员"): then the claim goes to review. */
const failPolicy = z.enum(['deny', 'review']).default('deny');

/** One test on one fact. Thresholds follow Civil Code art. 1259: min/max include the number, above/below exclude it. */
const leafCondition = z
  .object({
    field: fieldName,
    any: z.array(z.string()).min(1).optional(),
    all: z.array(z.string()).min(1).optional(),
    none: z.array(z.string()).min(1).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    above: z.number().optional(),
    below: z.number().optional(),
    is: z.union([z.boolean(), z.string()]).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    if_missing: missingPolicy,
    if_fails: failPolicy,
    reason: reasonSchema,
    clause: clauseId.optional(),
  })
  .strict()
  .refine(
    (c) => ['any', 'all', 'none', 'min', 'max', 'above', 'below', 'is', 'from', 'to'].some((k) => k in c),
    'a condition needs a test: any, all, none, min, max, above, below, is, from or to',
  );

/** Passes when at least one of its conditions passes. */
const eitherCondition = z
  .object({
    either: z.array(leafCondition).min(2),
    if_missing: missingPolicy,
    if_fails: failPolicy,
    reason: reasonSchema,
    clause: clauseId.optional(),
  })
  .strict();

export const conditionSchema = z.union([leafCondition, eitherCondition]);

/** A rate: one amount, or amounts looked up by one or more facts (keys joined with "."). null = the text names the case but states no amount. */
const lookup = z
  .object({
    by: z.union([fieldName, z.array(fieldName).min(2)]),
    values: z.record(z.string(), yuan.nullable()),
    unstated: reasonSchema.optional(),
    not_covered: reasonSchema.optional(),
  })
  .strict();
export const rateSchema = z.union([yuan, lookup], {
  // Left out altogether, zod says only "Invalid input": say what a rate is.
  error: (issue) => (issue.input === undefined ? 'required: an amount in yuan, or a lookup (by: a field, values: { key: yuan })' : undefined),
});

const unitLabel = text;

const amountSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fixed'), rate: rateSchema }).strict(),
  // "不超过 / 最高": pay the claimed cost up to the cap; no cost claimed → the cap, and the line says so.
  z.object({ kind: z.literal('ceiling'), rate: rateSchema }).strict(),
  z
    .object({
      kind: z.literal('per_unit'),
      unit: fieldName,
      unit_label: unitLabel,
      rate: rateSchema,
      max_units: z.number().int().positive().optional(),
      cap: yuan.optional(),
      ceiling: z.boolean().default(false),
    })
    .strict(),
  // ZJ-10: below the floor pay actual cost, otherwise the cost up to the ceiling, per unit.
  z
    .object({
      kind: z.literal('floor_or_actual'),
      unit: fieldName,
      unit_label: unitLabel,
      floor: yuan,
      ceiling: yuan,
      max_units: z.number().int().positive().optional(),
    })
    .strict(),
  // A percentage of a catalogue/reference standard the claim or a --catalog file supplies.
  z
    .object({
      kind: z.literal('standard'),
      percent: z.union([z.number().positive(), z.object({ by: fieldName, values: z.record(z.string(), z.number().positive()) }).strict()]).default(100),
      ceiling: z.boolean().default(false),
      /** The standard is per unit (SZ-14: a monthly standard × months). */
      per: z.object({ unit: fieldName, unit_label: text }).strict().optional(),
      missing: reasonSchema,
    })
    .strict(),
  z
    .object({
      kind: z.literal('steps'),
      tiers: z.array(z.object({ field: fieldName, step: z.number().int().positive(), reward: yuan, label: text }).strict()).min(1),
    })
    .strict(),
  // "就高不重复": several qualifying values, the highest is paid once.
  z.object({ kind: z.literal('highest_of'), field: fieldName, values: z.record(z.string(), yuan) }).strict(),
  z.object({ kind: z.literal('actual_minus'), deduct: fieldName }).strict(),
  z.object({ kind: z.literal('unstated'), reason: reasonSchema }).strict(),
]);

const upliftSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9_]+$/),
    percent: z.number().positive(),
    when: z.array(conditionSchema).min(1),
    label: text,
    clause: clauseId,
    /** The text says "up to" this uplift: the uplifted figure is a ceiling, never a floor. */
    up_to: z.boolean().default(false),
    to: isoDate.optional(),
  })
  .strict();

const programSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9_]+$/, 'programme ids are lower-case letters, digits and _'),
    name: text,
    payee: z.enum(['individual', 'enterprise', 'provider', 'unit']),
    subject: z.enum(['person', 'unit']).default('person'),
    clauses: z.array(clauseId).min(1),
    section: z.string().min(1),
    quote: z.string().min(1),
    note: z.string().optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    conditions: z.array(conditionSchema).default([]),
    amount: amountSchema,
    uplifts: z.array(upliftSchema).default([]),
    combine_uplifts: z.literal('larger').default('larger'),
    companions: z.array(z.string()).default([]),
  })
  .strict();

/** Facts a cross-record limit can compare lines on (they are carried on every line). */
const limitKey = z.enum(['occupation', 'level', 'year']);

const limitSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('annual_cap'), max: z.number().int().positive(), programs: z.array(z.string()).min(1), clause: clauseId }).strict(),
  z.object({ kind: z.literal('no_repeat'), key: z.array(limitKey).min(1), programs: z.array(z.string()).min(1), clause: clauseId }).strict(),
  z.object({ kind: z.literal('once_ever'), programs: z.array(z.string()).min(1), clause: clauseId }).strict(),
  // "就高不重复" across rows: of one person's lines of these programmes, only the largest is paid (QZ-01).
  z.object({ kind: z.literal('highest_only'), programs: z.array(z.string()).min(1), clause: clauseId, reason: text }).strict(),
  z
    .object({
      kind: z.literal('not_combined'),
      programs: z.array(z.string()).min(2),
      same: z.array(limitKey).default([]),
      clause: clauseId,
      reason: text,
    })
    .strict(),
]);

const documentSchema = z
  .object({
    number: z.string().nullable(),
    title: z.string().min(1),
    issued: isoDate.nullable(),
    valid_from: isoDate.nullable(),
    valid_to: isoDate.nullable(),
    period_note: z.string().optional(),
    status: z.enum(['final', 'draft']),
    seed: z.string().min(1),
    /** What happens to a claim dated before valid_from (ZJ: earlier standards apply → review). */
    before_period: z.enum(['deny', 'review']).default('deny'),
    before_period_reason: text.optional(),
  })
  .strict();

export const tableSchema = z
  .object({
    code: z.string().regex(/^[a-z][a-z0-9_]*$/, 'jurisdiction codes are lower-case letters, digits and _'),
    name: text,
    document: documentSchema,
    programs: z.array(programSchema).min(1),
    limits: z.array(limitSchema).default([]),
  })
  .strict()
  .superRefine((t, ctx) => {
    const ids = new Set<string>();
    t.programs.forEach((p, i) => {
      if (ids.has(p.id)) ctx.addIssue({ code: 'custom', path: ['programs', i, 'id'], message: `duplicate programme id "${p.id}"` });
      ids.add(p.id);
    });
    // A roster's programme cell may give the Chinese name instead of the id (findProgram): it must name one programme.
    const zhNames = new Map<string, string>();
    t.programs.forEach((p, i) => {
      const key = normaliseToken(p.name.zh);
      const other = zhNames.get(key);
      if (other !== undefined) ctx.addIssue({ code: 'custom', path: ['programs', i, 'name', 'zh'], message: `Chinese name "${p.name.zh}" is also programme "${other}"'s: a roster naming it would be ambiguous` });
      else zhNames.set(key, p.id);
    });
    t.programs.forEach((p, i) =>
      p.companions.forEach((c, j) => {
        if (!ids.has(c)) ctx.addIssue({ code: 'custom', path: ['programs', i, 'companions', j], message: `unknown programme "${c}"` });
      }),
    );
    t.limits.forEach((l, i) =>
      l.programs.forEach((p, j) => {
        if (!ids.has(p)) ctx.addIssue({ code: 'custom', path: ['limits', i, 'programs', j], message: `unknown programme "${p}"` });
      }),
    );
    t.programs.forEach((p, i) => checkLookupKeys(p.amount, ['programs', i, 'amount'], ctx));
  });

/** Keys of a lookup must be values the roster can produce for that field, so a typo cannot silently never match. */
function checkLookupKeys(amount: z.infer<typeof amountSchema>, path: (string | number)[], ctx: z.RefinementCtx): void {
  const rate = 'rate' in amount ? amount.rate : undefined;
  const tables: { by: string[]; keys: string[]; at: (string | number)[] }[] = [];
  if (rate !== undefined && typeof rate !== 'number') {
    tables.push({ by: Array.isArray(rate.by) ? rate.by : [rate.by], keys: Object.keys(rate.values), at: [...path, 'rate', 'values'] });
  }
  if (amount.kind === 'highest_of') tables.push({ by: [amount.field], keys: Object.keys(amount.values), at: [...path, 'values'] });
  if (amount.kind === 'standard' && typeof amount.percent !== 'number') {
    tables.push({ by: [amount.percent.by], keys: Object.keys(amount.percent.values), at: [...path, 'percent', 'values'] });
  }
  for (const t of tables) {
    for (const key of t.keys) {
      const parts = key.split('.');
      if (parts.length !== t.by.length) {
        ctx.addIssue({ code: 'custom', path: [...t.at, key], message: `key "${key}" needs ${t.by.length} part(s) joined by "."` });
        continue;
      }
      parts.forEach((part, k) => {
        const allowed = allowedCodes(t.by[k] as string);
        if (allowed && !allowed.includes(part)) {
          ctx.addIssue({ code: 'custom', path: [...t.at, key], message: `"${part}" is not a value of ${t.by[k]} (allowed: ${allowed.join(', ')})` });
        }
      });
    }
  }
}

export function allowedCodes(field: string): string[] | undefined {
  if (field === 'grade') {
    const certs = FIELD_BY_NAME.get('certificate')?.values ?? [];
    return [...LEVELS.map((l) => l.code), ...certs.map((c) => c.code)];
  }
  return FIELD_BY_NAME.get(field)?.values?.map((v) => v.code);
}

export type Table = z.output<typeof tableSchema>;
export type Program = Table['programs'][number];
export type Amount = Program['amount'];
export type Condition = z.output<typeof conditionSchema>;
export type Rate = z.output<typeof rateSchema>;
export type Uplift = Program['uplifts'][number];
export type Limit = Table['limits'][number];
export type Reason = z.output<typeof reasonSchema>;
export type Text = { zh: string; en: string };
