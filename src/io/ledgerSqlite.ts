// SQLite ledger (better-sqlite3): one file, WAL journal, one IMMEDIATE transaction per run.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Bilingual, PriorClaim, PriorRow } from '../engine/types.js';
import {
  type ClaimRecord,
  type KeyCodec,
  type Ledger,
  type LedgerClaimView,
  LedgerError,
  type LedgerTx,
  type RowRecord,
  type RunRecord,
  type RunTotals,
  type RunView,
  SCHEMA_VERSION,
  type StatsRow,
  alreadyVoided,
  byHash,
  decodeHistory,
  faultAt,
  faultPoint,
  ledgerRefused,
  noLedger,
  noSuchRun,
  resolveCodec,
  runView,
} from './ledger.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  run_id TEXT PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT NOT NULL, files TEXT NOT NULL,
  rows_evaluated INTEGER NOT NULL, claims INTEGER NOT NULL, amount_fen INTEGER NOT NULL,
  voided_at TEXT, void_reason TEXT);
CREATE TABLE IF NOT EXISTS rows (run_id TEXT NOT NULL REFERENCES runs(run_id), file TEXT NOT NULL, row INTEGER NOT NULL, row_hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS rows_hash ON rows(row_hash);
CREATE TABLE IF NOT EXISTS claims (
  run_id TEXT NOT NULL REFERENCES runs(run_id), file TEXT NOT NULL, row INTEGER NOT NULL, person_key TEXT NOT NULL,
  jurisdiction TEXT NOT NULL, program TEXT NOT NULL, occupation TEXT NOT NULL, level TEXT NOT NULL,
  date TEXT NOT NULL, year INTEGER NOT NULL, amount_fen INTEGER NOT NULL, payee TEXT NOT NULL,
  row_hash TEXT NOT NULL, recorded_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS claims_person ON claims(person_key);
`;

const LIVE = `run_id IN (SELECT run_id FROM runs WHERE voided_at IS NULL)`;

type ClaimRow = {
  run_id: string; voided: number; file: string; row: number; person_key: string; jurisdiction: string; program: string;
  occupation: string; level: string; date: string; year: number; amount_fen: number; payee: string; recorded_at: string;
};

const view = (r: ClaimRow): LedgerClaimView => ({
  runId: r.run_id, voided: r.voided === 1, file: r.file, row: r.row, personKey: r.person_key, jurisdiction: r.jurisdiction,
  program: r.program, occupation: r.occupation, level: r.level, date: r.date, year: r.year, amountFen: r.amount_fen,
  payee: r.payee, recordedAt: r.recorded_at,
});

const CLAIM_VIEW = `SELECT c.*, CASE WHEN r.voided_at IS NULL THEN 0 ELSE 1 END AS voided FROM claims c JOIN runs r USING (run_id)`;

/** The page cache while a run looks up its persons and rows (KB), and while it records (see startRun). */
const LOOKUP_CACHE_KB = 2 * 1024;
const RECORDING_CACHE_KB = 64 * 1024;

/** Claims per batch of an export. */
const EXPORT_BATCH = 4096;
/** How long one attempt at the write lock blocks; between attempts a waiting run can say so. */
const LOCK_ATTEMPT_MS = 2 * 1000;
/** How long a run waits for another run writing to the same file (a 3M-row run holds it about a minute). */
const LOCK_WAIT_MS = 15 * 60 * 1000;

/**
 * `onWait` is told once when another run holds the write lock and this one waits for it. SQLite's own errors (not a
 * database, disk full) come out as LedgerErrors naming the file.
 */
export function openSqliteLedger(file: string, wantHashing: boolean, onWait?: (message: Bilingual) => void, existing = false): Ledger {
  if (existing && !existsSync(file)) throw noLedger(file);
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (e) {
    throw new LedgerError(`${file}: cannot open the ledger: ${(e as Error).message}`, `${file}: 无法打开台账: ${(e as Error).message}`);
  }
  const sqliteError = (e: unknown): unknown => (e instanceof Database.SqliteError ? ledgerRefused(file, e) : e);

  /**
   * Take the write lock (BEGIN IMMEDIATE), waiting for a run that holds it: one run on a file is decided after the
   * other. SQLite's own wait (busy_timeout) stopped a second run after 30 s with "database is locked".
   */
  const begin = (): void => {
    const since = Date.now();
    let told = false;
    for (;;) {
      try {
        db.exec('BEGIN IMMEDIATE');
        return;
      } catch (e) {
        if (!(e instanceof Database.SqliteError) || e.code !== 'SQLITE_BUSY') throw e;
        if (Date.now() - since > LOCK_WAIT_MS) throw new LedgerError(
            `${file}: another run has been writing to this ledger for over ${LOCK_WAIT_MS / 60_000} minutes; try again once it has finished`,
            `${file}: 另一次运行写入此台账已超过 ${LOCK_WAIT_MS / 60_000} 分钟; 请等它完成后再试`,
          );
        if (!told) onWait?.({ zh: `${file}: 另一次运行正在写入此台账, 等它完成`, en: `${file}: another run is writing to this ledger; waiting for it to finish` });
        told = true;
      }
    }
  };
  /** `fn` under the write lock, committed, or rolled back if it throws. */
  const writing = <T>(fn: () => T): T => {
    begin();
    try {
      const result = fn();
      db.exec('COMMIT');
      return result;
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw e;
    }
  };

  let codec!: KeyCodec;
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${LOCK_ATTEMPT_MS}`);
    db.pragma('foreign_keys = ON');
    // Looking up a run's persons and rows probes the indexes at random places, which a larger cache hardly helps: a 1M
    // re-run's lookups took as long with 64, 16 or 2 MB (SQLite's default; ~10 s), and 16 MB raised its peak memory
    // from ~255 to ~265 MB. The recording has its own.
    db.pragma(`cache_size = -${LOOKUP_CACHE_KB}`);
    const version = db.prepare(`SELECT name FROM sqlite_master WHERE type='table' AND name='meta'`).get()
      ? (db.prepare(`SELECT value FROM meta WHERE key='schema_version'`).get() as { value: string } | undefined)?.value
      : undefined;
    if (version === undefined && existing) throw noLedger(file);
    if (version !== undefined && Number(version) > SCHEMA_VERSION) {
      throw new LedgerError(`${file}: ledger schema version ${version} is newer than this program understands (${SCHEMA_VERSION})`, `${file}: 台账结构版本 ${version} 比本程序能读的 (${SCHEMA_VERSION}) 更新`);
    }
    // A ledger already made is only read here: opening it takes no write lock, so a check at the counter or a dry
    // run does not wait for a run that is recording.
    const stored = version === undefined ? undefined : (db.prepare(`SELECT value FROM meta WHERE key='id_hashing'`).get() as { value: string } | undefined)?.value;
    if (version !== undefined && Number(version) === SCHEMA_VERSION && stored !== undefined) codec = resolveCodec(stored, wantHashing);
    else {
      writing(() => {
        db.exec(SCHEMA);
        const again = (db.prepare(`SELECT value FROM meta WHERE key='id_hashing'`).get() as { value: string } | undefined)?.value;
        codec = resolveCodec(again, wantHashing);
        db.prepare(`INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?), ('id_hashing', ?)`).run(String(SCHEMA_VERSION), codec.fingerprint());
      });
    }
  } catch (e) {
    db.close();
    if (e instanceof Database.SqliteError && e.code === 'SQLITE_FULL') throw ledgerRefused(file, e);
    if (e instanceof Database.SqliteError) {
      const notLedger = e.code === 'SQLITE_NOTADB';
      throw new LedgerError(
        `${file}: cannot open the ledger: ${e.message}${notLedger ? ' (give a ledger file, or a new file name to start one)' : ''}`,
        `${file}: 无法打开台账: ${e.message}${notLedger ? ' (请给出台账文件, 或给一个新文件名以新建台账)' : ''}`,
      );
    }
    throw e;
  }

  // Test-only: the file may not grow by another page, as on a full disk, so SQLite refuses the run's recording with
  // SQLITE_FULL (no test can fill a disk).
  if (faultAt('ledger-disk-full')) db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true }))}`);

  let recordedAt = '';
  const historyOf = db
    .prepare(`SELECT run_id, file, row, person_key, jurisdiction, program, occupation, level, date, amount_fen FROM claims WHERE ${LIVE} AND person_key IN (SELECT value FROM json_each(?)) ORDER BY date, rowid`)
    .raw(true);
  const rowsOf = db.prepare(`SELECT row_hash, run_id, file, row FROM rows WHERE ${LIVE} AND row_hash IN (SELECT value FROM json_each(?)) ORDER BY rowid`).raw(true);
  const insertRow = db.prepare(`INSERT INTO rows VALUES (?, ?, ?, ?)`);
  const insertClaim = db.prepare(`INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const tx: LedgerTx = {
    // Only the columns limits need, as arrays: a ledger run asks for the history of every person on its roster, and
    // objects of every column took a third longer.
    async history(personKeys: string[]): Promise<PriorClaim[]> {
      const encoded = JSON.stringify(personKeys.map((k) => codec.encode(k)));
      const rows = historyOf.all(encoded) as [string, string, number, string, string, string, string, string, string, number][];
      const claims = rows.map(([runId, file, row, personKey, jurisdiction, program, occupation, level, date, amountFen]) => ({ runId, file, row, personKey, jurisdiction, program, occupation, level, date, amountFen }));
      return decodeHistory(claims, codec, personKeys);
    },
    async recordedRows(hashes: string[]): Promise<Map<string, PriorRow[]>> {
      const rows = rowsOf.all(JSON.stringify(hashes)) as [string, string, string, number][];
      return byHash(rows.map(([hash, runId, file, row]) => [hash, { runId, file, row }]));
    },
    async startRun(run: RunRecord): Promise<void> {
      // A run records a million claims into indexed tables: with 16 MB of cache that took a fifth longer (15.6 s
      // against 12.6 s), with the default 2 MB a third. By now the limits threads and the outputs' memory are gone.
      db.pragma(`cache_size = -${RECORDING_CACHE_KB}`);
      // Every claim of a run bears the moment it started recording; the totals are written when it finishes.
      recordedAt = new Date().toISOString();
      db.prepare(`INSERT INTO runs VALUES (?, ?, ?, ?, 0, 0, 0, NULL, NULL)`).run(run.runId, run.startedAt, recordedAt, JSON.stringify(run.files));
    },
    async addRows(runId: string, rows: RowRecord[]): Promise<void> {
      for (const r of rows) insertRow.run(runId, r.file, r.row, r.hash);
    },
    async addClaims(runId: string, claims: ClaimRecord[]): Promise<void> {
      for (const c of claims) {
        insertClaim.run(runId, c.file, c.row, codec.encode(c.personKey), c.jurisdiction, c.program, c.occupation, c.level, c.date, Number(c.date.slice(0, 4)), c.amountFen, c.payee, c.rowHash, recordedAt);
      }
    },
    async finishRun(runId: string, totals: RunTotals): Promise<void> {
      db.prepare(`UPDATE runs SET finished_at = ?, rows_evaluated = ?, claims = ?, amount_fen = ? WHERE run_id = ?`).run(new Date().toISOString(), totals.rowsEvaluated, totals.claims, totals.amountFen, runId);
      faultPoint('kill-before-commit');
    },
  };

  return {
    location: file,
    rowHashSalt: codec.salt,
    async transaction<T>(fn: (t: LedgerTx) => Promise<T>, options: { dryRun: boolean }): Promise<T> {
      // The write lock is taken before reading history, so two runs on one file are decided one after the other. A dry
      // run writes nothing: it reads one snapshot (WAL) without the lock, and does not hold up a run that records.
      try {
        if (options.dryRun) db.exec('BEGIN DEFERRED');
        else begin();
        const result = await fn(tx);
        db.exec(options.dryRun ? 'ROLLBACK' : 'COMMIT');
        return result;
      } catch (e) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw sqliteError(e);
      }
    },
    async claimsOf(personId: string): Promise<LedgerClaimView[]> {
      return (db.prepare(`${CLAIM_VIEW} WHERE c.person_key = ? ORDER BY c.date, c.rowid`).all(codec.encode(personId)) as ClaimRow[]).map(view);
    },
    async *claimBatches(): AsyncGenerator<LedgerClaimView[]> {
      let batch: LedgerClaimView[] = [];
      for (const r of db.prepare(`${CLAIM_VIEW} ORDER BY c.rowid`).iterate() as IterableIterator<ClaimRow>) {
        batch.push(view(r));
        if (batch.length === EXPORT_BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    },
    async runs(): Promise<RunView[]> {
      return (db.prepare(`SELECT * FROM runs ORDER BY started_at, run_id`).all() as Record<string, unknown>[]).map(runView);
    },
    async voidRun(runId: string, reason: string): Promise<RunView> {
      try {
        return writing(() => {
          const run = db.prepare(`SELECT * FROM runs WHERE run_id = ?`).get(runId) as Record<string, unknown> | undefined;
          if (!run) throw noSuchRun(runId, file);
          if (run.voided_at) throw alreadyVoided(runId, String(run.voided_at));
          db.prepare(`UPDATE runs SET voided_at = ?, void_reason = ? WHERE run_id = ?`).run(new Date().toISOString(), reason, runId);
          return runView(db.prepare(`SELECT * FROM runs WHERE run_id = ?`).get(runId) as Record<string, unknown>);
        });
      } catch (e) {
        throw sqliteError(e);
      }
    },
    async stats(): Promise<StatsRow[]> {
      return (
        db.prepare(`SELECT year, jurisdiction, program, COUNT(*) AS claims, COUNT(DISTINCT person_key) AS persons, SUM(amount_fen) AS amount_fen
          FROM claims WHERE ${LIVE} GROUP BY year, jurisdiction, program ORDER BY year, jurisdiction, program`).all() as Record<string, number | string>[]
      ).map((r) => ({ year: Number(r.year), jurisdiction: String(r.jurisdiction), program: String(r.program), claims: Number(r.claims), persons: Number(r.persons), amountFen: Number(r.amount_fen) }));
    },
    async close(): Promise<void> {
      db.close();
    },
  };
}
