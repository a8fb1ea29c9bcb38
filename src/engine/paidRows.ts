// Rows already in the ledger, line by line: only what was paid from a row is a duplicate when the row comes again.
import type { Line, PriorClaim, PriorRow } from './types.js';

const at = (r: { runId: string; file: string; row: number }): string => `${r.runId}\u0000${r.file}\u0000${r.row}`;
/** A line of a row: its programme and its person (or unit), as the row's claims keep them. */
const lineKey = (program: string, personKey: string): string => `${program}\u0000${personKey}`;

/**
 * The ledger's claims from rows it already recorded, by row hash, programme and person. A row is recorded with the lines it
 * had approved; a line of it that was left under review then (a living allowance whose training days nobody knew,
 * ZJ-06) or denied was not paid, so when the row comes again that line is decided afresh (with the office's
 * decision, --decisions) while the lines paid from the row are `duplicate`.
 * `recordedRows`: each row hash's entries in the ledger (a row may be recorded by more than one run: its training in
 * March, its living allowance, decided, in April); `history`: the claims of the run's persons, among them those paid
 * from these rows (a row's claims are its person's).
 */
export class PaidRows {
  private readonly byHash = new Map<string, Map<string, PriorRow>>();

  constructor(recordedRows: ReadonlyMap<string, readonly PriorRow[]>, history: readonly PriorClaim[]) {
    const hashesAt = new Map<string, string[]>();
    for (const [hash, entries] of recordedRows) {
      this.byHash.set(hash, new Map());
      for (const e of entries) {
        const k = at(e);
        const hashes = hashesAt.get(k);
        if (hashes) hashes.push(hash);
        else hashesAt.set(k, [hash]);
      }
    }
    for (const c of history) {
      for (const hash of hashesAt.get(at(c)) ?? []) {
        const paid = this.byHash.get(hash)!;
        // The first payment cited, as the ledger lists them (by date, then as recorded).
        const k = lineKey(c.program, c.personKey);
        if (!paid.has(k)) paid.set(k, { runId: c.runId, file: c.file, row: c.row });
      }
    }
  }

  /** Whether the ledger has recorded the row (some line of it was paid). */
  has(hash: string): boolean {
    return this.byHash.has(hash);
  }

  /** Where the line's programme was paid from its row (hash), or undefined when it was not: the line is decided afresh. */
  of(hash: string, line: Line): PriorRow | undefined {
    return hash ? this.byHash.get(hash)?.get(lineKey(line.program, line.personKey)) : undefined;
  }
}
