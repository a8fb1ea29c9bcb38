// Compact line records for runs too large to hold: what limits and the summary need, one text line each.
import type { Table } from '../tables/schema.js';
import { type Line, NO_TEXT, type Status } from './types.js';
import type { LineNames } from './persons.js';

/** FNV-1a: spreads person keys over partitions. Only for partitioning: a collision merely shares a partition. */
export function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

/** partitionOf for a key given as bytes [start, end) of ASCII (the same character codes). */
export function partitionOfBytes(buf: Uint8Array, start: number, end: number, partitions: number): number {
  return (fnv1a(buf, start, end) >>> 0) % partitions;
}

/** FNV-1a of bytes [start, end) of `buf`, as partitionOf hashes character codes. */
function fnv1a(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h;
}

/**
 * Which of `pieces` pieces of its partition a record's person key (bytes [start, end) of the record) is decided in
 * (see decidePartition). The key's FNV-1a, mixed by MurmurHash3's finaliser: the partition is the same hash
 * modulo the partition count, and unmixed the pieces would follow it.
 */
export function pieceOfKey(buf: Uint8Array, start: number, end: number, pieces: number): number {
  let h = fnv1a(buf, start, end);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % pieces;
}

/** A text as a record cell: tabs and line breaks become a space. */
export const clean = (s: string): string => (/[\t\n\r]/.test(s) ? s.replace(/[\t\n\r]+/g, ' ') : s);

/** One line as a tab-separated record. `index` is the line's position in the run's output. */
export function toRecord(line: Line, index: number, fileIndex: number): string {
  const l = line;
  return `${index}\t${l.seq}\t${fileIndex}\t${l.row}\t${l.jurisdiction}\t${l.program}\t${clean(l.personKey)}\t${l.date}\t${clean(l.occupation)}\t${l.level}\t${l.status}\t${l.reasonCode}\t${l.amountFen}\t${l.exposureFen ?? ''}\t${l.companionOf}\t${clean(l.payeeName)}\t${l.subject}\t${clean(l.name)}`;
}

/**
 * A shaped line's record (rowShapes.ts), compact: `s` and the number of its shape in its chunk's shapes file, whose
 * line of that number is the shape's full record (toRecord), read once by each limits thread for the cells that
 * every line of the shape has alike; then only the cells that differ from line to line (index, seq, row, person
 * key, date, occupation, name). A limits thread read ~10 cells of every full record through the interner, and
 * those cells were most of its reading.
 */
export function toShapedRecord(line: Line, index: number, shape: number): string {
  const l = line;
  return `s${shape}\t${index}\t${l.seq}\t${l.row}\t${clean(l.personKey)}\t${l.date}\t${clean(l.occupation)}\t${clean(l.name)}`;
}

/** The first byte of a shaped record (toShapedRecord); a full record starts with a digit. */
const SHAPED = 0x73;

const programIndex = new WeakMap<Table, Map<string, Table['programs'][number]>>();
function programsOf(table: Table): Map<string, Table['programs'][number]> {
  let m = programIndex.get(table);
  if (!m) programIndex.set(table, (m = new Map(table.programs.map((p) => [p.id, p]))));
  return m;
}

/** Lines read back from spill records, and each one's position in the run's output. */
export interface RecordLines {
  lines: Line[];
  indexes: number[];
  /** Given for a ledger run, whose records end with their row's content hash: each line's. */
  hashes?: string[];
  /**
   * Where each line's name starts: in records buffer `nameIn[i]` of `buffers`, at byte `nameAt[i]`. Decoded only for
   * the rows of persons.csv (recordNames): a person's first line's, and any other name a later line gives. (Two small
   * numbers: one number per name, the buffer times 2³² plus the place, was no small integer past the first buffer,
   * and threw away fromRecords's optimised code.)
   */
  nameAt: number[];
  nameIn: number[];
  buffers: Buffer[];
  /**
   * How many lines the lists hold. While a partition is read (fromRecords with `more`) they may still be longer,
   * holding an earlier partition's: emptied (length 0) instead, each list gave up its room and grew again by copies,
   * ~100 MB of garbage a pass over the 1M roster's records.
   */
  count: number;
}

