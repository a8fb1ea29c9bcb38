// Temporary folders and staged outputs named by their process, and those of runs killed outright (SIGKILL, out of memory) swept up by a later run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/io/atomic.js';
import { makeTempFolder, sweepStaleTempFolders } from '../../src/io/tempFolders.js';

const given = process.env.TMPDIR;
afterEach(() => {
  if (given === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = given;
});

describe('temporary folders', () => {
  it("a run's folder is named by its process; a killed run's folder, unchanged for an hour, goes; a recent one, a running process's, this process's and anything else stay", () => {
    const temp = mkdtempSync(join(tmpdir(), 'subsidy-temp-'));
    process.env.TMPDIR = temp;
    // A process that has exited: its ID names no running process now.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const hourAgo = (Date.now() - 61 * 60 * 1000) / 1000;
    const folder = (name: string, old: boolean): string => {
      const path = join(temp, name);
      mkdirSync(path);
      writeFileSync(join(path, 'p0.tsv'), 'spill');
      if (old) utimesSync(path, hourAgo, hourAgo);
      return name;
    };
    const killed = [folder(`subsidy-run-${dead}-aB3dEf`, true), folder(`subsidy-sheets-${dead}-x1Y2z3`, true)];
    const kept = [
      folder(`subsidy-run-${dead}-recent`, false),
      folder(`subsidy-run-1-initpd`, true), // process 1 always runs
      folder(`subsidy-run-${process.pid}-mine00`, true),
      folder('subsidy-run-Ab12Cd', true), // no process ID in the name: an earlier version's, left alone
      folder('someone-else', true),
    ];
    const made = makeTempFolder('run');
    expect(basename(made)).toMatch(new RegExp(`^subsidy-run-${process.pid}-`));
    for (const name of killed) expect(existsSync(join(temp, name)), name).toBe(false);
    expect(readdirSync(temp).sort()).toEqual([...kept, basename(made)].sort());
    // Nothing to sweep, or no such temporary folder: nothing happens.
    sweepStaleTempFolders();
    process.env.TMPDIR = join(temp, 'missing');
    expect(() => sweepStaleTempFolders()).not.toThrow();
  });

  it("an output's hidden temp file that a killed run left beside it goes when the output is next written; a recent one, this process's and another output's stay", () => {
    const out = mkdtempSync(join(tmpdir(), 'subsidy-out-'));
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const hourAgo = (Date.now() - 61 * 60 * 1000) / 1000;
    const file = (name: string, old: boolean): string => {
      writeFileSync(join(out, name), 'half a breakdown');
      if (old) utimesSync(join(out, name), hourAgo, hourAgo);
      return name;
    };
    const killed = file(`.breakdown.csv.tmp-${dead}-mwv7uvuk`, true);
    const kept = [file(`.breakdown.csv.tmp-${dead}-mwv7zzzz`, false), file(`.breakdown.csv.tmp-${process.pid}-mwv70000`, true), file(`.summary.csv.tmp-${dead}-mwv7uvuk`, true)];
    writeFileAtomic(join(out, 'breakdown.csv'), 'file,row\r\n');
    expect(existsSync(join(out, killed))).toBe(false);
    expect(readdirSync(out).sort()).toEqual([...kept, 'breakdown.csv'].sort());
  });
});
