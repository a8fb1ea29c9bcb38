// An empty roster as a workbook (template -o x.xlsx): IDs kept as text, dates as dates, drop-down lists of the values a column takes.
import { DECLARATION, MAIN, REL, bookParts, stylesXml, xmlText as xml } from './bookParts.js';
import { columnLetter } from './roster.js';
import { zipBytes } from './zipWrite.js';

export interface TemplateColumn {
  header: string;
  /**
   * How a cell typed into the column is kept: 'text' (a resident ID is never turned into 3.30681E+17 with its last
   * digits lost, nor a code into a number), 'date' (shown yyyy-mm-dd), or 'general' as Excel takes what is typed.
   */
  format: 'text' | 'date' | 'general';
  /** The values offered in a drop-down list; another is let in after a warning (the reader takes other spellings too). */
  choices?: string[];
  /** A note shown when a cell of the column is selected (≤ 255 characters). */
  prompt?: string;
  /** Width in characters. */
  width: number;
}

export interface TemplateText {
  /** The roster sheet's name, and the hidden sheet's that holds the lists. */
  sheet: string;
  lists: string;
  /** Said when a value typed is not in a column's list. */
  notInList: { title: string; text: string };
}

/** The rows a column's format and list cover: all of them, as a sheet has 1,048,576. */
const LAST_ROW = 1048576;

const letter = (i: number): string => columnLetter(i + 1);

const inline = (ref: string, text: string, style = 0): string => `<c r="${ref}"${style ? ` s="${style}"` : ''} t="inlineStr"><is><t>${xml(text)}</t></is></c>`;

/** Cell formats (cellXfs) by index: 0 as typed, 1 the header (bold text), 2 text, 3 a date. */
const STYLE = { header: 1, text: 2, date: 3 } as const;

const STYLES = stylesXml([{ numFmtId: 0 }, { numFmtId: 49, bold: true }, { numFmtId: 49 }, { numFmtId: 176 }], [{ id: 176, code: 'yyyy\\-mm\\-dd' }]);

/** The workbook: the roster sheet (its header, frozen; each column's format and list) and a hidden sheet of the lists. */
export function templateWorkbook(columns: TemplateColumn[], text: TemplateText): Buffer {
  const listed = columns.map((c, i) => ({ c, i })).filter(({ c }) => c.choices?.length);
  const cols = columns.map((c, i) => `<col min="${i + 1}" max="${i + 1}" width="${c.width}" customWidth="1"${c.format === 'general' ? '' : ` style="${STYLE[c.format]}"`}/>`).join('');
  const header = `<row r="1">${columns.map((c, i) => inline(`${letter(i)}1`, c.header, STYLE.header)).join('')}</row>`;
  const quoted = `'${text.lists.replace(/'/g, "''")}'`;
  const validations = [
    ...listed.map(({ c, i }, k) => {
      const col = letter(k);
      const prompt = c.prompt ? ` promptTitle="${xml(c.header.slice(0, 32))}" prompt="${xml(c.prompt.slice(0, 255))}"` : '';
      return `<dataValidation type="list" errorStyle="warning" allowBlank="1" showInputMessage="1" showErrorMessage="1" errorTitle="${xml(text.notInList.title)}" error="${xml(text.notInList.text)}"${prompt} sqref="${letter(i)}2:${letter(i)}${LAST_ROW}"><formula1>${xml(`${quoted}!$${col}$2:$${col}$${c.choices!.length + 1}`)}</formula1></dataValidation>`;
    }),
    ...columns.flatMap((c, i) => (c.prompt && !c.choices?.length ? [`<dataValidation allowBlank="1" showInputMessage="1" promptTitle="${xml(c.header.slice(0, 32))}" prompt="${xml(c.prompt.slice(0, 255))}" sqref="${letter(i)}2:${letter(i)}${LAST_ROW}"/>`] : [])),
  ];
  const roster =
    `${DECLARATION}<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><dimension ref="A1:${letter(columns.length - 1)}1"/>` +
    `<sheetViews><sheetView tabSelected="1" workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>` +
    `<sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData>${header}</sheetData>` +
    (validations.length ? `<dataValidations count="${validations.length}">${validations.join('')}</dataValidations>` : '') +
    `<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`;
  const longest = Math.max(0, ...listed.map(({ c }) => c.choices!.length));
  const listRows = Array.from({ length: longest + 1 }, (_, r) =>
    `<row r="${r + 1}">${listed.map(({ c }, k) => (r === 0 ? inline(`${letter(k)}1`, c.header) : r <= c.choices!.length ? inline(`${letter(k)}${r + 1}`, c.choices![r - 1]!) : '')).join('')}</row>`,
  ).join('');
  const lists = `${DECLARATION}<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetData>${listed.length ? listRows : ''}</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`;
  return zipBytes([
    ...bookParts([{ name: text.sheet }, { name: text.lists, hidden: true }], STYLES),
    { name: 'xl/worksheets/sheet1.xml', data: roster },
    { name: 'xl/worksheets/sheet2.xml', data: lists },
  ]);
}
