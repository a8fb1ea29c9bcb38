// Large runs: outputs do not depend on worker threads, and the streaming path decides exactly as the in-memory one.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS } from '../../src/bench/synthetic.js';
import { Batch, type BatchResult } from '../../src/engine/batch.js';
import { breakdownHeader, breakdownRow, personRow, personsHeader, rejectRow, rejectsHeader, summaryHeader, summaryRow } from '../../src/io/csvOut.js';
import { type Ledger, type LedgerClaimView, type LedgerTx, rowHash } from '../../src/io/ledger.js';
import { openSqliteLedger } from '../../src/io/ledgerSqlite.js';
import { readRoster } from '../../src/io/roster.js';
import { loadRunTables } from '../../src/tables/shipped.js';
import { residentId } from '../helpers.js';
import { writeSyntheticRoster } from '../syntheticFile.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'subsidy.js');
const dir = mkdtempSync(join(tmpdir(), 'subsidy-scale-'));
const roster = join(dir, 'roster.csv');

function calc(out: string, extra: string[], env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, [BIN, 'calc', roster, '-o', join(dir, out), '--no-progress', ...extra], { env: { ...process.env, NO_COLOR: '1', SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024), ...env } });
  expect(r.status, r.stderr.toString()).toBe(0);
  return r.stdout.toString();
}
const file = (out: string, name: string): Buffer => readFileSync(join(dir, out, name));

