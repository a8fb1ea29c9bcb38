// Lines written from their bytes (rawShapes.ts) are byte for byte what the text path writes, and what evaluating each row writes when shapes start afresh.
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { breakdownPart, evaluateChunk, recordsPart } from '../../src/io/chunkPass.js';
import { readSegmentBytes } from '../../src/io/partitionPass.js';
import { evaluateRow } from '../../src/engine/batch.js';
import { breakdownRow, type Lang } from '../../src/io/csvOut.js';
import { FIELD_BY_NAME } from '../../src/engine/fields.js';
import { parseCell } from '../../src/engine/intake.js';
import { Catalogue } from '../../src/engine/catalogue.js';
import { RawShapes, isoDateOfCell } from '../../src/io/rawShapes.js';
import { RowShapes } from '../../src/io/rowShapes.js';
import { cellsByField } from '../../src/io/rowKinds.js';
import { TABLES, residentId } from '../helpers.js';
import { AWKWARD_OCCUPATIONS, PLAIN_OCCUPATIONS, SHAPE_COLUMNS, SHAPE_KINDS } from './shapeCases.js';

const tables = TABLES;
const COLUMNS = SHAPE_COLUMNS;

const quoted = (cell: string): string => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

/**
 * Rows that repeat their other cells under many IDs, names and dates. Every other row has an awkward spelling.
 * Some the byte path must leave to the text path: a bad check digit; names that need quoting or a formula guard,
 * full-width letters, a no-break space at an end, a tab, none; dates in Chinese, impossible, around Zhuji's
 * validity (2020-02-21 – 2021-12-31; after it a denial quotes the date). Some it takes and must write as the
 * text path does: an ID ending in a lower-case x, spaces around an ID, a name or a date, a name with a middle
 * dot, dates as 2020/6/1. Occupations vary the same way (plain, or one the text path trims, guards, quotes or
 * finds blank). Also unit grants keyed by name (its partition hashes UTF-16) or by organisation code, rejects,
 * blank lines, and columns nobody reads (unique per row).
 */
function roster(newline: string, rows: number, quoteAll = false, kinds = SHAPE_KINDS, columns = COLUMNS): string {
  const xId = (() => {
    for (let n = 0; ; n++) if (residentId(n).endsWith('X')) return residentId(n);
  })();
  const ids = [residentId(1), residentId(2), residentId(3), xId.toLowerCase(), ` ${residentId(4)}`, '330681199001010016', residentId(5), xId];
  const names = ['王芳', '李, 四', '=SUM(A1)', '张"三"', '赵六', '阿依·古丽', 'ＡＢＣ', ' 钱七', '', 'Li Lei', '-1', 'Han Mei ', '\t孙八', '吴\u00a0'];
  const dates = ['2020-02-20', '2020-02-21', '2020-02-22', '2020/6/1', '2021-12-31', '2022-01-01', '2021-03-05', '2019-12-31', '2020年2月21日', '2020-13-40', ' 2021-03-05'];
  const plainIds = [residentId(6), residentId(7), residentId(8), xId];
  const plainNames = ['王芳', '赵六', 'Li Lei', '学员12'];
  const plainDates = ['2020-03-01', '2021/6/30', '2021-12-31', '2020.2.21', '20210105'];
  let seed = 7;
  const pick = <T>(list: T[]): T => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return list[(seed >>> 8) % list.length]!;
  };
  // Around the read columns, two nobody reads (a row number, a remark), and now and then a cell past the header (the
  // row is rejected whole, tooManyCells: the byte path must leave it to the text path).
  const lines = [['序号', ...columns, '备注'].join(',')];
  for (let i = 0; i < rows; i++) {
    if (i % 97 === 50) lines.push('');
    // Every other row plain in ID, name and date, the others from the awkward lists; picked at random (seeded),
    // as picking by the row's number let list lengths with common factors keep some pairs apart.
    const [idList, nameList, dateList, jobList] = i % 2 ? [ids, names, dates, [...PLAIN_OCCUPATIONS, ...AWKWARD_OCCUPATIONS]] : [plainIds, plainNames, plainDates, PLAIN_OCCUPATIONS];
    const kind = pick(kinds);
    const cells: Record<string, string> = { ...kind, person_id: pick(idList), name: pick(nameList), date: pick(dateList) };
    if (kind.occupation) cells.occupation = pick(jobList);
    const row = [String(i + 1), ...columns.map((c) => cells[c] ?? ''), i % 3 ? `备注${i}` : '', ...(i % 30 ? [] : ['past the header'])];
    lines.push(row.map((c) => (quoteAll ? `"${c.replace(/"/g, '""')}"` : quoted(c))).join(','));
  }
  return `\uFEFF${lines.join(newline)}${newline}`;
}