/** Line i's name, from its record (see RecordLines). */
export function nameOf(read: RecordLines, i: number): string {
  const buf = read.buffers[read.nameIn[i]!]!;
  const from = read.nameAt[i]!;
  let to = from;
  let ascii = true;
  for (let c = buf[to]; to < buf.length && c !== 9 && c !== 10; c = buf[++to]) if (c! >= 0x80) ascii = false;
  return buf.toString(ascii ? 'latin1' : 'utf8', from, to);
}

/** Whether lines i and j give their names in the same bytes (see RecordLines): no string decoded. */
export function sameNameBytes(read: RecordLines, i: number, j: number): boolean {
  const bufA = read.buffers[read.nameIn[i]!]!;
  const bufB = read.buffers[read.nameIn[j]!]!;
  let x = read.nameAt[i]!;
  let y = read.nameAt[j]!;
  if (x === y && bufA === bufB) return true;
  for (;;) {
    const c = x < bufA.length ? bufA[x]! : 10;
    const d = y < bufB.length ? bufB[y]! : 10;
    const endA = c === 9 || c === 10;
    const endB = d === 9 || d === 10;
    if (endA || endB) return endA && endB;
    if (c !== d) return false;
    x++;
    y++;
  }
}

/** Line i's name and comparisons of two lines' names, from their records (for personRows). */
export const recordNames = (read: RecordLines): LineNames => ({ of: (i) => nameOf(read, i), same: (i, j) => sameNameBytes(read, i, j) });

/** A line's record with its row's content hash after it (a ledger run's records: see fromRecords). */
export const withRowHash = (record: string, hash: string): string => `${record.slice(0, -1)}\t${hash}\n`;

/**
 * What a ledger must be asked about a partition, from its records (bytes [0, end) of `buf`, each ending with its
 * row's hash): the keys of its persons and units (whose earlier claims limits and the same-claim check count) and
 * its rows' hashes.
 */
export function ledgerLookups(buf: Buffer, end: number, into: { personKeys: Set<string>; hashes: Set<string> }): void {
  let at = 0;
  while (at < end) {
    let lineEnd = buf.indexOf(10, at);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    // Cells 6 (person or unit key) and 18 (hash) of the record.
    const cuts: number[] = [at - 1];
    for (let i = at; i < lineEnd; i++) if (buf[i] === 9) cuts.push(i);
    cuts.push(lineEnd);
    // A record without its hash would go unchecked against the ledger: never skipped quietly.
    if (cuts.length !== 20) throw new Error(`a ledger run's record has ${cuts.length - 1} cells, not 19 (its row's hash last)`);
    const cell = (k: number): string => buf.toString('utf8', cuts[k]! + 1, cuts[k + 1]!);
    into.personKeys.add(cell(6));
    into.hashes.add(cell(18));
    at = lineEnd + 1;
  }
}

/**
 * Strings for short runs of bytes, each made once: the cells of a partition's records repeat a few hundred values
 * (dates, occupations, programmes, statuses), and decoding each anew was a tenth of the limits pass, with the
 * garbage it left. A cache by hash, one entry per slot (a value that collides is decoded again). The entries' bytes
 * are kept one after another in one array, and where each is in two more: kept as an object per entry with bytes of
 * its own, a lookup went through four objects far apart in memory, and waiting for them was most of its time.
 */
