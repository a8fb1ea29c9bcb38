// Append answered cases to a roster (check --save): a CSV (created with headers if absent) or a workbook (workbookAppend.ts), in the columns calc reads.
import { existsSync, readFileSync } from 'node:fs';
import { iconv } from './commonJs.js';
import { FIELDS } from '../engine/fields.js';
import { checkWritable, writeFileAtomic } from './atomic.js';
import { BOM, csvRow } from './csvOut.js';
import { detectFileEncoding, headerIn, refuseNotCsv } from './roster.js';
import { skippedKind } from './rowKinds.js';
import { SaveError, rowsForColumns } from './savedRows.js';
import { bookKind } from './workbook.js';
import { appendToWorkbook, workbookSaveColumns } from './workbookAppend.js';
import { TextRecords } from './textCsv.js';

export { SaveError } from './savedRows.js';

/** The files rows are not added to (check --save), as a clerk would call them. */
const NOT_ADDED_TO = {
  cfb: { en: 'an Excel 97–2003 or WPS workbook (.xls, .et)', zh: 'Excel 97–2003 或 WPS 工作簿 (.xls, .et)' },
  spreadsheetml: { en: 'an XML spreadsheet (Excel 2003 XML)', zh: 'XML 电子表格 (Excel 2003 XML)' },
  html: { en: 'a web page (HTML) exported under a spreadsheet name', zh: '以电子表格文件名导出的网页 (HTML)' },
} as const;

/**
 * Whether `file` can take the rows at all, said before the case is asked (check --save): a file that is there must be
 * a roster with a header (a CSV, or a workbook whose sheet does not end in a 合计 row), a workbook must be there, and
 * the folder must be there to write in. The columns saved rows can fill: every roster column for a new CSV file, an
 * existing roster's own.
 */
export function checkSaveTarget(file: string): Set<string> {
  checkWritable(file);
  if (!existsSync(file) && /\.(xls|xlsm|xlsb|et)$/i.test(file)) {
    throw new SaveError(`${file}: rows are added to an .xlsx workbook or a CSV file; name a file .xlsx or .csv (nothing was written)`, `${file}: 行只添加到 .xlsx 工作簿或 CSV 文件; 请把文件名取为 .xlsx 或 .csv (未写入)`);
  }
  if (!existsSync(file) && /\.xlsx$/i.test(file)) {
    throw new SaveError(
      `${file}: no such workbook; make one to fill in with subsidy template -j <code> -o ${file}, or save to a .csv file (nothing was written)`,
      `${file}: 工作簿不存在; 可用 subsidy template -j <地区> -o ${file} 生成一个待填的, 或保存到 .csv 文件 (未写入)`,
    );
  }
  if (!existsSync(file)) return new Set(FIELDS.map((f) => f.name));
  const kind = bookKind(file);
  // An .xls is read (xls.ts) but not written: rows go into an .xlsx or a CSV.
  const notAdded = NOT_ADDED_TO[kind as keyof typeof NOT_ADDED_TO];
  if (notAdded) {
    throw new SaveError(
      `${file}: ${notAdded.en}, which rows are not added to: open it in Excel or WPS, save it as .xlsx (Excel 工作簿) and save to that file (nothing was written)`,
      `${file}: ${notAdded.zh}, 不能往里添加行: 请在 Excel 或 WPS 中打开, 另存为 .xlsx (Excel 工作簿), 再保存到那个文件 (未写入)`,
    );
  }
  if (kind === 'zip') return workbookSaveColumns(file);
  return new Set(existingRoster(file).fields.filter(Boolean));
}

interface ExistingRoster {
  text: string;
  encoding: 'utf8' | 'gb18030';
  fields: string[];
  labels: string[];
  delimiter: string;
}

