// The interner behind a large run's record reading: each cell's text as decoding its bytes gives it, whatever it kept before.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Interner } from '../../src/engine/partition.js';

describe('Interner', () => {
  // Dates, occupations and codes as records have them, some sharing bytes (电工 / 电焊工), one long.
  const values = ['2020-03-01', '2020-03-02', '2020-03-03', '2021-11-30', '电工', '电焊工', '茶艺师', '车工', 'approved', 'ok', 'L4', 'L3', 'x'.repeat(40), '学员1'];

  it('property: every cell reads as its bytes decoded, with many values to a slot and a room that fills up', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...values, ''), { minLength: 1, maxLength: 80 }), fc.constantFrom(1, 2, 14), fc.constantFrom(24, 64, 65536), (cells, bits, room) => {
        const interner = new Interner(bits, room);
        const buf = Buffer.from(`${cells.join('\t')}\n`, 'utf8');
        let at = 0;
        for (const expected of cells) {
          expect(interner.cell(buf, at, buf.length - 1, 9)).toBe(expected);
          expect(interner.stopped).toBe(at + Buffer.byteLength(expected));
          at = interner.stopped + 1;
        }
      }),
    );
  });

  it('gives the same string for the same bytes met again, while it keeps them', () => {
    const interner = new Interner();
    const buf = Buffer.from('电焊工\t电焊工\t', 'utf8');
    const first = interner.cell(buf, 0, buf.length, 9);
    expect(interner.cell(buf, interner.stopped + 1, buf.length, 9)).toBe(first);
    expect(interner.cell(buf, buf.length, buf.length, 9)).toBe('');
  });
});
