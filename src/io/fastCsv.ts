// The hot path of a split roster (UTF-8, commas, regular quotes): records cut from decoded blocks by hand, without a stream or the general reader (textCsv.ts).
import { closeSync, openSync, readSync } from 'node:fs';
import { swallowsRows } from './textCsv.js';

/** A record as the reader cut it: its cells for the columns asked for, and the line breaks inside quoted cells. */
export interface CutRecord {
  /** Cell text per column (undefined past the record's last cell); only columns `wanted` marks, or all when it is undefined. */
  cells: (string | undefined)[];
  /** How many cells the record has. */
  count: number;
  /** Line breaks inside its quoted cells: the spreadsheet row of the next record is this many further on. */
  newlines: number;
  /** The record as it stands is `text` [from, to) (its line break left out): for the rejects, when it cannot be read. */
  text: string;
  from: number;
  to: number;
}

/** Where the fast reader stopped: from this byte (a record start) the caller reads on with the general reader. */
export interface Handover {
  byte: number;
  /** Lines consumed before it (blank lines and line breaks inside quoted cells included), so the caller can keep numbering rows. */
  lines: number;
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
const INCOMPLETE = -1;
const IRREGULAR = -2;
const BLOCK = 64 * 1024;

/**
 * Cuts records from bytes [start, end) of a UTF-8 file whose lines end in `newline`, a block at a time.
 * `block` calls `onRecord` for each record of the next block (a blank line included, as one empty cell) and
 * says whether more follow. It hands over at the first record this reader does not take on: a quote that
 * does not open or close a cell, a lone LF in a CRLF file, a CR between a closing quote and the LF in an LF
 * file, an unclosed quote at the end, a quoted cell that takes in rows (swallowsRows). The general reader
 * (roster.ts, textCsv.ts) reads those its own way, and the caller lets it, from there.
 * A block is cut up to its last LF, so no character is cut; 64 KB blocks keep the text young. Lines are decoded
 * one at a time (or not at all, see `block`); from a quoted cell that spans lines, the rest of the block at once.
 */
export class RecordCutter {
  private readonly fd: number;
  private readonly crlf: boolean;
  private buf = Buffer.allocUnsafe(BLOCK);
  private held = 0; // bytes at buf's start not yet cut into records (the tail of the last block)
  private at: number; // next byte to read
  private textByte: number; // file offset of buf[0]
  private lines = 0;
  private readonly record: CutRecord = { cells: [], count: 0, newlines: 0, text: '', from: 0, to: 0 };
  constructor(
    path: string,
    private readonly range: { start: number; end: number },
    newline: '\n' | '\r\n',
  ) {
    this.fd = openSync(path, 'r');
    this.crlf = newline === '\r\n';
    this.at = range.start;
    this.textByte = range.start;
  }

  /** Bytes of the range cut into records so far. */
  get consumed(): number {
    return this.textByte - this.range.start;
  }

