// GB18030 outputs (--out-encoding gbk): every character kept, whatever the 1 MB read blocks cut.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { reencodeOutputs } from '../../src/io/outputEncoding.js';

const BLOCK = 1 << 20;

function roundTrip(text: string, bom = true): string {
  const file = join(mkdtempSync(join(tmpdir(), 'subsidy-enc-')), 'out.csv');
  writeFileSync(file, (bom ? '\uFEFF' : '') + text);
  reencodeOutputs([file], 'gb18030');
  const bytes = readFileSync(file);
  expect(bytes.equals(iconv.encode(text, 'gb18030'))).toBe(true);
  return iconv.decode(bytes, 'gb18030');
}

describe('reencodeOutputs', () => {
  it('drops the BOM and writes GB18030: GBK bytes for GBK characters, four bytes for one GBK lacks', () => {
    expect(roundTrip('姓名,金额\r\n王芳,3500.00\r\n王𠮷,750.00\r\n')).toBe('姓名,金额\r\n王芳,3500.00\r\n王𠮷,750.00\r\n');
    expect(roundTrip('', true)).toBe('');
    expect(roundTrip('no bom, 诸暨', false)).toBe('no bom, 诸暨');
  });

  it('a character cut by the end of a read block (three bytes, four bytes) is carried whole to the next', () => {
    for (let shift = 0; shift < 4; shift++) {
      // The BOM takes 3 bytes of the first block; then ASCII up to just before the block's end, then the characters.
      const ascii = 'a'.repeat(BLOCK - 3 - shift);
      expect(roundTrip(`${ascii}诸暨市𠮷,1\r\n`)).toBe(`${ascii}诸暨市𠮷,1\r\n`);
      expect(roundTrip(`${ascii}𠮷王,1\r\n`)).toBe(`${ascii}𠮷王,1\r\n`);
    }
  });

  it('a run of Chinese longer than a block, with no ASCII in it, is encoded whole', () => {
    const run = '职业技能培训补贴'.repeat(BLOCK / 8); // 3 MB of UTF-8
    expect(roundTrip(`x,${run}\r\n`)).toBe(`x,${run}\r\n`);
  });
});
