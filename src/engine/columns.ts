// The roster columns a table's programmes read: the header of an empty roster (`subsidy template`).
import type { Program, Table } from '../tables/schema.js';
import { mentions } from './batch.js';
import { FIELDS } from './fields.js';
import { amountNeeds } from './questions.js';

/** Columns of estimate plans only, never read from a roster. */
const PLAN_ONLY = new Set(['planned', 'label']);

/**
 * The roster columns, in the canonical order, that rows of these tables' programmes (or of one programme, with its
 * companions) can use: programme and date always; the resident ID for personal programmes, the name and org code for
 * unit grants (and the name for persons, as a breakdown shows it); occupation and level, which every personal line
 * shows and limits compare; the provider or employer a personal programme pays; the jurisdiction when there is more
 * than one table; and every field a condition, an amount, an uplift or a limit of them reads.
 */
export function rosterColumns(tables: readonly Table[], programId?: string): string[] {
  const wanted = new Set(['program', 'date', 'name']);
  if (tables.length > 1) wanted.add('jurisdiction');
  for (const table of tables) {
    const programs = programId === undefined ? table.programs : withCompanions(table, programId);
    for (const p of programs) {
      if (p.subject === 'unit') wanted.add('org_code');
      else ['person_id', 'occupation', 'level'].forEach((f) => wanted.add(f));
      // Whom a personal line pays when not the person: the summary totals each (Line.payeeName).
      if (p.subject === 'person' && p.payee === 'provider') wanted.add('provider');
      if (p.subject === 'person' && p.payee === 'enterprise') wanted.add('employer');
      for (const n of amountNeeds(p.amount)) wanted.add(n.field);
      const limits = table.limits.filter((l) => l.programs.includes(p.id));
      for (const f of FIELDS) if (!PLAN_ONLY.has(f.name) && (mentions(p, f.name) || mentions(limits, f.name))) wanted.add(f.name);
    }
  }
  // Derived facts (grade, year) are not columns: only roster fields are kept, in FIELDS order.
  return FIELDS.map((f) => f.name).filter((f) => wanted.has(f));
}

function withCompanions(table: Table, programId: string): Program[] {
  const program = table.programs.find((p) => p.id === programId);
  if (!program) return [];
  return [program, ...program.companions.flatMap((id) => table.programs.filter((p) => p.id === id))];
}
