// Pass A of a large run on one byte range: every row evaluated once; breakdown lines, rejects and limit records spilled.
import { closeSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type BatchOptions, evaluateRow } from '../engine/batch.js';
import { newCostSpans } from '../engine/evaluate.js';
import { type Reject, unreadableRow } from '../engine/intake.js';
import { partitionOf, toRecord, withRowHash } from '../engine/partition.js';
import { type RejectCounts, countReject, rejectJurisdiction } from '../engine/rejectCounts.js';
import { breakdownRow, type Lang, rejectRow } from './csvOut.js';
import { ByteRowHasher, rowHash } from './ledger.js';
import { Appender, PartitionedSpill, type Segments } from './partitionPass.js';
import { RawShapes } from './rawShapes.js';
import { type EncodingChoice, type RecordSink, type RosterPart, readRosterPart, transcodeToUtf8 } from './roster.js';
import { type SkippedLists, SkippedRows } from './rowKinds.js';
import { RowShapes, type TemplateReject } from './rowShapes.js';
import { PartWriter } from './spillParts.js';
import { writeAll } from './writeAll.js';

/** Positions inside a chunk are numbered from chunk × 2³²: one number orders lines and rows across the whole run. */
export const CHUNK_STRIDE = 2 ** 32;

export interface ChunkJob {
  work: string;
  chunk: number;
  fileIndex: number;
  path: string;
  part: RosterPart;
  partitions: number;
  encoding: EncodingChoice;
  lang: Lang;
  maskIds: boolean;
  /** False: every line read as text (tests compare the two ways). */
  rawLines?: boolean;
  /** A ledger run: each line's record ends with its row's content hash (rowHash; ByteRowHasher on the byte path). */
  rowHashes?: { salt?: string };
  /**
   * The range is GB18030: this thread copies it as UTF-8 first (transcodeToUtf8) and reads the copy, so that the copy
   * of a large roster is made by every thread, each its own range, rather than whole by one before the others start.
   */
  transcode?: boolean;
}

export interface ChunkResult {
  chunk: number;
  rows: number;
  rejected: number;
  /** The rejected rows' problems by column and code. */
  rejectCounts: RejectCounts;
  lines: number;
  /** How many parts its breakdown lines were spilled in (breakdownPart). */
  breakdownParts: number;
  /** Codes of the tables this chunk's rows used, for the limits pass. */
  usedCodes: string[];
  /** Where each partition's limit records are in the chunk's records file. */
  records: Segments[];
  /** Rows neither claims nor rejects (RosterRecord.skipped), per kind: how many, and the first ten. */
  skipped: SkippedLists;
  /** The office's decisions (calc --decisions) that met a line of this chunk, by decisionKey. */
  decisionsMet: string[];
}

/** A chunk's breakdown lines are spilled in parts (spillParts.ts), each removed once the last pass has copied it out. */
export const breakdownPart = (work: string, chunk: number) => (part: number): string => join(work, `b${chunk}.${part}.csv`);
/**
 * About this much a part (~46 parts at 1M rows): at most this much of a chunk's spill is left on disk once copied.
 * Tests lower it (SUBSIDY_PART_BYTES) to copy small rosters' spills from many parts.
 */
const BREAKDOWN_PART_BYTES = Number(process.env.SUBSIDY_PART_BYTES) || 8 << 20;
/** Per breakdown line: its person's partition (1 byte) and its length in bytes (4 bytes, little-endian). */
export const lineMapPart = (work: string, chunk: number): string => join(work, `m${chunk}.bin`);
export const rejectsPart = (work: string, chunk: number): string => join(work, `r${chunk}.csv`);
/** Limit records of one chunk, every partition's in blocks (see PartitionedSpill). */
export const recordsPart = (work: string, chunk: number): string => join(work, `p${chunk}.tsv`);
/** The full records of one chunk's row shapes, one line per shape in the order numbered (toShapedRecord). */
export const shapesPart = (work: string, chunk: number): string => join(work, `s${chunk}.tsv`);
/**
 * Shapes a chunk keeps full records of, at most: each limits thread reads every chunk's (readShapes), ~0.3 KB of its
 * heap each. A roster grouped by class makes new shapes all along (RowShapes.reset); past this, full records again.
 */
const MAX_SHAPE_RECORDS = 16_384;

/**
 * Rows over which the row shapes' misses for want of room are counted (see RowShapes.reset). A shuffled roster
 * misses for want of room on ~20% of rows, never half; one grouped by class on every row past the room's fill.
 */
const SHAPE_WINDOW = 1024;
const MAP_ENTRY = 5;
const MAP_BLOCK = 64 * 1024;

