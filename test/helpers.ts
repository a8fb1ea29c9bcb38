// Test helpers: run raw roster rows through the same Batch the CLI uses.
import { Batch, type BatchResult } from '../src/engine/batch.js';
import type { Catalogue } from '../src/engine/catalogue.js';
import { loadTables } from '../src/tables/load.js';

export const TABLES = loadTables();

/** Valid resident IDs (GB 11643 check digits computed) for test persons. */
export const P1 = '330681199001010015';
export const P2 = '330681198505050016';
export const P3 = '330681197803120014';

export function run(jurisdiction: string, rows: Record<string, string>[], catalogue?: Catalogue): BatchResult {
  const batch = new Batch({ tables: TABLES, defaultJurisdiction: jurisdiction, catalogue });
  rows.forEach((r, i) => batch.add('test.csv', i + 2, new Map(Object.entries({ person_id: P1, ...r }).filter(([, v]) => v !== ''))));
  return batch.finish();
}

/** [programme, status, amount in yuan (approved) or exposure (review) as "1000.00", reason code] for each line. */
export function brief(r: BatchResult): [string, string, string, string][] {
  const y = (fen: number | null): string => (fen === null ? '-' : (fen / 100).toFixed(2));
  return r.lines.map((l) => [l.program, l.status, l.status === 'approved' ? y(l.amountFen) : l.status === 'review' ? y(l.exposureFen) : '0.00', l.reasonCode]);
}
