// The XML scanner of workbook parts: elements found whole however the bytes of the part are cut.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attr, elementStream, elements, textOf, unescapeXml } from '../../src/io/xmlScan.js';

/** `text` as UTF-8 bytes cut at the given points (a multi-byte character may be cut too). */
async function* cutAt(text: string, cuts: number[]): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  let from = 0;
  for (const at of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    yield bytes.subarray(from, at);
    from = at;
  }
  yield bytes.subarray(from);
}

const cellXml = fc.record({ v: fc.string({ maxLength: 6 }), kind: fc.constantFrom('n', 's', 'empty', 'inline') }).map(({ v, kind }) => {
  const text = v.replace(/[<&]/g, '').replace(/[^\x20-\x7e\u4e00-\u4e10]/g, 'x');
  if (kind === 'empty') return '<c r="A1" s="1"/>';
  if (kind === 'inline') return `<c t="inlineStr"><is><t>${text}</t></is></c>`;
  return `<c${kind === 's' ? ' t="s"' : ''}><v>${text.length}</v></c>`;
});
const rowXml = fc.oneof(
  fc.array(cellXml, { maxLength: 4 }).map((cells) => `<row r="1" spans="1:4">${cells.join('')}</row>`),
  fc.constant('<row r="2" hidden="1"/>'),
);

describe('elementStream', () => {
  it('finds the same rows and merged ranges, in order, however the part is cut into chunks (prefixed or not)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowXml, { maxLength: 12 }), fc.array(fc.nat(4000), { maxLength: 8 }), fc.constantFrom('', 'x:'), async (rows, cuts, p) => {
        const withPrefix = (x: string): string => (p ? x.replace(/<(\/?)(row|c|v|is|t|mergeCells|mergeCell|sheetData|rowBreaks)\b/g, `<$1${p}$2`) : x);
        const xml = withPrefix(`<?xml version="1.0"?>\n<worksheet xmlns="m"><sheetData>${rows.join('')}</sheetData><mergeCells><mergeCell ref="A1:A3"/></mergeCells><rowBreaks/></worksheet>`).replace('<worksheet', `<${p}worksheet`);
        const found: string[] = [];
        let told = '?';
        for await (const { name, element } of elementStream(cutAt(xml, cuts), 'worksheet', ['row', 'mergeCell'], (x) => (told = x))) found.push(`${name}|${element.attrs}|${element.content}`);
        const whole = [...elements(xml, `${p}row`)].map((e) => `row|${e.attrs}|${e.content}`);
        expect(told).toBe(p);
        expect(found).toEqual([...whole, `mergeCell| ref="A1:A3"|`]);
      }),
      { numRuns: 300 },
    );
  });

  it('attributes, text runs and escapes', () => {
    expect(attr(' r="B5" t="s" s="3"', 't')).toBe('s');
    expect(attr(" name='花名册' r:id=\"rId1\"", 'name')).toBe('花名册');
    expect(attr(' spans="1:5"', 'r')).toBeUndefined();
    expect(unescapeXml('A&amp;B &lt;x&gt; &#20013;&#x6587; _x000D_ _x005F_x0041_')).toBe('A&B <x> 中文 \r _x0041_');
    expect(textOf('<r><rPr><b/></rPr><t>王</t></r><r><t xml:space="preserve"> 芳</t></r><rPh sb="0" eb="1"><t>wáng</t></rPh>', '')).toBe('王 芳');
  });
});
