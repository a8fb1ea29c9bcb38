// Pass B of a large run: one partition's lines (all of its persons'), limits decided, changes, summary and person rows out.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { applyLimits } from '../engine/limits.js';
import { markDuplicate } from '../engine/batch.js';
import { PaidRows } from '../engine/paidRows.js';
import { type Override, type RecordLines, type RecordReuse, clean, fromRecords, newRecordReuse, overrideOf, piecesOf, readShapes, recordLines, recordNames } from '../engine/partition.js';
import { type PersonRow, numberPersons, personRows } from '../engine/persons.js';
import { type SummaryRow, mergeSummaries, summarize } from '../engine/summarize.js';
import { recordsPart, shapesPart } from './chunkPass.js';
import { type ByteTarget, fileTarget } from './spillParts.js';
import { writeAll } from './writeAll.js';
import { type Lang, type Patch, patchOf, personRow, personRowBound, putPersonRow, putWhole } from './csvOut.js';
import type { Table } from '../tables/schema.js';
import type { Line, PriorClaim, PriorRow, Status } from '../engine/types.js';

/**
 * Buffered appends to a file descriptor: spill files are written in large blocks. Text is encoded into the
 * block as it comes, so the strings die young; holding them until a flush got them promoted to the old
 * generation, and a capped heap then spent a tenth of its time in full collections.
 */
export class Appender {
  private readonly buf: Buffer;
  private used = 0;
  private readonly target: ByteTarget;
  /** `to`: a file descriptor, or parts (spillParts.ts); `limit`: bytes held before writing. */
  constructor(to: number | ByteTarget, limit = 64 * 1024) {
    this.target = typeof to === 'number' ? fileTarget(to) : to;
    this.buf = Buffer.allocUnsafe(limit);
  }
  /** Append `text`; returns its length in UTF-8 bytes. */
  write(text: string): number {
    // A UTF-16 code unit is at most 3 bytes of UTF-8.
    if (this.used + text.length * 3 > this.buf.length) {
      this.flush();
      if (text.length * 3 > this.buf.length) {
        const bytes = Buffer.from(text, 'utf8');
        this.target.put(bytes, 0, bytes.length);
        return bytes.length;
      }
    }
    const n = this.buf.write(text, this.used, 'utf8');
    this.used += n;
    return n;
  }
  /** Append bytes [from, to) of `src`; returns how many. */
  writeBytes(src: Buffer, from: number, to: number): number {
    const n = to - from;
    if (this.used + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) {
        this.target.put(src, from, to);
        return n;
      }
    }
    src.copy(this.buf, this.used, from, to);
    this.used += n;
    return n;
  }
  /**
   * Room for up to `n` bytes (no more than the buffer holds) written in place: write them into `buffer` from the
   * offset returned, then say how many with `advance`.
   */
  room(n: number): number {
    if (this.used + n > this.buf.length) this.flush();
    return this.used;
  }
  get buffer(): Buffer {
    return this.buf;
  }
  /** The most `room` can give. */
  get capacity(): number {
    return this.buf.length;
  }
  advance(n: number): void {
    this.used += n;
  }
  flush(): void {
    if (this.used) this.target.put(this.buf, 0, this.used);
    this.used = 0;
  }
  close(): void {
    this.flush();
    this.target.close();
  }
}

/** Where a partition's bytes are in a shared spill file: [offset, length] pairs, in the order written. */
export type Segments = number[];

/**
 * Text for many partitions in one file: each partition is buffered on its own and goes out in whole blocks,
 * whose places are kept. A chunk used to keep a file per partition (up to 256 open at once per thread, over a
 * thousand with four threads, and a host with a hard limit of 1,024 descriptors would have failed); opening
 * them all again for the limits pass was also a tenth of a second per hundred files here.
 */