export class Interner {
  /** Per slot: where its bytes start in `kept`, and how many (-1: none). */
  private readonly starts: Int32Array;
  private readonly lengths: Int32Array;
  private readonly texts: string[];
  private readonly kept: Uint8Array;
  private keptUsed = 0;
  private readonly mask: number;
  /** `bits`: 2^bits slots; `keptBytes`: room for their bytes (both smaller in tests, to reach collisions and a full room). */
  constructor(bits = 14, keptBytes = 64 * 1024) {
    this.kept = new Uint8Array(keptBytes);
    this.starts = new Int32Array(1 << bits);
    this.lengths = new Int32Array(1 << bits).fill(-1);
    this.texts = new Array<string>(1 << bits).fill('');
    this.mask = (1 << bits) - 1;
  }

  /** Where the last `cell` stopped: the position of its stop byte (or the end). */
  stopped = 0;

  /** The text of bytes from `start` up to the first `stop` byte (or `end`), which `stopped` then says where is. */
  cell(buf: Buffer, start: number, end: number, stop: number): string {
    // The cell's end found and its bytes hashed in one pass.
    let h = 0x811c9dc5;
    let at = start;
    for (; at < end; at++) {
      const b = buf[at]!;
      if (b === stop) break;
      h = Math.imul(h ^ b, 0x01000193);
    }
    this.stopped = at;
    const n = at - start;
    if (n === 0) return '';
    const slot = (h ^ (h >>> 15)) & this.mask;
    if (this.lengths[slot] === n) {
      const kept = this.kept;
      const from = this.starts[slot]!;
      let i = 0;
      while (i < n && kept[from + i] === buf[start + i]) i++;
      if (i === n) return this.texts[slot]!;
    }
    const text = buf.toString('utf8', start, at);
    this.keep(slot, buf, start, n, text);
    return text;
  }

  private keep(slot: number, buf: Buffer, start: number, n: number, text: string): void {
    if (this.keptUsed + n > this.kept.length) {
      if (n > this.kept.length / 4) return; // a long value, not kept
      // Full: the entries are forgotten and filled again as values are met (bytes of replaced entries are not reused).
      this.lengths.fill(-1);
      this.texts.fill('');
      this.keptUsed = 0;
    }
    for (let i = 0; i < n; i++) this.kept[this.keptUsed + i] = buf[start + i]!;
    this.starts[slot] = this.keptUsed;
    this.lengths[slot] = n;
    this.texts[slot] = text;
    this.keptUsed += n;
  }
}

/**
 * What a thread keeps from one partition (or piece) to the next while it reads records back: the strings of repeated
 * cells, and line objects to write the next records over. Nothing keeps a line past its partition (overrides,
 * person rows and summary rows are made of its values), and a new object per record was ~320 MB of garbage in the
 * limits pass of the 1M-row bench roster; written over instead, that pass took ~0.25 s less (1.64-1.85 s, not
 * 1.87-2.06 s).
 */
export interface RecordReuse {
  reader: RecordReader;
  lines: Line[];
  /**
   * The lists a partition's records are read into, emptied for the next (recordLines). Lists made anew per partition
   * started each as an empty list of small integers, and the optimised fromRecords was thrown away when the first
   * line, place or buffer went in (3 times a limits thread at 1M rows, ~15 ms of compiling each).
   */
  read: RecordLines;
}

const emptyRecordLines = (): RecordLines => ({ lines: [], indexes: [], nameAt: [], nameIn: [], buffers: [], count: 0 });

export const newRecordReuse = (): RecordReuse => ({ reader: new RecordReader(new Interner()), lines: [], read: emptyRecordLines() });

/**
 * The thread's lists to read a partition's records into (RecordReuse.read), to be written over from the start (they
 * keep their room: see RecordLines.count); with `hashes` for a ledger run's.
 */
export function recordLines(reuse: RecordReuse, hashes: boolean): RecordLines {
  const read = reuse.read;
  read.count = 0;
  read.buffers.length = 0;
  if (hashes) read.hashes ??= [];
  else read.hashes = undefined;
  return read;
}

