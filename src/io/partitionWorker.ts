// Worker thread for pass B (limits): decides the partitions it is given (a person's lines are all in one, so limits stay exact).
import { parentPort, workerData } from 'node:worker_threads';
import type { Table } from '../tables/schema.js';
import type { Lang } from './csvOut.js';
import { type Segments, decidePartitions } from './partitionPass.js';

export interface PartitionJob {
  work: string;
  /** This thread's number: its override file is named after it. */
  thread: number;
  partitions: number[];
  /** Per chunk, where each partition's records are in that chunk's records file. */
  chunkRecords: Segments[][];
  /** The run's tables, copied in rather than loaded again. */
  tables: ReadonlyMap<string, Table>;
  usedCodes: string[];
  labels: string[];
  lang: Lang;
}

const job = workerData as PartitionJob;
const { tables } = job;
const used = job.usedCodes.map((c) => tables.get(c)!);
parentPort!.postMessage(decidePartitions(job.work, job.thread, job.partitions, job.chunkRecords, tables, used, job.labels, job.lang));
