// A run's temporary folders, named by its process, and what runs killed outright left (these folders, staged outputs) swept up later.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the program's temporary folders are for: a large run's spill (~5x its roster), and workbook sheets' CSV copies. */
export type TempKind = 'run' | 'sheets';

/**
 * How long a folder of a process that is gone is left alone: a live run's folder changes as its files come and go,
 * so one unchanged this long whose process is not running here is nobody's (a container sharing /tmp runs processes
 * this one cannot see: their folders are recent).
 */
const STALE_MS = 60 * 60 * 1000;

const NAMED = /^subsidy-(run|sheets)-(\d+)-/;

/** A new temporary folder for this process (`subsidy-run-<pid>-XXXXXX`), after sweeping up those killed runs left. */
export function makeTempFolder(kind: TempKind): string {
  sweepStaleTempFolders();
  return mkdtempSync(join(tmpdir(), `subsidy-${kind}-${process.pid}-`));
}

/**
 * Remove the temporary folders of runs killed outright (SIGKILL, the kernel's out-of-memory killer, a power cut
 * mid-run on a /tmp that outlives it): a 1M-row run leaves ~550 MB.
 */
export function sweepStaleTempFolders(now = Date.now()): void {
  removeLeftBehind(tmpdir(), (name) => Number(NAMED.exec(name)?.[2]), now);
}

/**
 * Remove what runs killed outright left in `folder`: each entry that `pidOf` names a process for (NaN: not one of
 * the program's), when that process is not this one nor running and the entry has not changed for an hour
 * (STALE_MS). Anything that cannot be read or removed (another user's, removed meanwhile) is left as it is.
 */
export function removeLeftBehind(folder: string, pidOf: (name: string) => number, now = Date.now()): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = pidOf(name);
    if (!pid || pid === process.pid || running(pid)) continue;
    const path = join(folder, name);
    try {
      if (now - statSync(path).mtimeMs >= STALE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Not ours to insist on.
    }
  }
}

/** Whether a process with this ID is running (signal 0 checks without sending anything; EPERM: running, someone else's). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
