// Which command lines start a calc's run thread as the process starts (warmRun.ts): a guess from the files named, never a reason to read anything.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { warmWanted } from '../../src/cli/warmRun.js';

const dir = mkdtempSync(join(tmpdir(), 'subsidy-warm-'));
const small = join(dir, 'small.csv');
const large = join(dir, 'large.csv');
const half = join(dir, 'half.csv');
writeFileSync(small, 'person_id\n');
// 4 MB: the default 128 MB budget over 32 bytes a roster byte (calc.ts runs a smaller roster in its own thread).
writeFileSync(large, Buffer.alloc(4 << 20));
writeFileSync(half, Buffer.alloc(2 << 20));

describe('warmWanted', () => {
  it('a calc of files of 4 MB or more together, under the default budget', () => {
    expect(warmWanted(['calc', large])).toBe(true);
    expect(warmWanted(['calc', half, half, '-j', 'zhuji', '-o', 'out'])).toBe(true);
    expect(warmWanted(['calc', large, '--workers', '2', '--lang', 'zh'])).toBe(true);
  });

  it('not a smaller roster, standard input, another budget, help, or another command', () => {
    expect(warmWanted(['calc', small])).toBe(false);
    expect(warmWanted(['calc', half])).toBe(false);
    expect(warmWanted(['calc', '-'])).toBe(false);
    expect(warmWanted(['calc', large, '--memory-mb', '0'])).toBe(false);
    expect(warmWanted(['calc', large, '--memory-mb=256'])).toBe(false);
    expect(warmWanted(['calc', large, '--help'])).toBe(false);
    expect(warmWanted(['estimate', '--roster', large])).toBe(false);
    expect(warmWanted([])).toBe(false);
  });

  it('names that are no file, or a path through a file, count as nothing (calc says so itself)', () => {
    expect(warmWanted(['calc', join(dir, 'missing.csv')])).toBe(false);
    expect(warmWanted(['calc', join(small, 'inside.csv'), large])).toBe(true);
  });
});
