// Split rosters and spill files: byte ranges start on record boundaries, rows keep their numbers, text survives block ends.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { syntheticRoster } from '../../src/bench/synthetic.js';
import { planChunks } from '../../src/io/chunks.js';
import { type RosterPart, type RosterRecord, readHeader, readRosterBatches, readRosterPart, transcodeToUtf8 } from '../../src/io/roster.js';
import { Appender, OverrideReader, PartitionQueue, PartitionedSpill, readSegmentBytes, writeOverride } from '../../src/io/partitionPass.js';
import type { Patch } from '../../src/io/csvOut.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'subsidy.js');
const dir = mkdtempSync(join(tmpdir(), 'subsidy-chunks-'));

/** A synthetic roster as Excel on Windows would save it: BOM, CRLF, and every 7th name a quoted two-line cell with quotes and a comma. */
function awkwardRoster(rows: number): Buffer {
  const lines = [...syntheticRoster(rows, 11)].join('').split('\n').filter(Boolean);
  const edited = lines.map((line, i) => {
    if (i === 0 || i % 7) return line;
    const cells = line.split(',');
    cells[1] = `"${cells[1]}\r\n第二行, ""乙"""`;
    return cells.join(',');
  });
  return Buffer.from(`\uFEFF${edited.join('\r\n')}\r\n`, 'utf8');
}

const newlinesBefore = (bytes: Buffer, at: number): number => {
  let n = 0;
  for (let i = bytes.indexOf(10); i >= 0 && i < at; i = bytes.indexOf(10, i + 1)) n++;
  return n;
};