/**
 * Every file a chunk spills, by name; the limit records per partition (a partition's blocks may be cut at other
 * places, so the records file itself can differ in layout). 13 partitions: with a power of two, keys differing
 * only in a letter's case (x, X) would always share a partition, and a wrong key could not show.
 */
async function spills(path: string, newline: '\n' | '\r\n', lang: Lang, maskIds: boolean, rawLines: boolean, rowHashes?: { salt?: string }, catalogue?: Catalogue): Promise<Map<string, Buffer>> {
  const work = mkdtempSync(join(tmpdir(), 'raw-'));
  const part = { label: 'r.csv', range: { start: 0, end: statSync(path).size, firstRow: 1 }, format: { encoding: 'utf8' as const, newline } };
  const job = { work, chunk: 0, fileIndex: 0, path, partitions: 13, encoding: 'auto' as const, lang, maskIds, part, rawLines, ...(rowHashes ? { rowHashes } : {}) };
  const { records, ...result } = await evaluateChunk(job, { tables, ...(rowHashes ? { defaultJurisdiction: 'zhuji' } : {}), ...(catalogue && { catalogue }) });
  const files = new Map(readdirSync(work).map((f) => [f, readFileSync(join(work, f))]));
  // The breakdown is spilled in parts (spillParts.ts), cut wherever a write filled one: compared as one file.
  const parts = Array.from({ length: result.breakdownParts }, (_, k) => breakdownPart(work, 0)(k));
  for (const part of parts) files.delete(basename(part));
  files.set('b0.csv', Buffer.concat(parts.map((part) => readFileSync(part))));
  const fd = openSync(recordsPart(work, 0), 'r');
  files.set(recordsPart('', 0), Buffer.concat(records.map((segments) => Buffer.concat([readSegmentBytes(fd, segments), Buffer.from('|')]))));
  closeSync(fd);
  files.set('result', Buffer.from(JSON.stringify(result)));
  return files;
}

