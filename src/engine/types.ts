// Shapes the engine works on: a claim's facts in, explained lines out.
import type { Fen } from './money.js';

export type FactValue = string | number | boolean | string[];
/** Parsed facts of one roster row, keyed by field name (see fields.ts). Money facts are fen; dates are YYYY-MM-DD. */
export type Facts = Record<string, FactValue | undefined>;

export interface Claim {
  /** Where the row came from, for every line and reject it produces. */
  file: string;
  row: number;
  /** Position in the run's input, used to break ties deterministically. */
  seq: number;
  facts: Facts;
}

/** `duplicate`: the row is already in the ledger from an earlier run; nothing is paid again. */
export type Status = 'approved' | 'denied' | 'review' | 'duplicate';

/** How the amount was arrived at. */
export type Basis =
  | 'fixed'
  | 'ceiling'
  | 'actual'
  | 'per_unit'
  | 'per_unit_capped'
  | 'floor_or_actual'
  | 'standard'
  | 'steps'
  | 'highest'
  /** A clerk's decided amount on a line the rules left under review (decisions.ts). */
  | 'decided'
  | 'none';

/** The language of headers and messages (--lang). */
export type Lang = 'zh' | 'en';

export interface Bilingual {
  zh: string;
  en: string;
}

/** One shared empty text (no formula, no reason yet): lines replace their texts, never edit them in place. */
export const NO_TEXT: Readonly<Bilingual> = Object.freeze({ zh: '', en: '' });

export interface Line {
  file: string;
  row: number;
  seq: number;
  jurisdiction: string;
  documentStatus: 'final' | 'draft';
  program: string;
  programName: Bilingual;
  payee: string;
  /**
   * Who that is, where the roster says and the payee is not the person or unit itself: the 培训机构 cell for a
   * provider, the 用人单位 cell for an enterprise; "" otherwise (or when the roster does not say).
   */
  payeeName: string;
  subject: 'person' | 'unit';
  /** Whose limits this line counts against: the resident ID for persons, the org code or name for units. */
  personKey: string;
  personId: string;
  name: string;
  date: string;
  year: number;
  occupation: string;
  level: string;
  status: Status;
  reasonCode: string;
  reason: Bilingual;
  amountFen: Fen;
  basis: Basis;
  formula: Bilingual;
  citation: string;
  /** For review lines: the most this line could cost where a ceiling is known; null when nothing bounds it. */
  exposureFen: Fen | null;
  /** For a line denied by one condition: the single fact that would have made it pass (shown by `check`). */
  hint?: Bilingual;
  /** For a line from the ledger (an earlier run): that run's id. */
  runId?: string;
  /** Set on a companion line (e.g. a living allowance) to the programme it rides along with. */
  companionOf: string;
  /**
   * The line's person (personKey) among the lines decided together, numbered from 0 by numberPersons: limits, the
   * summary and person rows find a person's state by it, not by the key; -1 until numbered.
   */
  person: number;
}

/** An approved claim already in the ledger from an earlier run, as limits need it. */
export interface PriorClaim {
  runId: string;
  file: string;
  row: number;
  personKey: string;
  jurisdiction: string;
  program: string;
  occupation: string;
  level: string;
  date: string;
  amountFen: number;
}

/** Where a row already in the ledger was recorded. */
export interface PriorRow {
  runId: string;
  file: string;
  row: number;
}
