// Cross-record limits: at most N per person per year, no repeat of occupation+level, once ever, not combined (ZJ-16, SX-04, SZ-15, HY-04, XH-06, SZ-02/05/07); and the same claim twice sent to review.
import type { Limit, Table } from '../tables/schema.js';
import { APPROVED_ON_REVIEW } from './decisions.js';
import { valueLabel } from './fields.js';
import { assertNumbered } from './persons.js';
import type { Bilingual, Line, PriorClaim } from './types.js';

/** Deterministic processing order: date, then input position, then programme line within the row. */
export function compareLines(a: Line, b: Line): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  return a.seq - b.seq;
}

const where = (l: Line): Bilingual => ({
  zh: `${l.runId ? `台账批次 ${l.runId} ` : ''}${l.file} 第${l.row}行 ${l.programName.zh} (${l.date})`,
  en: `${l.runId ? `ledger run ${l.runId} ` : ''}${l.file} row ${l.row} ${l.programName.en} (${l.date})`,
});

function block(line: Line, code: string, prior: Line, zh: string, en: string): void {
  // A limit reached only through lines still under review cannot deny: it sends this line to review too.
  const w = where(prior);
  if (prior.status === 'review') {
    line.exposureFen = line.status === 'approved' ? line.amountFen : line.exposureFen;
    line.status = 'review';
    line.reasonCode = `${code}_pending`;
    line.reason = { zh: `${zh}, 取决于待审的 ${w.zh}`, en: `${en}, depending on ${w.en}, which is under review` };
  } else {
    line.status = 'denied';
    line.reasonCode = code;
    line.reason = { zh: `${zh}, 已在 ${w.zh} 享受`, en: `${en}; already paid on ${w.en}` };
    line.exposureFen = null;
    line.formula = { zh: '', en: '' };
    line.basis = 'none';
  }
  line.amountFen = 0;
}

const live = (l: Line): boolean => l.status === 'approved' || l.status === 'review';

/** A line a clerk checked and approved (calc --decisions): not held again as a twin or a look-alike occupation, which is what the check was for. */
const checked = (l: Line): boolean => l.reasonCode === APPROVED_ON_REVIEW;

/** What a claim is worth as decided: its amount, or its exposure under review (null: unbounded). */
const worth = (l: Line): number | null => (l.status === 'approved' ? l.amountFen : l.exposureFen);

type ChooseLarger = Extract<Limit, { kind: 'not_combined' | 'highest_only' }>;

/**
 * "Not combined" (the larger of different programmes) and "highest only" (the largest of any of them):
 * among one person's lines of these programmes with the same key, one is paid, the others say which.
 */
function applyChooseLarger(lines: Line[], limit: ChooseLarger): void {
  const same = limit.kind === 'not_combined' ? limit.same : [];
  // A person's one line is kept as itself, not in a list of one: most persons have one (no garbage per line).
  // Keyed by the person's number (Line.person), and the key parts after it when the limit has any.
  const groups = new Map<number | string, Line | Line[]>();
  for (const l of lines) {
    if (!live(l) || !limit.programs.includes(l.program) || l.subject !== 'person') continue;
    let key: number | string = l.person;
    if (same.length) {
      let text = `${l.person}`;
      for (const f of same) text += `|${keyPart(l, f)}`;
      key = text;
    }
    const group = groups.get(key);
    if (group === undefined) groups.set(key, l);
    else if (Array.isArray(group)) group.push(l);
    else groups.set(key, [group, l]);
  }
  for (const group of groups.values()) if (Array.isArray(group)) chooseLarger(group, limit);
}

/**
 * One person's lines of a choose-larger limit (with the same key parts): the one paid, the others denied naming it.
 * Apart from the grouping (applyChooseLarger), which every line passes through: the optimising compiler compiles
 * each thread's hot functions anew, and the smaller each is, the less that costs.
 */
