// Append answered cases to a roster CSV (check --save): same columns calc reads, file created with headers if absent.
import { existsSync, readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { FIELDS } from '../engine/fields.js';
import { checkWritable, writeFileAtomic } from './atomic.js';
import { BOM, csvRow } from './csvOut.js';
import { detectEncoding, headerIn, refuseNotCsv } from './roster.js';

export class SaveError extends Error {}

/**
 * Whether `file` can take the rows at all, said before the case is asked (check --save): a file that is there must be
 * a roster CSV with a header (a workbook would be overwritten), and the folder must be there to write in.
 */
export function checkSaveTarget(file: string): void {
  checkWritable(file);
  if (existsSync(file)) existingRoster(file);
}

/** An existing roster's text, encoding and header fields (refused: a workbook, UTF-16 text, a file without a header). */
function existingRoster(file: string): { text: string; encoding: 'utf8' | 'gb18030'; fields: string[] } {
  const bytes = readFileSync(file);
  refuseNotCsv(file, bytes);
  const encoding = detectEncoding(bytes.subarray(0, 64 * 1024));
  const text = iconv.decode(bytes, encoding);
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') return { text, encoding, fields: [] };
  // The header as calc finds it: below a sheet title, if the roster has one.
  const fields = headerIn(body, file).header?.fields ?? [];
  if (!fields.some((f) => f)) throw new SaveError(`${file}: no header row naming a roster column, so no row can be added to it; save to a new file (nothing was written)`);
  return { text, encoding, fields };
}

/** Rows of canonical cell text by field name. New file: every roster column, UTF-8 with BOM. Existing file: its own header and encoding. */
export function appendRows(file: string, rows: Record<string, string>[]): void {
  if (!existsSync(file)) {
    const fields = FIELDS.map((f) => f.name);
    writeFileAtomic(file, BOM + csvRow(fields) + rows.map((r) => csvRow(fields.map((f) => r[f] ?? ''))).join(''));
    return;
  }
  const { text, encoding, fields } = existingRoster(file);
  const missing = [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => r[k] !== '' && !fields.includes(k))))];
  if (missing.length) throw new SaveError(`${file} has no column for ${missing.join(', ')}; add the column or save to a new file (nothing was written)`);
  const lines = rows.map((r) => csvRow(fields.map((f) => (f ? (r[f] ?? '') : '')))).join('');
  const sep = text.length === 0 || text.endsWith('\n') ? '' : '\r\n';
  writeFileAtomic(file, iconv.encode(text + sep + lines, encoding).toString('latin1'), 'latin1');
}