export class PartitionedSpill {
  private readonly bufs: Buffer[];
  private readonly used: number[];
  private readonly segments: Segments[];
  private end = 0;
  constructor(
    private readonly fd: number,
    partitions: number,
    private readonly blockBytes = 16 * 1024,
  ) {
    this.bufs = Array.from({ length: partitions }, () => Buffer.allocUnsafe(blockBytes));
    this.used = Array.from({ length: partitions }, () => 0);
    this.segments = Array.from({ length: partitions }, () => []);
  }
  /** Append `text` (whole records: a block never ends inside one) to partition `p`. */
  write(p: number, text: string): void {
    if (this.used[p]! + text.length * 3 > this.blockBytes) {
      this.flush(p);
      if (text.length * 3 > this.blockBytes) {
        const bytes = Buffer.from(text, 'utf8');
        this.put(p, bytes, bytes.length);
        return;
      }
    }
    this.used[p]! += this.bufs[p]!.write(text, this.used[p]!, 'utf8');
  }
  /** Room for up to `n` bytes (no more than a block) of partition `p`, as Appender.room: write into `bufferOf(p)`. */
  room(p: number, n: number): number {
    if (this.used[p]! + n > this.blockBytes) this.flush(p);
    return this.used[p]!;
  }
  bufferOf(p: number): Buffer {
    return this.bufs[p]!;
  }
  advance(p: number, n: number): void {
    this.used[p]! += n;
  }
  private flush(p: number): void {
    if (this.used[p]) this.put(p, this.bufs[p]!, this.used[p]!);
    this.used[p] = 0;
  }
  private put(p: number, bytes: Buffer, length: number): void {
    writeAll(this.fd, bytes, 0, length, this.end);
    this.segments[p]!.push(this.end, length);
    this.end += length;
  }
  /** Write what is held, close the file, and say where each partition's blocks are. */
  close(): Segments[] {
    for (let p = 0; p < this.bufs.length; p++) this.flush(p);
    closeSync(this.fd);
    return this.segments;
  }
}

/** A partition's bytes from a shared spill file. */
export function readSegmentBytes(fd: number, segments: Segments): Buffer {
  let total = 0;
  for (let i = 1; i < segments.length; i += 2) total += segments[i]!;
  const buf = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < segments.length; i += 2) {
    const [from, length] = [segments[i]!, segments[i + 1]!];
    for (let n = 0; n < length; ) {
      const r = readSync(fd, buf, at + n, length - n, from + n);
      if (r === 0) throw new Error('spill file ended early');
      n += r;
    }
    at += length;
  }
  return buf;
}

/**
 * An override as the last pass reads it: the line's index (float64), whether it is denied (a byte), the byte lengths
 * of its rewritten cells and of its max exposure (uint32 each), then those bytes (see csvOut.patchOf).
 */
const OVERRIDE_HEAD = 17;

/** Append one override to `out`; returns its length in bytes. */
export function writeOverride(out: Appender, index: number, patch: Patch): number {
  const most = OVERRIDE_HEAD + 3 * (patch.cells.length + patch.exposure.length); // a UTF-16 unit is at most 3 bytes
  // Encoded in place, the lengths then written before the texts; an override too long for that is assembled apart.
  const at = most <= out.capacity ? out.room(most) : -1;
  const buf = at >= 0 ? out.buffer : Buffer.allocUnsafe(most);
  const start = Math.max(at, 0);
  buf.writeDoubleLE(index, start);
  buf[start + 8] = patch.appended ? 2 : patch.denied ? 1 : 0;
  const cells = buf.write(patch.cells, start + OVERRIDE_HEAD, 'utf8');
  const exposure = buf.write(patch.exposure, start + OVERRIDE_HEAD + cells, 'utf8');
  buf.writeUInt32LE(cells, start + 9);
  buf.writeUInt32LE(exposure, start + 13);
  const length = OVERRIDE_HEAD + cells + exposure;
  if (at >= 0) out.advance(length);
  else out.writeBytes(buf, 0, length);
  return length;
}

/**
 * Reads the overrides in bytes [start, end) of a limits thread's file, one after another, in blocks (several
 * readers share one descriptor, which stays the caller's to close). `next` loads the next one into the fields.
 */
export class OverrideReader {
  private buf: Buffer;
  private from = 0; // the current override's first byte in buf
  private nextFrom = 0;
  private held = 0; // bytes in buf
  private at: number; // next byte of the file to read
  index = -1;
  denied = false;
  /** The override adds to the reason (Patch.appended): `cells` is the addition. */
  appended = false;
  readonly cells: [number, number] = [0, 0];
  readonly exposure: [number, number] = [0, 0];
  constructor(
    private readonly fd: number,
    blockBytes: number,
    private readonly range: { start: number; end: number },
  ) {
    this.buf = Buffer.allocUnsafe(blockBytes);
    this.at = range.start;
  }

  /** The bytes the fields point into. */
  get bytes(): Buffer {
    return this.buf;
  }

