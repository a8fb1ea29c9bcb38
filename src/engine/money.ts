// Money: integer fen (分) inside, yuan with two decimals at the edges; percentages round half up.

/** A sum of money in fen. Always a safe integer; never a float yuan value. */
export type Fen = number;

/** Parse a yuan amount given as text ("12", "12.5", "1,234.00", "12元") into fen without float drift. */
export function parseYuan(text: string): Fen | undefined {
  const t = text.replace(/[,\s]/g, '').replace(/元$/, '');
  // In 万 (ten thousand yuan), as grants are often written (1.2万, 5万元): exact while it has at most six decimals.
  const wan = /^(\d+)(?:\.(\d{1,6}))?万$/.exec(t);
  if (wan) {
    const fen = Number(wan[1]) * 1_000_000 + Number((wan[2] ?? '').padEnd(6, '0'));
    return Number.isSafeInteger(fen) ? fen : undefined;
  }
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return undefined;
  const whole = Number(m[1]);
  const frac = Number((m[2] ?? '').padEnd(2, '0'));
  const fen = whole * 100 + frac;
  return Number.isSafeInteger(fen) ? fen : undefined;
}

/** Convert a yuan number from a data file into fen; undefined if it has more than two decimals. */
export function yuanToFen(yuan: number): Fen | undefined {
  if (!Number.isFinite(yuan) || yuan < 0) return undefined;
  const fen = Math.round(yuan * 100);
  return Math.abs(fen - yuan * 100) < 1e-6 && Number.isSafeInteger(fen) ? fen : undefined;
}

/** Yuan with two decimals: 100050 → "1000.50". */
export function formatYuan(fen: Fen): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Yuan with thousands separators for people to read: 123456789 → "1,234,567.89". */
export function formatYuanGrouped(fen: Fen): string {
  const [whole, frac] = formatYuan(fen).split('.');
  return `${(whole ?? '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}

/** Yuan as a rate in a formula: whole yuan without decimals ("50"), else two decimals. */
export function formatRate(fen: Fen): string {
  return fen % 100 === 0 ? String(fen / 100) : formatYuan(fen);
}

/**
 * fen × percent / 100, rounded half up to the fen. Percent may carry two decimals (12.5);
 * it is held as basis points so the arithmetic stays in integers.
 */
const BASIS = 100 * 100; // percent × 100 = basis points

export function percentOf(fen: Fen, percent: number): Fen {
  const bp = Math.round(percent * 100);
  return Math.floor((fen * bp + BASIS / 2) / BASIS);
}
