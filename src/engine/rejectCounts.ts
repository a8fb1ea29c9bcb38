// Rejects counted by column and reason code: what a run's closing lines say its rejects.csv holds.
import type { Table } from '../tables/schema.js';
import { closestPrograms } from './closestProgram.js';
import { findProgram, findTable, type IntakeOptions, type Reject } from './intake.js';
import type { Bilingual } from './types.js';

/**
 * Problems by `${column}\t${code}` (a row may have several: each is counted). Plain data: chunks hand it back.
 * Unknown programmes are also counted per jurisdiction, `program\tunknown_program\t${jurisdiction}`, and by value,
 * `…\t${jurisdiction}\t${value}` (unknownProgramHints reads them; rejectKinds leaves them out): a roster read under the
 * wrong jurisdiction names another table's programmes, and an office's short names are close to the table's own.
 */
export type RejectCounts = Record<string, number>;

/** Distinct unknown programme values a part counts, at most: a column of names taken for programmes stays small. */
const UNKNOWN_VALUES = 200;
const distinctValues = new WeakMap<RejectCounts, number>();

export function countReject(counts: RejectCounts, r: Pick<Reject, 'column' | 'code' | 'value'>, jurisdiction?: string): void {
  const key = `${r.column}\t${r.code}`;
  counts[key] = (counts[key] ?? 0) + 1;
  if (r.code !== 'unknown_program' || jurisdiction === undefined) return;
  const rows = `${key}\t${jurisdiction}`;
  counts[rows] = (counts[rows] ?? 0) + 1;
  const byValue = `${rows}\t${r.value.replace(/\t/g, ' ')}`;
  if (counts[byValue] !== undefined) counts[byValue]++;
  else {
    const distinct = distinctValues.get(counts) ?? 0;
    if (distinct >= UNKNOWN_VALUES) return;
    distinctValues.set(counts, distinct + 1);
    counts[byValue] = 1;
  }
}

/**
 * The jurisdiction a reject is counted under besides its column and code (countReject): an unknown programme's, the
 * table the row's jurisdiction cell (or -j) names; none for any other reject.
 */
export function rejectJurisdiction(x: Pick<Reject, 'code'>, cells: ReadonlyMap<string, string>, options: IntakeOptions): string | undefined {
  // Read under the wrong jurisdiction, a roster names another's programmes (unknownProgramHints).
  return x.code === 'unknown_program' ? findTable(options.tables, cells.get('jurisdiction') ?? options.defaultJurisdiction ?? '')?.code : undefined;
}

export function mergeRejectCounts(parts: readonly RejectCounts[]): RejectCounts {
  const all: RejectCounts = {};
  for (const part of parts) for (const [key, n] of Object.entries(part)) all[key] = (all[key] ?? 0) + n;
  return all;
}

/** Every kind of problem, most frequent first (ties by column and code, so every run says the same). */
export function rejectKinds(counts: RejectCounts): { column: string; code: string; count: number }[] {
  return Object.entries(counts)
    .filter(([key]) => key.indexOf('\t') === key.lastIndexOf('\t'))
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, count]) => {
      const [column, code] = key.split('\t') as [string, string];
      return { column, code, count };
    });
}

/**
 * Where a jurisdiction's rows name programmes it does not have, and another table has nearly all of them (at least
 * 9 in 10, and 3 rows or more): the roster was read under the wrong jurisdiction (-j, or its 地区 column). Each such
 * finding, by the jurisdiction the rows were read under.
 */
function wrongJurisdiction(counts: RejectCounts, tables: ReadonlyMap<string, Table>, byJurisdiction: Map<string, Map<string, number>>): Map<string, Bilingual> {
  const found = new Map<string, Bilingual>();
  for (const [code, values] of byJurisdiction) {
    const rows = counts[`program\tunknown_program\t${code}`] ?? 0;
    const counted = [...values.values()].reduce((a, b) => a + b, 0);
    let best: { table: Table; rows: number } | undefined;
    for (const t of tables.values()) {
      if (t.code === code) continue;
      let known = 0;
      for (const [v, n] of values) if (findProgram(t, v)) known += n;
      if (!best || known > best.rows) best = { table: t, rows: known };
    }
    if (!best || best.rows < 3 || best.rows * 10 < counted * 9) continue;
    const named = [...values].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const top = named.slice(0, 3).map(([v, n]) => `${v} ${n}`).join(', ') + (named.length > 3 ? ', …' : '');
    const all = best.rows === counted;
    const t = best.table;
    found.set(code, {
      zh: `${rows} 行的补贴项目 ${code} 没有, ${all ? '都' : '多数'}是 ${t.code} (${t.name.zh}) 的项目 (${top}): 地区是否弄错了? 请核对 -j 或地区列`,
      en: `${rows} row(s) name a programme ${code} does not have; ${all ? 'all' : 'most'} of them are programmes of ${t.code} (${t.name.zh}) (${top}): is the jurisdiction right? Check -j or the 地区 column`,
    });
  }
  return found;
}

/** How many unknown programme values the closing lines pair with the programmes they are closest to. */
const MISNAMED_SHOWN = 3;

/**
 * What a run's unknown programmes most likely are, to be said after the rejects: per jurisdiction, the roster read
 * under the wrong one (wrongJurisdiction), or else its commonest unknown values that are close to one of its
 * programmes (an office's short name, 职业资格培训补贴 30 → cert_training or project_training: closestPrograms), to
 * be replaced by the id or the full Chinese name. Hints only: no row is read as the programme it is close to.
 */
export function unknownProgramHints(counts: RejectCounts, tables: ReadonlyMap<string, Table>): Bilingual[] {
  const byJurisdiction = new Map<string, Map<string, number>>();
  for (const [key, n] of Object.entries(counts)) {
    const parts = key.split('\t');
    if (parts.length !== 4 || parts[1] !== 'unknown_program') continue;
    const values = byJurisdiction.get(parts[2]!) ?? new Map<string, number>();
    values.set(parts[3]!, n);
    byJurisdiction.set(parts[2]!, values);
  }
  const wrong = wrongJurisdiction(counts, tables, byJurisdiction);
  const hints: Bilingual[] = [];
  for (const [code, values] of [...byJurisdiction].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const found = wrong.get(code);
    if (found) {
      hints.push(found);
      continue;
    }
    const table = tables.get(code);
    if (!table) continue;
    const named = [...values]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([value, n]) => ({ value, n, close: closestPrograms(table, value).map((p) => p.id) }))
      .filter((v) => v.close.length)
      .slice(0, MISNAMED_SHOWN);
    for (const v of named) {
      hints.push({
        zh: `${code}: 补贴项目「${v.value}」(${v.n} 行) 最接近 ${v.close.join(' 或 ')}: 请改用项目代码或完整中文名称 (见 subsidy tables show ${code})`,
        en: `${code}: the programme "${v.value}" (${v.n} row(s)) is closest to ${v.close.join(' or ')}: write its id or its full Chinese name (see subsidy tables show ${code})`,
      });
    }
  }
  return hints;
}
