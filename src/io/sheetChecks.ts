// A roster read once more for what only its rows in order show: totals rows against the rows above them, blocks a merged cell left blank.
import { MergedCellsHint } from '../engine/mergedCells.js';
import { type SheetRow, TotalsCheck } from '../engine/totalsCheck.js';
import { type EncodingChoice, type NoteLang, type RosterHeader, type RosterRecord, readRosterBatches } from './roster.js';

/** A record as the sheet checks take it (SheetRow). */
const sheetRow = (rec: RosterRecord): SheetRow => ({
  row: rec.row,
  cells: rec.cells,
  unreadable: rec.unreadable !== undefined,
  totals: rec.skipped === 'totals' ? (rec.subtotal ? 'sub' : 'grand') : undefined,
  headerAgain: rec.skipped === 'header',
  footer: rec.skipped === 'footer',
});

/** Each column named as the sheet's header names it ("费用" for cost). */
const labelOf =
  (h: Pick<RosterHeader, 'fields' | 'labels'>) =>
  (field: string): string =>
    h.labels[h.fields.indexOf(field)] || field;

/** What to look for in a file: its totals rows checked, and the fields whose blank cells rejected rows (merged cells?). */
export interface SheetChecks {
  totals: boolean;
  blank: string[];
}

/** The checks a file's rows are fed to in order (its header known), and what they found. */
export class SheetWatch {
  private readonly totals: TotalsCheck | undefined;
  private readonly merged: MergedCellsHint | undefined;
  constructor(label: string, h: Pick<RosterHeader, 'fields' | 'labels'>, want: SheetChecks, lang: NoteLang = 'en') {
    if (want.totals) this.totals = new TotalsCheck(label, labelOf(h), lang);
    if (want.blank.length) this.merged = new MergedCellsHint(label, want.blank, labelOf(h), lang);
  }

  add(rec: RosterRecord): void {
    const row = sheetRow(rec);
    this.totals?.add(row);
    this.merged?.add(row);
  }

  notes(): string[] {
    return [...(this.totals?.notes() ?? []), ...(this.merged?.notes() ?? [])];
  }
}

/**
 * Read `path` (named `label`) once more for `want`. A large run evaluates a file in byte ranges on several threads,
 * where no thread sees the rows above its first; this costs a read of the file (~2.4 s per million rows) and is
 * made only for a file with totals rows, or with rows rejected for a blank programme or date.
 */
export async function checkSheet(path: string, encoding: EncodingChoice, label: string, want: SheetChecks, lang: NoteLang = 'en'): Promise<string[]> {
  let watch: SheetWatch | undefined;
  for await (const batch of readRosterBatches(path, encoding, (h) => void (watch = new SheetWatch(label, h, want, lang)))) {
    for (const rec of batch) watch?.add(rec);
  }
  return watch?.notes() ?? [];
}
