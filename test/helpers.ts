// Test helpers: run raw roster rows through the same Batch the CLI uses.
import { Batch, type BatchResult } from '../src/engine/batch.js';
import type { Catalogue } from '../src/engine/catalogue.js';
import { loadTables } from '../src/tables/load.js';

export const TABLES = loadTables();

/** Valid resident IDs (GB 11643 check digits computed) for test persons. */
export const P1 = '330681199001010015';
export const P2 = '330681198505050016';
export const P3 = '330681197803120014';

/** A valid resident ID for test person n (GB 11643 check character computed); birth dates vary with n. */
export function residentId(n: number): string {
  const body = `3306811990${String(1 + (n % 12)).padStart(2, '0')}${String(1 + (n % 28)).padStart(2, '0')}${String(n % 1000).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += weights[i]! * Number(body[i]);
  return body + '10X98765432'[sum % 11]!;
}

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
