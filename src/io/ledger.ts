// Claims ledger: what earlier runs approved, so limits hold across rosters and offices (SQLite file or PostgreSQL).
import * as crypto from 'node:crypto';
import { BilingualError } from '../engine/bilingualError.js';
import { FIELDS } from '../engine/fields.js';
import { nfkc } from '../engine/intake.js';
import type { Bilingual, PriorClaim, PriorRow } from '../engine/types.js';

export const SCHEMA_VERSION = 1;

let hashOrderMade: string[] | undefined;
/**
 * Field names in the order row hashes list them: as `localeCompare` sorts them, worked out once (FieldDef.hashed).
 * On first use, not as the module loads: a thread's first localeCompare sets up its collator (~5 ms), and every
 * thread of a large run loads this module, most of them for no ledger.
 */
const hashOrder = (): readonly string[] => (hashOrderMade ??= FIELDS.filter((f) => f.hashed !== false).map((f) => f.name).sort((a, b) => a.localeCompare(b)));
/** Fields a row's hash leaves out: who is paid (FieldDef.hashed). */
const UNHASHED = FIELDS.filter((f) => f.hashed === false).map((f) => f.name);

/** SHA-256 of a text (or its UTF-8 bytes) as hex: crypto.hash where this Node has it (20.12 on), a hash object where not. */
const sha256 =
  typeof crypto.hash === 'function'
    ? (text: string | Buffer): string => crypto.hash('sha256', text)
    : (text: string | Buffer): string => crypto.createHash('sha256').update(text).digest('hex');

/**
 * What identifies a row's content across runs (a row already paid is a `duplicate`): SHA-256, or HMAC-SHA256 under
 * the salt when IDs are hashed, of the default jurisdiction and the row's cells by field name (sorted by
 * `localeCompare`), NFKC. Ledgers keep these hashes: the text hashed must never change (test/ledger pins it).
 */
export function rowHash(cells: ReadonlyMap<string, string>, defaultJurisdiction: string | undefined, salt: string | undefined): string {
  // The fields in their order, each looked up: a ledger run hashes every row, and sorting each row's cells was
  // most of the cost (~10 µs a row).
  let content = defaultJurisdiction ?? '';
  let found = 0;
  for (const name of hashOrder()) {
    const value = cells.get(name);
    if (value === undefined) continue;
    found++;
    content += `\n${name}=${nfkc(value)}`;
  }
  // A cell under a name that is not a field (none from a roster) is sorted in as before.
  for (const name of UNHASHED) if (cells.has(name)) found++;
  if (found !== cells.size) {
    const entries = [...cells].filter(([k]) => !UNHASHED.includes(k)).sort(([a], [b]) => a.localeCompare(b));
    content = [defaultJurisdiction ?? '', ...entries.map(([k, v]) => `${k}=${nfkc(v)}`)].join('\n');
  }
  return salt ? crypto.createHmac('sha256', salt).update(content).digest('hex') : sha256(content);
}

/**
 * rowHash from a roster line's bytes, for lines the byte path writes without decoding them (rawShapes.ts): the same
 * text hashed, built from the cells' bytes. Only when every read cell is ASCII or CJK ideographs (U+4E00–U+9FFF),
 * whose NFKC form is themselves and whose trimming is of ASCII blanks; for any other line `hash` says undefined and
 * the line is read as text.
 */
export class ByteRowHasher {
  private fields: readonly string[] | undefined;
  /** The header's read columns in hash order, each with the bytes that come before its value ("\nname="). */
  private plan: { column: number; prefix: Buffer }[] = [];
  private scratch = Buffer.allocUnsafe(4096);
  private readonly start: Buffer;

  constructor(
    defaultJurisdiction: string | undefined,
    private readonly salt: string | undefined,
  ) {
    this.start = Buffer.from(defaultJurisdiction ?? '', 'utf8');
  }

