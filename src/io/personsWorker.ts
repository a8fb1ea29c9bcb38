// A thread that writes persons.csv while the run's thread writes the breakdown (pass C): the person rows of every limits thread merged into the output handed to it.
import { parentPort, workerData } from 'node:worker_threads';
import { textsOf } from '../engine/bilingualError.js';
import type { Bilingual } from '../engine/types.js';
import { type HandedOver, continueAtomic } from './atomic.js';
import { mergePersons } from './mergePass.js';
import type { OverrideSpan } from './partitionPass.js';

export interface PersonsJob {
  work: string;
  /** Where each partition's person rows are, in its limits thread's persons file. */
  spans: OverrideSpan[];
  out: HandedOver;
}

export type PersonsMessage = { kind: 'written' } | { kind: 'failed'; message: Bilingual };

const job = workerData as PersonsJob;
const post = (m: PersonsMessage): void => parentPort!.postMessage(m);
try {
  const out = continueAtomic(job.out);
  try {
    mergePersons(job.work, job.spans, out);
  } finally {
    out.close();
  }
  post({ kind: 'written' });
} catch (e) {
  // Error classes do not cross threads: the message does (an output refused names persons.csv: continueAtomic).
  post({ kind: 'failed', message: textsOf(e) });
}
