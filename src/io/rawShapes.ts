// Row shapes from bytes: a plain roster line finds its template (rowShapes.ts) by its bytes and is written out without being decoded or cut into cells.
import { isoDate, parseCellMemo, validResidentIdBytes } from '../engine/intake.js';
import { formatYuan } from '../engine/money.js';
import { partitionOf, partitionOfBytes } from '../engine/partition.js';
import type { ByteRowHasher } from './ledger.js';
import type { Appender, PartitionedSpill } from './partitionPass.js';
import type { RosterHeader } from './roster.js';
import { type RowShapes, SLOT, type ShapeKey, type Shaped, type ShapeLine, type Template, type TemplateReject, NO_COST, shapeEntry, shapeKey } from './rowShapes.js';

const COMMA = 44;
const QUOTE = 34;

/** Lines from rows whose other cells are these bytes (the line with its ID, name and date cells left empty). */
interface RawTemplate {
  keyStart: number;
  keyEnd: number;
  template: Template;
  /** The shape key (shapeKey) last met, the costs its shape holds for (fen, both ends in), and its shape as bytes (most templates meet one). */
  key: ShapeKey;
  costLo: number;
  costHi: number;
  lines: ByteLine[] | null;
  /** The next template whose bytes hash the same. */
  next: RawTemplate | undefined;
}

/**
 * A text with slots as UTF-8: piece 0, the value of slots[0], piece 1, … Piece i is bytes [ends[i - 1], ends[i]) of
 * `bytes` (from 0 for the first), all pieces one after another: the row's text is written by loops over two arrays,
 * not by a call per piece (the optimising compiler inlines nothing here: see bin/subsidy.js).
 */
interface ByteText {
  bytes: Buffer;
  ends: Int32Array;
  slots: Int32Array;
  /** Per piece longer than LOOP_BYTES, a view of its bytes, made once: a view made per row was garbage per row. */
  views: (Uint8Array | undefined)[];
}

/** One shaped line as bytes. `partition`: a fixed key's, or -1 when the key is the row's ID. */
interface ByteLine {
  partition: number;
  record: ByteText;
  breakdown: ByteText;
  /** The breakdown's constant end (a view of the shapes' tails). */
  tail: Uint8Array;
  /** Bytes of the pieces and the tail, without slot values. */
  fixed: number;
  /** How many times the texts write the cost (in yuan or fen). */
  costSlots: number;
}

/** A cost cell's value: fen, and the texts' slots for it as bytes. */
interface CostValue {
  fen: number;
  yuan: Buffer;
  fenText: Buffer;
}

/** How many byte templates a chunk remembers (as many as templates: most templates have one spelling). */
const MAX_TEMPLATES = 4096;
/** A line longer than this is left to the text path (it could not fit a spill block). */
const MAX_LINE = 8 * 1024;
/** Room for a slot's value: a number (≤ 16 digits), an ID (18), a date (10) or a year (4); names and occupations are added. */
const SLOT_ROOM = 18;
/** Room for a record's row hash: a tab and 64 hex digits (the line break is the record's own). */
const HASH_ROOM = 65;

/** Longer than this, bytes go by one native copy; shorter, by a loop (a call costs ~50 ns, a byte ~1 ns). */
const LOOP_BYTES = 32;

function byteText(t: Shaped): ByteText {
  const pieces = t.pieces.map((p) => Buffer.from(p, 'utf8'));
  const ends = new Int32Array(pieces.length);
  let at = 0;
  pieces.forEach((p, i) => (ends[i] = at += p.length));
  const bytes = Buffer.concat(pieces);
  const views = pieces.map((p, i) => (p.length > LOOP_BYTES ? bytes.subarray(ends[i]! - p.length, ends[i]) : undefined));
  return { bytes, ends, slots: Int32Array.from(t.slots), views };
}

/** Bytes on a buffer of their own, so that an Int32Array can view them from its start (Buffer.allocUnsafe may share a pool at any offset). */
const wordBytes = (n: number): Buffer => Buffer.from(new ArrayBuffer((n + 3) & ~3));

