// Workbooks given as rosters or catalogues: the sheet read from each is copied to a UTF-8 CSV in a folder removed at exit.
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NoteLang, SheetCopies } from '../io/roster.js';
import { looksLikeZip, sheetNotes } from '../io/workbook.js';
import { sheetToCsvApart } from '../io/sheetThread.js';
import { UsageError } from './errors.js';
import { progressBar } from './progress.js';

export interface CopyOptions {
  /** The sheet to read from each workbook (--sheet): a name or a number; the first visible one when not given. */
  sheet?: string;
  lang: NoteLang;
  /** Show a bar while a large sheet is read. */
  progress: boolean;
}

let folder: string | undefined;

/** The folder the copies go to, made once per process and removed when it exits (Ctrl+C included). */
function copiesFolder(): string {
  if (folder) return folder;
  const made = mkdtempSync(join(tmpdir(), 'subsidy-sheets-'));
  process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  folder = made;
  return made;
}

/** The first bytes of a file, or none when it cannot be read (the reader says why later). */
function firstBytes(file: string): Buffer {
  try {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(4);
      return buf.subarray(0, readSync(fd, buf, 0, 4, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return Buffer.alloc(0);
  }
}

let copied = 0;

/**
 * Each of `files` that is a workbook (a zip file: .xlsx, .xlsm, as Excel and WPS save them) read into a CSV copy,
 * with what the run should know about it said on stderr. CSV files and standard input are left as they are.
 */
export async function copyWorkbooks(files: string[], o: CopyOptions): Promise<SheetCopies> {
  const copies = new Map<string, string>();
  for (const file of files) {
    if (file === '-' || copies.has(file) || !looksLikeZip(firstBytes(file))) continue;
    const dest = join(copiesFolder(), `sheet-${++copied}.csv`);
    const bar = o.progress ? progressBar() : undefined;
    let started = false;
    const onProgress = (rows: number, bytes: number, total: number): void => {
      if (!started) bar!.start('sheet', undefined, total);
      started = true;
      bar!.tick(rows, bytes);
    };
    const read = await sheetToCsvApart(file, file, dest, { sheet: o.sheet, onProgress: bar && onProgress });
    bar?.done();
    for (const note of sheetNotes(file, read, o.lang)) process.stderr.write(`${note}\n`);
    copies.set(file, dest);
  }
  if (o.sheet !== undefined && copies.size === 0) throw new UsageError(`--sheet chooses a sheet of a workbook (.xlsx); ${files.join(', ')} ${files.length > 1 ? 'are' : 'is'} not one`);
  return copies;
}
