// Heap sizes of a large run's threads, in a module of their own: the warm start of a run's thread (cli/warmRun.ts) needs them before the pipeline loads.

/**
 * Young generation of a capped thread, by what it runs. A limits thread holds a partition's lines (a few MB) while
 * it makes more: with 16 MB they outlived two collections and were promoted; 32 MB took the 1M-row limits pass
 * from ~2.7 to ~2.1 s for ~12 MB more peak RSS. Evaluating gained nothing from it. The run's own thread, which
 * does both, gets the larger (memoryBudget.ts).
 */
export const YOUNG_MB = { evaluating: 16, limits: 32 };

/** The thread that writes persons.csv beside the breakdown (personsWorker.ts), under a budget: it holds little (its readers' blocks are outside the heap). */
export const PERSONS_HEAP = { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 8 };

/** The heap budget of a large run unless `--memory-mb` says otherwise. */
export const DEFAULT_MEMORY_MB = 128;

/**
 * A roster (all files together) whose bytes times this are under the memory budget runs in the command's own
 * thread: a streaming run holds a small part of its roster at a time, and such a run stays far inside the budget.
 */
export const BUDGET_PER_BYTE = 32;

/** The run's own thread's heap limits under a budget of `heapMb` (none: uncapped). */
export const runThreadLimits = (heapMb: number | undefined): { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb: number } | undefined =>
  heapMb ? { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: YOUNG_MB.limits } : undefined;