/** An existing roster CSV's text, encoding and header (refused: UTF-16 text, a PDF …, a file without a header). */
function existingRoster(file: string): ExistingRoster {
  const bytes = readFileSync(file);
  refuseNotCsv(file, bytes);
  const encoding = detectFileEncoding(file, bytes);
  const text = iconv.decode(bytes, encoding);
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') return { text, encoding, fields: [], labels: [], delimiter: ',' };
  // The header as calc finds it: below a sheet title, if the roster has one.
  const { header, delimiter } = headerIn(body, file);
  const fields = header?.fields ?? [];
  if (!fields.some((f) => f)) {
    throw new SaveError(`${file}: no header row naming a roster column, so no row can be added to it; save to a new file (nothing was written)`, `${file}: 没有写明花名册列的表头行, 无法往里添加行; 请保存到新文件 (未写入)`);
  }
  return { text, encoding, fields, labels: header!.labels, delimiter };
}

/**
 * Where rows go in a roster that ends in totals rows (合计) or a sign-off (制表人：…), with blank rows about them:
 * above them, as a clerk inserts a row above the sheet's 合计, so that rows below the total are not left outside it
 * nor under the form's signatures. The offset in `text` where the block of such rows starts, and the line of its
 * first totals row (`totals`) or else of its first sign-off row (`footer`); undefined when the roster does not end so.
 */
function belowData(r: ExistingRoster): { at: number; totals?: number; footer?: number } | undefined {
  const lines = r.text.split(/(?<=\n)/);
  const kindOf = (line: string): string | undefined => {
    if (line.trim() === '') return 'empty';
    const cut = new TextRecords(r.delimiter, false, () => r.fields.length);
    const recs = [...cut.push(line.replace(/^\uFEFF/, '')), ...cut.end()];
    return recs.length === 1 && recs[0]!.cells.length ? skippedKind(r, recs[0]!.cells) : undefined;
  };
  // From the end up, while the lines are blank, totals or sign-off rows: the last one of a kind found is its first.
  let start = lines.length;
  let totals = -1;
  let footer = -1;
  while (start > 0) {
    const kind = kindOf(lines[start - 1]!);
    if (kind !== 'empty' && kind !== 'totals' && kind !== 'footer') break;
    start--;
    if (kind === 'totals') totals = start;
    if (kind === 'footer') footer = start;
  }
  if (totals < 0 && footer < 0) return undefined;
  const at = lines.slice(0, start).join('').length;
  return totals >= 0 ? { at, totals: totals + 1 } : { at, footer: footer + 1 };
}

/**
 * Rows of canonical cell text by field name. New file: every roster column, UTF-8 with BOM. Existing file: its own
 * header and encoding, in its columns (rowsForColumns), the rows after its last, or above the totals or sign-off
 * rows it ends in (belowData): then the line that totals row is on now is returned, for the clerk to bring its
 * figures up to date (or the line the sign-off now starts on).
 * A workbook: workbookAppend.ts.
 */
export function appendRows(file: string, given: Record<string, string>[]): { totalsLine?: number; footerLine?: number; withoutJurisdiction?: true } {
  if (!existsSync(file)) {
    const fields = FIELDS.map((f) => f.name);
    writeFileAtomic(file, BOM + csvRow(fields) + given.map((r) => csvRow(fields.map((f) => r[f] ?? ''))).join(''));
    return {};
  }
  if (bookKind(file) === 'zip') return appendToWorkbook(file, given);
  const roster = existingRoster(file);
  const { text, encoding, fields } = roster;
  const { rows, withoutJurisdiction } = rowsForColumns(file, fields, given);
  const dropped = withoutJurisdiction ? { withoutJurisdiction } : {};
  const lines = rows.map((r) => csvRow(fields.map((f) => (f ? (r[f] ?? '') : '')))).join('');
  // After the last line, or above the totals rows the roster ends in.
  const below = belowData(roster);
  const at = below?.at ?? text.length;
  const sep = at === 0 || text[at - 1] === '\n' ? '' : '\r\n';
  writeFileAtomic(file, iconv.encode(text.slice(0, at) + sep + lines + text.slice(at), encoding).toString('latin1'), 'latin1');
  if (below?.totals) return { totalsLine: below.totals + rows.length, ...dropped };
  if (below?.footer) return { footerLine: below.footer + rows.length, ...dropped };
  return dropped;
}
