// The breakdown spill in parts (read back as one stream whatever the cuts, each part removed once read, or kept), and writes in slices.
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { PartReader, PartWriter } from '../../src/io/spillParts.js';
import { WRITE_SLICE, writeAll } from '../../src/io/writeAll.js';

function written(partBytes: number, puts: string[]): { dir: string; pathOf: (k: number) => string; parts: number } {
  const dir = mkdtempSync(join(tmpdir(), 'parts-'));
  const pathOf = (k: number): string => join(dir, `b0.${k}.csv`);
  const w = new PartWriter(pathOf, partBytes);
  for (const text of puts) {
    const bytes = Buffer.from(`..${text}..`);
    w.put(bytes, 2, bytes.length - 2); // a slice of a larger buffer, as Appender passes its block
  }
  w.close();
  return { dir, pathOf, parts: w.parts };
}

function readAll(reader: PartReader, size: number): string {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(size);
  for (let n = reader.read(buf, 0, size); n > 0; n = reader.read(buf, 0, size)) chunks.push(Buffer.from(buf.subarray(0, n)));
  reader.close();
  return Buffer.concat(chunks).toString('utf8');
}

describe('spill parts (spillParts.ts)', () => {
  const puts = ['a,1,茶艺师\r\n', 'b,2,', '焊工\r\nc,3,x\r\n', '', 'd,4,"多\r\n行"\r\n', 'e'.repeat(40), '\r\n'];
  const whole = puts.join('');

  for (const partBytes of [1, 7, 16, 1 << 20]) {
    it(`read back byte for byte, in reads of any size, with parts of ${partBytes} bytes (a part ends after the write that fills it)`, () => {
      const { dir, pathOf, parts } = written(partBytes, puts);
      expect(readdirSync(dir)).toHaveLength(parts);
      for (const size of [1, 3, 64]) expect(readAll(new PartReader(pathOf, parts, false), size)).toBe(whole);
      if (partBytes === 1 << 20) expect(parts).toBe(1);
      if (partBytes === 1) expect(parts).toBe(puts.filter((p) => p.length > 0).length + 1); // the last part empty
    });
  }

  it("remove each part once read to its end (by libuv's threads, while reading goes on), and keep them when told to (a ledger transaction may copy again)", async () => {
    const { dir, pathOf, parts } = written(16, puts);
    expect(readAll(new PartReader(pathOf, parts, false), 5)).toBe(whole);
    expect(readdirSync(dir)).toHaveLength(parts);
    const reader = new PartReader(pathOf, parts, true);
    const buf = Buffer.alloc(8);
    const got = [Buffer.from(buf.subarray(0, reader.read(buf, 0, 8)))];
    expect(existsSync(pathOf(0))).toBe(true); // still being read
    for (let n = reader.read(buf, 0, 8); n > 0; n = reader.read(buf, 0, 8)) got.push(Buffer.from(buf.subarray(0, n)));
    expect(Buffer.concat(got).toString('utf8')).toBe(whole);
    await vi.waitFor(() => expect(readdirSync(dir)).toEqual([]));
  });

  it('say the spill ended early when a part is missing (the reader stops, it does not skip)', () => {
    const { pathOf, parts } = written(7, puts);
    expect(parts).toBeGreaterThan(2);
    const reader = new PartReader(pathOf, parts + 1, false);
    expect(() => readAll(reader, 64)).toThrow(/ENOENT/);
  });
});

describe('writes in slices (writeAll.ts)', () => {
  it('write a range longer than a slice whole, at the file offset or at a position', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slices-'));
    const bytes = Buffer.from(Array.from({ length: 3 * WRITE_SLICE + 5 }, (_, i) => i % 251));
    const fd = openSync(join(dir, 'x'), 'w');
    expect(writeAll(fd, bytes, 3, bytes.length - 1)).toBe(bytes.length - 4);
    expect(writeAll(fd, bytes, 0, 2 * WRITE_SLICE + 1, 10)).toBe(2 * WRITE_SLICE + 1);
    closeSync(fd);
    const file = readFileSync(join(dir, 'x'));
    expect(file.length).toBe(bytes.length - 4);
    expect(file.subarray(0, 10).equals(bytes.subarray(3, 13))).toBe(true);
    expect(file.subarray(10, 10 + 2 * WRITE_SLICE + 1).equals(bytes.subarray(0, 2 * WRITE_SLICE + 1))).toBe(true);
    expect(file.subarray(10 + 2 * WRITE_SLICE + 1).equals(bytes.subarray(13 + 2 * WRITE_SLICE + 1, bytes.length - 1))).toBe(true);
  });
});