function chooseLarger(group: Line[], limit: ChooseLarger): void {
  if (limit.kind === 'not_combined' ? new Set(group.map((l) => l.program)).size < 2 : group.length < 2) return;
  const value = (l: Line): number => worth(l) ?? 0;
  // What the ledger already paid cannot be taken back: it wins against any new line.
  const paid = group.filter((l) => l.runId);
  const winner = [...(paid.length ? paid : group)].sort((a, b) => value(b) - value(a) || compareLines(a, b))[0]!;
  for (const l of group) {
    if (l.runId || l === winner || (limit.kind === 'not_combined' && l.program === winner.program)) continue;
    if (paid.length && limit.kind === 'highest_only' && value(l) > value(winner)) {
      // A higher title after a lower one was paid: the text does not say whether the difference is paid.
      l.exposureFen = value(l);
      l.amountFen = 0;
      l.status = 'review';
      l.reasonCode = 'higher_after_paid';
      const w = where(winner);
      l.reason = { zh: `${limit.reason.zh}; 已在 ${w.zh} 支付较低者, 文件未规定是否补差`, en: `${limit.reason.en}; a lower one was paid on ${w.en} and the text does not say whether the difference is paid` };
      continue;
    }
    block(l, 'not_combined', winner, `${limit.reason.zh}, 按较高者支付`, `${limit.reason.en}; the larger is paid`);
  }
}

function keyPart(l: Line, field: 'occupation' | 'level' | 'year'): string {
  return field === 'year' ? String(l.year) : l[field];
}

/**
 * The key under which a no-repeat limit (at position `at`) records a line: its position and the line's key parts,
 * or undefined when a part is empty. A number where it can be (each occupation and level numbered as first met, a
 * year as it is): a key string joined and hashed anew per line was a sixth of applyLimits's own time on the 1M
 * bench roster. The text otherwise (numbers past the room below): a tuple gets the same key every time, and a
 * number and a text are never the same key, nor a no-repeat key's number (negative) a once-ever limit's position.
 */
export class RepeatKeys {
  private readonly ids = new Map<string, number>();
  /** `room`: how many numbers each part may take (smaller in tests, to reach the text keys). */
  constructor(private readonly room = REPEAT_PART_IDS) {}

  key(at: number, line: Line, fields: readonly ('occupation' | 'level' | 'year')[]): number | string | undefined {
    let k = at;
    let scale = REPEAT_POSITIONS;
    let fits = at < REPEAT_POSITIONS && fields.length <= 3;
    for (const f of fields) {
      let id: number;
      if (f === 'year') id = line.year;
      else {
        const part = line[f];
        if (part === '') return undefined;
        id = this.ids.get(part) ?? 0;
        if (id === 0) this.ids.set(part, (id = this.ids.size + 1));
      }
      if (!(Number.isInteger(id) && id >= 1 && id < this.room)) fits = false;
      k += id * scale;
      scale *= this.room;
    }
    // Negative: a once-ever limit's key is its position.
    if (fits) return -1 - k;
    let text = `${at}`;
    for (const f of fields) text += `|${keyPart(line, f)}`;
    return text;
  }
}

/** Room in a number key (RepeatKeys): a position below 64, up to three parts each below 2^15 (64 × 2^45 < 2^53). */
const REPEAT_POSITIONS = 64;
const REPEAT_PART_IDS = 2 ** 15;

/** A claim from the ledger as a line limits can count and name. */
function priorLine(p: PriorClaim, table: Table): Line {
  const program = table.programs.find((x) => x.id === p.program);
  return {
    file: p.file, row: p.row, seq: -1, runId: p.runId, jurisdiction: p.jurisdiction, documentStatus: table.document.status,
    program: p.program, programName: program?.name ?? { zh: p.program, en: p.program }, payee: program?.payee ?? '', payeeName: '', subject: program?.subject ?? 'person',
    personKey: p.personKey, personId: '', name: '', date: p.date, year: Number(p.date.slice(0, 4)), occupation: p.occupation, level: p.level,
    status: 'approved', reasonCode: 'ok', reason: { zh: '', en: '' }, amountFen: p.amountFen, basis: 'none', formula: { zh: '', en: '' },
    citation: '', exposureFen: null, companionOf: '', person: -1,
  };
}

/**
 * What a table's counting limits recorded, per person (by number): entries of a key and a line in lists shared by
 * all persons, each person's a chain from their latest back. A map or two and a list per person and table (each
 * person's own `seen` and `counted`) were a fifth of what a large run's limits pass allocated. Keys: a once-ever
 * limit's position; a no-repeat key (RepeatKeys: a negative number, or a text); a count per year (capKey); the lines a
 * no-repeat limit keyed by occupation recorded (namedKey).
 */
class Recorded {
  private readonly head: Int32Array;
  private readonly keys: (number | string)[] = [];
  private readonly lines: Line[] = [];
  private readonly next: number[] = [];
  constructor(persons: number) {
    this.head = new Int32Array(persons).fill(-1);
  }

