// Row shapes: a row's lines formatted once and remembered by its other cells, the date's band, and slots for ID, name, date (and occupation, cost).
import { type BatchOptions, costOnlyInAmounts, evaluateRow, occupationOnlyQuoted, occupationPriced } from '../engine/batch.js';
import { type CostSpans, newCostSpans } from '../engine/evaluate.js';
import { formatYuan } from '../engine/money.js';
import { dateBands } from '../engine/dateBands.js';
import { flatCopy, parseCellMemo, type Reject } from '../engine/intake.js';
import { rejectJurisdiction } from '../engine/rejectCounts.js';
import { clean, partitionOf, toRecord, toShapedRecord } from '../engine/partition.js';
import type { Line } from '../engine/types.js';
import type { Table } from '../tables/schema.js';
import { breakdownRow, csvCell, type Lang, maskId } from './csvOut.js';

/**
 * Slots: where a shaped text takes a row's own values. Control characters no table text has; a row whose other
 * cells have one is simply not shaped (its texts would hold a slot too many, see `compile`).
 */
const INDEX = 0;
const SEQ = 1;
const ROW = 2;
const ID = 3;
const NAME = 4;
const KEY = 5;
const DATE = 6;
const YEAR = 7;
const OCCUPATION = 8;
/** The name as a record keeps it (clean: no tab or line break), where the breakdown's NAME is the CSV cell. */
const RECORD_NAME = 9;
/** The claimed cost in yuan as the texts write it (formatYuan), and in fen as a record's amount (see `costSlot`). */
const COST_YUAN = 10;
const COST_FEN = 11;
export const SLOT = { INDEX, SEQ, ROW, ID, NAME, KEY, DATE, YEAR, OCCUPATION, RECORD_NAME, COST_YUAN, COST_FEN } as const;
/** How each slot is written (not a tab or a line break: records are cut at those). */
const SLOT_CHARS = ['\u0001', '\u0002', '\u0003', '\u0004', '\u0005', '\u0006', '\u0007', '\u0008', '\u000e', '\u000f', '\u0012', '\u0013'];
/** The cost's slots' characters (see `compile`). */
const COST_CHARS = new RegExp(`[${SLOT_CHARS[COST_YUAN]}${SLOT_CHARS[COST_FEN]}]`, 'g');
/** Any slot's character. */
const SLOT_PATTERN = new RegExp(`[${SLOT_CHARS.join('')}]`, 'g');
/** Per character code below 32: the slot it writes, or -1. */
const SLOT_OF = new Int8Array(32).fill(-1);
SLOT_CHARS.forEach((c, slot) => (SLOT_OF[c.charCodeAt(0)] = slot));

/** A text with slots: pieces[0] + value of slots[0] + pieces[1] + … */
export interface Shaped {
  pieces: string[];
  slots: number[];
}

/** A text's pieces and slots: each slot but the cost's just once, `expected` of them (the cost's any number of times). */
function compile(text: string, expected: number): Shaped | undefined {
  const pieces: string[] = [];
  const slots: number[] = [];
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const slot = code < 32 ? SLOT_OF[code]! : -1;
    if (slot < 0) continue;
    pieces.push(text.slice(from, i));
    slots.push(slot);
    from = i + 1;
  }
  pieces.push(text.slice(from));
  const own = slots.filter((slot) => slot !== COST_YUAN && slot !== COST_FEN);
  return own.length === expected && new Set(own).size === expected ? { pieces, slots } : undefined;
}

/** Whether a text has a slot for the cost in fen (a record whose amount is the cost). */
const hasCostFen = (t: Shaped): boolean => t.slots.includes(COST_FEN);

function fill(t: Shaped, values: (string | number)[]): string {
  let s = t.pieces[0]!;
  for (let i = 0; i < t.slots.length; i++) s += values[t.slots[i]!]! + t.pieces[i + 1]!;
  return s;
}

/** Whose limits a shaped line counts against: the row's resident ID, its name (a unit named only so), or a fixed key. */
export type KeyFrom = { from: 'id' } | { from: 'name' } | { from: 'fixed'; key: string };

export interface ShapeLine {
  keyFrom: KeyFrom;
  record: Shaped;
  /** The breakdown text up to its last slot; what follows is the same for every row and kept as bytes in `tails`. */
  breakdown: Shaped;
  tailStart: number;
  tailEnd: number;
}

