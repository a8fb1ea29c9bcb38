// A run's temporary folders, named by its process: made here, and those of a run that was killed outright swept up later.
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
 * mid-run on a /tmp that outlives it): a 1M-row run leaves ~550 MB. A folder is taken only when its process is not
 * running and it has not changed for an hour; anything that cannot be read or removed is left as it is.
 */
export function sweepStaleTempFolders(now = Date.now()): void {
  const folder = tmpdir();
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(folder, name);
    if (!leftBehind(Number(NAMED.exec(name)?.[2]), path, now)) continue;
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // Another user's folder, or one removed meanwhile: not ours to insist on.
    }
  }
}

/**
 * Whether `path`, made by process `pid` (from its name), was left behind by a run killed outright: not this process,
 * not a running one, and unchanged for an hour (STALE_MS). False for anything that cannot be looked at.
 */
export function leftBehind(pid: number, path: string, now = Date.now()): boolean {
  if (!pid || pid === process.pid || running(pid)) return false;
  try {
    return now - statSync(path).mtimeMs >= STALE_MS;
  } catch {
    return false;
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