  /** The latest line recorded for `person` under `key`. */
  get(person: number, key: number | string): Line | undefined {
    for (let e = this.head[person]!; e >= 0; e = this.next[e]!) if (this.keys[e] === key) return this.lines[e];
    return undefined;
  }

  /** Record `line` for `person` under `key`. */
  add(person: number, key: number | string, line: Line): void {
    this.keys.push(key);
    this.lines.push(line);
    this.next.push(this.head[person]!);
    this.head[person] = this.keys.length - 1;
  }

  /**
   * The lines recorded for `person` under `key`, counted, and those an annual cap names: the latest approved, and
   * the first under review.
   */
  count(person: number, key: number, into: CapCount): void {
    into.lines = 0;
    into.approved = 0;
    into.lastApproved = undefined;
    into.firstReview = undefined;
    for (let e = this.head[person]!; e >= 0; e = this.next[e]!) {
      if (this.keys[e] !== key) continue;
      const l = this.lines[e]!;
      into.lines++;
      if (l.status === 'approved') {
        into.approved++;
        into.lastApproved ??= l;
      } else if (l.status === 'review') into.firstReview = l;
    }
  }

  /** The first line recorded for `person` under `key` whose occupation resembles `line`'s (resemblingOccupation). */
  firstAlike(person: number, key: number, line: Line, parts: readonly ('occupation' | 'level' | 'year')[]): Line | undefined {
    let first: Line | undefined;
    for (let e = this.head[person]!; e >= 0; e = this.next[e]!) if (this.keys[e] === key && resemblingOccupation(this.lines[e]!, line, parts)) first = this.lines[e];
    return first;
  }
}

/** What Recorded.count found. */
interface CapCount {
  lines: number;
  approved: number;
  lastApproved: Line | undefined;
  firstReview: Line | undefined;
}

/**
 * Recorded's key for the lines an annual cap (at position `at`, below 64) counted in `year`: from 2^40, above a
 * once-ever limit's position and below every namedKey; a no-repeat key is negative or a text.
 */
const capKey = (at: number, year: number): number => 2 ** 40 + at * 10_000 + year;
/** Recorded's key for the lines a no-repeat limit keyed by occupation (at position `at`) recorded: from 2^45. */
const namedKey = (at: number): number => 2 ** 45 + at;

/**
 * Number the ledger's lines (`prior`) as the run's lines (`mine`, numbered among `persons`) of the same person are;
 * persons only the ledger has get the numbers from `persons` on. Returns how many numbers there are now.
 */
function numberPrior(prior: Line[], mine: readonly Line[], persons: number): number {
  const numbers = new Map<string, number>();
  for (const l of mine) numbers.set(l.personKey, l.person);
  let next = persons;
  for (const p of prior) {
    let n = numbers.get(p.personKey);
    if (n === undefined) numbers.set(p.personKey, (n = next++));
    p.person = n;
  }
  return next;
}

/**
 * Apply a table's limits to lines of one run (any order in, decided in date-then-row order), counting
 * what the ledger already approved (`history`) first: paid claims are fixed, new lines fit around them.
 * Lines are changed in place; companions of a training that a limit denies are denied with it. The lines are
 * numbered by numberPersons among `persons`.
 */
export function applyLimits(lines: Line[], table: Table, persons: number, history: PriorClaim[] = []): void {
  assertNumbered(lines, persons);
  const mine = inDecisionOrder(lines.filter((l) => l.jurisdiction === table.code));
  const prior = history.length ? history.filter((p) => p.jurisdiction === table.code).map((p) => priorLine(p, table)).sort(compareLines) : [];
  const numbered = prior.length ? numberPrior(prior, mine, persons) : persons;
  const ordered = prior.length ? [...prior, ...mine] : mine;
  for (const limit of table.limits) if (limit.kind === 'not_combined' || limit.kind === 'highest_only') applyChooseLarger(ordered, limit);
  applyCounting(ordered, table, numbered, prior);
  decideCompanions(prior.length ? ordered.filter((l) => !l.runId) : ordered, prior);
}

/**
 * The counting limits (once ever, no repeat, annual caps) and the same-claim check over `ordered` (the ledger's
 * lines, then the run's, in decision order; their persons numbered below `persons`). A function of its own, as are
 * the denials' texts (deny*): the optimising compiler compiles each thread's hot functions anew, and the smaller
 * each is, the less that costs.
 */