/** A problem a template's other cells give every row of it, and the jurisdiction it is counted under (rejectJurisdiction). */
export interface TemplateReject {
  reject: Reject;
  jurisdiction: string | undefined;
}

/**
 * A template: rows with the same cells but ID, name, date and occupation (`fields`/`values`, in column order), and
 * their shapes by `shapeKey`: most templates meet one, kept in place (`key`, `shape`); others in `moreShapes`. A
 * shape null: not shaped. `rejected`: the other cells already make the row a reject, for the problems in `rejects`
 * (those of the row the template was made from, whose ID, name, date and occupation were read without one: a row
 * of it whose own are as good has these problems and no other, as intakeRow finds each cell's alone).
 */
export interface Template {
  fields: string[];
  values: string[];
  rejected: boolean;
  rejects: readonly TemplateReject[];
  bandOf: (date: string) => number;
  /** A catalogue may price these rows (occupationPriced): their shapes are per occupation, which is no slot in them. */
  byOccupation: boolean;
  key: ShapeKey;
  shape: ShapeLine[] | null | undefined;
  moreShapes: Map<ShapeKey, ShapeLine[] | null> | undefined;
  /** When costs are a slot (RowShapes.costSlot), its shapes by shape key are here instead, per span of costs. */
  byCost: Map<ShapeKey, CostShapes> | undefined;
  /** The next template whose cells hash the same. */
  next: Template | undefined;
}

/**
 * A template's shapes for one shape key when costs are a slot: for rows with no cost (`none`), and per span of
 * costs in fen (CostSpan: the amounts work them out alike), a shape or null (not shaped). `bound`: the lines depend
 * on the cost in a way that holds for that cost alone (a cost less a deduction): rows with a cost are evaluated.
 */
export interface CostShapes {
  none: ShapeLine[] | null | undefined;
  spans: { lo: number; hi: number; shape: ShapeLine[] | null }[];
  bound: boolean;
}

/** A row's cost for `shapeEntry`: fen, or NO_COST for a row that claims none. */
export const NO_COST = -1;

/** A valid resident ID and a name no roster has: evaluated beside a real row, they show what its lines take from ID and name. */
const PROBE_ID = '110101190001010006';
const PROBE_NAME = '\u0010probe';
/** And an occupation no roster has, when occupations are slots (see `RowShapes.occupationSlot`). */
const PROBE_OCCUPATION = '\u0011probe';

/** How many templates and shapes a chunk remembers: each holds its cells or its lines' texts (~1 KB); common ones come first. */
const MAX_SHAPES = 4096;
/** How many first sightings a chunk remembers (a number each). */
const MAX_SEEN_ONCE = 1 << 16;

/** Where a template keeps a row's shape: the date's band, and for a template priced by occupation the occupation too. */
export type ShapeKey = number | string;

export function shapeKey(t: Template, date: string, occupation: string): ShapeKey {
  const band = t.bandOf(date);
  return t.byOccupation ? `${band}\u0000${occupation}` : band;
}

/**
 * The shape of a row of template `t` with shape key `key` and cost `cost` (fen, or NO_COST), and the costs it holds
 * for, both ends in (rawShapes.ts keeps it for the next row while the cost is in them): every cost for a template
 * whose costs are no slot, NO_COST alone for a row that claims none. Shape null: not shaped; undefined (or no entry):
 * not known yet.
 */
export function shapeEntry(t: Template, key: ShapeKey, cost: number): { lo: number; hi: number; shape: ShapeLine[] | null | undefined } | undefined {
  if (!t.byCost) return { lo: -Infinity, hi: Infinity, shape: t.key === key ? t.shape : t.moreShapes?.get(key) };
  const c = t.byCost.get(key);
  if (!c) return undefined;
  if (cost === NO_COST) return { lo: NO_COST, hi: NO_COST, shape: c.none };
  if (c.bound) return { lo: 0, hi: Infinity, shape: null };
  return c.spans.find((s) => cost >= s.lo && cost <= s.hi);
}

