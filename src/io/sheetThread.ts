// A workbook's sheet read to CSV on a thread of its own: a million-row sheet's strings (~150 MB) are not left in the run's heap.
import { Worker } from 'node:worker_threads';
import { RosterError } from './roster.js';
import type { SheetJob, SheetMessage } from './sheetWorker.js';
import type { SheetRead, SheetToCsvOptions } from './workbook.js';

/** As sheetToCsv, on a thread that ends when the sheet is written. */
export function sheetToCsvApart(path: string, label: string, dest: string, o: SheetToCsvOptions = {}): Promise<SheetRead> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./sheetWorker.js', import.meta.url), { workerData: { path, label, dest, sheet: o.sheet } satisfies SheetJob });
    let settled = false;
    worker.on('message', (m: SheetMessage) => {
      if (m.kind === 'progress') o.onProgress?.(m.rows, m.bytes, m.total);
      else {
        settled = true;
        if (m.kind === 'done') resolve(m.read);
        else reject(m.roster ? new RosterError(m.message.en, m.message.zh) : new Error(m.message.en));
      }
    });
    worker.once('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the thread reading ${label} stopped with code ${code}`));
    });
  });
}
