// CSV records from decoded text, any delimiter: the general reader (roster.ts), where a broken quote costs its own line, not the rows after it.

/** A record cut from the text; or, with `broken`, a line that could not be cut, kept whole in `raw`. */
export interface TextRecord {
  cells: string[];
  /** Lines of the file it took: 1 + the line breaks inside its quoted cells. */
  lines: number;
  broken?: BrokenQuote;
  /** The line(s) as they stand: for a broken line, and for a record with more cells than `columns` (rejected too). */
  raw?: string;
}

/**
 * What is wrong with a line that starts a broken record, read from the line alone (so every reader, whole or in
 * ranges, says the same): a quote that closes its cell with text after it (`"红星"培训学校`), or a quote that opens a
 * cell the line does not close (`"红星培训学校,…`). `cell` counts from 1.
 */
export interface BrokenQuote {
  kind: 'closed_early' | 'not_closed';
  cell: number;
}

/**
 * A quoted cell may hold line breaks (a note typed with Alt+Enter), but not rows: a cell that would take in a
 * whole line with at least as many delimiters as a row has (columns − 1), or more than this many lines, is a
 * quote whose close is missing, and every row it took in would be lost inside it. Such a record is broken.
 */
export const MAX_CELL_LINES = 100;

const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const INCOMPLETE = -1;
const BROKEN = -2;

/**
 * Whether the quoted cell text[from, to) takes in rows (MAX_CELL_LINES): `brk` is the line break's last character
 * (LF; CR in a file of bare CRs). The hand cutter (fastCsv.ts) asks the same of its cells, so both read alike.
 */
export function swallowsRows(text: string, from: number, to: number, delimiter: number, brk: number, columns: number | undefined): boolean {
  // A sheet of three columns or fewer (a catalogue) is not judged by its rows' commas: a note could hold as many.
  const wanted = columns !== undefined && columns >= 4 ? columns - 1 : Infinity;
  const b = String.fromCharCode(brk);
  let breaks = 0;
  let prev = -1;
  for (let n = text.indexOf(b, from); n >= 0 && n < to; n = text.indexOf(b, n + 1)) {
    if (++breaks >= MAX_CELL_LINES) return true; // one line more than MAX_CELL_LINES
    if (prev >= 0 && wanted !== Infinity) {
      let count = 0;
      for (let k = prev + 1; k < n; k++) if (text.charCodeAt(k) === delimiter && ++count >= wanted) return true;
    }
    prev = n;
  }
  return false;
}

/**
 * Cuts records from text given piece by piece. Quoting is RFC 4180's (a cell that starts with a quote runs to a
 * quote not doubled; spaces may follow it), a quote inside an unquoted cell is text, and a line ends at LF or
 * CRLF (at a bare CR only in a file whose lines end so). A record whose quotes are broken (a quote closing its
 * cell before the cell ends, a quote never closed, a quoted cell that takes in rows) is given back as its first
 * line alone (`broken`, `raw`), and reading goes on at the next line: one bad cell loses one row to the rejects,
 * where before it took every row up to the next quote, or to the end of the file, into itself.
 */
export class TextRecords {
  private text = '';
  private at = 0;
  private readonly delim: number;
  private readonly brk: number;
  private readonly brkChar: string;
  constructor(
    delimiter: string,
    private readonly crLines: boolean,
    /** The header's cell count once it is known: rows have one delimiter fewer. */
    private readonly columns: () => number | undefined,
  ) {
    this.delim = delimiter.charCodeAt(0);
    this.brk = crLines ? CR : LF;
    this.brkChar = crLines ? '\r' : '\n';
  }

  /** The records `piece` completes. */
  push(piece: string): TextRecord[] {
    this.text = this.at < this.text.length ? this.text.slice(this.at) + piece : piece;
    this.at = 0;
    return this.cut(false);
  }

  /** The records left at the end of the text. */
  end(): TextRecord[] {
    const out = this.cut(true);
    this.text = '';
    this.at = 0;
    return out;
  }

  private cut(eof: boolean): TextRecord[] {
    const out: TextRecord[] = [];
    while (this.at < this.text.length) {
      const rec: TextRecord = { cells: [], lines: 1 };
      let next = this.record(this.at, eof, rec);
      if (next === BROKEN) next = this.brokenLine(this.at, eof, rec);
      if (next === INCOMPLETE) break;
      out.push(rec);
      this.at = next;
    }
    return out;
  }

