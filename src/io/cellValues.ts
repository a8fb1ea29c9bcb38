// A workbook cell's number as text: shown to 15 significant digits, or as an ISO date when its number format shows a date (.xlsx and .xls alike).

/**
 * Built-in number formats that show a date: 14–17 and 22 (m/d/yyyy …), and those a Chinese Excel shows as
 * yyyy"年"m"月"d"日" and the like (27–31, 36, 50–54, 57, 58). 18–21, 32–35, 45–47, 55 and 56 show a time only.
 */
export const BUILT_IN_DATES = new Set([14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 57, 58]);

/** A format code shows a date when, its quoted text, escaped characters and [brackets] aside, it has a day or a year. */
export function isDateFormat(code: string): boolean {
  const bare = code.replace(/"[^"]*"/g, '').replace(/\\./g, '').replace(/\[[^\]]*\]/g, '').replace(/[_*]./g, '');
  return /[dy]/i.test(bare);
}

/** The last day Excel shows as a date, 9999-12-31 (in the 1900 system; a larger number shows as ####). */
const LAST_SERIAL = 2_958_465;

/** An Excel date serial as an ISO date (its time of day dropped): the 1900 system counts 1900-02-29, which never was. */
export function serialDate(serial: number, date1904: boolean): string | undefined {
  const days = Math.floor(serial);
  if (!(days >= 1 && days <= LAST_SERIAL) || (!date1904 && days === 60)) return undefined;
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, days < 60 ? 31 : 30);
  return new Date(epoch + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A number as the workbook saved it (the shortest text that reads back as the double), shown to 15 significant
 * digits as Excel shows it: 1234.5600000000001 is 1234.56, and an ID typed into a number column, 3.3068119900101101E+17,
 * is 330681199001011000 (its last digits lost when it was typed: the roster rejects it saying so).
 */
export function numberText(v: string): string {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) return v.trim();
  return String(Number(n.toPrecision(15)));
}