/** Slots a record may have, and a breakdown line (a shape with another is no shape for bytes: see `bytesOf`). */
const RECORD_SLOTS = new Set<number>([SLOT.INDEX, SLOT.SEQ, SLOT.ROW, SLOT.KEY, SLOT.DATE, SLOT.OCCUPATION, SLOT.RECORD_NAME, SLOT.COST_FEN]);
const BREAKDOWN_SLOTS = new Set<number>([SLOT.ROW, SLOT.ID, SLOT.NAME, SLOT.DATE, SLOT.YEAR, SLOT.OCCUPATION, SLOT.COST_YUAN]);
/** Room for a cost's slot: its yuan or fen digits (a safe integer of fen has at most 16). */
const COST_ROOM = 20;
/** How many cost cells' values a chunk remembers (bench roster: ~2,900 spellings). */
const MAX_COSTS = 16_384;
const SLOTS = Object.keys(SLOT).length;

/**
 * A date cell (bytes [start, end) of `buf`) as the text path reads it, when it is written in ASCII without spaces:
 * 2021-03-05, 2021/3/5, 2021.3.5 (any of - / . between the parts) or 20210305; the ISO date, or undefined for
 * anything else. `seen` remembers the ISO text of each date met.
 */
export function isoDateOfCell(buf: Buffer, start: number, end: number, seen: Map<number, string>): string | undefined {
  // By hand, without a helper function made per call: this runs for every row.
  const n = end - start;
  if (n < 8 || n > 10) return undefined;
  let y = 0;
  for (let i = start; i < start + 4; i++) {
    const c = buf[i]! - 48;
    if (c < 0 || c > 9) return undefined;
    y = y * 10 + c;
  }
  let m = 0;
  let d = 0;
  const sep = buf[start + 4]!;
  if (sep === 0x2d || sep === 0x2f || sep === 0x2e) {
    // Month and day of one or two digits, each after a separator.
    let at = start + 5;
    let digits = 0;
    for (; at < end && digits < 2 && buf[at]! >= 48 && buf[at]! <= 57; digits++) m = m * 10 + buf[at++]! - 48;
    const sep2 = buf[at];
    if (digits === 0 || at >= end || (sep2 !== 0x2d && sep2 !== 0x2f && sep2 !== 0x2e)) return undefined;
    at++;
    digits = 0;
    for (; at < end && digits < 2 && buf[at]! >= 48 && buf[at]! <= 57; digits++) d = d * 10 + buf[at++]! - 48;
    if (digits === 0 || at !== end) return undefined;
  } else {
    // Eight digits.
    if (n !== 8) return undefined;
    for (let i = start + 4; i < end; i++) {
      const c = buf[i]! - 48;
      if (c < 0 || c > 9) return undefined;
      if (i < start + 6) m = m * 10 + c;
      else d = d * 10 + c;
    }
  }
  const key = y * 10_000 + m * 100 + d;
  let iso = seen.get(key);
  if (iso === undefined) {
    iso = isoDate(y, m, d);
    if (iso !== undefined && seen.size < 100_000) seen.set(key, iso);
  }
  return iso;
}

/** A whole number's decimal digits, kept up to date cheaply while it counts up by one, as line and row numbers do. */
class Decimal {
  /** The digits are bytes [start, 24) of `digits`. */
  readonly digits = Buffer.alloc(24);
  start = 24;
  private value = -2;

  set(n: number): void {
    if (n === this.value) return;
    const d = this.digits;
    if (n === this.value + 1) {
      let i = d.length - 1;
      while (i >= this.start && d[i] === 57) d[i--] = 48;
      if (i < this.start) {
        this.start = i;
        d[i] = 49;
      } else d[i]!++;
    } else {
      let i = d.length;
      let m = n;
      do {
        d[--i] = 48 + (m % 10);
        m = Math.floor(m / 10);
      } while (m > 0);
      this.start = i;
    }
    this.value = n;
  }
}

