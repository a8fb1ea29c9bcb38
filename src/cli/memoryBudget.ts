// Large runs inside a worker thread with a capped heap: memory stays within a budget whatever the roster's length.
import { rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { type LedgerOutcome, ledgerHasRun } from '../io/ledgerRun.js';
import { removeStagedHere } from '../io/atomic.js';
import { undoOnInterrupt } from '../io/interrupt.js';
import type { StreamResult } from '../io/pipeline.js';
import { runThreadLimits } from '../io/threadHeaps.js';
import { takeWarmRunThread } from './warmRun.js';
import type { PipelineJob, PipelineMessage } from '../io/pipelineWorker.js';
import { progressBar } from './progress.js';
import { UsageError } from './errors.js';

export type RunResult = Omit<StreamResult, 'commit' | 'abort'> & { files: string[]; ledger?: LedgerOutcome };

class OutOfBudget extends Error {}

/** What a run's thread that died or was stopped leaves: its temporary folder, and its staged outputs. */
function removeLeftovers(job: PipelineJob, workDir: string | undefined): void {
  if (workDir) rmSync(workDir, { recursive: true, force: true, maxRetries: 2 });
  for (const output of Object.values(job.out)) removeStagedHere(output);
}

function runOnce(job: PipelineJob, heapMb: number | undefined): Promise<RunResult> {
  const bar = job.progress ? progressBar(job.lang) : undefined;
  let workDir: string | undefined;
  return new Promise<RunResult>((done, fail) => {
    // The thread bin/subsidy.js started ahead for this run (warmRun.ts) is given its job; otherwise one starts now.
    const warm = takeWarmRunThread(heapMb);
    warm?.postMessage({ ...job, heapMb } satisfies PipelineJob);
    if (warm && process.env.SUBSIDY_TIMINGS) process.stderr.write('run thread started ahead\n');
    const worker = warm ?? new Worker(new URL('../io/pipelineWorker.js', import.meta.url), { workerData: { ...job, heapMb }, resourceLimits: runThreadLimits(heapMb) });
    // Interrupted (Ctrl+C): the thread is stopped (its helpers with it), then what it left is removed.
    const stopped = undoOnInterrupt(async () => {
      await worker.terminate();
      removeLeftovers(job, workDir);
    });
    let settled = false;
    worker.once('exit', stopped);
    worker.on('message', (m: PipelineMessage) => {
      if (m.kind === 'header') process.stderr.write(`${m.text}\n`);
      else if (m.kind === 'workdir') workDir = m.path;
      else if (m.kind === 'progress') (bar?.[m.call] as ((...a: unknown[]) => void) | undefined)?.(...m.args);
      else if (m.kind === 'failed') {
        settled = true;
        fail(new UsageError(m.message.en, m.message.zh));
      } else if (m.kind === 'out-of-memory') {
        // A thread the run started ran out of its share; the run has already removed its temporary files.
        settled = true;
        bar?.done();
        fail(new OutOfBudget());
      } else if (m.kind === 'result') {
        settled = true;
        done({ ...m.result, files: m.files, ledger: m.ledger });
      }
    });
    worker.on('error', (e: Error & { code?: string }) => {
      bar?.done();
      if (settled) return;
      settled = true;
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        // The worker died mid-run: remove what it left, then let the caller decide.
        removeLeftovers(job, workDir);
        fail(new OutOfBudget());
      } else fail(e);
    });
    worker.on('exit', (code) => {
      if (!settled) fail(new Error(`calc worker stopped with code ${code}`));
    });
  });
}

/**
 * Run within `heapMb`; a roster that needs more (say one person with a million rows) is run again without the cap.
 * A ledger run that ran out had its transaction rolled back (the worker's connection closes with it), so it is run
 * again too; unless the ledger holds the run: then it ran out after the commit, and running it again would find
 * every row already paid.
 */
export async function runWithinBudget(job: PipelineJob, heapMb: number): Promise<RunResult> {
  try {
    return await runOnce(job, heapMb);
  } catch (e) {
    if (!(e instanceof OutOfBudget)) throw e;
    if (job.ledger && (await ledgerHasRun(job.ledger))) {
      const id = job.ledger.run!.runId;
      // (Not the location: a PostgreSQL URL may hold a password.)
      throw new UsageError(
        `run ${id} was recorded in the ledger, then ran out of the ${heapMb} MB memory budget before writing its outputs: void it (subsidy ledger void ${id} --ledger …) and run again with a larger --memory-mb`,
        `批次 ${id} 已记入台账, 但在写出结果之前用尽了 ${heapMb} MB 的内存预算: 请作废该批次 (subsidy ledger void ${id} --ledger …), 再用更大的 --memory-mb 重新运行`,
      );
    }
    process.stderr.write(
      job.lang === 'zh'
        ? `此花名册所需内存超过 ${heapMb} MB 的预算 (--memory-mb), 不设预算重新运行\n`
        : `this roster needs more than the ${heapMb} MB memory budget (--memory-mb); running it again without one\n`,
    );
    return runOnce(job, undefined);
  }
}
