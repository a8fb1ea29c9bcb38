// Rejects counted by column and reason code: what a run's closing lines say its rejects.csv holds.
import type { Reject } from './intake.js';

/** Problems by `${column}\t${code}` (a row may have several: each is counted). Plain data: chunks hand it back. */
export type RejectCounts = Record<string, number>;

export function countReject(counts: RejectCounts, r: Pick<Reject, 'column' | 'code'>): void {
  const key = `${r.column}\t${r.code}`;
  counts[key] = (counts[key] ?? 0) + 1;
}

export function mergeRejectCounts(parts: readonly RejectCounts[]): RejectCounts {
  const all: RejectCounts = {};
  for (const part of parts) for (const [key, n] of Object.entries(part)) all[key] = (all[key] ?? 0) + n;
  return all;
}

/** Every kind of problem, most frequent first (ties by column and code, so every run says the same). */
export function rejectKinds(counts: RejectCounts): { column: string; code: string; count: number }[] {
  return Object.entries(counts)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, count]) => {
      const [column, code] = key.split('\t') as [string, string];
      return { column, code, count };
    });
}