  /** The next override, or false (and index -1) at the end. */
  next(): boolean {
    this.from = this.nextFrom;
    if (!this.have(OVERRIDE_HEAD) || !this.have(OVERRIDE_HEAD + this.buf.readUInt32LE(this.from + 9) + this.buf.readUInt32LE(this.from + 13))) {
      if (this.held > this.from) throw new Error('override file ended early');
      this.index = -1;
      return false;
    }
    const o = this.from;
    this.index = this.buf.readDoubleLE(o);
    this.denied = this.buf[o + 8] === 1;
    this.appended = this.buf[o + 8] === 2;
    this.cells[0] = o + OVERRIDE_HEAD;
    this.cells[1] = this.cells[0] + this.buf.readUInt32LE(o + 9);
    this.exposure[0] = this.cells[1];
    this.exposure[1] = this.exposure[0] + this.buf.readUInt32LE(o + 13);
    this.nextFrom = this.exposure[1];
    return true;
  }

  /** Make `n` bytes from `from` available in buf (moving them to its start, or into a bigger one); false at the end. */
  private have(n: number): boolean {
    if (this.held - this.from >= n) return true;
    const kept = this.held - this.from;
    if (n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2));
      this.buf.copy(bigger, 0, this.from, this.held);
      this.buf = bigger;
    } else this.buf.copy(this.buf, 0, this.from, this.held);
    this.from = this.nextFrom = 0;
    this.held = kept;
    while (this.held < n && this.at < this.range.end) {
      const r = readSync(this.fd, this.buf, this.held, Math.min(this.buf.length - this.held, this.range.end - this.at), this.at);
      if (r === 0) break;
      this.held += r;
      this.at += r;
    }
    return this.held >= n;
  }
}

/** Limit decisions of one limits thread, every partition it decided one after another. */
export const overrideFile = (work: string, thread: number): string => join(work, `o${thread}.tsv`);

/** Where one partition's overrides are: the thread file and the byte range in it. */
export interface OverrideSpan {
  thread: number;
  start: number;
  end: number;
}

export function programOrderOf(tables: Iterable<Table>): (jurisdiction: string, program: string) => number {
  const order = new Map<string, number>();
  for (const t of tables) t.programs.forEach((p, i) => order.set(`${t.code}\u0000${p.id}`, i));
  return (j, p) => order.get(`${j}\u0000${p}`) ?? 0;
}

/**
 * Records of a partition decided at a time, at most (~8,000 lines; a partition of the 1M-row bench roster has
 * ~4,000 and is decided whole). Partitions stop at 256 (the line map keeps a line's partition in a byte), so past
 * ~600k rows they grow with the roster: ~40,000 lines each at 10M rows. Decided in pieces, the 10M-row roster's
 * limits pass took 28–33 s instead of 38–46 s, and peak RSS was 259–261 MB instead of 281–286 MB. Smaller
 * pieces cost more than they save: the 1M roster in pieces of 128 or 256 KB, limits ~2.4 → ~3.1 s.
 */
export const PIECE_BYTES = 1 << 20;

/** How the outputs are written: the run's language, and whether resident IDs are masked. */
export interface OutputFormat {
  lang: Lang;
  maskIds: boolean;
}

/** Where a partition's outputs of pass B go: this thread's override file and its persons file. */
export interface PassBFiles {
  overrides: Appender;
  persons: Appender;
}

/**
 * A person row as the persons file of a limits thread keeps it: the index of the person's first line, a tab, the CSV
 * row with its CRLF (a name or key has no tab or line break: personRow writes them clean). The
 * last pass merges the partitions' rows back into the order of their first lines (mergePersons).
 */
function writePerson(out: Appender, r: PersonRow, format: OutputFormat): number {
  const most = 17 + personRowBound(r);
  if (most > out.capacity) return out.write(`${r.firstIndex}\t`) + out.write(personRow(r, format.maskIds));
  const start = out.room(most);
  const buf = out.buffer;
  let at = putWhole(r.firstIndex, buf, start);
  buf[at++] = 9;
  at = putPersonRow(r, format.maskIds, buf, at);
  out.advance(at - start);
  return at - start;
}

/**
 * Decide one partition: apply every used table's limits, append the lines they changed (in line order) to
 * `files.overrides` (this thread's override file), summarise, and append one row per person to `files.persons`.
 * `records[c]` says where the partition's records are in chunk c's records file (open as `recordFds[c]`). A
 * partition of more than `pieceBytes` of records is decided in pieces by person (pieceOfKey): limits, the summary's
 * person counts and person rows are per person, so pieces decide as the whole does; their overrides, person rows and
 * ledger events are put back in line order.
 */