/**
 * A cell's text when it is printable ASCII and no formula (="…"): what the text path reads it as, since cellsByField
 * trims nothing else from such a cell and unwraps nothing. Undefined for anything else (the text path reads it).
 */
function asciiCell(buf: Buffer, start: number, end: number): string | undefined {
  if (end <= start || buf[start] === 0x3d) return undefined;
  for (let i = start; i < end; i++) if (buf[i]! <= 0x20 || buf[i]! >= 0x7f) return undefined;
  return buf.toString('latin1', start, end);
}

/**
 * A name (or occupation) cell the text path would take as it is: printable ASCII (not starting with a character csvCell guards
 * against, no space at either end), CJK unified ideographs (U+4E00–U+9FFF, three bytes each) and the middle dot
 * U+00B7. Such text is already NFKC, needs no trimming or cleaning, and is written unquoted.
 */
function plainText(buf: Buffer, start: number, end: number): boolean {
  if (end <= start) return false;
  const first = buf[start]!;
  if (first === 0x3d || first === 0x2b || first === 0x2d || first === 0x40 || first === 0x20 || buf[end - 1] === 0x20) return false;
  for (let i = start; i < end; ) {
    const b = buf[i]!;
    if (b < 0x80) {
      if (b < 0x20 || b === 0x7f || b === QUOTE || b === COMMA) return false; // a comma: from a quoted cell, written quoted
      i++;
      continue;
    }
    // The middle dot of transcribed names (阿依·古丽), U+00B7: NFKC leaves it as it is.
    if (b === 0xc2 && buf[i + 1] === 0xb7 && i + 1 < end) {
      i += 2;
      continue;
    }
    // E4 B8 80 (U+4E00) to E9 BF BF (U+9FFF).
    if (b < 0xe4 || b > 0xe9 || i + 2 >= end || (b === 0xe4 && buf[i + 1]! < 0xb8)) return false;
    const b1 = buf[i + 1]!;
    const b2 = buf[i + 2]!;
    if (b1 < 0x80 || b1 > 0xbf || b2 < 0x80 || b2 > 0xbf) return false;
    i += 3;
  }
  return true;
}

/**
 * Row shapes for lines read as bytes. `write` hashes a line's bytes but for its ID, name and date cells, finds the
 * template a row with those bytes had, checks the three cells are ones the text path would take unchanged, and
 * writes the template's shape for the date's band straight into the spill buffers. When it cannot, the caller
 * reads the line as text (RowShapes), and then `link`s these bytes to the template that row found or made.
 * Equal bytes are equal cells, so a template found by its bytes is the one the text path would find.
 */
export class RawShapes {
  private header: RosterHeader | undefined;
  /**
   * Per column: 1 for the ID, 2 for the name, 3 for the date, 4 for a column nobody reads (a 序号 or a phone
   * number: unique per row, and the text path drops it too), 5 for the occupation when it is a slot
   * (RowShapes.occupationSlot), 0 for a cell of the template's bytes.
   */
  private role: Uint8Array = new Uint8Array(0);
  /** The header's last column read: a line that ends before it is a short row, which the text path counts (RosterRecord.short). */
  private lastRead = -1;
  private readonly byHash = new Map<number, RawTemplate>();
  private count = 0;
  /** Template bytes, one after another, each from a multiple of 4. */
  private keys = wordBytes(256 * 1024);
  /** `keys` four bytes at a time: each template's bytes start on a multiple of 4 (see sameKey). */
  private keyWords = new Int32Array(this.keys.buffer);
  private keysUsed = 0;
  /** The other bytes of the line `write` last looked at. */
  private readonly scratch = wordBytes(4096);
  private readonly scratchWords = new Int32Array(this.scratch.buffer);
  private pending: { row: number; hash: number; length: number } | undefined;
  private readonly byteLines = new WeakMap<ShapeLine[], ByteLine[] | null>();
  private readonly isoOf = new Map<number, string>();
  private readonly idCopy = Buffer.alloc(18);
  /** The ID as a masked breakdown writes it (maskId: the first six and last four characters). */
  private readonly maskedId = Buffer.from('*'.repeat(18));
  /** The row's ISO date as bytes. */
  private readonly isoBytes = Buffer.alloc(10);
  /** Per slot, where the row's value is: bytes [from, to) of `source` (set per row, the line index per line). */
  private readonly source: Buffer[] = new Array<Buffer>(SLOTS).fill(Buffer.alloc(0));
  private readonly from = new Int32Array(SLOTS);
  private readonly to = new Int32Array(SLOTS);
  private generation = 0;
  // The line's numbers as digits, written once per value.
  private readonly index = new Decimal();
  private readonly seq = new Decimal();
  private readonly row = new Decimal();

