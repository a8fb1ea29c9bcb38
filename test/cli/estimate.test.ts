// `subsidy estimate` end to end: the seed-based plans, estimate.csv, and the HTML report rendered in headless Chromium.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'subsidy.js');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'subsidy-est-'));
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
const totalRow = (dir: string, scenario = 'baseline'): Record<string, string> =>
  (parse(readFileSync(join(dir, 'estimate.csv'), 'utf8'), { bom: true, columns: true }) as Record<string, string>[]).find((r) => r.program === 'TOTAL' && r.scenario === scenario)!;

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
if (!CHROMIUM) console.warn('\n⚠ HTML report rendering test SKIPPED: chromium is not installed (apt-get install chromium)\n');

describe('estimate on the seed plans', () => {
  it('Zhuji departmental plan (2.25万人次, 13 departments): totals, and the living allowance counted but not valued', () => {
    const dir = tmp();
    const r = run(['estimate', '-j', 'zhuji', '--plan', 'fixtures/estimate/zhuji-departments.csv', '-o', dir]);
    expect(r.status).toBe(0);
    const rows = parse(readFileSync(join(dir, 'estimate.csv'), 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
    const planned = readFileSync(join(ROOT, 'fixtures/estimate/zhuji-departments.csv'), 'utf8').trim().split('\n').slice(1).reduce((a, l) => a + Number(l.split(',')[1]), 0);
    expect(planned).toBe(22500);
    expect(rows.find((x) => x.program === 'cert_training')!.high).toBe('60207000.00'); // 17202 × 3500
    expect(totalRow(dir)).toMatchObject({ low: '32172750.00', central: '64030500.00', high: '64030500.00', unquantified_cases: '2031' });
  });

  it("ZJ-01: a plan's 合计 row is set aside, not counted as 22500 more cases of an unnamed activity", () => {
    const dir = tmp();
    const plan = readFileSync(join(ROOT, 'fixtures/estimate/zhuji-departments.csv'), 'utf8');
    writeFileSync(join(dir, 'plan.csv'), `${plan}合计,22500,,,,,,,\n`);
    const r = run(['estimate', '-j', 'zhuji', '--plan', join(dir, 'plan.csv'), '-o', dir]);
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(r.stderr.toString()).toContain(`plan.csv: 1 totals row(s) (合计/小计, no ID) set aside, not read as claims (row ${plan.trim().split('\n').length + 1})`);
    // The same totals as the plan without it (17202 L4 certificates × 3500 at most, …); its 22500 is the lines' sum.
    expect(totalRow(dir)).toMatchObject({ low: '32172750.00', central: '64030500.00', high: '64030500.00', unquantified_cases: '2031' });
    expect(r.stderr.toString()).toContain('plan.csv: 1 totals row(s) agree with the rows above them (planned)');
    // A plan whose 合计 its lines do not add up to (a department's line left out of the file) is said to be so.
    const lines = plan.trim().split('\n');
    writeFileSync(join(dir, 'short.csv'), `${[lines[0], ...lines.slice(2)].join('\n')}\n合计,22500,,,,,,,\n`);
    const short = run(['estimate', '-j', 'zhuji', '--plan', join(dir, 'short.csv'), '-o', dir]);
    expect(short.stderr.toString()).toContain(
      `short.csv row ${lines.length} (合计): planned says 22500, the rows above it sum to ${22500 - Number(lines[1]!.split(',')[1])} (${lines[1]!.split(',')[1]} less): rows left out, added or changed since the sheet was totalled?`,
    );
  });

  it('Quzhou 金蓝领 tasks: titles, studios and enterprises valued; the 14 training targets unquantified; draft status carried', () => {
    const dir = tmp();
    const r = run(['estimate', '-j', 'quzhou', '--plan', 'fixtures/estimate/quzhou-tasks.csv', '-o', dir]);
    expect(r.stdout.toString()).toContain('DRAFT');
    expect(totalRow(dir)).toMatchObject({ document_status: 'draft', low: '18000000.00', high: '18500000.00', unquantified_cases: '78294' });
  });

  it('Shaoguan 2020 targets: every programme counted but unquantified (the plan states no amounts)', () => {
    const dir = tmp();
    run(['estimate', '-j', 'shaoguan', '--plan', 'fixtures/estimate/shaoguan-2020.csv', '-o', dir]);
    expect(totalRow(dir)).toMatchObject({ high: '0.00', unquantified_cases: '28400' });
  });

  it('--set shows baseline, scenario and difference side by side', () => {
    const dir = tmp();
    const r = run(['estimate', '-j', 'zhuji', '--plan', 'fixtures/estimate/zhuji-departments.csv', '-o', dir, '--set', 'cert_training.rate=4000']);
    expect(r.stdout.toString()).toContain('Δ central');
    expect(totalRow(dir, 'scenario').high).toBe('72631500.00'); // + 17202 × 500
  });

  it('--roster with --take-up: each expected trainee is a case; unreadable rows and unknown programmes are left out and counted aloud', () => {
    const dir = tmp();
    const r = run(['estimate', '-j', 'zhuji', '--roster', 'fixtures/zhuji/roster.csv', '--take-up', '0.5', '-o', dir]);
    expect(r.status).toBe(0);
    // Left out: the unreadable date, and free_lunch, which calc rejects as unknown_program (a mistyped id must not
    // pass for an activity "the text states no amount for"). A bad resident ID does not change what a case costs.
    const err = r.stderr.toString();
    expect(err).toContain('2 row(s) of fixtures/zhuji/roster.csv could not be read');
    expect(err).toContain('row 31, column date, value "2020-13-01"');
    expect(err).toContain('row 32, column program, value "free_lunch": zhuji has no such programme; known: cert_training, project_training');
    expect(err).toContain('30 case line(s) read');
    const rows = parse(readFileSync(join(dir, 'estimate.csv'), 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
    // 8 readable certificate-training rows, half of them taking up.
    const cert = rows.find((x) => x.program === 'cert_training' && x.scenario === 'baseline')!;
    expect(cert.cases).toBe('4');
    expect(rows.some((x) => x.label === 'free_lunch')).toBe(false);
    // The same share as a percentage; past 100% (or 80 meaning 80%) is refused.
    const pct = tmp();
    expect(run(['estimate', '-j', 'zhuji', '--roster', 'fixtures/zhuji/roster.csv', '--take-up', '50%', '-o', pct]).status).toBe(0);
    expect(readFileSync(join(pct, 'estimate.csv'), 'utf8')).toBe(readFileSync(join(dir, 'estimate.csv'), 'utf8'));
    const over = run(['estimate', '-j', 'zhuji', '--roster', 'fixtures/zhuji/roster.csv', '--take-up', '80', '-o', tmp()]);
    expect([over.status, over.stderr.toString()]).toEqual([1, 'subsidy: --take-up must be a number from 0 to 1, or a percentage up to 100% (got "80")\n']);
  });

  it('a roster row without a programme is left out and counted aloud, as calc rejects it (a plan line would need a label)', () => {
    const dir = tmp();
    const roster = join(dir, 'expected.csv');
    writeFileSync(roster, 'program,certificate,renewal,date\nsafety_training,special_operation,new,2020-06-01\n,special_operation,new,2020-06-02\n');
    const r = run(['estimate', '-j', 'zhuji', '--roster', roster, '-o', dir]);
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(r.stderr.toString()).toContain(`1 row(s) of ${roster} could not be read`);
    expect(r.stderr.toString()).toContain(`${roster} row 3, column program: no programme given`);
    // Under a row that has one: said as calc says it, the mark of a merged cell.
    expect(r.stderr.toString()).toContain(`${roster}: 1 row(s) with no program under a row that has one (row 3): a cell merged over a block of rows in the sheet?`);
    const rows = parse(readFileSync(join(dir, 'estimate.csv'), 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
    // ZJ-03: a new special-operation certificate, up to 500 yuan: the one row with its programme.
    expect(rows.find((x) => x.program === 'safety_training' && x.scenario === 'baseline')).toMatchObject({ cases: '1', central: '500.00' });
  });

  it('a roster of several jurisdictions: only the rows of -j are cases; the others are left out and counted aloud by jurisdiction', () => {
    const dir = tmp();
    // Zhuji and Hengyang both have a programme called safety_training: a Hengyang row is not a Zhuji case.
    const roster = join(dir, 'province.csv');
    const cells = 'safety_training,special_operation,new';
    writeFileSync(roster, ['jurisdiction,program,certificate,renewal,date,class_hours', `zhuji,${cells},2020-06-01,`, `诸暨,${cells},2020-06-02,`, `hengyang,${cells},2020-06-01,40`, `hengyang,${cells},2020-06-03,40`, `mars,${cells},2020-06-01,`].join('\n') + '\n');
    const r = run(['estimate', '-j', 'zhuji', '--roster', roster, '-o', dir]);
    expect(r.status, r.stderr.toString()).toBe(0);
    const err = r.stderr.toString();
    expect(err).toContain(`2 row(s) of ${roster} are for other jurisdictions and are not in this estimate for zhuji: hengyang 2`);
    expect(err).toContain(`${roster} row 6, column jurisdiction, value "mars": unknown jurisdiction`);
    expect(err).toContain('2 case line(s) read');
    const rows = parse(readFileSync(join(dir, 'estimate.csv'), 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
    // ZJ-03: a new special-operation certificate, up to 500 yuan: the two Zhuji rows only, not the Hengyang ones.
    expect(rows.find((x) => x.program === 'safety_training' && x.scenario === 'baseline')).toMatchObject({ cases: '2', central: '1000.00' });
  });

  it('ZJ-16: an expected roster where one person takes five certificates in 2020 is estimated at 5 × 3500 but said to be an upper bound, naming the limits that could bind (calc pays 3 of them)', () => {
    const dir = tmp();
    const roster = join(dir, 'expected.csv');
    const wang = '330681199001010015,王芳,cert_training';
    writeFileSync(
      roster,
      [
        '身份证号码,姓名,补贴项目,结业日期,等级,职业',
        `${wang},2020-03-01,L4,电工`,
        `${wang},2020-05-01,L3,电工`,
        `${wang},2020-07-01,L4,焊工`,
        `${wang},2020-09-01,L3,焊工`,
        `${wang},2020-10-01,L4,电工`,
        '330681198505050016,李四,cert_training,2020-05-01,L4,电工',
        '330681198505050016,李四,cert_training,2021-05-01,L3,电工',
      ].join('\n') + '\n',
    );
    const r = run(['estimate', '-j', 'zhuji', '--roster', roster, '-o', dir, '--report', join(dir, 'report.html')]);
    expect(r.status, r.stderr.toString()).toBe(0);
    // ZJ-01: every row a case at the 3500 cap, as before; the figures do not change, they are said to be an upper bound,
    // with them wherever they go: estimate.csv's TOTAL row and the report too.
    expect(totalRow(dir)).toMatchObject({ central: '24500.00', high: '24500.00' });
    expect(totalRow(dir).assumptions).toContain('upper bound; subsidy calc on the roster applies them: | ZJ-16 at most 3 per person per calendar year: it could bind 1 person(s) (5 rows) | ');
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<li>ZJ-16 not twice for the same occupation and level: it could bind 1 person(s) (2 rows)</li>');
    expect(r.stdout.toString()).toContain(
      'limits across rows are not applied to an estimate (each row is a case), so the figures for these rows are an upper bound; subsidy calc on the roster applies them:\n' +
        // 王芳's five 2020 rows pass 3 a year; two of them are 电工 L4. 李四's two rows are in two years and two levels: neither limit binds.
        '  ZJ-16 at most 3 per person per calendar year: it could bind 1 person(s) (5 rows)\n' +
        '  ZJ-16 not twice for the same occupation and level: it could bind 1 person(s) (2 rows)\n',
    );
    const zh = run(['estimate', '-j', 'zhuji', '--roster', roster, '-o', join(dir, 'zh'), '--lang', 'zh']);
    expect(zh.stdout.toString()).toContain('  ZJ-16 每人每年最多 3 次: 可能受限 1 人 (共 5 行)\n  ZJ-16 同一职业和等级不重复: 可能受限 1 人 (共 2 行)\n');
    // calc applies them: 王芳's 10-01 电工 L4 repeats 03-01 and is a fourth in 2020; 09-01 is a fourth as well: 5 paid of 7.
    const calc = run(['calc', roster, '-j', 'zhuji', '-o', join(dir, 'calc')]);
    expect(calc.stdout.toString()).toContain('approved      5 lines  17,500.00 yuan');
    // Without a person on enough rows, nothing is said.
    writeFileSync(roster, ['身份证号码,补贴项目,结业日期,等级', '330681199001010015,cert_training,2020-03-01,L4', '330681198505050016,cert_training,2020-03-01,L4'].join('\n') + '\n');
    expect(run(['estimate', '-j', 'zhuji', '--roster', roster, '-o', join(dir, 'none')]).stdout.toString()).not.toContain('limits across rows');
  });

  it("ZJ-01: a plan's counts written as a plan writes them (1.2万, 3,000人次) are 15,000 L4 certificates at most 3500 each; a count in 万 that is no whole number is said once, by its value", () => {
    const dir = tmp();
    writeFileSync(join(dir, 'plan.csv'), 'program,planned,level\ncert_training,1.2万,L4\ncert_training,"3,000人次",L4\n');
    const r = run(['estimate', '-j', 'zhuji', '--plan', join(dir, 'plan.csv'), '-o', dir]);
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(totalRow(dir)).toMatchObject({ central: '52500000.00', high: '52500000.00' });
    writeFileSync(join(dir, 'bad.csv'), 'program,planned,level\ncert_training,1.23456万,L4\n');
    const bad = run(['estimate', '-j', 'zhuji', '--plan', join(dir, 'bad.csv'), '-o', join(dir, 'bad')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.toString()).toBe(`subsidy: cannot estimate from ${join(dir, 'bad.csv')}:\n${join(dir, 'bad.csv')} row 2, column planned, value "1.23456万": expected a whole number ≥ 0\n`);
  });

  it('a plan line of another jurisdiction stops the estimate with file, row, column and value', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'plan.csv'), 'jurisdiction,program,planned\nzhuji,safety_training,10\nhengyang,safety_training,5\n');
    const r = run(['estimate', '-j', 'zhuji', '--plan', join(dir, 'plan.csv'), '-o', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toContain('plan.csv row 3, column jurisdiction, value "hengyang": this estimate is for zhuji (-j)');
  });

  it('a plan line naming a programme the table does not have stops the estimate (a mistyped id would drop out of the totals)', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'plan.csv'), 'program,planned,level\ncert_training,10,L4\ncert_trainng,5,L4\n');
    const r = run(['estimate', '-j', 'zhuji', '--plan', join(dir, 'plan.csv'), '-o', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toContain('plan.csv row 3, column program, value "cert_trainng": zhuji has no such programme; closest: cert_training「职业资格(技能等级、专项能力)培训补贴和一次性鉴定补贴」; known: cert_training, project_training');
    expect(r.stderr.toString()).toContain('plan.csv: zhuji: the programme "cert_trainng" (1 row(s)) is closest to cert_training: write its id or its full Chinese name');
    expect(r.stderr.toString()).not.toContain('is the jurisdiction right');
    expect(existsSync(join(dir, 'estimate.csv'))).toBe(false);
    // A Hengyang plan (HY-03 safety training, by id and by Chinese name; HY-01) estimated as Suzhou's: the error says whose programmes they are.
    writeFileSync(join(dir, 'hy.csv'), 'program,planned,certificate,class_hours\nsafety_training,100,special_operation,40\n特种作业安全技能培训补贴,50,special_operation,40\nfree_training,30,,\n');
    const wrong = run(['estimate', '-j', 'suzhou', '--plan', join(dir, 'hy.csv'), '-o', dir]);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr.toString()).toContain(`${join(dir, 'hy.csv')}: 3 row(s) name a programme suzhou does not have; all of them are programmes of hengyang (衡阳市) (free_training 1, safety_training 1, 特种作业安全技能培训补贴 1): is the jurisdiction right? Check -j or the 地区 column`);
  });

  it('a roster given as a plan, a plan as a roster, or a plan given to calc, is refused once, saying which reads it', () => {
    const dir = tmp();
    const asPlan = run(['estimate', '-j', 'zhuji', '--plan', 'fixtures/zhuji/roster.csv', '-o', dir]);
    expect([asPlan.status, asPlan.stderr.toString()]).toEqual([1, 'subsidy: fixtures/zhuji/roster.csv: no planned column (计划人次), which every plan line needs; it has resident IDs: a roster of expected trainees? give it as --roster\n']);
    const plan = 'fixtures/estimate/zhuji-departments.csv';
    const asRoster = run(['calc', plan, '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect([asRoster.status, asRoster.stderr.toString()]).toEqual([1, `subsidy: ${plan}: no date column, so every row would be rejected; add it; it has a planned column (计划人次): a plan? subsidy estimate -j <code> --plan ${plan} reads it\n`]);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    // A plan given as --roster would count each line as one case (13 for 22,500 planned): refused.
    const planAsRoster = run(['estimate', '-j', 'zhuji', '--roster', plan, '-o', join(dir, 'est')]);
    expect([planAsRoster.status, planAsRoster.stderr.toString()]).toEqual([1, `subsidy: ${plan}: it has a planned column (计划人次): a plan? give it as --plan (as a roster each row is one case, and its planned count is not read)\n`]);
    expect(existsSync(join(dir, 'est'))).toBe(false);
  });

  it('a bad plan line stops the estimate with file, row, column and value', () => {
    const dir = tmp();
    execFileSync('sh', ['-c', `printf 'program,planned,level\\ncert_training,10,L9\\n' > ${dir}/bad.csv`]);
    const r = run(['estimate', '-j', 'zhuji', '--plan', join(dir, 'bad.csv'), '-o', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toMatch(/bad\.csv row 2, column level, value "L9"/);
  });

  it.skipIf(!CHROMIUM)('the HTML report draws its charts in headless Chromium with the network cut off', () => {
    const dir = tmp();
    const report = join(dir, 'report.html');
    run(['estimate', '-j', 'zhuji', '--plan', 'fixtures/estimate/zhuji-departments.csv', '-o', dir, '--report', report, '--set', 'cert_training.rate=4000']);
    const html = readFileSync(report, 'utf8');
    // Nothing to fetch: no external script, stylesheet or image, and a CSP that forbids any.
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).toContain("default-src 'none'");
    const dom = execFileSync(CHROMIUM!, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--proxy-server=127.0.0.1:9', `--user-data-dir=${tmp()}`, '--dump-dom', `file://${report}`,
    ], { timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    expect(dom).toContain('data-charts-drawn="2"');
    const pixels = /data-painted-pixels="([\d,]+)"/.exec(dom)![1]!.split(',').map(Number);
    expect(Math.min(...pixels)).toBeGreaterThan(5000);
  });
});

describe('estimate --lang zh', () => {
  it('ZJ-01: the same figures (cert_training central 60,207,000.00 for 17 202 cases at the 3500 cap), with Chinese headers, assumptions, table, messages and report; unreadable rows named in Chinese', () => {
    const [en, zh] = [tmp(), tmp()];
    const plan = 'fixtures/estimate/zhuji-departments.csv';
    const e = run(['estimate', '-j', 'zhuji', '--plan', plan, '-o', en]);
    const z = run(['estimate', '-j', 'zhuji', '--plan', plan, '-o', zh, '--lang', 'zh', '--report', join(zh, 'report.html')]);
    expect([e.status, z.status]).toEqual([0, 0]);
    const [enCsv, zhCsv] = [readFileSync(join(en, 'estimate.csv'), 'utf8').split('\r\n'), readFileSync(join(zh, 'estimate.csv'), 'utf8').split('\r\n')];
    expect(zhCsv[0]).toBe('\uFEFF情景,地区,文件状态,补贴项目,标签,项目名称,支付对象,人次,低值(元),中值(元),高值(元),无法量化人次,假设,政策依据');
    // Every cell but the assumptions (column 13) as in English.
    const [enRows, zhRows] = [enCsv, zhCsv].map((lines) => parse(lines.slice(1).join('\r\n')) as string[][]);
    const but = (rows: string[][]): string[][] => rows.map((r) => r.filter((_, i) => i !== 12));
    expect(but(zhRows!)).toEqual(but(enRows!));
    const cert = zhRows!.find((r) => r[3] === 'cert_training')!;
    expect(cert[12]).toBe('限额(不超过): 高值 = 限额; 中值 = 计划所列费用, 未列则为限额(与 calc 的支付相同); 低值 = 所列费用, 未列则为限额的低值比例');
    expect(zhRows!.find((r) => r[3] === 'living_allowance')![12]).toMatch(/^政策文本未规定金额\(或未提供目录\): 只计人次, 不估值: .+/);
    const html = readFileSync(join(zh, 'report.html'), 'utf8');
    for (const words of ['<h2>各补贴项目敞口(低值–高值区间, ● 中值)</h2>', '<h2>测算假设</h2>', '<th>低值</th><th>中值</th><th>高值</th>', '<td>培训机构</td>', '人次 = 计划人次 × 申领率 1 × 合格率 1']) expect(html).toContain(words);
    expect(html).not.toContain('Exposure by');
    const out = z.stdout.toString().split('\n');
    expect(out[0]).toBe('诸暨市 zhuji — 预算敞口, 元 (低 / 中 / 高)');
    expect(out.find((l) => l.startsWith('cert_training '))).toMatch(/^cert_training +17202 +30,103,500\.00 +60,207,000\.00 +60,207,000\.00$/);
    expect(out).toContain('2031 人次未估值: 政策文本未规定其金额 (见 estimate.csv)');
    expect(z.stderr.toString()).toBe(`从 ${plan} 读取 13 条测算行\n`);
    const roster = run(['estimate', '-j', 'zhuji', '--roster', 'fixtures/zhuji/roster.csv', '-o', tmp(), '--lang', 'zh']);
    expect(roster.stderr.toString().split('\n').slice(0, 2)).toEqual(['fixtures/zhuji/roster.csv 有 2 行无法读取, 未计入测算:', 'fixtures/zhuji/roster.csv 第 31 行, date 列, 值 "2020-13-01": 没有 13 月']);
  });
});
