// Large runs in bounded memory: evaluate and spill compact records by person, decide limits per partition,
// then re-evaluate in input order and write the breakdown with the limit decisions merged in.
import { createWriteStream, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import { type BatchOptions, evaluateRow } from '../engine/batch.js';
import { unreadableRow } from '../engine/intake.js';
import { type Override, applyOverride, partitionOf, toRecord } from '../engine/partition.js';
import { type SummaryRow, mergeSummaries } from '../engine/summarize.js';
import type { Table } from '../tables/schema.js';
import { type AtomicFile, openAtomic } from './atomic.js';
import { breakdownHeader, breakdownRow, type Lang, rejectRow, rejectsHeader, summaryHeader, summaryRow } from './csvOut.js';
import { Appender, LineReader, decidePartition, overrideFile, partitionFile, programOrderOf } from './partitionPass.js';
import { type EncodingChoice, type RosterHeader, readRosterBatches } from './roster.js';

export interface StreamOptions extends BatchOptions {
  /** Worker threads for the limits pass (1: all in this thread). Outputs do not depend on it. */
  workers: number;
  /** User table files (--table), for worker threads to load the same tables. */
  extraTables: string[];
  encoding: EncodingChoice;
  lang: Lang;
  maskIds: boolean;
  onHeader?: (h: RosterHeader) => void;
  /** Told where the run's temporary files are, so a caller can remove them if the run dies. */
  onWorkDir?: (path: string) => void;
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

const PARTITION_BYTES = 2 * 1024 * 1024;
const PROGRESS_EVERY = 4096; // rows between progress updates in the writing pass

export async function runStreaming(rosters: string[], out: { breakdown: string; summary: string; rejects: string }, o: StreamOptions): Promise<StreamResult> {
  const work = mkdtempSync(join(tmpdir(), 'subsidy-run-'));
  o.onWorkDir?.(work);
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
    const parts = Array.from({ length: partitions }, (_, p) => new Appender(openSync(partitionFile(work, p), 'w')));
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
          rejects.write(rejectRow(unreadableRow(input.label, rec.row, rec.unreadable), o.lang));
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

    // Pass B: limits per partition (a person's lines are all in one), on worker threads when asked for.
    const usedTables = [...used];
    const labels = inputs.map((f) => f.label);
    const programOrder = programOrderOf(usedTables);
    const summaries = await decideAll(work, partitions, o, usedTables, labels);
    const summary = mergeSummaries(summaries, programOrder);

    // Pass C: the same evaluation again, in input order, with the limit decisions merged in.
    const readers = Array.from({ length: partitions }, (_, p) => new LineReader(openSync(overrideFile(work, p), 'r')));
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

/** Decide every partition, here or spread over worker threads (partition p goes to worker p mod n). */
async function decideAll(work: string, partitions: number, o: StreamOptions, used: Table[], labels: string[]): Promise<SummaryRow[][]> {
  const n = Math.max(1, Math.min(o.workers, partitions));
  if (n === 1) {
    o.progress?.start('limits', partitions, 0);
    const out = Array.from({ length: partitions }, (_, p) => {
      o.progress?.tick(p, 0);
      return decidePartition(work, p, o.tables, used, labels);
    });
    o.progress?.done();
    return out;
  }
  const jobs = Array.from({ length: n }, (_, w) => Array.from({ length: partitions }, (_, p) => p).filter((p) => p % n === w));
  const results = await Promise.all(
    jobs.map(
      (mine) =>
        new Promise<{ p: number; rows: SummaryRow[] }[]>((done, fail) => {
          const worker = new Worker(new URL('./partitionWorker.js', import.meta.url), {
            workerData: { work, partitions: mine, extraTables: o.extraTables, usedCodes: used.map((t) => t.code), labels },
          });
          worker.once('message', done);
          worker.once('error', fail);
          worker.once('exit', (code) => code !== 0 && fail(new Error(`limits worker stopped with code ${code}`)));
        }),
    ),
  );
  return results.flat().sort((a, b) => a.p - b.p).map((r) => r.rows);
}
