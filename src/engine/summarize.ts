// Lines → summary rows: per jurisdiction × programme × payee (and the provider or employer by name) × status, and one total per jurisdiction.
import type { Fen } from './money.js';
import type { Bilingual, Line, Status } from './types.js';
import { APPROVED_ON_REVIEW } from './decisions.js';

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
  persons: Set<string>;
}

export function summarize(lines: Iterable<Line>, programOrder: (jurisdiction: string, program: string) => number): SummaryRow[] {
  // Looked up by nested maps, not a joined key: a large run summarises a million lines, and building and
  // hashing a fresh key string for each was a tenth of its limits pass.
  const groups = new Map<string, Map<string, Map<string, Map<string, Map<Status, Group>>>>>();
  const totals = new Map<string, Group>();
  const count = (x: Group, l: Line): void => {
    x.row.claims += 1;
    // Approved lines only when a clerk approved them (--decisions): what a run paid by hand is said apart.
    if (x.row.reasons && (l.status !== 'approved' || l.reasonCode === APPROVED_ON_REVIEW)) {
      const key = `${l.status}\t${l.reasonCode}`;
      x.row.reasons[key] = (x.row.reasons[key] ?? 0) + 1;
    }
    x.persons.add(l.personKey);
    if (l.status === 'approved') x.row.amountFen += l.amountFen;
    else if (l.status === 'review') {
      if (l.exposureFen === null) x.row.unquantified += 1;
      else x.row.exposureFen += l.exposureFen;
    }
  };
  for (const l of lines) {
    const byProgram = getOr(groups, l.jurisdiction, () => new Map());
    const byPayee = getOr(byProgram, l.program, () => new Map());
    const byName = getOr(byPayee, l.payee, () => new Map());
    const byStatus = getOr(byName, l.payeeName, () => new Map());
    count(getOr(byStatus, l.status, () => ({ row: blank(l, l.program, l.programName, l.payee, l.payeeName, l.status), persons: new Set<string>() })), l);
    count(getOr(totals, l.jurisdiction, () => ({ row: { ...blank(l, '', { zh: '', en: '' }, '', '', ''), reasons: {} }, persons: new Set<string>() })), l);
  }
  const rows: SummaryRow[] = [];
  for (const byProgram of groups.values())
    for (const byPayee of byProgram.values())
      for (const byName of byPayee.values())
        for (const byStatus of byName.values()) for (const g of byStatus.values()) rows.push({ ...g.row, persons: g.persons.size });
  rows.sort(byGroup(programOrder));
  const out: SummaryRow[] = [];
  for (const [jurisdiction, t] of [...totals.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    out.push(...rows.filter((r) => r.jurisdiction === jurisdiction), { ...t.row, persons: t.persons.size });
  }
  return out;
}

function getOr<K, V>(m: Map<K, V>, key: K, make: () => V): V {
  let v = m.get(key);
  if (v === undefined) m.set(key, (v = make()));
  return v;
}

function blank(l: Line, program: string, programName: Bilingual, payee: string, payeeName: string, status: Status | ''): SummaryRow {
  return { jurisdiction: l.jurisdiction, documentStatus: l.documentStatus, program, programName, payee, payeeName, status, claims: 0, persons: 0, amountFen: 0, exposureFen: 0, unquantified: 0 };
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