  /** The line's hash from its cells, bytes [starts[c], ends[c]) of `buf` for column c (quotes taken off), under `fields`. */
  hash(buf: Buffer, starts: Int32Array, ends: Int32Array, fields: readonly string[]): string | undefined {
    if (fields !== this.fields) {
      this.fields = fields;
      const columns = new Map(fields.map((f, i) => [f, i]));
      this.plan = hashOrder().filter((f) => columns.has(f)).map((f) => ({ column: columns.get(f)!, prefix: Buffer.from(`\n${f}=`, 'utf8') }));
    }
    let n = 0;
    for (let i = 0; i < this.start.length; i++) this.scratch[n++] = this.start[i]!;
    for (const { column, prefix } of this.plan) {
      let s = starts[column]!;
      let e = ends[column]!;
      if (s < 0) continue; // the line stops before this column: no cell
      while (s < e && (buf[s] === 0x20 || (buf[s]! >= 0x09 && buf[s]! <= 0x0d))) s++;
      while (e > s && (buf[e - 1] === 0x20 || (buf[e - 1]! >= 0x09 && buf[e - 1]! <= 0x0d))) e--;
      if (s === e) continue; // blank: not a cell
      for (let i = s; i < e; i++) {
        const b = buf[i]!;
        if (b < 0x80) continue;
        // U+4E00 (E4 B8 80) to U+9FFF (E9 BF BF), three bytes each.
        const ok = b >= 0xe4 && b <= 0xe9 && (b > 0xe4 || buf[i + 1]! >= 0xb8) && i + 2 < e && (buf[i + 1]! & 0xc0) === 0x80 && (buf[i + 2]! & 0xc0) === 0x80;
        if (!ok) return undefined;
        i += 2;
      }
      if (n + prefix.length + (e - s) > this.scratch.length) {
        const bigger = Buffer.allocUnsafe(2 * (n + prefix.length + (e - s)));
        this.scratch.copy(bigger, 0, 0, n);
        this.scratch = bigger;
      }
      // Byte by byte: a name and its value are a few bytes each, and Buffer.copy's call cost more than the copying
      // (~0.3 s a thread in a 1M-row ledger run).
      const scratch = this.scratch;
      for (let i = 0; i < prefix.length; i++) scratch[n++] = prefix[i]!;
      for (let i = s; i < e; i++) scratch[n++] = buf[i]!;
    }
    const content = this.scratch.subarray(0, n);
    return this.salt ? crypto.createHmac('sha256', this.salt).update(content).digest('hex') : sha256(content);
  }
}

export interface RunRecord {
  runId: string;
  startedAt: string;
  files: string[];
}

/** What a run recorded, written on its row when it finishes. */
export interface RunTotals {
  /** Rows evaluated and not already in the ledger. */
  rowsEvaluated: number;
  claims: number;
  amountFen: number;
}

export interface ClaimRecord extends PriorClaim {
  payee: string;
  rowHash: string;
}

export interface RowRecord {
  file: string;
  row: number;
  hash: string;
}

/**
 * The reads and writes of one run, inside one database transaction. Person keys are the raw IDs here. A run is
 * recorded in parts, so a large one is never held whole: `startRun`, then its rows and claims in batches (in input
 * order), then `finishRun` with its totals.
 */
export interface LedgerTx {
  history(personKeys: string[]): Promise<PriorClaim[]>;
  /** Each of these row hashes the ledger recorded, with every (live) run that recorded it, first first. */
  recordedRows(hashes: string[]): Promise<Map<string, PriorRow[]>>;
  startRun(run: RunRecord): Promise<void>;
  addRows(runId: string, rows: RowRecord[]): Promise<void>;
  addClaims(runId: string, claims: ClaimRecord[]): Promise<void>;
  finishRun(runId: string, totals: RunTotals): Promise<void>;
}

/** A claim as the ledger commands show it: what limits need, plus its run's state and bookkeeping. */
export interface LedgerClaimView extends PriorClaim {
  voided: boolean;
  year: number;
  payee: string;
  recordedAt: string;
}

export interface StatsRow {
  year: number;
  jurisdiction: string;
  program: string;
  claims: number;
  persons: number;
  amountFen: number;
}

