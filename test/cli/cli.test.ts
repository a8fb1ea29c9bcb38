// End to end through the built CLI: fixtures against their expected outputs, encodings, rejects, exit codes.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { readHeader, readRoster } from '../../src/io/roster.js';
import { residentId } from '../helpers.js';
import { row, workbook } from '../xlsxBuilder.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'subsidy.js');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'subsidy-cli-'));

function cli(args: string[], input?: string | Buffer): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input, env: { ...process.env, NO_COLOR: '1', SUBSIDY_LANG: '' } });
  return { code: r.status ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

const JURISDICTIONS = readdirSync(join(ROOT, 'fixtures')).filter((d) => existsSync(join(ROOT, 'fixtures', d, 'roster.csv')));

describe('calc on the shipped fixtures', () => {
  it.each(JURISDICTIONS)('%s: breakdown.csv, summary.csv and persons.csv equal the expected files byte for byte', (code) => {
    const out = tmp();
    const r = cli(['calc', `fixtures/${code}/roster.csv`, '-j', code, '-o', out]);
    expect(r.stderr.replace(/.*read as GBK\/GB18030\n/, '')).toBe('');
    expect(r.code).toBe(0);
    for (const f of ['breakdown.csv', 'summary.csv', 'persons.csv']) {
      expect(readFileSync(join(out, f), 'utf8')).toBe(readFileSync(join(ROOT, 'fixtures', code, f), 'utf8'));
    }
  });

  it('HY-03: a roster read under the wrong jurisdiction is named: its programmes are another table\'s (on one thread or in byte ranges); a typo or two is no such hint', () => {
    const dir = tmp();
    const rows = ['身份证号码,补贴项目,结业日期,证书类型,课时,开班备案'];
    for (let i = 1; i <= 40; i++) rows.push(`${residentId(i)},${i % 4 ? 'safety_training' : '特种作业安全技能培训补贴'},2020-06-10,special_operation,40,是`);
    rows.push(`${residentId(41)},free_training_typo,2020-06-10,special_operation,40,是`);
    writeFileSync(join(dir, 'r.csv'), rows.join('\r\n') + '\r\n');
    // Read as Suzhou's: every row but one names a Hengyang programme (by id or Chinese name), and Suzhou has no safety_training.
    for (const env of [{}, { SUBSIDY_MIN_CHUNK_BYTES: '1024' }]) {
      const r = spawnSync(process.execPath, [BIN, 'calc', join(dir, 'r.csv'), '-j', 'suzhou', '-o', join(dir, 'suzhou'), '--workers', '2', '--memory-mb', '0'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('41 row(s) name a programme suzhou does not have; most of them are programmes of hengyang (衡阳市) (safety_training 30, 特种作业安全技能培训补贴 10, free_training_typo 1): is the jurisdiction right? Check -j or the 地区 column');
    }
    const zh = cli(['calc', join(dir, 'r.csv'), '-j', 'suzhou', '-o', join(dir, 'zh'), '--lang', 'zh']);
    expect(zh.stdout).toContain('41 行的补贴项目 suzhou 没有, 多数是 hengyang (衡阳市) 的项目 (safety_training 30, 特种作业安全技能培训补贴 10, free_training_typo 1): 地区是否弄错了? 请核对 -j 或地区列');
    // Read as Hengyang's, as meant: HY-03 pays 5 yuan a class hour, 200.00; the one typo is a reject and no hint.
    const right = cli(['calc', join(dir, 'r.csv'), '-j', 'hengyang', '-o', join(dir, 'hengyang')]);
    expect(right.code, right.stderr).toBe(0);
    expect(right.stdout).toContain('rows read 41 = evaluated 40 + rejected 1');
    expect(right.stdout).not.toContain('is the jurisdiction right');
    expect(readFileSync(join(dir, 'hengyang', 'breakdown.csv'), 'utf8')).toContain('5 yuan/class hour × 40 class hour = 200.00 yuan');
  });

  it('ZJ-06/ZJ-01: programmes written as an office shortens them are rejects whose reason and closing lines name the closest programmes (on one thread or in byte ranges, calc and estimate)', () => {
    const dir = tmp();
    const rows = ['身份证号码,补贴项目,结业日期,等级,培训天数,人员类别'];
    for (let i = 1; i <= 40; i++) rows.push(`${residentId(i)},${i % 8 ? '生活费补贴' : '职业资格培训补贴'},2020-06-10,L4,10,two_after`);
    rows.push(`${residentId(41)},cert_trainig,2020-06-10,L4,,`, `${residentId(42)},培训补贴,2020-06-10,L4,,`, `${residentId(43)},cert_training,2020-06-10,L4,,`);
    writeFileSync(join(dir, 'r.csv'), rows.join('\r\n') + '\r\n');
    const hints = [
      'zhuji: the programme "生活费补贴" (35 row(s)) is closest to living_allowance: write its id or its full Chinese name (see subsidy tables show zhuji)',
      'zhuji: the programme "职业资格培训补贴" (5 row(s)) is closest to cert_training or project_training: write its id or its full Chinese name (see subsidy tables show zhuji)',
      'zhuji: the programme "cert_trainig" (1 row(s)) is closest to cert_training: write its id or its full Chinese name (see subsidy tables show zhuji)',
    ];
    for (const env of [{}, { SUBSIDY_MIN_CHUNK_BYTES: '1024' }]) {
      const r = spawnSync(process.execPath, [BIN, 'calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'out'), '--workers', '2', '--memory-mb', '0'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('rows read 43 = evaluated 1 + rejected 42');
      expect(r.stdout).toContain(`${hints.join('\n')}\nwrote `); // 培训补贴 is close to too many to name any
      const rejects = readFileSync(join(dir, 'out', 'rejects.csv'), 'utf8');
      expect(rejects).toContain('r.csv,2,program,生活费补贴,unknown_program,"zhuji has no such programme; closest: living_allowance「培训期间生活费补贴」; known: cert_training,');
      expect(rejects).toContain('r.csv,43,program,培训补贴,unknown_program,"zhuji has no such programme; known: cert_training,');
      // ZJ-01: the row that names the programme by its id is paid, L4 at the 3500 cap (no cost claimed: paid at the cap).
      expect(readFileSync(join(dir, 'out', 'breakdown.csv'), 'utf8')).toMatch(/r\.csv,44,zhuji,.*,cert_training,.*,approved,ok,eligible,3500\.00,ceiling,/);
    }
    const zh = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'zh'), '--lang', 'zh']);
    expect(zh.stdout).toContain('zhuji: 补贴项目「生活费补贴」(35 行) 最接近 living_allowance: 请改用项目代码或完整中文名称 (见 subsidy tables show zhuji)');
    const e = cli(['estimate', '-j', 'zhuji', '--roster', join(dir, 'r.csv'), '-o', join(dir, 'est')]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stderr).toContain(hints[0]);
  });

  it('ZJ-01/ZJ-06: --out-encoding gbk writes the CSV outputs as GB18030 without a BOM, the same text as UTF-8 (a character GBK lacks kept, not "?"); calc, estimate and ledger export', () => {
    const dir = tmp();
    // 𠮷 (U+20BB7) is in no GBK table: GB18030 gives it four bytes.
    const roster = readFileSync(join(ROOT, 'fixtures', 'zhuji', 'roster.csv'), 'utf8').replace('王芳', '王𠮷');
    writeFileSync(join(dir, 'r.csv'), roster);
    // Each the first run into a ledger of its own (a dry run does not start one), so both decide alike.
    const utf8 = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'utf8'), '--ledger', join(dir, 'first.db')]);
    const gbk = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'gbk'), '--out-encoding', 'gbk', '--xlsx', '--ledger', join(dir, 'l.db')]);
    expect([utf8.code, gbk.code], gbk.stderr).toEqual([0, 0]);
    for (const f of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv']) {
      const bytes = readFileSync(join(dir, 'gbk', f));
      expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), f).toBe(false);
      expect(iconv.decode(bytes, 'gb18030'), f).toBe(readFileSync(join(dir, 'utf8', f), 'utf8').slice(1).replaceAll('/utf8/', '/gbk/'));
    }
    const breakdown = readFileSync(join(dir, 'gbk', 'breakdown.csv'));
    expect(breakdown.includes(iconv.encode('王𠮷,cert_training', 'gb18030'))).toBe(true);
    expect(breakdown.includes(Buffer.from('王?'))).toBe(false);
    expect(iconv.decode(breakdown, 'gbk')).toContain('诸政办发〔2020〕6号'); // read as plain GBK, as Excel on Chinese Windows does
    // ZJ-01 3500 at the cap; the workbook beside it is made from the same text.
    expect(iconv.decode(breakdown, 'gb18030')).toContain('王𠮷,cert_training,Certificate training + one-off assessment subsidy,individual,,2020-05-10,2020,电工,L4,approved,ok,eligible,3500.00,ceiling,');
    expect(existsSync(join(dir, 'gbk', 'breakdown.xlsx'))).toBe(true);
    const e = cli(['estimate', '-j', 'zhuji', '--roster', join(dir, 'r.csv'), '-o', join(dir, 'est'), '--out-encoding', 'GB18030', '--lang', 'zh']);
    expect(e.code, e.stderr).toBe(0);
    expect(iconv.decode(readFileSync(join(dir, 'est', 'estimate.csv')), 'gb18030')).toMatch(/^情景,地区,文件状态,补贴项目,/);
    const x = cli(['ledger', 'export', '--ledger', join(dir, 'l.db'), '-o', join(dir, 'claims.csv'), '--out-encoding', 'gbk']);
    expect(x.code, x.stderr).toBe(0);
    expect(iconv.decode(readFileSync(join(dir, 'claims.csv')), 'gb18030')).toMatch(/^run_id,voided,file,row,person_key,.*\r\n.*,zhuji,cert_training,电工,L4,2020-05-10,2020,3500\.00,individual,/s);
    const bad = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'x'), '--out-encoding', 'latin1']);
    expect([bad.code, bad.stderr.split('\n')[0]]).toEqual([1, "error: option '--out-encoding <name>' argument 'latin1' is invalid. give utf8 or gbk (gb18030)"]);
  });

  it('no input is ever overwritten: a roster, catalogue or ledger that is (or links to) an output of calc, estimate or ledger export is refused before anything is written', () => {
    const dir = tmp();
    const roster = readFileSync(join(ROOT, 'fixtures', 'zhuji', 'roster.csv'));
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out', 'summary.csv'), roster);
    writeFileSync(join(dir, 'out', 'estimate.csv'), roster);
    writeFileSync(join(dir, 'out', 'breakdown.xlsx'), 'a catalogue kept where --xlsx writes');
    symlinkSync(join(dir, 'out', 'summary.csv'), join(dir, 'link.csv'));
    const refused = (args: string[], message: string): void => {
      const r = cli(args);
      expect([r.code, r.stdout, r.stderr]).toEqual([1, '', `subsidy: ${message} (nothing was written)\n`]);
    };
    const out = join(dir, 'out');
    refused(['calc', join(out, 'summary.csv'), '-j', 'zhuji', '-o', out], `${out}/summary.csv is an input of this run, and its results would overwrite it: choose another -o`);
    refused(['calc', join(dir, 'link.csv'), '-j', 'zhuji', '-o', out], `${out}/summary.csv, which this run writes, is the same file as its input ${dir}/link.csv (a link): choose another -o`);
    refused(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', out, '--catalog', join(out, 'breakdown.xlsx'), '--xlsx'], `${out}/breakdown.xlsx is an input of this run, and its results would overwrite it: choose another -o`);
    // A new ledger named as an output would be made, then replaced by it.
    refused(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', join(dir, 'new'), '--ledger', join(dir, 'new', 'rejects.csv')], `${dir}/new/rejects.csv is an input of this run, and its results would overwrite it: choose another -o`);
    expect(existsSync(join(dir, 'new'))).toBe(false);
    refused(['estimate', '-j', 'zhuji', '--roster', join(out, 'estimate.csv'), '-o', out], `${out}/estimate.csv is an input of this run, and its results would overwrite it: choose another -o or --report`);
    refused(['estimate', '-j', 'zhuji', '--roster', join(dir, 'link.csv'), '-o', join(dir, 'e'), '--report', join(out, 'summary.csv')], `${out}/summary.csv, which this run writes, is the same file as its input ${dir}/link.csv (a link): choose another -o or --report`);
    expect(readFileSync(join(out, 'summary.csv'))).toEqual(roster);
    expect(readFileSync(join(out, 'estimate.csv'))).toEqual(roster);
    // Nor one output another: the report named as estimate.csv.
    const onItself = cli(['estimate', '-j', 'zhuji', '--roster', 'fixtures/zhuji/roster.csv', '-o', join(dir, 'e'), '--report', join(dir, 'e', 'estimate.csv')]);
    expect([onItself.code, onItself.stderr]).toEqual([1, `subsidy: --report ${dir}/e/estimate.csv is where estimate.csv is written: name the report another file (report.html)\n`]);
    // ledger export -o onto the ledger itself replaced every claim with their CSV.
    const ledger = join(dir, 'claims.db');
    expect(cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', join(dir, 'run'), '--ledger', ledger]).code).toBe(0);
    refused(['ledger', 'export', '--ledger', ledger, '-o', ledger], `${ledger} is an input of this run, and its results would overwrite it: give -o another file`);
    expect(cli(['ledger', 'stats', '--ledger', ledger]).stdout).toContain('claims 21  187,200.00 yuan');
  });

  it('ZJ-16: the same roster given twice is refused (each claim would be counted twice); a copy under another name is run, and named', () => {
    const dir = tmp();
    const twice = cli(['calc', 'fixtures/zhuji/roster.csv', `${ROOT}/fixtures/zhuji/roster.csv`, '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect([twice.code, twice.stderr]).toEqual([1, `subsidy: ${ROOT}/fixtures/zhuji/roster.csv is given twice (also as fixtures/zhuji/roster.csv): each of its claims would be counted twice; give it once\n`]);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    const copy = join(dir, 'copy.csv');
    writeFileSync(copy, readFileSync(join(ROOT, 'fixtures/zhuji/roster.csv')));
    const r = cli(['calc', 'fixtures/zhuji/roster.csv', copy, '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${copy} has the same bytes as fixtures/zhuji/roster.csv: each claim meets its copy, and the limits deny the copy or send it to review; give a roster once\n`);
    // The copy pays nothing more: ZJ-16 denies a second claim for the same occupation and level, and the rest (ZJ-07's
    // unit grants too) go to review; a copy under review counts toward ZJ-16's 3 a year, so a later claim waits with it.
    const approved = (out: string): number => Number(/approved +\d+ lines +([\d,.]+) yuan/.exec(out)![1]!.replace(/,/g, ''));
    const once = cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', join(dir, 'once')]);
    expect(approved(once.stdout)).toBe(187200);
    expect(approved(r.stdout)).toBe(186200);
    const b = readFileSync(join(dir, 'out', 'breakdown.csv'), 'utf8');
    expect(b).toMatch(/copy\.csv,27,.*,training_package_grant,.*,review,same_claim_twice,/);
  });

  it('ZJ-04: a line under review entered twice keeps its reason in the breakdown, and the limits\' note follows it (en and zh)', () => {
    const dir = tmp();
    const file = join(dir, 'twice.csv');
    writeFileSync(file, `person_id,program,date,groups\n${residentId(1)},entrepreneurship,2020-03-05,enterprise_employee\n${residentId(1)},entrepreneurship,2020-03-05,enterprise_employee\n`);
    for (const [lang, first, added] of [
      ['en', 'not among the listed groups (the list ends with 等, so it is open) (groups=enterprise_employee)', `; the same claim as ${file} row 2 Return-home entrepreneurship training (2020-03-05) (same person, programme, date, occupation, level and amount): entered twice? to be checked`],
      ['zh', '不在所列人员(农民工、建档立卡贫困人口、在校大学生、退役军人"等")之中（groups=enterprise_employee）', `; 与 ${file} 第2行 返乡创业培训补贴 (2020-03-05) 的申领相同(同一人、项目、日期、职业、等级和金额): 是否重复录入? 请核实`],
    ] as const) {
      const out = join(dir, lang);
      const r = cli(['calc', file, '-j', 'zhuji', '-o', out, '--lang', lang]);
      expect(r.code, r.stderr).toBe(0);
      const rows = parse(readFileSync(join(out, 'breakdown.csv')), { bom: true, columns: false }) as string[][];
      expect(rows.slice(1).map((x) => [x[1], x[14], x[15], x[16], x[21]])).toEqual([
        ['2', 'review', 'group_not_listed', first, '1000.00'],
        ['3', 'review', 'group_not_listed', first + added, '1000.00'],
      ]);
    }
  });

  it('ZJ-16/ZJ-15: the closing lines say why lines are under review or denied, the commonest reasons first, the same on one thread or in byte ranges', () => {
    const lines = (env: Record<string, string>): string[] => {
      const r = spawnSync(process.execPath, [BIN, 'calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', tmp(), '--workers', '2', '--memory-mb', '0'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.split('\n').filter((l) => /^ {2}(review|denied)|by reason/.test(l));
    };
    const whole = lines({});
    expect(whole).toEqual([
      '  review        3 lines  max exposure 1,000.00 (+2 unquantified)',
      '           by reason: before_period 1, group_not_listed 1, reference_missing 1',
      '  denied        6 lines',
      '           by reason: annual_cap 1, outside_period 1, pensioner 1, 3 other',
    ]);
    expect(lines({ SUBSIDY_MIN_CHUNK_BYTES: '512', SUBSIDY_PIECE_BYTES: '256' })).toEqual(whole);
  });

  it('a column named twice is refused, naming both; 单位名称 beside 姓名 is most likely the employer, and the refusal says so', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'dup.csv'), `身份证号码,补贴项目,结业日期,等级,补贴项目\n${residentId(1)},cert_training,2020-06-01,L4,safety_training\n`);
    const dup = cli(['calc', join(dir, 'dup.csv'), '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect([dup.code, dup.stderr]).toEqual([1, `subsidy: ${join(dir, 'dup.csv')}: columns 2 and 5 both mean "program" (headers "补贴项目" and "补贴项目")\n`]);
    writeFileSync(join(dir, 'unit.csv'), `姓名,身份证号码,补贴项目,结业日期,等级,单位名称\n王芳,${residentId(1)},cert_training,2020-06-01,L4,浙江某机械有限公司\n`);
    const unit = cli(['calc', join(dir, 'unit.csv'), '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect([unit.code, unit.stderr]).toEqual([1, `subsidy: ${join(dir, 'unit.csv')}: columns 1 and 6 both mean "name" (headers "姓名" and "单位名称"): beside 姓名, is 单位名称 the employer? rename it 用人单位\n`]);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('zhuji persons.csv: a row per person with what is paid to them and for them (ZJ-01, ZJ-06, ZJ-14, ZJ-16, ZJ-05, ZJ-07, ZJ-11)', () => {
    const out = tmp();
    expect(cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', out]).code).toBe(0);
    const rows = readFileSync(join(out, 'persons.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(','));
    const header = rows[0]!;
    const of = (id: string): Record<string, string> => Object.fromEntries(header.map((h, i) => [h, rows.find((r) => r[3] === id)![i]!]));
    // 王芳: ZJ-01 at the cap 3500 + ZJ-06 50 × 15 days + ZJ-01 claimed 2800 + ZJ-14 L5 900; her 4th claim of 2020 and a
    // repeat of 电工 L4 are denied (ZJ-16).
    expect(of('330681199001010015')).toMatchObject({ name: '王芳', claims: '6', approved: '4', denied: '2', amount: '7950.00', paid_to_them: '7950.00', paid_to_others: '0.00', first_row: '2' });
    // 陈军: ZJ-05 veteran training at the cap 5000, paid to the training provider.
    expect(of('330681197803120022')).toMatchObject({ amount: '5000.00', paid_to_them: '0.00', paid_to_others: '5000.00' });
    // A unit keyed by its name: ZJ-07 50000 + 10000; one keyed by its org code: ZJ-11 at the cap 20000, paid to the enterprise itself.
    expect(of('诸暨市职业技能培训学校')).toMatchObject({ subject: 'unit', claims: '2', amount: '60000.00', paid_to_them: '60000.00' });
    expect(of('91330681MA2XXXXXXX')).toMatchObject({ subject: 'unit', name: '浙江某机械有限公司', amount: '20000.00', paid_to_them: '20000.00' });
    // One row per person, in the order of their first rows.
    const firstRows = rows.slice(1).map((r) => Number(r.at(-1)));
    expect(firstRows).toEqual([...firstRows].sort((a, b) => a - b));
    expect(new Set(rows.slice(1).map((r) => `${r[0]}|${r[3]}`)).size).toBe(rows.length - 1);
  });

  it.each(JURISDICTIONS)('%s: persons.csv adds up to the summary total (claims, amount, exposure, unquantified)', (code) => {
    const read = (f: string): Record<string, string>[] => parse(readFileSync(join(ROOT, 'fixtures', code, f), 'utf8'), { bom: true, columns: true });
    const total = read('summary.csv').find((r) => r.program === 'TOTAL')!;
    const persons = read('persons.csv');
    // Counts as they are, amounts in fen.
    const fen = (yuan: string): number => Math.round(Number(yuan) * 100);
    const count = (col: string): number => persons.reduce((a, r) => a + Number(r[col]), 0);
    const money = (col: string): number => persons.reduce((a, r) => a + fen(r[col]!), 0);
    expect(count('claims')).toBe(Number(total.claims));
    expect(money('amount')).toBe(fen(total.amount!));
    expect(money('paid_to_them') + money('paid_to_others')).toBe(money('amount'));
    expect(money('max_exposure')).toBe(fen(total.max_exposure!));
    expect(count('unquantified')).toBe(Number(total.unquantified));
    // Persons: the summary counts each distinct person of the jurisdiction once.
    expect(persons.length).toBe(Number(total.persons));
  });

  it('zhuji: the printed reconciliation adds up and matches the files', () => {
    const out = tmp();
    const r = cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', out]);
    const m = /rows read (\d+) = evaluated (\d+) \+ rejected (\d+)/.exec(r.stdout)!;
    const [read, evaluated, rejected] = [Number(m[1]), Number(m[2]), Number(m[3])];
    expect(read).toBe(evaluated + rejected);
    const dataRows = readFileSync(join(ROOT, 'fixtures/zhuji/roster.csv'), 'utf8').trim().split('\n').length - 1;
    expect(read).toBe(dataRows);
    const rejects = readFileSync(join(out, 'rejects.csv'), 'utf8').trim().split('\n').slice(1);
    expect(new Set(rejects.map((l) => l.split(',')[1])).size).toBe(rejected);
    // The rejects' problems by column and reason code, as rejects.csv has them.
    expect(r.stdout).toContain('rejected rows: 3 (see rejects.csv), by column and reason:\n  date bad_date                           1\n  person_id bad_id                        1\n  program unknown_program                 1\n');
  });

  it('ZJ-01: the closing lines name the five commonest reject problems and count the rest', () => {
    const dir = tmp();
    const bad = (n: number, cells: string): string[] => Array.from({ length: n }, () => cells);
    const rows = [
      'person_id,program,date,level,cost',
      ...bad(7, `${residentId(1)},cert_training,2020-13-01,L4,100`), // date bad_date
      ...bad(6, `${residentId(2)},nope,2020-05-01,L4,100`), // program unknown_program
      ...bad(5, `12345,cert_training,2020-05-01,L4,100`), // person_id bad_id
      ...bad(4, `${residentId(3)},cert_training,2020-05-01,L9,100`), // level bad_value
      ...bad(3, `${residentId(4)},,2020-05-01,L4,100`), // program missing_column
      ...bad(2, `${residentId(5)},cert_training,,L4,100`), // date missing_column
      ...bad(1, `${residentId(6)},cert_training,2020-05-01,L4,-5`), // cost
    ];
    writeFileSync(join(dir, 'r.csv'), rows.join('\n') + '\n');
    const r = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect(r.code, r.stderr).toBe(0);
    const block = r.stdout.slice(r.stdout.indexOf('rejected rows'), r.stdout.indexOf('wrote'));
    expect(block.split('\n').slice(0, 7)).toEqual([
      'rejected rows: 28 (see rejects.csv), by column and reason:',
      '  date bad_date                           7',
      '  program unknown_program                 6',
      '  person_id bad_id                        5',
      '  level bad_value                         4',
      '  program missing_column                  3',
      expect.stringMatching(/^ {2}2 other kinds +3$/),
    ]);
  });

  it('outputs start with a UTF-8 BOM so Excel and WPS open them correctly', () => {
    const out = tmp();
    cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', out]);
    for (const f of ['breakdown.csv', 'summary.csv', 'persons.csv', 'rejects.csv']) expect(readFileSync(join(out, f)).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('--lang zh writes Chinese headers', () => {
    const out = tmp();
    cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', out, '--lang', 'zh']);
    expect(readFileSync(join(out, 'breakdown.csv'), 'utf8').split('\n')[0]).toContain('身份证号码');
    expect(readFileSync(join(out, 'persons.csv'), 'utf8').split('\n')[0]).toContain('其中发给本人或本单位(元)');
  });

  it('--mask-ids hides the middle of resident IDs', () => {
    const out = tmp();
    cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', out, '--mask-ids']);
    expect(readFileSync(join(out, 'breakdown.csv'), 'utf8')).toContain('330681********0015');
    expect(readFileSync(join(out, 'breakdown.csv'), 'utf8')).not.toContain('330681199001010015');
    expect(readFileSync(join(out, 'persons.csv'), 'utf8')).toContain('330681********0015');
    expect(readFileSync(join(out, 'persons.csv'), 'utf8')).not.toContain('330681199001010015');
    // A unit's org code is not a resident ID: never masked.
    expect(readFileSync(join(out, 'persons.csv'), 'utf8')).toContain('91330681MA2XXXXXXX');
  });
});

describe('calc --decisions', () => {
  /** The run's breakdown.csv with a decision column filled on these rows (by roster row: [decision, decided amount]). */
  function decide(breakdown: string, decisions: Record<number, [string, string?]>, extra: [string, number, string, string][] = []): string {
    const rows = parse(readFileSync(breakdown, 'utf8'), { bom: true }) as string[][];
    const header = [...rows[0]!, '审核结论', '核定金额'];
    const quote = (c: string): string => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
    const filled = rows.slice(1).map((r) => [...r, ...(decisions[Number(r[1])] ?? ['', ''])]);
    // A line the breakdown does not have: file, row and programme where the breakdown keeps them (columns 1, 2 and 7).
    const added = extra.map(([file, row, program, verdict]) => header.map((_, i) => (i === 0 ? file : i === 1 ? String(row) : i === 6 ? program : i === header.length - 2 ? verdict : '')));
    return `\uFEFF${[header, ...filled, ...added].map((r) => r.map((c) => quote(c ?? '')).join(',')).join('\r\n')}\r\n`;
  }

  it('ZJ-04/ZJ-02/ZJ-01: the last run\'s breakdown with 审核结论 同意/不同意 (and 核定金额) pays, refuses or holds each reviewed line, the same on one thread or in byte ranges', () => {
    const dir = tmp();
    expect(cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', join(dir, 'first')]).code).toBe(0);
    // Row 10: ZJ-04, outside the listed groups (等): approved, 1000. Row 25: ZJ-02, no standard: approved at the 800 decided.
    // Row 21: before the document: refused. Row 2: a line the rules approved, refused too (the office may refuse).
    writeFileSync(join(dir, 'decisions.csv'), decide(join(dir, 'first', 'breakdown.csv'), { 10: ['同意'], 25: ['同意', '800'], 21: ['不同意'] }));
    const outputs = (out: string): string[] => ['breakdown', 'summary', 'persons', 'rejects'].map((f) => readFileSync(join(out, `${f}.csv`), 'utf8'));
    const one = cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', join(dir, 'one'), '--decisions', join(dir, 'decisions.csv')]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain('  approved     23 lines  189,000.00 yuan\n           of which approved on review (--decisions): 2\n'); // 187,200 + 1000 + 800
    expect(one.stdout).toContain('by reason: annual_cap 1, denied_on_review 1, outside_period 1, 4 other');
    expect(one.stderr).toContain(`${join(dir, 'decisions.csv')}: 3 decision(s) met their lines`);
    const b = outputs(join(dir, 'one'))[0]!;
    expect(b).toContain(',10,zhuji,final,330681198505050024,赵敏,entrepreneurship,');
    expect(b).toMatch(/,10,zhuji,.*,approved,approved_on_review,"approved on review \(decisions\.csv row 11\); under review because: not among the listed groups.*",1000\.00,decided,decided on review: 1000\.00 yuan,"ZJ-04, /);
    expect(b).toMatch(/,25,zhuji,.*,project_training,.*,approved,approved_on_review,.*,800\.00,decided,/);
    expect(b).toMatch(/,21,zhuji,.*,denied,denied_on_review,"denied on review \(decisions\.csv row 22\); the rules said review: claims before 2020-02-21/);
    const split = spawnSync(process.execPath, [BIN, 'calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', join(dir, 'split'), '--decisions', join(dir, 'decisions.csv'), '--workers', '2', '--memory-mb', '0'], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', SUBSIDY_MIN_CHUNK_BYTES: '512', SUBSIDY_PIECE_BYTES: '256' },
    });
    expect(split.status, split.stderr).toBe(0);
    expect(outputs(join(dir, 'split'))).toEqual(outputs(join(dir, 'one')));
  });

  it('ZJ-04/ZJ-02: decisions kept in a workbook (the breakdown.xlsx of --xlsx, 审核结论 filled in Excel) are read from its sheet', () => {
    const dir = tmp();
    const sheet = [
      row(1, ['i:输入文件', 'i:行号', 'i:补贴项目', 'i:审核结论', 'i:核定金额']),
      row(2, ['i:fixtures/zhuji/roster.csv', 'n:10', 'i:entrepreneurship', 'i:同意']),
      row(3, ['i:fixtures/zhuji/roster.csv', 'n:25', 'i:project_training', 'i:同意', 'n:800']),
    ].join('');
    writeFileSync(join(dir, 'decided.xlsx'), workbook({ sheets: [{ name: '明细', rows: sheet }] }));
    const r = cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', join(dir, 'out'), '--decisions', join(dir, 'decided.xlsx')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('decided.xlsx: 2 decision(s) met their lines');
    expect(r.stdout).toContain('  approved     23 lines  189,000.00 yuan');
  });

  it('ZJ-04: decisions reach a run in the capped thread (a roster over 1/32 of the memory budget) as they reach one in this thread', () => {
    const dir = tmp();
    const rows = Array.from({ length: 14_000 }, (_, i) => `${residentId(i)},entrepreneurship,2020-0${3 + (i % 6)}-15,enterprise_employee,诸暨市职业技能培训中心`);
    const roster = join(dir, 'big.csv');
    writeFileSync(roster, ['person_id,program,date,groups,培训机构', ...rows].join('\n') + '\n');
    expect(statSync(roster).size * 32).toBeGreaterThan(24 * 2 ** 20);
    writeFileSync(join(dir, 'd.csv'), `file,row,program,decision,decided_amount\n${roster},2,entrepreneurship,approve,\n${roster},5000,entrepreneurship,deny,\n${roster},14001,entrepreneurship,approve,900\n`);
    const run = (budget: string): string => {
      const r = cli(['calc', roster, '-j', 'zhuji', '-o', join(dir, budget), '--decisions', join(dir, 'd.csv'), '--memory-mb', budget]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('3 decision(s) met their lines');
      return readFileSync(join(dir, budget, 'breakdown.csv'), 'utf8');
    };
    const capped = run('24');
    expect(capped).toBe(run('0'));
    expect(capped.match(/,approved_on_review,/g)).toHaveLength(2);
    expect(capped).toMatch(/big\.csv,14001,.*,approved,approved_on_review,.*,900\.00,decided,/);
    expect(capped).toMatch(/big\.csv,5000,.*,denied,denied_on_review,/);
  });

  it('a decision that meets no line is named; a decision cell that is none stops the run, naming file, row, column and value; the decisions given as the breakdown about to be written are refused', () => {
    const dir = tmp();
    expect(cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', join(dir, 'first'), '--lang', 'zh']).code).toBe(0);
    const decisions = join(dir, 'decisions.csv');
    // A Chinese breakdown (输入文件, 行号, 补贴项目) reads as well; row 31 is a reject, no line.
    writeFileSync(decisions, decide(join(dir, 'first', 'breakdown.csv'), { 10: ['通过'] }, [['fixtures/zhuji/roster.csv', 31, 'cert_training', '同意']]));
    const r = cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', join(dir, 'second'), '--decisions', decisions]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${decisions}: 1 decision(s) met their lines`);
    expect(r.stderr).toContain('decisions.csv row 32: no cert_training line of fixtures/zhuji/roster.csv row 31 in this run; the decision was not used');
    // A row inserted into the roster since moves 赵敏 to row 11: the decision on row 10 (李强's now) is not used.
    const lines = readFileSync(join(ROOT, 'fixtures', 'zhuji', 'roster.csv'), 'utf8').split('\n');
    writeFileSync(join(dir, 'moved.csv'), [lines[0], lines[1], ...lines.slice(1)].join('\n'));
    writeFileSync(decisions, decide(join(dir, 'first', 'breakdown.csv'), { 10: ['同意'] }, []).replaceAll('fixtures/zhuji/roster.csv', join(dir, 'moved.csv')));
    const moved = cli(['calc', join(dir, 'moved.csv'), '-j', 'zhuji', '-o', join(dir, 'moved'), '--decisions', decisions]);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stderr).toContain(`decisions.csv row 11: no entrepreneurship line of ${join(dir, 'moved.csv')} row 10 (330681198505050024 2020-08-01) in this run (has the roster changed since?); the decision was not used`);
    expect(readFileSync(join(dir, 'moved', 'breakdown.csv'), 'utf8')).not.toContain('approved_on_review');
    writeFileSync(decisions, decide(join(dir, 'first', 'breakdown.csv'), { 10: ['也许'] }));
    const bad = cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', join(dir, 'third'), '--decisions', decisions]);
    expect([bad.code, bad.stderr]).toEqual([1, `subsidy: decisions problems (nothing was decided or written):\n${decisions} row 11, column decision, value "也许": not a decision: write 同意 / approve or 不同意 / deny\n`]);
    expect(existsSync(join(dir, 'third'))).toBe(false);
    writeFileSync(join(dir, 'first', 'breakdown.csv'), decide(join(dir, 'first', 'breakdown.csv'), { 10: ['同意'] }));
    const onItself = cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', join(dir, 'first'), '--decisions', join(dir, 'first', 'breakdown.csv')]);
    expect([onItself.code, onItself.stderr]).toEqual([1, `subsidy: ${join(dir, 'first')}/breakdown.csv is an input of this run, and its results would overwrite it: choose another -o (nothing was written)\n`]);
  });
});

describe('encodings and headers', () => {
  it('ZJ-01: a GBK roster whose first 64 KB are all ASCII (English headers, pinyin names) is still read as GBK: the Chinese name far below is not garbled', () => {
    const dir = tmp();
    const lines = ['person_id,name,program,date,level,cost'];
    for (let i = 0; i < 1500; i++) lines.push(`${residentId(1)},Wang${i},cert_training,2020-06-01,L4,1000`);
    lines.push(`${residentId(2)},李四,cert_training,2020-06-02,L4,1000`);
    writeFileSync(join(dir, 'r.csv'), iconv.encode(lines.join('\r\n') + '\r\n', 'gb18030'));
    const r = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('r.csv: read as GBK/GB18030');
    expect(readFileSync(join(dir, 'out', 'breakdown.csv'), 'utf8')).toContain(`,1502,zhuji,final,${residentId(2)},李四,cert_training,`);
  });

  it('ZJ-16: a UTF-8 roster with a name and an occupation pasted from a GBK file rejects those rows (bad_text) rather than read them garbled, on one thread or two', () => {
    const dir = tmp();
    const rows = Array.from({ length: 400 }, (_, i) => Buffer.from(`${residentId(i)},王${i},cert_training,2020-06-01,电工,L4,1000\n`));
    rows[150] = Buffer.concat([Buffer.from(`${residentId(150)},`), iconv.encode('李四', 'gbk'), Buffer.from(',cert_training,2020-06-01,电工,L4,1000\n')]);
    // An occupation read garbled would not match itself in a later row: same occupation and level paid twice.
    rows[300] = Buffer.concat([Buffer.from(`${residentId(300)},赵六,cert_training,2020-06-01,`), iconv.encode('焊工', 'gbk'), Buffer.from(',L4,1000\n')]);
    writeFileSync(join(dir, 'r.csv'), Buffer.concat([Buffer.from('person_id,name,program,date,occupation,level,cost\n'), ...rows]));
    for (const [out, env] of [['one', {}], ['split', { SUBSIDY_MIN_CHUNK_BYTES: '4096' }]] as const) {
      const r = spawnSync(process.execPath, [BIN, 'calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, out), '--workers', '2', '--memory-mb', '0'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('rows read 400 = evaluated 398 + rejected 2');
      const rejects = readFileSync(join(dir, out, 'rejects.csv'), 'utf8').split('\r\n');
      expect(rejects.slice(1, 3).map((l) => l.split(',').slice(1, 3).concat(l.split(',')[4]!).join(','))).toEqual(['152,name,bad_text', '302,occupation,bad_text']);
      expect(rejects[1]).toContain('holds bytes that are no character in the file\'s encoding (shown as �)');
    }
  });

  it('ZJ-01: rows that end before the header\'s last column read are named (their cost read blank is paid at the cap, 3500), on the byte path and the text path, one thread or two', () => {
    const dir = tmp();
    const lines = ['person_id,name,program,date,level,cost,备注'];
    // Every third row ends after its level: no cost. A row without only the 备注 column nobody reads is not short.
    for (let i = 0; i < 3000; i++) lines.push(i % 3 === 0 ? `${residentId(i)},学员${i},cert_training,2020-05-10,L4` : i % 3 === 1 ? `${residentId(i)},学员${i},cert_training,2020-05-10,L4,2000` : `${residentId(i)},学员${i},cert_training,2020-05-10,L4,2000,x`);
    writeFileSync(join(dir, 'r.csv'), lines.join('\n') + '\n');
    for (const [out, env] of [['one', {}], ['split', { SUBSIDY_MIN_CHUNK_BYTES: '16384' }]] as const) {
      const r = spawnSync(process.execPath, [BIN, 'calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, out), '--workers', '2', '--memory-mb', '0'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain(`r.csv: 1000 row(s) with fewer cells than the header, their last columns read blank (rows 2, 5, 8, 11, 14, 17, 20, 23, 26, 29, …): a cost left out is paid at the cap. A line cut by a line break in a cell not in quotes?\n`);
      const b = readFileSync(join(dir, out, 'breakdown.csv'), 'utf8');
      expect(b).toContain(`r.csv,2,zhuji,final,${residentId(0)},学员0,cert_training,`);
      expect(b.split('\r\n')[1]).toContain(',approved,ok,eligible,3500.00,ceiling,');
      expect(b.split('\r\n')[2]).toContain(',approved,ok,eligible,2000.00,actual,');
    }
  });

  const chinese = '身份证号码,姓名,补贴项目,结业日期,等级,人员类别,培训天数\r\n330681199001010015,王芳,cert_training,2020年5月10日,四级,两后生;农村学员,１５\r\n';
  const expectLines = (out: string): void => {
    const b = readFileSync(join(out, 'breakdown.csv'), 'utf8');
    expect(b).toContain('cert_training');
    expect(b).toContain('750.00');
  };
  it.each([
    ['GBK (Excel on Chinese Windows)', iconv.encode(chinese, 'gbk')],
    ['GB18030', iconv.encode(chinese, 'gb18030')],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(chinese)])],
    ['UTF-8 without BOM', Buffer.from(chinese)],
  ])('%s is detected', (_name, bytes) => {
    const dir = tmp();
    writeFileSync(join(dir, 'r.csv'), bytes);
    const r = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect(r.code).toBe(0);
    expectLines(join(dir, 'out'));
  });

  it('ZJ-01/ZJ-06: a sheet title above the header (花名册, 填报单位) is set aside and named, empty rows are skipped and counted, and rows keep their spreadsheet numbers, in every reader', () => {
    // Row 3 has cells, all blank (as a spreadsheet saves a formatted empty row); so has row 6, under the data.
    const titled = `诸暨市2020年职业技能培训补贴花名册,,,,,,\r\n填报单位：某某培训学校,,,,填报日期：2020年6月,,\r\n,,,,,,\r\n${chinese} , ,,,,,\r\n合计,,,,,,\r\n`;
    const inputs: [string, Buffer][] = [
      ['utf8.csv', Buffer.from(titled)], // cut by hand (fastCsv)
      ['gbk.csv', iconv.encode(titled, 'gbk')], // read from a UTF-8 copy
      ['tabs.tsv', Buffer.from(titled.replaceAll(',', '\t'))], // the general reader
    ];
    for (const [name, bytes] of inputs) {
      const dir = tmp();
      writeFileSync(join(dir, name), bytes);
      const r = cli(['calc', join(dir, name), '-j', 'zhuji', '-o', join(dir, 'out')]);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toContain(`${name}: above the header, taken as the sheet's title and not read as claims: row 1: 诸暨市2020年职业技能培训补贴花名册; row 2: 填报单位：某某培训学校 填报日期：2020年6月\n`);
      expect(r.stderr).toContain(`${name}: 1 empty row(s) skipped, every column read blank (row 6)`);
      expect(r.stderr).toContain(`${name}: 1 totals row(s) (合计/小计, no ID) set aside, not read as claims (row 7)`);
      // The claim is row 5 as the spreadsheet shows it (ZJ-01 3500, ZJ-06 15 days × 50); the totals row 7 is no claim.
      const b = readFileSync(join(dir, 'out', 'breakdown.csv'), 'utf8');
      expect(b).toContain(`${name},5,zhuji,final,330681199001010015,王芳,cert_training`);
      expect(b).toContain('3500.00');
      expect(b).toContain('750.00');
      expect(readFileSync(join(dir, 'out', 'rejects.csv'), 'utf8').trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toContain('rows read 1 = evaluated 1 + rejected 0');
    }
    // estimate --roster reads it the same way.
    const dir = tmp();
    writeFileSync(join(dir, 'expected.csv'), titled);
    const e = cli(['estimate', '-j', 'zhuji', '--roster', join(dir, 'expected.csv'), '-o', dir]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stderr).toContain("above the header, taken as the sheet's title");
    expect(e.stderr).toContain('expected.csv: 1 empty row(s) skipped, every column read blank (row 6)');
    expect(e.stderr).toContain('1 case line(s) read');
  });

  it('ZJ-01: totals rows (合计 in the first column, 小计 as the name, Total as the ID) are set aside and named; a row with an ID is a claim whatever its first column says', () => {
    const dir = tmp();
    const rows = [
      '序号,姓名,身份证号码,补贴项目,结业日期,等级,费用',
      '1,王芳,330681199001010015,cert_training,2020-05-10,L4,2800',
      '小计：1人,,,,,,2800',
      `2,李强,${residentId(2)},cert_training,2020-06-10,L3,4000`,
      ',小 计,,,,,4000',
      'Total,,,,,,6800',
      ',,TOTAL:,,,,6800',
      `合计,张伟,${residentId(3)},cert_training,2020-07-01,L5,1000`,
      '总计,,,,,,',
    ];
    writeFileSync(join(dir, 'r.csv'), rows.join('\r\n') + '\r\n');
    const r = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('r.csv: 5 totals row(s) (合计/小计, no ID) set aside, not read as claims (rows 3, 5, 6, 7, 9)');
    // Each figure they give is the sum of the rows above them (the 总计 gives none).
    expect(r.stderr).toContain('r.csv: 4 totals row(s) agree with the rows above them (费用)');
    expect(r.stdout).toContain('rows read 3 = evaluated 3 + rejected 0');
    // ZJ-01: up to 3500 at any level to 高级工: L4 2800 paid, L3 4000 paid at the cap, row 8 (an ID, so a claim) L5 1000.
    const b = readFileSync(join(dir, 'out', 'breakdown.csv'), 'utf8');
    expect(b).toMatch(/r\.csv,2,.*,2800\.00,/);
    expect(b).toMatch(/r\.csv,4,.*,3500\.00,ceiling,/);
    expect(b).toMatch(/r\.csv,8,.*,1000\.00,/);
  });

  it('ZJ-01: a form\'s sign-off under its rows (制表人, 审核人, 填报日期, （盖章）, 注：, its notes numbered or not) is set aside and named in every reader, not rejected nor taken for merged cells; a row with an ID or a programme is a claim whatever its first column says', () => {
    const rows = [
      '序号,姓名,身份证号码,补贴项目,结业日期,等级,费用',
      `1,王芳,${residentId(1)},cert_training,2020-05-10,L4,2800`,
      `2,李强,${residentId(2)},,2020-05-10,L4,2800`, // a merged 补贴项目 saved in the row above only: rejected, and named
      `备注：补录,张伟,${residentId(3)},cert_training,2020-06-10,L3,4000`, // an ID: a claim
      '说明：,某某公司,,cert_training,2020-06-10,L3,4000', // a programme: a claim (rejected: no ID)
      ',,,,,,',
      '合计,,,,,,13600',
      '制表人：赵六,,审核人：钱七,,,单位负责人：孙八,', // 审核人 in the 补贴项目 column
      ',填报日期：2020年6月30日,,,,,', // the label in the first column read
      '（盖章）,,,,,,',
      '注：本表一式三份。,,,,,,',
      '1.身份证号码须与身份证一致,,,,,,', // a numbered line of the notes
      ',培训结束后一个月内申报，逾期不予受理。,,,,,', // an unnumbered one, alone in its row (in the 姓名 column, read)
    ];
    const text = rows.join('\r\n') + '\r\n';
    const inputs: [string, Buffer][] = [
      ['utf8.csv', Buffer.from(text)], // cut by hand (fastCsv)
      ['gbk.csv', iconv.encode(text, 'gbk')], // read from a UTF-8 copy
      ['tabs.tsv', Buffer.from(text.replaceAll(',', '\t'))], // the general reader
    ];
    for (const [name, bytes] of inputs) {
      const dir = tmp();
      writeFileSync(join(dir, name), bytes);
      const r = cli(['calc', join(dir, name), '-j', 'zhuji', '-o', join(dir, 'out')]);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toContain(`${name}: 6 sign-off or note row(s) (制表人, 审核人, 填报日期, 注：…, with no ID and no programme) set aside, not read as claims (rows 8, 9, 10, 11, 12, 13)`);
      expect(r.stderr).toContain(`${name}: 1 row(s) with no 补贴项目 under a row that has one (row 3)`);
      expect(r.stderr).toContain(`${name}: 1 totals row(s) agree with the rows above them (费用)`);
      expect(r.stdout).toContain('rows read 4 = evaluated 2 + rejected 2');
      // ZJ-01: L4 2800 as claimed; row 4 (an ID under its 备注) L3 4000 paid at the 3500 cap.
      const b = readFileSync(join(dir, 'out', 'breakdown.csv'), 'utf8');
      expect(b).toMatch(new RegExp(`${name.replace('.', '\\.')},2,.*,2800\\.00,`));
      expect(b).toMatch(new RegExp(`${name.replace('.', '\\.')},4,.*,3500\\.00,ceiling,`));
      const rejects = readFileSync(join(dir, 'out', 'rejects.csv'), 'utf8');
      expect(rejects).toContain(`${name},3,program,,missing_column`);
      expect(rejects).toContain(`${name},5,person_id,,`);
    }
    // estimate --roster and --lang zh read it the same way.
    const dir = tmp();
    writeFileSync(join(dir, 'r.csv'), text);
    const e = cli(['estimate', '-j', 'zhuji', '--roster', join(dir, 'r.csv'), '-o', dir]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stderr).toContain('r.csv: 6 sign-off or note row(s)');
    const zh = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'zh'), '--lang', 'zh']);
    expect(zh.stderr).toContain('r.csv: 6 行为落款或备注(制表人、审核人、填报日期、注：…, 无身份证号和补贴项目), 已单列, 不作为申请读取 (第 8, 9, 10, 11, 12, 13 行)');
  });

  it('ZJ-01: a 合计 row whose figures the rows above it do not add up to is named (a row left out since the sheet was totalled), on one thread or two', () => {
    const dir = tmp();
    const rows = ['序号,姓名,身份证号码,补贴项目,结业日期,等级,费用,培训天数'];
    for (let i = 1; i <= 400; i++) rows.push(`${i},学员${i},${residentId(i)},cert_training,2020-06-10,L4,1000,10`);
    rows.push('合计,,,,,,401000,4000'); // one row of 1,000 yuan more than the file has; the days add up
    writeFileSync(join(dir, 'r.csv'), rows.join('\r\n') + '\r\n');
    for (const [out, env] of [['small', {}], ['split', { SUBSIDY_MIN_CHUNK_BYTES: '4096' }]] as const) {
      const r = spawnSync(process.execPath, [BIN, 'calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, out), '--workers', '2', '--memory-mb', '0'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain('r.csv row 402 (合计): 费用 says 401,000.00, the rows above it sum to 400,000.00 (1,000.00 less): rows left out, added or changed since the sheet was totalled?');
      expect(r.stderr).not.toContain('agree');
      // The check says, it does not change: 400 claims of ZJ-01's L4 paid as claimed.
      expect(r.stdout).toContain('approved    400 lines  400,000.00 yuan');
    }
  });

  it('ZJ-01: a 补贴项目 cell merged over each class in the sheet: the blank rows are rejected, and the run says they sit under a row that has one, on one thread or two', () => {
    const dir = tmp();
    const rows = ['序号,姓名,身份证号码,补贴项目,结业日期,等级,费用'];
    // 40 classes of 10: the programme in each class's first row only, as a merged cell is saved.
    for (let i = 1; i <= 400; i++) rows.push(`${i},学员${i},${residentId(i)},${i % 10 === 1 ? 'cert_training' : ''},2020-06-10,L4,1000`);
    writeFileSync(join(dir, 'r.csv'), rows.join('\r\n') + '\r\n');
    for (const [out, env] of [['small', {}], ['split', { SUBSIDY_MIN_CHUNK_BYTES: '4096' }]] as const) {
      const r = spawnSync(process.execPath, [BIN, 'calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, out), '--workers', '2', '--memory-mb', '0'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain(
        "r.csv: 360 row(s) with no 补贴项目 under a row that has one (rows 3–11, rows 13–21, rows 23–31, rows 33–41, rows 43–51, …): a cell merged over a block of rows in the sheet? It is saved in the block's first row only: unmerge it and fill the value down, then save as CSV again",
      );
      // Not filled down (which rows the cell meant is not in the file): 360 rejects; the 40 first rows paid ZJ-01's L4 claim.
      expect(r.stdout).toContain('rows read 400 = evaluated 40 + rejected 360');
      expect(r.stdout).toContain('approved     40 lines  40,000.00 yuan');
    }
  });

  it('ZJ-01: a header of grouped headings on two rows (培训情况 over 补贴项目, 结业日期, 等级) is read as one, on one thread or two', () => {
    const dir = tmp();
    const rows = ['诸暨市职业技能培训补贴花名册,,,,,,,', '序号,姓名,身份证号码,培训情况,,,,申请金额', ',,,补贴项目,结业日期,等级,培训天数,'];
    for (let i = 1; i <= 400; i++) rows.push(`${i},学员${i},${residentId(i)},cert_training,2020-06-10,${i % 2 ? 'L4' : 'L3'},10,${i % 2 ? 2800 : 4000}`);
    writeFileSync(join(dir, 'r.csv'), rows.join('\r\n') + '\r\n');
    const outputs: string[] = [];
    for (const [out, env] of [['small', {}], ['split', { SUBSIDY_MIN_CHUNK_BYTES: '4096' }]] as const) {
      const r = spawnSync(process.execPath, [BIN, 'calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, out), '--workers', '2', '--memory-mb', '0'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain('r.csv: the header goes on in row 3 (grouped headings, the column names below them): the two read as one');
      expect(r.stdout).toContain('rows read 400 = evaluated 400 + rejected 0');
      // ZJ-01: up to 3500 a certificate to 高级工: 200 L4 claims of 2800 as claimed, 200 L3 claims of 4000 at the cap.
      expect(r.stdout).toContain(`approved    400 lines  ${(200 * 2800 + 200 * 3500).toLocaleString('en-US')}.00 yuan`);
      outputs.push(readFileSync(join(dir, out, 'breakdown.csv'), 'utf8'));
    }
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[0]).toMatch(/r\.csv,4,.*,2800\.00,/);
  });

  it('HY-01/HY-02: a line paid to a training provider or an employer names it (培训机构, 用人单位), and summary.csv totals each one: what the clerk pays each, on one thread or two', () => {
    const dir = tmp();
    const rows = ['身份证号码,姓名,补贴项目,结业日期,职业(工种),等级,证书类型,人员类别,开班备案,劳动合同期限(月),已享受失业保险技能提升补贴,补贴标准,培训机构,用人单位'];
    // Seven rows a round, 60 rounds, each row another person: free training paid to 红星学校 twice, 蓝天学校 once and to a
    // provider the row does not name once; employee training paid to 甲公司 twice and 乙公司 once.
    const pattern = [['free_training', '红星学校', ''], ['free_training', '红星学校', ''], ['free_training', '蓝天学校', ''], ['free_training', '', ''], ['employee_training', '', '甲公司'], ['employee_training', '', '甲公司'], ['employee_training', '', '乙公司']];
    for (let i = 0; i < 420; i++) {
      const [program, provider, employer] = pattern[i % 7]!;
      rows.push(program === 'free_training'
        ? `${residentId(i + 1)},学员${i},free_training,2020-03-10,家政服务员,初级工,职业技能等级,两后生,是,,,1200,${provider},${employer}`
        : `${residentId(i + 1)},学员${i},employee_training,2020-06-01,焊工,中级工,职业技能等级,,是,12,否,2000,${provider},${employer}`);
    }
    writeFileSync(join(dir, 'r.csv'), rows.join('\r\n') + '\r\n');
    const outputs: string[] = [];
    for (const [out, env] of [['small', {}], ['split', { SUBSIDY_MIN_CHUNK_BYTES: '8192' }]] as const) {
      const r = spawnSync(process.execPath, [BIN, 'calc', join(dir, 'r.csv'), '-j', 'hengyang', '-o', join(dir, out), '--workers', '2', '--memory-mb', '0'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
      expect(r.status, r.stderr).toBe(0);
      const summary = readFileSync(join(dir, out, 'summary.csv'), 'utf8');
      outputs.push(summary + readFileSync(join(dir, out, 'breakdown.csv'), 'utf8'));
      const paid = summary.trim().split('\r\n').slice(1).map((l) => l.split(',')).map((c) => [c[2], c[4], c[5], c[6], c[7], c[9]]);
      // HY-01: the catalogue standard given, 1200 a trainee; HY-02: 2000 an employee. Per provider and employer.
      expect(paid).toEqual([
        ['free_training', 'provider', '', 'approved', '60', '72000.00'],
        ['free_training', 'provider', '红星学校', 'approved', '120', '144000.00'],
        ['free_training', 'provider', '蓝天学校', 'approved', '60', '72000.00'],
        ['employee_training', 'enterprise', '乙公司', 'approved', '60', '120000.00'],
        ['employee_training', 'enterprise', '甲公司', 'approved', '120', '240000.00'],
        ['TOTAL', '', '', '', '420', '648000.00'],
      ]);
      expect(readFileSync(join(dir, out, 'breakdown.csv'), 'utf8')).toMatch(/r\.csv,2,hengyang,.*,free_training,[^,]*,provider,红星学校,2020-03-10,/);
      // The money no row says whom to pay is said under the approved line; every employer is named.
      expect(r.stdout).toContain('    of which 60 lines (72,000.00 yuan) pay a training provider the roster does not name (column 培训机构)');
      expect(r.stdout).not.toContain('pay an employer');
    }
    expect(outputs[1]).toBe(outputs[0]);
  });

  it('ZJ-01: with --lang zh the notes on the sheet are in Chinese too (totals rows, their check, merged cells, the header again)', () => {
    const dir = tmp();
    const rows = [
      '序号,姓名,身份证号码,补贴项目,结业日期,等级,费用',
      `1,王芳,${residentId(1)},cert_training,2020-06-10,L4,1000`,
      `2,李强,${residentId(2)},,2020-06-10,L4,1000`,
      '序号,姓名,身份证号码,补贴项目,结业日期,等级,费用',
      `3,张伟,${residentId(3)},cert_training,2020-06-10,L4,1000`,
      '合计,,,,,,3500',
    ];
    writeFileSync(join(dir, 'r.csv'), rows.join('\r\n') + '\r\n');
    const r = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'out'), '--lang', 'zh']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('r.csv: 1 行重复了表头, 已单列, 不作为申请读取 (第 4 行): 是两张花名册上下拼在一起了吗?');
    expect(r.stdout).toContain('读取 3 行 = 已计算 2 + 已拒绝 1');
    expect(r.stderr).toContain('r.csv: 1 个合计行(合计/小计, 无身份证号)已单列, 不作为申请读取 (第 6 行)');
    // The 合计 covers the sheet under the header again: row 5's 1,000 where it says 3,500.
    expect(r.stderr).toContain('r.csv 第 6 行(合计): 费用 写的是 3,500.00, 第 5 行合计为 1,000.00 (少 2,500.00): 表格合计之后有行被删去、增加或改动?');
    expect(r.stderr).toContain('r.csv: 1 行没有补贴项目, 而其上一行有 (第 3 行): 表格中该单元格跨行合并了吗?');
    expect(r.stderr).toContain('r.csv: 忽略无人读取的列: 序号');
    const titled = join(dir, 'titled.csv');
    writeFileSync(titled, `诸暨市花名册,,,,,,\r\n${rows.slice(0, 3).join('\r\n')}\r\n`);
    expect(cli(['calc', titled, '-j', 'zhuji', '-o', join(dir, 'out2'), '--lang', 'zh']).stderr).toContain('titled.csv: 表头上方的行视为表格标题, 不作为申请读取: 第 1 行: 诸暨市花名册');
  });

  it('ZJ-01: two rosters put together one below the other: the second header is set aside and named, not a reject with a problem in every column', () => {
    const dir = tmp();
    const header = '序号,姓名,身份证号码,补贴项目,结业日期,等级,费用';
    const rows = [header, '1,王芳,330681199001010015,cert_training,2020-05-10,L4,2800', ` ${header.replace('姓名', ' 姓名 ')}`, `1,李强,${residentId(2)},cert_training,2020-06-10,L3,4000`];
    writeFileSync(join(dir, 'r.csv'), rows.join('\r\n') + '\r\n');
    const r = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'out'), '--strict']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('r.csv: 1 row(s) repeating the header set aside, not read as claims (row 3): rosters put together one below the other?');
    expect(r.stdout).toContain('rows read 2 = evaluated 2 + rejected 0');
    // ZJ-01: L4 2800 paid as claimed, L3 4000 paid at the 3500 cap.
    const b = readFileSync(join(dir, 'out', 'breakdown.csv'), 'utf8');
    expect(b).toMatch(/r\.csv,2,.*,2800\.00,/);
    expect(b).toMatch(/r\.csv,4,.*,3500\.00,ceiling,/);
    // A row that says what the header says in some columns only is a row like any other (here rejected).
    writeFileSync(join(dir, 'half.csv'), [header, `1,姓名,${residentId(3)},补贴项目,2020-06-10,L3,4000`].join('\n') + '\n');
    const half = cli(['calc', join(dir, 'half.csv'), '-j', 'zhuji', '-o', join(dir, 'half')]);
    expect(half.stdout).toContain('rows read 1 = evaluated 0 + rejected 1');
  });

  it('a PDF given for a roster is refused saying what it is and how to save it as CSV, from a file or standard input; UTF-16 text through standard input is refused saying to give it by its name; a damaged .xls is refused by the workbook reader, and one through standard input is refused saying to give it by its name', () => {
    const dir = tmp();
    const csv = readFileSync(join(ROOT, 'fixtures', 'zhuji', 'roster.csv'));
    const xls = Buffer.from('d0cf11e0a1b11ae1000000000000000000', 'hex');
    writeFileSync(join(dir, 'r.xls'), xls);
    const damaged = `subsidy: ${join(dir, 'r.xls')}: an Excel 97–2003 workbook (.xls) that cannot be read: it is 17 bytes, shorter than a compound file's header (512): the file is cut short\n`;
    const book = cli(['calc', join(dir, 'r.xls'), '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect([book.code, book.stderr]).toEqual([1, damaged]);
    const bookEstimate = cli(['estimate', '-j', 'zhuji', '--roster', join(dir, 'r.xls'), '-o', join(dir, 'out')]);
    expect([bookEstimate.code, bookEstimate.stderr]).toEqual([1, damaged]);
    const bookPiped = cli(['calc', '-', '-j', 'zhuji', '-o', join(dir, 'out')], xls);
    expect([bookPiped.code, bookPiped.stderr]).toEqual([1, 'subsidy: (stdin): an Excel 97–2003 or WPS workbook (.xls, .et), or a password-protected one, not a CSV file: give it by its file name: a workbook is read from a file, not through standard input\n']);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    const utf16 = cli(['calc', '-', '-j', 'zhuji', '-o', join(dir, 'out')], Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(csv.toString('utf8').replaceAll(',', '\t'), 'utf16le')]));
    expect([utf16.code, utf16.stderr]).toEqual([1, 'subsidy: (stdin): UTF-16 text (as Excel saves "Unicode text"), not a CSV file: give it by its file name: UTF-16 text is read from a file, not through standard input\n']);
    const files: [string, Buffer, string][] = [['r.pdf', Buffer.from('%PDF-1.7\n'), 'a PDF file']];
    for (const [name, bytes, what] of files) {
      writeFileSync(join(dir, name), bytes);
      const fix = 'save the sheet as CSV (另存为 → CSV UTF-8 (逗号分隔)(*.csv), or CSV) and give that file';
      const advice = `${what}, not a CSV file: ${fix}\n`;
      const r = cli(['calc', join(dir, name), '-j', 'zhuji', '-o', join(dir, 'out')]);
      expect([r.code, r.stderr]).toEqual([1, `subsidy: ${join(dir, name)}: ${advice}`]);
      const piped = cli(['calc', '-', '-j', 'zhuji', '-o', join(dir, 'out')], bytes);
      expect([piped.code, piped.stderr]).toEqual([1, `subsidy: (stdin): ${advice}`]);
      const e = cli(['estimate', '-j', 'zhuji', '--roster', join(dir, name), '-o', join(dir, 'out')]);
      expect([e.code, e.stderr]).toEqual([1, `subsidy: ${join(dir, name)}: ${advice}`]);
      expect(existsSync(join(dir, 'out'))).toBe(false);
    }
  });

  it('a file that is no text (a program, an image, UTF-16 without its mark) is refused as such, from a file or standard input, in English or Chinese, rather than read as one column of garbage; a CSV with a stray control byte (NUL in a name) is read', () => {
    const dir = tmp();
    // Every byte value in turn: 28 of each 256 are control bytes no text holds (not tab, line breaks, form feed, Ctrl-Z).
    const binary = Buffer.from(Array.from({ length: 8192 }, (_, i) => i % 256));
    writeFileSync(join(dir, 'r.csv'), binary);
    const fix = 'save the sheet as CSV (另存为 → CSV UTF-8 (逗号分隔)(*.csv), or CSV) and give that file';
    const said = '(448 control bytes in its first 4096: a program, an archive, an image, or UTF-16 text without its byte-order mark?)';
    const r = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect([r.code, r.stderr]).toEqual([1, `subsidy: ${join(dir, 'r.csv')}: not a text file ${said}, not a CSV file: ${fix}\n`]);
    const piped = cli(['calc', '-', '-j', 'zhuji', '-o', join(dir, 'out')], binary);
    expect([piped.code, piped.stderr]).toEqual([1, `subsidy: (stdin): not a text file ${said}, not a CSV file: ${fix}\n`]);
    const csv = readFileSync(join(ROOT, 'fixtures', 'zhuji', 'roster.csv'), 'utf8');
    writeFileSync(join(dir, 'u16.csv'), iconv.encode(csv, 'utf16le'));
    const zh = cli(['calc', join(dir, 'u16.csv'), '-j', 'zhuji', '-o', join(dir, 'out'), '--lang', 'zh']);
    expect(zh.code).toBe(1);
    expect(zh.stderr).toMatch(new RegExp(`^subsidy: ${join(dir, 'u16.csv')}: 不是文本文件 \\(开头 4096 个字节中有 \\d+ 个控制字符: 程序、压缩包、图片, 或没有字节顺序标记的 UTF-16 文本\\?\\), 不是 CSV 文件: 请把工作表另存为 CSV`));
    expect(existsSync(join(dir, 'out'))).toBe(false);
    writeFileSync(join(dir, 'nul.csv'), csv.replace('王芳', '王\u0000芳'));
    const stray = cli(['calc', join(dir, 'nul.csv'), '-j', 'zhuji', '-o', join(dir, 'nul')]);
    expect(stray.code, stray.stderr).toBe(0);
    expect(stray.stdout).toContain('rows read 32 = evaluated 29 + rejected 3');
  });

  it('ZJ-01/ZJ-06: a roster ending in a Ctrl-Z, the end-of-file mark of some old systems\' exports, is paid as the roster without it; the mark is an empty row skipped, not a rejected claim', () => {
    const dir = tmp();
    const csv = readFileSync(join(ROOT, 'fixtures', 'zhuji', 'roster.csv'), 'utf8');
    for (const [name, end] of [['z.csv', '\x1a'], ['zcrlf.csv', '\x1a\r\n']] as const) {
      writeFileSync(join(dir, name), csv + end);
      const r = cli(['calc', join(dir, name), '-j', 'zhuji', '-o', join(dir, `${name}-out`)]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('rows read 32 = evaluated 29 + rejected 3');
      expect(r.stderr).toContain(`${join(dir, name)}: 1 empty row(s) skipped, every column read blank (row 34)`);
      // ZJ-01 3500 at the cap, ZJ-06 50 × 15 days: the fixture's breakdown but for the file named in it.
      expect(readFileSync(join(dir, `${name}-out`, 'breakdown.csv'), 'utf8')).toBe(readFileSync(join(ROOT, 'fixtures', 'zhuji', 'breakdown.csv'), 'utf8').replaceAll('fixtures/zhuji/roster.csv', join(dir, name)));
    }
  });

  it('ZJ-01/ZJ-06: a sheet saved as Excel\'s "Unicode text" (UTF-16, tab-separated; little- or big-endian) is read from a UTF-8 copy: the outputs are the CSV\'s, by calc and estimate', () => {
    const dir = tmp();
    const csv = readFileSync(join(ROOT, 'fixtures', 'zhuji', 'roster.csv'), 'utf8').replace(/^\uFEFF/, '');
    const text = csv.replaceAll(',', '\t');
    const be = Buffer.from(iconv.encode(text, 'utf16le')).swap16();
    const inputs: [string, Buffer][] = [
      ['le.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf16le')])],
      ['be.txt', Buffer.concat([Buffer.from([0xfe, 0xff]), be])],
    ];
    for (const [name, bytes] of inputs) {
      writeFileSync(join(dir, name), bytes);
      const r = cli(['calc', join(dir, name), '-j', 'zhuji', '-o', join(dir, name + '-out')]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`${join(dir, name)}: read as UTF-16 text (Excel's "Unicode text")`);
      expect(r.stdout).toContain('rows read 32 = evaluated 29 + rejected 3');
      // ZJ-01 3500 at the cap, ZJ-06 50 × 15 days: every output as the CSV's, but for the file named in it.
      for (const f of ['summary.csv', 'persons.csv']) expect(readFileSync(join(dir, name + '-out', f), 'utf8')).toBe(readFileSync(join(ROOT, 'fixtures', 'zhuji', f), 'utf8').replaceAll('fixtures/zhuji/roster.csv', join(dir, name)));
      expect(readFileSync(join(dir, name + '-out', 'breakdown.csv'), 'utf8')).toBe(readFileSync(join(ROOT, 'fixtures', 'zhuji', 'breakdown.csv'), 'utf8').replaceAll('fixtures/zhuji/roster.csv', join(dir, name)));
    }
    const e = cli(['estimate', '-j', 'zhuji', '--roster', join(dir, 'le.txt'), '-o', join(dir, 'est')]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stderr).toContain('30 case line(s) read');
  });

  it('a web page named .xls and an Excel 2003 XML sheet (read from a file: htmlTable.ts, xmlSheet.ts) through standard input are refused saying to give them by their names', () => {
    const dir = tmp();
    const xml = '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Sheet1"/></Workbook>\n';
    const piped = cli(['calc', '-', '-j', 'zhuji', '-o', join(dir, 'out')], Buffer.from(xml));
    expect([piped.code, piped.stderr]).toEqual([1, 'subsidy: (stdin): an XML spreadsheet (Excel 2003 XML), not a CSV file: give it by its file name: a workbook is read from a file, not through standard input\n']);
    for (const page of ['\uFEFF<html xmlns:x="urn:schemas-microsoft-com:office:excel">\n<body><table><tr><td>身份证号</td></tr></table></body></html>\n', '  <table border="1"><tr><th>身份证号</th></tr></table>\n']) {
      const web = cli(['calc', '-', '-j', 'zhuji', '-o', join(dir, 'out')], Buffer.from(page));
      expect([web.code, web.stderr]).toEqual([1, 'subsidy: (stdin): a web page (HTML), as the 导出Excel of many web systems makes under a spreadsheet name, not a CSV file: give it by its file name: a page is read from a file, not through standard input\n']);
    }
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('a file none of whose first ten rows names a column still takes its first row as the header, and says what it could not read', async () => {
    const dir = tmp();
    const rows = Array.from({ length: 12 }, (_, i) => `${residentId(i)},cert_training,2020-06-01`);
    writeFileSync(join(dir, 'r.csv'), ['personid,progam,dat', ...rows].join('\n') + '\n');
    const head = await readHeader(join(dir, 'r.csv'), 'auto', 'r.csv');
    expect(head.fields).toEqual(['', '', '']);
    expect(head.titles).toEqual([]);
    const r = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no program, date columns, so every row would be rejected (columns nobody reads: personid (person_id?), progam (program?), dat');
    // Read on regardless (as estimate does), the rows after the first are rows, numbered from 2.
    const read: number[] = [];
    for await (const rec of readRoster(join(dir, 'r.csv'), 'auto', () => undefined)) read.push(rec.row);
    expect(read).toEqual(Array.from({ length: 12 }, (_, i) => i + 2));
  });

  it('ZJ-01/ZJ-06: headers with a required mark or a unit note (*姓名, 身份证号码（必填）, 费用(元), 培训天数（天）) are read', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'r.csv'), '序号,*姓名,身份证号码（必填）,补贴项目【必填】,结业日期(年-月-日),等级,人员类别(多个用;分隔),培训天数（天）,费用(元)\r\n1,王芳,330681199001010015,cert_training,2020-05-10,四级,两后生;农村学员,15,2800\r\n');
    const r = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`${join(dir, 'r.csv')}: ignoring columns nobody reads: 序号\n`);
    const b = readFileSync(join(dir, 'out', 'breakdown.csv'), 'utf8');
    expect(b).toContain('approved,ok,eligible,2800.00,actual'); // ZJ-01: the cost claimed, under the 3500 cap
    expect(b).toContain('approved,ok,eligible,750.00,per_unit'); // ZJ-06: 15 days × 50
  });

  it('ZJ-01: a column that looks like the cost but is not read (费用(万元)) stops the run: without it every claim would be paid at the cap', () => {
    const dir = tmp();
    const roster = '姓名,身份证号码,补贴项目,日期,等级,费用(万元)\r\n王芳,330681199001010015,cert_training,2020-05-10,四级,0.28\r\n';
    writeFileSync(join(dir, 'r.csv'), roster);
    const why = 'columns that look like ones the reader knows are not read: 费用(万元) (cost, but not in "万元"). Their values would be missing from every row';
    const r = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'r.csv')}: ${why}`);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    // From standard input, and in an estimate, the same.
    const piped = cli(['calc', '-', '-j', 'zhuji', '-o', join(dir, 'piped')], roster);
    expect(piped.code).toBe(1);
    expect(piped.stderr).toContain(`(stdin): ${why}`);
    expect(existsSync(join(dir, 'piped'))).toBe(false); // nor the folder made for it, nor its parents made with it
    const nested = cli(['calc', '-', '-j', 'zhuji', '-o', join(dir, 'a', 'b', 'c')], roster);
    expect(nested.code).toBe(1);
    expect(existsSync(join(dir, 'a'))).toBe(false);
    const e = cli(['estimate', '-j', 'zhuji', '--roster', join(dir, 'r.csv'), '-o', join(dir, 'est')]);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain(why);
    // A misspelt column the reader recognises is refused too: personid (person_id?).
    writeFileSync(join(dir, 't.csv'), 'personid,program,date,level\r\n330681199001010015,cert_training,2020-05-10,L4\r\n');
    const t = cli(['calc', join(dir, 't.csv'), '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect(t.code).toBe(1);
    expect(t.stderr).toContain('are not read: personid (person_id?).');
  });

  it('reads standard input with -', () => {
    const dir = tmp();
    const r = cli(['calc', '-', '-j', 'zhuji', '-o', dir], chinese);
    expect(r.code).toBe(0);
    expectLines(dir);
  });

  it('--catalog supplies catalogue standards; the row standard overrides it', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'cat.csv'), 'occupation,level,standard,program\n家政服务员,L5,1500,\n育婴员,,1800,free_training\n');
    writeFileSync(join(dir, 'r.csv'), 'person_id,program,date,occupation,level,groups,class_registered,standard\n330681199001010015,free_training,2020-06-01,家政服务员,L5,two_after,yes,\n330681198505050016,free_training,2020-06-01,育婴员,L4,two_after,yes,\n330681197803120014,free_training,2020-06-01,家政服务员,L5,two_after,yes,999\n');
    const r = cli(['calc', join(dir, 'r.csv'), '-j', 'hengyang', '-o', join(dir, 'out'), '--catalog', join(dir, 'cat.csv')]);
    expect(r.code).toBe(0);
    const amounts = readFileSync(join(dir, 'out', 'breakdown.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[17]);
    expect(amounts).toEqual(['1500.00', '1800.00', '999.00']);
    // HY-01: a catalogue standard written 1,500 without quotes is a cell too many: the catalogue is refused, saying why.
    writeFileSync(join(dir, 'cat2.csv'), 'occupation,level,standard,program\n家政服务员,L5,1,500,\n');
    const bad = cli(['calc', join(dir, 'r.csv'), '-j', 'hengyang', '-o', join(dir, 'out2'), '--catalog', join(dir, 'cat2.csv')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('cat2.csv row 2: 5 cells where the header has 4: a comma in a cell that is not in quotes');
  });
});

describe('exit codes and errors', () => {
  it('an output file that cannot be written is named as given, not by its temp file (exit 1)', () => {
    const noFolder = cli(['template', '-j', 'zhuji', '-o', join(tmp(), 'missing', 'roster.csv')]);
    expect(noFolder.code).toBe(1);
    expect(noFolder.stderr).toMatch(/cannot write .*missing\/roster\.csv: its folder does not exist \(ENOENT\)/);
    expect(noFolder.stderr).not.toContain('.tmp-');
    const folder = tmp();
    const isFolder = cli(['ledger', 'export', '--ledger', join(folder, 'l.db'), '-o', folder]);
    expect(isFolder.code).toBe(1);
    expect(isFolder.stderr).toContain('it is a folder');
    // An estimate's report is checked before the cases are read: nothing printed, nothing computed first.
    const report = cli(['estimate', '-j', 'zhuji', '--plan', 'fixtures/estimate/zhuji-departments.csv', '-o', tmp(), '--report', join(tmp(), 'missing', 'r.html')]);
    expect(report.code).toBe(1);
    expect(report.stderr).toContain('its folder does not exist');
    expect(report.stdout).toBe('');
  });

  it('--help works everywhere and exits 0', () => {
    for (const args of [['--help'], ['calc', '--help'], ['tables', '--help'], ['tables', 'validate', '--help']]) {
      const r = cli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Usage');
    }
  });

  it('output piped to a reader that stops early ends quietly with the command\'s own exit code, its files written', () => {
    // `true` reads nothing and exits: every write to the pipe fails with EPIPE, as under `| head`.
    const out = tmp();
    for (const args of ['tables show zhuji', '--help', `calc fixtures/zhuji/roster.csv -j zhuji -o "${out}"`]) {
      const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" ${args} | true; exit \${PIPESTATUS[0]}`], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
      expect(r.stderr.toString(), args).not.toContain('EPIPE');
      expect(r.status, args).toBe(0);
    }
    expect(readdirSync(out).sort()).toEqual(['breakdown.csv', 'persons.csv', 'rejects.csv', 'summary.csv']);
  });

  it('--strict exits 2 when rows were rejected, and still writes the outputs', () => {
    const out = tmp();
    const r = cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', out, '--strict']);
    expect(r.code).toBe(2);
    expect(readdirSync(out).sort()).toEqual(['breakdown.csv', 'persons.csv', 'rejects.csv', 'summary.csv']);
  });

  it('usage errors exit 1 with a message, not a stack trace', () => {
    const r1 = cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'atlantis', '-o', tmp()]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain('unknown jurisdiction "atlantis"');
    const r2 = cli(['calc', 'no/such/file.csv', '-o', tmp()]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('no/such/file.csv: no such file');
    expect(r2.stderr).not.toContain('ENOENT');
    expect(r2.stderr).not.toContain('    at ');
    const folder = cli(['calc', 'fixtures', '-o', tmp()]);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toContain('fixtures: a folder, not a file');
    const r3 = cli(['calc']);
    expect(r3.code).toBe(1);
  });

  it('an output folder that cannot be made is a plain error (exit 1), never a hang', () => {
    const file = join(tmp(), 'a-file');
    writeFileSync(file, 'x');
    const under = cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', join(file, 'out')]);
    expect(under.code).toBe(1);
    expect(under.stderr).toContain(`cannot create the folder ${join(file, 'out')}: a part of the path is a file (ENOTDIR)`);
    expect(cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', file]).stderr).toContain(`${file} is a file, not a folder`);
    // Node 20's recursive mkdir spins forever on /proc/x (a parent that exists, a child the file system refuses).
    if (existsSync('/proc/self')) {
      const r = spawnSync(process.execPath, [BIN, 'calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', '/proc/x'], { cwd: ROOT, timeout: 20_000 });
      expect(r.status).toBe(1);
      expect(r.stderr.toString()).toContain('cannot create the folder /proc/x: the file system refused it (ENOENT)');
    }
  });

  it('a roster without a column every row needs is refused at once (exit 1, nothing written), not rejected row by row', () => {
    const out = join(tmp(), 'out');
    const noJ = cli(['calc', 'fixtures/xihu/roster.csv', '-o', out]);
    expect(noJ.code).toBe(1);
    expect(noJ.stderr).toContain('fixtures/xihu/roster.csv: no jurisdiction column, so every row would be rejected; add one or pass -j (');
    expect(existsSync(out)).toBe(false);
    const dir = tmp();
    writeFileSync(join(dir, 'r.csv'), 'personid,name,progam,date\n330106200003150028,王婷,catalogue_training,2021-02-01\n');
    const typo = cli(['calc', join(dir, 'r.csv'), '-j', 'xihu', '-o', out]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('r.csv: no program column, so every row would be rejected (columns nobody reads: personid (person_id?), progam (program?)); add it');
    // From standard input (read once), the rows are rejected instead, each named.
    const piped = cli(['calc', '-', '-j', 'xihu', '-o', out], 'person_id,name,date\n330106200003150028,王婷,2021-02-01\n');
    expect(piped.code).toBe(0);
    expect(readFileSync(join(out, 'rejects.csv'), 'utf8')).toContain('(stdin),2,program,,missing_column');
  });

  it('tables validate on a table with a typo prints the path of the error and exits 1', () => {
    const dir = tmp();
    const file = join(dir, 'mine.yaml');
    writeFileSync(file, readFileSync(join(ROOT, 'data', 'hengyang.yaml'), 'utf8').replace('kind: per_unit', 'kind: per_unti'));
    const r = cli(['tables', 'validate', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${file}:\\d+: programs\\[3\\]\\.amount\\.kind`));
    expect(cli(['tables', 'validate', join(ROOT, 'data', 'hengyang.yaml')]).code).toBe(0);
  });

  it('--table runs calc with a user-authored table for a jurisdiction not shipped', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'demo.yaml'), readFileSync(join(ROOT, 'data', 'shanxi.yaml'), 'utf8').replace('code: shanxi', 'code: demo'));
    writeFileSync(join(dir, 'r.csv'), 'person_id,program,date,level\n330681199001010015,certificate_subsidy,2020-06-01,L3\n');
    const r = cli(['calc', join(dir, 'r.csv'), '-j', 'demo', '--table', join(dir, 'demo.yaml'), '-o', join(dir, 'out')]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'out', 'breakdown.csv'), 'utf8')).toContain('600.00');
  });

  it('tables list and show describe the data with citations', () => {
    expect(cli(['tables', 'list']).stdout).toMatch(/quzhou .*DRAFT/);
    const show = cli(['tables', 'show', '衡阳']).stdout;
    expect(show).toContain('5元 per 课时, cap 300元');
    expect(show).toContain('HY-03/HY-06, 衡人社发【2019】21号 六(三)');
  });

  it("the product brief's command names work: rates, jurisdictions, validate-data, exposure", () => {
    expect(cli(['rates', '-j', '衡阳']).stdout).toBe(cli(['tables', 'show', '衡阳']).stdout);
    const all = cli(['rates']).stdout;
    for (const code of ['zhuji', 'xihu', 'shanxi', 'shaoguan', 'suzhou', 'hengyang', 'quzhou']) expect(all).toContain(`(${code})`);
    expect(cli(['jurisdictions']).stdout).toBe(cli(['tables', 'list']).stdout);
    const lint = cli(['validate-data']);
    expect(lint.code).toBe(0);
    // every shipped file, with the clauses of its limits and uplifts too (ZJ-13 uplift, ZJ-16 and HY-04 limits)
    expect(lint.stdout.split('\n').filter((l) => l.includes(': ok — '))).toHaveLength(7);
    expect(lint.stdout).toMatch(/zhuji\.yaml: ok — zhuji, 18 programmes, clauses .*ZJ-13 .*ZJ-16/);
    expect(lint.stdout).toMatch(/hengyang\.yaml: ok — .*HY-04/);
    expect(cli(['exposure', '--help']).stdout).toContain('estimate|exposure');
    expect(cli(['--help']).stdout).not.toContain('validate-data'); // hidden: tables --help names them
    expect(cli(['tables', '--help']).stdout).toContain('subsidy validate-data');
  });

  it('a spreadsheet formula in a cell is neutralised in the outputs', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'r.csv'), 'person_id,name,program,date,level,occupation\n330681199001010015,=HYPERLINK("x"),cert_training,2020-06-01,L4,@SUM(A1)\n');
    cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'out')]);
    const b = readFileSync(join(dir, 'out', 'breakdown.csv'), 'utf8');
    expect(b).toContain(`"'=HYPERLINK(""x"")"`);
    expect(b).toContain("'@SUM(A1)");
  });

  it('a row the CSV reader cannot split is rejected and the run goes on', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'r.csv'), 'person_id,program,date,level\n330681199001010015,cert_training,2020-06-01,L4\n330681198505050016,"cert_training,2020-06-01,L4\n');
    const r = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('rows read 2 = evaluated 1 + rejected 1');
    expect(readFileSync(join(dir, 'out', 'rejects.csv'), 'utf8')).toContain('bad_csv');
  });

  it('ZJ-01: a broken quote costs its own row, not the rows after it: each such line is rejected whole (its text kept), the others paid', () => {
    const dir = tmp();
    // Row 2's provider is written "红星"培训学校 (a quote closing before the cell ends); row 3's name opens a quote
    // that row 6's stray quote closes. Read as CSV reads them, row 2 took in every row after it (one reject, the
    // rest of the file gone), and rows 4 and 5 vanished into row 3's name.
    const rows = [
      'person_id,name,program,date,level,cost,培训机构',
      `${residentId(1)},王芳,cert_training,2020-06-01,L4,1200,"红星"培训学校`,
      `${residentId(2)},"李四,cert_training,2020-06-01,L4,1200,x`,
      `${residentId(3)},张三,cert_training,2020-06-01,L4,1200,x`,
      `${residentId(4)},赵六,cert_training,2020-06-01,L4,1200,x`,
      `${residentId(5)},王五",cert_training,2020-06-01,L4,1200,x`,
    ];
    writeFileSync(join(dir, 'r.csv'), `${rows.join('\r\n')}\r\n`);
    const r = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('rows read 5 = evaluated 3 + rejected 2');
    const rejects = readFileSync(join(dir, 'out', 'rejects.csv'), 'utf8');
    expect(rejects).toContain(
      `r.csv,2,,"${rows[1]!.replace(/"/g, '""')}",bad_csv,"unreadable CSV row: cell 7 (column G, provider) starts with a quote that closes before the cell ends`,
    );
    expect(rejects).toContain(`r.csv,3,,"${rows[2]!.replace(/"/g, '""')}",bad_csv,"unreadable CSV row: cell 2 (column B, name) starts with a quote this line does not close`);
    // The rows after them are read and paid their claimed cost, under ZJ-01's L4 cap; the stray quote stays in the name.
    const lines = readFileSync(join(dir, 'out', 'breakdown.csv'), 'utf8').trim().split('\r\n').slice(1);
    expect(lines.map((l) => l.split(',')[1])).toEqual(['4', '5', '6']);
    for (const line of lines) expect(line).toMatch(/,approved,.*,1200\.00,/);
    expect(lines[2]).toContain(',"王五""",');
  });

  it('ZJ-01: a cost written 2,500 without quotes (a cell too many) rejects the row, rather than pay 2 yuan from cells read a column off', () => {
    const dir = tmp();
    // The second row's cells after the cost move one column on: read as they stand, its cost would be 2 yuan and
    // its occupation "500" (and its last cell, empty, lost), an approved claim. Quoted, the same cost is 2,500 yuan.
    const roster = [
      'person_id,name,program,date,level,cost,occupation',
      `${residentId(1)},王芳,cert_training,2020-06-01,L4,"2,500",电工`,
      `${residentId(2)},李四,cert_training,2020-06-01,L4,2,500,`,
    ].join('\n');
    writeFileSync(join(dir, 'r.csv'), `${roster}\n`);
    // Small and large runs read the roster differently (the general reader whole, or cut by hand in byte ranges): both refuse it.
    for (const [out, env] of [['small', {}], ['split', { SUBSIDY_MIN_CHUNK_BYTES: '16' }]] as const) {
      const r = spawnSync(process.execPath, [BIN, 'calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, out), '--workers', '2', '--memory-mb', '0'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('rows read 2 = evaluated 1 + rejected 1');
      const breakdown = readFileSync(join(dir, out, 'breakdown.csv'), 'utf8');
      expect(breakdown).toContain(',2500.00,');
      expect(breakdown).not.toContain(residentId(2));
      expect(readFileSync(join(dir, out, 'rejects.csv'), 'utf8')).toContain(
        `r.csv,3,,"${residentId(2)},李四,cert_training,2020-06-01,L4,2,500,",bad_csv,unreadable CSV row: 8 cells where the header has 7: a comma in a cell that is not in quotes moves every cell after it one column on (put that cell in quotes)`,
      );
    }
    // In Chinese for a Chinese office.
    const zh = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'zh'), '--lang', 'zh']);
    expect(zh.code).toBe(0);
    expect(readFileSync(join(dir, 'zh', 'rejects.csv'), 'utf8')).toContain('bad_csv,"无法读取此行: 此行有8个单元格, 表头只有7列: 某个单元格中的英文逗号没有加引号');
  });

  it('no temp files are left beside the outputs', () => {
    const out = tmp();
    execFileSync(process.execPath, [BIN, 'calc', 'fixtures/suzhou/roster.csv', '-j', 'suzhou', '-o', out], { cwd: ROOT });
    expect(readdirSync(out).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});

describe('template', () => {
  it.each(JURISDICTIONS)('%s: the template reads back column for column, in English and Chinese, and has every column its fixture fills', async (code) => {
    const dir = tmp();
    const header = async (lang: string): Promise<string[]> => {
      const file = join(dir, `${lang}.csv`);
      const r = cli(['template', '-j', code, '--lang', lang, '-o', file]);
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(file).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const head = await readHeader(file, 'auto', file);
      expect(head.ignored).toEqual([]);
      return head.fields;
    };
    const en = await header('en');
    expect(await header('zh')).toEqual(en);
    const filled = new Set<string>();
    for await (const rec of readRoster(join(ROOT, 'fixtures', code, 'roster.csv'), 'auto', () => undefined)) for (const f of rec.cells.keys()) filled.add(f);
    filled.delete('jurisdiction');
    expect([...filled].filter((f) => !en.includes(f))).toEqual([]);
  });

  it('zhuji living_allowance: a template filled in is paid 50 yuan a day (ZJ-06)', () => {
    const dir = tmp();
    const file = join(dir, 'roster.csv');
    expect(cli(['template', '-j', 'zhuji', '--program', 'living_allowance', '--lang', 'zh', '-o', file]).code).toBe(0);
    const header = readFileSync(file, 'utf8');
    expect(header).toBe('\uFEFF身份证号码,姓名,补贴项目,日期,职业,等级,人员类别,培训天数\r\n');
    // The programme may be named as the table names it in Chinese.
    expect(cli(['template', '-j', 'zhuji', '--program', '培训期间生活费补贴', '--lang', 'zh']).stdout).toBe(header);
    writeFileSync(file, `${header}330681199001010015,王芳,living_allowance,2020-06-01,,,两后生;农村学员,15\r\n`);
    const out = join(dir, 'out');
    const r = cli(['calc', file, '-j', 'zhuji', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(readFileSync(join(out, 'breakdown.csv'), 'utf8')).toContain('living_allowance,Living allowance during training,individual,,2020-06-01,2020,,,approved,ok,eligible,750.00,per_unit');
  });

  it('never replaces a file already there (a roster being filled in)', () => {
    const file = join(tmp(), 'roster.csv');
    writeFileSync(file, 'person_id,program,date\r\n330681199001010015,living_allowance,2020-06-01\r\n');
    const r = cli(['template', '-j', 'zhuji', '-o', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('already exists');
    expect(readFileSync(file, 'utf8')).toContain('330681199001010015');
  });

  it('without -j: every table, with a jurisdiction column; an unknown jurisdiction or programme is a usage error', () => {
    const r = cli(['template']);
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/^\uFEFF/, '').split(',')).toContain('jurisdiction');
    expect(cli(['template', '-j', 'nowhere']).code).toBe(1);
    const p = cli(['template', '-j', 'zhuji', '--program', 'nothing']);
    expect(p.code).toBe(1);
    expect(p.stderr).toContain('living_allowance');
  });
});

describe('tables --on', () => {
  it('zhuji: before 2020-02-21 claims go to review (earlier standards), after 2021-12-31 they are denied and the ZJ-13 uplift has ended', () => {
    const before = cli(['tables', 'show', 'zhuji', '--on', '2019/12/1']);
    expect(before.code).toBe(0);
    expect(before.stdout).toContain('on 2019-12-01: not in force (before 2020-02-21): claims go to review (earlier standards apply)');
    const after = cli(['tables', 'show', 'zhuji', '--on', '2022-01-05']);
    expect(after.stdout).toContain('on 2022-01-05: not in force (after 2021-12-31): claims are denied');
    expect(after.stdout).toContain('(ZJ-13) — ended 2021-12-31, not on 2022-01-05');
    const during = cli(['tables', 'show', 'zhuji', '--on', '2021年3月1日']);
    expect(during.stdout).toContain('on 2021-03-01: in force');
    expect(during.stdout).toContain('(ZJ-13) (until 2021-12-31)');
    // Quzhou's draft states no period: in force on any date; Shaoguan's ended with 2020.
    const list = cli(['tables', 'list', '--on', '2021-06-01']).stdout.split('\n');
    expect(list.find((l) => l.startsWith('quzhou'))).toContain('on 2021-06-01: in force');
    expect(list.find((l) => l.startsWith('shaoguan'))).toContain('not in force (after 2020-12-31)');
    expect(cli(['tables', 'show', 'zhuji', '--on', 'soon']).code).toBe(1);
  });
});

