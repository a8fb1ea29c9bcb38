// What answered cases saved into a roster hold (check --save): its columns only, and why they cannot be saved when not.
import { BilingualError } from '../engine/bilingualError.js';

/** Why answered cases could not be added to a roster: the CLI says so and exits 1, nothing written. */
export class SaveError extends BilingualError {}

/**
 * The rows (cell text by field) as a roster of `fields` takes them. A roster of one jurisdiction (a template made with
 * -j) has no jurisdiction column: the rows go in without it (`withoutJurisdiction`), to be read with -j as the rest.
 * A value for any other column the roster does not have refuses the save.
 */
export function rowsForColumns(file: string, fields: readonly string[], given: Record<string, string>[]): { rows: Record<string, string>[]; withoutJurisdiction?: true } {
  const dropJurisdiction = !fields.includes('jurisdiction') && given.some((r) => r.jurisdiction);
  const rows = dropJurisdiction ? given.map(({ jurisdiction: _, ...rest }) => rest) : given;
  const missing = [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => r[k] !== '' && !fields.includes(k))))];
  if (missing.length) {
    throw new SaveError(`${file} has no column for ${missing.join(', ')}; add the column or save to a new file (nothing was written)`, `${file} 没有 ${missing.join(', ')} 列; 请加上该列或保存到新文件 (未写入)`);
  }
  return dropJurisdiction ? { rows, withoutJurisdiction: true } : { rows };
}