export interface RunView {
  runId: string;
  startedAt: string;
  files: string;
  rowsEvaluated: number;
  claims: number;
  amountFen: number;
  voidedAt: string | null;
  voidReason: string | null;
}

export interface Ledger {
  readonly location: string;
  /** The salt row hashes are made under (rowHash): the one the ledger's IDs are hashed with, none for plain IDs. */
  readonly rowHashSalt: string | undefined;
  /** Run `fn` in one transaction: all of it is recorded, or none (dry run: none, always). Retried on serialisation conflicts. */
  transaction<T>(fn: (tx: LedgerTx) => Promise<T>, options: { dryRun: boolean }): Promise<T>;
  claimsOf(personId: string): Promise<LedgerClaimView[]>;
  /** Every claim in recording order, a few thousand at a time: a year of a province's claims is not held at once. */
  claimBatches(): AsyncGenerator<LedgerClaimView[]>;
  runs(): Promise<RunView[]>;
  voidRun(runId: string, reason: string): Promise<RunView>;
  stats(): Promise<StatsRow[]>;
  close(): Promise<void>;
}

export class LedgerError extends BilingualError {}

/** SQLite's and PostgreSQL's codes for a database that could not grow: its disk full, or (PostgreSQL) a quota reached. */
const NO_ROOM = new Set(['SQLITE_FULL', '53100']);

/**
 * The ledger's database refused a command (SQLite's or PostgreSQL's own words kept): as a LedgerError naming the
 * ledger. Refused for want of room, it says so and what became of the command: its transaction was rolled back, so
 * nothing was recorded and a calc run wrote no outputs (they appear only once the ledger has committed).
 */
export function ledgerRefused(where: string, e: { code?: unknown; message: string }): LedgerError {
  const code = String(e.code ?? '');
  if (!NO_ROOM.has(code)) return new LedgerError(`${where}: ${e.message}`, `${where}: 台账数据库出错: ${e.message}`);
  const said = code === '53100' ? 'disk_full 53100' : code;
  return new LedgerError(
    `${where}: no space left for the ledger (${said}): nothing was recorded, the ledger is as it was and a calc run wrote no outputs; free some room on the ledger's disk and run again`,
    `${where}: 台账所在磁盘空间不足 (${said}): 未记入任何内容, 台账保持原样, calc 也未写出结果文件; 请腾出空间后重新运行`,
  );
}

/** `ledger void` of a run the ledger does not hold (`where`: the file, or the server without its password). */
export const noSuchRun = (runId: string, where: string): LedgerError =>
  new LedgerError(`no run "${runId}" in ${where} (see: subsidy ledger stats)`, `${where} 中没有批次"${runId}" (见: subsidy ledger stats)`);

/** `ledger void` of a run voided before. */
export const alreadyVoided = (runId: string, at: string): LedgerError =>
  new LedgerError(`run ${runId} was already voided at ${at}`, `批次 ${runId} 已于 ${at} 作废`);

/** A `runs` table row as the commands show it. */
export function runView(r: Record<string, unknown>): RunView {
  return {
    runId: String(r.run_id), startedAt: String(r.started_at), files: String(r.files), rowsEvaluated: Number(r.rows_evaluated),
    claims: Number(r.claims), amountFen: Number(r.amount_fen), voidedAt: (r.voided_at as string | null) ?? null, voidReason: (r.void_reason as string | null) ?? null,
  };
}


/** `R20261122T101500-3fa9`: sortable, short enough to type for `ledger void`. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `R${stamp}-${crypto.randomBytes(2).toString('hex')}`;
}

/**
 * How person IDs are stored. With hashing, an HMAC-SHA256 under a secret salt: a copy of the ledger does not
 * reveal IDs, yet the same ID always maps to the same key, so lookups and limits still work.
 */
export class KeyCodec {
  constructor(readonly salt: string | undefined) {}

  get hashing(): boolean {
    return this.salt !== undefined;
  }

  encode(key: string): string {
    return this.salt === undefined ? key : crypto.createHmac('sha256', this.salt).update(key).digest('hex');
  }

