// Vitest global setup: every temporary folder the tests (and the commands they run) make goes under one folder, removed at the end.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * os.tmpdir() reads TMPDIR each time, and the test workers and the commands they spawn inherit it: the tests'
 * mkdtempSync folders, which most tests do not remove, no longer pile up in /tmp run after run.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'subsidy-tests-'));
  // Searchable by others, as /tmp is: the PostgreSQL tests' server runs as the postgres user in a folder under it
  // (each folder made in it is the test's own, 0700).
  chmodSync(root, 0o755);
  process.env.TMPDIR = root;
  return () => {
    if (!process.env.SUBSIDY_KEEP_TEST_FILES) rmSync(root, { recursive: true, force: true });
  };
}