function applyCounting(ordered: Line[], table: Table, persons: number, prior: readonly Line[]): void {
  // Each line is checked against every limit first and recorded only if it survives all of them,
  // so a line one limit denies never uses up another limit's allowance. Ledger lines are only recorded.
  const recorded = new Recorded(persons);
  const countedOf = countingLimitsOf(table);
  // The keys a surviving line is recorded under (reused for every line).
  const keys: (number | string)[] = [];
  const cap: CapCount = { lines: 0, approved: 0, lastApproved: undefined, firstReview: undefined };
  const twins = new TwinFinder(prior, persons);
  const parts = new RepeatKeys();
  for (const line of ordered) {
    if (!live(line) || line.companionOf) continue;
    if (line.subject !== 'person') {
      // No limit of the texts counts a unit's grants, but the very same grant twice (a row entered twice, or two
      // packages the roster cannot tell apart) is not paid twice unseen either: the second goes to review.
      if (!line.runId) twins.check(line, !checked(line));
      continue;
    }
    const limits = countedOf.get(line.program);
    if (limits) {
      const person = line.person;
      keys.length = 0;
      // `named`: the lines no-repeat limits recorded, by limit position, for occupations named alike (resemblingOccupation).
      let namedAt = -1;
      for (let j = 0; j < limits.length; j++) {
        const i = limits[j]![0];
        const limit = limits[j]![1];
        if (!live(line)) break;
        if (limit.kind === 'once_ever') {
          const prior = recorded.get(person, i);
          if (prior && !line.runId) denyOnce(line, prior, limit.clause);
          else keys.push(i);
        } else if (limit.kind === 'no_repeat') {
          const k = parts.key(i, line, limit.key);
          if (k === undefined) continue; // nothing to compare: the line names no occupation/level
          const prior = recorded.get(person, k);
          if (prior && !line.runId) denyRepeat(line, prior, limit.clause);
          else {
            keys.push(k);
            if (!limit.key.includes('occupation')) continue;
            namedAt = i;
            const alike = line.runId || checked(line) ? undefined : recorded.firstAlike(person, namedKey(i), line, limit.key);
            if (alike) occupationAlike(line, alike, limit.clause);
          }
        } else {
          const k = capKey(i, line.year);
          if (!line.runId) recorded.count(person, k, cap);
          // Denied only when approved lines alone fill the cap; otherwise the outcome waits on a review.
          if (!line.runId && cap.lines >= limit.max) denyByCap(line, cap.approved >= limit.max ? cap.lastApproved! : cap.firstReview!, limit.max, limit.clause);
          else keys.push(k);
        }
      }
      if (!live(line)) continue;
      // Recorded as it stands: a twin sent to review below is seen under review by the limits (entries hold the line).
      for (const k of keys) recorded.add(person, k, line);
      if (namedAt >= 0) recorded.add(person, namedKey(namedAt), line);
    }
    // What the text's limits let through, one more check: the very same claim twice.
    if (!line.runId) twins.check(line, !checked(line));
  }
}

/** A once-ever limit (`clause`) met already on `prior`. */
function denyOnce(line: Line, prior: Line, clause: string): void {
  block(line, 'once_ever', prior, `同一人只能享受一次 (${clause})`, `once per person ever (${clause})`);
}

/** A no-repeat limit (`clause`) met already on `prior`: the same occupation and level. */
function denyRepeat(line: Line, prior: Line, clause: string): void {
  const what = `${line.occupation} ${valueLabel('level', line.level)}`;
  block(line, 'repeat_occupation_level', prior, `同一职业同一等级不得重复享受: ${what} (${clause})`, `same occupation and level not paid twice: ${what} (${clause})`);
}

/** An annual cap of `max` (`clause`) full for the line's year, `prior` the line it names. */
function denyByCap(line: Line, prior: Line, max: number, clause: string): void {
  block(line, 'annual_cap', prior, `每人每年最多享受${max}次, ${line.year}年已满 (${clause})`, `at most ${max} per person per year, ${line.year} is full (${clause})`);
}

/**
 * Whether two lines' occupations may name one occupation (ZJ-16 …: 同一职业): written differently, one holds the
 * other (焊工 / 电焊工, 车工 / 数控车工, 电 工 / 电工), and every other part of the limit's key (the level) is the same.
 * The occupation is text: the texts give no catalogue of occupations to tell a work type from another occupation.
 */