  constructor(
    private readonly shapes: RowShapes,
    private readonly maskIds: boolean,
    private readonly partitions: number,
    private readonly records: PartitionedSpill,
    private readonly breakdown: Appender,
    /** Told each line's partition and breakdown bytes (the line map). */
    private readonly mapLine: (partition: number, bytes: number) => void,
    /** Told a rejected row's problems, as the text path finds them (see `rejectsOf`). */
    private readonly rejectRow: (rejects: readonly TemplateReject[]) => void,
    /** A ledger run: each record ends with its row's content hash, made from the line's cells. */
    private readonly hasher?: ByteRowHasher,
  ) {}

  /** Whether the ID's column comes before the date's: the text path gives a row's problems in column order. */
  private idBeforeDate = true;
  /** Per column, where the line `write` last looked at has its cell (quotes taken off); -1 past its last cell. */
  private cellStarts = new Int32Array(0);
  private cellEnds = new Int32Array(0);

  private readHeader(header: RosterHeader): void {
    this.header = header;
    this.cellStarts = new Int32Array(header.fields.length);
    this.cellEnds = new Int32Array(header.fields.length);
    this.role = new Uint8Array(header.fields.length);
    const occupation = this.shapes.occupationSlot ? 5 : 0;
    const cost = this.shapes.costSlot ? 6 : 0;
    header.fields.forEach((f, i) => (this.role[i] = f === 'person_id' ? 1 : f === 'name' ? 2 : f === 'date' ? 3 : f === '' ? 4 : f === 'occupation' ? occupation : f === 'cost' ? cost : 0));
    this.idBeforeDate = header.fields.indexOf('person_id') < header.fields.indexOf('date');
    this.lastRead = header.fields.reduce((last, f, i) => (f === '' ? last : i), -1);
  }

