// `subsidy ledger show | export | void | stats`: what the claims ledger holds, and withdrawing a run.
import { stringify } from 'csv-stringify/sync';
import { formatYuan } from '../../engine/money.js';
import { openAtomic } from '../../io/atomic.js';
import { BOM, safeCell } from '../../io/csvOut.js';
import { refuseOverwritingInputs } from '../../io/keepInputs.js';
import { type OutputEncoding, reencodeOutputs } from '../../io/outputEncoding.js';
import { type Ledger, openLedger } from '../../io/ledger.js';
import { makeChalk, yuanGrouped } from '../format.js';

async function withLedger<T>(location: string, fn: (l: Ledger) => Promise<T>): Promise<T> {
  const ledger = await openLedger(location, false, (m) => process.stderr.write(`${m.en}\n`));
  try {
    return await fn(ledger);
  } finally {
    await ledger.close();
  }
}

export async function ledgerShow(personId: string, opts: { ledger: string }): Promise<number> {
  return withLedger(opts.ledger, async (l) => {
    const c = makeChalk();
    const claims = await l.claimsOf(personId.normalize('NFKC').trim().toUpperCase());
    if (claims.length === 0) {
      process.stdout.write(`no claims for ${personId} in ${l.location}\n`);
      return 0;
    }
    for (const x of claims) {
      const line = `${x.date}  ${x.jurisdiction.padEnd(9)} ${x.program.padEnd(26)} ${`${x.occupation} ${x.level}`.padEnd(16)} ${yuanGrouped(x.amountFen).padStart(12)}  run ${x.runId}  ${x.file} row ${x.row}`;
      process.stdout.write(`${x.voided ? c.strikethrough(line) + c.yellow('  (voided run)') : line}\n`);
    }
    const live = claims.filter((x) => !x.voided);
    process.stdout.write(`${live.length} claim(s), ${yuanGrouped(live.reduce((a, x) => a + x.amountFen, 0))} yuan (voided runs not counted)\n`);
    return 0;
  });
}

export async function ledgerExport(opts: { ledger: string; out: string; outEncoding?: OutputEncoding }): Promise<number> {
  // -o naming the ledger file itself would replace every claim with their CSV.
  refuseOverwritingInputs([opts.ledger], [opts.out], { en: 'give -o another file', zh: '请给 -o 另一个文件' });
  return withLedger(opts.ledger, async (l) => {
    const header = ['run_id', 'voided', 'file', 'row', 'person_key', 'jurisdiction', 'program', 'occupation', 'level', 'date', 'year', 'amount', 'payee', 'recorded_at'];
    const csv = (rows: (string | number)[][]): string => stringify(rows.map((r) => r.map((v) => (typeof v === 'string' ? safeCell(v) : v))), { record_delimiter: '\r\n' });
    // Written batch by batch: 1.9 million claims held at once took 5 GB and 66 s.
    const out = openAtomic(opts.out);
    let count = 0;
    try {
      out.write(BOM + csv([header]));
      for await (const claims of l.claimBatches()) {
        out.write(csv(claims.map((x) => [x.runId, x.voided ? 'yes' : 'no', x.file, x.row, x.personKey, x.jurisdiction, x.program, x.occupation, x.level, x.date, x.year, formatYuan(x.amountFen), x.payee, x.recordedAt])));
        count += claims.length;
      }
      out.commit();
    } catch (e) {
      out.abort();
      throw e;
    }
    reencodeOutputs([opts.out], opts.outEncoding ?? 'utf8');
    process.stdout.write(`wrote ${count} claim(s) to ${opts.out}\n`);
    return 0;
  });
}

export async function ledgerVoid(runId: string, opts: { ledger: string; reason: string }): Promise<number> {
  return withLedger(opts.ledger, async (l) => {
    const run = await l.voidRun(runId, opts.reason);
    process.stdout.write(`voided run ${run.runId} (${run.claims} claim(s), ${yuanGrouped(run.amountFen)} yuan) at ${run.voidedAt}: ${opts.reason}\nIts claims stay in the ledger, marked voided; they no longer count toward limits.\n`);
    return 0;
  });
}

export async function ledgerStats(opts: { ledger: string }): Promise<number> {
  return withLedger(opts.ledger, async (l) => {
    const c = makeChalk();
    const runs = await l.runs();
    process.stdout.write(c.bold('runs\n'));
    for (const r of runs) {
      process.stdout.write(`  ${r.runId}  ${r.startedAt}  rows ${r.rowsEvaluated}  claims ${r.claims}  ${yuanGrouped(r.amountFen)} yuan${r.voidedAt ? c.yellow(`  voided ${r.voidedAt}: ${r.voidReason}`) : ''}\n`);
    }
    process.stdout.write(c.bold('approved claims by year, jurisdiction, programme (voided runs excluded)\n'));
    for (const s of await l.stats()) {
      process.stdout.write(`  ${s.year}  ${s.jurisdiction.padEnd(9)} ${s.program.padEnd(28)} ${String(s.claims).padStart(7)} claims ${String(s.persons).padStart(7)} persons ${yuanGrouped(s.amountFen).padStart(16)} yuan\n`);
    }
    return 0;
  });
}
