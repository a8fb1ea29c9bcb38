// The clause IDs of shared/policy-clauses.md: read from the shared folder beside the repo when present, else a committed copy.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const SHARED_CLAUSES = join(here, '..', '..', 'shared', 'policy-clauses.md');
export const COPY = join(here, 'clause-ids.txt');

export function idsIn(text: string): string[] {
  return [...new Set(text.match(/\b(ZJ|XH|SX|SG|SZ|HY|QZ)-\d{2}\b/g) ?? [])].sort();
}

export const CLAUSE_IDS: string[] = existsSync(SHARED_CLAUSES) ? idsIn(readFileSync(SHARED_CLAUSES, 'utf8')) : readFileSync(COPY, 'utf8').split('\n').filter(Boolean);
