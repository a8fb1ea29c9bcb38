// Large runs: outputs do not depend on worker threads, and the streaming path decides exactly as the in-memory one.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticRoster } from '../../src/bench/synthetic.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'subsidy.js');
const dir = mkdtempSync(join(tmpdir(), 'subsidy-scale-'));
const roster = join(dir, 'roster.csv');

function calc(out: string, extra: string[]): string {
  const r = spawnSync(process.execPath, [BIN, 'calc', roster, '-o', join(dir, out), '--no-progress', ...extra], { env: { ...process.env, NO_COLOR: '1', SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024) } });
  expect(r.status).toBe(0);
  return r.stdout.toString();
}
const file = (out: string, name: string): Buffer => readFileSync(join(dir, out, name));

describe('20k-row synthetic roster', () => {
  beforeAll(() => {
    const fd = openSync(roster, 'w');
    for (const chunk of syntheticRoster(20_000, 7)) writeSync(fd, chunk);
    closeSync(fd);
  });

  it('1 worker and 3 workers write byte-identical breakdown, summary and rejects, in this thread or the capped one', () => {
    calc('w1', ['--workers', '1']);
    calc('w3', ['--workers', '3']);
    // Under a 64 MB budget the roster is not small beside it (2.3 MB × 32): the run goes through the capped thread
    // and its helpers get their shares, as a large roster's would.
    calc('w3-capped', ['--workers', '3', '--memory-mb', '64']);
    for (const out of ['w3', 'w3-capped']) for (const name of ['breakdown.csv', 'summary.csv', 'rejects.csv']) expect(file(out, name).equals(file('w1', name))).toBe(true);
  });

  it('a roster that needs more than the memory budget is run again without it, with the same output and no leftovers', () => {
    calc('budget-ok', []);
    const r = spawnSync(process.execPath, [BIN, 'calc', roster, '-o', join(dir, 'budget-tiny'), '--no-progress', '--memory-mb', '4'], { env: { ...process.env, NO_COLOR: '1', SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024) } });
    expect(r.status).toBe(0);
    expect(r.stderr.toString()).toContain('needs more than the 4 MB memory budget');
    for (const name of ['breakdown.csv', 'summary.csv', 'rejects.csv']) expect(file('budget-tiny', name).equals(file('budget-ok', name))).toBe(true);
    expect(readdirSync(join(dir, 'budget-tiny')).sort()).toEqual(['breakdown.csv', 'rejects.csv', 'summary.csv']);
  });

  it('a user-authored table (--table) reaches every thread: shanxi rows renamed to a demo table decide the same', () => {
    writeFileSync(join(dir, 'demo.yaml'), readFileSync(join(ROOT, 'data', 'shanxi.yaml'), 'utf8').replace('code: shanxi', 'code: demo'));
    writeFileSync(join(dir, 'demo.csv'), readFileSync(roster, 'utf8').replaceAll(',shanxi,', ',demo,'));
    // Under a budget the roster is not small beside (2.3 MB × 32 > 64 MB), the run goes through the capped thread,
    // which starts the helpers; and it stays within the budget.
    const r = spawnSync(process.execPath, [BIN, 'calc', join(dir, 'demo.csv'), '--table', join(dir, 'demo.yaml'), '-o', join(dir, 'demo'), '--no-progress', '--workers', '3', '--memory-mb', '64'], {
      env: { ...process.env, NO_COLOR: '1', SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024) },
    });
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(r.stderr.toString()).not.toContain('running it again without one');
    calc('w1-again', ['--workers', '1']);
    const rowsOf = (out: string, code: string): string[] =>
      file(out, 'summary.csv').toString().split('\r\n').filter((l) => l.startsWith(`${code},`)).map((l) => l.slice(code.length));
    expect(rowsOf('demo', 'demo').length).toBeGreaterThan(2);
    expect(rowsOf('demo', 'demo')).toEqual(rowsOf('w1-again', 'shanxi'));
  });

  it('the streaming path decides exactly as the in-memory path (limits across partitions)', () => {
    const streamed = calc('stream', []);
    const inMemory = calc('memory', ['--ledger', join(dir, 'ledger.db'), '--dry-run']);
    for (const name of ['breakdown.csv', 'summary.csv', 'rejects.csv']) expect(file('stream', name).equals(file('memory', name))).toBe(true);
    expect(streamed).toContain('rows read 20000 = evaluated');
    expect(inMemory.split('\n').find((l) => l.startsWith('rows read'))).toBe(streamed.split('\n').find((l) => l.startsWith('rows read')));
    // The synthetic roster repeats persons, so limits really fire.
    expect(file('stream', 'breakdown.csv').toString()).toContain('annual_cap');
  });
});
