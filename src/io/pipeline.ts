// Large runs in bounded memory, on every core: each byte range of the roster is evaluated once (breakdown lines
// spilled in input order, limit records by person), limits are decided per person partition, and the spilled
// breakdown is copied out with the lines a limit changed rewritten.
import { closeSync, createWriteStream, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import type { BatchOptions } from '../engine/batch.js';
import type { Override } from '../engine/partition.js';
import { type SummaryRow, mergeSummaries } from '../engine/summarize.js';
import type { Table } from '../tables/schema.js';
import { type AtomicFile, openAtomic } from './atomic.js';
import { CHUNK_STRIDE, type ChunkJob, type ChunkResult, LineMapReader, breakdownPart, evaluateChunk, lineMapPart, rejectsPart } from './chunkPass.js';
import { planChunks } from './chunks.js';
import type { ChunkWorkerMessage, ChunkWorkerSetup } from './chunkWorker.js';
import { breakdownHeader, type Lang, patchBreakdownRow, rejectsHeader, summaryHeader, summaryRow } from './csvOut.js';
import { LineReader, decidePartition, overrideFile, programOrderOf } from './partitionPass.js';
import { type EncodingChoice, type RosterHeader, RosterError, readHeader } from './roster.js';

export interface StreamOptions extends BatchOptions {
  /** Threads for evaluating and for the limits pass (1: all in this thread). Outputs do not depend on it. */
  workers: number;
  /** User table files (--table) and catalogues (--catalog), for worker threads to load the same. */
  extraTables: string[];
  catalogs: string[];
  encoding: EncodingChoice;
  lang: Lang;
  maskIds: boolean;
  /** Heap budget in MB of the whole run, shared by its evaluating threads (undefined: none). */
  heapMb?: number;
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
/** Below this a byte range is not worth a thread of its own. */
const MIN_CHUNK_BYTES = 256 * 1024;
const COPY_BLOCK = 4 << 20;

export async function runStreaming(rosters: string[], out: { breakdown: string; summary: string; rejects: string }, o: StreamOptions): Promise<StreamResult> {
  const work = mkdtempSync(join(tmpdir(), 'subsidy-run-'));
  o.onWorkDir?.(work);
  const staged: AtomicFile[] = [];
  try {
    // Standard input cannot be read twice: keep a copy.
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

    // Each file's header is read (and reported) once; a file large enough is cut into byte ranges, one per thread.
    const jobs: ChunkJob[] = [];
    for (const [fileIndex, input] of inputs.entries()) {
      const header = await readHeader(input.path, o.encoding, input.label);
      o.onHeader?.(header);
      const plan = planChunks(input.path, o.workers, MIN_CHUNK_BYTES, o.encoding);
      plan.ranges.forEach((range, k) =>
        jobs.push({
          work, chunk: jobs.length, fileIndex, path: input.path, partitions, encoding: o.encoding, lang: o.lang, maskIds: o.maskIds,
          part: { label: input.label, range, format: plan.format, header: k === 0 ? undefined : header },
        }),
      );
    }

    // Pass A: every row evaluated once; rejects and breakdown lines spilled per chunk, limit records per person partition.
    const chunks = await evaluateChunks(jobs, o, bytesTotal);
    const rowsRead = chunks.reduce((a, c) => a + c.rows, 0);
    const rowsRejected = chunks.reduce((a, c) => a + c.rejected, 0);
    const totalLines = chunks.reduce((a, c) => a + c.lines, 0);
    const usedTables = [...new Set(chunks.flatMap((c) => c.usedCodes))].map((code) => o.tables.get(code)!);

    // Pass B: limits per partition (a person's lines are all in one), on worker threads when asked for.
    const labels = inputs.map((f) => f.label);
    const summaries = await decideAll(work, partitions, jobs.length, o, usedTables, labels);
    const summary = mergeSummaries(summaries, programOrderOf(usedTables));

    // Pass C: the spilled breakdown copied out in input order; a line a limit changed is rewritten on the way.
    const breakdown = openAtomic(out.breakdown);
    staged.push(breakdown);
    breakdown.write(breakdownHeader(o.lang));
    o.progress?.start('writing', totalLines, 0);
    const readers = Array.from({ length: partitions }, (_, p) => new LineReader(openSync(overrideFile(work, p), 'r')));
    const heads = readers.map((r) => parseOverride(r.next()));
    const copy = Buffer.alloc(COPY_BLOCK);
    const entry = { partition: 0, bytes: 0 };
    let written = 0;
    for (const job of jobs) {
      const text = openSync(breakdownPart(work, job.chunk), 'r');
      const map = openSync(lineMapPart(work, job.chunk), 'r');
      const lines = new LineMapReader(map);
      let at = 0; // byte offset of the current line in the chunk's breakdown
      let from = 0; // start of the bytes not yet copied
      for (let local = 0; lines.next(entry); local++) {
        const head = heads[entry.partition];
        if (head && head.index === job.chunk * CHUNK_STRIDE + local) {
          copyRange(text, from, at, breakdown, copy);
          breakdown.write(patchBreakdownRow(readText(text, at, entry.bytes), head.change, o.lang));
          heads[entry.partition] = parseOverride(readers[entry.partition]!.next());
          from = at + entry.bytes;
        }
        at += entry.bytes;
        if (++written % 65536 === 0) o.progress?.tick(written, 0);
      }
      copyRange(text, from, at, breakdown, copy);
      closeSync(text);
      closeSync(map);
    }
    for (const r of readers) r.close();
    o.progress?.done();

    const rejects = openAtomic(out.rejects);
    staged.push(rejects);
    rejects.write(rejectsHeader(o.lang));
    for (const job of jobs) {
      const fd = openSync(rejectsPart(work, job.chunk), 'r');
      copyRange(fd, 0, statSync(rejectsPart(work, job.chunk)).size, rejects, copy);
      closeSync(fd);
    }
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

/** Copy bytes [from, to) of a spill file to an output. */
function copyRange(fd: number, from: number, to: number, out: AtomicFile, buf: Buffer): void {
  for (let at = from; at < to; ) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, to - at), at);
    if (n === 0) throw new Error('spill file ended early');
    out.writeBytes(buf.subarray(0, n));
    at += n;
  }
}

function readText(fd: number, at: number, bytes: number): string {
  const buf = Buffer.alloc(bytes);
  readSync(fd, buf, 0, bytes, at);
  return buf.toString('utf8');
}

/** Pass A over every chunk: in this thread when there is one chunk or one worker, else on a pool of worker threads. */
async function evaluateChunks(jobs: ChunkJob[], o: StreamOptions, bytesTotal: number): Promise<ChunkResult[]> {
  o.progress?.start('evaluating', undefined, bytesTotal);
  const n = Math.min(o.workers, jobs.length);
  const progress = jobs.map(() => ({ rows: 0, bytes: 0 }));
  const tick = (chunk: number, rows: number, bytes: number): void => {
    progress[chunk] = { rows, bytes };
    o.progress?.tick(
      progress.reduce((a, p) => a + p.rows, 0),
      progress.reduce((a, p) => a + p.bytes, 0),
    );
  };
  try {
    if (n <= 1) {
      const out: ChunkResult[] = [];
      for (const job of jobs) out.push(await evaluateChunk(job, o, (rows, bytes) => tick(job.chunk, rows, bytes)));
      return out;
    }
    const setup: ChunkWorkerSetup = { extraTables: o.extraTables, catalogs: o.catalogs, encoding: o.encoding, defaultJurisdiction: o.defaultJurisdiction };
    const results: ChunkResult[] = [];
    const workers: Worker[] = [];
    try {
      await new Promise<void>((done, fail) => {
        let next = 0;
        let finished = 0;
        for (let w = 0; w < n; w++) {
          const worker = new Worker(new URL('./chunkWorker.js', import.meta.url), {
            workerData: setup,
            // The budget is shared: each evaluating thread gets its part of it.
            resourceLimits: o.heapMb ? { maxOldGenerationSizeMb: Math.max(16, Math.floor(o.heapMb / n)), maxYoungGenerationSizeMb: 8 } : undefined,
          });
          workers.push(worker);
          const give = (): void => worker.postMessage(next < jobs.length ? jobs[next++] : null);
          worker.on('message', (m: ChunkWorkerMessage) => {
            if (m.kind === 'tick') tick(m.chunk, m.rows, m.bytes);
            else if (m.kind === 'failed') fail(new RosterError(m.message));
            else {
              results[m.result.chunk] = m.result;
              if (++finished === jobs.length) done();
              give();
            }
          });
          worker.once('error', fail);
          worker.once('exit', (code) => code !== 0 && fail(new Error(`evaluating worker stopped with code ${code}`)));
          give();
        }
      });
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
    return results;
  } finally {
    o.progress?.done();
  }
}

function parseOverride(text: string | undefined): { index: number; change: Override } | undefined {
  if (!text) return undefined;
  const tab = text.indexOf('\t');
  return { index: Number(text.slice(0, tab)), change: JSON.parse(text.slice(tab + 1)) as Override };
}

/** Decide every partition, here or spread over worker threads (partition p goes to worker p mod n). */
async function decideAll(work: string, partitions: number, chunks: number, o: StreamOptions, used: Table[], labels: string[]): Promise<SummaryRow[][]> {
  const n = Math.max(1, Math.min(o.workers, partitions));
  if (n === 1) {
    o.progress?.start('limits', partitions, 0);
    const out = Array.from({ length: partitions }, (_, p) => {
      o.progress?.tick(p, 0);
      return decidePartition(work, p, chunks, o.tables, used, labels);
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
            workerData: { work, partitions: mine, chunks, extraTables: o.extraTables, usedCodes: used.map((t) => t.code), labels },
          });
          worker.once('message', done);
          worker.once('error', fail);
          worker.once('exit', (code) => code !== 0 && fail(new Error(`limits worker stopped with code ${code}`)));
        }),
    ),
  );
  return results.flat().sort((a, b) => a.p - b.p).map((r) => r.rows);
}
