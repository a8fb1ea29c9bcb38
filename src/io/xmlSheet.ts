// An Excel 2003 XML spreadsheet (SpreadsheetML, as some web systems export "xls"): its worksheets and one sheet's cells as text.
import { readFileSync } from 'node:fs';
import { iconv } from './commonJs.js';
import { numberText } from './cellValues.js';
import { attr, elements, prefixOf, unescapeXml } from './xmlScan.js';
import { RosterError, columnLetter, isGbCharset, noWorksheet, outOfOrder } from './roster.js';

/** A worksheet of the file: its name, whether it is hidden, and its XML. */
export interface XmlWorksheet {
  name: string;
  hidden: boolean;
  content: string;
}

/** One sheet's rows that hold something, each cell's text at its column; its merged ranges (C3:C11); cells holding an error value. */
export interface XmlSheetCells {
  rows: { row: number; cells: string[]; hidden: boolean }[];
  merges: string[];
  errors: string[];
}

/** The file's text: UTF-8 unless its XML declaration names another encoding (gb2312, gbk …). */
function xmlText(bytes: Buffer): string {
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w-]+)/i.exec(bytes.subarray(0, 200).toString('latin1'))?.[1]?.toLowerCase();
  if (declared && isGbCharset(declared)) return iconv.decode(bytes, 'gb18030');
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

/** An ss: attribute (ss:Index, ss:Type …), written with the ss prefix as Excel writes it or without one. */
const ssAttr = (attrs: string, name: string): string | undefined => attr(attrs, `ss:${name}`) ?? attr(attrs, name);

/** The worksheets of the SpreadsheetML file `path`, in order. */
export function xmlWorksheets(path: string, label: string): XmlWorksheet[] {
  const text = xmlText(readFileSync(path));
  const p = prefixOf(text, 'Workbook');
  if (p === undefined) throw new RosterError(`${label}: an XML spreadsheet (Excel 2003 XML) without its Workbook element (the file is damaged)`, `${label}: XML 电子表格 (Excel 2003 XML) 缺少 Workbook 元素 (文件已损坏)`);
  const sheets = [...elements(text, `${p}Worksheet`)].map((w) => ({
    name: ssAttr(w.attrs, 'Name') ?? '',
    hidden: /<(?:[\w.-]+:)?Visible>\s*Sheet(?:Very)?Hidden\s*</.test(w.content),
    content: w.content,
  }));
  if (!sheets.length) throw noWorksheet(label);
  return sheets;
}

/**
 * A worksheet's cells as text, each row at its number (ss:Index, or the one after the row before) and each cell at its
 * column (ss:Index, or after the cell before and the columns it spreads over): text as written (rich text's tags left
 * out), a number to 15 significant digits, a date and time as its date, a boolean as TRUE/FALSE, an error as written.
 */
export function xmlSheetCells(sheet: XmlWorksheet, label: string): XmlSheetCells {
  const p = prefixOf(sheet.content, 'Table') ?? '';
  const table = [...elements(sheet.content, `${p}Table`)][0];
  const rows: XmlSheetCells['rows'] = [];
  const merges: string[] = [];
  const errors: string[] = [];
  if (!table) return { rows, merges, errors };
  let r = 0;
  for (const row of elements(table.content, `${p}Row`)) {
    const index = ssAttr(row.attrs, 'Index');
    const at = index ? Number(index) : r + 1;
    if (!Number.isInteger(at) || at <= r) throw outOfOrder(label, 'rows', { row: index ?? String(at) });
    r = at;
    const cells: string[] = [];
    let c = 0; // the next cell's column, from 1
    for (const cell of elements(row.content, `${p}Cell`)) {
      const given = ssAttr(cell.attrs, 'Index');
      const col = given ? Number(given) : c + 1;
      if (!Number.isInteger(col) || col <= c) throw outOfOrder(label, 'cells', { row: String(r) });
      const across = Number(ssAttr(cell.attrs, 'MergeAcross') ?? 0) || 0;
      const down = Number(ssAttr(cell.attrs, 'MergeDown') ?? 0) || 0;
      if (across > 0 || down > 0) merges.push(`${columnLetter(col)}${r}:${columnLetter(col + across)}${r + down}`);
      c = col + across;
      const data = /<((?:[\w.-]+:)?Data)\b([^>]*)>([\s\S]*?)<\/\1>/.exec(cell.content);
      if (!data) continue;
      const type = ssAttr(data[2]!, 'Type') ?? 'String';
      const raw = unescapeXml(data[3]!.replace(/<[^>]*>/g, ''));
      const text = type === 'Number' ? numberText(raw) : type === 'DateTime' ? raw.slice(0, 10) : type === 'Boolean' ? (raw.trim() === '1' ? 'TRUE' : 'FALSE') : raw;
      if (type === 'Error') errors.push(`${columnLetter(col)}${r}`);
      if (text === '') continue;
      while (cells.length < col - 1) cells.push('');
      cells[col - 1] = text;
    }
    if (cells.length) rows.push({ row: r, cells, hidden: /^(1|true)$/i.test(ssAttr(row.attrs, 'Hidden') ?? '') });
  }
  return { rows, merges, errors };
}
