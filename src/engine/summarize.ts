// Lines → summary rows: per jurisdiction × programme × payee (and the provider or employer by name) × status, and one total per jurisdiction.
import type { Fen } from './money.js';
import type { Bilingual, Line, Status } from './types.js';
import { APPROVED_ON_REVIEW } from './decisions.js';
import { assertNumbered } from './persons.js';

export interface SummaryRow {
  jurisdiction: string;
  documentStatus: 'final' | 'draft';
  /** Programme id, or "" on a jurisdiction's total row. */
  program: string;
  programName: Bilingual;
  payee: string;
  /** The provider or employer paid (Line.payeeName): a clerk's payment to each; "" for the others and on a total row. */
  payeeName: string;
  /** Status, or "" on a total row. */
  status: Status | '';
  claims: number;
  persons: number;
  /** Approved amount. */
  amountFen: Fen;
  /** Review lines: the sum of their known maximum exposure. */
  exposureFen: Fen;
  /** Review lines whose amount nothing bounds (the text states none, or a catalogue is missing). */
  unquantified: number;
  /**
   * On a total row: its review and denied lines by `${status}\t${reasonCode}`, for the run's closing lines (what to
   * supply or check first). Not a column of summary.csv.
   */
  reasons?: Record<string, number>;
}

const STATUS_ORDER: Record<Status, number> = { approved: 0, review: 1, denied: 2, duplicate: 3 };

/** Jurisdiction, then the table's programme order, payee, payee's name, status. */
const byGroup =
  (programOrder: (jurisdiction: string, program: string) => number) =>
  (a: SummaryRow, b: SummaryRow): number =>
    a.jurisdiction.localeCompare(b.jurisdiction) ||
    programOrder(a.jurisdiction, a.program) - programOrder(b.jurisdiction, b.program) ||
    a.payee.localeCompare(b.payee) ||
    a.payeeName.localeCompare(b.payeeName) ||
    STATUS_ORDER[a.status as Status] - STATUS_ORDER[b.status as Status];

interface Group {
  row: SummaryRow;
  /** The group's place in `all` (summarize): distinct persons are counted by it. */
  id: number;
}

/**
 * Lines counted into summary groups. Per jurisdiction, its total, and per programme the groups met so far: a short
 * list searched in order (a programme has one payee, a few payee names, four statuses). No joined key and no closure
 * per lookup: a large run summarises a million lines in its limits pass, and what each line allocated (a key string,
 * a Set entry per group) was most of that pass's garbage (~480 MB at 1M rows); nested maps, one for each part of the
 * key, took six lookups a line. A class rather than closures made per call: its methods are compiled once a thread.
 */
class Tally {
  readonly byJurisdiction = new Map<string, { total: Group; programs: Map<string, Group[]> }>();
  readonly all: Group[] = [];
  // Distinct persons per group: each line's person paired with its group and its total (two pairs a line);
  // afterwards (countPersons) each group counts the distinct persons paired with it.
  readonly pairPerson: Int32Array;
  readonly pairGroup: Int32Array;
  paired = 0;
  private readonly reasonKeys = new Map<string, Map<string, string>>();

  constructor(lines: number) {
    this.pairPerson = new Int32Array(2 * lines);
    this.pairGroup = new Int32Array(2 * lines);
  }

  add(l: Line): void {
    let j = this.byJurisdiction.get(l.jurisdiction);
    if (!j) this.byJurisdiction.set(l.jurisdiction, (j = { total: this.group({ ...blank(l, '', { zh: '', en: '' }, '', '', ''), reasons: {} }), programs: new Map() }));
    let list = j.programs.get(l.program);
    if (!list) j.programs.set(l.program, (list = []));
    let g: Group | undefined;
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!.row;
      if (r.status === l.status && r.payee === l.payee && r.payeeName === l.payeeName) {
        g = list[i];
        break;
      }
    }
    if (!g) list.push((g = this.group(blank(l, l.program, l.programName, l.payee, l.payeeName, l.status))));
    this.count(g, l);
    this.count(j.total, l);
  }

  private group(row: SummaryRow): Group {
    const g = { row, id: this.all.length };
    this.all.push(g);
    return g;
  }

  private count(x: Group, l: Line): void {
    x.row.claims += 1;
    // Approved lines only when a clerk approved them (--decisions): what a run paid by hand is said apart.
    if (x.row.reasons && (l.status !== 'approved' || l.reasonCode === APPROVED_ON_REVIEW)) {
      let byCode = this.reasonKeys.get(l.status);
      if (!byCode) this.reasonKeys.set(l.status, (byCode = new Map()));
      let key = byCode.get(l.reasonCode);
      if (key === undefined) byCode.set(l.reasonCode, (key = `${l.status}\t${l.reasonCode}`));
      x.row.reasons[key] = (x.row.reasons[key] ?? 0) + 1;
    }
    this.pairPerson[this.paired] = l.person;
    this.pairGroup[this.paired++] = x.id;
    if (l.status === 'approved') x.row.amountFen += l.amountFen;
    else if (l.status === 'review') {
      if (l.exposureFen === null) x.row.unquantified += 1;
      else x.row.exposureFen += l.exposureFen;
    }
  }
}

