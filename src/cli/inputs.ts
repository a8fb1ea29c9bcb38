// Files a command reads, checked before any work: one that is not there, or is a folder, is said plainly with the option that named it.
import { statSync } from 'node:fs';
import { UsageError } from './errors.js';

/** Refuse the first of `files` (given by `option`) that is not a readable file; standard input (-) is taken as given. */
export function requireFiles(files: readonly string[], option: string): void {
  for (const file of files) {
    if (file === '-') continue;
    let found;
    try {
      found = statSync(file, { throwIfNoEntry: false });
    } catch (e) {
      // A file in the path (ENOTDIR), a folder not to be read (EACCES): said with the system's word for it.
      const code = (e as NodeJS.ErrnoException).code ?? '';
      throw new UsageError(`${file}: cannot be read (${code}; ${option})`, `${file}: 无法读取 (${code}; ${option})`);
    }
    if (!found) throw new UsageError(`${file}: no such file (${option})`, `${file}: 文件不存在 (${option})`);
    if (!found.isFile()) throw new UsageError(`${file}: a folder, not a file (${option})`, `${file}: 是文件夹, 不是文件 (${option})`);
  }
}