  /**
   * Write the line's rows by its shape, numbering them from `firstIndex`: returns how many lines, or -1 when the
   * line has none (read it as text then, and call `link`).
   */
  write(buf: Buffer, start: number, end: number, row: number, header: RosterHeader, seq: number, firstIndex: number): number {
    this.pending = undefined;
    if (this.generation !== this.shapes.generation) this.forget();
    if (header !== this.header) this.readHeader(header);
    if (end - start > this.scratch.length) return -1;
    const role = this.role;
    const scratch = this.scratch;
    const hasher = this.hasher;
    if (hasher) this.cellStarts.fill(-1);
    let h = 0x811c9dc5;
    let k = 0;
    let col = 0;
    let idStart = -1, idEnd = -1, nameStart = -1, nameEnd = -1, dateStart = -1, dateEnd = -1, occStart = -1, occEnd = -1, costStart = -1, costEnd = -1; // prettier-ignore
    // Cell by cell: a template cell's bytes (and every comma) hashed and kept in `scratch`; the ID, name, date and
    // occupation (when a slot) found; a cell nobody reads skipped. A quoted cell is taken only when it is plain (no
    // doubled quote, a comma or the end right after it): anything else is the text cutter's to judge.
    for (let i = start; ; i++) {
      // A cell past the header's: the text path rejects the row (roster.ts, tooManyCells), so no template is linked to such bytes;
      // declined here as well, so that this does not rest on it.
      if (col >= role.length) return -1;
      const mine = role[col]!;
      let cellStart = i;
      let cellEnd: number;
      if (buf[i] === QUOTE && i < end) {
        let q = i + 1;
        while (q < end && buf[q] !== QUOTE) q++;
        if (q >= end || (q + 1 < end && buf[q + 1] !== COMMA)) return -1;
        cellStart = i + 1;
        cellEnd = q;
        i = q + 1;
        if (mine === 0) {
          for (let j = cellStart - 1; j < i; j++) {
            const b = buf[j]!;
            scratch[k++] = b;
            h = Math.imul(h ^ b, 0x01000193);
          }
        }
      } else if (mine === 0) {
        for (; i < end; i++) {
          const b = buf[i]!;
          if (b === COMMA) break;
          if (b === QUOTE) return -1; // a quote inside an unquoted cell
          scratch[k++] = b;
          h = Math.imul(h ^ b, 0x01000193);
        }
        cellEnd = i;
      } else {
        while (i < end && buf[i] !== COMMA) if (buf[i++] === QUOTE) return -1;
        cellEnd = i;
      }
      if (hasher) {
        this.cellStarts[col] = cellStart;
        this.cellEnds[col] = cellEnd;
      }
      if (mine === 1) {
        idStart = cellStart;
        idEnd = cellEnd;
      } else if (mine === 2) {
        nameStart = cellStart;
        nameEnd = cellEnd;
      } else if (mine === 3) {
        dateStart = cellStart;
        dateEnd = cellEnd;
      } else if (mine === 5) {
        occStart = cellStart;
        occEnd = cellEnd;
      } else if (mine === 6) {
        costStart = cellStart;
        costEnd = cellEnd;
      }
      if (i >= end) break;
      scratch[k++] = COMMA;
      h = Math.imul(h ^ COMMA, 0x01000193);
      col++;
    }
    if (idStart < 0 || nameStart < 0 || dateStart < 0 || col < this.lastRead) return -1;
    h &= 0x3fffffff; // a small integer key (a Map hashes a larger number more slowly)
    let t = this.byHash.get(h);
    while (t && (t.keyEnd - t.keyStart !== k || !this.sameKey(t.keyStart, k))) t = t.next;
    if (!t) {
      this.pending = { row, hash: h, length: k };
      return -1;
    }
    const template = t.template;
    // Spaces around a cell, as typed into a spreadsheet, go as the text path trims them (other blanks decline below).
    while (idStart < idEnd && buf[idStart] === 0x20) idStart++;
    while (idEnd > idStart && buf[idEnd - 1] === 0x20) idEnd--;
    while (nameStart < nameEnd && buf[nameStart] === 0x20) nameStart++;
    while (nameEnd > nameStart && buf[nameEnd - 1] === 0x20) nameEnd--;
    while (dateStart < dateEnd && buf[dateStart] === 0x20) dateStart++;
    while (dateEnd > dateStart && buf[dateEnd - 1] === 0x20) dateEnd--;
    if (idEnd - idStart !== 18 || !plainText(buf, nameStart, nameEnd)) return -1;
    // The occupation, when a slot: blank (none, or spaces: quoted as empty) or text the text path takes as it is.
    while (occStart < occEnd && buf[occStart] === 0x20) occStart++;
    while (occEnd > occStart && buf[occEnd - 1] === 0x20) occEnd--;
    if (occEnd > occStart && !plainText(buf, occStart, occEnd)) return -1;
    // The cost, when a slot: none (blank), or a value read as the text path reads it; a cell it would reject is
    // the text path's (its problems are more than the template's, or the ID's and date's).
    while (costStart < costEnd && buf[costStart] === 0x20) costStart++;
    while (costEnd > costStart && buf[costEnd - 1] === 0x20) costEnd--;
    let cost: CostValue | undefined;
    if (costEnd > costStart) {
      cost = this.costOf(buf, costStart, costEnd);
      if (!cost) return -1;
    }
    // The ID as the text path writes it: a final lower-case x becomes X (from a copy: the line stays as read).
    let id = buf;
    let idAt = idStart;
    if (buf[idEnd - 1] === 0x78) {
      buf.copy(this.idCopy, 0, idStart, idEnd);
      this.idCopy[17] = 0x58;
      [id, idAt] = [this.idCopy, 0];
    }
    const idValid = validResidentIdBytes(id, idAt);
    const iso = isoDateOfCell(buf, dateStart, dateEnd, this.isoOf);
    if (template.rejected || !idValid || iso === undefined) return this.rejectsOf(template, buf, row, idValid ? -1 : idStart, idEnd, iso === undefined ? dateStart : -1, dateEnd);
    // A template a catalogue may price keeps a shape per occupation (plain text here: its bytes are its text).
    const key = template.byOccupation ? shapeKey(template, iso, occStart < occEnd ? buf.toString('utf8', occStart, occEnd) : '') : template.bandOf(iso);
    const fen = cost ? cost.fen : NO_COST;
    if (key !== t.key || !(fen >= t.costLo && fen <= t.costHi)) {
      const found = shapeEntry(template, key, fen);
      if (!found?.shape) return -1;
      t.key = key;
      t.costLo = found.lo;
      t.costHi = found.hi;
      t.lines = this.bytesOf(found.shape);
    }
    const lines = t.lines;
    if (!lines) return -1;
    // The row's content hash (a ledger run), from the cells as read: spaces and a lower-case x as the text path keeps them.
    const hash = hasher?.hash(buf, this.cellStarts, this.cellEnds, this.header!.fields);
    if (hasher && hash === undefined) return -1;
    const nameBytes = nameEnd - nameStart;
    const occBytes = occStart >= 0 ? occEnd - occStart : 0;
    const idPartition = partitionOfBytes(id, idAt, idAt + 18, this.partitions);
    // Where each slot's value is. The name goes as it is into both texts: plain text is clean and needs no quotes.
    for (let i = 0; i < 10; i++) this.isoBytes[i] = iso.charCodeAt(i);
    this.seq.set(seq);
    this.row.set(row);
    if (this.maskIds) {
      for (let i = 0; i < 6; i++) this.maskedId[i] = id[idAt + i]!;
      for (let i = 14; i < 18; i++) this.maskedId[i] = id[idAt + i]!;
    }
    this.slot(SLOT.SEQ, this.seq.digits, this.seq.start, 24);
    this.slot(SLOT.ROW, this.row.digits, this.row.start, 24);
    this.slot(SLOT.KEY, id, idAt, idAt + 18);
    this.slot(SLOT.ID, this.maskIds ? this.maskedId : id, this.maskIds ? 0 : idAt, this.maskIds ? 18 : idAt + 18);
    this.slot(SLOT.NAME, buf, nameStart, nameEnd);
    this.slot(SLOT.RECORD_NAME, buf, nameStart, nameEnd);
    this.slot(SLOT.DATE, this.isoBytes, 0, 10);
    this.slot(SLOT.YEAR, this.isoBytes, 0, 4);
    this.slot(SLOT.OCCUPATION, buf, occStart, occEnd);
    if (cost) {
      this.slot(SLOT.COST_YUAN, cost.yuan, 0, cost.yuan.length);
      this.slot(SLOT.COST_FEN, cost.fenText, 0, cost.fenText.length);
    }
    let index = firstIndex;
    for (const line of lines) {
      const p = line.partition >= 0 ? line.partition : idPartition;
      const room = line.fixed + 5 * SLOT_ROOM + nameBytes + occBytes + line.costSlots * COST_ROOM + (hash ? HASH_ROOM : 0);
      this.index.set(index++);
      this.slot(SLOT.INDEX, this.index.digits, this.index.start, 24);
      // The record.
      const rec = this.records.bufferOf(p);
      const recStart = this.records.room(p, room);
      let at = this.fill(line.record, rec, recStart);
      if (hash) {
        // After the record's last cell, before its line break (withRowHash).
        rec[at - 1] = 9;
        for (let i = 0; i < 64; i++) rec[at++] = hash.charCodeAt(i);
        rec[at++] = 10;
      }
      this.records.advance(p, at - recStart);
      // The breakdown line.
      const out = this.breakdown;
      const lineStart = out.room(room);
      const dst = out.buffer;
      at = this.fill(line.breakdown, dst, lineStart);
      dst.set(line.tail, at);
      at += line.tail.length;
      out.advance(at - lineStart);
      this.mapLine(p, at - lineStart);
    }
    return lines.length;
  }

