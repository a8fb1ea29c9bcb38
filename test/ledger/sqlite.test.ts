// The claims ledger on a real SQLite file, including a run killed mid-way.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { PERSON, ROOT, calc, roster, tmp } from './harness.js';
import { ledgerScenarios } from './scenarios.js';

describe('SQLite ledger', () => {
  ledgerScenarios(() => join(tmp(), 'ledger.db'));

  it('a run killed with SIGKILL between writing and committing leaves the ledger exactly as before', () => {
    const dir = tmp();
    const ledger = join(dir, 'ledger.db');
    calc(roster(dir, 'first.csv', [[PERSON, 'cert_training', '2020-03-01', '电工', 'L4']]), ledger);
    const snapshot = (): unknown => {
      const db = new Database(ledger, { readonly: true });
      const s = { runs: db.prepare('SELECT * FROM runs ORDER BY run_id').all(), claims: db.prepare('SELECT * FROM claims ORDER BY rowid').all(), rows: db.prepare('SELECT * FROM rows ORDER BY rowid').all() };
      db.close();
      return s;
    };
    const before = snapshot();
    const many = Array.from({ length: 2000 }, (_, i) => [PERSON, 'cert_training', `2021-0${1 + (i % 9)}-1${i % 9}`, `工种${i}`, 'L5']);
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'subsidy.js'), 'calc', roster(dir, 'big.csv', many), '-j', 'zhuji', '-o', join(dir, 'out'), '--ledger', ledger], {
      env: { ...process.env, SUBSIDY_FAULT: 'kill-before-commit' },
    });
    expect(r.signal).toBe('SIGKILL');
    expect(snapshot()).toEqual(before);
    // The run that died left no output files either.
    expect(spawnSync('ls', [join(dir, 'out')]).stdout.toString().trim()).toBe('');
  });
});
