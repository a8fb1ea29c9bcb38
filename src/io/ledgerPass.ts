// A ledger run's steps around the limits pass: what the ledger knows of each partition, asked first; what the run approved, recorded after, in input order.
import { closeSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ledgerLookups } from '../engine/partition.js';
import type { PriorRow } from '../engine/types.js';
import { recordsPart } from './chunkPass.js';
import { type ClaimRecord, type LedgerTx, type RowRecord, type RunRecord, type RunTotals, faultError } from './ledger.js';
import { linesByIndex } from './indexedLines.js';
import { Appender, type Decided, type LedgerContexts, type Segments, type StoredContext, eventsFile, readSegmentBytes } from './partitionPass.js';

/** Rows and claims sent to the database at once. */
const RECORD_BATCH = 4096;

/** An empty lookups file and its shared counters, made before the limits threads start (they open the file). */
export function newLedgerContexts(work: string, partitions: number): LedgerContexts {
  const file = join(work, 'ledger-context.jsonl');
  closeSync(openSync(file, 'w'));
  return { file, spans: new SharedArrayBuffer(16 * partitions), ready: new SharedArrayBuffer(4) };
}

/**
 * Ask the ledger, partition by partition, for the history of the partition's persons and the rows of it already
 * recorded, and keep the answers in the lookups file the limits threads read (they have no connection of their own:
 * the run's reads and writes are one transaction). Each partition is published once its answer is in the file, so
 * the limits threads decide it while later ones are asked; if asking fails, they are told to stop. Only one
 * partition's keys are held at a time.
 */
export async function lookUpPartitions(contexts: LedgerContexts, chunkRecords: Segments[][], tx: LedgerTx, tick?: () => void): Promise<void> {
  const work = dirname(contexts.file);
  const fds = chunkRecords.map((_, c) => openSync(recordsPart(work, c), 'r'));
  const out = new Appender(openSync(contexts.file, 'w'));
  const spans = new Float64Array(contexts.spans);
  const ready = new Int32Array(contexts.ready);
  let at = 0;
  try {
    for (let p = 0; p < spans.length / 2; p++) {
      const wanted = { personKeys: new Set<string>(), hashes: new Set<string>() };
      fds.forEach((fd, c) => {
        const bytes = readSegmentBytes(fd, chunkRecords[c]![p]!);
        ledgerLookups(bytes, bytes.length, wanted);
      });
      if (p === 1) faultError('lookup-error');
      const history = wanted.personKeys.size ? await tx.history([...wanted.personKeys]) : [];
      const recorded = wanted.hashes.size ? await tx.recordedRows([...wanted.hashes]) : new Map<string, PriorRow[]>();
      const length = out.write(JSON.stringify({ history, recordedRows: [...recorded] } satisfies StoredContext));
      out.flush();
      spans[2 * p] = at;
      spans[2 * p + 1] = length;
      at += length;
      Atomics.store(ready, 0, p + 1);
      Atomics.notify(ready, 0);
      tick?.();
    }
  } catch (e) {
    Atomics.store(ready, 0, -1);
    Atomics.notify(ready, 0);
    throw e;
  } finally {
    out.close();
    for (const fd of fds) closeSync(fd);
  }
}

/**
 * Record the run: its approved lines as claims and the rows they came from, merged from every partition's events
 * back into input order (as a run held in memory records them), a few thousand at a time. `evaluated`: rows not
 * rejected; rows already in the ledger are taken off it. Returns what was recorded.
 */
export async function recordRun(
  work: string,
  decided: Decided[],
  labels: readonly string[],
  tx: LedgerTx,
  run: RunRecord,
  evaluated: number,
  tick?: (claims: number) => void,
): Promise<RunTotals> {
  await tx.startRun(run);
  const threads = new Set(decided.flatMap((d) => (d.events ? [d.events.thread] : [])));
  const fds = new Map([...threads].map((t) => [t, openSync(eventsFile(work, t), 'r')]));
  const totals: RunTotals = { rowsEvaluated: evaluated, claims: 0, amountFen: 0 };
  try {
    let rows: RowRecord[] = [];
    let claims: ClaimRecord[] = [];
    const flush = async (): Promise<void> => {
      // Rows before claims, as each batch's claims come from its rows or earlier ones.
      if (rows.length) await tx.addRows(run.runId, rows);
      if (claims.length) await tx.addClaims(run.runId, claims);
      rows = [];
      claims = [];
      tick?.(totals.claims);
    };
    // A row's lines are consecutive in input order: a row is recorded with its first approved line, and one every
    // line of which is a duplicate is taken off the rows evaluated, once (a row the ledger recorded whose other
    // lines were decided afresh was evaluated: see PaidRows).
    let lastPaid = -1;
    let current = { seq: -1, duplicate: false, fresh: false };
    const rowDone = (): void => {
      if (current.duplicate && !current.fresh) totals.rowsEvaluated--;
    };
    for (const reader of linesByIndex(fds, decided.flatMap((d) => (d.events ? [d.events] : [])), 'ledger events')) {
      const c = reader.line.split('\t');
      const seq = Number(c[1]);
      if (seq !== current.seq) {
        rowDone();
        current = { seq, duplicate: false, fresh: false };
      }
      if (c[2] === 'd') current.duplicate = true;
      else if (c[2] === 'n') current.fresh = true;
      else {
        current.fresh = true;
        const [file, row, personKey, jurisdiction, program, occupation, level, date, amount, payee, hash] = [labels[Number(c[3])]!, Number(c[4]), ...c.slice(5)] as [string, number, ...string[]];
        if (seq !== lastPaid) rows.push({ file, row, hash: hash! });
        lastPaid = seq;
        const amountFen = Number(amount);
        claims.push({ runId: run.runId, file, row, personKey: personKey!, jurisdiction: jurisdiction!, program: program!, occupation: occupation!, level: level!, date: date!, amountFen, payee: payee!, rowHash: hash! });
        totals.claims++;
        totals.amountFen += amountFen;
        if (claims.length >= RECORD_BATCH) await flush();
      }
    }
    rowDone();
    await flush();
  } finally {
    for (const fd of fds.values()) closeSync(fd);
  }
  await tx.finishRun(run.runId, totals);
  return totals;
}