export function decidePartition(
  recordFds: number[],
  records: Segments[],
  files: PassBFiles,
  tables: ReadonlyMap<string, Table>,
  used: Table[],
  labels: readonly string[],
  format: OutputFormat,
  reuse: RecordReuse = newRecordReuse(),
  ledger?: PartitionLedger,
  pieceBytes = PIECE_BYTES,
  /** Per chunk, the lines of its shapes (readShapes), for its shaped records. */
  shapes: readonly (readonly Line[])[] = [],
): { summary: SummaryRow[]; overrideBytes: number; personBytes: number; eventBytes: number; namedOtherwise: number } {
  const { lang } = format;
  let namedOtherwise = 0;
  const person = (r: PersonRow): number => {
    if (r.otherNames.length) namedOtherwise++;
    return writePerson(files.persons, r, format);
  };
  const out = files.overrides;
  // Chunks in order, each in its own order: the records come in input order.
  const chunks = recordFds.map((fd, c) => readSegmentBytes(fd, records[c]!));
  const pieces = Math.max(1, Math.ceil(chunks.reduce((a, b) => a + b.length, 0) / pieceBytes));
  const order = programOrderOf(used);
  // Each chunk's records of each piece, found in one pass over the bytes.
  const starts = pieces > 1 ? chunks.map((bytes) => piecesOf(bytes, bytes.length, pieces)) : undefined;
  const readPiece = (piece = 0): RecordLines => {
    const read = recordLines(reuse, Boolean(ledger));
    chunks.forEach((bytes, c) => fromRecords(bytes, bytes.length, tables, labels, reuse, read, starts?.[c]![piece], shapes[c], c < chunks.length - 1));
    return read;
  };
  if (pieces === 1) {
    let overrideBytes = 0;
    let eventBytes = 0;
    const read = readPiece();
    const persons = numberPersons(read.lines);
    const lines = decideLines(read, persons, tables, used, ledger, {
      override: (index, o) => (overrideBytes += writeOverride(out, index, patchOf(o, lang))),
      event: (_index, text) => (eventBytes += ledger!.events.write(text)),
    });
    let personBytes = 0;
    for (const r of personRows(lines, persons, read.indexes, recordNames(read))) personBytes += person(r);
    return { summary: summarize(lines, order, persons), overrideBytes, personBytes, eventBytes, namedOtherwise };
  }
  const overrides: { index: number; patch: Patch }[] = [];
  const events: { index: number; text: string }[] = [];
  const persons: PersonRow[] = [];
  const summaries: SummaryRow[][] = [];
  for (let is = 0; is < pieces; is++) {
    const read = readPiece(is);
    const numbered = numberPersons(read.lines);
    const lines = decideLines(read, numbered, tables, used, ledger, {
      override: (index, o) => overrides.push({ index, patch: patchOf(o, lang) }),
      event: (index, text) => events.push({ index, text }),
    });
    for (const r of personRows(lines, numbered, read.indexes, recordNames(read))) persons.push(r);
    summaries.push(summarize(lines, order, numbered));
  }
  let overrideBytes = 0;
  for (const o of overrides.sort((a, b) => a.index - b.index)) overrideBytes += writeOverride(out, o.index, o.patch);
  let personBytes = 0;
  for (const r of persons.sort((a, b) => a.firstIndex - b.firstIndex)) personBytes += person(r);
  let eventBytes = 0;
  for (const e of events.sort((a, b) => a.index - b.index)) eventBytes += ledger!.events.write(e.text);
  return { summary: mergeSummaries(summaries, order), overrideBytes, personBytes, eventBytes, namedOtherwise };
}

/**
 * Apply the limits to lines read back (a partition, or a piece of one: all of each person's lines), numbered among
 * `persons` (numberPersons), telling `emit` each line they changed and, in a ledger run, each line's ledger event, in
 * line order. Returns the lines.
 */
