// Lines → one row per person (or unit) and jurisdiction: what the run pays them and on their behalf, for persons.csv.
import type { Fen } from './money.js';
import type { Line } from './types.js';

export interface PersonRow {
  jurisdiction: string;
  documentStatus: 'final' | 'draft';
  subject: Line['subject'];
  /** Whose limits the lines count against: the resident ID, or a unit's org code or name. */
  personKey: string;
  /** The name on the person's first line (rows of one ID may spell it differently; the breakdown has each). */
  name: string;
  /** Where the person's first line is: its position among the run's lines (the file's order), file and row. */
  firstIndex: number;
  file: string;
  row: number;
  claims: number;
  approved: number;
  review: number;
  denied: number;
  duplicate: number;
  /** Approved, to every payee. */
  amountFen: Fen;
  /** Of it, paid to the person (payee individual), or to the unit itself for a unit's grant. */
  paidToThemFen: Fen;
  /** Of it, paid to an employer or a training provider for them. */
  paidToOthersFen: Fen;
  /** Review lines: the sum of their known maximum exposure, and how many nothing bounds. */
  exposureFen: Fen;
  unquantified: number;
}

/**
 * One row per person and jurisdiction, in the order of each one's first line. `indexes[i]` is line i's position
 * among the run's lines (a partition's lines are a part of them); without it, the lines are the run's, in order.
 * `nameOf(i)`: line i's name, where the lines do not carry it (a large run's, read back from records).
 */
export function personRows(lines: readonly Line[], indexes?: readonly number[], nameOf?: (i: number) => string): PersonRow[] {
  // Nested maps by jurisdiction, then key: no joined key string built per line.
  const byJurisdiction = new Map<string, Map<string, PersonRow>>();
  const rows: PersonRow[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    let byKey = byJurisdiction.get(l.jurisdiction);
    if (!byKey) byJurisdiction.set(l.jurisdiction, (byKey = new Map()));
    let r = byKey.get(l.personKey);
    if (!r) {
      r = {
        jurisdiction: l.jurisdiction, documentStatus: l.documentStatus, subject: l.subject, personKey: l.personKey, name: nameOf ? nameOf(i) : l.name,
        firstIndex: indexes ? indexes[i]! : i, file: l.file, row: l.row,
        claims: 0, approved: 0, review: 0, denied: 0, duplicate: 0, amountFen: 0, paidToThemFen: 0, paidToOthersFen: 0, exposureFen: 0, unquantified: 0,
      };
      byKey.set(l.personKey, r);
      rows.push(r);
    }
    r.claims++;
    // A branch per status, not r[l.status]: a property named at run time is slower in a loop over every line.
    if (l.status === 'approved') {
      r.approved++;
      r.amountFen += l.amountFen;
      // A unit's grant is paid to the unit (payee unit, or the enterprise that is the unit: ZJ-11).
      if (l.subject === 'unit' || l.payee === 'individual') r.paidToThemFen += l.amountFen;
      else r.paidToOthersFen += l.amountFen;
    } else if (l.status === 'review') {
      r.review++;
      if (l.exposureFen === null) r.unquantified++;
      else r.exposureFen += l.exposureFen;
    } else if (l.status === 'denied') r.denied++;
    else r.duplicate++;
  }
  // Lines come in order, so rows are made in the order of their first lines.
  return rows;
}
