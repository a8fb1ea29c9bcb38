// Atomic output files: write to a temp file beside the target, rename on success, remove on failure.
import { type Stats, closeSync, fdatasync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BilingualError } from '../engine/bilingualError.js';
import type { Bilingual } from '../engine/types.js';
import { REFUSALS } from './outputFolder.js';
import { faultDiskFull } from './diskFull.js';
import { undoOnInterrupt } from './interrupt.js';
import { removeLeftBehind } from './tempFolders.js';
import { writeAll } from './writeAll.js';

export interface AtomicFile {
  write(text: string): void;
  /** Bytes already encoded (e.g. copied from a spill file), written after any pending text. */
  writeBytes(bytes: Uint8Array): void;
  /**
   * Hand the rest of the file to another thread of this process (continueAtomic): what was written is flushed, and this
   * object writes no more but still commits or aborts the file once that thread is done.
   */
  handOver(): HandedOver;
  /**
   * Flush, and hand what was written to the disk without waiting (fdatasync on libuv's pool): the promise settles once
   * it is there, and commit's fsync then finds little left. A failure is commit's to report.
   */
  syncAhead(): Promise<void>;
  /** Flush, fsync and rename into place. */
  commit(): void;
  /** Drop the temp file; the target is untouched. */
  abort(): void;
}

/** Where another thread goes on writing an output (AtomicFile.handOver): its temp file, from byte `at`. */
export interface HandedOver {
  target: string;
  tmp: string;
  at: number;
}

const SYNC_BEHIND = 32 << 20;

/** Why an output file cannot be written, naming the file the user gave rather than its temp file (the CLI says so and exits 1). */
export class OutputFileError extends BilingualError {}

const WHY: Record<string, Bilingual> = { ...REFUSALS, ENOENT: { en: 'its folder does not exist', zh: '其文件夹不存在' } };

const cannotWrite = (target: string, code: string, detail = ''): OutputFileError => {
  const why = WHY[code] ?? { en: detail, zh: detail };
  const tail = code ? ` (${code})` : '';
  return new OutputFileError(`cannot write ${target}: ${why.en}${tail}`, `无法写入 ${target}: ${why.zh}${tail}`);
};

/**
 * Fail now, the way openAtomic would, if `target` cannot be written: its folder missing or a file, or the target a
 * folder. openAtomic checks this first; a command that works a while before it writes (an estimate over a large
 * roster) calls it before the work.
 */
export function checkWritable(target: string): void {
  let found: Stats | undefined;
  try {
    found = statSync(target, { throwIfNoEntry: false });
  } catch (e) {
    throw cannotWrite(target, (e as NodeJS.ErrnoException).code ?? '', (e as Error).message); // ENOTDIR: a file in the path
  }
  if (found?.isDirectory()) throw new OutputFileError(`cannot write ${target}: it is a folder (give a file name)`, `无法写入 ${target}: 它是文件夹 (请给出文件名)`);
  const folder = statSync(dirname(target), { throwIfNoEntry: false });
  if (!folder) throw cannotWrite(target, 'ENOENT');
  if (!folder.isDirectory()) throw cannotWrite(target, 'ENOTDIR');
}