/** Cut the lists to the lines read (RecordLines.count). */
function cutToCount(read: RecordLines): void {
  const n = read.count;
  read.lines.length = n;
  read.indexes.length = n;
  read.nameAt.length = n;
  read.nameIn.length = n;
  if (read.hashes) read.hashes.length = n;
}

/**
 * Reads a record's cells one after another, from `at` in bytes [0, end) of `buf` (see fromRecords). One per thread,
 * its methods the same functions for every partition: as closures made per call, each partition's were new call
 * targets to the optimised fromRecords, which V8 then threw away (14 compiles of it a 1M run, ~250 ms of CPU).
 */
export class RecordReader {
  private buf: Buffer = Buffer.alloc(0);
  private end = 0;
  at = 0;
  constructor(private readonly interner: Interner) {}

  start(buf: Buffer, end: number): this {
    this.buf = buf;
    this.end = end;
    this.at = 0;
    return this;
  }

  private cellEnd(): number {
    const { buf, end } = this;
    let e = this.at;
    while (e < end && buf[e] !== 9) e++;
    return e;
  }

  /** A cell through the interner (repeated values: dates, occupations, codes). */
  cell(): string {
    const s = this.interner.cell(this.buf, this.at, this.end, 9);
    this.at = this.interner.stopped + 1;
    return s;
  }

  /** A whole number read in place; an empty cell is NaN. Anything else falls back to Number(). */
  numberCell(): number {
    const buf = this.buf;
    const start = this.at;
    let at = start;
    let n = 0;
    let c = buf[at]!;
    const negative = c === 45;
    if (negative) c = buf[++at]!;
    while (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      c = buf[++at]!;
    }
    if (c !== 9 || at === start + (negative ? 1 : 0)) {
      this.at = start;
      const e = this.cellEnd();
      const s = buf.toString('utf8', start, e);
      this.at = e + 1;
      return s === '' ? NaN : Number(s);
    }
    this.at = at + 1;
    return negative ? -n : n;
  }

  /** The person key: hardly repeated across a partition's records, so decoded, not remembered. */
  keyCell(): string {
    const buf = this.buf;
    const keyEnd = this.cellEnd();
    let ascii = true;
    for (let i = this.at; i < keyEnd; i++) if (buf[i]! >= 0x80) ascii = false;
    const key = buf.toString(ascii ? 'latin1' : 'utf8', this.at, keyEnd);
    this.at = keyEnd + 1;
    return key;
  }

  /** Past the current cell and its tab, or to the next line when it is the line's last. */
  skipLine(): void {
    const { buf, end } = this;
    let at = this.at;
    while (at < end && buf[at] !== 10 && buf[at] !== 9) at++;
    this.at = at + 1;
  }

  /** The rest of the line (a ledger run's row hash), and on to the next line. */
  restOfLine(): string {
    const { buf, end } = this;
    let e = this.at;
    while (e < end && buf[e] !== 10) e++;
    const text = buf.toString('latin1', this.at, e);
    this.at = e + 1;
    return text;
  }
}

/**
 * Rebuild the parts of a line that limits and the summary read, for every record in bytes [0, end) of `buf` (a
 * partition's records: one per line). Texts limits do not change (formula, reason, citation) are left empty here;
 * the breakdown keeps them from the first evaluation. Names come from the table. The cells are read in place
 * from the bytes: numbers digit by digit, repeated values through the interner (`reuse.reader`), only the person key decoded anew;
 * the lines are `reuse.lines` written over, as far as there are any, and the lines of an earlier call are then gone.
 * A shaped record (toShapedRecord) takes the cells it does not have from its shape's line in `shapes` (readShapes).
 */
