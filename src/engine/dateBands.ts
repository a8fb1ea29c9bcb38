// The dates a table tells apart: the ISO dates it names and the year. Claims alike but for a date in the same band decide alike.
import type { Table } from '../tables/schema.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The rules compare a claim's date only with dates the table names (validity, programme windows, uplift ends,
 * conditions on the date) and read its year; so two dates the table cannot tell apart are the same year and lie
 * on the same side of (or on) every date it names. This numbers that band: the year, times the number of places
 * among the table's n dates (2n + 1), plus the place (2k for between the k-th and (k+1)-th, 2k + 1 for on the
 * (k+1)-th). A text that quotes the date itself (a "date 2018-05-01 is before …" reason) is the caller's
 * to notice: the band does not hold it.
 */
export function dateBands(table: Table): (isoDate: string) => number {
  const named = [...datesIn(table, new Set())].sort();
  const places = 2 * named.length + 1;
  // Rows repeat a few thousand dates: each is banded once.
  const seen = new Map<string, number>();
  return (date) => {
    const known = seen.get(date);
    if (known !== undefined) return known;
    let lo = 0;
    let hi = named.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (named[mid]! < date) lo = mid + 1;
      else hi = mid;
    }
    const band = Number(date.slice(0, 4)) * places + 2 * lo + (named[lo] === date ? 1 : 0);
    if (seen.size < 100_000) seen.set(date, band);
    return band;
  };
}

/** Every string in the table (values and keys, however deep) written as a date. */
function datesIn(value: unknown, into: Set<string>): Set<string> {
  if (typeof value === 'string') {
    if (ISO_DATE.test(value)) into.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) datesIn(v, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (ISO_DATE.test(k)) into.add(k);
      datesIn(v, into);
    }
  }
  return into;
}
