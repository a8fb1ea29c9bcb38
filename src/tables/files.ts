// Where the rate tables are and how their problems are reported: what every loader shares, without the YAML parser or zod.
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TableProblem {
  file: string;
  path: string;
  line?: number;
  message: string;
}

export class TableError extends Error {
  constructor(readonly problems: TableProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

export function formatProblem(p: TableProblem): string {
  return `${p.file}${p.line ? `:${p.line}` : ''}: ${p.path || '(top)'}: ${p.message}`;
}

/** The shipped data/ folder, found relative to the compiled code so it works from any working directory. */
export const DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data');

export function listTableFiles(dir = DATA_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}
