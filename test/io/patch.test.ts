// The copy-out's patch of a changed line: byte for byte the record breakdownRow writes for the line as the limits left it.
import { describe, expect, it } from 'vitest';
import { closeSync, mkdtempSync, openSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Override } from '../../src/engine/partition.js';
import type { Line } from '../../src/engine/types.js';
import { breakdownRow, csvRow, type Lang, patchBreakdownRecord, patchOf, personRow } from '../../src/io/csvOut.js';
import type { PersonRow } from '../../src/engine/persons.js';
import { Appender, OverrideReader, writeOverride } from '../../src/io/partitionPass.js';
import { run } from '../helpers.js';

/** A ZJ-01 certificate line (cap 3500 yuan, no cost claimed) whose name needs quoting: a comma and quotes. */
function zhujiLine(): Line {
  const r = run('zhuji', [{ name: '王, "小"芳', program: 'cert_training', date: '2020-05-10', occupation: '电工', level: 'L4', certificate: 'skill_level' }]);
  return r.lines[0]!;
}

/** The record patched as the copy-out patches it: the override written by a limits thread and read back. */
function patched(record: string, o: Override, lang: Lang): string {
  const bytes = Buffer.from(`xx${record}yy`, 'utf8'); // the record inside a larger block, as in the copy-out
  const path = join(mkdtempSync(join(tmpdir(), 'patch-')), 'o.bin');
  const file = new Appender(openSync(path, 'w'));
  writeOverride(file, 0, patchOf(o, lang));
  file.close();
  const fd = openSync(path, 'r');
  const reader = new OverrideReader(fd, 64, { start: 0, end: statSync(path).size });
  expect(reader.next()).toBe(true);
  const out: Buffer[] = [];
  patchBreakdownRecord(bytes, 2, bytes.length - 2, reader, {
    bytes: (src: Buffer, from: number, to: number) => out.push(Buffer.from(src.subarray(from, to))),
  });
  closeSync(fd);
  return Buffer.concat(out).toString('utf8');
}

describe('patchBreakdownRecord', () => {
  for (const lang of ['en', 'zh'] as Lang[]) {
    it(`a ZJ-01 line (3500.00) a limit denies: status, reason, amount, basis, formula and exposure rewritten, the rest kept (${lang})`, () => {
      const line = zhujiLine();
      expect(line.amountFen).toBe(350_000);
      const reason = 'same occupation and level, "电工 L4", not paid twice';
      const o: Override = { status: 'denied', reasonCode: 'repeat_occupation_level', reason: { zh: reason, en: reason }, amountFen: 0, exposureFen: null, denied: true };
      const after: Line = { ...line, status: 'denied', reasonCode: o.reasonCode, reason: o.reason, amountFen: 0, exposureFen: null, basis: 'none', formula: { zh: '', en: '' } };
      expect(patched(breakdownRow(line, lang, false), o, lang)).toBe(breakdownRow(after, lang, false));
    });

    it(`a ZJ-01 line a limit sends to review keeps its basis and formula and shows its exposure (3500.00) (${lang})`, () => {
      const line = zhujiLine();
      const o: Override = { status: 'review', reasonCode: 'annual_cap_pending', reason: { zh: '取决于待审的, 行', en: 'depends, on a line under review' }, amountFen: 0, exposureFen: 350_000, denied: false };
      const after: Line = { ...line, status: 'review', reasonCode: o.reasonCode, reason: o.reason, amountFen: 0, exposureFen: 350_000 };
      const text = patched(breakdownRow(line, lang, true), o, lang);
      expect(text).toBe(breakdownRow(after, lang, true));
      expect(text).toContain(',3500.00,');
    });
  }

  it('cells a spreadsheet would run as a formula (a negative amount or exposure, a code starting with -) are guarded as breakdownRow guards them', () => {
    const line = zhujiLine();
    const o: Override = { status: 'approved', reasonCode: '-x', reason: { zh: '=1', en: '+1' }, amountFen: -500, exposureFen: -100, denied: false };
    const after: Line = { ...line, status: 'approved', reasonCode: o.reasonCode, reason: o.reason, amountFen: -500, exposureFen: -100 };
    for (const lang of ['en', 'zh'] as Lang[]) {
      const text = patched(breakdownRow(line, lang, false), o, lang);
      expect(text).toBe(breakdownRow(after, lang, false));
      expect(text).toContain(",'-5.00,");
    }
  });

  for (const [lang, what] of [['en', 'a reason that needs no quotes'], ['zh', 'a reason in quotes']] as const) {
    it(`ZJ-04: a line under review that the limits find twice keeps its status and amounts, its reason followed by theirs (${what})`, () => {
      const r = run('zhuji', [{ name: '王芳', program: 'entrepreneurship', date: '2020-03-05', groups: 'enterprise_employee' }]);
      const line = r.lines[0]!;
      expect([line.status, line.reasonCode, line.exposureFen]).toEqual(['review', 'group_not_listed', 100_000]);
      if (lang === 'zh') line.reason = { zh: '不在所列人员之中, "等"', en: '' };
      else line.reason = { zh: '', en: 'not among the listed groups' };
      const added = { zh: '; 与 test.csv 第2行 的申领相同(同一人、项目、日期), 请核实', en: '; the same claim as test.csv row 2 (same person, programme, date): to be checked' };
      const o: Override = { status: 'review', reasonCode: 'group_not_listed', reason: added, amountFen: 0, exposureFen: 100_000, denied: false, appended: true };
      const after: Line = { ...line, reason: { zh: line.reason.zh + added.zh, en: line.reason.en + added.en } };
      expect(patched(breakdownRow(line, lang, false), o, lang)).toBe(breakdownRow(after, lang, false));
    });
  }

  it('refuses a record without the breakdown’s cells from status on (nine), or with a quote left open among them', () => {
    const o: Override = { status: 'denied', reasonCode: 'x', reason: { zh: 'x', en: 'x' }, amountFen: 0, exposureFen: null, denied: true };
    expect(() => patched('a,b,c\r\n', o, 'en')).toThrow(/fewer than the 9 cells from status on/);
    expect(() => patched(`${'x,'.repeat(14)}approved,ok,"eligible,1.00,fixed,f,c,,\r\n`, o, 'en')).toThrow(/fewer than the 9 cells from status on/);
  });
});