/** The shape of a row (see shapeEntry): null, not shaped; undefined, not known yet. */
const shapeFor = (t: Template, key: ShapeKey, cost: number): ShapeLine[] | null | undefined => shapeEntry(t, key, cost)?.shape;

/** Band functions per table, made once (dateBands walks the whole table). */
const bandsOfTable = new WeakMap<Table, (date: string) => number>();

/**
 * Shapes of one chunk's rows (one roster file, one language). `write` emits a row by its shape when one is known;
 * otherwise the caller evaluates the row as usual and hands the result to `learn`, which makes a shape of it when
 * the row's lines depend on its ID, name and date only through their own cells and the date's band. That is
 * checked, not assumed: the row is evaluated a second time with another ID and name, and both must give the same
 * texts but for those slots; and no text may quote the date (a period reason does), since the band would not hold it.
 */
export class RowShapes {
  /** Templates by a hash of their cells (FNV-1a): found without building a key string per row. */
  private readonly byHash = new Map<number, Template>();
  private count = 0;
  /** Hashes of the cells of rows that had no template yet (see `learn`). */
  private readonly seenOnce = new Set<number>();
  // The row `write` is looking at: its other cells, their hash, and its ID, name and date cells.
  private readonly fields: string[] = [];
  private readonly cellValues: string[] = [];
  private others = 0;
  private hash = 0;
  private idCell: string | undefined;
  private nameCell: string | undefined;
  private dateCell: string | undefined;
  private occupationCell: string | undefined;
  private costCell: string | undefined;
  // What `write` found out about the row it could not shape, for `learn`.
  private pending: { template: Template | undefined; hash: number; id: string; name: string; date: string; occupation: string; cost: number } | undefined;
  private readonly values: (string | number)[] = new Array(SLOT_CHARS.length);
  /** The template of the row `write` (or `learn`) last looked at, if it has one: for rawShapes.ts to find it by bytes. */
  current: Template | undefined;
  /** Rows `write` found no template for while the room was full (see `reset`). */
  cappedMisses = 0;
  /** How many times everything was forgotten: rawShapes.ts forgets its links to templates when this changes. */
  generation = 0;
  /**
   * Whether the occupation is left out of a template's cells: when nothing in the run reads it but to quote it
   * (occupationOnlyQuoted). Then it is a slot of the shapes (a blank one quoted as empty), but for a template a
   * catalogue may price (`byOccupation`), which keeps a shape per occupation. Occupations are free text: a template
   * per occupation made most combinations rare.
   */
  readonly occupationSlot: boolean;
  /**
   * Whether the claimed cost is left out of a template's cells: when only the amounts read it (costOnlyInAmounts).
   * A template's shapes are then kept per span of costs that its amounts work out alike (CostSpan), with the cost
   * as a slot: in yuan in the texts, in fen as a record's amount where the amount is the cost. Most combinations
   * of cells that differ from row to row differ by the cost alone (bench roster: ~12.8k of 500k rows, ~1k without).
   */
  readonly costSlot: boolean;
  /**
   * The breakdown tails of every shape as UTF-8, one after another: written by copying bytes (most of a line,
   * its texts in Chinese, encoded once), and held off the heap, whose share per thread is small.
   */
  tails = Buffer.allocUnsafe(1 << 20);
  private tailsUsed = 0;

  constructor(
    readonly file: string,
    private readonly fileIndex: number,
    private readonly lang: Lang,
    private readonly maskIds: boolean,
    private readonly options: BatchOptions,
    private readonly emit: (partition: number, record: string, breakdown: string, tail: Buffer, tailStart: number, tailEnd: number) => void,
    private readonly partitions: number,
    /**
     * Keeps a shape line's full record (its slots written as 0: a line's own cells, never read from there) and says
     * its number, or undefined when it keeps no more: the line's rows then get shaped records (toShapedRecord) rather
     * than full ones. None: full records only.
     */
    private readonly numberShape?: (record: string) => number | undefined,
  ) {
    this.occupationSlot = occupationOnlyQuoted(options);
    this.costSlot = costOnlyInAmounts(options);
  }

