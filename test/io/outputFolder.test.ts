// The output folder: made with its parents, and unmade after a failed run only where nothing was put in it.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeOutputFolder, removeMadeFolders } from '../../src/io/outputFolder.js';

describe('output folder', () => {
  it('reports the folders it made, outermost first, and none for a folder that exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'subsidy-out-'));
    expect(makeOutputFolder(join(dir, 'a', 'b'))).toEqual([join(dir, 'a'), join(dir, 'a', 'b')]);
    expect(makeOutputFolder(join(dir, 'a', 'b'))).toEqual([]);
  });

  it('removes the folders it made while they are empty, and stops at one something was put in', () => {
    const dir = mkdtempSync(join(tmpdir(), 'subsidy-out-'));
    const made = makeOutputFolder(join(dir, 'a', 'b', 'c'));
    writeFileSync(join(dir, 'a', 'kept.txt'), 'x');
    removeMadeFolders(made);
    expect(existsSync(join(dir, 'a', 'b'))).toBe(false);
    expect(existsSync(join(dir, 'a', 'kept.txt'))).toBe(true);
    // A folder that was there before is never the run's to remove.
    mkdirSync(join(dir, 'there'));
    removeMadeFolders(makeOutputFolder(join(dir, 'there')));
    expect(existsSync(join(dir, 'there'))).toBe(true);
  });
});
