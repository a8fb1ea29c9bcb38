// The output folder (-o): made with its parents, or a plain error saying why not.
import { mkdirSync, rmdirSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BilingualError } from '../engine/bilingualError.js';
import type { Bilingual } from '../engine/types.js';

/** Why the output folder cannot be made (the CLI says so and exits 1). */
export class OutputFolderError extends BilingualError {}

/** What a file system's refusal means, by its code (ENOENT differs by case: see WHY here and in atomic.ts). */
export const REFUSALS: Readonly<Record<string, Bilingual>> = {
  EACCES: { en: 'permission denied', zh: '没有权限' },
  EPERM: { en: 'not permitted', zh: '不允许' },
  EROFS: { en: 'read-only file system', zh: '文件系统只读' },
  ENOTDIR: { en: 'a part of the path is a file', zh: '路径中有一段是文件' },
  ENOSPC: { en: 'no space left', zh: '磁盘空间不足' },
  EDQUOT: { en: 'disk quota used up', zh: '磁盘配额已用完' },
};

// A folder whose parent exists yet is refused with ENOENT: some file systems do (see makeOutputFolder).
const WHY: Record<string, Bilingual> = { ...REFUSALS, ENOENT: { en: 'the file system refused it', zh: '文件系统拒绝' } };

const refused = (folder: string, e: unknown): OutputFolderError => {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const why = WHY[code] ?? { en: (e as Error).message, zh: (e as Error).message };
  const tail = code ? ` (${code})` : '';
  return new OutputFolderError(`cannot create the folder ${folder}: ${why.en}${tail}`, `无法创建文件夹 ${folder}: ${why.zh}${tail}`);
};

/**
 * `mkdir -p`, one level at a time. Node 20's own recursive mkdir loops forever where a parent exists but the
 * file system refuses the child with ENOENT (`-o /proc/x`, some network mounts): here that is an error.
 * Returns the folders it made, outermost first (for removeMadeFolders).
 */
export function makeOutputFolder(path: string): string[] {
  const folder = resolve(path);
  let found: Stats | undefined;
  try {
    found = statSync(folder, { throwIfNoEntry: false });
  } catch (e) {
    throw refused(folder, e);
  }
  if (found?.isDirectory()) return [];
  if (found) throw new OutputFolderError(`${path} is a file, not a folder`, `${path} 是文件, 不是文件夹`);
  const parent = dirname(folder);
  const made = parent !== folder ? makeOutputFolder(parent) : [];
  try {
    mkdirSync(folder);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(folder).isDirectory()) return made; // made meanwhile by another run
    throw refused(folder, e);
  }
  return [...made, folder];
}

/**
 * After a run that failed, the folders makeOutputFolder made for it, innermost first, as long as they are empty: a
 * refused run leaves nothing behind. A folder something was put in meanwhile stays, and so do those around it.
 */
export function removeMadeFolders(made: readonly string[]): void {
  for (const folder of [...made].reverse()) {
    try {
      rmdirSync(folder);
    } catch {
      return;
    }
  }
}
