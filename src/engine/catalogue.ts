// Catalogue standards (occupation × level → amount) that texts delegate to documents not in the seeds (XH-03, SZ-04, SZ-09, HY-01, HY-02, SG-01).
import type { Fen } from './money.js';

export interface CatalogueEntry {
  jurisdiction: string; // "" = any
  program: string; // "" = any
  occupation: string;
  level: string; // "" = any level
  standardFen: Fen;
}

/** The most specific entry wins: jurisdiction and programme named beat wildcards; a named level beats any level. */
export class Catalogue {
  private readonly entries = new Map<string, Fen>();

  constructor(entries: CatalogueEntry[]) {
    for (const e of entries) this.entries.set(Catalogue.key(e.jurisdiction, e.program, e.occupation, e.level), e.standardFen);
  }

  get size(): number {
    return this.entries.size;
  }

  lookup(jurisdiction: string, program: string, occupation: string | undefined, level: string | undefined): Fen | undefined {
    if (!occupation) return undefined;
    for (const j of [jurisdiction, '']) {
      for (const p of [program, '']) {
        for (const lv of [level ?? '', '']) {
          const v = this.entries.get(Catalogue.key(j, p, occupation, lv));
          if (v !== undefined) return v;
        }
      }
    }
    return undefined;
  }

  private static key(j: string, p: string, o: string, l: string): string {
    return `${j}\u0000${p}\u0000${o.normalize('NFKC').trim()}\u0000${l}`;
  }
}
