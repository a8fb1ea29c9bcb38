// Runs a large calc in a worker thread whose heap is capped, so the whole run stays within a memory budget.
import { once } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import { textsOf } from '../engine/bilingualError.js';
import { findTable } from '../engine/intake.js';
import type { Bilingual } from '../engine/types.js';
import type { Table } from '../tables/schema.js';
import { type Decision, Decisions } from '../engine/decisions.js';
import { readCatalogue } from './catalog.js';
import { type Lang, namedOtherwiseNote } from './csvOut.js';
import { faultAt } from './ledger.js';
import { type LedgerJob, type LedgerOutcome, runWithLedger } from './ledgerRun.js';
import { type OutputFiles, type StreamLedger, type StreamResult, runStreaming } from './pipeline.js';
import { type EncodingChoice, type SheetCopies, headerNotes, refuseMisread } from './roster.js';
import { skippedNotes } from './rowKinds.js';

export interface PipelineJob {
  rosters: string[];
  out: OutputFiles;
  jurisdiction?: string;
  /** The tables the command loaded and validated, copied in. */
  tables: ReadonlyMap<string, Table>;
  catalogs: string[];
  encoding: EncodingChoice;
  /** Rosters and catalogues given as workbooks, read from their sheet's copy. */
  copies?: SheetCopies;
  lang: Lang;
  maskIds: boolean;
  workers: number;
  progress: boolean;
  /** The run's heap budget, shared with the threads it starts. */
  heapMb?: number;
  /** A ledger run: the ledger is opened in the worker, which holds its connection and transaction. */
  ledger?: LedgerJob;
  /** The office's decisions on lines under review (calc --decisions), as plain data. */
  decisions?: readonly Decision[];
}

export type PipelineMessage =
  | { kind: 'header'; text: string }
  | { kind: 'progress'; call: 'start' | 'tick' | 'done'; args: (string | number | undefined)[] }
  | { kind: 'workdir'; path: string }
  | { kind: 'failed'; message: Bilingual }
  | { kind: 'out-of-memory' }
  | { kind: 'result'; result: Omit<StreamResult, 'commit' | 'abort'>; files: string[]; ledger?: LedgerOutcome };

// Its job comes with it, or, for a thread started ahead (cli/warmRun.ts), as its first message.
const job = (workerData as PipelineJob | null) ?? ((await once(parentPort!, 'message'))[0] as PipelineJob);
const post = (m: PipelineMessage): void => parentPort!.postMessage(m);
try {
  await run();
} catch (e) {
  // Error classes do not cross threads: send the message, the main thread reports it like its own.
  // A thread this run started that ran out of its share of the budget counts as the run running out.
  if ((e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') post({ kind: 'out-of-memory' });
  else post({ kind: 'failed', message: textsOf(e) });
}

async function run(): Promise<void> {
const { tables } = job;
const catalogue = job.catalogs.length ? await readCatalogue(job.catalogs, job.encoding, job.copies) : undefined;
const stream = (ledger?: StreamLedger): Promise<StreamResult> => runStreaming(job.rosters, job.out, {
  tables,
  defaultJurisdiction: job.jurisdiction ? findTable(tables, job.jurisdiction)?.code : undefined,
  catalogue,
  decisions: job.decisions && new Decisions(job.decisions),
  encoding: job.encoding,
  copies: job.copies,
  lang: job.lang,
  maskIds: job.maskIds,
  workers: job.workers,
  catalogs: job.catalogs,
  heapMb: job.heapMb,
  onWorkDir: (path) => post({ kind: 'workdir', path }),
  onHeader: (h) => {
    refuseMisread(h.file, h);
    for (const text of headerNotes(h, job.encoding, job.lang)) post({ kind: 'header', text });
  },
  onSkippedRows: (file, skipped) => {
    for (const text of skippedNotes(file, skipped, job.lang)) post({ kind: 'header', text });
  },
  onNamedOtherwise: (persons) => post({ kind: 'header', text: namedOtherwiseNote(persons, job.lang) }),
  progress: job.progress
    ? {
        start: (...args) => post({ kind: 'progress', call: 'start', args }),
        tick: (...args) => post({ kind: 'progress', call: 'tick', args }),
        done: () => post({ kind: 'progress', call: 'done', args: [] }),
      }
    : undefined,
  ledger,
});
const done = (r: StreamResult, files: string[], ledger?: LedgerOutcome): void =>
  post({ kind: 'result', result: { rowsRead: r.rowsRead, rowsEvaluated: r.rowsEvaluated, rowsRejected: r.rowsRejected, rejectCounts: r.rejectCounts, summary: r.summary, decisionsMet: r.decisionsMet }, files, ledger });
if (job.ledger) {
  const l = await runWithLedger(job.ledger, stream, (m) => post({ kind: 'header', text: m[job.lang] }));
  // Test-only: the thread running out after the ledger committed (the budget must not run it again).
  if (faultAt('out-of-memory-after-commit')) return post({ kind: 'out-of-memory' });
  done(l.result, l.files, { location: l.location, recorded: l.recorded });
} else {
  const r = await stream();
  done(r, r.commit());
}
}
