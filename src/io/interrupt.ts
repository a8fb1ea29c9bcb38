// What a command would leave behind if stopped (Ctrl+C, SIGTERM, SIGHUP): undone by the entry point, last made first, before it exits.

/** Removes something the command made (a temporary folder, a staged output); may first stop a thread still writing there. */
export type Undo = () => void | Promise<void>;

const undos: Undo[] = [];

/**
 * Have `undo` run if the command is stopped by a signal. Returns the function that drops it again: call it once the thing is
 * gone or in its place (the run removed its temporary folder, an output was committed).
 */
export function undoOnInterrupt(undo: Undo): () => void {
  undos.push(undo);
  return () => {
    const i = undos.lastIndexOf(undo);
    if (i >= 0) undos.splice(i, 1);
  };
}

/**
 * Run every pending undo, the last registered first (a staged output before the folder made for it). One that fails
 * does not stop the others: the command is being stopped, and what can be removed is.
 */
export async function undoAll(): Promise<void> {
  while (undos.length) {
    try {
      await undos.pop()!();
    } catch {
      // Stopping anyway: a file that could not be removed is left, as it would have been without this.
    }
  }
}

/**
 * Test-only fault injection: a stop at this point of a run, SUBSIDY_FAULT=<signal>-at-<point> (SIGINT-at-limits is a
 * Ctrl+C while limits are decided), the run then held there as a long pass would be, so that the signal meets it
 * mid-way whichever thread it runs in. No test can time a real Ctrl+C to a pass.
 */
export async function faultInterrupt(point: 'limits' | 'staged'): Promise<void> {
  const fault = /^(SIGINT|SIGTERM|SIGHUP)-at-(\w+)$/.exec(process.env.SUBSIDY_FAULT ?? '');
  if (fault?.[2] !== point) return;
  process.kill(process.pid, fault[1] as NodeJS.Signals);
  await new Promise((wake) => setTimeout(wake, 60_000));
}
