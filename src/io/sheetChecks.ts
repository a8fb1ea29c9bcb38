// A roster read once more for what only its rows in order show: totals rows against the rows above them, blocks a merged cell left blank.
import { MergedCellsHint } from '../engine/mergedCells.js';
import { type SheetRow, TotalsCheck } from '../engine/totalsCheck.js';
import { type EncodingChoice, type NoteLang, type RosterHeader, type RosterRecord, readRosterBatches } from './roster.js';

/** A record as the sheet checks take it (SheetRow). */
export const sheetRow = (rec: RosterRecord): SheetRow => ({
  row: rec.row,
  cells: rec.cells,
  unreadable: rec.unreadable !== undefined,
  totals: rec.skipped === 'totals' ? (rec.subtotal ? 'sub' : 'grand') : undefined,
  headerAgain: rec.skipped === 'header',
});

/** Each column named as the sheet's header names it ("费用" for cost). */
const labelOf =
  (h: Pick<RosterHeader, 'fields' | 'labels'>) =>
  (field: string): string =>
    h.labels[h.fields.indexOf(field)] || field;

/** A totals check for `label`'s rows. */
export const totalsCheckFor = (label: string, h: Pick<RosterHeader, 'fields' | 'labels'>, lang: NoteLang = 'en'): TotalsCheck => new TotalsCheck(label, labelOf(h), lang);

/** A merged-cell hint for `label`'s rows, on `fields`. */
export const mergedCellsFor = (label: string, fields: string[], h: Pick<RosterHeader, 'fields' | 'labels'>, lang: NoteLang = 'en'): MergedCellsHint =>
  new MergedCellsHint(label, fields, labelOf(h), lang);

/** What to look for in a file: its totals rows checked, and the fields whose blank cells rejected rows (merged cells?). */
export interface SheetChecks {
  totals: boolean;
  blank: string[];
}

/**
 * Read `path` (named `label`) once more for `want`. A large run evaluates a file in byte ranges on several threads,
 * where no thread sees the rows above its first; this costs a read of the file (~2.4 s per million rows) and is
 * made only for a file with totals rows, or with rows rejected for a blank programme or date.
 */
export async function checkSheet(path: string, encoding: EncodingChoice, label: string, want: SheetChecks, lang: NoteLang = 'en'): Promise<string[]> {
  let totals: TotalsCheck | undefined;
  let merged: MergedCellsHint | undefined;
  const onHeader = (h: RosterHeader): void => {
    if (want.totals) totals = totalsCheckFor(label, h, lang);
    if (want.blank.length) merged = mergedCellsFor(label, want.blank, h, lang);
  };
  for await (const batch of readRosterBatches(path, encoding, onHeader)) {
    for (const rec of batch) {
      const input = sheetRow(rec);
      totals?.add(input);
      merged?.add(input);
    }
  }
  return [...(totals?.notes() ?? []), ...(merged?.notes() ?? [])];
}
