// Persons an estimate's roster names on enough rows for a cross-record limit to bind (four certificates in a year
// under "at most 3"): the estimate applies no such limit (a row is a case), so it counts them, and says its figures for
// those rows are an upper bound.
import type { Limit, Table } from '../tables/schema.js';
import type { Facts } from './types.js';

/**
 * Two FNV-1a-style 32-bit hashes, taken on from a key's first part to the next (a step between parts, so that 电工|L4
 * and 电|工L4 differ), then given as 52 bits: a false match is about one in ten thousand among a million keys.
 */
class Hash {
  a = 0x811c9dc5;
  b = 0x9747b28c;

  /** `s` taken in, ASCII letters as capitals (an ID's check letter x is X). */
  take(s: string): this {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c >= 97 && c <= 122) c -= 32;
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    this.a = Math.imul(a, 0x01000193);
    this.b = Math.imul(b, 0x5bd1e995);
    return this;
  }

  copy(): Hash {
    const h = new Hash();
    h.a = this.a;
    h.b = this.b;
    return h;
  }

  get value(): number {
    return (this.a >>> 0) * 0x100000 + ((this.b >>> 0) & 0xfffff);
  }
}

/** One limit's persons, as hashes in a growing array (8 bytes a row: a roster is never held whole). */
class Keys {
  private hashes = new Float64Array(1024);
  private n = 0;

  add(hash: number): void {
    if (this.n === this.hashes.length) {
      const grown = new Float64Array(this.n * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.n++] = hash;
  }

  /** Keys on more than `most` rows (persons, or a person's year or occupation and level), and their rows. */
  repeats(most: number): { persons: number; rows: number } {
    const sorted = this.hashes.subarray(0, this.n).sort();
    let persons = 0;
    let rows = 0;
    for (let i = 0; i < sorted.length; ) {
      let j = i + 1;
      while (j < sorted.length && sorted[j] === sorted[i]) j++;
      if (j - i > most) {
        persons++;
        rows += j - i;
      }
      i = j;
    }
    return { persons, rows };
  }
}

/** The facts besides the person a limit counts rows by: a cap per calendar year, no repeat of the same occupation and level. */
function boundBy(limit: Limit): string[] {
  if (limit.kind === 'annual_cap') return ['year'];
  if (limit.kind === 'no_repeat') return limit.key;
  if (limit.kind === 'not_combined') return limit.same;
  return [];
}

const isAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
};

const factOf = (facts: Facts, field: string): string => String((field === 'year' ? String(facts.date ?? '').slice(0, 4) : facts[field]) ?? '');

export interface LimitRepeats {
  limit: Limit;
  /** Persons (a person twice for two years or two occupations) on more rows than the limit lets through. */
  persons: number;
  /** Their rows, the ones the limit lets through too. */
  rows: number;
}

export class RepeatedPersons {
  private readonly byLimit: { limit: Limit; keys: Keys; fields: string[] }[];
  /** Each programme's subject and the limits that bind it. */
  private readonly programs = new Map<string, { unit: boolean; limits: RepeatedPersons['byLimit'] }>();

  constructor(table: Table) {
    this.byLimit = table.limits.map((limit) => ({ limit, keys: new Keys(), fields: boundBy(limit) }));
    for (const p of table.programs) this.programs.set(p.id, { unit: p.subject === 'unit', limits: this.byLimit.filter((l) => l.limit.programs.includes(p.id)) });
  }

  /**
   * A case row of `program` with its facts: its person is the resident ID, or for a unit's grant the unit's code or,
   * without one, its name (as limits key them), from the row's `cells`. A row naming nobody counts for no one.
   */
  add(program: string, facts: Facts, cells: ReadonlyMap<string, string>): void {
    const bound = this.programs.get(program);
    if (!bound?.limits.length) return;
    const raw = bound.unit ? cells.get('org_code')?.trim() || cells.get('name') : cells.get('person_id');
    const person = raw?.trim();
    if (!person) return;
    // (NFKC for a full-width ID typed in a Chinese input method; an ASCII one needs none.)
    const hash = new Hash().take(isAscii(person) ? person : person.normalize('NFKC'));
    for (const { keys, fields } of bound.limits) {
      const h = fields.length ? hash.copy() : hash;
      for (const f of fields) h.take(factOf(facts, f));
      keys.add(h.value);
    }
  }

  /** The limits that could bind some person of the roster, in the table's order. */
  repeats(): LimitRepeats[] {
    return this.byLimit.map(({ limit, keys }) => ({ limit, ...keys.repeats(limit.kind === 'annual_cap' ? limit.max : 1) })).filter((r) => r.persons > 0);
  }
}
