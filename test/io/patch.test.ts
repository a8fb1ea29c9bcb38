// The copy-out's patch of a changed line: byte for byte the record breakdownRow writes for the line as the limits left it.
import { describe, expect, it } from 'vitest';
import type { SpilledOverride } from '../../src/engine/partition.js';
import type { Line } from '../../src/engine/types.js';
import { breakdownRow, type Lang, patchBreakdownRecord } from '../../src/io/csvOut.js';
import { run } from '../helpers.js';

/** A ZJ-01 certificate line (cap 3500 yuan, no cost claimed) whose name needs quoting: a comma and quotes. */
function zhujiLine(): Line {
  const r = run('zhuji', [{ name: '王, "小"芳', program: 'cert_training', date: '2020-05-10', occupation: '电工', level: 'L4', certificate: 'skill_level' }]);
  return r.lines[0]!;
}

function patched(record: string, o: SpilledOverride): string {
  const bytes = Buffer.from(`xx${record}yy`, 'utf8'); // the record inside a larger block, as in the copy-out
  const out: Buffer[] = [];
  patchBreakdownRecord(bytes, 2, bytes.length - 2, o, {
    bytes: (src, from, to) => out.push(Buffer.from(src.subarray(from, to))),
    text: (s) => out.push(Buffer.from(s, 'utf8')),
  });
  return Buffer.concat(out).toString('utf8');
}

describe('patchBreakdownRecord', () => {
  for (const lang of ['en', 'zh'] as Lang[]) {
    it(`a ZJ-01 line (3500.00) a limit denies: status, reason, amount, basis, formula and exposure rewritten, the rest kept (${lang})`, () => {
      const line = zhujiLine();
      expect(line.amountFen).toBe(350_000);
      const reason = 'same occupation and level, "电工 L4", not paid twice';
      const o: SpilledOverride = { status: 'denied', reasonCode: 'repeat_occupation_level', reason, amountFen: 0, exposureFen: null, denied: true };
      const after: Line = { ...line, status: 'denied', reasonCode: o.reasonCode, reason: { zh: reason, en: reason }, amountFen: 0, exposureFen: null, basis: 'none', formula: { zh: '', en: '' } };
      expect(patched(breakdownRow(line, lang, false), o)).toBe(breakdownRow(after, lang, false));
    });

    it(`a ZJ-01 line a limit sends to review keeps its basis and formula and shows its exposure (3500.00) (${lang})`, () => {
      const line = zhujiLine();
      const o: SpilledOverride = { status: 'review', reasonCode: 'annual_cap_pending', reason: 'depends, on a line under review', amountFen: 0, exposureFen: 350_000, denied: false };
      const after: Line = { ...line, status: 'review', reasonCode: o.reasonCode, reason: { zh: o.reason, en: o.reason }, amountFen: 0, exposureFen: 350_000 };
      const text = patched(breakdownRow(line, lang, true), o);
      expect(text).toBe(breakdownRow(after, lang, true));
      expect(text).toContain(',3500.00,');
    });
  }

  it('refuses a record without the breakdown’s 22 cells', () => {
    const o: SpilledOverride = { status: 'denied', reasonCode: 'x', reason: 'x', amountFen: 0, exposureFen: null, denied: true };
    expect(() => patched('a,b,c\r\n', o)).toThrow(/3 cells, not 22/);
  });
});