function decideLines(
  read: RecordLines,
  persons: number,
  tables: ReadonlyMap<string, Table>,
  used: Table[],
  ledger: PartitionLedger | undefined,
  emit: { override: (index: number, o: Override) => void; event: (index: number, text: string) => void },
): Line[] {
  const { lines, indexes } = read;
  // What each line was before the limits (a column each: an object per line was a tenth of this pass in collections).
  const n = lines.length;
  const status: Status[] = new Array(n);
  const reasonCode: string[] = new Array(n);
  const amountFen: number[] = new Array(n);
  const exposureFen: (number | null)[] = new Array(n);
  // Each table's lines, picked out once (applyLimits would otherwise pass over every line once per table).
  const byTable = new Map<string, Line[]>(used.map((t) => [t.code, []]));
  for (let i = 0; i < n; i++) {
    const l = lines[i]!;
    status[i] = l.status;
    reasonCode[i] = l.reasonCode;
    amountFen[i] = l.amountFen;
    exposureFen[i] = l.exposureFen;
    byTable.get(l.jurisdiction)?.push(l);
  }
  // As Batch.finish decides a ledger run: lines already paid from their rows first, then limits counting the persons' history.
  const paid = ledger?.paid;
  if (paid) {
    for (let i = 0; i < n; i++) {
      const prior = paid.of(read.hashes![i]!, lines[i]!);
      if (prior) markDuplicate(lines[i]!, prior);
    }
  }
  for (const table of used) {
    const mine = byTable.get(table.code)!;
    if (mine.length) applyLimits(mine, table, persons, ledger?.history);
  }
  for (let i = 0; i < n; i++) {
    const l = lines[i]!;
    // Formatted in this pass, where the limits threads share the work, rather than in the last pass, which is one thread.
    const o = overrideOf(status[i]!, reasonCode[i]!, amountFen[i]!, exposureFen[i]!, l);
    if (o) emit.override(indexes[i]!, o);
  }
  if (ledger) {
    for (let i = 0; i < n; i++) {
      const text = ledgerEvent(lines[i]!, indexes[i]!, read.hashes![i]!, ledger.fileIndex, paid);
      if (text) emit.event(indexes[i]!, text);
    }
  }
  return lines;
}

/** A ledger run's part in deciding a partition: what the ledger knows of its persons and rows, and where to say what to record. */
export interface PartitionLedger {
  /** The approved claims of the partition's persons. */
  history: PriorClaim[];
  /** The lines paid from rows the ledger already recorded (none recorded: undefined). */
  paid?: PaidRows;
  /** This thread's ledger events (see ledgerEvent). */
  events: Appender;
  /** A file label's position among the run's files. */
  fileIndex: ReadonlyMap<string, number>;
}

/**
 * What the ledger must learn of a decided line, as one text line: an approved line is a claim to record (`a`, with
 * what a claim keeps); a duplicate (`d`) and another line of a row the ledger recorded (`n`, decided afresh) say
 * whether the row was evaluated anew (it was unless every line of it is a duplicate); other lines say nothing. Lines
 * carry their index, so the events of all partitions can be merged back into input order.
 */
function ledgerEvent(l: Line, index: number, hash: string, fileIndex: ReadonlyMap<string, number>, paid: PaidRows | undefined): string | undefined {
  if (l.status === 'duplicate') return `${index}\t${l.seq}\td\n`;
  if (l.status !== 'approved') return paid?.has(hash) ? `${index}\t${l.seq}\tn\n` : undefined;
  return `${index}\t${l.seq}\ta\t${fileIndex.get(l.file)}\t${l.row}\t${clean(l.personKey)}\t${l.jurisdiction}\t${l.program}\t${clean(l.occupation)}\t${l.level}\t${l.date}\t${l.amountFen}\t${l.payee}\t${hash}\n`;
}

/** One decided partition: its summary rows, where its overrides and person rows are (and, in a ledger run, its ledger events). */
export interface Decided {
  p: number;
  rows: SummaryRow[];
  span: OverrideSpan;
  persons: OverrideSpan;
  events?: OverrideSpan;
  /** How many of its persons' rows give other names (PersonRow.otherNames). */
  namedOtherwise: number;
}

/** Person rows of one limits thread (see writePerson), every partition it decided one after another. */
export const personsFile = (work: string, thread: number): string => join(work, `n${thread}.tsv`);

/** Ledger events of one limits thread (see ledgerEvent), every partition it decided one after another. */
export const eventsFile = (work: string, thread: number): string => join(work, `e${thread}.tsv`);

/**
 * Where a ledger run's lookups are: a file of one JSON text per partition, each one's offset and length (`spans`,
 * two float64 per partition), and how many partitions are answered so far (`ready`, an int32; -1 when the lookups
 * stopped). Shared with the limits threads, which decide a partition once it is answered.
 */