function resemblingOccupation(first: Line, later: Line, key: readonly ('occupation' | 'level' | 'year')[]): boolean {
  for (const f of key) if (f !== 'occupation' && keyPart(first, f) !== keyPart(later, f)) return false;
  if (first.occupation === later.occupation) return false;
  const a = first.occupation.replace(/\s+/g, '');
  const b = later.occupation.replace(/\s+/g, '');
  return Math.min(a.length, b.length) >= 2 && (a.includes(b) || b.includes(a));
}

/**
 * A no-repeat limit cannot tell whether a line's occupation is one already paid at its level under another name
 * (resemblingOccupation): the line goes to review naming it, rather than being paid as another occupation or denied as
 * the same. It counts as a line under review does.
 */
function occupationAlike(line: Line, first: Line, clause: string): void {
  const w = where(first);
  const level = valueLabel('level', line.level);
  const why = {
    zh: `职业「${line.occupation}」与已享受的「${first.occupation}」(${w.zh}) 相近, 同为 ${level}: 是否同一职业? 同一职业同一等级不得重复享受, 请核实 (${clause})`,
    en: `the occupation "${line.occupation}" resembles "${first.occupation}" (${w.en}), both ${level}: the same occupation? The same occupation and level is not paid twice; to be checked (${clause})`,
  };
  toBeChecked(line, 'similar_occupation', why);
}

/**
 * A line the limits cannot decide goes to review with `why`, its amount as the exposure. One under review already
 * keeps its own reason first, and the clerk is told this too.
 */
function toBeChecked(line: Line, code: string, why: Bilingual): void {
  if (line.status === 'review') {
    line.reason = { zh: `${line.reason.zh}; ${why.zh}`, en: `${line.reason.en}; ${why.en}` };
    return;
  }
  line.exposureFen = line.amountFen;
  line.amountFen = 0;
  line.status = 'review';
  line.reasonCode = code;
  line.reason = why;
}

/**
 * Whether `later` makes the same claim as `first`: one programme, one date, the same occupation and level, and the
 * same worth. Rows that differ in what the amount depends on (a certificate kind, a standard, days) are not twins.
 */
const isTwin = (first: Line, later: Line): boolean =>
  first.program === later.program && first.date === later.date && first.occupation === later.occupation && first.level === later.level && worth(first) === worth(later);

/**
 * A person's second claim of one programme on one date, for the same occupation, level and amount (or a unit's second
 * grant of one programme on one date for the same amount): no text pays a training twice, yet where no limit of the
 * table says so in words the line is not denied. Most likely the row was entered twice: sent to review naming the
 * first, which stays as it was. It counts as a claim under review would.
 */
function sameClaimTwice(line: Line, first: Line): void {
  const w = where(first);
  const unit = line.subject !== 'person';
  const why = unit
    ? { zh: `与 ${w.zh} 的申领相同(同一单位、项目、日期和金额): 是否重复录入? 请核实`, en: `the same claim as ${w.en} (same unit, programme, date and amount): entered twice? to be checked` }
    : {
        zh: `与 ${w.zh} 的申领相同(同一人、项目、日期、职业、等级和金额): 是否重复录入? 请核实`,
        en: `the same claim as ${w.en} (same person, programme, date, occupation, level and amount): entered twice? to be checked`,
      };
  toBeChecked(line, 'same_claim_twice', why);
}

/**
 * Finds a run line's twin (isTwin) among the lines of its person checked before it on its date, or among the
 * ledger's. The run's lines come in date order, so a person's lines of an earlier date are never looked at again:
 * each person keeps only their last date's, replaced when a later date comes (no map emptied and filled again per
 * date, which was a twentieth of a large run's limits pass in garbage).
 */
class TwinFinder {
  /** Per person (by number), their lines of the last date checked: one line, or a list. */
  private readonly last: (Line | Line[] | undefined)[];
  /** The ledger's claims by person and date (few: a partition's persons' history). */
  private readonly paid = new Map<string, Line[]>();

  /** `persons`: how many numbers the lines' persons have (Line.person). */
  constructor(prior: readonly Line[], persons: number) {
    this.last = new Array(persons);
    for (const l of prior) {
      const key = `${l.personKey}|${l.date}`;
      const list = this.paid.get(key);
      if (list) list.push(l);
      else this.paid.set(key, [l]);
    }
  }