describe('personRow', () => {
  const base: PersonRow = {
    jurisdiction: 'zhuji', documentStatus: 'final', subject: 'person', personKey: '330681199001010015', name: '王芳', otherNames: [], moreNames: false, firstIndex: 0, file: 'a.csv', row: 2,
    claims: 6, approved: 4, review: 0, denied: 2, duplicate: 0, amountFen: 795000, paidToThemFen: 795000, paidToOthersFen: 0, exposureFen: 0, unquantified: 0,
  };
  it.each([
    ['a plain row', {}],
    ['a name with a comma and quotes', { name: '李, "四"' }],
    ['a formula-like name and file', { name: '=SUM(A1)', file: '-x.csv' }],
    ['a name with a tab and a line break', { name: '王\t芳\n' }],
    ['a unit named with a comma', { subject: 'unit' as const, personKey: '某,学校', name: '某,学校' }],
    ['large counts and amounts', { claims: 1234567, amountFen: 123456789012, paidToOthersFen: 5, exposureFen: 100 }],
    ['numbers at each count of digits, and past 2³¹', { claims: 9, approved: 10, review: 99, denied: 1_000_000_000, duplicate: 2 ** 31, row: 2 ** 31 - 1, amountFen: 999_999_999_999_99, unquantified: 2 ** 40 }],
    ['a file with a tab inside, written as csvRow writes it (not cleaned)', { file: 'a\tb.csv' }],
    ['other names, one with a comma and one formula-like', { otherNames: ['王方', '汪,芳', '=王芳'], moreNames: true }],
    ['another name with a tab', { otherNames: ['王\t方'] }],
  ])('%s: the cells csvRow would write', (_what, change) => {
    const r = { ...base, ...change };
    for (const mask of [false, true]) {
      const id = mask && r.subject === 'person' ? '330681********0015' : r.personKey.replace(/[\t\n\r]+/g, ' ');
      expect(personRow(r, mask)).toBe(
        csvRow([
          r.jurisdiction, r.documentStatus, r.subject, id, r.name.replace(/[\t\n\r]+/g, ' '),
          [...r.otherNames, ...(r.moreNames ? ['…'] : [])].join('; ').replace(/[\t\n\r]+/g, ' '), r.claims, r.approved, r.review, r.denied, r.duplicate,
          (r.amountFen / 100).toFixed(2), (r.paidToThemFen / 100).toFixed(2), (r.paidToOthersFen / 100).toFixed(2), (r.exposureFen / 100).toFixed(2),
          r.unquantified, r.file, r.row,
        ]),
      );
    }
  });
});
