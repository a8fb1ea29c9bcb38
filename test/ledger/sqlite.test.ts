// The claims ledger on a real SQLite file, including a run killed mid-way.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { PERSON, ROOT, calc, roster, tmp } from './harness.js';
import { residentId } from '../helpers.js';
import { ledgerScenarios } from './scenarios.js';

/** Everything a SQLite ledger holds. */
function snapshotOf(ledger: string): unknown {
  const db = new Database(ledger, { readonly: true });
  const s = { runs: db.prepare('SELECT * FROM runs ORDER BY run_id').all(), claims: db.prepare('SELECT * FROM claims ORDER BY rowid').all(), rows: db.prepare('SELECT * FROM rows ORDER BY rowid').all() };
  db.close();
  return s;
}

describe('SQLite ledger', () => {
  ledgerScenarios(() => join(tmp(), 'ledger.db'));

  it("ZJ-16: a ledger whose disk is full says so, in English or Chinese: nothing recorded, the ledger as it was, no outputs; with room again the run records", () => {
    const dir = tmp();
    const ledger = join(dir, 'ledger.db');
    calc(roster(dir, 'first.csv', [[PERSON, 'cert_training', '2020-03-01', '电工', 'L4']]), ledger);
    const before = snapshotOf(ledger);
    const many = roster(dir, 'many.csv', Array.from({ length: 500 }, (_, i) => [residentId(i), 'cert_training', '2020-06-01', '电工', 'L4']));
    // SUBSIDY_FAULT=ledger-disk-full: the file may not grow by a page, and SQLite refuses with SQLITE_FULL as on a full disk.
    const full = { SUBSIDY_FAULT: 'ledger-disk-full' };
    const en = calc(many, ledger, [], full);
    expect(en.code).toBe(1);
    expect(en.stderr).toBe(
      `subsidy: ${ledger}: no space left for the ledger (SQLITE_FULL): nothing was recorded, the ledger is as it was and a calc run wrote no outputs; free some room on the ledger's disk and run again\n`,
    );
    expect(en.lines).toEqual([]);
    expect(snapshotOf(ledger)).toEqual(before);
    const zh = calc(many, ledger, ['--lang', 'zh'], full);
    expect(zh.stderr).toBe(`subsidy: ${ledger}: 台账所在磁盘空间不足 (SQLITE_FULL): 未记入任何内容, 台账保持原样, calc 也未写出结果文件; 请腾出空间后重新运行\n`);
    expect(snapshotOf(ledger)).toEqual(before);
    // Room again: the same roster is recorded whole, at the L4 cap, 3,500 yuan each, no cost claimed (ZJ-01).
    const again = calc(many, ledger);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('recorded 500 approved line(s)');
    expect(again.lines.filter((l) => l.program === 'cert_training').map((l) => `${l.status} ${l.amount}`)).toEqual(Array(500).fill('approved 3500.00'));
  });

  it('a run killed with SIGKILL between writing and committing leaves the ledger exactly as before', () => {
    const dir = tmp();
    const ledger = join(dir, 'ledger.db');
    calc(roster(dir, 'first.csv', [[PERSON, 'cert_training', '2020-03-01', '电工', 'L4']]), ledger);
    const snapshot = (): unknown => snapshotOf(ledger);
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

  it('a second run on the same file waits for the first to commit, says so, and then counts its claims (ZJ-16)', async () => {
    const dir = tmp();
    const ledger = join(dir, 'ledger.db');
    calc(roster(dir, 'first.csv', [[PERSON, 'cert_training', '2020-03-01', '电工', 'L4'], [PERSON, 'cert_training', '2020-03-02', '焊工', 'L4']]), ledger);
    // Another run holds the write lock (as a long run does while it records): this one must wait, not fail.
    const holder = new Database(ledger);
    holder.exec('BEGIN IMMEDIATE');
    holder.prepare(`INSERT INTO runs VALUES ('R-other', '2020-03-03', '2020-03-03', '[]', 0, 0, 0, NULL, NULL)`).run();
    holder.prepare(`INSERT INTO claims VALUES ('R-other', 'other.csv', 2, ?, 'zhuji', 'cert_training', '茶艺师', 'L5', '2020-03-03', 2020, 150000, 'individual', 'h', 'now')`).run(PERSON);
    const file = roster(dir, 'second.csv', [[PERSON, 'cert_training', '2020-04-01', '钳工', 'L4']]);
    const wait = (out: string, extra: string[] = [], input = file): Promise<{ code: number | null; stderr: string; stdout: string }> =>
      new Promise((done) => {
        const child = spawn(process.execPath, [join(ROOT, 'bin', 'subsidy.js'), 'calc', input, '-j', 'zhuji', '-o', join(dir, out), '--ledger', ledger, ...extra], { env: { ...process.env, NO_COLOR: '1' } });
        let stderr = '';
        let stdout = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.stdout.on('data', (d) => (stdout += d));
        child.on('close', (code) => done({ code, stderr, stdout }));
      });
    const waiting = wait('out');
    // Another person's claim, so that whichever of the two waiting runs goes first, the first's counts are the same.
    const waitingZh = wait('zh', ['--lang', 'zh'], roster(dir, 'other.csv', [[residentId(7), 'cert_training', '2020-04-01', '钳工', 'L4']]));
    await new Promise((r) => setTimeout(r, 3000));
    holder.exec('COMMIT');
    holder.close();
    const r = await waiting;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('another run is writing to this ledger; waiting for it to finish');
    expect((await waitingZh).stderr).toContain(`${ledger}: 另一次运行正在写入此台账, 等它完成`);
    // It decided after the other run committed: that run's claim is the third of 2020, so this one is the fourth.
    expect(readFileSync(join(dir, 'out', 'breakdown.csv'), 'utf8')).toContain('annual_cap');
  });

  it('while a run holds the write lock, a check at the counter and a dry run read the committed ledger without waiting', () => {
    const dir = tmp();
    const ledger = join(dir, 'ledger.db');
    const march = [[PERSON, 'cert_training', '2020-03-01', '电工', 'L4'], [PERSON, 'cert_training', '2020-03-02', '焊工', 'L4'], [PERSON, 'cert_training', '2020-03-03', '车工', 'L4']];
    calc(roster(dir, 'march.csv', march), ledger);
    const holder = new Database(ledger);
    try {
      holder.exec('BEGIN IMMEDIATE');
      const answers = join(dir, 'case.json');
      writeFileSync(answers, JSON.stringify({ program: 'cert_training', person_id: PERSON, date: '2020-06-01', level: 'L4', occupation: '钳工' }));
      const started = Date.now();
      const check = spawnSync(process.execPath, [join(ROOT, 'bin', 'subsidy.js'), 'check', '-j', 'zhuji', '--answers', answers, '--json', '--ledger', ledger], { timeout: 20_000 });
      expect(check.status, check.stderr.toString()).toBe(0);
      expect(JSON.parse(check.stdout.toString()).lines[0].reasonCode).toBe('annual_cap'); // ZJ-16, counting March
      const june = roster(dir, 'june.csv', [[PERSON, 'cert_training', '2020-06-01', '钳工', 'L4']]);
      const dry = spawnSync(process.execPath, [join(ROOT, 'bin', 'subsidy.js'), 'calc', june, '-j', 'zhuji', '-o', join(dir, 'out'), '--ledger', ledger, '--dry-run'], { timeout: 20_000 });
      expect(dry.status, dry.stderr.toString()).toBe(0);
      expect(dry.stderr.toString()).not.toContain('waiting');
      expect(readFileSync(join(dir, 'out', 'breakdown.csv'), 'utf8')).toContain('annual_cap');
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it('a file that is not a ledger is refused by name, without a stack trace', () => {
    const dir = tmp();
    const notLedger = join(dir, 'roster.csv');
    writeFileSync(notLedger, 'person_id,program\n');
    const r = calc(roster(dir, 'r.csv', [[PERSON, 'cert_training', '2020-03-01', '电工', 'L4']]), notLedger);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`subsidy: ${notLedger}: cannot open the ledger: file is not a database (give a ledger file, or a new file name to start one)\n`);
  });
});