/** Open a temp file for `target`. Writes are buffered and flushed in large blocks. */
export function openAtomic(target: string, encoding: BufferEncoding = 'utf8'): AtomicFile {
  checkWritable(target);
  removeStaleTemps(target);
  const tmp = join(dirname(target), `${stagedPrefix(target)}${process.pid}-${Date.now().toString(36)}`);
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (e) {
    throw cannotWrite(target, (e as NodeJS.ErrnoException).code ?? '', (e as Error).message);
  }
  let pending: string[] = [];
  let size = 0;
  let open = true;
  /** Bytes written to the temp file so far. */
  let offset = 0;
  let handedOver = false;
  // Interrupted (Ctrl+C) before it is committed or given up, the temp file goes.
  const undone = undoOnInterrupt(() => {
    if (open) closeSync(fd);
    open = false;
    rmSync(tmp, { force: true });
  });
  let unsynced = 0;
  // A large output is handed to the disk as it grows (fdatasync on libuv's pool, not waited for): the fsync at
  // commit then finds little left. A 370 MB breakdown took ~0.5 s to fsync here when it was all left to the end.
  const written = (bytes: number): void => {
    unsynced += bytes;
    if (unsynced < SYNC_BEHIND) return;
    unsynced = 0;
    fdatasync(fd, () => undefined);
  };
  const put = (bytes: Uint8Array): number => {
    if (handedOver) throw new Error(`${target}: written after it was handed to another thread`);
    faultDiskFull('output-disk-full');
    offset += writeAll(fd, bytes);
    return bytes.length;
  };
  const flush = (): void => {
    if (pending.length === 0) return;
    const bytes = Buffer.from(pending.join(''), encoding);
    pending = [];
    size = 0;
    written(refusedAs(target, () => put(bytes)));
  };
  return {
    write(text) {
      pending.push(text);
      size += text.length;
      if (size > 1 << 20) flush();
    },
    writeBytes(bytes) {
      flush();
      written(refusedAs(target, () => put(bytes)));
    },
    syncAhead() {
      flush();
      return new Promise((settled) => fdatasync(fd, () => settled()));
    },
    handOver() {
      flush();
      handedOver = true;
      return { target, tmp, at: offset };
    },
    commit() {
      flush();
      refusedAs(target, () => fsyncSync(fd));
      closeSync(fd);
      open = false;
      renameSync(tmp, target);
      undone();
    },
    abort() {
      if (open) closeSync(fd);
      open = false;
      rmSync(tmp, { force: true });
      undone();
    },
  };
}

/**
 * `io` on `target`'s temp file: a write the system refuses (the disk full, the quota used up) names the file the user
 * gave, not Node's bare "ENOSPC: no space left on device, write".
 */
function refusedAs<T>(target: string, io: () => T): T {
  try {
    return io();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw code ? cannotWrite(target, code, (e as Error).message) : e;
  }
}

/**
 * An output another thread handed over (AtomicFile.handOver), written on from where it stopped through a descriptor
 * of this thread's own: the owner's closing its descriptor (an abort, an interrupt) cannot leave this one writing to
 * a file that took its number. `close` closes that descriptor; the owner commits or aborts the file.
 */
export function continueAtomic(h: HandedOver): { writeBytes(bytes: Uint8Array): void; close(): void } {
  let fd: number;
  try {
    fd = openSync(h.tmp, 'r+');
  } catch (e) {
    throw cannotWrite(h.target, (e as NodeJS.ErrnoException).code ?? '', (e as Error).message);
  }
  let at = h.at;
  return {
    writeBytes(bytes) {
      refusedAs(h.target, () => {
        faultDiskFull('output-disk-full');
        faultDiskFull('persons-disk-full');
        at += writeAll(fd, bytes, 0, bytes.length, at);
      });
    },
    close() {
      closeSync(fd);
    },
  };
}

/** The hidden name a temp file of `target` starts with, before its process's ID: `.breakdown.csv.tmp-<pid>-<time>`. */
const stagedPrefix = (target: string): string => `.${basename(target)}.tmp-`;

/** For a file name in `target`'s folder: the ID of the process that staged it as a temp file of `target`, else NaN. */
function stagerOf(target: string): (name: string) => number {
  const prefix = stagedPrefix(target);
  return (name) => (name.startsWith(prefix) ? Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]) : NaN);
}

/**
 * Temp files of `target` that a run killed outright (SIGKILL, out of memory) left beside it, hidden: a breakdown's is
 * as large as the breakdown. Removed once their process is gone and they are an hour old (tempFolders.ts).
 */
function removeStaleTemps(target: string): void {
  removeLeftBehind(dirname(target), stagerOf(target));
}

/**
 * Temp files of `target` that this process staged and left: a run's own thread, stopped or out of memory, could not
 * commit or give them up itself.
 */
export function removeStagedHere(target: string): void {
  const folder = dirname(target);
  const stager = stagerOf(target);
  for (const name of readdirSync(folder)) if (stager(name) === process.pid) rmSync(join(folder, name), { force: true });
}

/** `latin1` lets a caller pass bytes it already encoded (e.g. GBK) through unchanged. */
export function writeFileAtomic(target: string, content: string | Buffer, encoding: BufferEncoding = 'utf8'): void {
  const f = openAtomic(target, encoding);
  try {
    if (typeof content === 'string') f.write(content);
    else f.writeBytes(content);
    f.commit();
  } catch (e) {
    f.abort();
    throw e;
  }
}