  private readonly visit = (value: string, field: string): void => {
    if (field === 'person_id') this.idCell = value;
    else if (field === 'name') this.nameCell = value;
    else if (field === 'date') this.dateCell = value;
    else if (field === 'occupation' && this.occupationSlot) this.occupationCell = value;
    else if (field === 'cost' && this.costSlot) this.costCell = value;
    else {
      let h = Math.imul(this.hash ^ (field.length * 31 + field.charCodeAt(0)), 0x01000193);
      for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
      this.hash = h;
      this.fields[this.others] = field;
      this.cellValues[this.others++] = value;
    }
  };

  private find(): Template | undefined {
    const n = this.others;
    for (let t = this.byHash.get(this.hash); t; t = t.next) {
      if (t.fields.length !== n) continue;
      let i = 0;
      while (i < n && t.fields[i] === this.fields[i] && t.values[i] === this.cellValues[i]) i++;
      if (i === n) return t;
    }
    return undefined;
  }

  /**
   * Emit the row's lines by its shape, numbering them from `firstIndex`: returns how many, or -1 when the row has
   * no shape (then evaluate it and call `learn`).
   */
  write(row: number, seq: number, cells: ReadonlyMap<string, string>, firstIndex: number): number {
    this.pending = undefined;
    this.current = undefined;
    this.idCell = this.nameCell = this.dateCell = this.occupationCell = this.costCell = undefined;
    this.others = 0;
    this.hash = 0x811c9dc5;
    cells.forEach(this.visit);
    if (this.idCell === undefined || this.nameCell === undefined || this.dateCell === undefined) return -1;
    const template = this.find();
    this.current = template;
    // Rows of a rejected template, and new combinations once the room is full, take the general path as they are.
    if (template?.rejected) return -1;
    if (!template && this.count >= MAX_SHAPES) {
      this.cappedMisses++;
      return -1;
    }
    const id = parseCellMemo('person_id', this.idCell);
    const name = parseCellMemo('name', this.nameCell);
    const date = parseCellMemo('date', this.dateCell);
    if (!id.ok || !name.ok || !date.ok) return -1;
    const personId = id.value as string;
    const personName = name.value as string;
    const isoDate = date.value as string;
    let occupation = '';
    if (this.occupationCell !== undefined) {
      const o = parseCellMemo('occupation', this.occupationCell);
      if (!o.ok) return -1;
      occupation = o.value as string;
      // One value fills the slot in the record and the breakdown: an occupation either would write otherwise is
      // evaluated (rare: a tab, a quote, a leading minus sign).
      if (clean(occupation) !== occupation || csvCell(occupation) !== occupation) return -1;
    }
    let cost = NO_COST;
    if (this.costCell !== undefined) {
      const c = parseCellMemo('cost', this.costCell);
      if (!c.ok) return -1;
      cost = c.value as number;
    }
    const shape = template && shapeFor(template, shapeKey(template, isoDate, occupation), cost);
    if (!shape) {
      if (shape === undefined) this.pending = { template, hash: this.hash, id: personId, name: personName, date: isoDate, occupation, cost };
      return -1;
    }
    const v = this.values;
    v[INDEX] = firstIndex;
    v[SEQ] = seq;
    v[ROW] = row;
    // As breakdownRow writes them. An ID that passed its check is digits and X (masked, digits and *): it never
    // needs quoting, nor does an ISO date; a name may.
    v[ID] = this.maskIds ? maskId(personId) : personId;
    v[NAME] = csvCell(personName);
    v[RECORD_NAME] = clean(personName);
    v[DATE] = isoDate;
    v[YEAR] = Number(isoDate.slice(0, 4));
    v[OCCUPATION] = occupation;
    if (cost !== NO_COST) {
      v[COST_YUAN] = formatYuan(cost);
      v[COST_FEN] = cost;
    }
    for (const line of shape) {
      const from = line.keyFrom.from;
      const personKey = from === 'id' ? personId : from === 'name' ? personName : line.keyFrom.key;
      // A record cell has no tab or line break; an ID has none to clean.
      v[KEY] = from === 'id' ? personKey : clean(personKey);
      this.emit(partitionOf(personKey, this.partitions), fill(line.record, v), fill(line.breakdown, v), this.tails, line.tailStart, line.tailEnd);
      v[INDEX] = (v[INDEX] as number) + 1;
    }
    return shape.length;
  }

