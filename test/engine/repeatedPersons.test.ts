// An estimate's count of persons a limit across rows could bind: the same person however the ID is typed, and only past the limit.
import { describe, expect, it } from 'vitest';
import { RepeatedPersons } from '../../src/engine/repeatedPersons.js';
import { TABLES, residentId } from '../helpers.js';

const withX = Array.from({ length: 200 }, (_, n) => residentId(n)).find((id) => id.endsWith('X'))!;
const fullWidth = (s: string): string => s.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('RepeatedPersons', () => {
  it('ZJ-16: four 2020 certificates of one person, its ID typed with a small x and in full-width digits, pass "at most 3 a year"; three do not', () => {
    const count = (ids: string[]): { clause: string; kind: string; persons: number; rows: number }[] => {
      const r = new RepeatedPersons(TABLES.get('zhuji')!);
      ids.forEach((id, i) => r.add('cert_training', { date: `2020-0${i + 1}-10`, occupation: '电工', level: i % 2 ? 'L3' : 'L4' }, new Map([['person_id', id]])));
      return r.repeats().map((x) => ({ clause: x.limit.clause, kind: x.limit.kind, persons: x.persons, rows: x.rows }));
    };
    const ids = [withX, withX.toLowerCase(), ` ${fullWidth(withX)} `, withX];
    // Rows 1 and 3 are 电工 L4, rows 2 and 4 电工 L3: the same occupation and level twice each, for one person.
    expect(count(ids)).toEqual([
      { clause: 'ZJ-16', kind: 'annual_cap', persons: 1, rows: 4 },
      { clause: 'ZJ-16', kind: 'no_repeat', persons: 2, rows: 4 },
    ]);
    expect(count(ids.slice(0, 2))).toEqual([]);
    expect(count(ids.slice(0, 3))).toEqual([{ clause: 'ZJ-16', kind: 'no_repeat', persons: 1, rows: 2 }]);
  });

  it('ZJ-06: a programme no limit binds (the living allowance) and a row without an ID count for no one', () => {
    const r = new RepeatedPersons(TABLES.get('zhuji')!);
    for (let i = 0; i < 5; i++) r.add('living_allowance', { date: '2020-06-10' }, new Map([['person_id', withX]]));
    for (let i = 0; i < 5; i++) r.add('cert_training', { date: '2020-06-10', occupation: '电工', level: 'L4' }, new Map());
    expect(r.repeats()).toEqual([]);
  });
});