/** Evaluate one chunk. `tick` reports rows and bytes read so far. */
export async function evaluateChunk(given: ChunkJob, options: BatchOptions, tick?: (rows: number, bytes: number) => void): Promise<ChunkResult> {
  const { job, bytesOf, done } = utf8Job(given);
  const { work, chunk, partitions } = job;
  const breakdownParts = new PartWriter(breakdownPart(work, chunk), BREAKDOWN_PART_BYTES);
  const breakdown = new Appender(breakdownParts, 256 * 1024);
  const rejects = new Appender(openSync(rejectsPart(work, chunk), 'w'));
  // Small buffers per partition: there are up to 256 of them, and together they are most of this thread's heap.
  const records = new PartitionedSpill(openSync(recordsPart(work, chunk), 'w'), partitions, 16 * 1024);
  let segments: Segments[] = [];
  const mapFd = openSync(lineMapPart(work, chunk), 'w');
  const map = Buffer.alloc(MAP_ENTRY * MAP_BLOCK);
  let mapped = 0;
  const used = new Set<string>();
  const base = chunk * CHUNK_STRIDE;
  let rows = 0;
  let rejected = 0;
  const rejectCounts: RejectCounts = {};
  let lines = 0;
  const mapLine = (p: number, length: number): void => {
    const o = mapped * MAP_ENTRY;
    map[o] = p;
    // By hand, little-endian (as LineMapReader reads it): writeUInt32LE is a call with its checks, per line.
    map[o + 1] = length & 0xff;
    map[o + 2] = (length >>> 8) & 0xff;
    map[o + 3] = (length >>> 16) & 0xff;
    map[o + 4] = length >>> 24;
    if (++mapped === MAP_BLOCK) {
      writeAll(mapFd, map, 0, mapped * MAP_ENTRY);
      mapped = 0;
    }
  };
  // One line out: its limit record to its person's partition, its breakdown text (and bytes that end it), its place in the line map.
  let hash = ''; // the content hash of the row being written, in a ledger run
  const put = (p: number, record: string, text: string, tail?: Buffer, tailStart = 0, tailEnd = 0): void => {
    records.write(p, hash ? withRowHash(record, hash) : record);
    mapLine(p, breakdown.write(text) + (tail ? breakdown.writeBytes(tail, tailStart, tailEnd) : 0));
  };
  // One problem of a rejected row out: counted, and its line in the rejects.
  const reject = (x: Reject, jurisdiction: string | undefined): void => {
    countReject(rejectCounts, x, jurisdiction);
    rejects.write(rejectRow(x, job.lang));
  };
  const hashing = job.rowHashes;
  // A ledger run keeps full records: its lookups read their cells (ledgerLookups), and a row's hash follows them.
  const shapeRecords = new Appender(openSync(shapesPart(work, chunk), 'w'));
  let shapeCount = 0;
  const numberShape = (record: string): number | undefined => {
    if (hashing || shapeCount >= MAX_SHAPE_RECORDS) return undefined;
    shapeRecords.write(`${record}\n`);
    return shapeCount++;
  };
  const shapes = new RowShapes(job.part.label, job.fileIndex, job.lang, job.maskIds, options, put, partitions, numberShape);
  const hasher = hashing && new ByteRowHasher(options.defaultJurisdiction, hashing.salt);
  const rawRejects = (xs: readonly TemplateReject[]): void => {
    rejected++;
    for (const x of xs) reject(x.reject, x.jurisdiction);
  };
  const raw = job.rawLines === false ? undefined : new RawShapes(shapes, job.maskIds, partitions, records, breakdown, mapLine, rawRejects, hasher);
  // When half a window of rows found no template for want of room, the shapes start afresh (RowShapes.reset).
  let cappedBefore = 0;
  const counted = (): void => {
    if (++rows % SHAPE_WINDOW === 0) cappedBefore = shapes.cappedMisses;
    else if (shapes.cappedMisses - cappedBefore > SHAPE_WINDOW / 2) {
      shapes.reset();
      cappedBefore = shapes.cappedMisses;
    }
  };
  const skipped = new SkippedRows();
  const decisions = options.decisions;
  const decisionsMet: string[] = [];
  const sink: RecordSink = {
    record: (rec) => {
      if (rec.skipped) return skipped.add(rec.skipped, rec.row); // neither a claim nor a reject: counted apart, as the reader's blank lines
      if (rec.short) skipped.add('short', rec.row);
      const seq = base + rows;
      counted();
      if (rec.unreadable !== undefined) {
        rejected++;
        reject(unreadableRow(job.part.label, rec.row, rec.unreadable, rec.raw), undefined);
        return;
      }
      if (hashing) hash = rowHash(rec.cells, options.defaultJurisdiction, hashing.salt);
      // A row a clerk decided on is evaluated on its own: its lines are no shape for rows like it.
      const decided = decisions?.of(job.part.label, rec.row) !== undefined;
      // Most rows repeat another's cells but for ID, name and date: written by that row's shape.
      const shaped = decided ? -1 : shapes.write(rec.row, seq, rec.cells, base + lines);
      if (shaped >= 0) {
        lines += shaped;
        raw?.link(rec.row, shapes.current);
        return;
      }
      // The costs its lines hold for, read as it is evaluated, for a shape learned of it (RowShapes.learn).
      const spans = shapes.costSlot ? newCostSpans() : undefined;
      const r = evaluateRow(job.part.label, rec.row, seq, rec.cells, options, spans);
      if (!decided) {
        shapes.learn(rec.row, seq, rec.cells, r, spans);
        raw?.link(rec.row, shapes.current);
      }
      if ('decided' in r && r.decided) decisionsMet.push(...r.decided);
      if ('rejects' in r) {
        rejected++;
        for (const x of r.rejects) reject(x, rejectJurisdiction(x, rec.cells, options));
        return;
      }
      used.add(r.table.code);
      for (const line of r.lines) put(partitionOf(line.personKey, partitions), `${toRecord(line, base + lines++, job.fileIndex)}\n`, breakdownRow(line, job.lang, job.maskIds));
    },
    // A plain line whose template has a shape is written from its bytes (rawShapes.ts).
    plain:
      raw &&
      ((buf, start, end, row, header) => {
        if (decisions?.of(job.part.label, row)) return false; // read as cells and evaluated on its own (above)
        const n = raw.write(buf, start, end, row, header, base + rows, base + lines);
        if (n < 0) return false;
        counted();
        lines += n;
        return true;
      }),
  };
  try {
    await readRosterPart(job.path, job.encoding, job.part, sink, (b) => tick?.(rows, bytesOf(b)));
    writeAll(mapFd, map, 0, mapped * MAP_ENTRY);
  } finally {
    closeSync(mapFd);
    shapeRecords.close();
    breakdown.close();
    rejects.close();
    segments = records.close();
    done();
  }
  return { chunk, rows, rejected, rejectCounts, lines, breakdownParts: breakdownParts.parts, usedCodes: [...used], records: segments, skipped: skipped.lists, decisionsMet };
}

