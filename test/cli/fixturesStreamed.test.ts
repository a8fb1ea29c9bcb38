// The shipped fixtures, doubled and against a ledger of themselves: calc's streaming path decides as the engine does in memory.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Batch } from '../../src/engine/batch.js';
import { breakdownHeader, breakdownRow, personRow, personsHeader, rejectRow, rejectsHeader, summaryHeader, summaryRow } from '../../src/io/csvOut.js';
import { rowHash } from '../../src/io/ledger.js';
import { openSqliteLedger } from '../../src/io/ledgerSqlite.js';
import { readRoster } from '../../src/io/roster.js';
import { loadRunTables } from '../../src/tables/shipped.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'subsidy.js');
const CODES = readdirSync(join(ROOT, 'fixtures')).filter((d) => d !== 'estimate');
const OUTPUTS = ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv'] as const;

/** The fixture's header and rows as bytes (latin1 strings: the Hengyang roster is GBK, and stays so). */
function fixtureRows(code: string): [string, string[]] {
  const [head, ...rows] = readFileSync(join(ROOT, 'fixtures', code, 'roster.csv'), 'latin1').replace(/\r\n/g, '\n').trimEnd().split('\n');
  return [head!, rows];
}

/** The outputs the engine gives with the whole roster in memory, against the ledger when one is given. */
async function inMemory(code: string, path: string, ledgerFile?: string): Promise<Record<(typeof OUTPUTS)[number], string>> {
  const batch = new Batch({ tables: await loadRunTables(), defaultJurisdiction: code });
  for await (const rec of readRoster(path, 'auto', () => undefined)) {
    if (rec.skipped) continue;
    if (rec.unreadable !== undefined) batch.addUnreadable(rec.file, rec.row, rec.unreadable, rec.raw);
    else batch.add(rec.file, rec.row, rec.cells, rowHash(rec.cells, code, undefined));
  }
  let result = batch.finish();
  if (ledgerFile) {
    const ledger = openSqliteLedger(ledgerFile, false);
    try {
      result = await ledger.transaction(async (tx) => batch.finish({ history: await tx.history(batch.personKeys()), recordedRows: await tx.recordedRows(batch.rowHashes()) }), { dryRun: true });
    } finally {
      await ledger.close();
    }
  }
  return {
    'breakdown.csv': breakdownHeader('en') + result.lines.map((l) => breakdownRow(l, 'en', false)).join(''),
    'summary.csv': summaryHeader('en') + result.summary.map((x) => summaryRow(x, 'en')).join(''),
    'persons.csv': personsHeader('en') + result.persons.map((x) => personRow(x, false)).join(''),
    'rejects.csv': rejectsHeader('en') + result.rejects.map((x) => rejectRow(x, 'en')).join(''),
  };
}

function calc(code: string, path: string, out: string, extra: string[], env: Record<string, string> = {}): void {
  const r = spawnSync(process.execPath, [BIN, 'calc', path, '-j', code, '-o', out, '--no-progress', ...extra], { env: { ...process.env, NO_COLOR: '1', SUBSIDY_LANG: '', ...env } });
  expect(r.status, r.stderr.toString()).toBe(0);
}

describe('the fixtures streamed', { timeout: 60_000 }, () => {
  for (const code of CODES) {
    it(`${code}: its rows, then each again with another name (new rows, the same claims), against a ledger of the first: one thread, or ranges of 512 bytes on three decided in pieces, as in memory`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `subsidy-fixture-${code}-`));
      const [head, rows] = fixtureRows(code);
      const first = join(dir, 'first.csv');
      writeFileSync(first, `${[head, ...rows].join('\n')}\n`, 'latin1');
      const ledger = join(dir, 'ledger.db');
      calc(code, first, join(dir, 'first'), ['--ledger', ledger]);
      // The rows again (duplicates), then each with a name cell changed: twins of paid claims, repeats, caps, look-alikes.
      const renamed = rows.map((r) => r.replace(/^([^,]*),([^,"]+),/, '$1,$2x,'));
      const again = join(dir, 'again.csv');
      writeFileSync(again, `${[head, ...rows, ...renamed].join('\n')}\n`, 'latin1');
      for (const ledgerFile of [undefined, ledger]) {
        const reference = await inMemory(code, again, ledgerFile);
        const withLedger = ledgerFile ? ['--ledger', ledgerFile, '--dry-run'] : [];
        for (const [label, extra, env] of [
          ['one', ['--workers', '1'], {}],
          ['three', ['--workers', '3'], { SUBSIDY_MIN_CHUNK_BYTES: '512', SUBSIDY_PIECE_BYTES: '256' }],
        ] as const) {
          const out = join(dir, `${label}${ledgerFile ? '-ledger' : ''}`);
          calc(code, again, out, [...extra, ...withLedger], env);
          for (const name of OUTPUTS) expect(readFileSync(join(out, name), 'utf8'), `${label} ${name}`).toBe(reference[name]);
        }
        if (ledgerFile) expect(reference['breakdown.csv']).toContain('already_in_ledger');
      }
    });
  }
});
