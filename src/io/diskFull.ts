// A disk that fills up mid-run, said as where and what to do: Node's own "ENOSPC: no space left on device, write" names neither.
import { tmpdir } from 'node:os';
import { BilingualError } from '../engine/bilingualError.js';

/** A run's temporary files could not be written for want of room (the CLI says so and exits 1). */
export class DiskFullError extends BilingualError {}

/** A write refused for want of room: the disk full, or the user's quota used up. */
export const isDiskFull = (e: unknown): boolean => ['ENOSPC', 'EDQUOT'].includes((e as NodeJS.ErrnoException)?.code ?? '');

/**
 * `e` as a DiskFullError naming the system's temporary folder (TMPDIR), where a run keeps its temporary files, when it
 * is a write refused for want of room; any other error as it is. The size said is measured: the 1M-row bench roster
 * (114 MB) kept up to ~560 MB of temporary files (the breakdown's spill, ~360 MB, and the limit records, ~140 MB).
 */
export function tempFolderFull(e: unknown): unknown {
  if (!isDiskFull(e)) return e;
  const folder = tmpdir();
  const code = (e as NodeJS.ErrnoException).code;
  return new DiskFullError(
    `no space left for the run's temporary files in ${folder} (${code}): a large run keeps up to about five times the roster's size there (the 1M-row bench roster, 114 MB: ~560 MB); free some room, or set TMPDIR to a folder on a disk with room`,
    `临时文件夹 ${folder} 所在磁盘空间不足 (${code}): 大批量运行时的临时文件最多约为花名册大小的五倍 (100 万行的基准花名册 114 MB: 约 560 MB); 请腾出空间, 或将 TMPDIR 设为空间充足的磁盘上的文件夹`,
  );
}

/**
 * Test-only fault injection (as ledger.ts's faultAt): a write refused for want of room here, as a full disk refuses
 * it, when a test set SUBSIDY_FAULT to `name`. No test can fill a disk. `persons-disk-full`: only where persons.csv is
 * written by a thread of its own (continueAtomic).
 */
export function faultDiskFull(name: 'temp-disk-full' | 'output-disk-full' | 'persons-disk-full'): void {
  if (process.env.SUBSIDY_FAULT === name) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
}
