// Large runs in bounded memory, on every core: each byte range of the roster is evaluated once (breakdown lines
// spilled in input order, limit records by person), limits are decided per person partition, and the spilled
// breakdown is copied out with the lines a limit changed rewritten.
import { closeSync, createWriteStream, openSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import type { BatchOptions } from '../engine/batch.js';
import { type SummaryRow, mergeSummaries } from '../engine/summarize.js';
import { checkSheet } from './sheetChecks.js';
import type { Table } from '../tables/schema.js';
import { type AtomicFile, openAtomic } from './atomic.js';
import { type ChunkJob, type ChunkResult, evaluateChunk, rejectsPart } from './chunkPass.js';
import { planChunks } from './chunks.js';
import type { ChunkWorkerMessage, ChunkWorkerSetup, HelperRequest, LimitsJob } from './chunkWorker.js';
import type { PersonsJob, PersonsMessage } from './personsWorker.js';
import { breakdownHeader, type Lang, personsHeader, rejectsHeader, summaryHeader, summaryRow } from './csvOut.js';
import { faultInterrupt, undoOnInterrupt } from './interrupt.js';
import { makeTempFolder } from './tempFolders.js';
import { PERSONS_HEAP, YOUNG_MB } from './threadHeaps.js';
import { mergeBreakdown, mergePersons } from './mergePass.js';
import { type Decided, type LedgerContexts, PIECE_BYTES, PartitionQueue, decidePartitions, programOrderOf } from './partitionPass.js';
import type { LedgerTx, RunRecord, RunTotals } from './ledger.js';
import { lookUpPartitions, newLedgerContexts, recordRun } from './ledgerPass.js';
import { type EncodingChoice, type RosterHead, type RosterHeader, RosterError, type SheetCopies, readHeader, sourceOf } from './roster.js';
import { SkippedRows } from './rowKinds.js';
import { tempFolderFull } from './diskFull.js';
import { type RejectCounts, mergeRejectCounts } from '../engine/rejectCounts.js';

export interface StreamOptions extends BatchOptions {
  /** Threads for evaluating and for the limits pass (1: all in this thread). Outputs do not depend on it. */
  workers: number;
  /** Catalogue files (--catalog), for worker threads to load the same (tables are copied to them). */
  catalogs: string[];
  encoding: EncodingChoice;
  /** Rosters and catalogues given as workbooks, read from their sheet's UTF-8 copy (named as given). */
  copies?: SheetCopies;
  lang: Lang;
  maskIds: boolean;
  /** Heap budget in MB of the whole run, shared by its evaluating threads (undefined: none). */
  heapMb?: number;
  onHeader?: (h: RosterHeader) => void;
  /** After pass A, per file with any: the rows skipped as neither claims nor rejects (empty, totals, the header again, a sign-off), per kind, and what checking its rows in order found (`checks`). */
  onSkippedRows?: (file: string, skipped: SkippedRows) => void;
  /** After pass B, when any: how many persons' rows give other names than their first (persons.csv other_names). */
  onNamedOtherwise?: (persons: number) => void;
  /** Told where the run's temporary files are, so a caller can remove them if the run dies. */
  onWorkDir?: (path: string) => void;
  progress?: Progress;
  /** A ledger run: decided against what the ledger knows, and (unless a dry run) recorded in it. */
  ledger?: StreamLedger;
}

/** The ledger side of a streaming run. */
export interface StreamLedger {
  /** The salt row hashes are made under when IDs are hashed (see rowHash). */
  salt?: string;
  /**
   * Run `fn` in the ledger's one transaction: everything after evaluating (lookups, limits, writing, recording) is
   * in it, and is done again from the start when the database asks for a retry.
   */
  transaction<T>(fn: (tx: LedgerTx) => Promise<T>): Promise<T>;
  /** The run to record; none for a dry run. */
  run?: RunRecord;
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
  /** The rejected rows' problems by column and code. */
  rejectCounts: RejectCounts;
  summary: SummaryRow[];
  /** What a ledger run recorded. */
  recorded?: RunTotals;
  /** The office's decisions (calc --decisions) that met a line, by decisionKey. */
  decisionsMet: string[];
  commit(): string[];
  abort(): void;
}

/**
 * Roster bytes per person partition (at most 256 partitions: the line map spends one byte on it). A limits thread
 * holds one partition at a time; at 2 MB (~18k lines) that was ~25 MB live, and a capped heap spent its limits
 * pass in full collections (1M rows: limits 6.7 s at 2 MB, 5.1 s at 512 KB). Smaller is quicker still: at 1M rows
 * 256 partitions (256 KB or less) decided in 1.46-1.60 s against 1.35-1.72 s for 218 (512 KB) and 1.74-1.93 s for
 * 109 (1 MB), interleaved (2026-11-25); 100k rows alike.
 */
const PARTITION_BYTES = 256 * 1024;
/**
 * Below this a byte range is not worth a thread of its own: a thread starts cold (its code not yet compiled)
 * and shares the machine. Measured here, 100k rows (11 MB) ran ~0.5 s quicker on one thread than cut in two;
 * from 400k rows two threads win. Tests lower it (SUBSIDY_MIN_CHUNK_BYTES) to cut small rosters into ranges.
 */
const MIN_CHUNK_BYTES = Number(process.env.SUBSIDY_MIN_CHUNK_BYTES) || 8 << 20;
/** Records of a partition decided at a time (partitionPass.ts). Tests lower it (SUBSIDY_PIECE_BYTES) to decide small partitions in pieces. */
const PIECE_BYTES_RUN = Number(process.env.SUBSIDY_PIECE_BYTES) || PIECE_BYTES;
const COPY_BLOCK = 4 << 20;

/** Fields every row needs that a sheet often merges over a block of rows (MergedCellsHint). */
const MERGED_FIELDS = ['jurisdiction', 'program', 'date'];

/** The files a run writes (calc's output folder). */
export interface OutputFiles {
  breakdown: string;
  summary: string;
  persons: string;
  rejects: string;
}

export async function runStreaming(rosters: string[], out: OutputFiles, o: StreamOptions): Promise<StreamResult> {
  const work = makeTempFolder('run');
  o.onWorkDir?.(work);
  const staged: AtomicFile[] = [];
  let stopHelpers = async (): Promise<void> => undefined;
  // Interrupted (Ctrl+C): the helpers stopped, then the folder removed (a 1M-row run keeps ~560 MB there). In a
  // thread of its own, the run's thread does the same from the main thread (memoryBudget.ts).
  const workRemoved = undoOnInterrupt(async () => {
    await stopHelpers();
    rmSync(work, { recursive: true, force: true, maxRetries: 2 });
  });
  try {
    // Standard input cannot be read twice: keep a copy.
    const given = await Promise.all(
      rosters.map(async (r, i) => {
        if (r !== '-') return { label: r, ...sourceOf(r, o.encoding, o.copies) };
        const path = join(work, `stdin-${i}.csv`);
        await pipeline(process.stdin, createWriteStream(path));
        return { label: '(stdin)', path, encoding: o.encoding };
      }),
    );
    // Pass A's helpers start now, as many as the files' sizes say the ranges will need (the plan below may cut fewer:
    // one left without a range is stopped after the pass): they load the program while the headers are read and the
    // ranges planned (~40 ms at 1M rows), and start on their ranges as this thread does, not ~0.1 s after it.
    const setup: ChunkWorkerSetup = { tables: o.tables, catalogs: o.catalogs, encoding: o.encoding, copies: o.copies, defaultJurisdiction: o.defaultJurisdiction, decisions: o.decisions?.list };
    const evaluators = new Helpers(setup);
    let helpers = new Helpers(setup);
    stopHelpers = async () => {
      await evaluators.stop();
      await helpers.stop();
    };
    const bytesTotal = given.reduce((a, f) => a + statSync(f.path).size, 0);
    // A helper thread costs a third of a second to start: worth it only for a roster large enough to be cut.
    const threads = Math.max(1, Math.min(o.workers, Math.floor(bytesTotal / MIN_CHUNK_BYTES)));
    evaluators.take(threads - 1, helperHeap('evaluating', o.heapMb, threads));
    // Each file's header is read (and reported) once.
    const inputs: { label: string; path: string; encoding: EncodingChoice; header: RosterHead }[] = [];
    for (const input of given) {
      const header = await readHeader(input.path, input.encoding, input.label);
      o.onHeader?.(header);
      inputs.push({ ...input, header });
    }
    const partitions = Math.min(256, Math.max(4, Math.ceil(bytesTotal / PARTITION_BYTES)));

    // A file large enough is cut into byte ranges, one per thread. A GBK/GB18030 file's ranges are each read from a
    // UTF-8 copy that its thread makes first (ChunkJob.transcode): the hand cutter and row shapes from bytes take UTF-8
    // only, and PapaParse on GBK took ~40% longer to evaluate 500k rows. A copy of the whole file made before
    // evaluating took ~0.45 s of one thread at 1M rows while the other waited.
    const jobs: ChunkJob[] = [];
    for (const [fileIndex, { label, path, encoding, header }] of inputs.entries()) {
      const transcode = header.encoding === 'gb18030';
      const plan = planChunks(path, o.workers, MIN_CHUNK_BYTES, header, transcode);
      plan.ranges.forEach((range, k) =>
        jobs.push({
          work, chunk: jobs.length, fileIndex, path, partitions, encoding, lang: o.lang, maskIds: o.maskIds,
          part: { label, range, format: plan.format, header: k === 0 ? undefined : header },
          ...(o.ledger ? { rowHashes: { salt: o.ledger.salt } } : {}),
          ...(transcode ? { transcode } : {}),
        }),
      );
    }


    // Pass A: every row evaluated once; rejects and breakdown lines spilled per chunk, limit records per person partition.
    const lap = stopwatch();
    // Pass A's helpers stop as they run out of chunks, and pass B's, with the larger young generation (YOUNG_MB),
    // start as soon as one thread has: they load the program while the last range is evaluated, on the core that
    // thread left free (~0.1 s of each limits helper's start, which otherwise kept the run's thread deciding alone).
    // Pass A's helpers kept for pass B were no quicker and held ~9 MB more at 1M rows (their heaps held pass A's garbage).
    const deciders = limitsThreads(partitions, threads);
    const chunks = await evaluateChunks(jobs, o, bytesTotal, evaluators, () => helpers.take(deciders - 1, helperHeap('limits', o.heapMb, deciders)));
    await evaluators.stop();
    lap('evaluating');
    await faultInterrupt('limits');
    for (const [fileIndex, input] of inputs.entries()) {
      // A file's chunks in order: its first skipped rows are the first chunks' first.
      const mine = chunks.filter((_, k) => jobs[k]!.fileIndex === fileIndex);
      const skipped = new SkippedRows();
      for (const c of mine) skipped.addAll(c.skipped);
      // What only the rows in order show (sheetChecks.ts): its totals rows, and blocks of rows a merged cell left blank.
      const rejected = mergeRejectCounts(mine.map((c) => c.rejectCounts));
      const want = { totals: skipped.totals.count > 0, blank: MERGED_FIELDS.filter((f) => rejected[`${f}\tmissing_column`]) };
      if (want.totals || want.blank.length) {
        // A GBK/GB18030 file as its header was read (its ranges' copies are gone by now).
        const encoding = input.header.encoding === 'gb18030' ? 'gb18030' : input.encoding;
        skipped.checks = await checkSheet(input.path, encoding, input.label, want, o.lang);
        lap('sheet checked');
      }
      if (skipped.count || skipped.short.count || skipped.checks.length) o.onSkippedRows?.(input.label, skipped);
    }
    const rowsRead = chunks.reduce((a, c) => a + c.rows, 0);
    const rowsRejected = chunks.reduce((a, c) => a + c.rejected, 0);
    const totalLines = chunks.reduce((a, c) => a + c.lines, 0);
    const usedTables = [...new Set(chunks.flatMap((c) => c.usedCodes))].map((code) => o.tables.get(code)!);

    const labels = inputs.map((f) => f.label);
    const copy = Buffer.alloc(COPY_BLOCK);

    let attempts = 0;
    const decideAndWrite = async (tx?: LedgerTx): Promise<{ summary: SummaryRow[]; recorded?: RunTotals; namedOtherwise: number }> => {
      // A transaction tried again writes its outputs afresh, with helpers of its own (a failed one's are spent).
      for (const f of staged.splice(0)) f.abort();
      if (attempts++ > 0) {
        await helpers.stop();
        helpers = new Helpers(setup);
      }
      // A ledger run: what the ledger knows of each partition's persons and rows, asked by this thread, in the
      // transaction, partition after partition, while the helpers decide the partitions already answered.
      const contexts = tx ? newLedgerContexts(work, partitions) : undefined;
      const lookUps = contexts && (async (): Promise<void> => {
        o.progress?.start('ledger', partitions, 0);
        let looked = 0;
        await lookUpPartitions(contexts, chunks.map((c) => c.records), tx!, () => o.progress?.tick(++looked, 0));
        o.progress?.done();
        lap('ledger lookups');
      });

      // Pass B: limits per partition (a person's lines are all in one), on worker threads when asked for.
      const decided = await decideAll(work, partitions, chunks, { ...o, workers: threads }, usedTables, labels, helpers, contexts, lookUps);
      await helpers.stop();
      const summary = mergeSummaries(decided.map((d) => d.rows), programOrderOf(usedTables));
      const namedOtherwise = decided.reduce((a, d) => a + d.namedOtherwise, 0);
      lap('limits');

      // Pass C: the spilled breakdown copied out in input order; a line a limit changed is rewritten on the way.
      const breakdown = openAtomic(out.breakdown);
      staged.push(breakdown);
      // Written at once: the breakdown is the first output a run writes to, and a disk refusing it is met there first.
      breakdown.writeBytes(Buffer.from(breakdownHeader(o.lang)));
      // persons.csv beside it, by a thread of its own (personsWorker.ts): at 1M rows ~0.15-0.25 s that this thread
      // spent after the breakdown, whose copy is bound by the page cache more than by the CPU. A thread that only
      // merges starts in ~50 ms and holds little; a limits helper kept for it held ~20 MB more at the peak. A run
      // on one thread merges it itself.
      const persons = openAtomic(out.persons);
      staged.push(persons);
      persons.write(personsHeader(o.lang));
      const personsSpans = decided.map((d) => d.persons);
      const personsWritten = threads > 1 ? helpers.besides(new URL('./personsWorker.js', import.meta.url), { work, spans: personsSpans, out: persons.handOver() } satisfies PersonsJob, o.heapMb ? PERSONS_HEAP : undefined) : undefined;
      o.progress?.start('writing', totalLines, 0);
      mergeBreakdown(work, chunks, decided.map((d) => d.span), breakdown, !o.ledger, (lines) => o.progress?.tick(lines, 0));
      o.progress?.done();
      lap('writing');

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
      if (personsWritten) await Promise.race([personsWritten, helpers.failed]);
      else mergePersons(work, personsSpans, persons);
      await helpers.stop();
      lap('other outputs');
      await faultInterrupt('staged');

      // The approved lines recorded, in input order; the outputs appear only once the transaction commits.
      if (!tx || !o.ledger?.run) return { summary, namedOtherwise };
      const approved = summary.filter((row) => row.program !== '' && row.status === 'approved').reduce((a, row) => a + row.claims, 0);
      o.progress?.start('recording', approved, 0);
      const recorded = await recordRun(work, decided, labels, tx, o.ledger.run, rowsRead - rowsRejected, (claims) => o.progress?.tick(claims, 0));
      o.progress?.done();
      lap('recording');
      return { summary, recorded, namedOtherwise };
    };
    const { summary, recorded, namedOtherwise } = o.ledger ? await o.ledger.transaction(decideAndWrite) : await decideAndWrite();
    // Said once the run is decided: a ledger transaction decided again after a conflict would have said it twice.
    if (namedOtherwise) o.onNamedOtherwise?.(namedOtherwise);
    // The outputs go to the disk while the run's folder is removed: each took ~25 ms at 1M rows, one after the other.
    const synced = Promise.all(staged.map((f) => f.syncAhead()));
    rmSync(work, { recursive: true, force: true });
    workRemoved();
    await synced;
    return {
      rowsRead,
      rowsEvaluated: rowsRead - rowsRejected,
      rowsRejected,
      rejectCounts: mergeRejectCounts(chunks.map((c) => c.rejectCounts)),
      summary,
      recorded,
      decisionsMet: [...new Set(chunks.flatMap((c) => c.decisionsMet))],
      commit: () => {
        for (const f of staged) f.commit();
        return [out.breakdown, out.summary, out.persons, out.rejects];
      },
      abort: () => {
        for (const f of staged) f.abort();
      },
    };
  } catch (e) {
    await stopHelpers();
    for (const f of staged) f.abort();
    rmSync(work, { recursive: true, force: true });
    workRemoved();
    throw tempFolderFull(e);
  }
}

/** With SUBSIDY_TIMINGS set, each pass's wall time and the CPU seconds of the whole process in it (every thread) go to stderr (for the bench and for tuning). */
function stopwatch(): (pass: string) => void {
  let last = process.hrtime.bigint();
  let cpu = process.cpuUsage();
  return (pass) => {
    const now = process.hrtime.bigint();
    const c = process.cpuUsage(cpu);
    if (process.env.SUBSIDY_TIMINGS) process.stderr.write(`${pass} ${(Number(now - last) / 1e9).toFixed(2)} s cpu ${((c.user + c.system) / 1e6).toFixed(2)}\n`);
    last = now;
    cpu = process.cpuUsage();
  };
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

/** A helper thread of the run (chunkWorker.ts): the pass it works for sets what its messages go to. */
interface Helper {
  worker: Worker;
  listen: (m: ChunkWorkerMessage | PersonsMessage) => void;
  /** Set when the run stops it: its exit is then expected. */
  stopping: boolean;
}

/** The run's helper threads beside its own. A helper that fails, or stops unasked, fails the pass that is running (`failed`). */
class Helpers {
  private readonly threads: Helper[] = [];
  /** Helpers released before `stop`, ending. */
  private readonly stopped: Promise<number>[] = [];
  private failure: ((e: unknown) => void) | undefined;
  readonly failed = new Promise<never>((_, fail) => (this.failure = fail));

  constructor(private readonly setup: ChunkWorkerSetup) {
    this.failed.catch(() => undefined); // raced in every pass; a failure after the run is of no interest
  }

  /** `n` helpers, started with these limits (undefined: none). */
  take(n: number, limits: ResourceLimits | undefined): Helper[] {
    while (this.threads.length < n) {
      const worker = new Worker(new URL('./chunkWorker.js', import.meta.url), { workerData: this.setup, resourceLimits: limits });
      this.watch({ worker, listen: () => undefined, stopping: false });
    }
    return this.threads.slice(0, n);
  }

  /**
   * A thread for one job (`script`, given `data`, its heap within `limits`) beside the run's: settles when it says it is done ('written'), fails
   * the pass as a helper does. `stop` stops it with the helpers.
   */
  besides(script: URL, data: unknown, limits: ResourceLimits | undefined): Promise<void> {
    return new Promise<void>((done) => {
      let written = false;
      const worker = new Worker(script, { workerData: data, resourceLimits: limits });
      const helper: Helper = { worker, listen: (m) => m.kind === 'written' && ((written = true), done()), stopping: false };
      this.watch(helper);
      // Its job is its whole life: ending without saying it is done (and not stopped by the run) fails the pass.
      worker.once('exit', (code) => code === 0 && !written && !helper.stopping && this.failure!(new Error('helper thread ended before its job was done')));
    });
  }

  private watch(helper: Helper): void {
    const { worker } = helper;
    worker.on('message', (m: ChunkWorkerMessage | PersonsMessage) => (m.kind === 'failed' ? this.failure!(new RosterError(m.message.en, m.message.zh)) : helper.listen(m)));
    worker.once('error', (e) => this.failure!(e));
    worker.once('exit', (code) => code !== 0 && !helper.stopping && this.failure!(new Error(`helper thread stopped with code ${code}`)));
    this.threads.push(helper);
  }

  /** Stop one helper now (its work is done), and wait for it in `stop`. */
  release(helper: Helper): void {
    const at = this.threads.indexOf(helper);
    if (at < 0) return;
    this.threads.splice(at, 1);
    helper.stopping = true;
    this.stopped.push(helper.worker.terminate());
  }

  async stop(): Promise<void> {
    const gone = this.threads.splice(0);
    for (const h of gone) h.stopping = true;
    await Promise.all([...this.stopped.splice(0), ...gone.map((h) => h.worker.terminate())]);
  }
}

/**
 * Pass A over every chunk, from one queue: this thread takes chunks too, and n − 1 helper threads join it when
 * there is more than one chunk (each thread costs a copy of the tables and its own heap). A helper is stopped once
 * no chunk is left for it; `idle` is called when the first thread finds none left.
 */
async function evaluateChunks(jobs: ChunkJob[], o: StreamOptions, bytesTotal: number, helpers: Helpers, idle: () => void): Promise<ChunkResult[]> {
  o.progress?.start('evaluating', undefined, bytesTotal);
  const n = Math.max(1, Math.min(o.workers, jobs.length));
  const progress = jobs.map(() => ({ rows: 0, bytes: 0 }));
  const tick = (chunk: number, rows: number, bytes: number): void => {
    progress[chunk] = { rows, bytes };
    o.progress?.tick(
      progress.reduce((a, p) => a + p.rows, 0),
      progress.reduce((a, p) => a + p.bytes, 0),
    );
  };
  const results: ChunkResult[] = [];
  let next = 0;
  let oneIdle = false;
  const threadDone = (): void => {
    if (!oneIdle) idle();
    oneIdle = true;
  };
  try {
    const helped = helpers.take(n - 1, helperHeap('evaluating', o.heapMb, n)).map(
      (helper) =>
        new Promise<void>((done) => {
          const give = (): void => {
            if (next < jobs.length) helper.worker.postMessage({ kind: 'evaluate', job: jobs[next++]! } satisfies HelperRequest);
            else {
              helpers.release(helper);
              threadDone();
              done();
            }
          };
          helper.listen = (m) => {
            if (m.kind === 'tick') tick(m.chunk, m.rows, m.bytes);
            else if (m.kind === 'done') {
              results[m.result.chunk] = m.result;
              give();
            }
          };
          give();
        }),
    );
    const mine = (async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        results[job.chunk] = await evaluateChunk(job, o, (rows, bytes) => tick(job.chunk, rows, bytes));
      }
      threadDone();
    })();
    await Promise.race([Promise.all([mine, ...helped]), helpers.failed]);
    return results;
  } finally {
    o.progress?.done();
  }
}

