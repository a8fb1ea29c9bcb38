// Pass B of a large run: one partition's lines (all of its persons'), limits decided, changes and summary out.
import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { applyLimits } from '../engine/limits.js';
import { type RecordLines, fromRecords, overrideLine, overrideOf } from '../engine/partition.js';
import { type SummaryRow, summarize } from '../engine/summarize.js';
import { recordsPart } from './chunkPass.js';
import type { Lang } from './csvOut.js';
import type { Table } from '../tables/schema.js';

/**
 * Buffered appends to a file descriptor: spill files are written in large blocks. Text is encoded into the
 * block as it comes, so the strings die young; holding them until a flush got them promoted to the old
 * generation, and a capped heap then spent a tenth of its time in full collections.
 */
export class Appender {
  private readonly buf: Buffer;
  private used = 0;
  /** `limit`: bytes held before writing; a run keeps one Appender per partition, so they add up. */
  constructor(
    private readonly fd: number,
    limit = 64 * 1024,
  ) {
    this.buf = Buffer.allocUnsafe(limit);
  }
  /** Append `text`; returns its length in UTF-8 bytes. */
  write(text: string): number {
    // A UTF-16 code unit is at most 3 bytes of UTF-8.
    if (this.used + text.length * 3 > this.buf.length) {
      this.flush();
      if (text.length * 3 > this.buf.length) return writeSync(this.fd, text);
    }
    const n = this.buf.write(text, this.used, 'utf8');
    this.used += n;
    return n;
  }
  flush(): void {
    for (let at = 0; at < this.used; ) at += writeSync(this.fd, this.buf, at, this.used - at);
    this.used = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * Reads a UTF-8 file line by line in blocks, never whole. The decoder carries a character cut by a block's
 * end over to the next block (decoding each block alone garbled such a character, and with it a person's
 * occupation, so a limit could miss a repeat).
 */
export class LineReader {
  private buf = '';
  private readonly chunk: Buffer;
  private readonly decoder = new StringDecoder('utf8');
  private eof = false;
  constructor(
    private readonly fd: number,
    blockBytes = 256 * 1024,
  ) {
    this.chunk = Buffer.alloc(blockBytes);
  }
  next(): string | undefined {
    for (;;) {
      const nl = this.buf.indexOf('\n');
      if (nl >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        return line;
      }
      if (this.eof) {
        const rest = this.buf;
        this.buf = '';
        return rest ? rest : undefined;
      }
      const n = readSync(this.fd, this.chunk, 0, this.chunk.length, null);
      if (n === 0) {
        this.eof = true;
        this.buf += this.decoder.end();
      } else this.buf += this.decoder.write(this.chunk.subarray(0, n));
    }
  }
  close(): void {
    closeSync(this.fd);
  }
}

export const overrideFile = (work: string, p: number): string => join(work, `o${p}.tsv`);

export function programOrderOf(tables: Iterable<Table>): (jurisdiction: string, program: string) => number {
  const order = new Map<string, number>();
  for (const t of tables) t.programs.forEach((p, i) => order.set(`${t.code}\u0000${p.id}`, i));
  return (j, p) => order.get(`${j}\u0000${p}`) ?? 0;
}

/** Decide one partition: apply every used table's limits, write the lines they changed (in line order), summarise. */
export function decidePartition(work: string, p: number, chunks: number, tables: ReadonlyMap<string, Table>, used: Table[], labels: readonly string[], lang: Lang): SummaryRow[] {
  // Chunks in order, each in its own order: the records come in input order.
  // Each file whole: the partition's records are all held anyway, and reading line by line cost a string per line.
  const records: RecordLines = { lines: [], indexes: [] };
  for (let c = 0; c < chunks; c++) fromRecords(readFileSync(recordsPart(work, p, c), 'utf8'), tables, labels, records);
  const { lines, indexes } = records;
  // What each line was before the limits (a column each: an object per line was a tenth of this pass in collections).
  const status = lines.map((l) => l.status);
  const reasonCode = lines.map((l) => l.reasonCode);
  const amountFen = lines.map((l) => l.amountFen);
  const exposureFen = lines.map((l) => l.exposureFen);
  for (const table of used) applyLimits(lines, table);
  const out = new Appender(openSync(overrideFile(work, p), 'w'));
  for (let i = 0; i < lines.length; i++) {
    const change = overrideOf({ status: status[i]!, reasonCode: reasonCode[i]!, amountFen: amountFen[i]!, exposureFen: exposureFen[i]! }, lines[i]!);
    if (change) out.write(overrideLine(indexes[i]!, change, lang));
  }
  out.close();
  return summarize(lines, programOrderOf(used));
}