describe('planChunks', () => {
  const path = join(dir, 'awkward.csv');
  const bytes = awkwardRoster(12_000);
  writeFileSync(path, bytes);

  it('cuts just after a line break outside quotes, and numbers each range from the rows before it', async () => {
    const plan = planChunks(path, 4, 64 * 1024, await readHeader(path, 'auto', path));
    expect(plan.ranges).toHaveLength(4);
    expect(plan.format).toEqual({ encoding: 'utf8', newline: '\r\n' });
    for (const [k, r] of plan.ranges.entries()) {
      if (k === 0) {
        expect(r).toMatchObject({ start: 0, firstRow: 1 });
        continue;
      }
      expect(r.start).toBe(plan.ranges[k - 1]!.end);
      expect(bytes[r.start - 1]).toBe(10);
      // The line that starts the range is a whole record: it begins with a resident ID, not the tail of a two-line name.
      expect(bytes.subarray(r.start, r.start + 18).toString()).toMatch(/^\d{17}[\dX]$/);
      expect(r.firstRow).toBe(newlinesBefore(bytes, r.start) + 1);
    }
    expect(plan.ranges.at(-1)!.end).toBe(bytes.length);
  });

  it('reads a file with irregular quoting before a cut (a quote inside an unquoted cell) whole', async () => {
    const odd = join(dir, 'odd.csv');
    const headerEnd = bytes.indexOf(10) + 1;
    const oddRow = Buffer.from('330681199001010015,say "hi",zhuji,cert_training,2020-05-01\r\n');
    writeFileSync(odd, Buffer.concat([bytes.subarray(0, headerEnd), oddRow, bytes.subarray(headerEnd)]));
    expect(planChunks(odd, 4, 64 * 1024, await readHeader(odd, 'auto', odd)).ranges).toHaveLength(1);
  });

  it('does not split a file too small for two ranges', async () => {
    expect(planChunks(path, 4, bytes.length, await readHeader(path, 'auto', path)).ranges).toHaveLength(1);
  });

  it('calc writes byte-identical outputs from 1 and 3 threads on a roster with multi-line quoted cells', () => {
    const run = (out: string, workers: string): void => {
      const r = spawnSync(process.execPath, [BIN, 'calc', path, '-o', join(dir, out), '--no-progress', '--workers', workers], { env: { ...process.env, NO_COLOR: '1', SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024) } });
      expect(r.status, r.stderr.toString()).toBe(0);
    };
    run('one', '1');
    run('three', '3');
    for (const name of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv']) {
      expect(readFileSync(join(dir, 'three', name)).equals(readFileSync(join(dir, 'one', name))), name).toBe(true);
    }
    // A row far into the file keeps its spreadsheet number: every 7th record spans two lines.
    const rejects = readFileSync(join(dir, 'one', 'rejects.csv'), 'utf8').trim().split('\r\n');
    const last = rejects.at(-1)!.split(',');
    expect(Number(last[1])).toBeGreaterThan(12_000);
  });
  it('a quote that opens a name and closes three rows later (rows lost inside one cell, read as written): the line is rejected whole, the rows after it are read, alike from 1 and 3 threads', async () => {
    const plain = [...syntheticRoster(12_000, 13)].join('').split('\n').filter(Boolean);
    const at = 6_000; // in the middle range of three
    const opened = plain[at]!.replace(/^(\d+X?),/, '$1,"');
    const closed = plain[at + 3]!.replace(/^(\d+X?),([^,]*),/, '$1,$2",');
    const lines = [...plain.slice(0, at), opened, plain[at + 1], plain[at + 2], closed, ...plain.slice(at + 4)];
    const broken = join(dir, 'broken-quote.csv');
    writeFileSync(broken, `${lines.join('\r\n')}\r\n`);
    // As CSV the file is regular (the quote closes before a comma), so it is split and cut by hand.
    expect(planChunks(broken, 3, 64 * 1024, await readHeader(broken, 'auto', broken)).ranges).toHaveLength(3);
    const run = (out: string, workers: string): string => {
      const r = spawnSync(process.execPath, [BIN, 'calc', broken, '-o', join(dir, out), '--no-progress', '--workers', workers], { env: { ...process.env, NO_COLOR: '1', SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024) } });
      expect(r.status, r.stderr.toString()).toBe(0);
      return r.stdout.toString();
    };
    const said = run('broken-one', '1');
    run('broken-three', '3');
    for (const name of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv']) {
      expect(readFileSync(join(dir, 'broken-three', name)).equals(readFileSync(join(dir, 'broken-one', name))), name).toBe(true);
    }
    // Every line is a row: the header, then 12,000 rows, row at + 1 the broken one (plain[0] is the header).
    expect(said).toMatch(/rows read 12000 = evaluated \d+ \+ rejected \d+/);
    const rejects = readFileSync(join(dir, 'broken-one', 'rejects.csv'), 'utf8');
    const row = at + 1;
    expect(rejects).toContain(`,${row},,"${opened.replace(/"/g, '""')}",bad_csv,"unreadable CSV row: cell 2 (column B, name) starts with a quote this line does not close`);
    // The two rows it would have taken in, and the one with the stray closing quote, are read as rows.
    const breakdown = readFileSync(join(dir, 'broken-one', 'breakdown.csv'), 'utf8');
    for (const r of [row + 1, row + 2, row + 3]) expect(breakdown.includes(`${broken},${r},`) || rejects.includes(`${broken},${r},`), String(r)).toBe(true);
  });

  it('two rosters at once, one of them GBK, give byte-identical outputs from 1 and 3 threads', async () => {
    const gbk = join(dir, 'gbk.csv');
    writeFileSync(gbk, iconv.encode([...syntheticRoster(8_000, 5)].join(''), 'gb18030'));
    expect(planChunks(gbk, 3, 64 * 1024, await readHeader(gbk, 'auto', gbk))).toMatchObject({ format: { encoding: 'gb18030' } });
    const run = (out: string, workers: string): void => {
      const r = spawnSync(process.execPath, [BIN, 'calc', path, gbk, '-o', join(dir, out), '--no-progress', '--workers', workers], { env: { ...process.env, NO_COLOR: '1', SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024) } });
      expect(r.status, r.stderr.toString()).toBe(0);
    };
    run('two-one', '1');
    run('two-three', '3');
    for (const name of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv']) {
      expect(readFileSync(join(dir, 'two-three', name)).equals(readFileSync(join(dir, 'two-one', name))), name).toBe(true);
    }
    expect(readFileSync(join(dir, 'two-one', 'breakdown.csv'), 'utf8')).toContain('学员');
  });
});

