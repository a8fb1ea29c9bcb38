// Rows added to a roster kept as a workbook (check --save book.xlsx): below its first visible sheet's last row, every other part of the file copied as it was.
import { FIELD_BY_NAME } from '../engine/fields.js';
import { writeFileAtomic } from './atomic.js';
import { xmlText } from './bookParts.js';
import { columnLetter } from './roster.js';
import { skippedKind } from './rowKinds.js';
import { SaveError, rowsForColumns } from './savedRows.js';
import { csvCell, headerOfHead } from './sheetLines.js';
import { type WholeSheet, readSheetWhole } from './workbook.js';
import { readStored } from './zip.js';
import { zipBytes } from './zipWrite.js';

/** A workbook roster's sheet and header, as calc reads them: the columns a saved row can fill, and the row after its last. */
interface BookRoster {
  sheet: WholeSheet;
  fields: string[];
  next: number;
}

function bookRoster(file: string): BookRoster {
  const sheet = readSheetWhole(file, file);
  // The header among the first ten rows, found as calc finds it (HeaderFinder): from those rows as CSV lines.
  const head = Array.from({ length: 10 }, (_, i) => sheet.rows.find((r) => r.row === i + 1)?.cells.map(csvCell) ?? []);
  const header = headerOfHead(head, file);
  const fields = header?.fields ?? [];
  if (!fields.some(Boolean)) {
    throw new SaveError(`${file}: its sheet has no header row naming a roster column, so no row can be added to it; save to a new file (nothing was written)`, `${file}: 工作表没有写明花名册列的表头行, 无法往里添加行; 请保存到新文件 (未写入)`);
  }
  const last = sheet.rows.at(-1)!;
  // Rows added below a 合计 row would be outside the total, and inserting above it would move the rows a formula names.
  // Below a sign-off (制表人：…) they would be under the signatures. Blank rows under either are looked through.
  let end = sheet.rows.length - 1;
  let kind = skippedKind(header!, last.cells);
  while (kind === 'empty' && end > 0) kind = skippedKind(header!, sheet.rows[--end]!.cells);
  if (kind === 'totals' || kind === 'footer') {
    const what = kind === 'totals' ? 'a totals row' : 'a sign-off row (制表人 …)';
    const whatZh = kind === 'totals' ? '合计行' : '签字行 (制表人 …)';
    const row = sheet.rows[end]!.row;
    throw new SaveError(
      `${file}: its sheet ends in ${what} (row ${row}); insert the rows above it in Excel, or save to a CSV file and give calc both (nothing was written)`,
      `${file}: 工作表以${whatZh}结尾 (第 ${row} 行); 请在 Excel 中在其上方插入行, 或保存到 CSV 文件, 再把两者都交给 calc (未写入)`,
    );
  }
  return { sheet, fields, next: last.row + 1 };
}

/** The columns a row saved into the workbook `file` can fill. */
export function workbookSaveColumns(file: string): Set<string> {
  return new Set(bookRoster(file).fields.filter(Boolean));
}

/**
 * Add `given` (cell text by field, in the sheet's columns: rowsForColumns) below the sheet's last row: text as text (an ID stays its 18 characters), counts and
 * amounts as numbers. The sheet's other rows, its formats and every other part of the file are left as they were.
 */
export function appendToWorkbook(file: string, given: Record<string, string>[]): { withoutJurisdiction?: true } {
  const { sheet, fields, next } = bookRoster(file);
  const { rows, withoutJurisdiction } = rowsForColumns(file, fields, given);
  const p = sheet.prefix;
  const added = rows
    .map((rec, k) => {
      const r = next + k;
      const cells = fields.map((f, i) => {
        const v = f ? rec[f] : undefined;
        if (v === undefined || v === '') return '';
        const kind = FIELD_BY_NAME.get(f)?.kind;
        const ref = `${columnLetter(i + 1)}${r}`;
        if ((kind === 'int' || kind === 'money') && /^\d+(\.\d+)?$/.test(v)) return `<${p}c r="${ref}"><${p}v>${v}</${p}v></${p}c>`;
        return `<${p}c r="${ref}" t="inlineStr"><${p}is><${p}t>${xmlText(v)}</${p}t></${p}is></${p}c>`;
      });
      return `<${p}row r="${r}">${cells.join('')}</${p}row>`;
    })
    .join('');
  const close = `</${p}sheetData>`;
  const at = sheet.xml.lastIndexOf(close);
  let xml = at >= 0 ? sheet.xml.slice(0, at) + added + sheet.xml.slice(at) : sheet.xml.replace(`<${p}sheetData/>`, `<${p}sheetData>${added}${close}`);
  // The used range the sheet declares, made to take the new rows in.
  const last = next + rows.length - 1;
  xml = xml.replace(/(<(?:[\w.-]+:)?dimension ref="[A-Z]+\d+:[A-Z]+)(\d+)"/, (m, start: string, end: string) => (Number(end) < last ? `${start}${last}"` : m));
  const parts = [...sheet.entries.values()].map((e) =>
    e.name === sheet.part ? { name: e.name, data: xml } : { name: e.name, data: readStored(file, e), copied: { method: e.method, crc: e.crc, size: e.size } },
  );
  writeFileAtomic(file, zipBytes(parts));
  return withoutJurisdiction ? { withoutJurisdiction } : {};
}
