// Lines → one row per person (or unit) and jurisdiction: what the run pays them and on their behalf, for persons.csv.
import { normaliseToken } from './fields.js';
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
  /**
   * Other names their later rows give (up to MAX_OTHER_NAMES, in row order), ignoring spaces, width and case: one ID
   * under two names is a mistyped ID or name, and a payment list must not hide it behind the first.
   */
  otherNames: string[];
  /** Whether there were other names beyond those listed. */
  moreNames: boolean;
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

/** How many other names a person's row lists (PersonRow.otherNames); more are marked (moreNames). */
export const MAX_OTHER_NAMES = 3;

/** The lines' names, where the lines do not carry them (a large run's, read back from records). */
export interface LineNames {
  /** Line i's name. */
  of(i: number): string;
  /** Whether lines i and j give the name in the same bytes (cheaper than decoding both). */
  same(i: number, j: number): boolean;
}

const namesOfLines = (lines: readonly Line[]): LineNames => ({ of: (i) => lines[i]!.name, same: (i, j) => lines[i]!.name === lines[j]!.name });

/**
 * Number the persons of lines decided together (Line.person): 0, 1, … in the order their keys are first met; returns
 * how many. Limits, the summary and person rows then find a person by number: each of them looked the key up in maps
 * of its own (about five lookups by key a line).
 */
export function numberPersons(lines: readonly Line[]): number {
  const numbers = new Map<string, number>();
  for (const l of lines) {
    let n = numbers.get(l.personKey);
    if (n === undefined) numbers.set(l.personKey, (n = numbers.size));
    l.person = n;
  }
  return numbers.size;
}

/** Refuse lines not numbered among `persons` by numberPersons: their state would be another person's, or none. */
export function assertNumbered(lines: readonly Line[], persons: number): void {
  for (const l of lines) if (!(l.person >= 0 && l.person < persons)) throw new Error(`line of row ${l.row} has no person number below ${persons} (numberPersons)`);
}

/**
 * One row per person and jurisdiction, in the order of each one's first line; the lines numbered by numberPersons
 * among `persons`. `indexes[i]` is line i's position among the run's lines (a partition's lines are a part of them);
 * without it, the lines are the run's, in order.
 */
export function personRows(lines: readonly Line[], persons: number, indexes?: readonly number[], names: LineNames = namesOfLines(lines)): PersonRow[] {
  assertNumbered(lines, persons);
  // Per person, their row (of their first line's jurisdiction); a person's rows of other jurisdictions follow from it (nextRow).
  const rowOf = new Int32Array(persons).fill(-1);
  const nextRow: number[] = [];
  const rows: PersonRow[] = [];
  /** Per row: its first line and its latest (a row's lines come together, and most persons give one name). */
  const firstLine: number[] = [];
  const lastLine: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    let k = rowOf[l.person]!;
    while (k >= 0 && rows[k]!.jurisdiction !== l.jurisdiction) k = nextRow[k]!;
    let r: PersonRow;
    if (k < 0) {
      r = {
        jurisdiction: l.jurisdiction, documentStatus: l.documentStatus, subject: l.subject, personKey: l.personKey, name: names.of(i), otherNames: [], moreNames: false,
        firstIndex: indexes ? indexes[i]! : i, file: l.file, row: l.row,
        claims: 0, approved: 0, review: 0, denied: 0, duplicate: 0, amountFen: 0, paidToThemFen: 0, paidToOthersFen: 0, exposureFen: 0, unquantified: 0,
      };
      nextRow.push(rowOf[l.person]!);
      rowOf[l.person] = rows.length;
      rows.push(r);
      firstLine.push(i);
      lastLine.push(i);
    } else {
      r = rows[k]!;
      // A name as the line before's was seen then: the first's, or one noted already.
      if (!names.same(i, lastLine[k]!) && !names.same(i, firstLine[k]!)) noteOtherName(r, names.of(i));
      lastLine[k] = i;
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

/** A later line's name, kept when it is not the first's or one kept already, but for spaces, width and case. */
function noteOtherName(r: PersonRow, name: string): void {
  const n = normaliseToken(name);
  if (n === normaliseToken(r.name) || r.otherNames.some((o) => normaliseToken(o) === n)) return;
  if (r.otherNames.length < MAX_OTHER_NAMES) r.otherNames.push(name);
  else r.moreNames = true;
}
