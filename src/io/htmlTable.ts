// A web page saved under a spreadsheet name (the 导出Excel of many web systems: an HTML table that Excel opens as a sheet), read as a workbook whose sheets are its tables.
import { readFileSync } from 'node:fs';
import { iconv } from './commonJs.js';
import { columnLetter, detectEncoding, isGbCharset } from './roster.js';

/** What a file of markup is, by its first characters (its first 4 KB): a web page, Excel 2003's XML sheet, or neither. */
export function markupKind(sample: Buffer): 'html' | 'spreadsheetml' | undefined {
  const head = sample.subarray(0, 4096).toString('latin1').replace(/^\xef\xbb\xbf/, '').trimStart().toLowerCase();
  if (!head.startsWith('<')) return undefined;
  if (head.includes('urn:schemas-microsoft-com:office:spreadsheet') && /<(ss:)?workbook[\s>]/.test(head)) return 'spreadsheetml';
  if (/^<(!doctype html|html|head|meta|table|body|style)[\s>]/.test(head) || (head.startsWith('<?xml') && head.includes('<html'))) return 'html';
  return undefined;
}

/** A page read for its tables: its text (comments, scripts and styles taken out) and where each table is, in the order they open. */
export interface Page {
  html: string;
  tables: { start: number; end: number; rows: number }[];
}

/** The page's text: UTF-8 with a BOM, else the charset its head names (gb2312, gbk …), else told apart as a CSV is. */
function pageText(bytes: Buffer): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.toString('utf8', 3);
  const named = /charset\s*=\s*["']?\s*([\w-]+)/i.exec(bytes.subarray(0, 4096).toString('latin1'))?.[1]?.toLowerCase();
  if (named && isGbCharset(named)) return iconv.decode(bytes, 'gb18030');
  if (named === 'utf-8' || named === 'utf8') return bytes.toString('utf8');
  return iconv.decode(bytes, detectEncoding(bytes.subarray(0, 64 * 1024)));
}

/** Entities a page's cells use, beyond the numeric ones. */
const ENTITIES: Record<string, string> = {
  nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", middot: '·', yen: '¥', times: '×', divide: '÷', mdash: '—', ndash: '–',
  hellip: '…', ldquo: '“', rdquo: '”', lsquo: '‘', rsquo: '’', emsp: ' ', ensp: ' ', thinsp: ' ', copy: '©', reg: '®', deg: '°', plusmn: '±',
};

const decodeEntities = (t: string): string =>
  t.includes('&')
    ? t.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);/g, (whole, e: string) => {
        if (e[0] !== '#') return ENTITIES[e] ?? ENTITIES[e.toLowerCase()] ?? whole;
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      })
    : t;

/** A span attribute's number (colspan="2", rowspan=3), at least 1 and at most `max`. */
function span(attrs: string, pattern: RegExp, max: number): number {
  if (!attrs.includes('span')) return 1;
  const m = pattern.exec(attrs);
  return m ? Math.min(max, Math.max(1, Number(m[1]))) : 1;
}
const COLSPAN = /(?:^|\s)colspan\s*=\s*["']?\s*(\d+)/i;
const ROWSPAN = /(?:^|\s)rowspan\s*=\s*["']?\s*(\d+)/i;

/** Tags that break a line of text inside a cell (a space, as a line break in a sheet's cell is read). */
const BREAKS = new Set(['br', 'p', 'div', 'li']);

/** A start or end tag: its slash, name and attributes (each scan makes its own global copy). */
const TAG = /<(\/?)([a-zA-Z][\w:-]*)([^>]*)>/;

/** The page `path`'s text and its tables (a table inside another is a table of its own), each with how many rows it has. */
export function readPage(path: string): Page {
  const html = pageText(readFileSync(path)).replace(/<!--[\s\S]*?-->/g, '').replace(/<(script|style|title)[\s>][\s\S]*?<\/\1\s*>/gi, '');
  const tables: Page['tables'] = [];
  const open: Page['tables'] = [];
  const tag = new RegExp(TAG.source, 'g');
  for (let m = tag.exec(html); m; m = tag.exec(html)) {
    const name = m[2]!.toLowerCase();
    if (name === 'table') {
      if (m[1] !== '/') {
        const t = { start: m.index, end: html.length, rows: 0 };
        tables.push(t);
        open.push(t);
      } else {
        const t = open.pop();
        if (t) t.end = tag.lastIndex;
      }
    } else if (name === 'tr' && m[1] !== '/' && open.length) open[open.length - 1]!.rows++;
  }
  return { html, tables };
}

/**
 * The rows of table `index` of `page`, each to `onRow` as a sheet's row: cells laid out as a browser and Excel lay
 * them (a cell spread over rows, rowspan, takes its column in the rows below, which their own cells then skip), a
 * cell's text its characters with tags left out, whitespace runs as one space, trimmed. A table inside one of its
 * cells is not its text. Returns the table's cells spread over several rows or columns (B3:B5).
 */
export function tableRows(page: Page, index: number, onRow: (cells: string[], row: number, hidden: boolean) => void): string[] {
  const { html } = page;
  const table = page.tables[index]!;
  const merges: string[] = [];
  const covered: number[] = []; // per column: how many rows below still belong to a cell above
  let row: { text: string; colspan: number; rowspan: number }[] | undefined;
  /** The row's style hides it (display: none), as Excel then does. */
  let hidden = false;
  let cell: { text: string; colspan: number; rowspan: number } | undefined;
  let r = 0;
  const endRow = (): void => {
    if (!row) return;
    r++;
    const out: string[] = [];
    let col = 0;
    for (const c of row) {
      while ((covered[col] ?? 0) > 0) col++;
      while (out.length < col) out.push('');
      out[col] = decodeEntities(c.text).replace(/[\s\u00a0]+/g, ' ').trim();
      if (c.colspan > 1 || c.rowspan > 1) merges.push(`${columnLetter(col + 1)}${r}:${columnLetter(col + c.colspan)}${r + c.rowspan - 1}`);
      for (let k = col; k < col + c.colspan; k++) covered[k] = c.rowspan;
      col += c.colspan;
    }
    for (let k = 0; k < covered.length; k++) if ((covered[k] ?? 0) > 0) covered[k]!--;
    while (out.length && out[out.length - 1] === '') out.pop();
    onRow(out, r, hidden);
    row = undefined;
    cell = undefined;
  };
  const tag = new RegExp(TAG.source, 'g');
  tag.lastIndex = html.indexOf('>', table.start) + 1;
  let last = tag.lastIndex;
  let depth = 0; // tables inside this one
  for (let m = tag.exec(html); m && m.index < table.end; m = tag.exec(html)) {
    if (depth === 0 && cell) cell.text += html.slice(last, m.index);
    last = tag.lastIndex;
    const closing = m[1] === '/';
    const name = m[2]!.toLowerCase();
    if (name === 'table') {
      if (!closing) depth++;
      else if (depth-- === 0) break;
    } else if (depth > 0) continue;
    else if (name === 'tr') {
      endRow();
      if (!closing) {
        row = [];
        hidden = /display\s*:\s*none/i.test(m[3]!);
      }
    } else if (name === 'td' || name === 'th') {
      cell = undefined;
      if (closing) continue;
      if (!row) {
        row = []; // a cell before any <tr>
        hidden = false;
      }
      cell = { text: '', colspan: span(m[3]!, COLSPAN, 1000), rowspan: span(m[3]!, ROWSPAN, 65536) };
      row.push(cell);
    } else if (cell && BREAKS.has(name)) cell.text += ' ';
  }
  endRow();
  return merges;
}
