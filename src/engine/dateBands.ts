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
  // As numbers (2021-03-01 → 20210301), which order as the ISO texts do: a binary search over a few dozen of them
  // costs less than a cache of the dates met (a Map lookup there was ~0.4 µs a row: its entries fell out of the
  // processor's caches between rows).
  const named = Int32Array.from([...datesIn(table, new Set())].map(dayNumber)).sort();
  const places = 2 * named.length + 1;
  return (date) => {
    const day = dayNumber(date);
    let lo = 0;
    let hi = named.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (named[mid]! < day) lo = mid + 1;
      else hi = mid;
    }
    return Math.floor(day / 10_000) * places + 2 * lo + (named[lo] === day ? 1 : 0);
  };
}

/** 2021-03-01 → 20210301: orders as the ISO text does. */
export function dayNumber(date: string): number {
  let n = 0;
  for (let i = 0; i < date.length; i++) {
    const c = date.charCodeAt(i) - 48;
    if (c >= 0 && c <= 9) n = n * 10 + c;
  }
  return n;
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
