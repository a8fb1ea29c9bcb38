// Ctrl+C (or SIGTERM, SIGHUP) during a run: exit 130 (143, 129), and nothing left behind: no staged output, no temporary folder, no output folder the run made.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticRoster } from '../syntheticFile.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'subsidy.js');
const dir = mkdtempSync(join(tmpdir(), 'subsidy-interrupt-'));
const roster = join(dir, 'roster.csv');

/**
 * calc interrupted at `point` (a test hook sends the Ctrl+C, or `signal`, there: SUBSIDY_FAULT), its temporary files in a folder of
 * their own (TMPDIR). `viaStdin`: the roster piped in, so the run is on the main thread; else from the file, on a
 * thread of its own under a small memory budget, with helpers for its byte ranges.
 */
function interrupted(point: 'limits' | 'staged', out: string, viaStdin: boolean, signal = 'SIGINT'): { status: number | null; stderr: string; temp: string } {
  const temp = mkdtempSync(join(dir, 'tmp-'));
  const env = { ...process.env, NO_COLOR: '1', TMPDIR: temp, SUBSIDY_FAULT: `${signal}-at-${point}`, SUBSIDY_MIN_CHUNK_BYTES: String(64 * 1024) };
  const args = [BIN, 'calc', viaStdin ? '-' : roster, '-o', out, '--no-progress', '--workers', '2', '--memory-mb', '16'];
  const r = spawnSync(process.execPath, args, { env, input: viaStdin ? readFileSync(roster) : undefined, timeout: 30_000 });
  return { status: r.status, stderr: r.stderr.toString(), temp };
}

describe('Ctrl+C during a run', { timeout: 60_000 }, () => {
  beforeAll(() => writeSyntheticRoster(roster, 5_000, 7));

  for (const viaStdin of [false, true]) {
    const how = viaStdin ? 'piped in (the main thread)' : 'from a file (a thread of its own, with helpers)';
    it(`a roster ${how}: interrupted while limits are decided or once the outputs are staged, exits 130 leaving no temporary file, no staged output and no folder it made; a folder given stays, empty`, () => {
      for (const point of ['limits', 'staged'] as const) {
        const made = join(dir, `made-${point}-${viaStdin}`, 'deeper');
        const r = interrupted(point, made, viaStdin);
        expect(r.status, r.stderr).toBe(130);
        expect(r.stderr).toBe('\ninterrupted\n');
        expect(readdirSync(r.temp)).toEqual([]);
        expect(existsSync(join(dir, `made-${point}-${viaStdin}`))).toBe(false);
        const given = join(dir, `given-${point}-${viaStdin}`);
        mkdirSync(given);
        const g = interrupted(point, given, viaStdin);
        expect(g.status, g.stderr).toBe(130);
        expect(readdirSync(g.temp)).toEqual([]);
        expect(readdirSync(given)).toEqual([]);
      }
    });
  }

  it('stopped by a scheduler (SIGTERM) or a closed terminal (SIGHUP): exits 143 or 129, leaving nothing behind as a Ctrl+C does', () => {
    for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
      const made = join(dir, `made-${signal}`, 'deeper');
      const r = interrupted('staged', made, false, signal);
      expect(r.status, r.stderr).toBe(code);
      expect(r.stderr).toBe(`\nstopped (${signal})\n`);
      expect(readdirSync(r.temp)).toEqual([]);
      expect(existsSync(join(dir, `made-${signal}`))).toBe(false);
    }
  });
});
