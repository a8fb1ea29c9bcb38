// Test workbooks written part by part, as Excel and WPS lay them out (shared strings, styles, rels), to read back.
import { type ZipPart, zipBytes } from '../src/io/zipWrite.js';

/** A zip file of `parts` (the project's writer). */
export const zipFile = (parts: ZipPart[]): Buffer => zipBytes(parts);

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

export interface SheetSpec {
  name: string;
  /** The content of <sheetData>: rows as the test writes them. */
  rows: string;
  hidden?: boolean;
  /** Merged ranges (C3:C11), listed after the rows as Excel does. */
  merges?: string[];
}

export interface WorkbookSpec {
  sheets: SheetSpec[];
  /** The content of each <si> of the shared strings (none: no shared strings part). */
  shared?: string[];
  /** <numFmt> elements and the numFmtId of each cell format (s="0", s="1" …). */
  numFmts?: string;
  cellFormats?: number[];
  date1904?: boolean;
  /** A namespace prefix for the spreadsheet elements (x: as the .NET Open XML SDK writes them). */
  prefix?: string;
  /** Parts stored rather than deflated. */
  stored?: boolean;
}

/** A workbook as Excel lays it out. */
export function workbook(spec: WorkbookSpec): Buffer {
  const x = spec.prefix ?? '';
  const ns = x ? `xmlns:${x.slice(0, -1)}="${MAIN}"` : `xmlns="${MAIN}"`;
  const parts: ZipPart[] = [
    { name: '[Content_Types].xml', data: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>' },
    {
      name: '_rels/.rels',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
  ];
  const rels = spec.sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`);
  rels.push(`<Relationship Id="rIdS" Type="${REL}/styles" Target="styles.xml"/>`);
  if (spec.shared) rels.push(`<Relationship Id="rIdT" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>`);
  parts.push({ name: 'xl/_rels/workbook.xml.rels', data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.join('')}</Relationships>` });
  const sheets = spec.sheets.map((s, i) => `<${x}sheet name="${s.name}" sheetId="${i + 1}"${s.hidden ? ' state="hidden"' : ''} r:id="rId${i + 1}"/>`).join('');
  parts.push({
    name: 'xl/workbook.xml',
    data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<${x}workbook ${ns} xmlns:r="${REL}">${spec.date1904 ? `<${x}workbookPr date1904="1"/>` : `<${x}workbookPr/>`}<${x}sheets>${sheets}</${x}sheets></${x}workbook>`,
  });
  const xfs = (spec.cellFormats ?? [0]).map((id) => `<${x}xf numFmtId="${id}" fontId="0" fillId="0" borderId="0" xfId="0"${id ? ' applyNumberFormat="1"' : ''}/>`).join('');
  parts.push({
    name: 'xl/styles.xml',
    data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<${x}styleSheet ${ns}>${spec.numFmts ? `<${x}numFmts>${spec.numFmts}</${x}numFmts>` : ''}<${x}cellStyleXfs count="1"><${x}xf numFmtId="0"/></${x}cellStyleXfs><${x}cellXfs>${xfs}</${x}cellXfs></${x}styleSheet>`,
  });
  if (spec.shared) {
    parts.push({ name: 'xl/sharedStrings.xml', data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<${x}sst ${ns} count="${spec.shared.length}">${spec.shared.map((s) => `<${x}si>${s}</${x}si>`).join('')}</${x}sst>` });
  }
  spec.sheets.forEach((s, i) =>
    parts.push({
      name: `xl/worksheets/sheet${i + 1}.xml`,
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<${x}worksheet ${ns} xmlns:r="${REL}"><${x}dimension ref="A1"/><${x}sheetData>${s.rows}</${x}sheetData>${s.merges ? `<${x}mergeCells count="${s.merges.length}">${s.merges.map((m) => `<${x}mergeCell ref="${m}"/>`).join('')}</${x}mergeCells>` : ''}<${x}rowBreaks count="0"/></${x}worksheet>`,
    }),
  );
  return zipFile(parts.map((p) => ({ ...p, stored: spec.stored })));
}

/** Text as XML writes it. */
export const xmlText = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A row of cells: each a shared-string index (`s:3`), a number (`n:1500`), an inline string (`i:text`) or raw XML (`<c …>`). */
export function row(r: number, cells: (string | undefined)[], prefix = ''): string {
  const col = (i: number): string => String.fromCharCode(65 + i);
  const out = cells.map((c, i) => {
    if (c === undefined) return '';
    const ref = `${col(i)}${r}`;
    if (c.startsWith('<')) return c.replace('REF', ref);
    const [kind, value] = [c.slice(0, 2), c.slice(2)];
    if (kind === 's:') return `<${prefix}c r="${ref}" t="s"><${prefix}v>${value}</${prefix}v></${prefix}c>`;
    if (kind === 'n:') return `<${prefix}c r="${ref}"><${prefix}v>${value}</${prefix}v></${prefix}c>`;
    if (kind === 'i:') return `<${prefix}c r="${ref}" t="inlineStr"><${prefix}is><${prefix}t>${xmlText(value)}</${prefix}t></${prefix}is></${prefix}c>`;
    throw new Error(`cell ${c}`);
  });
  return `<${prefix}row r="${r}">${out.join('')}</${prefix}row>`;
}