  /**
   * After `write` returned -1: what the general path (evaluateRow) made of the row. `spans`: the costs that evaluation
   * held for (evaluateRow's), when costs are a slot; without them a row that makes a shape is evaluated again for them.
   */
  learn(row: number, seq: number, cells: ReadonlyMap<string, string>, evaluated: ReturnType<typeof evaluateRow>, spans?: CostSpans): void {
    const p = this.pending;
    this.pending = undefined;
    if (!p || this.count >= MAX_SHAPES) return;
    let template = p.template;
    if (!template) {
      // A template is made the second time its cells are seen: most combinations seen once are never seen again,
      // and the room they took went to ones that repeat (one thread, 500k rows: ~75% of rows shaped -> ~80%).
      if (!this.seenOnce.has(p.hash)) {
        if (this.seenOnce.size < MAX_SEEN_ONCE) this.seenOnce.add(p.hash);
        return;
      }
      // ID, name and date were readable: a reject came from the other cells, and so comes for every such row. Not
      // from the cost, when that is no cell of the template: such a row makes none (the next row may).
      if (this.costSlot && 'rejects' in evaluated && evaluated.rejects.some((x) => x.column === 'cost')) return;
      const table = 'lines' in evaluated ? evaluated.table : undefined;
      // The row's own programme comes first among its lines (evaluateClaim).
      const program = 'lines' in evaluated ? evaluated.lines[0]?.program : undefined;
      let bandOf = table && bandsOfTable.get(table);
      if (table && !bandOf) bandsOfTable.set(table, (bandOf = dateBands(table)));
      template = {
        fields: this.fields.slice(0, this.others),
        // Copies: a cell is cut from the reader's block, and a kept slice would keep the whole block.
        values: this.cellValues.slice(0, this.others).map(flatCopy),
        rejected: !table,
        rejects: 'rejects' in evaluated ? evaluated.rejects.map((x) => ({ reject: { ...x, value: flatCopy(x.value) }, jurisdiction: rejectJurisdiction(x, cells, this.options) })) : [],
        bandOf: bandOf ?? (() => 0),
        byOccupation: this.occupationSlot && table !== undefined && occupationPriced(this.options, table, program ?? ''),
        key: -1,
        shape: undefined,
        moreShapes: undefined,
        byCost: this.costSlot ? new Map() : undefined,
        next: this.byHash.get(p.hash),
      };
      this.byHash.set(p.hash, template);
      this.current = template;
      this.count++;
    }
    if (template.rejected || !('lines' in evaluated)) return;
    const key = shapeKey(template, p.date, p.occupation);
    if (shapeFor(template, key, p.cost) !== undefined) return;
    const slotOccupation = this.occupationSlot && !template.byOccupation;
    const probeCells = new Map(cells);
    probeCells.set('person_id', PROBE_ID);
    probeCells.set('name', PROBE_NAME);
    if (slotOccupation) probeCells.set('occupation', PROBE_OCCUPATION);
    if (template.byCost) {
      this.learnByCost(template.byCost, key, row, seq, cells, probeCells, evaluated.lines, p, slotOccupation, spans);
      return;
    }
    const probe = evaluateRow(this.file, row, seq, probeCells, this.options);
    const shape = 'lines' in probe ? this.makeShape(evaluated.lines, probe.lines, p, slotOccupation) : null;
    if (template.key === -1) {
      template.key = key;
      template.shape = shape;
    } else (template.moreShapes ??= new Map()).set(key, shape);
    this.count++;
  }