// Each test runs calc several times on 20k rows: ~15–20 s alone, more on a loaded machine (the default is 30 s).
describe('20k-row synthetic roster', { timeout: 120_000 }, () => {
  beforeAll(() => writeSyntheticRoster(roster, 20_000, 7));

  it('1 worker and 3 workers write byte-identical breakdown, summary and rejects, in this thread or the capped one, the spill in one part or many', () => {
    const said = calc('w1', ['--workers', '1']);
    const said3 = calc('w3', ['--workers', '3']);
    // Under a 64 MB budget the roster is not small beside it (2.3 MB × 32): the run goes through the capped thread
    // and its helpers get their shares, as a large roster's would.
    const saidCapped = calc('w3-capped', ['--workers', '3', '--memory-mb', '64']);
    // Each thread's breakdown spilled in parts of ~4 KB (~7.5 MB in all: ~1,800 parts), copied out part by part.
    calc('w3-parts', ['--workers', '3'], { SUBSIDY_PART_BYTES: '4096' });
    for (const out of ['w3', 'w3-capped', 'w3-parts']) for (const name of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv']) expect(file(out, name).equals(file('w1', name))).toBe(true);
    // The closing lines too, the rejects' problems counted across the threads' chunks.
    const closing = (stdout: string): string => stdout.slice(0, stdout.indexOf('wrote'));
    expect(closing(said)).toMatch(/rejected rows: \d+ \(see rejects.csv\), by column and reason:\n {2}\S+ \S+ +\d+\n/);
    expect(closing(said3)).toBe(closing(said));
    expect(closing(saidCapped)).toBe(closing(said));
  });

  it('a GBK copy of the roster (as Excel saves a CSV on Chinese Windows), on one thread or cut into ranges that three threads each copy as UTF-8 first, writes what the UTF-8 roster writes', () => {
    // Both named roster.csv, each in a folder of its own: the file's name is in the breakdown and rejects.
    const run = (folder: string, workers: string): string => {
      const r = spawnSync(process.execPath, [BIN, 'calc', 'roster.csv', '-o', `out-${workers}`, '--no-progress', '--workers', workers], { cwd: folder, env: { ...process.env, NO_COLOR: '1', SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024) } });
      expect(r.status, r.stderr.toString()).toBe(0);
      return r.stderr.toString();
    };
    const utf8 = join(dir, 'utf8');
    const gbk = join(dir, 'gbk');
    mkdirSync(utf8);
    mkdirSync(gbk);
    copyFileSync(roster, join(utf8, 'roster.csv'));
    writeFileSync(join(gbk, 'roster.csv'), iconv.encode(readFileSync(roster, 'utf8'), 'gb18030'));
    run(utf8, '1');
    expect(run(gbk, '1')).toContain('roster.csv: read as GBK/GB18030');
    run(gbk, '3');
    for (const name of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv']) {
      expect(readFileSync(join(gbk, 'out-1', name)).equals(readFileSync(join(utf8, 'out-1', name))), name).toBe(true);
      expect(readFileSync(join(gbk, 'out-3', name)).equals(readFileSync(join(utf8, 'out-1', name))), name).toBe(true);
    }
  });

  it('a roster that needs more than the memory budget is run again without it, with the same output and no leftovers', () => {
    calc('budget-ok', []);
    const r = spawnSync(process.execPath, [BIN, 'calc', roster, '-o', join(dir, 'budget-tiny'), '--no-progress', '--memory-mb', '4'], { env: { ...process.env, NO_COLOR: '1', SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024) } });
    expect(r.status).toBe(0);
    expect(r.stderr.toString()).toContain('needs more than the 4 MB memory budget');
    for (const name of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv']) expect(file('budget-tiny', name).equals(file('budget-ok', name))).toBe(true);
    expect(readdirSync(join(dir, 'budget-tiny')).sort()).toEqual(['breakdown.csv', 'persons.csv', 'rejects.csv', 'summary.csv']);
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

  it('a roster naming its programmes in Chinese (as the tables do) decides as the one naming their ids, on three threads', async () => {
    const tables = await loadRunTables();
    // The same rows with each programme cell replaced by the programme's Chinese name in its jurisdiction's table.
    let renamed = 0;
    const zh = readFileSync(roster, 'utf8').replace(/^([^,\n]*),([^,\n]*),([^,\n]*),([^,"\n]*),/gm, (whole, id, name, code, program) => {
      const p = tables.get(code)?.programs.find((x) => x.id === program);
      if (!p) return whole;
      renamed++;
      return `${id},${name},${code},${p.name.zh},`;
    });
    expect(renamed).toBeGreaterThan(18_000);
    mkdirSync(join(dir, 'zh'));
    writeFileSync(join(dir, 'zh', 'roster.csv'), zh);
    const r = spawnSync(process.execPath, [BIN, 'calc', 'zh/roster.csv', '-o', 'zh-out', '--no-progress', '--workers', '3'], { cwd: dir, env: { ...process.env, NO_COLOR: '1', SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024) } });
    expect(r.status, r.stderr.toString()).toBe(0);
    const s = spawnSync(process.execPath, [BIN, 'calc', 'roster.csv', '-o', 'id-out', '--no-progress', '--workers', '3'], { cwd: dir, env: { ...process.env, NO_COLOR: '1', SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024) } });
    expect(s.status, s.stderr.toString()).toBe(0);
    // The file cell names the roster as given; everything else is the same, to the byte.
    for (const name of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv']) {
      expect(file('zh-out', name).toString().replaceAll('zh/roster.csv', 'roster.csv'), name).toBe(file('id-out', name).toString());
    }
  });

  it('a roster with a sheet title above its header, its header again in the middle and a 合计 row and empty rows below its data, cut into ranges for three threads (in the capped thread), reads as on one thread: the same rows, one row further down (two after the header again)', () => {
    mkdirSync(join(dir, 'titled'));
    const empty = `${','.repeat(25)}\n`;
    // And, in the middle, the header again (two rosters put together): the rows after it are one further down still.
    const lines = readFileSync(roster, 'utf8').split('\n');
    const halves = `${lines.slice(0, 10_001).join('\n')}\n${lines[0]}\n${lines.slice(10_001).join('\n')}`;
    writeFileSync(join(dir, 'titled', 'roster.csv'), `2020年职业技能培训补贴花名册${','.repeat(25)}\n${halves}合计${empty}${empty.repeat(3)}`);
    const env = { ...process.env, NO_COLOR: '1', SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024) };
    for (const [workers, budget] of [['1', []], ['3', ['--memory-mb', '64']]] as const) {
      const r = spawnSync(process.execPath, [BIN, 'calc', 'titled/roster.csv', '-o', `titled-w${workers}`, '--no-progress', '--workers', workers, ...budget], { cwd: dir, env });
      expect(r.status, r.stderr.toString()).toBe(0);
      const err = r.stderr.toString();
      expect(err).toContain("titled/roster.csv: above the header, taken as the sheet's title and not read as claims: row 1: 2020年职业技能培训补贴花名册");
      expect(err).toContain('titled/roster.csv: 1 row(s) repeating the header set aside, not read as claims (row 10003): rosters put together one below the other?');
      expect(err).toContain('titled/roster.csv: 1 totals row(s) (合计/小计, no ID) set aside, not read as claims (row 20004)');
      expect(err).toContain('titled/roster.csv: 3 empty row(s) skipped, every column read blank (rows 20005, 20006, 20007)');
      expect(r.stdout.toString()).toContain('rows read 20000 = ');
    }
    for (const name of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv']) expect(file('titled-w3', name).equals(file('titled-w1', name)), name).toBe(true);
    // Against the same roster without its title (w1, from the first test): every row number one more (two past the header again).
    const rowsOf = (out: string): string[] => file(out, 'breakdown.csv').toString().split('\r\n').slice(1, -1).map((l) => l.split(',')[1]!);
    expect(rowsOf('titled-w1')).toEqual(rowsOf('w1').map((n) => String(Number(n) + (Number(n) <= 10_001 ? 1 : 2))));
  });

  it('IDs and dates exported as text formulas (="330681…") read as the text inside, on three threads: the same outputs as the plain roster', () => {
    mkdirSync(join(dir, 'formulas'));
    // Every fifth row's ID and date wrapped (a quote mid-cell, which the hand cutter hands to the general reader).
    let wrapped = 0;
    const text = readFileSync(roster, 'utf8').replace(/^(\d{17}[\dXx]),([^,\n]*),([^,\n]*),([^,\n]*),(\d{4}-\d\d-\d\d),/gm, (whole, id, name, code, program, date) => {
      if (wrapped++ % 5) return whole;
      return `="${id}",${name},${code},${program},="${date}",`;
    });
    expect(wrapped).toBeGreaterThan(15_000);
    writeFileSync(join(dir, 'formulas', 'roster.csv'), text);
    const env = { ...process.env, NO_COLOR: '1', SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024) };
    for (const [file, out] of [['formulas/roster.csv', 'formulas-out'], ['roster.csv', 'plain-out']] as const) {
      const r = spawnSync(process.execPath, [BIN, 'calc', file, '-o', out, '--no-progress', '--workers', '3'], { cwd: dir, env });
      expect(r.status, r.stderr.toString()).toBe(0);
    }
    for (const name of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv']) {
      expect(file('formulas-out', name).toString().replaceAll('formulas/roster.csv', 'roster.csv'), name).toBe(file('plain-out', name).toString());
    }
  });

  it('the streaming path decides exactly as the engine does with the whole roster in memory (limits across partitions)', async () => {
    const streamed = calc('stream', []);
    const reference = await inMemory(roster);
    for (const name of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv'] as const) expect(file('stream', name).toString()).toBe(reference.files[name]);
    expect(streamed).toContain(`rows read 20000 = evaluated ${reference.result.rowsEvaluated} + rejected ${reference.result.rowsRejected}`);
    // The synthetic roster repeats persons, so limits really fire.
    expect(file('stream', 'breakdown.csv').toString()).toContain('annual_cap');
    // Partitions decided in pieces of their persons (as from a few million rows): the same, to the byte. Pieces
    // of 4 KB of records cut each of the 5 partitions into ~100.
    calc('stream-pieces', ['--workers', '3'], { SUBSIDY_PIECE_BYTES: '4096' });
    for (const name of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv'] as const) expect(file('stream-pieces', name).toString()).toBe(reference.files[name]);
  });

  it('ZJ-04: lines under review that the limits add a note to (a twin) stream as the engine writes them, on three threads and in pieces', async () => {
    // Rows the synthetic roster lacks: 40 persons each with a ZJ-04 claim outside the listed groups (review) entered
    // twice, spread through the roster; the second keeps its reason with the limits' note after it.
    const lines = readFileSync(roster, 'utf8').split('\n');
    const twin = (i: number): string => COLUMNS.map((c) => ({ person_id: residentId(90_000 + i), name: `王${i}`, jurisdiction: 'zhuji', program: 'entrepreneurship', date: '2020-05-06', groups: 'enterprise_employee' })[c as string] ?? '').join(',');
    const withTwins = join(dir, 'twins.csv');
    const body = lines.slice(1, -1);
    for (let i = 0; i < 40; i++) body.splice(1 + i * 500, 0, twin(i), twin(i));
    writeFileSync(withTwins, [lines[0], ...body].join('\n') + '\n');
    const reference = await inMemory(withTwins);
    expect(reference.files['breakdown.csv'].match(/group_not_listed,"[^"]*; the same claim as /g)).toHaveLength(40);
    for (const [out, env] of [['twins-w3', {}], ['twins-pieces', { SUBSIDY_PIECE_BYTES: '4096' }]] as const) {
      const r = spawnSync(process.execPath, [BIN, 'calc', withTwins, '-o', join(dir, out), '--no-progress', '--workers', '3'], { env: { ...process.env, NO_COLOR: '1', SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024), ...env } });
      expect(r.status, r.stderr.toString()).toBe(0);
      for (const name of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv'] as const) expect(file(out, name).toString()).toBe(reference.files[name]);
    }
  });

  it('IDs given with another name on some rows: persons.csv lists the other names alike on one thread, three, in pieces and in memory', async () => {
    // Every 40th row's name changed (学员12 → 学员12乙), every 30th spaced and full-width (学 员１２: the same name).
    let n = 0;
    let changed = 0;
    const text = readFileSync(roster, 'utf8').replace(/^(\d{17}[\dXx]),学员(\d+),/gm, (whole, id, k) => {
      n++;
      if (n % 40 === 0) return changed++, `${id},学员${k}乙,`;
      if (n % 30 === 0) return `${id},学 员${String(k).replace(/\d/g, (d: string) => String.fromCharCode(0xff10 + Number(d)))},`;
      return whole;
    });
    expect(changed).toBeGreaterThan(400);
    mkdirSync(join(dir, 'names'));
    writeFileSync(join(dir, 'names', 'roster.csv'), text);
    const env = { ...process.env, NO_COLOR: '1', SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024) };
    const notes: string[] = [];
    for (const [out, extra] of [['names-w1', { workers: '1' }], ['names-w3', { workers: '3' }], ['names-pieces', { workers: '3', SUBSIDY_PIECE_BYTES: '4096' }]] as const) {
      const r = spawnSync(process.execPath, [BIN, 'calc', 'names/roster.csv', '-o', out, '--no-progress', '--workers', extra.workers], { cwd: dir, env: { ...env, ...('SUBSIDY_PIECE_BYTES' in extra ? { SUBSIDY_PIECE_BYTES: extra.SUBSIDY_PIECE_BYTES } : {}) } });
      expect(r.status, r.stderr.toString()).toBe(0);
      notes.push(/^\d+ ID\(s\) appear with more than one name.*$/m.exec(r.stderr.toString())![0]);
    }
    const reference = await inMemory(join(dir, 'names', 'roster.csv'));
    for (const out of ['names-w1', 'names-w3', 'names-pieces']) expect(file(out, 'persons.csv').toString(), out).toBe(reference.files['persons.csv'].replaceAll(join(dir, 'names', 'roster.csv'), 'names/roster.csv'));
    // A person whose later row was renamed has it listed. The spaced full-width spelling is the same name: listed only
    // beside the renamed one (学员12乙 first, then 学 员12), never beside 学员12 and never with it.
    const rows = file('names-w1', 'persons.csv').toString().split('\r\n').slice(1, -1).map((l) => l.split(','));
    const listed = rows.filter((c) => c[5] !== '');
    expect(listed.length).toBeGreaterThan(50);
    expect(notes).toEqual(Array(3).fill(`${listed.length} ID(s) appear with more than one name: persons.csv gives the first and lists the others (other_names); the breakdown has each row's own name: check the ID or the name`));
    for (const [, , , , name, others] of listed) {
      const plain = name!.replace(/ /g, '');
      expect(others!.split('; ').map((o) => o.replace(/ /g, ''))).toEqual([plain.endsWith('乙') ? plain.slice(0, -1) : `${plain}乙`]);
    }
  });

  it('a ledger run streams and decides and records exactly as the engine does in memory against the same ledger', async () => {
    // The ledger knows the first half of the roster (a month already paid): the whole roster again has duplicates,
    // and limits count the history of its persons.
    const half = join(dir, 'half.csv');
    writeFileSync(half, readFileSync(roster, 'utf8').split('\n').slice(0, 10_001).join('\n') + '\n');
    const db = join(dir, 'history.db');
    const first = spawnSync(process.execPath, [BIN, 'calc', half, '-o', join(dir, 'half'), '--no-progress', '--ledger', db], { env: { ...process.env, SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024) } });
    expect(first.status, first.stderr.toString()).toBe(0);
    // The same ledger for a run whose partitions are decided in pieces (below).
    const dbPieces = join(dir, 'history-pieces.db');
    copyFileSync(db, dbPieces);
    const ledger = openSqliteLedger(db, false);
    let reference: Awaited<ReturnType<typeof inMemory>>;
    try {
      reference = await ledger.transaction(async (tx) => inMemory(roster, tx), { dryRun: true });
    } finally {
      await ledger.close();
    }
    const dry = calc('ledger-dry', ['--ledger', db, '--dry-run', '--workers', '3']);
    for (const name of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv'] as const) expect(file('ledger-dry', name).toString()).toBe(reference.files[name]);
    expect(file('ledger-dry', 'breakdown.csv').toString()).toContain('already_in_ledger');
    expect(dry).toContain('dry run: nothing recorded');

    // Recorded for real: the same claims and rows, in input order, as the in-memory run would record.
    // In small parts of spill too: a ledger run keeps them (its transaction may be tried again and copy again).
    const real = calc('ledger-real', ['--ledger', db, '--workers', '3'], { SUBSIDY_PART_BYTES: '4096' });
    for (const name of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv'] as const) expect(file('ledger-real', name).toString()).toBe(reference.files[name]);
    const r = reference.result;
    const paid = new Set(r.lines.filter((l) => l.status === 'approved').map((l) => l.seq));
    const claims = r.lines.filter((l) => l.status === 'approved');
    expect(claims.length).toBeGreaterThan(1000);
    expect(real).toContain(`recorded ${claims.length} approved line(s)`);
    const check = openSqliteLedger(db, false);
    try {
      const runs = await check.runs();
      expect(runs).toHaveLength(2);
      expect(runs[1]).toMatchObject({ rowsEvaluated: r.evaluatedRows.length, claims: claims.length, amountFen: claims.reduce((a, l) => a + l.amountFen, 0) });
      const recorded = (await everyClaim(check)).filter((c) => c.runId === runs[1]!.runId);
      expect(recorded.map((c) => [c.file, c.row, c.personKey, c.program, c.occupation, c.level, c.date, c.amountFen, c.payee])).toEqual(
        claims.map((l) => [l.file, l.row, l.personKey, l.program, l.occupation, l.level, l.date, l.amountFen, l.payee]),
      );
    } finally {
      await check.close();
    }
    // Every paid row recorded once, with its content hash, in input order: the same roster a third time is all duplicates.
    const recordedRows = (path: string): unknown[] => {
      const sqlite = new Database(path, { readonly: true });
      try {
        return sqlite.prepare(`SELECT file, row, row_hash AS hash FROM rows WHERE run_id = (SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1) ORDER BY rowid`).all();
      } finally {
        sqlite.close();
      }
    };
    expect(recordedRows(db)).toEqual(r.evaluatedRows.filter((x) => paid.has(x.seq)).map((x) => ({ file: x.file, row: x.row, hash: x.hash })));

    // Partitions decided in pieces: the same outputs, and the same claims and rows recorded in the same order
    // (each piece's ledger events are put back in line order).
    calc('ledger-pieces', ['--ledger', dbPieces, '--workers', '3'], { SUBSIDY_PIECE_BYTES: '4096' });
    for (const name of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv'] as const) expect(file('ledger-pieces', name).toString()).toBe(reference.files[name]);
    const inPieces = openSqliteLedger(dbPieces, false);
    try {
      const runs = await inPieces.runs();
      const recorded = (await everyClaim(inPieces)).filter((c) => c.runId === runs[1]!.runId);
      expect(recorded.map((c) => [c.file, c.row, c.personKey, c.program, c.occupation, c.level, c.date, c.amountFen, c.payee])).toEqual(
        claims.map((l) => [l.file, l.row, l.personKey, l.program, l.occupation, l.level, l.date, l.amountFen, l.payee]),
      );
    } finally {
      await inPieces.close();
    }
    expect(recordedRows(dbPieces)).toEqual(recordedRows(db));
    // The database failing while the limits threads wait on its answers: the run stops with the error, writes
    // nothing and records nothing (no thread left waiting).
    const counts = (): unknown => {
      const sqlite = new Database(db, { readonly: true });
      try {
        return sqlite.prepare('SELECT (SELECT COUNT(*) FROM runs) AS runs, (SELECT COUNT(*) FROM claims) AS claims, (SELECT COUNT(*) FROM rows) AS rows').get();
      } finally {
        sqlite.close();
      }
    };
    const before = counts();
    const failed = spawnSync(process.execPath, [BIN, 'calc', roster, '-o', join(dir, 'ledger-failed'), '--no-progress', '--ledger', db, '--workers', '3'], {
      env: { ...process.env, SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024), SUBSIDY_FAULT: 'lookup-error' },
      timeout: 60_000,
    });
    expect(failed.status, failed.stderr.toString()).toBe(1);
    expect(failed.stderr.toString()).toBe('subsidy: injected fault: lookup-error\n');
    expect(existsSync(join(dir, 'ledger-failed'))).toBe(false); // no file, and not the folder made for the run either
    expect(counts()).toEqual(before);

    const third = calc('ledger-third', ['--ledger', db]);
    expect(third).toContain('recorded 0 approved line(s)');
    expect(file('ledger-third', 'breakdown.csv').toString()).not.toMatch(/,approved,/);

    // The export is written batch by batch (4,096 claims each): every claim once, in recording order.
    const exported = join(dir, 'claims.csv');
    const exp = spawnSync(process.execPath, [BIN, 'ledger', 'export', '--ledger', db, '-o', exported]);
    expect(exp.status, exp.stderr.toString()).toBe(0);
    const all = openSqliteLedger(db, false);
    try {
      const claims = await everyClaim(all);
      expect(claims.length).toBeGreaterThan(2 * 4096);
      const lines = readFileSync(exported, 'utf8').replace(/^\uFEFF/, '').trimEnd().split('\r\n');
      expect(lines[0]).toBe('run_id,voided,file,row,person_key,jurisdiction,program,occupation,level,date,year,amount,payee,recorded_at');
      expect(lines.slice(1).map((l) => l.split(',').slice(0, 5).join(','))).toEqual(claims.map((c) => [c.runId, c.voided ? 'yes' : 'no', c.file, c.row, c.personKey].join(',')));
    } finally {
      await all.close();
    }
  });

  it('a ledger run within the memory budget (the capped thread opens the ledger) decides and records as one in this thread; out of the budget, it is run again, unless it was recorded', () => {
    const half = join(dir, 'half-for-budget.csv');
    writeFileSync(half, readFileSync(roster, 'utf8').split('\n').slice(0, 10_001).join('\n') + '\n');
    const ledgers = ['here', 'capped', 'tiny', 'after-commit'].map((name) => join(dir, `budget-${name}.db`));
    const first = spawnSync(process.execPath, [BIN, 'calc', half, '-o', join(dir, 'budget-half'), '--no-progress', '--ledger', ledgers[0]!], { env: { ...process.env, SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024) } });
    expect(first.status, first.stderr.toString()).toBe(0);
    for (const copy of ledgers.slice(1)) copyFileSync(ledgers[0]!, copy);
    const runIdsOut = (out: string, name: string): string => file(out, name).toString().replace(/R\d{8}T\d{6}-[0-9a-f]{4}/g, 'RUN');
    const claimsOf = (path: string): unknown[] => {
      const sqlite = new Database(path, { readonly: true });
      try {
        return sqlite.prepare(`SELECT c.file, c.row, c.person_key, c.program, c.date, c.amount_fen, c.row_hash, r.rows_evaluated, r.claims FROM claims c JOIN runs r USING (run_id) ORDER BY c.rowid`).all();
      } finally {
        sqlite.close();
      }
    };
    const runsIn = (path: string): number => {
      const sqlite = new Database(path, { readonly: true });
      try {
        return (sqlite.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n;
      } finally {
        sqlite.close();
      }
    };
    // In this thread (no budget), and in the capped one (2.3 MB × 32 is over 64 MB), which opens the ledger itself.
    const here = calc('budget-here', ['--ledger', ledgers[0]!, '--workers', '3', '--memory-mb', '0']);
    const capped = calc('budget-capped', ['--ledger', ledgers[1]!, '--workers', '3', '--memory-mb', '64']);
    expect(file('budget-here', 'breakdown.csv').toString()).toContain('already_in_ledger');
    const said = (stdout: string, out: string, db: string): string => stdout.replace(/R\d{8}T\d{6}-[0-9a-f]{4}/g, 'RUN').replaceAll(out, 'OUT').replace(db, 'DB');
    expect(said(capped, 'budget-capped', ledgers[1]!)).toBe(said(here, 'budget-here', ledgers[0]!));
    for (const name of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv']) expect(runIdsOut('budget-capped', name)).toBe(runIdsOut('budget-here', name));
    expect(claimsOf(ledgers[1]!)).toEqual(claimsOf(ledgers[0]!));
    // A budget the run cannot keep to: its thread dies inside the ledger's transaction, which is rolled back, and the
    // run is done again without the budget: recorded once.
    const tiny = spawnSync(process.execPath, [BIN, 'calc', roster, '-o', join(dir, 'budget-tiny-ledger'), '--no-progress', '--ledger', ledgers[2]!, '--memory-mb', '4'], { env: { ...process.env, SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024) } });
    expect(tiny.status, tiny.stderr.toString()).toBe(0);
    expect(tiny.stderr.toString()).toContain('needs more than the 4 MB memory budget');
    for (const name of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv']) expect(runIdsOut('budget-tiny-ledger', name)).toBe(runIdsOut('budget-here', name));
    expect(runsIn(ledgers[2]!)).toBe(2);
    expect(claimsOf(ledgers[2]!)).toEqual(claimsOf(ledgers[0]!));
    // Out of the budget after the ledger committed: not run again (it would find every row paid), and the clerk is
    // told which run to void.
    const after = spawnSync(process.execPath, [BIN, 'calc', roster, '-o', join(dir, 'budget-after-commit'), '--no-progress', '--ledger', ledgers[3]!, '--memory-mb', '64'], {
      env: { ...process.env, SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024), SUBSIDY_FAULT: 'out-of-memory-after-commit' },
    });
    expect(after.status).toBe(1);
    expect(after.stderr.toString()).toMatch(/^subsidy: run R\d{8}T\d{6}-[0-9a-f]{4} was recorded in the ledger, then ran out of the 64 MB memory budget before writing its outputs: void it/);
    expect(runsIn(ledgers[3]!)).toBe(2);
  });

  it('a streaming run against a ledger of hashed IDs decides as against a plain one, on one thread or three', () => {
    const half = join(dir, 'half-for-hashing.csv');
    writeFileSync(half, readFileSync(roster, 'utf8').split('\n').slice(0, 10_001).join('\n') + '\n');
    const salt = { SUBSIDY_ID_SALT: 'scale-test-salt' };
    for (const [db, extra] of [['plain.db', []], ['hashed.db', ['--hash-ids']]] as const) {
      const first = spawnSync(process.execPath, [BIN, 'calc', half, '-o', join(dir, `${db}-half`), '--no-progress', '--ledger', join(dir, db), ...extra], {
        env: { ...process.env, SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024), ...salt },
      });
      expect(first.status, first.stderr.toString()).toBe(0);
    }
    // The salt is set for the plain ledger's runs too: its row hashes must not depend on it (or rows are paid twice).
    calc('hashed-w1', ['--ledger', join(dir, 'hashed.db'), '--dry-run', '--workers', '1'], salt);
    calc('hashed-w3', ['--ledger', join(dir, 'hashed.db'), '--dry-run', '--workers', '3'], salt);
    calc('plain-w3', ['--ledger', join(dir, 'plain.db'), '--dry-run', '--workers', '3']);
    expect(file('plain-w3', 'breakdown.csv').toString()).toContain('already_in_ledger');
    expect(file('hashed-w3', 'breakdown.csv').toString()).toContain('already_in_ledger');
    // The two ledgers' runs have ids of their own, which the reasons quote.
    const runIdsOut = (out: string, name: string): string => file(out, name).toString().replace(/R\d{8}T\d{6}-[0-9a-f]{4}/g, 'RUN');
    for (const name of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv']) {
      expect(file('hashed-w3', name).equals(file('hashed-w1', name))).toBe(true);
      expect(runIdsOut('hashed-w3', name)).toBe(runIdsOut('plain-w3', name));
    }
  });
});

