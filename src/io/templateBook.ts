// An empty roster as a workbook (template -o x.xlsx): IDs kept as text, dates as dates, drop-down lists of the values a column takes.
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

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
/** The rows a column's format and list cover: all of them, as a sheet has 1,048,576. */
const LAST_ROW = 1048576;

const xml = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function letter(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

const inline = (ref: string, text: string, style = 0): string => `<c r="${ref}"${style ? ` s="${style}"` : ''} t="inlineStr"><is><t>${xml(text)}</t></is></c>`;

/** Cell formats (cellXfs) by index: 0 as typed, 1 the header (bold text), 2 text, 3 a date. */
const STYLE = { header: 1, text: 2, date: 3 } as const;

const STYLES = `${DECLARATION}<styleSheet xmlns="${MAIN}"><numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy\\-mm\\-dd"/></numFmts><fonts count="2"><font><sz val="11"/><name val="宋体"/><charset val="134"/></font><font><b/><sz val="11"/><name val="宋体"/><charset val="134"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="176" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;

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
  const sheetType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml';
  return zipBytes([
    {
      name: '[Content_Types].xml',
      data: `${DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="${sheetType}"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="${sheetType}"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
    },
    { name: '_rels/.rels', data: `${DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>` },
    {
      name: 'xl/workbook.xml',
      data: `${DECLARATION}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><bookViews><workbookView/></bookViews><sheets><sheet name="${xml(text.sheet)}" sheetId="1" r:id="rId1"/><sheet name="${xml(text.lists)}" sheetId="2" state="hidden" r:id="rId2"/></sheets></workbook>`,
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: `${DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId3" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
    },
    { name: 'xl/worksheets/sheet1.xml', data: roster },
    { name: 'xl/worksheets/sheet2.xml', data: lists },
    { name: 'xl/styles.xml', data: STYLES },
  ]);
}
