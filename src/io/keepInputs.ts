// Inputs are never overwritten: an output that is one of the run's input files, by any path or link, is refused first.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BilingualError } from '../engine/bilingualError.js';
import type { Bilingual } from '../engine/types.js';

/** An output would replace an input (the CLI says so and exits 1, before anything is read or written). */
export class OverwriteError extends BilingualError {}

/**
 * Refuse a run whose output file is one of its inputs: the same path, or the same file under another name (a
 * symbolic or hard link: the same device and inode). `inputs` are files read (`-`, standard input, is none);
 * `outputs` are files the run will write. A roster saved as `out/summary.csv`, or a plan named `estimate.csv` in
 * the estimate's folder, was overwritten by the results.
 */
export function refuseOverwritingInputs(inputs: readonly string[], outputs: readonly string[], hint: Bilingual): void {
  const identity = (file: string): string | undefined => {
    try {
      const s = statSync(file, { throwIfNoEntry: false });
      return s?.isFile() ? `${s.dev}:${s.ino}` : undefined;
    } catch {
      return undefined; // a path through a file (ENOTDIR), a folder not to be read: no file, and the command says why where it reads or writes
    }
  };
  const read = new Map<string, string>();
  for (const input of inputs) {
    if (input === '-') continue;
    const id = identity(input);
    if (id) read.set(id, input);
    read.set(resolve(input), input);
  }
  for (const output of outputs) {
    const same = read.get(resolve(output));
    if (same !== undefined) {
      throw new OverwriteError(`${output} is an input of this run, and its results would overwrite it: ${hint.en} (nothing was written)`, `${output} 是本次运行的输入, 结果会覆盖它: ${hint.zh} (未写入任何文件)`);
    }
    const linked = read.get(identity(output) ?? '');
    if (linked !== undefined) {
      throw new OverwriteError(
        `${output}, which this run writes, is the same file as its input ${linked} (a link): ${hint.en} (nothing was written)`,
        `本次运行要写的 ${output} 与其输入 ${linked} 是同一个文件 (链接): ${hint.zh} (未写入任何文件)`,
      );
    }
  }
}