  /** Send `line` to review when it is a twin of an earlier one (unless not to `hold` it); then it is one of its day's lines. */
  check(line: Line, hold: boolean): void {
    const before = this.last[line.person];
    let twin: Line | undefined;
    if (before === undefined || (Array.isArray(before) ? before[0]! : before).date !== line.date) this.last[line.person] = line;
    else if (Array.isArray(before)) {
      twin = before.find((l) => isTwin(l, line));
      before.push(line);
    } else {
      twin = isTwin(before, line) ? before : undefined;
      this.last[line.person] = [before, line];
    }
    twin ??= this.paid.size ? this.paid.get(`${line.personKey}|${line.date}`)?.find((l) => isTwin(l, line)) : undefined;
    if (twin && hold) sameClaimTwice(line, twin);
  }
}

type CountingLimit = Exclude<Limit, ChooseLarger>;
const countingLimits = new WeakMap<Table, Map<string, [number, CountingLimit][]>>();

/** Per programme, the table's counting limits that apply to it (with their position, part of their keys), in table order. */
function countingLimitsOf(table: Table): Map<string, [number, CountingLimit][]> {
  let m = countingLimits.get(table);
  if (!m) {
    m = new Map();
    for (const [i, limit] of table.limits.entries()) {
      if (limit.kind === 'not_combined' || limit.kind === 'highest_only') continue;
      for (const program of limit.programs) {
        const list = m.get(program) ?? [];
        if (!list.some(([j]) => j === i)) list.push([i, limit]);
        m.set(program, list);
      }
    }
    countingLimits.set(table, m);
  }
  return m;
}

/**
 * Lines sorted as compareLines sorts them. Lines already in input order (a run's lines, a partition's records)
 * are grouped by date instead, keeping their order within a date: the same result without a string
 * comparison per step of a sort (a large run decides a million lines).
 */
export function inDecisionOrder(lines: Line[]): Line[] {
  const n = lines.length;
  for (let i = 1; i < n; i++) if (lines[i]!.seq < lines[i - 1]!.seq) return lines.sort(compareLines);
  // A counting sort by day: each line's date as one small number (dayOrdinal), the lines counted per day, then placed
  // in input order within their day. Sorting the lines as numbers (day and position, in a Float64Array) was a twentieth
  // of the limits pass; a list per date, before that, as much in garbage.
  const days = new Int32Array(n);
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    const day = dayOrdinal(lines[i]!.date);
    // Not an ISO date (YYYY-MM-DD): compared as text.
    if (day < 0) return lines.sort(compareLines);
    days[i] = day;
    if (day < first) first = day;
    if (day > last) last = day;
  }
  if (n === 0 || last - first > MAX_DAY_SPAN) return n === 0 ? lines : lines.sort(compareLines);
  const next = new Int32Array(last - first + 2);
  for (let i = 0; i < n; i++) next[days[i]! - first + 1]!++;
  for (let d = 1; d < next.length; d++) next[d]! += next[d - 1]!;
  const out: Line[] = new Array(n);
  for (let i = 0; i < n; i++) out[next[days[i]! - first]!++] = lines[i]!;
  return out;
}