  /**
   * Records of the next block to `onRecord` (its cells are reused: copy what you keep). With `plain`, each line is
   * first offered to it as bytes [start, end) of `buf` (its line break left out): when it takes the line (a whole
   * record, which it must judge), the line is not decoded or cut here at all.
   */
  block(wanted: boolean[] | undefined, onRecord: (r: CutRecord) => void, plain?: (buf: Buffer, start: number, end: number) => boolean): 'more' | 'done' | Handover {
    for (;;) {
      if (this.held === this.buf.length) {
        const bigger = Buffer.allocUnsafe(this.buf.length * 2);
        this.buf.copy(bigger, 0, 0, this.held);
        this.buf = bigger;
      }
      const buf = this.buf;
      const n = this.at < this.range.end ? readSync(this.fd, buf, this.held, Math.min(buf.length - this.held, this.range.end - this.at), this.at) : 0;
      this.at += n;
      const avail = this.held + n;
      const eof = n === 0;
      if (avail === 0) return 'done';
      // Cut up to the last LF (or everything at the end of the range).
      let cut = eof ? avail : buf.lastIndexOf(LF, avail - 1) + 1;
      if (cut === 0) {
        this.held = avail;
        continue;
      }
      let at = this.textByte === 0 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0; // the BOM
      // Line by line while each line is a whole record: offered as bytes first, else decoded alone and cut.
      while (at < cut) {
        let lf = buf.indexOf(LF, at);
        if (lf >= cut) lf = -1;
        const next = lf < 0 ? cut : lf + 1;
        let end = lf < 0 ? cut : lf;
        if (this.crlf && lf >= 0) {
          if (end === at || buf[end - 1] !== CR) break; // a lone LF: the text cutter hands it over
          end--;
        }
        if (plain?.(buf, at, end)) {
          this.lines++;
          at = next;
          continue;
        }
        // A record on one line; a quoted cell that runs on (or irregular quoting) is cut from here on as text.
        nextQuote = -1;
        const text = buf.toString('utf8', at, next);
        if (cutRecord(text, 0, this.crlf, eof, wanted, this.record) !== text.length) break;
        this.lines += 1 + this.record.newlines;
        onRecord(this.record);
        at = next;
      }
      if (at < cut) {
        const text = buf.toString('utf8', at, cut);
        nextQuote = -1;
        let i = 0;
        while (i < text.length) {
          const next = cutRecord(text, i, this.crlf, eof, wanted, this.record);
          if (next === IRREGULAR || (next === INCOMPLETE && eof)) {
            return { byte: this.textByte + at + Buffer.byteLength(text.slice(0, i), 'utf8'), lines: this.lines };
          }
          if (next === INCOMPLETE) {
            // A quoted cell runs past this block: keep the record's bytes for the next one.
            cut = at + Buffer.byteLength(text.slice(0, i), 'utf8');
            break;
          }
          this.lines += 1 + this.record.newlines;
          onRecord(this.record);
          i = next;
        }
      }
      buf.copy(buf, 0, cut, avail);
      this.held = avail - cut;
      this.textByte += cut;
      if (eof && this.held === 0) return 'done';
      return 'more';
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * One record from `text` at `i` into `out`: returns the index after its line break, INCOMPLETE when the text
 * ends inside it (only possible within a quoted cell, or at the end), or IRREGULAR.
 */
function cutRecord(text: string, i: number, crlf: boolean, eof: boolean, wanted: boolean[] | undefined, out: CutRecord): number {
  const cells = out.cells;
  cells.length = 0;
  out.newlines = 0;
  out.text = text;
  out.from = i;
  let col = 0;
  let lineEnd = text.indexOf('\n', i);
  // The next quote in the text is looked for again only once passed: most rosters have none, and a search
  // per record ran to the end of the block every time.
  if (nextQuote < i) nextQuote = quoteFrom(text, i);
  let quote = nextQuote;
  for (;;) {
    if (text.charCodeAt(i) === QUOTE) {
      // A quoted cell: up to a quote that is not doubled.
      let j = i + 1;
      let doubled = false;
      let q: number;
      for (;;) {
        q = text.indexOf('"', j);
        // A quoted cell that takes in rows is a quote not closed: the general reader gives its line back alone.
        if (q < 0) return swallowsRows(text, i + 1, text.length, COMMA, LF, wanted?.length) ? IRREGULAR : INCOMPLETE;
        if (text.charCodeAt(q + 1) !== QUOTE) break;
        doubled = true;
        j = q + 2;
      }
      if (q + 1 >= text.length && !eof) return INCOMPLETE;
      let value = text.slice(i + 1, q);
      if (doubled) value = value.replace(/""/g, '"');
      const before = out.newlines;
      for (let k = value.indexOf('\n'); k >= 0; k = value.indexOf('\n', k + 1)) out.newlines++;
      if (out.newlines > before && swallowsRows(text, i + 1, q, COMMA, LF, wanted?.length)) return IRREGULAR;
      if (!wanted || wanted[col]) cells[col] = value;
      col++;
      out.to = q + 1;
      if (q + 1 >= text.length) {
        out.count = col; // the range ends with this quoted cell
        return q + 1;
      }
      const after = text.charCodeAt(q + 1);
      if (after === COMMA) {
        i = q + 2;
      } else if (!crlf && after === LF) {
        out.count = col;
        return q + 2;
      } else if (crlf && after === CR && text.charCodeAt(q + 2) === LF) {
        out.count = col;
        return q + 3;
      } else if (crlf && after === CR && q + 2 >= text.length) {
        return eof ? IRREGULAR : INCOMPLETE;
      } else return IRREGULAR;
      lineEnd = text.indexOf('\n', i);
      quote = nextQuote = quoteFrom(text, i);
      continue;
    }
    // An unquoted cell: up to the next comma or the line's end.
    const end = lineEnd < 0 ? text.length : lineEnd;
    // Cells are short: a scan here is quicker than a call to indexOf per cell.
    let comma = i;
    while (comma < end && text.charCodeAt(comma) !== COMMA) comma++;
    if (quote < comma) return IRREGULAR; // a quote inside an unquoted cell
    if (comma < end) {
      if (!wanted || wanted[col]) cells[col] = text.slice(i, comma);
      col++;
      i = comma + 1;
      continue;
    }
    // The last cell.
    let stop = end;
    if (crlf && lineEnd >= 0) {
      if (text.charCodeAt(end - 1) !== CR || end - 1 < i) return IRREGULAR; // a lone LF
      stop = end - 1;
    }
    if (lineEnd < 0 && !eof) return INCOMPLETE;
    if (!wanted || wanted[col]) cells[col] = text.slice(i, stop);
    col++;
    out.count = col;
    out.to = stop > i && text.charCodeAt(stop - 1) === CR ? stop - 1 : stop; // a CR before the LF, as the general reader leaves it out
    return lineEnd < 0 ? text.length : lineEnd + 1;
  }
}

let nextQuote = -1;
const quoteFrom = (text: string, i: number): number => {
  const q = text.indexOf('"', i);
  return q < 0 ? text.length : q;
};
