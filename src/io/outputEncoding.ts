// CSV outputs for systems that read only the Chinese Windows code page: the UTF-8 files rewritten as GB18030, each whole.
import { closeSync, openSync, readSync } from 'node:fs';
import { iconv } from './commonJs.js';
import { openAtomic } from './atomic.js';

/**
 * How CSV outputs are encoded: UTF-8 with a BOM (Excel and WPS open it anywhere), or GB18030 without one. GB18030
 * is GBK for every character GBK has, so an import that expects GBK (Excel without a BOM on Chinese Windows, an
 * older finance system) reads it; a character GBK lacks (a rare name character) is kept in its four-byte form, never
 * turned into "?".
 */
export type OutputEncoding = 'utf8' | 'gb18030';

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Runs of non-ASCII characters remembered per file, at most (names repeat little; citations and occupations much). */
const SEEN_MOST = 50_000;

/**
 * Rewrite each UTF-8 CSV `file` (its BOM dropped) in `encoding`, atomically (temp file and rename: a file is always
 * whole, in one encoding or the other), streamed in blocks: a breakdown of millions of lines is never held. ASCII,
 * most of an output, is the same bytes in GB18030 and is copied; only the runs of other characters are encoded
 * (the encoder took ~20 s a GB character by character).
 */
export function reencodeOutputs(files: readonly string[], encoding: OutputEncoding): void {
  if (encoding === 'utf8') return;
  const block = Buffer.allocUnsafe(1 << 20);
  const pending = Buffer.allocUnsafe(1 << 20);
  for (const file of files) {
    const out = openAtomic(file);
    const fd = openSync(file, 'r');
    // Runs alternate a few times a line: gathered into blocks, not written one by one.
    let used = 0;
    const put = (bytes: Buffer, from = 0, to = bytes.length): void => {
      if (used + (to - from) > pending.length) {
        out.writeBytes(pending.subarray(0, used));
        used = 0;
        if (to - from > pending.length) return out.writeBytes(bytes.subarray(from, to));
      }
      used += bytes.copy(pending, used, from, to);
    };
    try {
      const encoder = iconv.getEncoder(encoding);
      // The same runs come back line after line (a citation, an occupation, a payee): each encoded once.
      const seen = new Map<string, Buffer>();
      let kept = 0; // bytes at the start of `block` carried over: a character the last block cut
      let first = true;
      for (;;) {
        const n = readSync(fd, block, kept, block.length - kept, null);
        const end = kept + n;
        let at = 0;
        if (first && end >= 3 && UTF8_BOM.every((b, i) => block[i] === b)) at = 3;
        first = false;
        while (at < end) {
          let stop = at;
          while (stop < end && block[stop]! < 0x80) stop++;
          if (stop > at) put(block, at, stop);
          at = stop;
          while (stop < end && block[stop]! >= 0x80) stop++;
          // A character the block cuts is carried to the next (at most three bytes); at the end of the file none is left.
          if (stop === end && n > 0) stop = charBoundary(block, at, end);
          if (stop === at) break; // only the cut character is left
          const text = block.toString('utf8', at, stop);
          let bytes = seen.get(text);
          if (!bytes) {
            bytes = encoder.write(text);
            if (seen.size < SEEN_MOST) seen.set(text, bytes);
          }
          put(bytes);
          at = stop;
        }
        if (n === 0) break;
        kept = end - at;
        block.copy(block, 0, at, end);
      }
      const tail = encoder.end();
      if (tail?.length) put(tail);
      out.writeBytes(pending.subarray(0, used));
      out.commit();
    } catch (e) {
      out.abort();
      throw e;
    } finally {
      closeSync(fd);
    }
  }
}

/** Where the last whole UTF-8 character of bytes [from, end) ends: `end`, or the start of a character cut off there. */
function charBoundary(bytes: Buffer, from: number, end: number): number {
  let lead = end - 1;
  while (lead > from && (bytes[lead]! & 0xc0) === 0x80) lead--;
  if (lead < from || bytes[lead]! < 0x80) return end;
  const b = bytes[lead]!;
  const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
  return lead + length <= end ? end : lead;
}
