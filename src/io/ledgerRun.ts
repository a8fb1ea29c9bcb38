// A calc run against a ledger, in whichever thread runs it: the ledger is opened there, since its connection and its one transaction belong to that thread.
import { type RunRecord, type RunTotals, openLedger } from './ledger.js';
import type { StreamLedger, StreamResult } from './pipeline.js';
import type { Bilingual } from '../engine/types.js';

/** What a thread needs to open the ledger and run against it (plain data: it is handed to the budget's worker). */
export interface LedgerJob {
  location: string;
  hashIds: boolean;
  dryRun: boolean;
  /** The run to record; none for a dry run. */
  run?: RunRecord;
}

/** What the run tells of the ledger: where (as the ledger names itself: a PostgreSQL URL without its password) and what it recorded. */
export interface LedgerOutcome {
  location: string;
  recorded?: RunTotals;
}

export interface LedgerRunResult extends LedgerOutcome {
  result: StreamResult;
  /** The outputs, written once the ledger has committed. */
  files: string[];
}

/**
 * Open the ledger (a wrong salt or an unreachable database fails before any row is read), run `stream` in its
 * transaction, write the outputs once it has committed, and close it. `onWait` is told when another run holds the
 * SQLite file's write lock.
 */
export async function runWithLedger(job: LedgerJob, stream: (ledger: StreamLedger) => Promise<StreamResult>, onWait: (message: Bilingual) => void): Promise<LedgerRunResult> {
  // A dry run reads only: a ledger that is not there is refused, not made empty (and so found to hold nothing).
  const ledger = await openLedger(job.location, job.hashIds, onWait, job.dryRun);
  try {
    const result = await stream({
      // The ledger's salt, not whatever the environment holds: a plain ledger's row hashes are unsalted, so that a
      // run with SUBSIDY_ID_SALT set for some other ledger still finds the rows this one has recorded.
      salt: ledger.rowHashSalt,
      transaction: (fn) => ledger.transaction(fn, { dryRun: job.dryRun }),
      run: job.run,
    });
    return { result, files: result.commit(), location: ledger.location, recorded: result.recorded };
  } finally {
    await ledger.close();
  }
}

/** Whether the ledger holds `job`'s run: a thread that died after the commit must not have the run done twice. */
export async function ledgerHasRun(job: LedgerJob): Promise<boolean> {
  if (!job.run) return false;
  const ledger = await openLedger(job.location, job.hashIds);
  try {
    return (await ledger.runs()).some((r) => r.runId === job.run!.runId);
  } finally {
    await ledger.close();
  }
}
