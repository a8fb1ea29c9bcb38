// Atomic output files: write to a temp file beside the target, rename on success, remove on failure.
import { closeSync, fdatasync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface AtomicFile {
  write(text: string): void;
  /** Bytes already encoded (e.g. copied from a spill file), written after any pending text. */
  writeBytes(bytes: Uint8Array): void;
  /** Flush, fsync and rename into place. */
  commit(): void;
  /** Drop the temp file; the target is untouched. */
  abort(): void;
}

const SYNC_BEHIND = 32 << 20;

/** Why an output file cannot be written, naming the file the user gave rather than its temp file (the CLI says so and exits 1). */
export class OutputFileError extends Error {}

const WHY: Record<string, string> = {
  ENOENT: 'its folder does not exist',
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is a file',
  ENOSPC: 'no space left',
};

/**
 * Fail now, the way openAtomic would, if `target` cannot be written: its folder missing or a file, or the target a
 * folder. For a command that works a while before it writes (an estimate over a large roster).
 */
export function checkWritable(target: string): void {
  if (statSync(target, { throwIfNoEntry: false })?.isDirectory()) throw new OutputFileError(`cannot write ${target}: it is a folder (give a file name)`);
  const folder = statSync(dirname(target), { throwIfNoEntry: false });
  if (!folder) throw new OutputFileError(`cannot write ${target}: its folder does not exist (ENOENT)`);
  if (!folder.isDirectory()) throw new OutputFileError(`cannot write ${target}: a part of the path is a file (ENOTDIR)`);
}

/** Open a temp file for `target`. Writes are buffered and flushed in large blocks. */
export function openAtomic(target: string, encoding: BufferEncoding = 'utf8'): AtomicFile {
  if (statSync(target, { throwIfNoEntry: false })?.isDirectory()) throw new OutputFileError(`cannot write ${target}: it is a folder (give a file name)`);
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${Date.now().toString(36)}`);
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new OutputFileError(`cannot write ${target}: ${WHY[code] ?? (e as Error).message}${code ? ` (${code})` : ''}`);
  }
  let pending: string[] = [];
  let size = 0;
  let open = true;
  let unsynced = 0;
  // A large output is handed to the disk as it grows (fdatasync on libuv's pool, not waited for): the fsync at
  // commit then finds little left. A 370 MB breakdown took ~0.5 s to fsync here when it was all left to the end.
  const written = (bytes: number): void => {
    unsynced += bytes;
    if (unsynced < SYNC_BEHIND) return;
    unsynced = 0;
    fdatasync(fd, () => undefined);
  };
  const flush = (): void => {
    if (pending.length === 0) return;
    written(writeSync(fd, pending.join(''), null, encoding));
    pending = [];
    size = 0;
  };
  return {
    write(text) {
      pending.push(text);
      size += text.length;
      if (size > 1 << 20) flush();
    },
    writeBytes(bytes) {
      flush();
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
      written(done);
    },
    commit() {
      flush();
      fsyncSync(fd);
      closeSync(fd);
      open = false;
      renameSync(tmp, target);
    },
    abort() {
      if (open) closeSync(fd);
      open = false;
      rmSync(tmp, { force: true });
    },
  };
}

/** `latin1` lets a caller pass bytes it already encoded (e.g. GBK) through unchanged. */
export function writeFileAtomic(target: string, text: string, encoding: BufferEncoding = 'utf8'): void {
  const f = openAtomic(target, encoding);
  try {
    f.write(text);
    f.commit();
  } catch (e) {
    f.abort();
    throw e;
  }
}
