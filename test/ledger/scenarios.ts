// The ledger cases every backend must pass: monthly rosters, idempotent re-runs, void, dry run, hashed IDs.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { residentId } from '../helpers.js';
import { PERSON, calc, cli, roster, runIdOf, statuses, tmp } from './harness.js';

const march = [
  [PERSON, 'cert_training', '2020-03-01', '电工', 'L4'],
  [PERSON, 'cert_training', '2020-03-05', '焊工', 'L4'],
  [PERSON, 'cert_training', '2020-03-09', '茶艺师', 'L5'],
];
const june = [
  [PERSON, 'cert_training', '2020-06-01', '钳工', 'L4'],
  [PERSON, 'cert_training', '2020-06-05', '车工', 'L3'],
];

export function ledgerScenarios(newLedger: () => string): void {
  it('ZJ-16: a roster run in the capped thread (which opens the ledger itself) decides and records as it does in this thread', () => {
    // 14,000 rows of 3,000 persons, each with a training provider's name (~1 MB: over 1/32 of a 24 MB budget, so that
    // run goes in the capped thread; at 16 MB, ~2 MB above what a PostgreSQL run needs, it ran out now and then):
    // four or five trainings a person in 2020, each in another occupation, at most 3 paid a year: 9,000 approved.
    const dir = tmp();
    const rows = Array.from({ length: 14_000 }, (_, i) => {
      const k = Math.floor(i / 3000);
      return [residentId(i % 3000), 'cert_training', `2020-${String(3 + k).padStart(2, '0')}-15`, ['电工', '焊工', '车工', '钳工', '茶艺师'][k]!, 'L4', '诸暨市职业技能培训中心'];
    });
    const file = join(dir, 'year.csv');
    writeFileSync(file, ['person_id,program,date,occupation,level,培训机构', ...rows.map((r) => r.join(','))].join('\n') + '\n');
    expect(statSync(file).size * 32).toBeGreaterThan(24 * 2 ** 20);
    const [here, capped] = [newLedger(), newLedger()];
    const a = calc(file, here, ['--memory-mb', '0']);
    const b = calc(file, capped, ['--memory-mb', '24']);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    expect(b.stderr).not.toContain('running it again');
    expect(statuses(b)).toEqual(statuses(a));
    expect(statuses(a).filter((s) => s === 'approved:ok').length).toBe(9000);
    expect(statuses(a).filter((s) => s === 'denied:annual_cap').length).toBe(5000);
    const claims = (ledger: string): string[] => {
      const out = join(dir, `claims-${ledger === here ? 'here' : 'capped'}.csv`);
      expect(cli(['ledger', 'export', '--ledger', ledger, '-o', out]).code).toBe(0);
      return readFileSync(out, 'utf8').split('\r\n').map((l) => l.replace(/^R\d{8}T\d{6}-[0-9a-f]{4},/, 'RUN,').replace(/,[^,]*$/, ''));
    };
    expect(claims(capped)).toEqual(claims(here));
    expect(b.stdout).toContain(`recorded ${statuses(a).filter((s) => s === 'approved:ok').length} approved line(s)`);
  });

  it('ZJ-16 across rosters: 焊工 L4 paid in March, 电焊工 L4 claimed in June goes to review naming the March run; 电焊工 L3 is paid', () => {
    const dir = tmp();
    const ledger = newLedger();
    const m = calc(roster(dir, 'march.csv', [[PERSON, 'cert_training', '2020-03-01', '焊工', 'L4']]), ledger);
    expect(statuses(m)).toEqual(['approved:ok']);
    const j = calc(roster(dir, 'june.csv', [[PERSON, 'cert_training', '2020-06-01', '电焊工', 'L4'], [PERSON, 'cert_training', '2020-06-02', '电焊工', 'L3']]), ledger);
    expect(statuses(j)).toEqual(['review:similar_occupation', 'approved:ok']);
    expect(j.lines[0]!.reason).toContain(`the occupation "电焊工" resembles "焊工" (ledger run ${runIdOf(m)} `);
    expect(j.lines[0]!.max_exposure).toBe('3500.00');
  });

  it('ZJ-04: a line left under review is not recorded; run again with the office\'s decision, it is paid and recorded once, the rest of the roster duplicates', () => {
    const dir = tmp();
    const ledger = newLedger();
    const file = join(dir, 'march.csv');
    writeFileSync(file, `person_id,program,date,occupation,level,groups\n${PERSON},cert_training,2020-03-01,电工,L4,\n${PERSON},entrepreneurship,2020-03-05,,,enterprise_employee\n`);
    const first = calc(file, ledger);
    expect(statuses(first)).toEqual(['approved:ok', 'review:group_not_listed']);
    expect(first.stdout).toContain('recorded 1 approved line(s)');
    const decisions = join(dir, 'decisions.csv');
    writeFileSync(decisions, `file,row,program,decision\n${file},3,entrepreneurship,approve\n`);
    const decided = calc(file, ledger, ['--decisions', decisions]);
    expect(statuses(decided)).toEqual(['duplicate:already_in_ledger', 'approved:approved_on_review']);
    expect(decided.stdout).toContain('recorded 1 approved line(s)');
    expect(statuses(calc(file, ledger, ['--decisions', decisions, '--dry-run']))).toEqual(['duplicate:already_in_ledger', 'duplicate:already_in_ledger']);
    expect(cli(['ledger', 'stats', '--ledger', ledger]).stdout).toMatch(/entrepreneurship +1 claims +1 persons +1,000\.00 yuan/);
  });

  it('ZJ-01/ZJ-06: a training paid with its living allowance left under review (no training days): the row again with the decision pays the 750 once, the training stays a duplicate', () => {
    const dir = tmp();
    const ledger = newLedger();
    const file = join(dir, 'march.csv');
    writeFileSync(file, `person_id,program,date,occupation,level,groups,training_days\n${PERSON},cert_training,2020-03-01,电工,L4,employment_difficulty,\n`);
    const first = calc(file, ledger);
    expect(statuses(first)).toEqual(['approved:ok', 'review:missing_facts']);
    expect(first.stdout).toContain('recorded 1 approved line(s)');
    // Run again undecided, the allowance is still a question: not a duplicate of a payment that was never made.
    const undecided = calc(file, ledger, ['--dry-run']);
    expect(statuses(undecided)).toEqual(['duplicate:already_in_ledger', 'review:missing_facts']);
    expect(undecided.lines[0]!.reason).toContain(`already in ledger run ${runIdOf(first)} (`);
    // 15 training days, 50 yuan a day (ZJ-06): the clerk's 750.
    const decisions = join(dir, 'decisions.csv');
    writeFileSync(decisions, `file,row,program,decision,decided_amount\n${file},2,living_allowance,approve,750\n`);
    const decided = calc(file, ledger, ['--decisions', decisions]);
    expect(statuses(decided)).toEqual(['duplicate:already_in_ledger', 'approved:approved_on_review']);
    expect(decided.lines[1]!.amount).toBe('750.00');
    expect(decided.stdout).toContain('recorded 1 approved line(s)');
    // Both lines are paid now, each from its own run: the row is a duplicate whole.
    const again = calc(file, ledger, ['--decisions', decisions, '--dry-run']);
    expect(statuses(again)).toEqual(['duplicate:already_in_ledger', 'duplicate:already_in_ledger']);
    expect(again.lines[1]!.reason).toContain(`already in ledger run ${runIdOf(decided)} (`);
    const stats = cli(['ledger', 'stats', '--ledger', ledger]).stdout;
    expect(stats).toMatch(/cert_training +1 claims +1 persons +3,500\.00 yuan/);
    expect(stats).toMatch(/living_allowance +1 claims +1 persons +750\.00 yuan/);
    // The runs' evaluated rows: the first and the decided one evaluated the row (the allowance was decided anew), the dry runs recorded nothing.
    expect(stats).toMatch(new RegExp(`${runIdOf(first)} .* rows 1 +claims 1 `));
    expect(stats).toMatch(new RegExp(`${runIdOf(decided)} .* rows 1 +claims 1 `));
  });

  it('ZJ-16/ZJ-06: the row corrected instead (its training days filled in): the training is a repeat of the one paid, the 750 goes to review, and the office\'s approval pays it once', () => {
    const dir = tmp();
    const ledger = newLedger();
    const header = 'person_id,program,date,occupation,level,groups,training_days';
    const march = join(dir, 'march.csv');
    writeFileSync(march, `${header}\n${PERSON},cert_training,2020-03-01,电工,L4,employment_difficulty,\n`);
    const first = calc(march, ledger);
    expect(statuses(first)).toEqual(['approved:ok', 'review:missing_facts']);
    const corrected = join(dir, 'march-corrected.csv');
    writeFileSync(corrected, `${header}\n${PERSON},cert_training,2020-03-01,电工,L4,employment_difficulty,15\n`);
    const again = calc(corrected, ledger);
    expect(statuses(again)).toEqual(['denied:repeat_occupation_level', 'review:paid_without_companion']);
    expect(again.lines[1]!.max_exposure).toBe('750.00');
    expect(again.lines[1]!.reason).toContain(`the training it rides along with was paid on ledger run ${runIdOf(first)} `);
    expect(again.stdout).toContain('recorded 0 approved line(s)');
    const decisions = join(dir, 'decisions.csv');
    writeFileSync(decisions, `file,row,program,decision\n${corrected},2,living_allowance,approve\n`);
    const decided = calc(corrected, ledger, ['--decisions', decisions]);
    expect(statuses(decided)).toEqual(['denied:repeat_occupation_level', 'approved:approved_on_review']);
    expect(decided.lines[1]!.amount).toBe('750.00');
    // Paid now: the corrected row again is a duplicate for its allowance, and the first row's allowance, still without
    // its days, goes to review naming that payment rather than waiting to be paid a second time.
    expect(statuses(calc(corrected, ledger, ['--decisions', decisions, '--dry-run']))).toEqual(['denied:repeat_occupation_level', 'duplicate:already_in_ledger']);
    const old = calc(march, ledger, ['--dry-run']);
    expect(statuses(old)).toEqual(['duplicate:already_in_ledger', 'review:missing_facts']);
    expect(old.lines[1]!.reason).toContain(`already paid for this training on ledger run ${runIdOf(decided)} `);
    expect(cli(['ledger', 'stats', '--ledger', ledger]).stdout).toMatch(/living_allowance +1 claims +1 persons +750\.00 yuan/);
  });

  it('ZJ-16 across rosters: 3 claims in March, 2 more in June → June approves 0 and names the March run', () => {
    const dir = tmp();
    const ledger = newLedger();
    const m = calc(roster(dir, 'march.csv', march), ledger);
    expect(m.code).toBe(0);
    expect(statuses(m)).toEqual(['approved:ok', 'approved:ok', 'approved:ok']);
    const marchRun = runIdOf(m);
    const j = calc(roster(dir, 'june.csv', june), ledger);
    expect(statuses(j)).toEqual(['denied:annual_cap', 'denied:annual_cap']);
    for (const l of j.lines) {
      expect(l.reason).toContain(`ledger run ${marchRun}`);
      expect(l.reason).toContain('march.csv row 4');
      expect(l.reason).toContain('2020-03-09');
    }
  });

  it('a plain ledger finds its recorded rows whether SUBSIDY_ID_SALT is set or not (row hashes follow the ledger)', () => {
    const dir = tmp();
    const ledger = newLedger();
    const file = roster(dir, 'march.csv', march);
    // An office that sets the salt for another, hashed ledger records into this plain one...
    expect(calc(file, ledger, [], { SUBSIDY_ID_SALT: 'for-another-ledger' }).code).toBe(0);
    // ...and the same rows, run without it (or the other way round), are the rows already paid, not new ones.
    expect(statuses(calc(file, ledger, ['--dry-run']))).toEqual(['duplicate:already_in_ledger', 'duplicate:already_in_ledger', 'duplicate:already_in_ledger']);
    expect(statuses(calc(file, ledger, ['--dry-run'], { SUBSIDY_ID_SALT: 'yet-another' }))).toEqual(['duplicate:already_in_ledger', 'duplicate:already_in_ledger', 'duplicate:already_in_ledger']);
  });

  it('ZJ-11: an enterprise\'s grant paid in one run and claimed again with its cost corrected (the same 20000 due) goes to review naming that run, with any budget and threads', () => {
    const dir = tmp();
    const ledger = newLedger();
    const grant = (name: string, cost: string): string => {
      const file = join(dir, name);
      writeFileSync(file, `name,org_code,program,date,cost\n浙江某机械有限公司,91330681MA2XXXXXXX,enterprise_drill_grant,2020-12-20,${cost}\n`);
      return file;
    };
    // ZJ-11: at most 20000 to an enterprise: 25000 claimed is paid 20000.
    const first = calc(grant('december.csv', '25000'), ledger);
    expect(first.code, first.stderr).toBe(0);
    expect(first.lines.map((l) => [l.status, l.amount])).toEqual([['approved', '20000.00']]);
    const run = runIdOf(first);
    // Not the same row (the cost differs), so not a duplicate row: the same grant, sent to review, not paid twice.
    for (const extra of [[], ['--memory-mb', '0', '--workers', '2']]) {
      const again = calc(grant('january.csv', '20000'), ledger, ['--dry-run', ...extra]);
      expect(statuses(again)).toEqual(['review:same_claim_twice']);
      expect(again.lines[0]!.reason).toContain(`ledger run ${run} ${join(dir, 'december.csv')} row 2`);
      expect(again.lines[0]!.reason).toContain('(same unit, programme, date and amount)');
    }
  });

  it('the same roster twice approves nothing new and leaves the totals unchanged', () => {
    const dir = tmp();
    const ledger = newLedger();
    const file = roster(dir, 'march.csv', march);
    calc(file, ledger);
    const before = cli(['ledger', 'stats', '--ledger', ledger]).stdout.split('\n').filter((l) => l.includes('cert_training'));
    const again = calc(file, ledger);
    expect(statuses(again)).toEqual(['duplicate:already_in_ledger', 'duplicate:already_in_ledger', 'duplicate:already_in_ledger']);
    expect(again.stdout).toContain('recorded 0 approved line(s)');
    // The closing line's count stands in the column of the others' (approved     21 lines), in either language.
    expect(again.stdout).toContain('\n  duplicate     3 lines\n');
    expect(calc(file, ledger, ['--dry-run', '--lang', 'zh']).stdout).toContain('\n  已入账        3 笔\n');
    const after = cli(['ledger', 'stats', '--ledger', ledger]).stdout.split('\n').filter((l) => l.includes('cert_training'));
    expect(after).toEqual(before);
    expect(after[0]).toContain('10,500.00');
  });

  it('void of the March run → June re-evaluated approves 2; the voided claims stay, marked', () => {
    const dir = tmp();
    const ledger = newLedger();
    const m = calc(roster(dir, 'march.csv', march), ledger);
    const juneFile = roster(dir, 'june.csv', june);
    expect(statuses(calc(juneFile, ledger))).toEqual(['denied:annual_cap', 'denied:annual_cap']);
    const v = cli(['ledger', 'void', runIdOf(m), '--ledger', ledger, '--reason', 'roster sent by mistake']);
    expect(v.code).toBe(0);
    const j = calc(juneFile, ledger);
    expect(statuses(j)).toEqual(['approved:ok', 'approved:ok']);
    expect(j.lines.map((l) => l.amount)).toEqual(['3500.00', '3500.00']);
    const show = cli(['ledger', 'show', PERSON, '--ledger', ledger]).stdout;
    expect(show.match(/\(voided run\)/g)).toHaveLength(3);
    expect(show).toContain('2 claim(s), 7,000.00 yuan');
    expect(cli(['ledger', 'void', runIdOf(m), '--ledger', ledger]).stderr).toContain('already voided');
  });

  it('ZJ-16: a command that only reads, given a location with no ledger (a mistyped path), refuses it and makes none, where an empty ledger would have answered "no claims" and passed a 4th training', () => {
    const dir = tmp();
    const ledger = newLedger();
    const answers = join(dir, 'case.json');
    writeFileSync(answers, JSON.stringify({ program: 'cert_training', person_id: PERSON, date: '2020-06-01', level: 'L4', occupation: '钳工' }));
    const where = ledger.replace(/\/\/[^@/]*@/, '//…@');
    const refusals = [
      cli(['ledger', 'show', PERSON, '--ledger', ledger]),
      cli(['ledger', 'stats', '--ledger', ledger]),
      cli(['ledger', 'export', '--ledger', ledger, '-o', join(dir, 'claims.csv')]),
      cli(['check', '-j', 'zhuji', '--answers', answers, '--ledger', ledger]),
      calc(roster(dir, 'march.csv', march), ledger, ['--dry-run']),
    ];
    for (const r of refusals) {
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`subsidy: ${where}: no ledger there (a command that only reads does not start one: is the location right? calc --ledger starts one)\n`);
    }
    expect(cli(['ledger', 'stats', '--ledger', ledger, '--lang', 'zh']).stderr).toBe(`subsidy: ${where}: 此处没有台账 (只读的命令不会新建台账: 位置是否写对? 用 calc --ledger 运行即可新建)\n`);
    // Still none: a run that records starts it, and then the reading commands read it.
    expect(statuses(calc(roster(dir, 'march.csv', march), ledger))).toEqual(['approved:ok', 'approved:ok', 'approved:ok']);
    expect(cli(['ledger', 'show', PERSON, '--ledger', ledger]).stdout).toContain('3 claim(s), 10,500.00 yuan');
  });

  it('--dry-run evaluates against the ledger and records nothing', () => {
    const dir = tmp();
    const ledger = newLedger();
    calc(roster(dir, 'march.csv', march), ledger);
    const dry = calc(roster(dir, 'june.csv', [[PERSON, 'cert_training', '2021-01-10', '钳工', 'L4']]), ledger, ['--dry-run']);
    expect(statuses(dry)).toEqual(['approved:ok']);
    expect(dry.stdout).toContain('dry run: nothing recorded');
    expect(calc(roster(dir, 'june.csv', [[PERSON, 'cert_training', '2021-01-10', '钳工', 'L4']]), ledger, ['--dry-run', '--lang', 'zh']).stdout).toContain('试运行: 未记入 ');
    expect(cli(['ledger', 'show', PERSON, '--ledger', ledger]).stdout).toContain('3 claim(s)');
  });

  it('no repeat of occupation+level across rosters, and export lists every claim', () => {
    const dir = tmp();
    const ledger = newLedger();
    calc(roster(dir, 'a.csv', [[PERSON, 'cert_training', '2020-03-01', '电工', 'L4']]), ledger);
    const b = calc(roster(dir, 'b.csv', [[PERSON, 'cert_training', '2021-03-01', '电工', 'L4']]), ledger);
    expect(statuses(b)).toEqual(['denied:repeat_occupation_level']);
    const out = `${tmp()}/claims.csv`;
    expect(cli(['ledger', 'export', '--ledger', ledger, '-o', out]).stdout).toContain('wrote 1 claim(s)');
  });

  it('ZJ-16 at the counter: check --ledger counts the March claims, so a 4th training in 2020 is denied and names the run', () => {
    const dir = tmp();
    const ledger = newLedger();
    const env = { SUBSIDY_ID_SALT: 'county-secret' };
    const marchRun = runIdOf(calc(roster(dir, 'march.csv', march), ledger, ['--hash-ids'], env));
    const answers = join(dir, 'case.json');
    writeFileSync(answers, JSON.stringify({ program: 'cert_training', person_id: PERSON, date: '2020-06-01', level: 'L4', occupation: '钳工' }));
    type CheckLine = { status: string; reason: { en: string }; amount: string };
    const check = (extra: string[]): CheckLine[] => {
      const r = cli(['check', '-j', 'zhuji', '--answers', answers, '--json', ...extra], env);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { lines: CheckLine[] }).lines;
    };
    // Without the ledger the case alone is eligible; with it, the year is full.
    expect(check([]).map((l) => l.status)).toEqual(['approved']);
    const counted = check(['--ledger', ledger]);
    expect(counted.map((l) => l.status)).toEqual(['denied']);
    expect(counted[0]!.reason.en).toContain(`ledger run ${marchRun}`);
    expect(counted[0]!.reason.en).toContain('march.csv row 4');
    // The check recorded nothing; after the March run is voided the same case is approved again.
    expect(cli(['ledger', 'show', PERSON, '--ledger', ledger], env).stdout).toContain('3 claim(s)');
    cli(['ledger', 'void', marchRun, '--ledger', ledger, '--reason', 'sent twice'], env);
    expect(check(['--ledger', ledger]).map((l) => l.status)).toEqual(['approved']);
  });

  it('--hash-ids stores no resident ID, and lookups still work with the salt', () => {
    const dir = tmp();
    const ledger = newLedger();
    const env = { SUBSIDY_ID_SALT: 'county-secret' };
    expect(calc(roster(dir, 'march.csv', march), ledger, ['--hash-ids'], env).code).toBe(0);
    const out = `${tmp()}/claims.csv`;
    cli(['ledger', 'export', '--ledger', ledger, '-o', out], env);
    expect(readFileSync(out, 'utf8')).not.toContain(PERSON);
    expect(cli(['ledger', 'show', PERSON, '--ledger', ledger], env).stdout).toContain('3 claim(s)');
    expect(statuses(calc(roster(dir, 'june.csv', june), ledger, [], env))).toEqual(['denied:annual_cap', 'denied:annual_cap']);
    expect(cli(['ledger', 'show', PERSON, '--ledger', ledger], { SUBSIDY_ID_SALT: 'wrong' }).stderr).toContain('not the salt');
    expect(cli(['ledger', 'show', PERSON, '--ledger', ledger], { SUBSIDY_ID_SALT: '' }).code).toBe(1);
  });
}
