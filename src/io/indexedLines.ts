// Lines tagged with a line index (a limits thread's ledger events and person rows), merged back from every partition into input order.
import { readSync } from 'node:fs';
import type { OverrideSpan } from './partitionPass.js';

/** The lines of one partition (bytes [start, end) of a thread's file), one text line at a time. */
export class IndexedLineReader {
  private buf: Buffer;
  private from = 0;
  private held = 0;
  private at: number;
  /** The current line's index (the merge's order): the number before its first tab. */
  index = -1;
  /** The current line is bytes [lineStart, lineEnd) of `bytes` (without its line break); its text after the index from `textStart`. */
  lineStart = 0;
  textStart = 0;
  lineEnd = 0;
  constructor(
    private readonly fd: number,
    private readonly span: OverrideSpan,
    /** What the lines are, for an error. */
    private readonly what: string,
    /** Bytes read at a time (a longer line gets a larger buffer). */
    block = 64 * 1024,
  ) {
    this.buf = Buffer.allocUnsafe(block);
    this.at = span.start;
  }

  next(): boolean {
    let nl = this.buf.indexOf(10, this.from);
    if (nl < 0 || nl >= this.held) {
      // Keep the unfinished line and read more after it.
      const kept = this.held - this.from;
      if (kept * 2 > this.buf.length) {
        const bigger = Buffer.allocUnsafe(this.buf.length * 2);
        this.buf.copy(bigger, 0, this.from, this.held);
        this.buf = bigger;
      } else this.buf.copy(this.buf, 0, this.from, this.held);
      this.from = 0;
      this.held = kept;
      while (this.at < this.span.end && this.held < this.buf.length) {
        const n = readSync(this.fd, this.buf, this.held, Math.min(this.buf.length - this.held, this.span.end - this.at), this.at);
        if (n === 0) throw new Error(`${this.what} ended early`);
        this.held += n;
        this.at += n;
      }
      nl = this.buf.indexOf(10, 0);
      if (nl < 0 || nl >= this.held) {
        if (this.held > 0) throw new Error(`${this.what} ended inside a line`);
        this.index = -1;
        return false;
      }
    }
    // The index's digits, read in place.
    let at = this.from;
    let index = 0;
    for (let c = this.buf[at]!; c >= 48 && c <= 57; c = this.buf[++at]!) index = index * 10 + (c - 48);
    if (this.buf[at] !== 9 || at === this.from) throw new Error(`${this.what}: a line without its index`);
    this.index = index;
    this.lineStart = this.from;
    this.textStart = at + 1;
    this.lineEnd = nl;
    this.from = nl + 1;
    return true;
  }

  /** The bytes the offsets point into (until the next `next`). */
  get bytes(): Buffer {
    return this.buf;
  }

  /** The current line as text, its index included. */
  get line(): string {
    return this.buf.toString('utf8', this.lineStart, this.lineEnd);
  }
}

/** Readers by their current index, smallest first (a binary heap). */
class ByIndex {
  private readonly heap: IndexedLineReader[] = [];
  get size(): number {
    return this.heap.length;
  }
  push(r: IndexedLineReader): void {
    const h = this.heap;
    h.push(r);
    for (let i = h.length - 1; i > 0; ) {
      const up = (i - 1) >> 1;
      if (h[up]!.index <= h[i]!.index) break;
      [h[up], h[i]] = [h[i]!, h[up]!];
      i = up;
    }
  }
  /** The reader with the smallest index, taken out. */
  pop(): IndexedLineReader {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.index < h[m]!.index) m = l;
        if (r < h.length && h[r]!.index < h[m]!.index) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}

/** Every line of the spans (each in index order) in index order, as its reader. `fds` by thread (the caller's to close); `block`: see IndexedLineReader. */
export function* linesByIndex(fds: ReadonlyMap<number, number>, spans: readonly OverrideSpan[], what: string, block?: number): Generator<IndexedLineReader> {
  const queue = new ByIndex();
  for (const s of spans) {
    if (s.end === s.start) continue;
    const reader = new IndexedLineReader(fds.get(s.thread)!, s, what, block);
    if (reader.next()) queue.push(reader);
  }
  while (queue.size) {
    const reader = queue.pop();
    yield reader;
    if (reader.next()) queue.push(reader);
  }
}