  /**
   * A row of `template` that is a reject, written as the text path would write it: returns 0, or -1 to leave it to
   * the text path. The ID's cell is bytes [idStart, idEnd) of `buf` when it failed its check (else idStart is -1), the
   * date's [dateStart, dateEnd) when it was no date read from bytes; the name was plain text. A template whose other
   * cells are a reject gives its problems (Template.rejects) to a row with a good ID and date. A template whose other
   * cells are good gives none: the row's problems are its ID's and its date's, each read as the text path reads the
   * cell alone (parseCellMemo), when it is an asciiCell.
   */
  private rejectsOf(template: Template, buf: Buffer, row: number, idStart: number, idEnd: number, dateStart: number, dateEnd: number): number {
    if (template.rejected) {
      if (idStart >= 0 || dateStart >= 0) return -1; // a row with more problems than the template's
      this.rejectRow(template.rejects.map((x) => ({ reject: { ...x.reject, row }, jurisdiction: x.jurisdiction })));
      return 0;
    }
    const problems: TemplateReject[] = [];
    const read = (field: string, start: number, end: number): void => {
      if (start < 0) return;
      const value = asciiCell(buf, start, end);
      if (value === undefined) return;
      const p = parseCellMemo(field, value);
      if (!p.ok) problems.push({ reject: { file: this.shapes.file, row, column: field, value, code: p.code, reason: p.reason }, jurisdiction: undefined });
    };
    const cells: [string, number, number][] = [['person_id', idStart, idEnd], ['date', dateStart, dateEnd]];
    if (!this.idBeforeDate) cells.reverse();
    for (const [field, start, end] of cells) read(field, start, end);
    // Neither cell is a problem when read as text (it was only not one the bytes could be read as), or one of them
    // was no printable ASCII: the text path reads the row.
    const expected = (idStart >= 0 ? 1 : 0) + (dateStart >= 0 ? 1 : 0);
    if (problems.length !== expected) return -1;
    this.rejectRow(problems);
    return 0;
  }