/** A helper's heap for a pass (YOUNG_MB) under a run's budget of `heapMb` shared by `n` threads: its part of it (undefined: none). */
const helperHeap = (pass: keyof typeof YOUNG_MB, heapMb: number | undefined, n: number): ResourceLimits | undefined =>
  heapMb ? { maxOldGenerationSizeMb: Math.max(16, Math.floor(heapMb / n)), maxYoungGenerationSizeMb: YOUNG_MB[pass] } : undefined;

/** How many threads decide the limits (this one and its helpers), given how many the run may use. */
const limitsThreads = (partitions: number, workers: number): number => Math.max(1, Math.min(workers, partitions));

/**
 * Decide every partition on n threads: this one and n − 1 helpers, each taking the next partition from a shared
 * queue and appending its overrides to a file of its own.
 */
async function decideAll(
  work: string,
  partitions: number,
  chunks: ChunkResult[],
  o: StreamOptions,
  used: Table[],
  labels: string[],
  helpers: Helpers,
  contexts: LedgerContexts | undefined,
  /** Work this thread does before it joins in (a ledger run's lookups, which the helpers wait on partition by partition). */
  first?: () => Promise<void>,
): Promise<Decided[]> {
  const n = limitsThreads(partitions, o.workers);
  const queue = new PartitionQueue(partitions);
  const chunkRecords = chunks.map((c) => c.records);
  const helped = helpers.take(n - 1, helperHeap('limits', o.heapMb, n)).map(
    (helper, h) =>
      new Promise<Decided[]>((done) => {
        helper.listen = (m) => m.kind === 'decided' && done(m.decided);
        const job: LimitsJob = { work, thread: h + 1, queue: queue.shared, partitions, chunkRecords, usedCodes: used.map((t) => t.code), labels, format: { lang: o.lang, maskIds: o.maskIds }, contexts, pieceBytes: PIECE_BYTES_RUN };
        helper.worker.postMessage({ kind: 'limits', job } satisfies HelperRequest);
      }),
  );
  if (first) {
    const working = first();
    try {
      await Promise.race([working, helpers.failed]);
    } catch (e) {
      // A helper failed: the lookups are let finish (they use the transaction) before the run stops.
      await working.catch(() => undefined);
      throw e;
    }
  }
  o.progress?.start('limits', partitions, 0);
  let decidedHere = 0;
  const mine = decidePartitions(work, 0, queue, chunkRecords, o.tables, used, labels, { lang: o.lang, maskIds: o.maskIds }, () => o.progress?.tick(++decidedHere * n, 0), contexts, PIECE_BYTES_RUN);
  const results = [...mine, ...(await Promise.race([Promise.all(helped), helpers.failed])).flat()];
  o.progress?.done();
  return results.sort((a, b) => a.p - b.p);
}
