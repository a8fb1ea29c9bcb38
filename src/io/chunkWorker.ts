// Helper thread of a large run: evaluates the chunks it is sent (pass A), or decides limits partitions (pass B), with the run's tables.
import { parentPort, workerData } from 'node:worker_threads';
import type { Table } from '../tables/schema.js';
import { textsOf } from '../engine/bilingualError.js';
import { type Decision, Decisions } from '../engine/decisions.js';
import type { Bilingual } from '../engine/types.js';
import { readCatalogue } from './catalog.js';
import { tempFolderFull } from './diskFull.js';
import { type ChunkJob, type ChunkResult, evaluateChunk } from './chunkPass.js';
import { type Decided, type LedgerContexts, type OutputFormat, PartitionQueue, type Segments, decidePartitions } from './partitionPass.js';
import type { EncodingChoice, SheetCopies } from './roster.js';

export interface ChunkWorkerSetup {
  /** The run's tables, copied in: loading and validating them again cost each thread about 0.2 s. */
  tables: ReadonlyMap<string, Table>;
  catalogs: string[];
  encoding: EncodingChoice;
  /** Catalogues given as workbooks, read from their sheet's copy. */
  copies?: SheetCopies;
  defaultJurisdiction?: string;
  /** The office's decisions on lines under review (calc --decisions), as plain data. */
  decisions?: readonly Decision[];
}

/** Pass B in a helper: partitions taken from the queue shared with the other limits threads. */
export interface LimitsJob {
  work: string;
  /** This thread's number: its override file is named after it. */
  thread: number;
  /** The shared counter of the run's PartitionQueue, and how many partitions there are. */
  queue: SharedArrayBuffer;
  partitions: number;
  /** Per chunk, where each partition's records are in that chunk's records file. */
  chunkRecords: Segments[][];
  usedCodes: string[];
  labels: string[];
  format: OutputFormat;
  /** A ledger run's lookups per partition. */
  contexts?: LedgerContexts;
  /** Records of a partition decided at a time (decidePartition). */
  pieceBytes: number;
}

export type HelperRequest = { kind: 'evaluate'; job: ChunkJob } | { kind: 'limits'; job: LimitsJob };

export type ChunkWorkerMessage =
  | { kind: 'tick'; chunk: number; rows: number; bytes: number }
  | { kind: 'done'; result: ChunkResult }
  | { kind: 'decided'; decided: Decided[] }
  | { kind: 'failed'; message: Bilingual };

const setup = workerData as ChunkWorkerSetup;
const port = parentPort!;
const post = (m: ChunkWorkerMessage): void => port.postMessage(m);
const catalogue = setup.catalogs.length ? await readCatalogue(setup.catalogs, setup.encoding, setup.copies) : undefined;
const options = { tables: setup.tables, defaultJurisdiction: setup.defaultJurisdiction, catalogue, decisions: setup.decisions && new Decisions(setup.decisions) };

port.on('message', (request: HelperRequest) => {
  if (request.kind === 'limits') {
    const j = request.job;
    try {
      const used = j.usedCodes.map((c) => setup.tables.get(c)!);
      post({ kind: 'decided', decided: decidePartitions(j.work, j.thread, new PartitionQueue(j.partitions, j.queue), j.chunkRecords, setup.tables, used, j.labels, j.format, undefined, j.contexts, j.pieceBytes) });
    } catch (e) {
      post({ kind: 'failed', message: textsOf(tempFolderFull(e)) });
    }
    return;
  }
  const job = request.job;
  evaluateChunk(job, options, (rows, bytes) => post({ kind: 'tick', chunk: job.chunk, rows, bytes })).then(
    (result) => post({ kind: 'done', result }),
    // Error classes do not cross threads: the message does, and the run reports it as its own.
    (e: Error) => post({ kind: 'failed', message: textsOf(tempFolderFull(e)) }),
  );
});
