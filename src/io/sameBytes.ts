// Files given twice under other names: pairs of files whose bytes are the same (a roster copied, or resent as it was).
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** Whether the files `a` and `b` (of the same size) hold the same bytes, read a block at a time. */
function sameBytes(a: string, b: string): boolean {
  const [fa, fb] = [openSync(a, 'r'), openSync(b, 'r')];
  try {
    const [x, y] = [Buffer.allocUnsafe(1 << 16), Buffer.allocUnsafe(1 << 16)];
    for (let at = 0; ; ) {
      const n = readSync(fa, x, 0, x.length, at);
      const m = readSync(fb, y, 0, y.length, at);
      if (n !== m) return false;
      if (n === 0) return true;
      if (x.compare(y, 0, m, 0, n) !== 0) return false;
      at += n;
    }
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}

/** Each file of `files` whose bytes an earlier one's are, with that earlier one. Files of another size are never read. */
export function sameBytesPairs(files: readonly string[]): [earlier: string, later: string][] {
  const pairs: [string, string][] = [];
  const sizes = files.map((f) => statSync(f).size);
  files.forEach((f, i) => {
    for (let j = 0; j < i; j++) {
      if (sizes[j] === sizes[i] && sameBytes(files[j]!, f)) {
        pairs.push([files[j]!, f]);
        return;
      }
    }
  });
  return pairs;
}