export function fromRecords(
  buf: Buffer,
  end: number,
  tables: ReadonlyMap<string, Table>,
  files: readonly string[],
  reuse: RecordReuse,
  into: RecordLines,
  /** Only the records that start at these offsets (a piece of the partition: see piecesOf). */
  only?: readonly number[],
  /** The lines of the shapes of the chunk whose records these are, by number (readShapes). */
  shapes?: readonly Line[],
  /** More records follow into the same lists (another chunk's): they are cut to the lines read only after the last. */
  more = false,
): void {
  const r = reuse.reader.start(buf, end);
  let buffer = into.buffers.indexOf(buf);
  if (buffer < 0) buffer = into.buffers.push(buf) - 1;
  const hashes = into.hashes;
  for (let next = 0; only ? next < only.length : r.at < end; next++) {
    if (only) r.at = only[next]!;
    else if (buf[r.at] === 10) {
      r.at++;
      continue;
    }
    // The line's cells, from the record or its shape.
    let index: number, seq: number, row: number, personKey: string, date: string, year: number, occupation: string; // prettier-ignore
    let file: string, jurisdiction: string, documentStatus: Line['documentStatus'], program: string, programName: Line['programName'], payee: Line['payee']; // prettier-ignore
    let payeeName: string, subject: Line['subject'], level: string, status: Status, reasonCode: string, amountFen: number, exposureFen: number | null, companionOf: string; // prettier-ignore
    if (buf[r.at] === SHAPED) {
      r.at++;
      const shape = shapes![r.numberCell()]!;
      index = r.numberCell();
      seq = r.numberCell();
      row = r.numberCell();
      personKey = r.keyCell();
      const dateStart = r.at;
      date = r.cell();
      year = r.at - dateStart === 11 ? digits(buf, dateStart, dateStart + 4) : Number(date.slice(0, 4));
      occupation = r.cell();
      ({ file, jurisdiction, documentStatus, program, programName, payee, payeeName, subject, level, status, reasonCode, amountFen, exposureFen, companionOf } = shape);
    } else {
      index = r.numberCell();
      seq = r.numberCell();
      file = files[r.numberCell()]!;
      row = r.numberCell();
      const table = tables.get(r.cell())!;
      const programs = programsOf(table);
      const p = programs.get(r.cell())!;
      jurisdiction = table.code;
      documentStatus = table.document.status;
      program = p.id;
      programName = p.name;
      payee = p.payee;
      personKey = r.keyCell();
      const dateStart = r.at;
      date = r.cell();
      year = r.at - dateStart === 11 ? digits(buf, dateStart, dateStart + 4) : Number(date.slice(0, 4));
      occupation = r.cell();
      level = r.cell();
      status = r.cell() as Status;
      reasonCode = r.cell();
      amountFen = r.numberCell();
      const exposure = r.numberCell();
      exposureFen = Number.isNaN(exposure) ? null : exposure;
      const companion = r.cell();
      companionOf = companion ? programs.get(companion)!.id : '';
      payeeName = r.cell();
      subject = r.cell() as Line['subject'];
    }
    // The name (for persons.csv): where it is, decoded only when a person's row is made (nameOf).
    const k = into.count++;
    into.nameAt[k] = r.at;
    into.nameIn[k] = buffer;
    r.skipLine();
    if (hashes) hashes[k] = r.restOfLine();
    into.indexes[k] = index;
    // The line's fields written over a line of an earlier partition, when this thread has one to spare (RecordReuse).
    const reused = reuse.lines[k];
    if (reused === undefined) {
      const l: Line = {
        file, row, seq, jurisdiction, documentStatus,
        program, programName, payee, payeeName, subject, personKey, personId: '', name: '',
        date, year, occupation, level, status, reasonCode,
        reason: NO_TEXT, amountFen, basis: 'none', formula: NO_TEXT, citation: '',
        exposureFen, companionOf, person: -1,
      };
      reuse.lines.push(l);
      into.lines[k] = l;
    } else {
      const l = reused;
      l.file = file; l.row = row; l.seq = seq; l.jurisdiction = jurisdiction; l.documentStatus = documentStatus;
      l.program = program; l.programName = programName; l.payee = payee; l.payeeName = payeeName; l.subject = subject; l.personKey = personKey; l.personId = ''; l.name = '';
      l.date = date; l.year = year; l.occupation = occupation; l.level = level; l.status = status; l.reasonCode = reasonCode;
      l.reason = NO_TEXT; l.amountFen = amountFen; l.basis = 'none'; l.formula = NO_TEXT; l.citation = '';
      l.exposureFen = exposureFen; l.companionOf = companionOf; l.person = -1;
      into.lines[k] = l;
    }
  }
  if (!more) cutToCount(into);
}

