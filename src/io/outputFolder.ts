// The output folder (-o): made with its parents, or a plain error saying why not.
import { mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Why the output folder cannot be made (the CLI says so and exits 1). */
export class OutputFolderError extends Error {}

/** What a file system's refusal means, by its code (ENOENT differs by case: see WHY here and in atomic.ts). */
export const REFUSALS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is a file',
  ENOSPC: 'no space left',
};

// A folder whose parent exists yet is refused with ENOENT: some file systems do (see makeOutputFolder).
const WHY: Record<string, string> = { ...REFUSALS, ENOENT: 'the file system refused it' };

const refused = (folder: string, e: unknown): OutputFolderError => {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return new OutputFolderError(`cannot create the folder ${folder}: ${WHY[code] ?? (e as Error).message}${code ? ` (${code})` : ''}`);
};

/**
 * `mkdir -p`, one level at a time. Node 20's own recursive mkdir loops forever where a parent exists but the
 * file system refuses the child with ENOENT (`-o /proc/x`, some network mounts): here that is an error.
 */
export function makeOutputFolder(path: string): void {
  const folder = resolve(path);
  let found: Stats | undefined;
  try {
    found = statSync(folder, { throwIfNoEntry: false });
  } catch (e) {
    throw refused(folder, e);
  }
  if (found?.isDirectory()) return;
  if (found) throw new OutputFolderError(`${path} is a file, not a folder`);
  const parent = dirname(folder);
  if (parent !== folder) makeOutputFolder(parent);
  try {
    mkdirSync(folder);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(folder).isDirectory()) return; // made meanwhile by another run
    throw refused(folder, e);
  }
}