  private readonly costs = new Map<string, CostValue | null>();

  /** A cost cell (bytes [start, end) of `buf`, no spaces around it) as the text path reads it, or undefined when that would reject it or it is no asciiCell. */
  private costOf(buf: Buffer, start: number, end: number): CostValue | undefined {
    const text = asciiCell(buf, start, end);
    if (text === undefined) return undefined;
    let v = this.costs.get(text);
    if (v === undefined) {
      const p = parseCellMemo('cost', text);
      v = p.ok ? { fen: p.value as number, yuan: Buffer.from(formatYuan(p.value as number), 'latin1'), fenText: Buffer.from(String(p.value), 'latin1') } : null;
      if (this.costs.size < MAX_COSTS) this.costs.set(text, v);
    }
    return v ?? undefined;
  }

  private slot(slot: number, source: Buffer, from: number, to: number): void {
    this.source[slot] = source;
    this.from[slot] = from;
    this.to[slot] = to;
  }

  /** `t` with the row's values in its slots, written into `dst` at `at`: returns the end. */
  private fill(t: ByteText, dst: Buffer, at: number): number {
    const { bytes, ends, slots, views } = t;
    const { source, from, to } = this;
    let p = 0;
    for (let i = 0; ; i++) {
      const e = ends[i]!;
      if (e - p > LOOP_BYTES) {
        dst.set(views[i]!, at);
        at += e - p;
      } else for (let j = p; j < e; j++) dst[at++] = bytes[j]!;
      p = e;
      if (i === slots.length) return at;
      const slot = slots[i]!;
      const src = source[slot]!;
      for (let j = from[slot]!, end = to[slot]!; j < end; j++) dst[at++] = src[j]!;
    }
  }

