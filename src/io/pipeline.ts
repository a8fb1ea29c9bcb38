// Large runs in bounded memory: evaluate and spill compact records by person, decide limits per partition,
// then re-evaluate in input order and write the breakdown with the limit decisions merged in.
import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type BatchOptions, evaluateRow } from '../engine/batch.js';
import { applyLimits } from '../engine/limits.js';
import { type Override, applyOverride, fromRecord, overrideOf, partitionOf, toRecord } from '../engine/partition.js';
import { type SummaryRow, mergeSummaries, summarize } from '../engine/summarize.js';
import type { Table } from '../tables/schema.js';
import { type AtomicFile, openAtomic } from './atomic.js';
import { breakdownHeader, breakdownRow, type Lang, rejectRow, rejectsHeader, summaryHeader, summaryRow } from './csvOut.js';
import { type EncodingChoice, type RosterHeader, readRosterBatches } from './roster.js';

export interface StreamOptions extends BatchOptions {
  encoding: EncodingChoice;
  lang: Lang;
  maskIds: boolean;
  onHeader?: (h: RosterHeader) => void;
  progress?: Progress;
}

export interface Progress {
  /** A pass begins: its name and how many rows it expects (undefined when not yet known). */
  start(pass: string, total: number | undefined, bytesTotal: number): void;
  tick(rows: number, bytes: number): void;
  done(): void;
}

export interface StreamResult {
  rowsRead: number;
  rowsEvaluated: number;
  rowsRejected: number;
  summary: SummaryRow[];
  commit(): string[];
  abort(): void;
}

