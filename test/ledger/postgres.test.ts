// The claims ledger on a real PostgreSQL server that this suite starts (initdb + pg_ctl on a free port).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSON, type PgServer, calc, calcTogether, cli, roster, startPostgres, tmp } from './harness.js';
import { ledgerScenarios } from './scenarios.js';

const server = await startPostgres();
const available = typeof server !== 'string';
if (!available) console.warn(`\n⚠ PostgreSQL ledger tests SKIPPED: ${server}\n`);
const pgServer = server as PgServer;
let n = 0;
const newDb = (): string => {
  const name = `ledger_${process.pid}_${++n}`;
  pgServer.createDb(name);
  return pgServer.url(name);
};

describe.skipIf(!available)('PostgreSQL ledger', () => {
  afterAll(() => pgServer.stop());

  ledgerScenarios(newDb);

  it('a run killed with SIGKILL before its commit leaves the database unchanged', () => {
    const ledger = newDb();
    const dir = tmp();
    calc(roster(dir, 'a.csv', [[PERSON, 'cert_training', '2020-03-01', '电工', 'L4']]), ledger);
    const killed = calc(roster(dir, 'b.csv', [[PERSON, 'cert_training', '2020-04-01', '焊工', 'L4']]), ledger, [], { SUBSIDY_FAULT: 'kill-before-commit' });
    expect(killed.code).toBe(-1);
    expect(cli(['ledger', 'show', PERSON, '--ledger', ledger]).stdout).toContain('1 claim(s), 3,500.00 yuan');
  });

  describe('two offices at the same moment', () => {
    let ledgers: string[] = [];
    beforeAll(() => {
      ledgers = Array.from({ length: 20 }, () => newDb());
    });

    it('never both approve the 4th claim of a year or the same occupation+level twice (20 rounds)', async () => {
      const dir = tmp();
      // Each office has two claims for the same person in 2020, plus one shared occupation+level (电工 L4).
      const officeA = roster(dir, 'a.csv', [
        [PERSON, 'cert_training', '2020-02-21', '电工', 'L4'],
        [PERSON, 'cert_training', '2020-03-01', '焊工', 'L4'],
      ]);
      const officeB = roster(dir, 'b.csv', [
        [PERSON, 'cert_training', '2020-02-21', '电工', 'L4'],
        [PERSON, 'cert_training', '2020-04-01', '钳工', 'L4'],
      ]);
      for (const ledger of ledgers) {
        const [a, b] = await calcTogether([officeA, officeB], ledger);
        expect([a!.code, b!.code]).toEqual([0, 0]);
        const approved = [...a!.lines, ...b!.lines].filter((l) => l.status === 'approved');
        // Whoever commits first gets both of its claims; the other gets only what fits: never 4 in the year.
        expect(approved.length).toBe(3);
        expect(approved.filter((l) => l.occupation === '电工')).toHaveLength(1);
        const show = cli(['ledger', 'show', PERSON, '--ledger', ledger]).stdout;
        expect(show).toContain('3 claim(s), 10,500.00 yuan');
      }
    }, 240_000);
  });
});
