// Rows with no programme or date under a row that has one: the mark a merged cell leaves in a sheet saved as CSV.
import type { SheetRow } from './totalsCheck.js';

/** How many runs of such rows a note names. */
const RUNS_SHOWN = 5;

interface Blanks {
  /** A row above gave the field, and every row since (if any) left it blank. */
  open: boolean;
  /** The last row counted left it blank too (the run goes on), and that run is among `runs` (`recording`). */
  inRun: boolean;
  recording: boolean;
  count: number;
  runs: [number, number][];
  /** Runs not among `runs`. */
  more: number;
}

/**
 * A sheet whose 补贴项目 (or 日期) cell is merged over a block of rows keeps the value in the block's first row only:
 * the others are rejected for want of it, and which rows a merged cell meant is not in the file, so they are not
 * filled down. Fed a file's rows in order, this counts the rows that leave `fields` blank right under a row that
 * gives it (through other such rows), and names their runs, so the clerk sees why at once.
 */
export class MergedCellsHint {
  private readonly blanks = new Map<string, Blanks>();

  constructor(
    private readonly file: string,
    fields: readonly string[],
    private readonly label: (field: string) => string,
    private readonly lang: 'en' | 'zh' = 'en',
  ) {
    for (const f of fields) this.blanks.set(f, { open: false, inRun: false, recording: false, count: 0, runs: [], more: 0 });
  }

  add(r: SheetRow): void {
    if (r.totals || r.headerAgain || r.footer) {
      // A block ends at a totals row or the form's sign-off, and a new sheet starts under the header again.
      for (const b of this.blanks.values()) b.open = b.inRun = false;
      return;
    }
    if (r.unreadable || r.cells.size === 0) return; // a row not cut into cells, or an empty one: neither opens nor closes a block
    for (const [field, b] of this.blanks) {
      if (r.cells.has(field)) {
        b.open = true;
        b.inRun = false;
        continue;
      }
      if (!b.open) continue;
      b.count++;
      if (b.inRun) {
        if (b.recording) b.runs.at(-1)![1] = r.row;
        continue;
      }
      b.inRun = true;
      b.recording = b.runs.length < RUNS_SHOWN;
      if (b.recording) b.runs.push([r.row, r.row]);
      else b.more++;
    }
  }

  notes(): string[] {
    const notes: string[] = [];
    for (const [field, b] of this.blanks) {
      if (!b.count) continue;
      if (this.lang === 'zh') {
        const runs = b.runs.map(([a, z]) => (a === z ? `第 ${a} 行` : `第 ${a}–${z} 行`)).join(', ') + (b.more ? ', …' : '');
        notes.push(`${this.file}: ${b.count} 行没有${this.label(field)}, 而其上一行有 (${runs}): 表格中该单元格跨行合并了吗? 合并单元格只保存在块的第一行: 请取消合并并向下填充, 再另存为 CSV`);
        continue;
      }
      const runs = b.runs.map(([a, z]) => (a === z ? `row ${a}` : `rows ${a}–${z}`)).join(', ') + (b.more ? ', …' : '');
      notes.push(
        `${this.file}: ${b.count} row(s) with no ${this.label(field)} under a row that has one (${runs}): a cell merged over a block of rows in the sheet? ` +
          'It is saved in the block\'s first row only: unmerge it and fill the value down, then save as CSV again',
      );
    }
    return notes;
  }
}