/** Buffered appends to a file descriptor: partition files are written in large blocks. */
class Appender {
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

/** Reads a file line by line in blocks (override files: read alongside the breakdown, never whole). */
class LineReader {
  private buf = '';
  close(): void {
    closeSync(this.fd);
  }
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
}

const PARTITION_BYTES = 2 * 1024 * 1024;
const PROGRESS_EVERY = 4096; // rows between progress updates in the writing pass

export async function runStreaming(rosters: string[], out: { breakdown: string; summary: string; rejects: string }, o: StreamOptions): Promise<StreamResult> {
  const work = mkdtempSync(join(tmpdir(), 'subsidy-run-'));
  const staged: AtomicFile[] = [];
  try {
    // Standard input cannot be read twice: keep a copy for the second pass.
    const inputs = await Promise.all(
      rosters.map(async (r, i) => {
        if (r !== '-') return { label: r, path: r };
        const path = join(work, `stdin-${i}.csv`);
        await pipeline(process.stdin, createWriteStream(path));
        return { label: '(stdin)', path };
      }),
    );
    const bytesTotal = inputs.reduce((a, f) => a + statSync(f.path).size, 0);
    const partitions = Math.min(256, Math.max(4, Math.ceil(bytesTotal / PARTITION_BYTES)));
    const parts = Array.from({ length: partitions }, (_, p) => new Appender(openSync(join(work, `p${p}.tsv`), 'w')));
    const rejects = openAtomic(out.rejects);
    staged.push(rejects);
    rejects.write(rejectsHeader(o.lang));

    // Pass A: evaluate every row; rejects are final now, lines go to their person's partition.
    const used = new Set<Table>();
    let rowsRead = 0;
    let rowsRejected = 0;
    let index = 0;
    o.progress?.start('evaluating', undefined, bytesTotal);
    let bytesBefore = 0;
    for (const [fileIndex, input] of inputs.entries()) {
      for await (const batch of readRosterBatches(input.path, o.encoding, (h) => o.onHeader?.({ ...h, file: input.label }), (b) => o.progress?.tick(rowsRead, bytesBefore + b))) for (const rec of batch) {
        const seq = rowsRead++;
        if (rec.unreadable !== undefined) {
          rowsRejected++;
          rejects.write(rejectRow({ file: input.label, row: rec.row, column: '', value: '', code: 'bad_csv', reason: { zh: `无法读取此行: ${rec.unreadable}`, en: `unreadable CSV row: ${rec.unreadable}` } }, o.lang));
          continue;
        }
        const r = evaluateRow(input.label, rec.row, seq, rec.cells, o);
        if ('rejects' in r) {
          rowsRejected++;
          for (const x of r.rejects) rejects.write(rejectRow(x, o.lang));
          continue;
        }
        used.add(r.table);
        for (const line of r.lines) parts[partitionOf(line.personKey, partitions)]!.write(`${toRecord(line, index++, fileIndex)}\n`);
      }
      bytesBefore += statSync(input.path).size;
    }
    for (const p of parts) p.close();
    o.progress?.done();

    // Pass P: limits per partition (a person's lines are all in one), then the partition's summary.
    const order = new Map<string, number>();
    for (const t of used) t.programs.forEach((p, i) => order.set(`${t.code}\u0000${p.id}`, i));
    const programOrder = (j: string, p: string): number => order.get(`${j}\u0000${p}`) ?? 0;
    const tables = o.tables;
    const labels = inputs.map((f) => f.label);
    const summaries: SummaryRow[][] = [];
    for (let p = 0; p < partitions; p++) {
      const fd = openSync(join(work, `p${p}.tsv`), 'r');
      const reader = new LineReader(fd);
      const records: ReturnType<typeof fromRecord>[] = [];
      for (let t = reader.next(); t !== undefined; t = reader.next()) if (t) records.push(fromRecord(t, tables, labels));
      closeSync(fd);
      const before = records.map(({ line }) => ({ status: line.status, reasonCode: line.reasonCode, amountFen: line.amountFen, exposureFen: line.exposureFen }));
      const lines = records.map((r) => r.line);
      for (const table of used) applyLimits(lines, table);
      const overrides = new Appender(openSync(join(work, `o${p}.tsv`), 'w'));
      records.forEach((r, i) => {
        const change = overrideOf(before[i]!, r.line);
        if (change) overrides.write(`${r.index}\t${JSON.stringify(change)}\n`);
      });
      overrides.close();
      summaries.push(summarize(lines, programOrder));
    }
    const summary = mergeSummaries(summaries, programOrder);

    // Pass B: the same evaluation again, in input order, with the limit decisions merged in.
    const readers = Array.from({ length: partitions }, (_, p) => new LineReader(openSync(join(work, `o${p}.tsv`), 'r')));
    const heads: ({ index: number; change: Override } | undefined)[] = readers.map((r) => parseOverride(r.next()));
    const breakdown = openAtomic(out.breakdown);
    staged.push(breakdown);
    breakdown.write(breakdownHeader(o.lang));
    o.progress?.start('writing', rowsRead, bytesTotal);
    let seq = 0;
    index = 0;
    for (const input of inputs) {
      for await (const batch of readRosterBatches(input.path, o.encoding, () => undefined)) for (const rec of batch) {
        const s = seq++;
        if (s % PROGRESS_EVERY === 0) o.progress?.tick(s, 0);
        if (rec.unreadable !== undefined) continue;
        const r = evaluateRow(input.label, rec.row, s, rec.cells, o);
        if ('rejects' in r) continue;
        for (const line of r.lines) {
          const p = partitionOf(line.personKey, partitions);
          const head = heads[p];
          if (head && head.index === index) {
            applyOverride(line, head.change);
            heads[p] = parseOverride(readers[p]!.next());
          }
          index++;
          breakdown.write(breakdownRow(line, o.lang, o.maskIds));
        }
      }
    }
    o.progress?.done();
    for (const r of readers) r.close();
    const summaryFile = openAtomic(out.summary);
    staged.push(summaryFile);
    summaryFile.write(summaryHeader(o.lang));
    for (const row of summary) summaryFile.write(summaryRow(row, o.lang));
    rmSync(work, { recursive: true, force: true });
    return {
      rowsRead,
      rowsEvaluated: rowsRead - rowsRejected,
      rowsRejected,
      summary,
      commit: () => {
        for (const f of staged) f.commit();
        return [out.breakdown, out.summary, out.rejects];
      },
      abort: () => {
        for (const f of staged) f.abort();
      },
    };
  } catch (e) {
    for (const f of staged) f.abort();
    rmSync(work, { recursive: true, force: true });
    throw e;
  }
}

function parseOverride(text: string | undefined): { index: number; change: Override } | undefined {
  if (!text) return undefined;
  const tab = text.indexOf('\t');
  return { index: Number(text.slice(0, tab)), change: JSON.parse(text.slice(tab + 1)) as Override };
}
