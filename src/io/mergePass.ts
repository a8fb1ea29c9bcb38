// Pass C of a large run: the spilled breakdown copied out in input order, lines a limit changed rewritten on the way; person rows merged.
import { closeSync, openSync } from 'node:fs';
import type { AtomicFile } from './atomic.js';
import { CHUNK_STRIDE, LineMapReader, breakdownPart, lineMapPart } from './chunkPass.js';
import { patchBreakdownRecord } from './csvOut.js';
import { linesByIndex } from './indexedLines.js';
import { PartReader } from './spillParts.js';
import { OverrideReader, type OverrideSpan, overrideFile, personsFile } from './partitionPass.js';

const BLOCK = 4 << 20;
/** Up to this many bytes are copied by a loop rather than by Buffer.copy (see ByteSink.bytes). */
const SHORT_COPY = 64;

/** Where merged bytes go: an output (AtomicFile), or one handed to this thread (continueAtomic). */
interface ByteOutput {
  writeBytes(bytes: Uint8Array): void;
}

/** Output bytes gathered into large writes: copied spans and rewritten cells alike. */
class ByteSink {
  private buf = Buffer.alloc(BLOCK);
  private used = 0;
  constructor(private readonly out: ByteOutput) {}
  bytes(src: Buffer, from: number, to: number): void {
    if (this.used + (to - from) > this.buf.length) this.flush();
    if (to - from > this.buf.length) this.out.writeBytes(src.subarray(from, to));
    else if (to - from <= SHORT_COPY) {
      // A few bytes (a patched line's cells, a person's row) by a loop: Buffer.copy makes a view of the source per call.
      const buf = this.buf;
      let at = this.used;
      for (let i = from; i < to; i++) buf[at++] = src[i]!;
      this.used = at;
    } else this.used += src.copy(this.buf, this.used, from, to);
  }
  flush(): void {
    if (this.used) this.out.writeBytes(this.buf.subarray(0, this.used));
    this.used = 0;
  }
}

/**
 * Copy every chunk's breakdown to `out`. Limit decisions come from each partition's span of overrides (in the
 * file of the limits thread that decided it), in line order; the chunk's line map says which partition a
 * line's person is in and how long the line is.
 */
export function mergeBreakdown(
  work: string,
  chunks: { chunk: number; breakdownParts: number }[],
  spans: OverrideSpan[],
  out: AtomicFile,
  /** Remove each part of the spill once copied (not when the copy may be made again: a ledger transaction retried). */
  removeCopied: boolean,
  tick?: (lines: number) => void,
): void {
  const threads = new Set(spans.map((s) => s.thread));
  const fds = new Map([...threads].map((t) => [t, openSync(overrideFile(work, t), 'r')]));
  // Up to 256 partitions' overrides are read side by side: small blocks each (256 × 32 KB). Each reader holds
  // its partition's next override.
  const heads = spans.map((s) => new OverrideReader(fds.get(s.thread)!, 32 * 1024, { start: s.start, end: s.end }));
  for (const head of heads) head.next();
  const sink = new ByteSink(out);
  let buf = Buffer.alloc(BLOCK);
  const entry = { partition: 0, bytes: 0 };
  let written = 0;
  try {
    for (const { chunk, breakdownParts } of chunks) {
      const text = new PartReader(breakdownPart(work, chunk), breakdownParts, removeCopied);
      const lines = new LineMapReader(openSync(lineMapPart(work, chunk), 'r'));
      let carry = 0; // bytes of unfinished lines kept at the start of buf
      let pending = lines.next(entry);
      let local = 0;
      for (;;) {
        const n = text.read(buf, carry, buf.length - carry);
        const avail = carry + n;
        let copied = 0; // buf[0, copied) is out
        let at = 0; // start of the current line in buf
        while (pending && at + entry.bytes <= avail) {
          const head = heads[entry.partition]!;
          if (head.index === chunk * CHUNK_STRIDE + local) {
            // The unchanged lines before it go out with its first cells.
            patchBreakdownRecord(buf, at, at + entry.bytes, head, sink, copied);
            head.next();
            copied = at + entry.bytes;
          }
          at += entry.bytes;
          local++;
          if (++written % 65536 === 0) tick?.(written);
          pending = lines.next(entry);
        }
        sink.bytes(buf, copied, at);
        if (!pending) break;
        if (n === 0) throw new Error(`spilled breakdown ${chunk} ended early`);
        // Keep the unfinished line; a line longer than the block gets a bigger one.
        carry = avail - at;
        if (entry.bytes > buf.length) {
          const bigger = Buffer.alloc(entry.bytes * 2);
          buf.copy(bigger, 0, at, avail);
          buf = bigger;
        } else buf.copy(buf, 0, at, avail);
      }
      lines.close();
      text.close();
    }
    sink.flush();
  } finally {
    for (const fd of fds.values()) closeSync(fd);
  }
}

/**
 * Copy every partition's person rows to `out` in the order of each person's first line (a row per person and
 * jurisdiction: see personRows). `spans`: where each partition's rows are, in its limits thread's persons file.
 */
export function mergePersons(work: string, spans: OverrideSpan[], out: ByteOutput): void {
  const fds = new Map([...new Set(spans.map((s) => s.thread))].map((t) => [t, openSync(personsFile(work, t), 'r')]));
  const sink = new ByteSink(out);
  try {
    // 16 KB a partition, not 64: this runs beside the breakdown's merge, whose readers are held too (1M rows: a
    // partition's person rows are ~140 KB; ~18 MB more peak RSS with 64 KB readers, ~6 MB with these).
    for (const r of linesByIndex(fds, spans, 'person rows', 16 * 1024)) {
      // The row's CRLF: the line ends at its LF.
      sink.bytes(r.bytes, r.textStart, r.lineEnd + 1);
    }
    sink.flush();
  } finally {
    for (const fd of fds.values()) closeSync(fd);
  }
}