describe('the split reader (fastCsv.ts)', () => {
  type Collected = Pick<RosterRecord, 'row' | 'unreadable' | 'raw'> & { cells: [string, string][] };
  const collect = async (path: string, part?: RosterPart): Promise<Collected[]> => {
    const out: Collected[] = [];
    const record = (r: RosterRecord): void => void out.push({ row: r.row, cells: [...r.cells], unreadable: r.unreadable, raw: r.raw });
    if (part) await readRosterPart(path, 'auto', part, { record });
    else for await (const batch of readRosterBatches(path, 'auto', () => undefined)) batch.forEach(record);
    return out;
  };

  it('cuts the same records, with the same row numbers, as the general reader, and hands irregular quoting over to it', async () => {
    const path = join(dir, 'cut.csv');
    // After 3,000 regular rows (quoted two-line names among them): a row with a cell too many, a quote inside an
    // unquoted cell, a lone LF in this CRLF file, more regular rows (now read by the general reader, one with a cell too many),
    // and an unclosed quote at the very end.
    const more = [...syntheticRoster(20, 3)].join('').split('\n').slice(1, -1).map((l) => `${l}\r\n`);
    more[5] = more[5]!.replace('\r\n', ',\r\n');
    const tail = [
      `${more[0]!.slice(0, -2)},1,500\r\n`,
      '330681199001010015,say "hi",zhuji,cert_training,2020-05-01\r\n',
      '330681199001010023,lone,zhuji,cert_training,2020-05-01\n',
      ...more,
      '330681199001010031,"unclosed,zhuji\r\n',
    ].join('');
    writeFileSync(path, Buffer.concat([awkwardRoster(3_000), Buffer.from(tail)]));
    const whole = { start: 0, end: statSync(path).size, firstRow: 1 };
    const papa = await collect(path);
    const cut = await collect(path, { label: path, range: whole, format: { encoding: 'utf8', newline: '\r\n' } });
    expect(cut).toEqual(papa);
    expect(papa.length).toBeGreaterThan(3_020);
    // The unclosed quote at the end costs its own line, kept whole for the rejects.
    expect(papa.at(-1)).toMatchObject({
      unreadable: { en: expect.stringContaining('cell 2 (column B, name) starts with a quote this line does not close') },
      raw: '330681199001010031,"unclosed,zhuji',
    });
    // A cell too many, whether the cutter or the general reader read it, rejects the row rather than read its cells a column off.
    // (The first tail row, and the sixth row the general reader reads, eight lines on.)
    const extra = papa.filter((r) => /^2[78] cells where the header has 26: a comma in a cell that is not in quotes/.test(r.unreadable?.en ?? ''));
    expect(extra.map((r) => [r.unreadable!.en.slice(0, 2), r.row - extra[0]!.row])).toEqual([['28', 0], ['27', 8]]);
    expect(extra[0]!.unreadable!.zh).toBe('此行有28个单元格, 表头只有26列: 某个单元格中的英文逗号没有加引号, 其后每个单元格都错后了一列(请给该单元格加上引号)');
  });

  it('reads an LF roster with a BOM and a last line without a line break as the general reader does', async () => {
    const path = join(dir, 'cut-lf.csv');
    writeFileSync(path, `\uFEFF${[...syntheticRoster(2_000, 8)].join('').trimEnd()}`);
    const whole = { start: 0, end: statSync(path).size, firstRow: 1 };
    const cut = await collect(path, { label: path, range: whole, format: { encoding: 'utf8', newline: '\n' } });
    expect(cut).toEqual(await collect(path));
    expect(cut).toHaveLength(2_000);
  });
});

describe('transcodeToUtf8', () => {
  it('writes a GB18030 roster as UTF-8 exactly as the general reader decodes it, across its 64 KB blocks', async () => {
    const path = join(dir, 'gbk-copy.csv');
    // A BOM, two- and four-byte characters (鿿 U+9FFF, 𠀀 U+20000) placed to straddle block ends, and a bad byte.
    const rows = Array.from({ length: 9_000 }, (_, i) => `${i},学员${i},${i % 7 ? '电工' : '𠀀鿿'}\r\n`).join('');
    const bytes = Buffer.concat([iconv.encode('\uFEFF', 'gb18030'), iconv.encode(`person_id,name,occupation\r\n${rows}`, 'gb18030'), Buffer.from([0xff, 0x0d, 0x0a])]);
    writeFileSync(path, bytes);
    transcodeToUtf8(path, join(dir, 'gbk-copy.utf8.csv'));
    const copy = readFileSync(join(dir, 'gbk-copy.utf8.csv'), 'utf8');
    expect(copy).toBe(iconv.decode(bytes, 'gb18030', { stripBOM: true }));
    expect(copy).toContain('𠀀鿿');
    // And the records read from the copy are those the general reader reads from the original.
    const fromCopy: unknown[] = [];
    await readRosterPart(join(dir, 'gbk-copy.utf8.csv'), 'utf8', { label: 'x', range: { start: 0, end: statSync(join(dir, 'gbk-copy.utf8.csv')).size, firstRow: 1 }, format: { encoding: 'utf8', newline: '\r\n' } }, { record: (r) => void fromCopy.push([r.row, [...r.cells]]) });
    const fromOriginal: unknown[] = [];
    for await (const batch of readRosterBatches(path, 'gb18030', () => undefined)) for (const r of batch) fromOriginal.push([r.row, [...r.cells]]);
    expect(fromCopy).toEqual(fromOriginal);
    expect(fromCopy.length).toBeGreaterThan(9_000);
  });
});

