// Date bands: dates a table cannot tell apart share a band; its own dates and the year separate them.
import { describe, expect, it } from 'vitest';
import { dateBands } from '../../src/engine/dateBands.js';
import { loadTables } from '../../src/tables/load.js';

const zhuji = loadTables([]).get('zhuji')!;

describe('dateBands', () => {
  const band = dateBands(zhuji);
  it('Zhuji (valid 2020-02-21 – 2021-12-31): dates inside one year of the period share a band', () => {
    expect(band('2020-03-01')).toBe(band('2020-11-30'));
    expect(band('2021-01-02')).toBe(band('2021-12-30'));
  });
  it('the first and last day of the period are bands of their own, apart from the days either side', () => {
    expect(new Set([band('2020-02-20'), band('2020-02-21'), band('2020-02-22')]).size).toBe(3);
    expect(new Set([band('2021-12-30'), band('2021-12-31')]).size).toBe(2);
  });
  it('the year separates dates the table does not (a rule may read the year)', () => {
    expect(band('2020-12-31')).not.toBe(band('2021-01-01'));
    expect(band('2022-01-01')).not.toBe(band('2023-01-01'));
  });
});
