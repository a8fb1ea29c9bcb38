// Errors the entry point turns into a message and exit code 1 (usage or setup), never a stack trace.
import { BilingualError } from '../engine/bilingualError.js';
import { unknownProgram } from '../engine/intake.js';
import type { Table } from '../tables/schema.js';

export class UsageError extends BilingualError {}

/** -j (or a roster's or plan's jurisdiction) names no table: the codes there are. */
export function unknownJurisdiction(code: string, known: Iterable<string>): UsageError {
  const list = [...known].join(', ');
  return new UsageError(`unknown jurisdiction "${code}"; known: ${list}`, `未知地区"${code}"; 可选: ${list}`);
}

/** --program (or a check's programme) names none of `table`'s: the closest and the ones there are. */
export function programNotInTable(table: Table, name: string): UsageError {
  const why = unknownProgram(table, name);
  return new UsageError(`programme "${name}": ${why.en}`, `补贴项目"${name}": ${why.zh}`);
}

/** --sheet and --all-sheets together (calc, estimate). */
export const sheetAndAllSheets = (): UsageError =>
  new UsageError('--sheet reads one sheet and --all-sheets every one: give either', '--sheet 读一个工作表, --all-sheets 读全部: 二者只给其一');
