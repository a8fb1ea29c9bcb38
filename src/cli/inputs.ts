// Files a command reads, checked before any work: one that is not there, or is a folder, is said plainly with the option (or argument) that named it.
import { statSync } from 'node:fs';
import type { Bilingual } from '../engine/types.js';
import { loadRunTables } from '../tables/shipped.js';
import type { Table } from '../tables/schema.js';
import { UsageError } from './errors.js';

/**
 * Refuse the first of `files` that is not a readable file; standard input (-) is taken as given. `given`: what named
 * them, said after the file: an option (`--catalog`), or words in both languages for an argument (calc's rosters).
 */
export function requireFiles(files: readonly string[], given: string | Bilingual): void {
  const { en, zh } = typeof given === 'string' ? { en: given, zh: given } : given;
  for (const file of files) {
    if (file === '-') continue;
    let found;
    try {
      found = statSync(file, { throwIfNoEntry: false });
    } catch (e) {
      // A file in the path (ENOTDIR), a folder not to be read (EACCES): said with the system's word for it.
      const code = (e as NodeJS.ErrnoException).code ?? '';
      throw new UsageError(`${file}: cannot be read (${code}; ${en})`, `${file}: 无法读取 (${code}; ${zh})`);
    }
    if (!found) throw new UsageError(`${file}: no such file (${en})`, `${file}: 文件不存在 (${zh})`);
    if (!found.isFile()) throw new UsageError(`${file}: a folder, not a file (${en})`, `${file}: 是文件夹, 不是文件 (${zh})`);
  }
}

/** The shipped rate tables and those --table adds, its files checked as above first. */
export async function runTables(extra: readonly string[]): Promise<Map<string, Table>> {
  requireFiles(extra, '--table');
  return loadRunTables(extra);
}
