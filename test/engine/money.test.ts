// Money: integer fen, half-up percentages, exact parsing; property tests that fen arithmetic never drifts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatRate, formatYuan, parseYuan, percentOf, yuanToFen } from '../../src/engine/money.js';

describe('money', () => {
  it('formats fen as yuan with two decimals', () => {
    expect(formatYuan(0)).toBe('0.00');
    expect(formatYuan(5)).toBe('0.05');
    expect(formatYuan(350000)).toBe('3500.00');
    expect(formatRate(5000)).toBe('50');
    expect(formatRate(5050)).toBe('50.50');
  });

  it('parses yuan text exactly, rejecting more than two decimals', () => {
    expect(parseYuan('1500')).toBe(150000);
    expect(parseYuan('1,500.5')).toBe(150050);
    expect(parseYuan('0.1')).toBe(10);
    expect(parseYuan('1500元')).toBe(150000);
    expect(parseYuan('1.234')).toBeUndefined();
    expect(parseYuan('-5')).toBeUndefined();
    // In 万 (ten thousand yuan), exact: 1.2万 is 12000.00, 0.000001万 one fen; a seventh decimal is no whole fen.
    expect(parseYuan('1.2万')).toBe(1_200_000);
    expect(parseYuan('5万元')).toBe(5_000_000);
    expect(parseYuan('0.000001万')).toBe(1);
    expect(parseYuan('0.0000001万')).toBeUndefined();
    expect(parseYuan('万')).toBeUndefined();
    expect(yuanToFen(0.29)).toBe(29);
    expect(yuanToFen(0.125)).toBeUndefined();
  });

  it('rounds percentages half up to the fen', () => {
    expect(percentOf(350000, 130)).toBe(455000);
    expect(percentOf(1, 50)).toBe(1); // 0.5 fen → 1
    expect(percentOf(3, 50)).toBe(2); // 1.5 fen → 2
    expect(percentOf(101, 50)).toBe(51); // 50.5 → 51
    expect(percentOf(199999, 170)).toBe(339998); // 339998.3 → 339998
    expect(percentOf(1, 12.5)).toBe(0); // 0.125 → 0
  });

  it('property: parse ∘ format is the identity on fen', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e12 }), (fen) => parseYuan(formatYuan(fen)) === fen));
  });

  it('property: summing many amounts in fen equals summing their yuan texts digit by digit', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 200 }), (amounts) => {
        const fen = amounts.reduce((a, b) => a + b, 0);
        const viaText = amounts.map(formatYuan).reduce((a, t) => a + (parseYuan(t) as number), 0);
        return fen === viaText && Number.isInteger(fen) && formatYuan(fen).endsWith(String(fen % 100).padStart(2, '0'));
      }),
    );
  });

  it('property: a percentage is within half a fen of the exact value and never negative', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 30000 }), (fen, bp) => {
        const pct = bp / 100;
        const got = percentOf(fen, pct);
        const exact2 = fen * bp * 2; // exact value × 20000
        return Number.isInteger(got) && got >= 0 && Math.abs(got * 20000 - exact2) <= 10000;
      }),
    );
  });
});