/** Summary rows of lines numbered by numberPersons among `persons` (distinct persons are counted by number). */
export function summarize(lines: readonly Line[], programOrder: (jurisdiction: string, program: string) => number, persons: number): SummaryRow[] {
  assertNumbered(lines, persons);
  const tally = new Tally(lines.length);
  for (const l of lines) tally.add(l);
  const { byJurisdiction, all, pairPerson, pairGroup, paired } = tally;
  countPersons(pairPerson, pairGroup, paired, persons, all);
  const rows: SummaryRow[] = [];
  for (const j of byJurisdiction.values()) for (const list of j.programs.values()) for (const g of list) rows.push(g.row);
  rows.sort(byGroup(programOrder));
  const out: SummaryRow[] = [];
  for (const [jurisdiction, j] of [...byJurisdiction.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    out.push(...rows.filter((r) => r.jurisdiction === jurisdiction), j.total.row);
  }
  return out;
}

/**
 * Add to each group's `persons` the distinct persons among the first `n` (person, group) pairs, persons numbered
 * from 0 to `persons` - 1. The pairs are bucketed by person (a counting sort), and a group counts a person once, the
 * first time one of that person's pairs names it: linear in the pairs. Sorted as numbers instead, the limits pass
 * took 1.15-1.24 s rather than 1.06-1.12 s (500k rows, one thread, interleaved).
 */
function countPersons(pairPerson: Int32Array, pairGroup: Int32Array, n: number, persons: number, all: Group[]): void {
  const start = new Int32Array(persons + 1);
  for (let i = 0; i < n; i++) start[pairPerson[i]! + 1]! += 1;
  for (let p = 0; p < persons; p++) start[p + 1]! += start[p]!;
  const next = start.slice(0, persons);
  const byPerson = new Int32Array(n);
  for (let i = 0; i < n; i++) byPerson[next[pairPerson[i]!]!++] = pairGroup[i]!;
  const counted = new Int32Array(all.length).fill(-1);
  for (let p = 0; p < persons; p++) {
    for (let k = start[p]!; k < start[p + 1]!; k++) {
      const g = byPerson[k]!;
      if (counted[g] === p) continue;
      counted[g] = p;
      all[g]!.row.persons += 1;
    }
  }
}

function blank(l: Line, program: string, programName: Bilingual, payee: string, payeeName: string, status: Status | ''): SummaryRow {
  // `reasons` on every row (a total's is set after): one shape of row for `count`, whose optimised code a second
  // shape threw away (5 compiles of it in a 1M run's two limits threads).
  return { jurisdiction: l.jurisdiction, documentStatus: l.documentStatus, program, programName, payee, payeeName, status, claims: 0, persons: 0, amountFen: 0, exposureFen: 0, unquantified: 0, reasons: undefined };
}

/**
 * Add up summaries of disjoint groups of persons (partitions of a large run) into one, in summarize's order.
 * Distinct-person counts add up because each person's lines are all in one partition.
 */
export function mergeSummaries(parts: SummaryRow[][], programOrder: (jurisdiction: string, program: string) => number): SummaryRow[] {
  const m = new Map<string, SummaryRow>();
  for (const rows of parts) {
    for (const r of rows) {
      const key = `${r.jurisdiction}\u0000${r.program}\u0000${r.payee}\u0000${r.payeeName}\u0000${r.status}`;
      const t = m.get(key);
      if (!t) m.set(key, r.reasons ? { ...r, reasons: { ...r.reasons } } : { ...r });
      else {
        t.claims += r.claims;
        t.persons += r.persons;
        t.amountFen += r.amountFen;
        t.exposureFen += r.exposureFen;
        t.unquantified += r.unquantified;
        if (t.reasons && r.reasons) for (const [k, n] of Object.entries(r.reasons)) t.reasons[k] = (t.reasons[k] ?? 0) + n;
      }
    }
  }
  const all = [...m.values()];
  const detail = all.filter((r) => r.program !== '');
  detail.sort(byGroup(programOrder));
  const out: SummaryRow[] = [];
  for (const t of all.filter((r) => r.program === '').sort((a, b) => a.jurisdiction.localeCompare(b.jurisdiction))) {
    out.push(...detail.filter((r) => r.jurisdiction === t.jurisdiction), t);
  }
  return out;
}
