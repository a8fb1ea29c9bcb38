// The run's outputs as workbooks too (calc --xlsx): Excel opens a CSV's resident IDs as numbers (3.30681E+17) and
// loses their last digits if the file is saved again; a workbook's ID cells are text. Amounts are numbers, as 0.00.
import { type AtomicFile, openAtomic } from './atomic.js';
import { type Lang, type OutputKind, outputColumns } from './csvOut.js';
import { TextRecords } from './textCsv.js';
import { DECLARATION, MAIN, REL, bookParts, stylesXml, xmlText as xml } from './bookParts.js';
import { columnLetter } from './roster.js';
import { eachText } from './sheetLines.js';
import { ZipStream } from './zipWrite.js';

/** Rows of a sheet under its header: Excel's sheet has 1,048,576 rows. A longer output goes on in a sheet after it (tests lower it). */
export const SHEET_ROWS = Number(process.env.SUBSIDY_SHEET_ROWS) || 1048575;

/** Columns holding yuan (shown 0.00) and counts (whole numbers): numbers in the workbook, not text. */
const MONEY = new Set(['amount', 'max_exposure', 'paid_to_them', 'paid_to_others']);
const COUNT = new Set(['row', 'year', 'claims', 'persons', 'approved', 'review', 'denied', 'duplicate', 'unquantified', 'first_row']);
/** Columns of IDs and codes: formatted as text, so that a cell edited in Excel stays text too. */
const IDS = new Set(['person_id', 'id']);
const WIDE = new Set(['reason', 'formula', 'citation', 'program_name', 'value', 'file', 'first_file']);

const SHEET_NAMES: Record<OutputKind, { en: string; zh: string }> = {
  breakdown: { en: 'breakdown', zh: '明细' },
  summary: { en: 'summary', zh: '汇总' },
  persons: { en: 'persons', zh: '人员' },
  rejects: { en: 'rejects', zh: '拒绝行' },
};

/** Cell formats by index: 0 text as it is, 1 the header (bold), 2 yuan (0.00), 3 text kept as text when edited. */
const STYLES = stylesXml([{ numFmtId: 0 }, { numFmtId: 0, bold: true }, { numFmtId: 2 }, { numFmtId: 49 }]);

const letter = (i: number): string => columnLetter(i + 1);

const NUMBER = /^-?\d+(\.\d+)?$/;

/** Write the CSV output `csv` (of kind `kind`) as the workbook `target`, atomically; returns how many sheets it took. */
export function outputWorkbook(csv: string, target: string, kind: OutputKind, lang: Lang, onProgress?: (rows: number, read: number) => void): number {
  const columns = outputColumns(kind);
  const letters = columns.map((_, i) => letter(i));
  const style = columns.map((c) => (MONEY.has(c) ? 2 : 0));
  const numeric = columns.map((c) => MONEY.has(c) || COUNT.has(c));
  const cols = columns.map((c, i) => `<col min="${i + 1}" max="${i + 1}" width="${IDS.has(c) ? 21 : WIDE.has(c) ? 40 : 14}" customWidth="1"${IDS.has(c) ? ' style="3"' : ''}/>`).join('');
  const file: AtomicFile = openAtomic(target);
  try {
    const zip = new ZipStream(file);
    const name = SHEET_NAMES[kind][lang];
    const sheets: string[] = [];
    let header = '';
    let row = 0; // rows of the sheet being written, its header included
    const endSheet = (): void => {
      zip.write(`</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`);
      zip.end();
    };
    const beginSheet = (): void => {
      if (sheets.length) endSheet();
      sheets.push(sheets.length ? `${name} (${sheets.length + 1})` : name);
      zip.begin(`xl/worksheets/sheet${sheets.length}.xml`);
      zip.write(
        `${DECLARATION}<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetViews><sheetView${sheets.length === 1 ? ' tabSelected="1"' : ''} workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData>${header}`,
      );
      row = 1;
    };
    const cells = (values: string[], r: number, head: boolean): string => {
      let out = `<row r="${r}">`;
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (v === '') continue;
        const ref = `${letters[i] ?? letter(i)}${r}`;
        if (!head && numeric[i] && NUMBER.test(v)) out += `<c r="${ref}"${style[i] ? ` s="${style[i]}"` : ''}><v>${v}</v></c>`;
        else out += `<c r="${ref}"${head ? ' s="1"' : ''} t="inlineStr"><is><t${v.charCodeAt(0) === 32 || v.charCodeAt(v.length - 1) === 32 ? ' xml:space="preserve"' : ''}>${xml(v)}</t></is></c>`;
      }
      return `${out}</row>`;
    };
    const records = new TextRecords(',', false, () => columns.length);
    const take = (recs: { cells: string[] }[]): void => {
      for (const rec of recs) {
        if (!header) {
          header = cells(rec.cells, 1, true);
          beginSheet();
          continue;
        }
        if (row > SHEET_ROWS) beginSheet();
        zip.write(cells(rec.cells, ++row, false));
      }
    };
    let rows = 0;
    eachText(csv, (text, read) => {
      const recs = records.push(text);
      take(recs);
      onProgress?.((rows += recs.length), read);
    });
    take(records.end());
    if (!sheets.length) beginSheet();
    endSheet();
    for (const part of bookParts(sheets.map((n) => ({ name: n })), STYLES)) zip.add(part.name, part.data);
    zip.close();
    file.commit();
    return sheets.length;
  } catch (e) {
    file.abort();
    throw e;
  }
}
