// Ledger test harness: run the real CLI against a ledger, and start a throwaway PostgreSQL server when one can be had.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'subsidy.js');
export const PERSON = '330681199001010015';

export interface CalcRun {
  code: number;
  stdout: string;
  stderr: string;
  lines: Record<string, string>[];
}

export function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'subsidy-ledger-'));
}

export function roster(dir: string, name: string, rows: string[][]): string {
  const file = join(dir, name);
  writeFileSync(file, ['person_id,program,date,occupation,level', ...rows.map((r) => r.join(','))].join('\n') + '\n');
  return file;
}

export function calc(file: string, ledger: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): CalcRun {
  const out = tmp();
  const r = spawnSync(process.execPath, [BIN, 'calc', file, '-j', 'zhuji', '-o', out, '--ledger', ledger, ...extra], { env: { ...process.env, NO_COLOR: '1', ...env } });
  const path = join(out, 'breakdown.csv');
  return { code: r.status ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString(), lines: existsSync(path) ? (parse(readFileSync(path, 'utf8'), { bom: true, columns: true }) as Record<string, string>[]) : [] };
}

/** Start two calc runs at the same moment; resolve with both results. */
export function calcTogether(files: [string, string], ledger: string): Promise<CalcRun[]> {
  return Promise.all(
    files.map(
      (file) =>
        new Promise<CalcRun>((done) => {
          const out = tmp();
          const child = spawn(process.execPath, [BIN, 'calc', file, '-j', 'zhuji', '-o', out, '--ledger', ledger], { env: { ...process.env, NO_COLOR: '1' } });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d) => (stdout += d));
          child.stderr.on('data', (d) => (stderr += d));
          child.on('close', (code) => {
            const path = join(out, 'breakdown.csv');
            done({ code: code ?? -1, stdout, stderr, lines: existsSync(path) ? (parse(readFileSync(path, 'utf8'), { bom: true, columns: true }) as Record<string, string>[]) : [] });
          });
        }),
    ),
  );
}

export function cli(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

export const runIdOf = (r: CalcRun): string => /ledger: run (R\S+)/.exec(r.stdout)?.[1] ?? '';
export const statuses = (r: CalcRun): string[] => r.lines.map((l) => `${l.status}:${l.reason_code}`);

// ── PostgreSQL ──────────────────────────────────────────────────────────────
export interface PgServer {
  url(db: string): string;
  createDb(name: string): void;
  stop(): void;
}

function pgBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(base, v, 'bin', 'initdb'))) return join(base, v, 'bin');
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

/** initdb into a temp folder and pg_ctl start on a free port (as the postgres user when we are root). */
export async function startPostgres(): Promise<PgServer | string> {
  const bin = pgBin();
  if (!bin) return 'PostgreSQL is not installed (apt-get install postgresql)';
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'subsidy-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const run = (cmd: string, args: string[]): void => {
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe' });
    else execFileSync(join(bin, cmd), args, { stdio: 'pipe' });
  };
  const port = await freePort();
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`, 'start']);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return `PostgreSQL could not be started: ${(e as Error).message.split('\n')[0]}`;
  }
  const psql = (sql: string): void => {
    execFileSync(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql], { stdio: 'pipe' });
  };
  return {
    url: (db) => `postgres://postgres@127.0.0.1:${port}/${db}`,
    createDb: (name) => psql(`CREATE DATABASE ${name}`),
    stop: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