describe('transcodeToUtf8 of a byte range', () => {
  it("copies each range of a split GB18030 file as the whole file's copy has it; a U+FEFF opening a later range's first cell is kept (only the file's BOM is dropped)", () => {
    const path = join(dir, 'gbk-ranges.csv');
    const rows = Array.from({ length: 3_000 }, (_, i) => `${i === 1_500 ? '\uFEFF' : ''}${i},学员${i},${i % 5 ? '电工' : '𠀀'}\n`).join('');
    writeFileSync(path, Buffer.concat([iconv.encode('\uFEFF', 'gb18030'), iconv.encode(`person_id,name,occupation\n${rows}`, 'gb18030')]));
    const whole = join(dir, 'gbk-ranges.whole.csv');
    transcodeToUtf8(path, whole);
    // Cut where the U+FEFF row begins, and at two other line starts.
    const bytes = readFileSync(path);
    const at = bytes.indexOf(iconv.encode('\uFEFF1500,', 'gb18030'));
    const cuts = [0, bytes.indexOf(0x0a, 1_000) + 1, at, bytes.indexOf(0x0a, at + 20_000) + 1, bytes.length];
    const copies = cuts.slice(1).map((end, k) => {
      const copy = join(dir, `gbk-ranges.${k}.csv`);
      transcodeToUtf8(path, copy, { start: cuts[k]!, end });
      return readFileSync(copy);
    });
    expect(Buffer.concat(copies).equals(readFileSync(whole))).toBe(true);
    expect(copies[2]!.toString('utf8').startsWith('\uFEFF1500,学员1500,')).toBe(true);
  });
});

describe('OverrideReader', () => {
  it('reads back every override a limits thread wrote, across block ends and past its block size, then stops', () => {
    const path = join(dir, 'overrides.bin');
    const out = new Appender(openSync(path, 'w'), 64);
    // Chinese reasons (3-byte characters) and one override longer than both the writer's and the reader's blocks.
    const patches: Patch[] = Array.from({ length: 20 }, (_, i) => ({
      denied: i % 3 === 0,
      cells: `denied,annual_cap,${i === 7 ? '长'.repeat(50) : `每人每年最多享受3次 ${i}`},0.00,`,
      exposure: i % 2 ? '' : `${i}00.00`,
    }));
    const lengths = patches.map((patch, i) => writeOverride(out, 2 ** 32 + i, patch));
    out.close();
    expect(lengths.reduce((a, b) => a + b, 0)).toBe(statSync(path).size);
    const fd = openSync(path, 'r');
    const reader = new OverrideReader(fd, 16, { start: 0, end: statSync(path).size });
    const read: unknown[] = [];
    while (reader.next()) {
      const text = (r: [number, number]): string => reader.bytes.toString('utf8', r[0], r[1]);
      read.push({ index: reader.index, patch: { denied: reader.denied, cells: text(reader.cells), exposure: text(reader.exposure) } });
    }
    expect(reader.index).toBe(-1);
    closeSync(fd);
    expect(read).toEqual(patches.map((patch, i) => ({ index: 2 ** 32 + i, patch })));
  });
});

describe('PartitionedSpill', () => {
  it('gives each partition back its own records, in order, whole, from one file', () => {
    const path = join(dir, 'spill.tsv');
    // 32-byte blocks: most records fill a block, and one is longer than a block.
    const spill = new PartitionedSpill(openSync(path, 'w'), 3, 32);
    const written: string[][] = [[], [], []];
    const records = ['a汽车维修工', 'b电工\t三级', 'c养老护理员', 'd', `e${'长'.repeat(40)}`, 'f焊工'];
    for (let i = 0; i < 30; i++) {
      const p = (i * 7) % 3;
      const text = `${i}\t${records[i % records.length]}\n`;
      written[p]!.push(text);
      spill.write(p, text);
    }
    const segments = spill.close();
    const fd = openSync(path, 'r');
    for (let p = 0; p < 3; p++) expect(readSegmentBytes(fd, segments[p]!).toString('utf8')).toBe(written[p]!.join(''));
    closeSync(fd);
  });
});

describe('PartitionQueue', () => {
  it('hands every partition out once across threads sharing its counter, then -1 to each', async () => {
    const queue = new PartitionQueue(300);
    // The counter crosses threads as a SharedArrayBuffer: a worker takes from it while this thread does.
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const next = new Int32Array(workerData);
      const got = [];
      for (let p = Atomics.add(next, 0, 1); p < 300; p = Atomics.add(next, 0, 1)) got.push(p);
      parentPort.postMessage(got);`;
    const worker = new Worker(code, { eval: true, workerData: queue.shared });
    const theirs = new Promise<number[]>((done) => worker.once('message', done));
    const mine: number[] = [];
    for (let p = queue.take(); p >= 0; p = queue.take()) mine.push(p);
    const all = [...mine, ...(await theirs)].sort((a, b) => a - b);
    await worker.terminate();
    expect(all).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(new PartitionQueue(300, queue.shared).take()).toBe(-1);
  });
});
