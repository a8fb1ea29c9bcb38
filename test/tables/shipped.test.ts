// The built tables (dist/tables/shipped.json) must be exactly what parsing data/ gives, and stale the moment data/ changes.
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATA_DIR, loadTables } from '../../src/tables/load.js';
import { SCHEMA_MODULES, readShipped, writeShipped } from '../../src/tables/shipped.js';

const dirs: string[] = [];
const scratch = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'shipped-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('built tables', () => {
  it('read back equal to data/ parsed and validated, key for key (ZJ-01 ceiling 3500 yuan as fen among them)', async () => {
    const file = join(scratch(), 'shipped.json');
    expect(await writeShipped(DATA_DIR, file)).toBe(7);
    const built = readShipped(DATA_DIR, file);
    expect(built).toBeDefined();
    // toStrictEqual: an undefined-valued key that JSON would drop shows as a difference.
    expect(built).toStrictEqual(loadTables());
    const cert = built!.get('zhuji')!.programs.find((p) => p.id === 'cert_training')!;
    expect(JSON.stringify(cert.amount)).toContain('350000');
  });

  it('are stale once a table file changes, or one is added', async () => {
    const dir = join(scratch(), 'data');
    cpSync(DATA_DIR, dir, { recursive: true });
    const file = join(scratch(), 'shipped.json');
    await writeShipped(dir, file);
    expect(readShipped(dir, file)?.size).toBe(7);
    appendFileSync(join(dir, 'zhuji.yaml'), '\n# a clerk edited this\n');
    expect(readShipped(dir, file)).toBeUndefined();
    await writeShipped(dir, file);
    cpSync(join(dir, 'xihu.yaml'), join(dir, 'xihu2.yaml'));
    expect(readShipped(dir, file)).toBeUndefined();
  });

  it('are not read when missing or unreadable', () => {
    const file = join(scratch(), 'shipped.json');
    expect(readShipped(DATA_DIR, file)).toBeUndefined();
    appendFileSync(file, '{"fingerprint": ');
    expect(readShipped(DATA_DIR, file)).toBeUndefined();
  });

  it('fingerprint every module the schema imports', () => {
    const imports = [...readFileSync(new URL('../../src/tables/schema.ts', import.meta.url), 'utf8').matchAll(/from '(\.[^']+)\.js'/g)].map((m) => m[1]);
    expect(['./schema', ...imports].sort()).toEqual([...SCHEMA_MODULES].sort());
  });
});