/**
 * Where each piece's records start in bytes [0, end) of `buf` (a partition's records), the partition's persons
 * shared out among `pieces` by pieceOfKey: the person key is a full record's seventh cell (toRecord), a shaped
 * one's fifth (toShapedRecord).
 */
export function piecesOf(buf: Buffer, end: number, pieces: number): number[][] {
  const starts: number[][] = Array.from({ length: pieces }, () => []);
  let at = 0;
  while (at < end) {
    if (buf[at] === 10) {
      at++;
      continue;
    }
    const start = at;
    const before = buf[at] === SHAPED ? 4 : 6;
    for (let tabs = 0; tabs < before && at < end; at++) if (buf[at] === 9) tabs++;
    const keyStart = at;
    while (at < end && buf[at] !== 9) at++;
    starts[pieceOfKey(buf, keyStart, at, pieces)]!.push(start);
    while (at < end && buf[at] !== 10) at++;
    at++;
  }
  return starts;
}

/**
 * The lines of a chunk's shapes, by number, from its shapes file's bytes (one full record per shape, in the order
 * numbered: see toShapedRecord). The cells each line has of its own (index, row, person key, date …) are written
 * there as 0 and are not used.
 */
export function readShapes(buf: Buffer, tables: ReadonlyMap<string, Table>, files: readonly string[]): Line[] {
  const read = emptyRecordLines();
  // Lines of their own, not written over by the partitions' records (newRecordReuse).
  fromRecords(buf, buf.length, tables, files, newRecordReuse(), read);
  return read.lines;
}

/** The number the digits [start, end) of `buf` spell. */
function digits(buf: Buffer, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) n = n * 10 + (buf[i]! - 48);
  return n;
}

/** What a limit changed on a line; written over the line's spilled breakdown record in the last pass. */
export interface Override {
  status: Status;
  reasonCode: string;
  reason: Line['reason'];
  amountFen: number;
  exposureFen: number | null;
  /** A line a limit denies, or a duplicate, shows no formula and basis `none` (see limits.ts, markDuplicate). */
  denied: boolean;
  /**
   * The limits only added to the reason of a line under review (a twin, a look-alike occupation: toBeChecked), which
   * keeps its status and amounts: `reason` is the addition ("; …"), to follow the reason the breakdown has.
   */
  appended?: boolean;
}

/**
 * What the limits changed of a line read back from its record (`after`; the record keeps no reason, so a reason
 * the line has now is the limits'), given what it was before them (its status, reason code, amount and exposure:
 * passed one by one, not as an object made per line of a large run); undefined when nothing.
 */
export function overrideOf(status: Status, reasonCode: string, amountFen: number, exposureFen: number | null, after: Line): Override | undefined {
  if (status === after.status && reasonCode === after.reasonCode && amountFen === after.amountFen && exposureFen === after.exposureFen) {
    if (after.reason.en === '' && after.reason.zh === '') return undefined;
    return { status: after.status, reasonCode: after.reasonCode, reason: after.reason, amountFen: after.amountFen, exposureFen: after.exposureFen, denied: false, appended: true };
  }
  return {
    status: after.status, reasonCode: after.reasonCode, reason: after.reason, amountFen: after.amountFen, exposureFen: after.exposureFen,
    // A row already in the ledger shows no formula either (markDuplicate).
    denied: after.status === 'denied' || after.status === 'duplicate',
    appended: false,
  };
}
