// Append answered cases to a roster CSV (check --save): same columns calc reads, file created with headers if absent.
import { existsSync, readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { FIELDS } from '../engine/fields.js';
import { checkWritable, writeFileAtomic } from './atomic.js';
import { BOM, csvRow } from './csvOut.js';
import { detectFileEncoding, headerIn, refuseNotCsv, skippedKind } from './roster.js';
import { looksLikeZip } from './workbook.js';
import { TextRecords } from './textCsv.js';

export class SaveError extends Error {}

/**
 * Whether `file` can take the rows at all, said before the case is asked (check --save): a file that is there must be
 * a roster CSV with a header (a workbook would be overwritten), and the folder must be there to write in. The columns
 * saved rows can fill: every roster column for a new file, an existing roster's own.
 */
export function checkSaveTarget(file: string): Set<string> {
  checkWritable(file);
  return new Set(existsSync(file) ? existingRoster(file).fields.filter(Boolean) : FIELDS.map((f) => f.name));
}

interface ExistingRoster {
  text: string;
  encoding: 'utf8' | 'gb18030';
  fields: string[];
  labels: string[];
  delimiter: string;
}

/** An existing roster's text, encoding and header (refused: a workbook, UTF-16 text, a file without a header). */
function existingRoster(file: string): ExistingRoster {
  const bytes = readFileSync(file);
  if (looksLikeZip(bytes)) throw new SaveError(`${file}: a workbook (.xlsx): --save adds rows to a CSV roster only, and does not write into a workbook; save to a CSV file (nothing was written), and give calc both files`);
  refuseNotCsv(file, bytes);
  const encoding = detectFileEncoding(file, bytes);
  const text = iconv.decode(bytes, encoding);
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') return { text, encoding, fields: [], labels: [], delimiter: ',' };
  // The header as calc finds it: below a sheet title, if the roster has one.
  const { header, delimiter } = headerIn(body, file);
  const fields = header?.fields ?? [];
  if (!fields.some((f) => f)) throw new SaveError(`${file}: no header row naming a roster column, so no row can be added to it; save to a new file (nothing was written)`);
  return { text, encoding, fields, labels: header!.labels, delimiter };
}

/**
 * Where rows go in a roster that ends in totals rows (合计, with blank rows about them): above them, as a clerk
 * inserts a row above the sheet's 合计, so that rows below the total are not left outside it. The offset in `text`
 * where the block of such rows starts, and the line of its first totals row; undefined when the roster does not end so.
 */
function belowData(r: ExistingRoster): { at: number; line: number } | undefined {
  const lines = r.text.split(/(?<=\n)/);
  const kindOf = (line: string): string | undefined => {
    if (line.trim() === '') return 'empty';
    const cut = new TextRecords(r.delimiter, false, () => r.fields.length);
    const recs = [...cut.push(line.replace(/^\uFEFF/, '')), ...cut.end()];
    return recs.length === 1 && recs[0]!.cells.length ? skippedKind(r, recs[0]!.cells) : undefined;
  };
  // From the end up, while the lines are blank or totals rows: the last one found is the first totals row.
  let start = lines.length;
  let totals = -1;
  while (start > 0) {
    const kind = kindOf(lines[start - 1]!);
    if (kind !== 'empty' && kind !== 'totals') break;
    start--;
    if (kind === 'totals') totals = start;
  }
  if (totals < 0) return undefined;
  return { at: lines.slice(0, start).join('').length, line: totals + 1 };
}

/**
 * Rows of canonical cell text by field name. New file: every roster column, UTF-8 with BOM. Existing file: its own
 * header and encoding, the rows after its last, or above the totals rows it ends in (belowData): then the line
 * that totals row is on now is returned, for the clerk to bring its figures up to date.
 */
export function appendRows(file: string, rows: Record<string, string>[]): { totalsLine?: number } {
  if (!existsSync(file)) {
    const fields = FIELDS.map((f) => f.name);
    writeFileAtomic(file, BOM + csvRow(fields) + rows.map((r) => csvRow(fields.map((f) => r[f] ?? ''))).join(''));
    return {};
  }
  const roster = existingRoster(file);
  const { text, encoding, fields } = roster;
  const missing = [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => r[k] !== '' && !fields.includes(k))))];
  if (missing.length) throw new SaveError(`${file} has no column for ${missing.join(', ')}; add the column or save to a new file (nothing was written)`);
  const lines = rows.map((r) => csvRow(fields.map((f) => (f ? (r[f] ?? '') : '')))).join('');
  // After the last line, or above the totals rows the roster ends in.
  const below = belowData(roster);
  const at = below?.at ?? text.length;
  const sep = at === 0 || text[at - 1] === '\n' ? '' : '\r\n';
  writeFileAtomic(file, iconv.encode(text.slice(0, at) + sep + lines + text.slice(at), encoding).toString('latin1'), 'latin1');
  return below ? { totalsLine: below.line + rows.length } : {};
}
