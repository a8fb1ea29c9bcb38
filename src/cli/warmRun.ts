// A large calc's run thread started as the process starts (bin/subsidy.js), so its own start (~70 ms: a thread, its modules) passes beside the main thread's.
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { BUDGET_PER_BYTE, DEFAULT_MEMORY_MB, runThreadLimits } from '../io/threadHeaps.js';

/** The thread started ahead, waiting for its job (pipelineWorker.ts), with the budget it was started under. */
let warm: { worker: Worker; heapMb: number; failed: boolean } | undefined;

/**
 * Start the run's thread now if the command line looks like a calc that will run in one (memoryBudget.ts): `calc`,
 * the default budget (no `--memory-mb`), and files named on it that together need a thread (calc.ts: the roster's
 * bytes times BUDGET_PER_BYTE at least the budget; every file counts here, a catalogue too). Only a guess: a
 * thread started for nothing is never given a job, and it does not keep the process alive. Any other case starts
 * its thread when the run does, as before.
 */
export function warmRunThread(args: readonly string[]): void {
  if (!warmWanted(args)) return;
  const worker = new Worker(new URL('../io/pipelineWorker.js', import.meta.url), { workerData: null, resourceLimits: runThreadLimits(DEFAULT_MEMORY_MB) });
  const started = { worker, heapMb: DEFAULT_MEMORY_MB, failed: false };
  // Until it is given a job: its failing to start is only noted (the run then starts a thread of its own, which
  // fails the same way, where it is reported), and it does not keep the process alive.
  worker.unref();
  worker.once('error', () => (started.failed = true));
  worker.once('exit', () => (started.failed = true));
  warm = started;
}

/** Whether a command line (after the program's name) gets its run thread started ahead (see warmRunThread). */
export function warmWanted(args: readonly string[]): boolean {
  if (args[0] !== 'calc' || args.some((a) => a === '-' || a === '-h' || a === '--help' || a.startsWith('--memory-mb'))) return false;
  let bytes = 0;
  for (const a of args.slice(1)) {
    if (a.startsWith('-')) continue;
    // Not a file (an option's value, a path through a file): the command says so where it reads its arguments.
    try {
      bytes += statSync(a, { throwIfNoEntry: false })?.size ?? 0;
    } catch {
      // counted as nothing
    }
  }
  return bytes * BUDGET_PER_BYTE >= DEFAULT_MEMORY_MB * 2 ** 20;
}

/** The thread started ahead, if there is one started under budget `heapMb` and it is still waiting; taken once. */
export function takeWarmRunThread(heapMb: number | undefined): Worker | undefined {
  const w = warm;
  warm = undefined;
  if (!w) return undefined;
  if (w.failed || w.heapMb !== heapMb) {
    void w.worker.terminate();
    return undefined;
  }
  w.worker.ref();
  return w.worker;
}
