// Pass B of a large run: one partition's lines (all of its persons'), limits decided, changes and summary out.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { applyLimits } from '../engine/limits.js';
import { fromRecord, overrideOf } from '../engine/partition.js';
import { type SummaryRow, summarize } from '../engine/summarize.js';
import { recordsPart } from './chunkPass.js';
import type { Table } from '../tables/schema.js';

/** Buffered appends to a file descriptor: spill files are written in large blocks. */
export class Appender {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly fd: number) {}
  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size > 256 * 1024) this.flush();
  }
  flush(): void {
    if (this.parts.length) writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Reads a file line by line in blocks, never whole. */
export class LineReader {
  private buf = '';
  private readonly chunk = Buffer.alloc(256 * 1024);
  private eof = false;
  constructor(private readonly fd: number) {}
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
      if (n === 0) this.eof = true;
      else this.buf += this.chunk.toString('utf8', 0, n);
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
export function decidePartition(work: string, p: number, chunks: number, tables: ReadonlyMap<string, Table>, used: Table[], labels: readonly string[]): SummaryRow[] {
  // Chunks in order, each in its own order: the records come in input order.
  const records: ReturnType<typeof fromRecord>[] = [];
  for (let c = 0; c < chunks; c++) {
    const reader = new LineReader(openSync(recordsPart(work, p, c), 'r'));
    for (let t = reader.next(); t !== undefined; t = reader.next()) if (t) records.push(fromRecord(t, tables, labels));
    reader.close();
  }
  const before = records.map(({ line }) => ({ status: line.status, reasonCode: line.reasonCode, amountFen: line.amountFen, exposureFen: line.exposureFen }));
  const lines = records.map((r) => r.line);
  for (const table of used) applyLimits(lines, table);
  const out = new Appender(openSync(overrideFile(work, p), 'w'));
  records.forEach((r, i) => {
    const change = overrideOf(before[i]!, r.line);
    if (change) out.write(`${r.index}\t${JSON.stringify(change)}\n`);
  });
  out.close();
  return summarize(lines, programOrderOf(used));
}