/** A YYYY-MM-DD date as a number that orders as the text does (year × 512 + month × 32 + day), or -1 for any other text. */
function dayOrdinal(date: string): number {
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return -1;
  let y = 0;
  for (let i = 0; i < 4; i++) {
    const c = date.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    y = y * 10 + c;
  }
  const m1 = date.charCodeAt(5) - 48, m2 = date.charCodeAt(6) - 48, d1 = date.charCodeAt(8) - 48, d2 = date.charCodeAt(9) - 48; // prettier-ignore
  if (m1 < 0 || m1 > 9 || m2 < 0 || m2 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return -1;
  const month = m1 * 10 + m2;
  const day = d1 * 10 + d2;
  // A month past 12 or a day past 31 would not fit its place (and no such date reaches the limits).
  return month > 12 || day > 31 ? -1 : y * 512 + month * 32 + day;
}

/** The widest span of dayOrdinal a counting sort takes (~128 years: a count per day of it): wider, the lines are sorted. */
const MAX_DAY_SPAN = 1 << 16;

/** A companion of a training not paid is not paid either. */
function companionDenied(c: Line, parent: Line): void {
  c.status = 'denied';
  c.reasonCode = 'parent_denied';
  c.reason = { zh: `所随培训项目未获补贴: ${parent.reason.zh}`, en: `the training it rides along with is not paid: ${parent.reason.en}` };
  c.amountFen = 0;
  c.exposureFen = null;
  c.formula = { zh: '', en: '' };
  c.basis = 'none';
}

/** The ledger's payment of the very claim `line` makes (one person, programme, date, occupation and level), if any. */
function paidBefore(line: Line, prior: readonly Line[]): Line | undefined {
  return prior.find((p) => p.personKey === line.personKey && p.program === line.program && p.date === line.date && p.occupation === line.occupation && p.level === line.level);
}

/** The codes of a line a limit denied (block). */
const LIMIT_DENIALS = new Set(['once_ever', 'repeat_occupation_level', 'annual_cap', 'not_combined']);

/**
 * Companions ride with their training: denied with it when a limit denies it, under review while it is. With a
 * ledger (`prior`: its claims of these persons, as lines), a training denied because the ledger already paid that
 * very claim (one person, programme, date, occupation and level: the row again, corrected, say with the training
 * days filled in) was paid after all: a companion the ledger did not pay for it (the living allowance left under
 * review for want of those days, ZJ-06) is neither refused for it nor paid unseen (it may be a second claim): it
 * goes to review, and the office's decision (--decisions) on it is taken. One the ledger paid for it, from whatever
 * row, is denied with it, or, beside the paid row again (its training a duplicate), goes to review as a twin.
 */
function decideCompanions(lines: Line[], prior: readonly Line[]): void {
  // Only rows with a companion line need looking at; most rows have none.
  const withCompanion = new Set<number>();
  for (const l of lines) if (l.companionOf) withCompanion.add(l.seq);
  if (withCompanion.size === 0) return;
  const byRow = new Map<number, Line[]>();
  for (const l of lines) {
    if (!withCompanion.has(l.seq)) continue;
    const row = byRow.get(l.seq);
    if (row) row.push(l);
    else byRow.set(l.seq, [l]);
  }
  for (const rowLines of byRow.values()) decideRow(rowLines, prior);
}

/** The companions of one row's lines (see decideCompanions): apart, so that the scan every line passes through compiles small. */
function decideRow(rowLines: Line[], prior: readonly Line[]): void {
  for (const c of rowLines) {
    if (!c.companionOf || !live(c)) continue;
    const parent = rowLines.find((l) => l.program === c.companionOf && !l.companionOf);
    if (!parent) continue;
    // The training paid before (the ledger's payment of this very claim) and this companion paid for it, if so.
    const paidParent = prior.length && (parent.status === 'duplicate' || (parent.status === 'denied' && LIMIT_DENIALS.has(parent.reasonCode))) ? paidBefore(parent, prior) : undefined;
    const paidCompanion = paidParent && paidBefore(c, prior);
    if (paidCompanion) {
      // Paid already (from another row: the row corrected, or entered again): not paid twice unseen.
      if (parent.status === 'duplicate' && !checked(c)) {
        const w = where(paidCompanion);
        const why = { zh: `此培训的本项已于 ${w.zh} 支付: 是否重复申领? 请核实`, en: `already paid for this training on ${w.en}: claimed again? to be checked` };
        toBeChecked(c, 'same_claim_twice', why);
      } else if (parent.status === 'denied') companionDenied(c, parent);
    } else if (paidParent && parent.status === 'denied') {
      if (checked(c)) continue;
      const w = where(paidParent);
      const why = {
        zh: `所随培训已于 ${w.zh} 支付, 当时未付本项: 若此行即该笔申请(如补填了培训天数), 请核实后决定 (--decisions)`,
        en: `the training it rides along with was paid on ${w.en}, without this: if this row is that claim (its training days filled in, say), check and decide (--decisions)`,
      };
      toBeChecked(c, 'paid_without_companion', why);
    } else if (parent.status === 'denied') companionDenied(c, parent);
    else if (parent.status === 'review' && c.status === 'approved') {
      c.status = 'review';
      c.reasonCode = 'parent_in_review';
      c.exposureFen = c.amountFen;
      c.amountFen = 0;
      c.reason = { zh: `随 ${parent.programName.zh} 一并待审`, en: `follows ${parent.programName.en}, which is under review` };
    }
  }
}
