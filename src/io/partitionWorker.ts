// Worker thread for pass B (limits): decides the partitions it is given (a person's lines are all in one, so limits stay exact).
import { parentPort, workerData } from 'node:worker_threads';
import type { Table } from '../tables/schema.js';
import type { Lang } from './csvOut.js';
import { decidePartition } from './partitionPass.js';

interface Job {
  work: string;
  partitions: number[];
  chunks: number;
  /** The run's tables, copied in rather than loaded again. */
  tables: ReadonlyMap<string, Table>;
  usedCodes: string[];
  labels: string[];
  lang: Lang;
}

const job = workerData as Job;
const { tables } = job;
const used = job.usedCodes.map((c) => tables.get(c)!);
const summaries = job.partitions.map((p) => ({ p, rows: decidePartition(job.work, p, job.chunks, tables, used, job.labels, job.lang) }));
parentPort!.postMessage(summaries);