  /**
   * `learn` for a template whose costs are a slot. A row with no cost gets the key's shape for rows with none. A row
   * with one is evaluated again to learn the span of costs its lines hold for (CostSpans), and beside the probe
   * ID and name with a probe cost in that span (a fen more or less): both must give the same texts but for their
   * slots, the cost's among them. Lines that did not read the cost hold for every cost, and their probe must give
   * the very same texts.
   */
  private learnByCost(
    byCost: Map<ShapeKey, CostShapes>,
    key: ShapeKey,
    row: number,
    seq: number,
    cells: ReadonlyMap<string, string>,
    probeCells: Map<string, string>,
    lines: Line[],
    p: { id: string; name: string; date: string; occupation: string; cost: number },
    slotOccupation: boolean,
    given: CostSpans | undefined,
  ): void {
    let c = byCost.get(key);
    if (!c) byCost.set(key, (c = { none: undefined, spans: [], bound: false }));
    this.count++;
    if (p.cost === NO_COST) {
      const probe = evaluateRow(this.file, row, seq, probeCells, this.options);
      c.none = 'lines' in probe ? this.makeShape(lines, probe.lines, p, slotOccupation) : null;
      return;
    }
    // The spans the row's own evaluation read; without them, the row evaluated again to read them (as it was for
    // every shape learned: ~400-500 evaluations a thread of the 1M-row bench roster, most of them before the code was hot).
    let spans = given;
    let evaluated = lines;
    if (!spans) {
      spans = newCostSpans();
      const again = evaluateRow(this.file, row, seq, cells, this.options, spans);
      if (!('lines' in again)) return;
      evaluated = again.lines;
    }
    if (spans.read && spans.lo > spans.hi) {
      c.bound = true;
      return;
    }
    const lo = spans.read ? Math.max(0, spans.lo) : 0;
    const hi = spans.read ? spans.hi : Infinity;
    const other = p.cost + 1 <= hi ? p.cost + 1 : p.cost - 1 >= lo ? p.cost - 1 : undefined;
    if (other === undefined) {
      c.spans.push({ lo: p.cost, hi: p.cost, shape: null });
      return;
    }
    probeCells.set('cost', formatYuan(other));
    const probe = evaluateRow(this.file, row, seq, probeCells, this.options);
    const shape = 'lines' in probe ? this.makeShape(evaluated, probe.lines, p, slotOccupation, { mine: p.cost, probe: other, slot: spans.read }) : null;
    c.spans.push({ lo, hi, shape });
  }

  /**
   * Forget every template and shape. For a roster grouped by class (its rows with the same cells together), the
   * room fills with the first classes, which never come back; the caller resets when most rows miss for want of
   * room, and the next classes get shapes. The tails start in a new buffer: views of the old one stay as they are.
   */
  reset(): void {
    this.byHash.clear();
    this.count = 0;
    this.seenOnce.clear();
    this.pieces.clear();
    this.tails = Buffer.allocUnsafe(1 << 20);
    this.tailsUsed = 0;
    this.pending = undefined;
    this.current = undefined;
    this.generation++;
  }

  private readonly pieces = new Map<string, string>();
  private readonly intern = (piece: string): string => {
    let kept = this.pieces.get(piece);
    if (kept === undefined) this.pieces.set((kept = flatCopy(piece)), kept);
    return kept;
  };

