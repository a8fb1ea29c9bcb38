// Row hashes identify a row's content across runs: ledgers keep them, so their values must never change.
import { describe, expect, it } from 'vitest';
import { rowHash } from '../../src/io/ledger.js';

// The cells as a roster gives them, in its column order; values pinned from the first version that recorded hashes.
const CELLS = new Map([
  ['program', 'cert_training'], ['person_id', '330106200003150028'], ['name', '王婷'], ['date', '2020-06-01'], ['level', 'L4'],
  ['cost', '１５００'], ['training_days', '12'], ['class_hours', '8'], ['groups', 'two_after;rural'],
]);

describe('row hashes (ZJ-16 and every limit across runs: a row already paid is a duplicate)', () => {
  it('are the same as the ledgers already hold: with -j, without, and under a salt', () => {
    expect(rowHash(CELLS, 'zhuji', undefined)).toBe('5276a29a8676a57999b5020f2b1b1c4462c742d569102026125399a857c903f5');
    expect(rowHash(CELLS, undefined, undefined)).toBe('1e5547afb498f6b66cacd1848ec824d92ba5824c4712ac51ab9a65606bad171f');
    expect(rowHash(CELLS, 'zhuji', 'secret')).toBe('66f3cdc38634ab5478b97ba3984309a093618fb6dda53eeb69646a1859280b87');
  });

  it('do not depend on the order of the columns, and read full-width digits as digits', () => {
    const reordered = new Map([...CELLS].reverse());
    expect(rowHash(reordered, 'zhuji', undefined)).toBe(rowHash(CELLS, 'zhuji', undefined));
    const ascii = new Map(CELLS).set('cost', '1500');
    expect(rowHash(ascii, 'zhuji', undefined)).toBe(rowHash(CELLS, 'zhuji', undefined));
  });

  it('leave out who is paid (培训机构, 用人单位): a roster recorded before those columns were read is the same rows, and so is a claim sent again under another provider', () => {
    const named = new Map(CELLS).set('provider', '红星培训学校').set('employer', '某某公司');
    expect(rowHash(named, 'zhuji', undefined)).toBe('5276a29a8676a57999b5020f2b1b1c4462c742d569102026125399a857c903f5');
    // And with a cell that is no field, the fallback order leaves them out too.
    const odd = new Map(named).set('zz_note', 'x');
    expect(rowHash(odd, 'zhuji', undefined)).toBe(rowHash(new Map(CELLS).set('zz_note', 'x'), 'zhuji', undefined));
  });
});
