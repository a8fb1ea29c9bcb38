// Rejects counted by column and reason code: what a run's closing lines say its rejects.csv holds.
import type { Table } from '../tables/schema.js';
import { findProgram, type Reject } from './intake.js';
import type { Bilingual } from './types.js';

/**
 * Problems by `${column}\t${code}` (a row may have several: each is counted). Plain data: chunks hand it back.
 * Unknown programmes are also counted per jurisdiction, `program\tunknown_program\t${jurisdiction}`, and by value,
 * `…\t${jurisdiction}\t${value}` (wrongJurisdiction reads them; rejectKinds leaves them out): a roster read under the
 * wrong jurisdiction names another table's programmes.
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
 * finding, to be said after the rejects.
 */
export function wrongJurisdiction(counts: RejectCounts, tables: ReadonlyMap<string, Table>): Bilingual[] {
  const byJurisdiction = new Map<string, Map<string, number>>();
  for (const [key, n] of Object.entries(counts)) {
    const parts = key.split('\t');
    if (parts.length !== 4 || parts[1] !== 'unknown_program') continue;
    const values = byJurisdiction.get(parts[2]!) ?? new Map<string, number>();
    values.set(parts[3]!, n);
    byJurisdiction.set(parts[2]!, values);
  }
  const found: Bilingual[] = [];
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
    found.push({
      zh: `${rows} 行的补贴项目 ${code} 没有, ${all ? '都' : '多数'}是 ${t.code} (${t.name.zh}) 的项目 (${top}): 地区是否弄错了? 请核对 -j 或地区列`,
      en: `${rows} row(s) name a programme ${code} does not have; ${all ? 'all' : 'most'} of them are programmes of ${t.code} (${t.name.zh}) (${top}): is the jurisdiction right? Check -j or the 地区 column`,
    });
  }
  return found;
}
