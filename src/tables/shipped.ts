// The shipped tables as built: data/ parsed and validated once by `npm run build`, read back while data/ and the schema are unchanged.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../io/atomic.js';
import { DATA_DIR, listTableFiles } from './files.js';
import type { Table } from './schema.js';

/**
 * Where the build puts the shipped tables: beside this module (dist/tables/). Parsing the YAML and validating it
 * with zod took ~0.27 s of every run's start (imports included); reading this back takes a few milliseconds.
 */
export const SHIPPED_FILE = fileURLToPath(new URL('./shipped.json', import.meta.url));

/**
 * The modules whose code decides what a table file turns into: schema.ts and what it imports (a test checks the
 * list against schema.ts's imports). Their compiled text is part of the fingerprint, so a changed rule of the
 * schema makes the built tables stale even if data/ is not touched.
 */
export const SCHEMA_MODULES = ['./schema', '../engine/fields', '../engine/money'];

interface ShippedFile {
  fingerprint: string;
  tables: Table[];
}

/** A hash of every table file in `dir` (name and bytes) and of the schema's modules as they are now. */
export function fingerprint(dir = DATA_DIR): string {
  const hash = createHash('sha256');
  // Under the test runner these modules are .ts files, in dist .js: take this module's own extension.
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  for (const m of SCHEMA_MODULES) hash.update(readFileSync(new URL(m + ext, import.meta.url))).update('\0');
  for (const file of listTableFiles(dir)) hash.update(basename(file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/** The built tables, or undefined when there are none or they are stale (a table file or the schema changed since). */
export function readShipped(dir = DATA_DIR, file = SHIPPED_FILE): Map<string, Table> | undefined {
  if (!existsSync(file)) return undefined;
  let shipped: ShippedFile;
  try {
    shipped = JSON.parse(readFileSync(file, 'utf8')) as ShippedFile;
  } catch {
    return undefined; // unreadable: parse data/ as if it were absent
  }
  if (shipped.fingerprint !== fingerprint(dir)) return undefined;
  return new Map(shipped.tables.map((t) => [t.code, t]));
}

/** Parse and validate data/ (the full loader: every problem reported) and write what it gives for `readShipped`. */
export async function writeShipped(dir = DATA_DIR, file = SHIPPED_FILE): Promise<number> {
  const stamp = fingerprint(dir);
  const { loadTables } = await import('./load.js');
  const tables = [...loadTables([], dir).values()];
  writeFileAtomic(file, JSON.stringify({ fingerprint: stamp, tables } satisfies ShippedFile));
  return tables.length;
}

/**
 * The tables a command uses: the shipped ones as built, unless the build is stale or user tables (--table) are
 * given; then everything is parsed and validated as before (loadTables checks a user table does not shadow a
 * shipped one), and only then are the YAML parser and zod loaded.
 */
export async function loadRunTables(extra: readonly string[] = []): Promise<Map<string, Table>> {
  if (extra.length === 0) {
    const shipped = readShipped();
    if (shipped) return shipped;
  }
  const { loadTables } = await import('./load.js');
  return loadTables(extra);
}
