// Worker thread for pass A: evaluates the chunks it is sent, one at a time, with the run's tables and catalogue.
import { parentPort, workerData } from 'node:worker_threads';
import type { Table } from '../tables/schema.js';
import { readCatalogue } from './catalog.js';
import { type ChunkJob, type ChunkResult, evaluateChunk } from './chunkPass.js';
import type { EncodingChoice } from './roster.js';

export interface ChunkWorkerSetup {
  /** The run's tables, copied in: loading and validating them again cost each thread about 0.2 s. */
  tables: ReadonlyMap<string, Table>;
  catalogs: string[];
  encoding: EncodingChoice;
  defaultJurisdiction?: string;
}

export type ChunkWorkerMessage =
  | { kind: 'tick'; chunk: number; rows: number; bytes: number }
  | { kind: 'done'; result: ChunkResult }
  | { kind: 'failed'; message: string };

const setup = workerData as ChunkWorkerSetup;
const port = parentPort!;
const post = (m: ChunkWorkerMessage): void => port.postMessage(m);
const catalogue = setup.catalogs.length ? await readCatalogue(setup.catalogs, setup.encoding) : undefined;
const options = { tables: setup.tables, defaultJurisdiction: setup.defaultJurisdiction, catalogue };

port.on('message', (job: ChunkJob | null) => {
  if (job === null) {
    port.close();
    return;
  }
  evaluateChunk(job, options, (rows, bytes) => post({ kind: 'tick', chunk: job.chunk, rows, bytes })).then(
    (result) => post({ kind: 'done', result }),
    // Error classes do not cross threads: the message does, and the run reports it as its own.
    (e: Error) => post({ kind: 'failed', message: e.message }),
  );
});