  /** A value stored in meta to tell a wrong salt from a right one. */
  fingerprint(): string {
    return this.salt === undefined ? 'none' : `hmac-sha256:${this.encode('subsidy-ledger-salt-check').slice(0, 16)}`;
  }
}

export const SALT_ENV = 'SUBSIDY_ID_SALT';

/** The codec for a ledger: follow what it was created with; refuse to mix hashed and plain IDs. */
export function resolveCodec(stored: string | undefined, wantHashing: boolean): KeyCodec {
  const salt = process.env[SALT_ENV];
  const hashing = stored ? stored !== 'none' : wantHashing;
  if (hashing && !salt) throw new LedgerError(`this ledger stores hashed IDs: set ${SALT_ENV} to the salt it was created with`, `此台账存的是散列后的身份证号: 请把 ${SALT_ENV} 设为建台账时所用的盐值`);
  if (stored === 'none' && wantHashing) throw new LedgerError('this ledger stores plain IDs; --hash-ids cannot be switched on for an existing ledger', '此台账存的是身份证号原文; 已有的台账不能再开启 --hash-ids');
  const codec = new KeyCodec(hashing ? salt : undefined);
  if (stored && stored !== codec.fingerprint()) throw new LedgerError(`${SALT_ENV} is not the salt this ledger was created with`, `${SALT_ENV} 不是建此台账时所用的盐值`);
  return codec;
}

/** Recorded rows, as a database lists them (hash and where, in the order recorded), by hash. */
export function byHash(rows: [string, PriorRow][]): Map<string, PriorRow[]> {
  const out = new Map<string, PriorRow[]>();
  for (const [hash, where] of rows) {
    const entries = out.get(hash);
    if (entries) entries.push(where);
    else out.set(hash, [where]);
  }
  return out;
}

/** Map history read under encoded keys back to the raw keys of this run. */
export function decodeHistory(claims: PriorClaim[], codec: KeyCodec, rawKeys: string[]): PriorClaim[] {
  const back = new Map(rawKeys.map((k) => [codec.encode(k), k]));
  return claims.map((c) => ({ ...c, personKey: back.get(c.personKey) ?? c.personKey }));
}

/** Test-only fault injection: die without warning between writing and committing, to prove atomicity. */
export function faultPoint(name: string): void {
  if (faultAt(name)) process.kill(process.pid, 'SIGKILL');
}

/** Test-only fault injection: whether a test asked for the fault `name` (the caller acts it out). */
export function faultAt(name: string): boolean {
  return process.env.SUBSIDY_FAULT === name;
}

/** Test-only fault injection: the database fails here (as a dropped connection would), to prove the run stops cleanly. */
export function faultError(name: string): void {
  if (faultAt(name)) throw new LedgerError(`injected fault: ${name}`);
}

/** `onWait`: told when the run waits for another one writing to the same SQLite file (PostgreSQL runs side by side). */
/**
 * `existing`: the command only reads the ledger (ledger show, check --ledger, a dry run): a location that holds none
 * is refused rather than made, since an empty ledger made at a mistyped path would answer "no claims" for everyone.
 */
export async function openLedger(location: string, wantHashing: boolean, onWait?: (message: Bilingual) => void, existing = false): Promise<Ledger> {
  if (/^postgres(ql)?:\/\//.test(location)) {
    const { openPostgresLedger } = await import('./ledgerPostgres.js');
    return openPostgresLedger(location, wantHashing, existing);
  }
  const { openSqliteLedger } = await import('./ledgerSqlite.js');
  return openSqliteLedger(location, wantHashing, onWait, existing);
}

/** A reading command given a location that holds no ledger (openLedger's `existing`). */
export const noLedger = (where: string): LedgerError =>
  new LedgerError(
    `${where}: no ledger there (a command that only reads does not start one: is the location right? calc --ledger starts one)`,
    `${where}: 此处没有台账 (只读的命令不会新建台账: 位置是否写对? 用 calc --ledger 运行即可新建)`,
  );