/** Every claim of a ledger, in recording order. */
async function everyClaim(ledger: Ledger): Promise<LedgerClaimView[]> {
  const claims: LedgerClaimView[] = [];
  for await (const batch of ledger.claimBatches()) claims.push(...batch);
  return claims;
}

/**
 * The reference: the roster decided whole, in memory, by the engine (Batch), as the outputs would have it; against a
 * ledger's history and recorded rows when a transaction is given.
 */
async function inMemory(path: string, tx?: LedgerTx): Promise<{ result: BatchResult; files: Record<'breakdown.csv' | 'summary.csv' | 'persons.csv' | 'rejects.csv', string> }> {
  const tables = await loadRunTables();
  const batch = new Batch({ tables });
  for await (const rec of readRoster(path, 'auto', () => undefined)) {
    if (rec.skipped) continue; // as calc: every column read blank, or a 合计 row: neither a claim nor a reject
    if (rec.unreadable !== undefined) batch.addUnreadable(rec.file, rec.row, rec.unreadable, rec.raw);
    else batch.add(rec.file, rec.row, rec.cells, rowHash(rec.cells, undefined, undefined));
  }
  const result = batch.finish(tx ? { history: await tx.history(batch.personKeys()), recordedRows: await tx.recordedRows(batch.rowHashes()) } : {});
  return {
    result,
    files: {
      'breakdown.csv': breakdownHeader('en') + result.lines.map((l) => breakdownRow(l, 'en', false)).join(''),
      'summary.csv': summaryHeader('en') + result.summary.map((x) => summaryRow(x, 'en')).join(''),
      'persons.csv': personsHeader('en') + result.persons.map((x) => personRow(x, false)).join(''),
      'rejects.csv': rejectsHeader('en') + result.rejects.map((x) => rejectRow(x, 'en')).join(''),
    },
  };
}

describe('a roster of 4 MB or more under the default budget', { timeout: 120_000 }, () => {
  const big = join(dir, 'big.csv');
  beforeAll(() => writeSyntheticRoster(big, 45_000, 11));

  it("its run thread, started as the process starts (warmRun.ts), writes what a run in the main thread writes; a run given --memory-mb starts its thread when it runs", () => {
    const run = (out: string, extra: string[]): string => {
      const r = spawnSync(process.execPath, [BIN, 'calc', big, '-o', join(dir, out), '--no-progress', ...extra], { env: { ...process.env, NO_COLOR: '1', SUBSIDY_TIMINGS: '1' } });
      expect(r.status, r.stderr.toString()).toBe(0);
      return r.stderr.toString();
    };
    expect(run('ahead', [])).toContain('run thread started ahead');
    expect(run('here', ['--memory-mb', '0'])).not.toContain('run thread started ahead');
    expect(run('capped', ['--memory-mb', '128'])).not.toContain('run thread started ahead');
    for (const out of ['ahead', 'capped']) for (const name of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv']) expect(file(out, name).equals(file('here', name)), `${out}/${name}`).toBe(true);
  });
});