  /** The text path forgot its templates (RowShapes.reset): so do these links to them. */
  private forget(): void {
    this.byHash.clear();
    this.count = 0;
    this.keysUsed = 0;
    this.generation = this.shapes.generation;
  }

  /**
   * Whether bytes [0, n) of `scratch` are the template bytes at `at` of `keys` (a multiple of 4): compared four bytes
   * at a time, then the last few. Buffer.compare took ~90 ns a row of the bench roster, this ~40.
   */
  private sameKey(at: number, n: number): boolean {
    const words = n >>> 2;
    const mine = this.scratchWords;
    const kept = this.keyWords;
    const from = at >>> 2;
    for (let i = 0; i < words; i++) if (mine[i] !== kept[from + i]) return false;
    for (let i = words << 2; i < n; i++) if (this.scratch[i] !== this.keys[at + i]) return false;
    return true;
  }

  /** After `write` returned -1 for spreadsheet row `row`: the template the text path found or made for it. */
  link(row: number, template: Template | undefined): void {
    const p = this.pending;
    this.pending = undefined;
    if (this.generation !== this.shapes.generation) this.forget();
    if (!p || p.row !== row || !template || this.count >= MAX_TEMPLATES) return;
    const keyStart = (this.keysUsed + 3) & ~3;
    if (keyStart + p.length > this.keys.length) {
      const bigger = wordBytes(Math.max(this.keys.length * 2, keyStart + p.length));
      this.keys.copy(bigger, 0, 0, this.keysUsed);
      this.keys = bigger;
      this.keyWords = new Int32Array(bigger.buffer);
    }
    this.scratch.copy(this.keys, keyStart, 0, p.length);
    this.keysUsed = keyStart + p.length;
    this.byHash.set(p.hash, { keyStart, keyEnd: this.keysUsed, template, key: NaN, costLo: NaN, costHi: NaN, lines: null, next: this.byHash.get(p.hash) });
    this.count++;
  }

  /** A shape's lines as bytes, made once per shape; null when a line is keyed by the name (its partition hashes UTF-16). */
  private bytesOf(shape: ShapeLine[]): ByteLine[] | null {
    let lines = this.byteLines.get(shape);
    if (lines !== undefined) return lines;
    lines = [];
    for (const l of shape) {
      if (l.keyFrom.from === 'name') {
        lines = null;
        break;
      }
      const record = byteText(l.record);
      const breakdown = byteText(l.breakdown);
      if (record.slots.some((slot) => !RECORD_SLOTS.has(slot)) || breakdown.slots.some((slot) => !BREAKDOWN_SLOTS.has(slot))) throw new Error('a shape with a slot its text cannot take');
      const fixed = record.bytes.length + breakdown.bytes.length + (l.tailEnd - l.tailStart);
      if (fixed > MAX_LINE) {
        lines = null;
        break;
      }
      // A view of the tails as they are now: a later, bigger copy of them leaves these bytes as they were.
      const tail = this.shapes.tails.subarray(l.tailStart, l.tailEnd);
      const costSlots = [...record.slots, ...breakdown.slots].filter((slot) => slot === SLOT.COST_YUAN || slot === SLOT.COST_FEN).length;
      lines.push({ partition: l.keyFrom.from === 'fixed' ? partitionOf(l.keyFrom.key, this.partitions) : -1, record, breakdown, tail, fixed, costSlots });
    }
    this.byteLines.set(shape, lines);
    return lines;
  }
}
