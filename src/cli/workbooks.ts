// Workbooks given as rosters or catalogues: the sheet read from each is copied to a UTF-8 CSV in a folder removed at exit.
import { closeSync, createReadStream, createWriteStream, openSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { iconv } from '../io/commonJs.js';
import { type NoteLang, RosterError, type SheetCopies } from '../io/roster.js';
import { isWorkbookFile, sheetNotes, worksheetsOf } from '../io/workbook.js';
import { sheetToCsvApart } from '../io/sheetThread.js';
import { makeTempFolder } from '../io/tempFolders.js';
import { UsageError } from './errors.js';
import { progressBar } from './progress.js';

export interface CopyOptions {
  /** The sheet to read from each workbook (--sheet): a name or a number; the first visible one when not given. */
  sheet?: string;
  /** Every visible sheet of each workbook, each a roster of its own (--all-sheets). */
  allSheets?: boolean;
  lang: NoteLang;
  /** Show a bar while a large sheet is read. */
  progress: boolean;
  /** What each sheet read whole is taken as (allSheets): a roster (calc), or a plan (estimate --plan). */
  kind?: 'roster' | 'plan';
}

let folder: string | undefined;

/** The folder the copies go to, made once per process and removed when it exits (Ctrl+C included). */
function copiesFolder(): string {
  if (folder) return folder;
  const made = makeTempFolder('sheets');
  process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  folder = made;
  return made;
}

let copied = 0;

/** The files to read and where: a workbook's sheet from its copy, named as given (`book.xlsx`) or, each sheet of one read whole, `book.xlsx[第一批]`. */
export interface Copied {
  copies: SheetCopies;
  files: string[];
  /** The names that are a sheet of a workbook read whole (--all-sheets): a sheet that holds no roster may be left out. */
  sheetsOfBooks: Set<string>;
}

/**
 * Each of `files` that is a workbook (isWorkbookFile: .xlsx, .xls, a web page or Excel 2003 XML) read into a CSV copy (or
 * with allSheets each of its visible sheets into one), with what the run should know about it said on stderr. CSV
 * files and standard input are left as they are.
 */
export async function copyWorkbooks(files: string[], o: CopyOptions): Promise<Copied> {
  const copies = new Map<string, string>();
  const out: string[] = [];
  const sheetsOfBooks = new Set<string>();
  let workbooks = 0;
  for (const file of files) {
    const utf16 = file === '-' ? undefined : utf16Of(file);
    if (utf16) {
      if (!copies.has(file)) copies.set(file, await copyUtf16(file, utf16, o));
      out.push(file);
      continue;
    }
    if (file === '-' || !isWorkbookFile(file)) {
      out.push(file);
      continue;
    }
    workbooks++;
    if (!o.allSheets) {
      if (!copies.has(file)) copies.set(file, await copySheet(file, file, o.sheet, o));
      out.push(file);
      continue;
    }
    const sheets = worksheetsOf(file, file);
    const hidden = sheets.filter((s) => s.hidden).map((s) => s.name);
    const read = sheets.flatMap((s, i) => (s.hidden ? [] : [{ name: s.name, number: i + 1 }]));
    const zh = o.lang === 'zh';
    process.stderr.write(
      zh
        ? `${file}: 读取全部 ${read.length} 个工作表, 各作一份${o.kind === 'plan' ? '计划' : '花名册'}: ${read.map((s) => s.name).join(', ')}${hidden.length ? ` (隐藏的不读: ${hidden.join(', ')})` : ''}\n`
        : `${file}: reading its ${read.length} sheet(s), each a ${o.kind ?? 'roster'}: ${read.map((s) => s.name).join(', ')}${hidden.length ? ` (hidden, not read: ${hidden.join(', ')})` : ''}\n`,
    );
    for (const sheet of read) {
      const label = `${file}[${sheet.name}]`;
      if (!copies.has(label)) copies.set(label, await copySheet(file, label, String(sheet.number), o));
      out.push(label);
      sheetsOfBooks.add(label);
    }
  }
  if ((o.sheet !== undefined || o.allSheets) && workbooks === 0) {
    throw new UsageError(
      `${o.allSheets ? '--all-sheets reads the sheets' : '--sheet chooses a sheet'} of a workbook (.xlsx, .xls); ${files.join(', ')} ${files.length > 1 ? 'are' : 'is'} not one`,
      `${o.allSheets ? '--all-sheets 读工作簿 (.xlsx, .xls) 的全部工作表' : '--sheet 选工作簿 (.xlsx, .xls) 的一个工作表'}; ${files.join(', ')} 不是工作簿`,
    );
  }
  return { copies, files: out, sheetsOfBooks };
}

/** Whether `file` begins with a UTF-16 byte-order mark, as Excel's "Unicode text" (Unicode 文本) does: which one. */
function utf16Of(file: string): 'utf16le' | 'utf16be' | undefined {
  const head = Buffer.alloc(2);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, head, 0, 2, 0) < 2) return undefined;
  } finally {
    closeSync(fd);
  }
  return head[0] === 0xff && head[1] === 0xfe ? 'utf16le' : head[0] === 0xfe && head[1] === 0xff ? 'utf16be' : undefined;
}

/**
 * A sheet saved as "Unicode text" (UTF-16, tab-separated): its UTF-8 copy, line for line, so rows keep their numbers
 * and cells their text (a ledger's row hashes are the CSV's). The reader takes the tabs as it takes them in any file.
 */
async function copyUtf16(file: string, encoding: 'utf16le' | 'utf16be', o: CopyOptions): Promise<string> {
  const dest = join(copiesFolder(), `text-${++copied}.txt`);
  await pipeline(createReadStream(file), iconv.decodeStream(encoding, { stripBOM: true }), iconv.encodeStream('utf8'), createWriteStream(dest));
  process.stderr.write(o.lang === 'zh' ? `${file}: 读作 UTF-16 文本 (Excel 的"Unicode 文本")\n` : `${file}: read as UTF-16 text (Excel's "Unicode text")\n`);
  return dest;
}

/** One sheet of the workbook `file` to a CSV copy (on a thread of its own), its notes said under `label`: the copy's path. */
async function copySheet(file: string, label: string, sheet: string | undefined, o: CopyOptions): Promise<string> {
  const dest = join(copiesFolder(), `sheet-${++copied}.csv`);
  const bar = o.progress ? progressBar(o.lang) : undefined;
  let started = false;
  const onProgress = (rows: number, bytes: number, total: number): void => {
    if (!started) bar!.start('sheet', undefined, total);
    started = true;
    bar!.tick(rows, bytes);
  };
  const read = await sheetToCsvApart(file, label, dest, { sheet, onProgress: bar && onProgress });
  bar?.done();
  // The sheet asked for (or the first visible one) holds nothing: said so, with the sheets there are (allSheets: calc leaves it out).
  if (read.rows === 0 && !o.allSheets) {
    const others = read.sheets.length > 1 ? read.sheets.join(', ') : '';
    throw new RosterError(
      `${label}: its sheet "${read.sheet}" is empty${others && ` (its sheets: ${others}; --sheet NAME reads another)`}`,
      `${label}: 工作表"${read.sheet}"是空的${others && ` (其工作表: ${others}; 用 --sheet 名称 读另一个)`}`,
    );
  }
  // Every sheet read is named already (allSheets): "read sheet X (2 of 3)" would say less.
  const notes = sheetNotes(label, o.allSheets ? { ...read, sheets: [read.sheet] } : read, o.lang);
  for (const note of notes) process.stderr.write(`${note}\n`);
  return dest;
}