  /** A text as UTF-8 bytes at the end of `tails`: where it is. */
  private keepTail(text: string): [number, number] {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (this.tailsUsed + bytes > this.tails.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.tails.length * 2, this.tailsUsed + bytes));
      this.tails.copy(bigger, 0, 0, this.tailsUsed);
      this.tails = bigger;
    }
    const start = this.tailsUsed;
    this.tailsUsed += this.tails.write(text, start, 'utf8');
    return [start, this.tailsUsed];
  }

  /**
   * `slotOccupation`: the occupation is a slot (else the shape is for the row's occupation only, as its texts).
   * `cost`: the row's cost and the probe's (fen), and whether the cost is a slot (the lines read it) or the texts
   * are the same for both.
   */
  private makeShape(
    lines: Line[],
    probe: Line[],
    p: { id: string; name: string; date: string; occupation: string },
    slotOccupation: boolean,
    cost?: { mine: number; probe: number; slot: boolean },
  ): ShapeLine[] | null {
    if (probe.length !== lines.length) return null;
    const shape: ShapeLine[] = [];
    for (let i = 0; i < lines.length; i++) {
      const a = lines[i]!;
      const b = probe[i]!;
      if (a.personId !== p.id || b.personId !== PROBE_ID || a.name !== p.name || b.name !== PROBE_NAME || a.date !== p.date) return null;
      if (slotOccupation && (a.occupation !== p.occupation || b.occupation !== PROBE_OCCUPATION)) return null;
      let keyFrom: KeyFrom;
      if (a.personKey === p.id && b.personKey === PROBE_ID) keyFrom = { from: 'id' };
      else if (a.personKey === p.name && b.personKey === PROBE_NAME) keyFrom = { from: 'name' };
      else if (a.personKey === b.personKey) keyFrom = { from: 'fixed', key: a.personKey };
      else return null;
      const slottedOf = (l: Line): Line => ({
        ...l,
        personId: SLOT_CHARS[ID]!,
        name: SLOT_CHARS[NAME]!,
        personKey: keyFrom.from === 'fixed' ? l.personKey : SLOT_CHARS[KEY]!,
        date: SLOT_CHARS[DATE]!,
        // Numbers in a Line; the formatters write them with String(), as they write a slot.
        row: SLOT_CHARS[ROW] as unknown as number,
        seq: SLOT_CHARS[SEQ] as unknown as number,
        year: SLOT_CHARS[YEAR] as unknown as number,
        ...(slotOccupation && { occupation: SLOT_CHARS[OCCUPATION]! }),
      });
      // The amount is the cost (in both, or it is the same sum in both: else no shape).
      const costAmount = cost?.slot === true && a.amountFen === cost.mine && b.amountFen === cost.probe;
      if (cost?.slot && !costAmount && a.amountFen !== b.amountFen) return null;
      const slottedLines = [a, b].map(slottedOf);
      // The cost in yuan, wherever the breakdown writes it (the amount, the formula): a sum of the texts that
      // happened to read alike would differ between the two, and so give no shape.
      const yuan = cost?.slot ? [formatYuan(cost.mine), formatYuan(cost.probe)] : undefined;
      const amount = costAmount ? { amountFen: SLOT_CHARS[COST_FEN] as unknown as number } : {};
      const texts = slottedLines.map((slotted) => ({
        record: toRecord({ ...slotted, name: SLOT_CHARS[RECORD_NAME]!, ...amount }, SLOT_CHARS[INDEX] as unknown as number, this.fileIndex),
        breakdown: breakdownRow(slotted, this.lang, this.maskIds),
      }));
      // The cost's slots may come any number of times (compile): a cell that holds their characters already would
      // read as one, so such a line is no shape. (The record has the amount's slot, if any, and no other.)
      const costChars = (text: string): number => text.match(COST_CHARS)?.length ?? 0;
      if (texts.some((t) => costChars(t.record) !== (costAmount ? 1 : 0) || costChars(t.breakdown) > 0)) return null;
      if (yuan) texts.forEach((t, k) => (t.breakdown = t.breakdown.replaceAll(yuan[k]!, SLOT_CHARS[COST_YUAN]!)));
      const [mine, probed] = texts as [{ record: string; breakdown: string }, { record: string; breakdown: string }];
      if (mine.record !== probed.record || mine.breakdown !== probed.breakdown) return null;
      // A text quoting the date (a period reason) differs within a band.
      if (mine.record.includes(p.date) || mine.breakdown.includes(p.date)) return null;
      const slotted = slotOccupation ? 1 : 0;
      const recordSlots = (keyFrom.from === 'fixed' ? 5 : 6) + slotted;
      let record = compile(`${mine.record}\n`, recordSlots);
      const breakdown = compile(mine.breakdown, 5 + slotted);
      if (!record || !breakdown) return null;
      // The shape's full record kept once, and its rows' records only what differs (toShapedRecord), as long as the
      // chunk keeps shapes' records. The same slots. Its slots as 0, read as the records after it are (no NaN).
      // A record whose amount is the cost differs from row to row in more than a shaped record says: full records.
      const number = hasCostFen(record) ? undefined : this.numberShape?.(mine.record.replace(SLOT_PATTERN, '0'));
      if (number !== undefined) {
        record = compile(`${toShapedRecord({ ...slottedLines[0]!, name: SLOT_CHARS[RECORD_NAME]! }, SLOT_CHARS[INDEX] as unknown as number, number)}\n`, recordSlots);
        if (!record) throw new Error('a shaped record without the slots of its full record');
      }
      const [tailStart, tailEnd] = this.keepTail(breakdown.pieces.pop()!);
      breakdown.pieces.push('');
      // Pieces are slices of the whole text, and each would keep all of it: kept as copies, one per distinct piece.
      record.pieces = record.pieces.map(this.intern);
      breakdown.pieces = breakdown.pieces.map(this.intern);
      shape.push({ keyFrom, record, breakdown, tailStart, tailEnd });
    }
    return shape;
  }
}