export interface LedgerContexts {
  file: string;
  spans: SharedArrayBuffer;
  ready: SharedArrayBuffer;
}

/** Partition p's lookups, once this thread has waited for them to be answered. */
function contextOf(contexts: LedgerContexts, fd: number, p: number): StoredContext {
  const ready = new Int32Array(contexts.ready);
  for (;;) {
    const answered = Atomics.load(ready, 0);
    if (answered < 0) throw new Error('the ledger lookups stopped');
    if (answered > p) break;
    Atomics.wait(ready, 0, answered, 1000);
  }
  const spans = new Float64Array(contexts.spans);
  return JSON.parse(readSegmentBytes(fd, [spans[2 * p]!, spans[2 * p + 1]!]).toString('utf8')) as StoredContext;
}

/** What the ledger knows of one partition's persons and rows, as the context file keeps it. */
export interface StoredContext {
  history: PriorClaim[];
  recordedRows: [string, PriorRow[]][];
}

/**
 * A queue of partition numbers the limits threads share: each takes the next one not yet taken, so a thread that
 * starts late or meets large partitions takes fewer. Which thread decides a partition changes no output.
 */
export class PartitionQueue {
  private readonly next: Int32Array;
  constructor(
    readonly count: number,
    /** The counter, shared between threads (pass `shared` to a worker and rebuild the queue there). */
    readonly shared = new SharedArrayBuffer(4),
  ) {
    this.next = new Int32Array(shared);
  }
  /** The next partition to decide, or -1 when every one is taken. */
  take(): number {
    const p = Atomics.add(this.next, 0, 1);
    return p < this.count ? p : -1;
  }
}

/**
 * Decide partitions one after another in this thread, as many as it takes from `queue`: records from every
 * chunk's file, overrides and person rows appended to the thread's own files. Says, per partition, its summary and
 * where its overrides and person rows are.
 */
export function decidePartitions(
  work: string,
  thread: number,
  queue: PartitionQueue,
  chunkRecords: Segments[][],
  tables: ReadonlyMap<string, Table>,
  used: Table[],
  labels: readonly string[],
  format: OutputFormat,
  tick?: (partition: number) => void,
  contexts?: LedgerContexts,
  pieceBytes = PIECE_BYTES,
): Decided[] {
  const fds = chunkRecords.map((_, c) => openSync(recordsPart(work, c), 'r'));
  const shapes = chunkRecords.map((_, c) => readShapes(readFileSync(shapesPart(work, c)), tables, labels));
  const out = new Appender(openSync(overrideFile(work, thread), 'w'));
  const persons = new Appender(openSync(personsFile(work, thread), 'w'));
  const events = contexts && new Appender(openSync(eventsFile(work, thread), 'w'));
  const contextFd = contexts && openSync(contexts.file, 'r');
  const fileIndex = new Map(labels.map((label, i) => [label, i]));
  // One for all of this thread's partitions: they repeat the same dates, occupations and codes, and reuse its lines.
  const reuse = newRecordReuse();
  let at = 0;
  let personsAt = 0;
  let eventsAt = 0;
  const decided: Decided[] = [];
  try {
    for (let p = queue.take(); p >= 0; p = queue.take()) {
      tick?.(p);
      let ledger: PartitionLedger | undefined;
      if (contexts) {
        const stored = contextOf(contexts, contextFd!, p);
        const paid = stored.recordedRows.length ? new PaidRows(new Map(stored.recordedRows), stored.history) : undefined;
        ledger = { history: stored.history, paid, events: events!, fileIndex };
      }
      const r = decidePartition(fds, chunkRecords.map((segments) => segments[p]!), { overrides: out, persons }, tables, used, labels, format, reuse, ledger, pieceBytes, shapes);
      const span = { thread, start: at, end: at + r.overrideBytes };
      at = span.end;
      const personSpan = { thread, start: personsAt, end: personsAt + r.personBytes };
      personsAt = personSpan.end;
      const eventSpan = contexts && { thread, start: eventsAt, end: eventsAt + r.eventBytes };
      eventsAt += r.eventBytes;
      decided.push({ p, rows: r.summary, span, persons: personSpan, namedOtherwise: r.namedOtherwise, ...(eventSpan ? { events: eventSpan } : {}) });
    }
    return decided;
  } finally {
    out.close();
    persons.close();
    events?.close();
    if (contextFd !== undefined) closeSync(contextFd);
    for (const fd of fds) closeSync(fd);
  }
}
