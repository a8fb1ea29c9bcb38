// The lines of a sheet's CSV copy (a row per line, no line break inside a cell, cells quoted only when they must be), and reading a UTF-8 file in pieces or lines.
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { faultDiskFull } from './diskFull.js';
import { writeAll } from './writeAll.js';
import { headerIn } from './roster.js';

/** A cell as CSV: quoted when it holds a comma or a quote. A line break in a cell (Alt+Enter) is a space: a row stays one line. */
export function csvCell(text: string): string {
  const t = /[\r\n]/.test(text) ? text.replace(/\r\n|[\r\n]/g, ' ') : text;
  return /[",]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

/** A row's cells (as csvCell wrote them) as a line, with empty cells to `width`; a row of none stays a blank line (a blank line is no row). */
export const padded = (cells: string[], width: number): string => (cells.length ? `${cells.join(',')}${','.repeat(Math.max(0, width - cells.length))}\n` : '\n');

/** The cells of a line csvCell's cells make (its line break left off), their text as it was before csvCell. */
export function cellsOf(line: string): string[] {
  if (line === '') return [];
  const out: string[] = [];
  for (let i = 0; ; i++) {
    if (line[i] === '"') {
      let text = '';
      for (let j = i + 1; ; ) {
        const q = line.indexOf('"', j);
        if (line[q + 1] === '"') {
          text += line.slice(j, q + 1);
          j = q + 2;
          continue;
        }
        text += line.slice(j, q);
        i = q + 1;
        break;
      }
      out.push(text);
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      out.push(line.slice(i, end));
      i = end;
    }
    if (i >= line.length) return out;
  }
}

/** The column of a cell reference (B5 → 1), or -1 if it has none. */
export function columnOf(ref: string): number {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    col = col * 26 + (c - 64);
  }
  return i === 0 ? -1 : col - 1;
}

/** Buffered lines to a file. */
export class LineFile {
  private held: string[] = [];
  private heldLength = 0;
  constructor(readonly fd: number) {}
  write(text: string): void {
    this.held.push(text);
    this.heldLength += text.length;
    if (this.heldLength > 1 << 16) this.flush();
  }
  flush(): void {
    if (!this.held.length) return;
    const buf = Buffer.from(this.held.join(''), 'utf8');
    faultDiskFull('temp-disk-full'); // a sheet's copy is a temporary file
    writeAll(this.fd, buf);
    this.held = [];
    this.heldLength = 0;
  }
}

/** The header among a sheet's first rows (their cells as csvCell wrote them), found as the roster reader finds it. */
export function headerOfHead(head: string[][], label: string): ReturnType<typeof headerIn>['header'] {
  const width = Math.max(0, ...head.map((cells) => cells.length));
  return headerIn(head.map((cells) => padded(cells, width)).join(''), label).header;
}

/** A UTF-8 file's text in pieces, its BOM left off. */
export function eachText(path: string, fn: (text: string, read: number) => void): void {
  const fd = openSync(path, 'r');
  try {
    const decoder = new StringDecoder('utf8');
    const buf = Buffer.alloc(1 << 20);
    let first = true;
    let at = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, at);
      if (n === 0) break;
      at += n;
      let text = decoder.write(buf.subarray(0, n));
      if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
      fn(text, at);
    }
    const rest = decoder.end();
    if (rest) fn(rest, at);
  } finally {
    closeSync(fd);
  }
}

/** Each line of a UTF-8 file (its line break left off). */
export function eachLine(path: string, fn: (line: string) => void): void {
  let rest = '';
  eachText(path, (text) => {
    const lines = (rest + text).split('\n');
    rest = lines.pop()!;
    for (const line of lines) fn(line);
  });
  if (rest !== '') fn(rest);
}
