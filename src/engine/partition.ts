// Compact line records for runs too large to hold: what limits and the summary need, one text line each.
import type { Table } from '../tables/schema.js';
import type { Line, Status } from './types.js';

/** FNV-1a: spreads person keys over partitions. Only for partitioning: a collision merely shares a partition. */
export function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

const clean = (s: string): string => (/[\t\n\r]/.test(s) ? s.replace(/[\t\n\r]+/g, ' ') : s);

/** One line as a tab-separated record. `index` is the line's position in the run's output. */
export function toRecord(line: Line, index: number, fileIndex: number): string {
  return [
    index, line.seq, fileIndex, line.row, line.jurisdiction, line.program, clean(line.personKey), line.date, clean(line.occupation), line.level,
    line.status, line.reasonCode, line.amountFen, line.exposureFen ?? '', line.companionOf, line.subject,
  ].join('\t');
}

export interface RecordLine {
  index: number;
  line: Line;
}

/**
 * Rebuild the parts of a line that limits and the summary read. Texts limits do not change (formula,
 * reason, citation) are left empty here; the breakdown keeps them from the first evaluation.
 * Names come from the table, not from the record text: a substring would keep the whole text it was cut from alive.
 */
export function fromRecord(text: string, tables: ReadonlyMap<string, Table>, files: readonly string[]): RecordLine {
  const f = text.split('\t');
  const table = tables.get(f[4]!)!;
  const program = table.programs.find((p) => p.id === f[5])!;
  const date = f[7]!;
  return {
    index: Number(f[0]),
    line: {
      file: files[Number(f[2])]!, row: Number(f[3]), seq: Number(f[1]), jurisdiction: table.code, documentStatus: table.document.status,
      program: program.id, programName: program.name, payee: program.payee, subject: f[15] as Line['subject'], personKey: f[6]!, personId: '', name: '',
      date, year: Number(date.slice(0, 4)), occupation: f[8]!, level: f[9]!, status: f[10] as Status, reasonCode: f[11]!,
      reason: { zh: '', en: '' }, amountFen: Number(f[12]), basis: 'none', formula: { zh: '', en: '' }, citation: '',
      exposureFen: f[13] === '' ? null : Number(f[13]), companionOf: f[14] ? table.programs.find((p) => p.id === f[14])!.id : '',
    },
  };
}

/** What a limit changed on a line; written over the line's spilled breakdown record in the last pass. */
export interface Override {
  status: Status;
  reasonCode: string;
  reason: Line['reason'];
  amountFen: number;
  exposureFen: number | null;
  /** A line a limit denies shows no formula and basis `none` (see limits.ts). */
  denied: boolean;
}

export function overrideOf(before: { status: Status; reasonCode: string; amountFen: number; exposureFen: number | null }, after: Line): Override | undefined {
  if (before.status === after.status && before.reasonCode === after.reasonCode && before.amountFen === after.amountFen && before.exposureFen === after.exposureFen) return undefined;
  return {
    status: after.status, reasonCode: after.reasonCode, reason: after.reason, amountFen: after.amountFen, exposureFen: after.exposureFen,
    denied: after.status === 'denied',
  };
}
