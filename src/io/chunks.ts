// Splitting a large roster into byte ranges that start on a record boundary, so threads can read it side by side.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { RosterHead } from './roster.js';

/** A byte range of one roster file; `firstRow` is the spreadsheet row its first record starts on. */
export interface ChunkRange {
  start: number;
  end: number;
  firstRow: number;
}

/** How every chunk of a split file is parsed: settings read once from the file's start, so no chunk guesses on its own. */
export interface SplitFormat {
  encoding: 'utf8' | 'gb18030';
  newline: '\n' | '\r\n';
}

export interface ChunkPlan {
  ranges: ChunkRange[];
  /**
   * Set when the file was split, or is one range of comma-separated UTF-8 (then read by the cutter). Otherwise a
   * single range is parsed as before, every setting guessed by the reader.
   */
  format?: SplitFormat;
}

const BLOCK = 1 << 20;
const QUOTE = 0x22;
const NL = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;

/**
 * Up to `pieces` ranges of at least `minBytes` each. A file is split only when its quoting is regular (a quote opens
 * a cell or closes it before , CR or LF, or is doubled inside one), it is comma-separated with LF or CRLF lines and
 * its encoding is settled: then each range ends just after a line break outside quotes, and the rows are numbered
 * exactly as one reader would number them. Anything else is read whole, as before.
 * UTF-8 and GB18030 never use the bytes of " or LF inside a multi-byte character, so byte-level scanning is safe.
 */
export function planChunks(
  path: string,
  pieces: number,
  minBytes: number,
  head: Pick<RosterHead, 'encoding' | 'delimiter' | 'linebreak'>,
  /** Each range of this GB18030 file is read from a UTF-8 copy of it (ChunkJob.transcode): one range is then cut by hand too. */
  copiedAsUtf8 = false,
): ChunkPlan {
  const size = statSync(path).size;
  const whole: ChunkPlan = { ranges: [{ start: 0, end: size, firstRow: 1 }] };
  const want = Math.min(pieces, Math.floor(size / minBytes));
  const format = splitFormat(head);
  if (!format) return whole;
  // One range of a regular UTF-8 file is cut by hand too (roster.ts), which hands any irregular record to the general reader.
  if (want < 2) return format.encoding === 'utf8' || copiedAsUtf8 ? { ...whole, format } : whole;
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(BLOCK);
    const firstBytes = readSync(fd, buf, 0, BLOCK, 0);
    const targets = Array.from({ length: want - 1 }, (_, k) => Math.floor(((k + 1) * size) / want));
    const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    const cuts: { at: number; row: number }[] = [];
    let inQuote = false;
    let quoteAtEnd = false; // a quote inside a quoted cell was the last byte of the previous block
    let prev = NL; // the byte before the block (start of file counts as a line start)
    let newlines = 0;
    for (let base = 0; base < size; base += BLOCK) {
      const len = base === 0 ? firstBytes : readSync(fd, buf, 0, BLOCK, base);
      let i = base === 0 ? bom : 0;
      if (quoteAtEnd) {
        quoteAtEnd = false;
        if (buf[0] === QUOTE) i = 1;
        else if (buf[0] === COMMA || buf[0] === CR || buf[0] === NL) inQuote = false;
        else return whole;
      }
      while (i < len) {
        const q = buf.indexOf(QUOTE, i);
        const stop = q < 0 || q >= len ? len : q;
        if (!inQuote) {
          // Line breaks up to the next quote are record ends: count them, and cut at the first past each target.
          for (let n = buf.indexOf(NL, i); n >= 0 && n < stop; n = buf.indexOf(NL, n + 1)) {
            newlines++;
            const at = base + n + 1;
            if (cuts.length < targets.length && at >= targets[cuts.length]! && at < size) cuts.push({ at, row: newlines + 1 });
          }
          if (stop === len) break;
          const before = q > 0 && !(base === 0 && q === bom) ? buf[q - 1] : prev;
          if (before !== COMMA && before !== NL) return whole;
          inQuote = true;
          i = q + 1;
        } else {
          // Inside quotes a line break belongs to the cell, but it still moves the row number on.
          for (let n = buf.indexOf(NL, i); n >= 0 && n < stop; n = buf.indexOf(NL, n + 1)) newlines++;
          if (stop === len) break;
          if (q + 1 >= len) {
            quoteAtEnd = true;
            break;
          }
          const next = buf[q + 1];
          if (next === QUOTE) i = q + 2;
          else if (next === COMMA || next === CR || next === NL) {
            inQuote = false;
            i = q + 1;
          } else return whole;
        }
      }
      prev = buf[len - 1]!;
      if (cuts.length === targets.length && !inQuote) break;
    }
    if (inQuote && !quoteAtEnd) return whole;
    if (cuts.length === 0) return whole;
    const starts = [{ at: 0, row: 1 }, ...cuts];
    return {
      format,
      ranges: starts.map((s, k) => ({ start: s.at, end: k + 1 < starts.length ? starts[k + 1]!.at : size, firstRow: s.row })),
    };
  } finally {
    closeSync(fd);
  }
}

/** The settings every range is read with, from what the reader settled on in the file's first block; undefined if not splittable. */
function splitFormat(head: Pick<RosterHead, 'encoding' | 'delimiter' | 'linebreak'>): SplitFormat | undefined {
  if (head.delimiter !== ',' || (head.linebreak !== '\n' && head.linebreak !== '\r\n')) return undefined;
  return { encoding: head.encoding, newline: head.linebreak };
}
