// A disk that fills up mid-run: the run says where (its temporary folder, the output file it was writing, or the ledger) and what to do, exits 1, and leaves nothing behind.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempFolderFull } from '../../src/io/diskFull.js';
import { ledgerRefused } from '../../src/io/ledger.js';
import { BilingualError } from '../../src/engine/bilingualError.js';
import { writeSyntheticRoster } from '../syntheticFile.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'subsidy.js');
const dir = mkdtempSync(join(tmpdir(), 'subsidy-full-'));
const roster = join(dir, 'roster.csv');
const fixture = join(ROOT, 'fixtures', 'zhuji', 'roster.csv');

/** calc with a write refused for want of room at `fault`, its temporary files in a folder of their own (TMPDIR). */
function calcFull(fault: string, input: string, out: string, extra: string[] = []): { status: number | null; stderr: string; temp: string } {
  const temp = mkdtempSync(join(dir, 'tmp-'));
  // 64 KB ranges: the 5,000-row roster is cut for three threads, so a helper meets the full disk too.
  const env = { ...process.env, NO_COLOR: '1', TMPDIR: temp, SUBSIDY_FAULT: fault, SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024) };
  const r = spawnSync(process.execPath, [BIN, 'calc', input, '-j', 'zhuji', '-o', join(dir, out), '--no-progress', '--workers', '3', ...extra], { env });
  return { status: r.status, stderr: r.stderr.toString(), temp };
}

describe('a full disk', { timeout: 60_000 }, () => {
  beforeAll(() => writeSyntheticRoster(roster, 5_000, 3));

  it("while a large run spills, or a workbook's sheet is copied: names the temporary folder (TMPDIR), in English or Chinese; no outputs, no temporary files left", () => {
    const en = calcFull('temp-disk-full', roster, 'spill-en');
    expect(en.status).toBe(1);
    expect(en.stderr).toBe(
      `subsidy: no space left for the run's temporary files in ${en.temp} (ENOSPC): a large run keeps up to about five times the roster's size there (the 1M-row bench roster, 114 MB: ~560 MB); free some room, or set TMPDIR to a folder on a disk with room\n`,
    );
    expect(readdirSync(en.temp)).toEqual([]);
    expect(existsSync(join(dir, 'spill-en'))).toBe(false);
    const zh = calcFull('temp-disk-full', roster, 'spill-zh', ['--lang', 'zh']);
    expect(zh.status).toBe(1);
    expect(zh.stderr).toBe(`subsidy: 临时文件夹 ${zh.temp} 所在磁盘空间不足 (ENOSPC): 大批量运行时的临时文件最多约为花名册大小的五倍 (100 万行的基准花名册 114 MB: 约 560 MB); 请腾出空间, 或将 TMPDIR 设为空间充足的磁盘上的文件夹\n`);
    expect(readdirSync(zh.temp)).toEqual([]);
    // A workbook's sheet is copied to the temporary folder first: the same.
    const book = calcFull('temp-disk-full', join(ROOT, 'fixtures', 'zhuji', 'roster.xlsx'), 'book');
    expect(book.status).toBe(1);
    expect(book.stderr).toContain(`subsidy: no space left for the run's temporary files in ${book.temp} (ENOSPC)`);
    expect(readdirSync(book.temp)).toEqual([]);
    expect(existsSync(join(dir, 'book'))).toBe(false);
  });

  it('while an output is written: names the output file (a large run and a small one); the output folder it made is gone, no temporary file left', () => {
    for (const [input, out] of [[roster, 'out-large'], [fixture, 'out-small']] as const) {
      const r = calcFull('output-disk-full', input, out);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`subsidy: cannot write ${join(dir, out, 'breakdown.csv')}: no space left (ENOSPC)\n`);
      expect(existsSync(join(dir, out))).toBe(false);
      expect(readdirSync(r.temp)).toEqual([]);
    }
    const zh = calcFull('output-disk-full', fixture, 'out-zh', ['--lang', 'zh']);
    expect(zh.stderr).toBe(`subsidy: 无法写入 ${join(dir, 'out-zh', 'breakdown.csv')}: 磁盘空间不足 (ENOSPC)\n`);
  });

  it('while persons.csv is written by a thread of its own, beside the breakdown: names persons.csv; no outputs, no temporary file left', () => {
    const r = calcFull('persons-disk-full', roster, 'persons-full');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`subsidy: cannot write ${join(dir, 'persons-full', 'persons.csv')}: no space left (ENOSPC)\n`);
    expect(existsSync(join(dir, 'persons-full'))).toBe(false);
    expect(readdirSync(r.temp)).toEqual([]);
  });

  it('only a write refused for want of room (ENOSPC, EDQUOT) is said as the temporary folder full; other errors pass as they are', () => {
    const errno = (code: string): Error => Object.assign(new Error(`${code}: refused, write`), { code, syscall: 'write' });
    for (const code of ['ENOSPC', 'EDQUOT']) expect((tempFolderFull(errno(code)) as Error).message).toMatch(new RegExp(`^no space left for the run's temporary files in .+ \\(${code}\\)`));
    for (const e of [errno('EACCES'), errno('EIO'), new Error('no code'), new BilingualError('said already', '已说明')]) expect(tempFolderFull(e)).toBe(e);
  });

  it("a ledger's database refusing for want of room (SQLite's SQLITE_FULL, PostgreSQL's disk_full 53100) says so; its other refusals keep the database's words, framed in Chinese too", () => {
    const where = 'postgres://…@db.example:5432/subsidy';
    const full = ledgerRefused(where, { code: '53100', message: 'could not extend file "base/16384/16390": No space left on device' });
    expect(full.message).toBe(`${where}: no space left for the ledger (disk_full 53100): nothing was recorded, the ledger is as it was and a calc run wrote no outputs; free some room on the ledger's disk and run again`);
    expect(full.zh).toBe(`${where}: 台账所在磁盘空间不足 (disk_full 53100): 未记入任何内容, 台账保持原样, calc 也未写出结果文件; 请腾出空间后重新运行`);
    expect(ledgerRefused('l.db', { code: 'SQLITE_FULL', message: 'database or disk is full' }).message).toMatch(/^l\.db: no space left for the ledger \(SQLITE_FULL\)/);
    const dropped = ledgerRefused(where, { code: '57P01', message: 'terminating connection due to administrator command' });
    expect([dropped.message, dropped.zh]).toEqual([`${where}: terminating connection due to administrator command`, `${where}: 台账数据库出错: terminating connection due to administrator command`]);
  });
});
