// A sheet's 合计/小计 rows checked against the rows above them: a total that disagrees says rows were left out or changed since the sheet was totalled.
import { FIELD_BY_NAME } from './fields.js';
import { parseCell } from './intake.js';
import { formatYuanGrouped } from './money.js';

/** A roster row as the sheet checks need it (TotalsCheck, MergedCellsHint), in file order. */
export interface SheetRow {
  row: number;
  /** Cells by field (a totals row's own figures included). */
  cells: ReadonlyMap<string, string>;
  /** A row the CSV reader could not cut into cells: its figures are not known. */
  unreadable?: boolean;
  /**
   * 'sub' for 小计 (its section: the rows since the last totals row), 'grand' for 合计/总计/共计/Total (the rows since
   * the last grand total). Either agrees too when it gives the sum of every row of the sheet (a 总计 under a 合计).
   */
  totals?: 'sub' | 'grand';
  /** The header again (rosters put together): what follows is another sheet. */
  headerAgain?: boolean;
  /** A form's sign-off under its rows (制表人：…): no figures of the sheet's, and the end of any merged block. */
  footer?: boolean;
}

/** The figures summed: whole numbers and money (in fen), the kinds a sheet's SUM adds up. */
const summed = (field: string): 'int' | 'money' | undefined => {
  const kind = FIELD_BY_NAME.get(field)?.kind;
  return kind === 'int' || kind === 'money' ? kind : undefined;
};

interface Sums {
  from: number;
  total: Map<string, number>;
  /** Cells that are not a number, per field: not in the sum. */
  unread: Map<string, number>;
  /** Rows that could not be cut into cells. */
  unreadable: number;
}

const fresh = (from: number): Sums => ({ from, total: new Map(), unread: new Map(), unreadable: 0 });

/**
 * Feeds on a file's rows in order and says, for each totals row that states a figure in a column it sums, whether
 * the rows above it add up to it. Only figures the totals row gives are compared; a blank cell of a row counts 0.
 */
export class TotalsCheck {
  private section: Sums = fresh(0);
  private grand: Sums = fresh(0);
  private all: Sums = fresh(0);
  private readonly disagree: string[] = [];
  private disagreeing = 0;
  private readonly agreed = new Set<string>();
  private agreeing = 0;

  /** `label` names a field as the sheet's header does ("费用" for cost); `lang`, the notes' language. */
  constructor(
    private readonly file: string,
    private readonly label: (field: string) => string,
    private readonly lang: 'en' | 'zh' = 'en',
  ) {}

  add(r: SheetRow): void {
    if (r.headerAgain) {
      this.section = fresh(r.row + 1);
      this.grand = fresh(r.row + 1);
      this.all = fresh(r.row + 1);
      return;
    }
    if (r.totals) return this.check(r);
    if (r.footer) return;
    const sums = [this.section, this.grand, this.all];
    if (r.unreadable) {
      for (const s of sums) s.unreadable++;
      return;
    }
    for (const [field, text] of r.cells) {
      const kind = summed(field);
      if (!kind) continue;
      const parsed = parseCell(FIELD_BY_NAME.get(field)!, text);
      for (const s of sums) {
        if (parsed.ok) s.total.set(field, (s.total.get(field) ?? 0) + (parsed.value as number));
        else s.unread.set(field, (s.unread.get(field) ?? 0) + 1);
      }
    }
  }

  private check(r: SheetRow): void {
    const sums = r.totals === 'sub' ? this.section : this.grand;
    const zh = this.lang === 'zh';
    const word = r.totals === 'sub' ? '小计' : '合计';
    const rows = zh
      ? !sums.from ? '其上各行' : sums.from >= r.row ? '上一个合计之后的行(没有)' : `第 ${sums.from}${sums.from === r.row - 1 ? '' : `–${r.row - 1}`} 行`
      : !sums.from ? 'the rows above it' : sums.from >= r.row ? 'no rows since the last total' : sums.from === r.row - 1 ? `row ${sums.from}` : `rows ${sums.from}–${r.row - 1}`;
    const problems: string[] = [];
    const fine: string[] = [];
    for (const [field, text] of r.cells) {
      const kind = summed(field);
      if (!kind) continue;
      const stated = parseCell(FIELD_BY_NAME.get(field)!, text);
      if (!stated.ok) continue; // "12人" in a column of days, or a note: no figure to compare
      const want = stated.value as number;
      const got = sums.total.get(field) ?? 0;
      const show = (n: number): string => (kind === 'money' ? formatYuanGrouped(n) : String(n));
      if (want === got || want === (this.all.total.get(field) ?? 0)) {
        fine.push(field);
        continue;
      }
      const unread = sums.unread.get(field) ?? 0;
      const diff = show(Math.abs(want - got));
      if (zh) {
        const left = unread ? `, 其中 ${unread} 格不是数字, 未计入` : '';
        problems.push(`${this.label(field)} 写的是 ${show(want)}, ${rows}合计为 ${show(got)} (${want > got ? '少' : '多'} ${diff}${left})`);
      } else {
        const left = unread ? `, ${unread} cell(s) of it not a number and left out` : '';
        problems.push(`${this.label(field)} says ${show(want)}, ${rows} sum to ${show(got)} (${diff} ${want > got ? 'less' : 'more'}${left})`);
      }
    }
    if (r.totals === 'sub') this.section = fresh(r.row + 1);
    else {
      this.grand = fresh(r.row + 1);
      this.section = fresh(r.row + 1);
    }
    if (problems.length) {
      if (this.disagreeing++ >= 10) return;
      if (zh) {
        const cut = sums.unreadable ? `; 其中 ${sums.unreadable} 行完全无法读取` : '';
        this.disagree.push(`${this.file} 第 ${r.row} 行(${word}): ${problems.join('; ')}${cut}: 表格合计之后有行被删去、增加或改动?`);
      } else {
        const cut = sums.unreadable ? `; ${sums.unreadable} row(s) among them could not be read at all` : '';
        this.disagree.push(`${this.file} row ${r.row} (${word}): ${problems.join('; ')}${cut}: rows left out, added or changed since the sheet was totalled?`);
      }
    } else if (fine.length) {
      this.agreeing++;
      for (const f of fine) this.agreed.add(this.label(f));
    }
  }

  /** What the run says: each disagreeing totals row (the first ten), and how many agreed, on which columns. */
  notes(): string[] {
    const zh = this.lang === 'zh';
    const notes = [...this.disagree];
    const more = this.disagreeing - this.disagree.length;
    if (more > 0) notes.push(zh ? `${this.file}: … 另有 ${more} 个合计行不符` : `${this.file}: … ${more} more totals row(s) disagree`);
    const columns = [...this.agreed].join(', ');
    if (this.agreeing) notes.push(zh ? `${this.file}: ${this.agreeing} 个合计行与其上各行相符 (${columns})` : `${this.file}: ${this.agreeing} totals row(s) agree with the rows above them (${columns})`);
    return notes;
  }
}
