// PostgreSQL ledger shared by several offices: SERIALIZABLE transactions, retried on conflict, so two runs at once
// can never both approve one person's 4th claim of a year or the same occupation and level twice.
import pg from 'pg';
import type { PriorClaim, PriorRow } from '../engine/types.js';
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
  rows_evaluated INTEGER NOT NULL, claims INTEGER NOT NULL, amount_fen BIGINT NOT NULL,
  voided_at TEXT, void_reason TEXT);
CREATE TABLE IF NOT EXISTS rows (id BIGSERIAL PRIMARY KEY, run_id TEXT NOT NULL REFERENCES runs(run_id), file TEXT NOT NULL, row INTEGER NOT NULL, row_hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS rows_hash ON rows(row_hash);
CREATE TABLE IF NOT EXISTS claims (
  id BIGSERIAL PRIMARY KEY, run_id TEXT NOT NULL REFERENCES runs(run_id), file TEXT NOT NULL, row INTEGER NOT NULL, person_key TEXT NOT NULL,
  jurisdiction TEXT NOT NULL, program TEXT NOT NULL, occupation TEXT NOT NULL, level TEXT NOT NULL,
  date TEXT NOT NULL, year INTEGER NOT NULL, amount_fen BIGINT NOT NULL, payee TEXT NOT NULL,
  row_hash TEXT NOT NULL, recorded_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS claims_person ON claims(person_key);
`;

const LIVE = `run_id IN (SELECT run_id FROM runs WHERE voided_at IS NULL)`;
/** Claims per page of an export. */
const EXPORT_BATCH = 4096;
const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected
const MAX_ATTEMPTS = 30;

type ClaimRow = Record<string, string | number | boolean>;
const view = (r: ClaimRow): LedgerClaimView => ({
  runId: String(r.run_id), voided: Boolean(r.voided), file: String(r.file), row: Number(r.row), personKey: String(r.person_key),
  jurisdiction: String(r.jurisdiction), program: String(r.program), occupation: String(r.occupation), level: String(r.level),
  date: String(r.date), year: Number(r.year), amountFen: Number(r.amount_fen), payee: String(r.payee), recordedAt: String(r.recorded_at),
});
const CLAIM_VIEW = `SELECT c.*, r.voided_at IS NOT NULL AS voided FROM claims c JOIN runs r USING (run_id)`;

export async function openPostgresLedger(url: string, wantHashing: boolean, existing = false): Promise<Ledger> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const location = url.replace(/\/\/[^@/]*@/, '//…@');
  let codec!: KeyCodec;
  try {
    const c = await pool.connect();
    try {
      // Schema creation by two offices at once: serialise it with an advisory lock.
      await c.query('BEGIN');
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['subsidy-ledger-schema']);
      if (existing && !(await c.query(`SELECT to_regclass('meta') AS t`)).rows[0].t) throw noLedger(location);
      await c.query(SCHEMA);
      const meta = await c.query(`SELECT key, value FROM meta`);
      const get = (k: string): string | undefined => (meta.rows as { key: string; value: string }[]).find((r) => r.key === k)?.value;
      const version = get('schema_version');
      if (version !== undefined && Number(version) > SCHEMA_VERSION) throw new LedgerError(`ledger schema version ${version} is newer than this program understands (${SCHEMA_VERSION})`, `台账结构版本 ${version} 比本程序能读的 (${SCHEMA_VERSION}) 更新`);
      codec = resolveCodec(get('id_hashing'), wantHashing);
      await c.query(`INSERT INTO meta(key, value) VALUES ('schema_version', $1), ('id_hashing', $2) ON CONFLICT (key) DO NOTHING`, [String(SCHEMA_VERSION), codec.fingerprint()]);
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  } catch (e) {
    await pool.end();
    if (e instanceof LedgerError) throw e;
    if (e instanceof pg.DatabaseError && e.code === '53100') throw ledgerRefused(location, e);
    throw new LedgerError(`${location}: cannot open the ledger: ${(e as Error).message}`, `${location}: 无法打开台账: ${(e as Error).message}`);
  }

  let recordedAt = '';
  const txOn = (c: pg.PoolClient): LedgerTx => ({
    // Only the columns limits need, as arrays: a ledger run asks for the history of every person on its roster.
    async history(personKeys: string[]): Promise<PriorClaim[]> {
      const r = await c.query<[string, string, number, string, string, string, string, string, string, string]>({
        text: `SELECT run_id, file, row, person_key, jurisdiction, program, occupation, level, date, amount_fen FROM claims WHERE ${LIVE} AND person_key = ANY($1) ORDER BY date, id`,
        values: [personKeys.map((k) => codec.encode(k))],
        rowMode: 'array',
      });
      const claims = r.rows.map(([runId, file, row, personKey, jurisdiction, program, occupation, level, date, amount]) => ({
        runId, file, row: Number(row), personKey, jurisdiction, program, occupation, level, date, amountFen: Number(amount),
      }));
      return decodeHistory(claims, codec, personKeys);
    },
    async recordedRows(hashes: string[]): Promise<Map<string, PriorRow[]>> {
      const r = await c.query<[string, string, string, number]>({ text: `SELECT row_hash, run_id, file, row FROM rows WHERE ${LIVE} AND row_hash = ANY($1) ORDER BY id`, values: [hashes], rowMode: 'array' });
      return byHash(r.rows.map(([hash, runId, file, row]) => [hash, { runId, file, row: Number(row) }]));
    },
    async startRun(run: RunRecord): Promise<void> {
      // Every claim of a run bears the moment it started recording; the totals are written when it finishes.
      recordedAt = new Date().toISOString();
      await c.query(`INSERT INTO runs VALUES ($1, $2, $3, $4, 0, 0, 0, NULL, NULL)`, [run.runId, run.startedAt, recordedAt, JSON.stringify(run.files)]);
    },
    async addRows(runId: string, rows: RowRecord[]): Promise<void> {
      if (!rows.length) return;
      await c.query(`INSERT INTO rows (run_id, file, row, row_hash) SELECT $1, * FROM unnest($2::text[], $3::int[], $4::text[])`, [runId, rows.map((r) => r.file), rows.map((r) => r.row), rows.map((r) => r.hash)]);
    },
    async addClaims(runId: string, claims: ClaimRecord[]): Promise<void> {
      if (!claims.length) return;
      await c.query(
        `INSERT INTO claims (run_id, file, row, person_key, jurisdiction, program, occupation, level, date, year, amount_fen, payee, row_hash, recorded_at)
         SELECT $1, f, r, p, j, pr, o, l, d, y, a, pa, h, $14 FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::bigint[], $12::text[], $13::text[])
         AS t(f, r, p, j, pr, o, l, d, y, a, pa, h)`,
        [
          runId, claims.map((x) => x.file), claims.map((x) => x.row), claims.map((x) => codec.encode(x.personKey)), claims.map((x) => x.jurisdiction),
          claims.map((x) => x.program), claims.map((x) => x.occupation), claims.map((x) => x.level), claims.map((x) => x.date),
          claims.map((x) => Number(x.date.slice(0, 4))), claims.map((x) => x.amountFen), claims.map((x) => x.payee), claims.map((x) => x.rowHash), recordedAt,
        ],
      );
    },
    async finishRun(runId: string, totals: RunTotals): Promise<void> {
      await c.query(`UPDATE runs SET finished_at = $2, rows_evaluated = $3, claims = $4, amount_fen = $5 WHERE run_id = $1`, [runId, new Date().toISOString(), totals.rowsEvaluated, totals.claims, totals.amountFen]);
      faultPoint('kill-before-commit');
    },
  });

  return {
    location,
    rowHashSalt: codec.salt,
    async transaction<T>(fn: (t: LedgerTx) => Promise<T>, options: { dryRun: boolean }): Promise<T> {
      const c = await pool.connect();
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            await c.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
            // A run asks for a few thousand row hashes at a time: under the default page cost (for spinning disks)
            // PostgreSQL read the whole rows table for each ask rather than its index (1M rows re-run: 22.7 s of
            // lookups against ~6 s), and a whole-table read also predicate-locks the table, so two offices' runs
            // would conflict needlessly. For this transaction only.
            await c.query('SET LOCAL random_page_cost = 1.1');
            const result = await fn(txOn(c));
            await c.query(options.dryRun ? 'ROLLBACK' : 'COMMIT');
            return result;
          } catch (e) {
            await c.query('ROLLBACK').catch(() => undefined);
            const code = (e as { code?: string }).code;
            if (!code || !RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) {
              // The server's own errors (a dropped connection, a full disk) name the ledger, as a wrong salt does.
              throw e instanceof pg.DatabaseError ? ledgerRefused(location, e) : e;
            }
            // Another office committed first: decide this run again against what it wrote.
            await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
          }
        }
      } finally {
        c.release();
      }
    },
    async claimsOf(personId: string): Promise<LedgerClaimView[]> {
      return ((await pool.query(`${CLAIM_VIEW} WHERE c.person_key = $1 ORDER BY c.date, c.id`, [codec.encode(personId)])).rows as ClaimRow[]).map(view);
    },
    async *claimBatches(): AsyncGenerator<LedgerClaimView[]> {
      // Keyset pages by id (the recording order), nothing holding the whole table; in one read-only snapshot, so a
      // run committed meanwhile is either all in the export or not at all.
      const c = await pool.connect();
      try {
        await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        for (let after = 0; ; ) {
          const rows = (await c.query(`${CLAIM_VIEW} WHERE c.id > $1 ORDER BY c.id LIMIT ${EXPORT_BATCH}`, [after])).rows as ClaimRow[];
          if (rows.length === 0) break;
          after = Number(rows[rows.length - 1]!.id);
          yield rows.map(view);
        }
        await c.query('COMMIT');
      } finally {
        // Left part-way (the reader stopped): end the snapshot before the connection goes back to the pool.
        await c.query('ROLLBACK').catch(() => undefined);
        c.release();
      }
    },
    async runs(): Promise<RunView[]> {
      return ((await pool.query(`SELECT * FROM runs ORDER BY started_at, run_id`)).rows as Record<string, unknown>[]).map(runView);
    },
    async voidRun(runId: string, reason: string): Promise<RunView> {
      const r = await pool.query(`UPDATE runs SET voided_at = $2, void_reason = $3 WHERE run_id = $1 AND voided_at IS NULL RETURNING *`, [runId, new Date().toISOString(), reason]);
      if (r.rowCount === 1) return runView(r.rows[0] as Record<string, unknown>);
      const exists = await pool.query(`SELECT voided_at FROM runs WHERE run_id = $1`, [runId]);
      throw exists.rowCount ? alreadyVoided(runId, String(exists.rows[0].voided_at)) : noSuchRun(runId, location);
    },
    async stats(): Promise<StatsRow[]> {
      const r = await pool.query(`SELECT year, jurisdiction, program, COUNT(*) AS claims, COUNT(DISTINCT person_key) AS persons, SUM(amount_fen) AS amount_fen
        FROM claims WHERE ${LIVE} GROUP BY year, jurisdiction, program ORDER BY year, jurisdiction, program`);
      return (r.rows as Record<string, string | number>[]).map((x) => ({ year: Number(x.year), jurisdiction: String(x.jurisdiction), program: String(x.program), claims: Number(x.claims), persons: Number(x.persons), amountFen: Number(x.amount_fen) }));
    },
    async close(): Promise<void> {
      await pool.end();
    },
  };
}
