// Merged cells below a workbook sheet's header: text read into every row the cell covers, a number refused in all of them.
import { closeSync, openSync, renameSync } from 'node:fs';
import { FIELD_BY_NAME } from '../engine/fields.js';
import { type NoteLang, RosterError } from './roster.js';
import { LineFile, cellsOf, columnOf, csvCell, eachLine, headerOfHead } from './sheetLines.js';

/** Merged ranges by reference and column (C3:C11 (补贴项目)): how many, and the first few. */
export interface MergeList {
  count: number;
  first: string[];
}

export interface MergesRead {
  /** Text (a programme, a date, a name …) read into every row the cell covers, as the sheet shows it. */
  filled: MergeList;
  /** A number (a cost, days) over several rows: each row's or the block's is not said; every row of it is refused. */
  numbers: MergeList;
}

/** A merged cell over rows of one column, below the header. */
interface Merge {
  col: number;
  top: number;
  bottom: number;
  /** C3:C11 (补贴项目) */
  name: string;
  number: boolean;
}

const FIRST_SHOWN = 5;

/**
 * What the sheet's merged ranges mean for its rows: those over several rows of one column below the header, in a
 * column read. The header is found in the sheet's first rows (`head`, as written) as the roster reader finds it; a
 * merge in the header itself (a group's heading over its columns, 姓名 over both rows of a two-row header) is the
 * reader's to take, as it is in a CSV.
 */
export function mergesBelowHeader(refs: string[], head: string[][], label: string): Merge[] {
  if (!refs.length) return [];
  let header;
  try {
    header = headerOfHead(head, label);
  } catch (e) {
    if (e instanceof RosterError) return []; // a header the reader refuses: it says why when it reads the copy
    throw e;
  }
  if (!header) return [];
  const titles = new Set(header.titles.map((t) => t.row));
  const first = head.findIndex((cells, i) => cells.some((c) => c !== '') && !titles.has(i + 1)) + 1;
  const last = header.secondRow ?? first;
  const out: Merge[] = [];
  for (const ref of refs) {
    const m = /^([A-Z]+)(\d+):([A-Z]+)(\d+)$/.exec(ref);
    if (!m || m[1] !== m[3]) continue; // across columns: a heading's cell, or nothing a row is read from
    const [col, top, bottom] = [columnOf(m[1]!), Number(m[2]), Number(m[4])];
    const field = header.fields[col];
    if (bottom <= top || top <= last || !field) continue;
    const kind = FIELD_BY_NAME.get(field)?.kind;
    out.push({ col, top, bottom, name: `${ref} (${header.labels[col] || field})`, number: kind === 'int' || kind === 'money' });
  }
  return out;
}

/**
 * Rewrite the copy `dest` with `merges` applied: a text cell's value in every row it covers; a number's cells, the
 * first row's included, given `2800 (合并单元格 F3:F11)`, which no number column takes, so that those rows are
 * rejected showing the figure rather than one paid a block's figure and the rest paid at the cap.
 */
export function applyMerges(dest: string, merges: Merge[]): MergesRead {
  const read: MergesRead = { filled: { count: 0, first: [] }, numbers: { count: 0, first: [] } };
  if (!merges.length) return read;
  const byRow = new Map<number, Merge[]>();
  for (const m of merges) for (let r = m.top; r <= m.bottom; r++) byRow.set(r, [...(byRow.get(r) ?? []), m]);
  const values = new Map<Merge, string>();
  const tmp = `${dest}.merged`;
  const fd = openSync(tmp, 'w');
  const out = new LineFile(fd);
  try {
    let row = 0;
    eachLine(dest, (line) => {
      row++;
      const here = byRow.get(row);
      if (!here) return out.write(`${line}\n`);
      const cells = cellsOf(line);
      for (const m of here) {
        if (row === m.top) {
          const value = cells[m.col] ?? '';
          values.set(m, value);
          if (value !== '') {
            const list = m.number ? read.numbers : read.filled;
            if (list.count++ < FIRST_SHOWN) list.first.push(m.name);
          }
        }
        const value = values.get(m) ?? '';
        if (value === '') continue;
        while (cells.length <= m.col) cells.push('');
        cells[m.col] = m.number ? `${value} (合并单元格 ${m.name.split(' ')[0]})` : value;
      }
      out.write(`${cells.map(csvCell).join(',')}\n`);
    });
    out.flush();
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, dest);
  return read;
}

/** What the run says of the merged cells it read. */
export function mergeNotes(label: string, read: MergesRead, lang: NoteLang = 'en'): string[] {
  const zh = lang === 'zh';
  const list = (l: MergeList): string => `${l.first.join(', ')}${l.count > l.first.length ? (zh ? ' 等' : ' …') : ''}`;
  const notes: string[] = [];
  const { filled, numbers } = read;
  if (filled.count) {
    notes.push(zh ? `${label}: ${filled.count} 个合并单元格按表格显示读入其覆盖的每一行: ${list(filled)}` : `${label}: ${filled.count} merged cell(s) read into every row they cover, as the sheet shows them: ${list(filled)}`);
  }
  if (numbers.count) {
    notes.push(
      zh
        ? `${label}: ${numbers.count} 个合并单元格是数值 (${list(numbers)}): 无法判断是每一行的数还是整块的合计, 这些行均被拒绝; 请取消合并并为每一行填写各自的数`
        : `${label}: ${numbers.count} merged cell(s) hold a number (${list(numbers)}): whether it is each row's or the block's is not said, so every row it covers is rejected; unmerge it and give each row its own figure`,
    );
  }
  return notes;
}
