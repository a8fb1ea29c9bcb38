// Reads a workbook's sheet to CSV in a thread of its own (sheetThread.ts): what it held (the shared strings) goes when it ends.
import { parentPort, workerData } from 'node:worker_threads';
import { textsOf } from '../engine/bilingualError.js';
import type { Bilingual } from '../engine/types.js';
import { isDiskFull, tempFolderFull } from './diskFull.js';
import { RosterError } from './roster.js';
import { type SheetRead, sheetToCsv } from './workbook.js';

export interface SheetJob {
  path: string;
  label: string;
  dest: string;
  sheet?: string;
}

export type SheetMessage =
  | { kind: 'progress'; rows: number; bytes: number; total: number }
  | { kind: 'done'; read: SheetRead }
  | { kind: 'failed'; message: Bilingual; roster: boolean };

const job = workerData as SheetJob;
const post = (m: SheetMessage): void => parentPort!.postMessage(m);
try {
  const read = await sheetToCsv(job.path, job.label, job.dest, { sheet: job.sheet, onProgress: (rows, bytes, total) => post({ kind: 'progress', rows, bytes, total }) });
  post({ kind: 'done', read });
} catch (e) {
  // Error classes do not cross threads: the message does, and whether it is the reader's (exit 1) or a fault.
  // A copy the disk has no room for is said as the temporary folder full, as a run's spill is.
  post({ kind: 'failed', message: textsOf(tempFolderFull(e)), roster: e instanceof RosterError || isDiskFull(e) });
}