describe('row shapes from bytes (rawShapes.ts)', () => {
  it('read a date cell from its bytes exactly as the text path reads it, or leave it to the text path', () => {
    const spellings = ['2021-03-05', '2021/3/5', '2021.3.5', '2021-3-05', '2021-3-5', '2021-03-5', '2021-3/5', '20210305', '2020/2/29',
      '2021035', '202103055', '2021/13/5', '2021/2/29', '1899/1/1', '2101/1/1', '2021//5', '21-3-5', '2021-003-5', '2021/3/5/', '0000-00-00',
      '2021-3-', '2021-', '2021年3月5日', '2021 /3/5', '２０２１/3/5', ' 2021-03-05', '2021-03-05 ']; // prettier-ignore
    const seen = new Map<number, string>();
    const field = FIELD_BY_NAME.get('date')!;
    let read = 0;
    for (const spelling of spellings) {
      const bytes = Buffer.from(`x${spelling}x`);
      const iso = isoDateOfCell(bytes, 1, bytes.length - 1, seen);
      const text = parseCell(field, spelling);
      if (iso === undefined) continue;
      read++;
      expect(text, spelling).toEqual({ ok: true, value: iso });
    }
    expect(read).toBe(9);
  });

  afterEach(() => vi.restoreAllMocks());
  // A ledger run's records end with each row's content hash: from the line's bytes, it must be rowHash of its cells.
  const cases = [['\n', 'en', false, false, undefined], ['\r\n', 'zh', true, false, undefined], ['\n', 'en', false, true, undefined], ['\n', 'en', false, false, {}], ['\r\n', 'zh', true, true, { salt: 'county' }]] as const;
  for (const [newline, lang, mask, quoteAll, rowHashes] of cases) {
    const hashes = rowHashes ? `, row hashes${'salt' in rowHashes ? ' under a salt' : ''}` : '';
    it(`write the same breakdown, records, line map and rejects as the text path (${JSON.stringify(newline)}, ${lang}${mask ? ', masked IDs' : ''}${quoteAll ? ', every cell quoted' : ''}${hashes})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'raw-roster-'));
      const path = join(dir, 'r.csv');
      writeFileSync(path, roster(newline, 3_000, quoteAll));
      const write = vi.spyOn(RawShapes.prototype, 'write');
      const bytes = await spills(path, newline, lang, mask, true, rowHashes);
      // Rows whose lines were written from bytes (a reject written so has none).
      const taken = write.mock.results.filter((r) => (r.value as number) > 0).length;
      write.mockClear();
      const text = await spills(path, newline, lang, mask, false, rowHashes);
      if (rowHashes) expect(text.get(recordsPart('', 0))!.toString('utf8')).toMatch(/\tperson\t[^\t\n]*\t[0-9a-f]{64}\n/);
      expect(write).not.toHaveBeenCalled();
      expect([...bytes.keys()].sort()).toEqual([...text.keys()].sort());
      for (const [name, content] of text) expect(bytes.get(name)!.equals(content), name).toBe(true);
      // Most lines were taken from their bytes; the rest (see `roster`) were read as text.
      expect(taken).toBeGreaterThan(700);
      expect(taken).toBeLessThan(1_500);
      expect(text.get('b0.csv')!.toString('utf8')).toContain('王芳');
    });
  }

  it('write a rejected row from its bytes as the text path writes it: a bad ID or date under good other cells, or other cells that are a reject (ZJ-01 levels)', async () => {
    // Kinds that repeat: two good ones, a level ZJ-01 does not have, a programme Suzhou does not have.
    const kinds = [SHAPE_KINDS[0]!, SHAPE_KINDS[1]!, { ...SHAPE_KINDS[0]!, level: 'L9' }, { jurisdiction: 'suzhou', program: 'nope' }];
    const bad = residentId(9).slice(0, 17) + (residentId(9).endsWith('0') ? '1' : '0');
    const xId = (() => {
      for (let n = 0; ; n++) if (residentId(n).endsWith('X')) return residentId(n);
    })();
    // Bad IDs the bytes may take (a check digit, a lower-case x after a wrong digit, letters) and ones they leave to the
    // text path (17 digits, a no-break space after one, a formula); likewise dates.
    const ids = [residentId(1), residentId(2), bad, `${xId.slice(0, 16)}${xId[16] === '9' ? '0' : '9'}x`, 'ABCDEFGHIJKLMNOPQR', ` ${bad} `, bad.slice(1), `${bad}\u00a0`, `="${bad}"`];
    const dates = ['2020-06-01', '2021/3/5', '2020-13-40', ' 2020-13-40 ', '2021-02-29', "'2020-13-40", '="2020-13-40"', '2020-13-40\u00a0', '2020年13月1日', 'soon', ''];
    let seed = 11;
    const pick = <T>(list: readonly T[]): T => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return list[(seed >>> 8) % list.length]!;
    };
    const lines = [COLUMNS.join(',')];
    for (let i = 0; i < 3_000; i++) {
      const cells: Record<string, string> = { ...pick(kinds), person_id: pick(ids), name: pick(['王芳', '赵六', 'Li Lei']), date: pick(dates) };
      lines.push(COLUMNS.map((c) => quoted(cells[c] ?? '')).join(','));
    }
    const dir = mkdtempSync(join(tmpdir(), 'raw-rejects-'));
    const path = join(dir, 'r.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const rejectsOf = vi.spyOn(RawShapes.prototype as unknown as { rejectsOf: () => number }, 'rejectsOf');
    const bytes = await spills(path, '\n', 'zh', false, true);
    const fromBytes = rejectsOf.mock.results.filter((r) => r.value === 0).length;
    const leftToText = rejectsOf.mock.results.filter((r) => r.value === -1).length;
    vi.restoreAllMocks();
    const text = await spills(path, '\n', 'zh', false, false);
    expect([...bytes.keys()].sort()).toEqual([...text.keys()].sort());
    for (const [name, content] of text) expect(bytes.get(name)!.equals(content), name).toBe(true);
    // The rejects and their counts by column and code (in `result`) are the text path's; most were written from bytes.
    const rejects = text.get('r0.csv')!.toString('utf8');
    expect(rejects).toContain(`r.csv,`);
    expect(rejects).toMatch(/,person_id,ABCDEFGHIJKLMNOPQR,bad_id,/);
    expect(rejects).toMatch(/,date,2020-13-40,bad_date,/);
    expect(rejects).toMatch(/,level,L9,/);
    expect(rejects).toMatch(/,program,nope,unknown_program,/);
    expect(fromBytes).toBeGreaterThan(400);
    expect(leftToText).toBeGreaterThan(400);
  });

  it('with a catalogue (HY-01 priced by occupation), write the same spill files as the text path: those rows per occupation, the others with the occupation as a slot', async () => {
    const catalogue = new Catalogue([
      { jurisdiction: 'hengyang', program: 'free_training', occupation: '焊工', level: '', standardFen: 180_000 },
      { jurisdiction: 'hengyang', program: 'free_training', occupation: '电工', level: '', standardFen: 160_000 },
    ]);
    const kinds = [...SHAPE_KINDS, { jurisdiction: 'hengyang', program: 'free_training', occupation: '电工', class_registered: 'yes', groups: 'poverty' }];
    const dir = mkdtempSync(join(tmpdir(), 'raw-catalogue-'));
    const path = join(dir, 'r.csv');
    writeFileSync(path, roster('\n', 3_000, false, kinds, [...COLUMNS, 'class_registered']));
    // Lines written from bytes, and of them the ones the catalogue prices (looked at during the call: the reader reuses its buffer).
    let taken = 0;
    let pricedTaken = 0;
    const original = RawShapes.prototype.write;
    vi.spyOn(RawShapes.prototype, 'write').mockImplementation(function (this: RawShapes, ...args: Parameters<RawShapes['write']>) {
      const n = original.apply(this, args);
      if (n >= 0) {
        taken++;
        if (/,free_training,.*,(焊工|电工),/.test(args[0].toString('utf8', args[1], args[2]))) pricedTaken++;
      }
      return n;
    });
    const bytes = await spills(path, '\n', 'en', false, true, undefined, catalogue);
    vi.restoreAllMocks();
    const text = await spills(path, '\n', 'en', false, false, undefined, catalogue);
    expect([...bytes.keys()].sort()).toEqual([...text.keys()].sort());
    for (const [name, content] of text) expect(bytes.get(name)!.equals(content), name).toBe(true);
    expect(taken).toBeGreaterThan(700);
    // Rows the catalogue prices are written from bytes too (by a shape per occupation).
    expect(pricedTaken).toBeGreaterThan(20);
    // The catalogue priced some lines: 1800.00 for a 焊工, 1600.00 for an 电工.
    const breakdown = text.get('b0.csv')!.toString('utf8');
    expect(breakdown).toMatch(/,焊工,.*,1800\.00,/);
    expect(breakdown).toMatch(/,电工,.*,1600\.00,/);
  });

  it('a roster grouped by class, with more classes than a thread keeps shapes for, is written as evaluating each row writes (the shapes start afresh)', async () => {
    // 6,000 classes of 4 trainees, a class's rows together: ZJ-01 certificates whose provider names the class (its
    // claimed cost too, but a cost is a slot of the shapes: rowShapes.ts, costSlot).
    const rows: Map<string, string>[] = [];
    for (let c = 0; c < 6_000; c++) {
      for (let k = 0; k < 4; k++) {
        const cells = { person_id: residentId(c * 4 + k), name: `学员${k}`, jurisdiction: 'zhuji', program: 'cert_training', date: '2021-03-05', occupation: '电工', level: 'L4', certificate: 'skill_level', cost: String(1000 + c), provider: `培训学校${c}` };
        rows.push(new Map(Object.entries(cells)));
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'raw-grouped-'));
    const path = join(dir, 'r.csv');
    const columns = [...rows[0]!.keys()];
    writeFileSync(path, `${columns.join(',')}\n${rows.map((r) => `${columns.map((c) => r.get(c)).join(',')}\n`).join('')}`);
    const reset = vi.spyOn(RowShapes.prototype, 'reset');
    const write = vi.spyOn(RawShapes.prototype, 'write');
    const files = await spills(path, '\n', 'en', false, true);
    // What evaluating every row writes, line by line.
    const expected = rows.flatMap((cells, i) => {
      const r = evaluateRow('r.csv', i + 2, i, cells, { tables });
      return 'lines' in r ? r.lines.map((l) => breakdownRow(l, 'en', false)) : [];
    });
    expect(files.get('b0.csv')!.toString('utf8')).toBe(expected.join(''));
    expect(reset).toHaveBeenCalled();
    // Past the first 4,096 classes rows are still written by shape: two of each class's four rows from bytes.
    expect(write.mock.results.filter((r) => (r.value as number) >= 0).length).toBeGreaterThan(10_000);
  });

  it('a claimed cost, a slot of the shapes, is read from its bytes as the text path reads it (ZJ-01 up to 3500, SZ up to 800), and lines are what evaluating each row writes', async () => {
    const kinds: Record<string, string>[] = [
      { jurisdiction: 'zhuji', program: 'cert_training', occupation: '焊工', level: 'L4', certificate: 'skill_level' },
      { jurisdiction: 'suzhou', program: 'special_operation_cert', occupation: '电工', certificate: 'special_operation', issued_locally: 'yes' },
      { jurisdiction: 'zhuji', program: 'apprentice_employee', years: '1' },
    ];
    // Spellings the bytes take (digits, fen, a thousands comma (quoted), spaces around, an apostrophe), ones they leave
    // to the text path (a yuan sign or 元, full-width digits, a formula, a no-break space), and ones it rejects.
    const spellings = ['3500', '3500.01', '799.99', '800.01', '1,250', '¥900', '900元', ' 600 ', '０６００', '="600"', '600\u00a0', "'700", 'abc', '-5', '0.5万', ''];
    const columns = ['person_id', 'name', 'jurisdiction', 'program', 'date', 'occupation', 'level', 'certificate', 'issued_locally', 'years', 'cost'];
    const rows: Map<string, string>[] = [];
    const lines = [columns.join(',')];
    for (let i = 0; i < 3_000; i++) {
      const kind = kinds[i % kinds.length]!;
      const spelling = i < 600 ? spellings[i % spellings.length]! : String(100 + ((i * 53) % 9_000));
      const cells: Record<string, string> = { ...kind, person_id: residentId(i % 70), name: `学员${i % 9}`, date: '2021-03-05', cost: spelling };
      lines.push(columns.map((c) => quoted(cells[c] ?? '')).join(','));
      // The cells as the text path gets them (cellsByField's).
      rows.push(cellsByField(columns, columns.map((c) => cells[c] ?? '')));
    }
    const dir = mkdtempSync(join(tmpdir(), 'raw-costs-'));
    const path = join(dir, 'r.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const write = vi.spyOn(RawShapes.prototype, 'write');
    const bytes = await spills(path, '\n', 'en', false, true);
    const taken = write.mock.results.filter((r) => (r.value as number) > 0).length;
    write.mockClear();
    const text = await spills(path, '\n', 'en', false, false);
    for (const [name, content] of text) expect(bytes.get(name)!.equals(content), name).toBe(true);
    const expected = rows.flatMap((cells, i) => {
      const r = evaluateRow('r.csv', i + 2, i, cells, { tables });
      return 'lines' in r ? r.lines.map((l) => breakdownRow(l, 'en', false)) : [];
    });
    const breakdown = bytes.get('b0.csv')!.toString('utf8');
    expect(breakdown).toBe(expected.join(''));
    // Costs met once (2,400 rows of them) were written from bytes all the same.
    expect(taken).toBeGreaterThan(2_000);
    expect(breakdown).toContain('claimed 1250.00 yuan ≤ cap 3500 yuan = 1250.00 yuan');
    expect(breakdown).toContain('claimed 800.01 yuan > cap 800 yuan, paid at the cap = 800.00 yuan');
  });
});