  /** The record at `start` into `rec`: the index after its line break, INCOMPLETE (more text needed) or BROKEN. */
  private record(start: number, eof: boolean, rec: TextRecord): number {
    const { text, delim, brk } = this;
    const cells = rec.cells;
    let i = start;
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        let j = i + 1;
        let q: number;
        let doubled = false;
        for (;;) {
          q = text.indexOf('"', j);
          if (q < 0 || text.charCodeAt(q + 1) !== QUOTE) break;
          doubled = true;
          j = q + 2;
        }
        if (q < 0) {
          // The cell runs past the text so far: broken once it has taken in rows, else wait (or, at the end, never closed).
          if (swallowsRows(text, i + 1, text.length, delim, brk, this.columns())) return BROKEN;
          return eof ? BROKEN : INCOMPLETE;
        }
        if (q + 1 >= text.length && !eof) return INCOMPLETE; // the next character may double the quote
        if (swallowsRows(text, i + 1, q, delim, brk, this.columns())) return BROKEN;
        let value = text.slice(i + 1, q);
        if (doubled) value = value.replace(/""/g, '"');
        for (let k = value.indexOf(this.brkChar); k >= 0; k = value.indexOf(this.brkChar, k + 1)) rec.lines++;
        cells.push(value);
        let k = q + 1;
        while (text.charCodeAt(k) === SPACE || text.charCodeAt(k) === TAB) k++;
        if (k >= text.length) {
          if (!eof) return INCOMPLETE;
          return this.done(start, k, k, rec);
        }
        const c = text.charCodeAt(k);
        if (c === delim) {
          i = k + 1;
          continue;
        }
        if (c === LF) return this.done(start, k, k + 1, rec);
        if (c === CR) {
          if (text.charCodeAt(k + 1) === LF) return this.done(start, k, k + 2, rec);
          if (k + 1 >= text.length && !eof) return INCOMPLETE;
          if (this.crLines) return this.done(start, k, k + 1, rec);
        }
        return BROKEN; // text after the closing quote
      }
      // An unquoted cell: up to the next delimiter or line break (a quote in it is text; a bare CR too, but in a file of bare CRs).
      let k = i;
      for (; k < text.length; k++) {
        const c = text.charCodeAt(k);
        if (c === delim || c === LF || (c === CR && this.crLines)) break;
      }
      if (k >= text.length) {
        if (!eof) return INCOMPLETE;
        cells.push(text.slice(i, k));
        return this.done(start, k, k, rec);
      }
      const c = text.charCodeAt(k);
      if (c === delim) {
        cells.push(text.slice(i, k));
        i = k + 1;
        continue;
      }
      if (c === LF) {
        const end = k > i && text.charCodeAt(k - 1) === CR ? k - 1 : k; // CRLF, or LF alone (a row another tool added)
        cells.push(text.slice(i, end));
        return this.done(start, end, k + 1, rec);
      }
      // A bare CR ending a line of a file of bare CRs (or CRLF there too).
      if (k + 1 >= text.length && !eof) return INCOMPLETE;
      cells.push(text.slice(i, k));
      return this.done(start, k, text.charCodeAt(k + 1) === LF ? k + 2 : k + 1, rec);
    }
  }

  /** A record ends at `lineEnd` (its break left out): one with more cells than the header keeps its text for the rejects. */
  private done(start: number, lineEnd: number, next: number, rec: TextRecord): number {
    const columns = this.columns();
    if (columns !== undefined && rec.cells.length > columns) rec.raw = this.text.slice(start, lineEnd);
    return next;
  }

  /** A broken record given back as its first line: the index after that line's break, or INCOMPLETE. */
  private brokenLine(start: number, eof: boolean, rec: TextRecord): number {
    const { text } = this;
    let k = text.indexOf(this.brkChar, start);
    if (k < 0) {
      if (!eof) return INCOMPLETE;
      k = text.length;
    }
    const end = k > start && text.charCodeAt(k - 1) === CR ? k - 1 : k;
    const raw = text.slice(start, end);
    rec.cells = [];
    rec.lines = 1;
    rec.raw = raw;
    rec.broken = brokenQuoteIn(raw, this.delim);
    return k + 1;
  }
}

/** The first broken quote of a line read alone (BrokenQuote); undefined if there is none. */
export function brokenQuoteIn(line: string, delimiter: number): BrokenQuote | undefined {
  let i = 0;
  for (let cell = 1; ; cell++) {
    if (line.charCodeAt(i) === QUOTE) {
      let q = line.indexOf('"', i + 1);
      while (q >= 0 && line.charCodeAt(q + 1) === QUOTE) q = line.indexOf('"', q + 2);
      if (q < 0) return { kind: 'not_closed', cell };
      let k = q + 1;
      while (line.charCodeAt(k) === SPACE || line.charCodeAt(k) === TAB) k++;
      if (k >= line.length) return undefined;
      if (line.charCodeAt(k) !== delimiter) return { kind: 'closed_early', cell };
      i = k + 1;
      continue;
    }
    const d = line.indexOf(String.fromCharCode(delimiter), i);
    if (d < 0) return undefined;
    i = d + 1;
  }
}
