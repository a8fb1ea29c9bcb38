// Append answered cases to a roster CSV (check --save): same columns calc reads, file created with headers if absent.
import { existsSync, readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { FIELDS } from '../engine/fields.js';
import { writeFileAtomic } from './atomic.js';
import { BOM, csvRow } from './csvOut.js';
import { detectEncoding, headerIn } from './roster.js';

export class SaveError extends Error {}

/** Rows of canonical cell text by field name. New file: every roster column, UTF-8 with BOM. Existing file: its own header and encoding. */
export function appendRows(file: string, rows: Record<string, string>[]): void {
  if (!existsSync(file)) {
    const fields = FIELDS.map((f) => f.name);
    writeFileAtomic(file, BOM + csvRow(fields) + rows.map((r) => csvRow(fields.map((f) => r[f] ?? ''))).join(''));
    return;
  }
  const bytes = readFileSync(file);
  const encoding = detectEncoding(bytes.subarray(0, 64 * 1024));
  const text = iconv.decode(bytes, encoding);
  // The header as calc finds it: below a sheet title, if the roster has one.
  const fields = headerIn(text.replace(/^\uFEFF/, ''), file).header?.fields ?? [];
  const missing = [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => r[k] !== '' && !fields.includes(k))))];
  if (missing.length) throw new SaveError(`${file} has no column for ${missing.join(', ')}; add the column or save to a new file (nothing was written)`);
  const lines = rows.map((r) => csvRow(fields.map((f) => (f ? (r[f] ?? '') : '')))).join('');
  const sep = text.length === 0 || text.endsWith('\n') ? '' : '\r\n';
  writeFileAtomic(file, iconv.encode(text + sep + lines, encoding).toString('latin1'), 'latin1');
}