/**
 * The job as it is read: a GB18030 range (ChunkJob.transcode) copied as UTF-8 into the run's folder, and read from the
 * copy as the hand cutter reads a UTF-8 range, its rows numbered as in the original. `bytesOf` turns bytes of the copy
 * read into bytes of the original (progress is told in the roster's bytes); `done` removes the copy.
 */
function utf8Job(job: ChunkJob): { job: ChunkJob; bytesOf: (read: number) => number; done: () => void } {
  if (!job.transcode) return { job, bytesOf: (read) => read, done: () => undefined };
  const { range, header, format } = job.part;
  const copy = join(job.work, `utf8-${job.chunk}.csv`);
  transcodeToUtf8(job.path, copy, range);
  const size = statSync(copy).size;
  const scale = size ? (range.end - range.start) / size : 0;
  return {
    job: {
      ...job,
      path: copy,
      encoding: 'utf8',
      part: { ...job.part, range: { start: 0, end: size, firstRow: range.firstRow }, format: format && { ...format, encoding: 'utf8' }, header: header && { ...header, encoding: 'utf8' } },
      transcode: false,
    },
    bytesOf: (read) => Math.round(read * scale),
    done: () => rmSync(copy, { force: true }),
  };
}

/** Reads a chunk's line map back in blocks: partition and byte length of each line, in order. */
export class LineMapReader {
  private readonly buf = Buffer.alloc(MAP_ENTRY * MAP_BLOCK);
  private count = 0;
  private at = 0;
  constructor(private readonly fd: number) {}
  /** Partition and length of the next line into `into`; false at the end. */
  next(into: { partition: number; bytes: number }): boolean {
    if (this.at === this.count) {
      const n = readFull(this.fd, this.buf);
      this.count = Math.floor(n / MAP_ENTRY);
      this.at = 0;
      if (this.count === 0) return false;
    }
    const o = this.at++ * MAP_ENTRY;
    const b = this.buf;
    into.partition = b[o]!;
    // By hand: readUInt32LE (a call with its checks, per line of the breakdown) was ~25 ms of the last pass at 1M rows.
    into.bytes = (b[o + 1]! | (b[o + 2]! << 8) | (b[o + 3]! << 16) | (b[o + 4]! << 24)) >>> 0;
    return true;
  }
  close(): void {
    closeSync(this.fd);
  }
}

function readFull(fd: number, buf: Buffer): number {
  let n = 0;
  while (n < buf.length) {
    const r = readSync(fd, buf, n, buf.length - n, null);
    if (r === 0) break;
    n += r;
  }
  return n;
}
