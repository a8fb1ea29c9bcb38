// A roster's 合计/小计 rows checked against its rows (TotalsCheck), by reading the file again: only files that have such rows.
import { type TotalsInput, TotalsCheck } from '../engine/totalsCheck.js';
import { type EncodingChoice, type RosterHeader, type RosterRecord, readRosterBatches } from './roster.js';

/** A record as TotalsCheck takes it. */
export const totalsInput = (rec: RosterRecord): TotalsInput => ({
  row: rec.row,
  cells: rec.cells,
  unreadable: rec.unreadable !== undefined,
  totals: rec.skipped === 'totals' ? (rec.subtotal ? 'sub' : 'grand') : undefined,
  headerAgain: rec.skipped === 'header',
});

/** A check for `label`'s rows, naming each column as its header does ("费用" for cost). */
export const totalsCheckFor = (label: string, h: Pick<RosterHeader, 'fields' | 'labels'>): TotalsCheck =>
  new TotalsCheck(label, (field) => h.labels[h.fields.indexOf(field)] || field);

/**
 * Read `path` (named `label`) once more and check its totals rows. A large run evaluates a file in byte ranges on
 * several threads, where no thread sees the rows above its first; this pass costs a read of the file (~2.4 s per
 * million rows) and is made only for a file with totals rows.
 */
export async function checkTotals(path: string, encoding: EncodingChoice, label: string): Promise<string[]> {
  let check: TotalsCheck | undefined;
  for await (const batch of readRosterBatches(path, encoding, (h) => void (check = totalsCheckFor(label, h)))) {
    for (const rec of batch) check?.add(totalsInput(rec));
  }
  return check?.notes() ?? [];
}
