// `check`: the questions asked (only those that matter), the amounts and statuses, and identity with `calc`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { screenablePrograms } from '../../src/engine/questions.js';
import { readStored, zipEntries } from '../../src/io/zip.js';
import { P1, P2, TABLES, brief } from '../helpers.js';
import { row, workbook } from '../xlsxBuilder.js';

// Scripted answers: the first key found in a question's text answers it. Every question is recorded.
const asked: string[] = [];
let script: [string, string | string[]][] = [];
const answer = (message: string): string | string[] => {
  asked.push(message);
  const hit = script.find(([key]) => message.includes(key));
  if (!hit) throw new Error(`unexpected question: ${message}`);
  return hit[1];
};
vi.mock('../../src/cli/prompts.js', () => ({
  askSelect: async (message: string, choices: { value: unknown }[]) => {
    const a = answer(message);
    const c = choices.find((x) => x.value === a || (typeof a === 'string' && a === '?' && String(x.value).includes('unknown')));
    if (!c) throw new Error(`"${String(a)}" is not offered for ${message}: ${choices.map((x) => String(x.value)).join(', ')}`);
    return c.value;
  },
  askCheckbox: async (message: string) => answer(message) as string[],
  askInput: async (message: string, validate: (t: string) => true | string) => {
    const a = answer(message) as string;
    const ok = validate(a);
    if (ok !== true) throw new Error(`validation refused "${a}" for ${message}: ${ok}`);
    return a;
  },
}));

const { interview, evaluateCase, askPayees } = await import('../../src/cli/commands/check.js');

const field = (m: string): string => m.split(' / ')[0]!.split(' (')[0]!;

beforeEach(() => {
  asked.length = 0;
});

describe('check asks only what matters', () => {
  it('ZJ-06 zhuji: a rural 两后生 in a certificate class with 15 days → 3500 + 750 living allowance', async () => {
    const zhuji = TABLES.get('zhuji')!;
    script = [['date', '2020-06-01'], ['resident ID', P1], ['level', 'L4'], ['occupation', '电工'], ['groups', ['two_after', 'rural']], ['employer flags', []], ['training days', '15'], ['claimed cost', '']];
    const cells = await interview(zhuji, [zhuji.programs.find((p) => p.id === 'cert_training')!], 'en');
    // The certificate kind is never asked: the level already settles the grade condition.
    expect(asked.map(field)).toEqual(['date', 'resident ID number', 'level', 'groups', 'claimed cost', 'employer flags', 'training days', 'occupation']);
    const [r] = evaluateCase(TABLES, zhuji, [zhuji.programs.find((p) => p.id === 'cert_training')!], cells);
    expect(brief(r!)).toEqual([['cert_training', 'approved', '3500.00', 'ok'], ['living_allowance', 'approved', '750.00', 'ok']]);
  });

  it('ZJ-06 zhuji under --lang zh: every prompt says the Chinese first, and the case is paid the same 3500 + 750', async () => {
    const zhuji = TABLES.get('zhuji')!;
    script = [['date', '2020-06-01'], ['resident ID', P1], ['level', 'L4'], ['occupation', '电工'], ['groups', ['two_after', 'rural']], ['employer flags', []], ['training days', '15'], ['claimed cost', '']];
    const cells = await interview(zhuji, [zhuji.programs.find((p) => p.id === 'cert_training')!], 'zh');
    expect(asked).toContain('日期 / date (2021-03-01)');
    expect(asked.find((m) => m.startsWith('人员类别'))).toBe('人员类别 / groups (空格选择, 回车确认 / space to select, enter to confirm)');
    expect(asked.find((m) => m.includes('training days'))).toBe('培训天数 / training days — 可留空 / blank if not known');
    const [r] = evaluateCase(TABLES, zhuji, [zhuji.programs.find((p) => p.id === 'cert_training')!], cells);
    expect(brief(r!)).toEqual([['cert_training', 'approved', '3500.00', 'ok'], ['living_allowance', 'approved', '750.00', 'ok']]);
  });

  it('SZ-08 suzhou, screening everything: a count nobody knows (the years of an apprenticeship never started) may be left blank, and only what needs it goes to review', async () => {
    const suzhou = TABLES.get('suzhou')!;
    const programs = screenablePrograms(suzhou);
    script = [['date', '2020-09-01'], ['resident ID', P1], ['employer flags', []], ['groups', ['enterprise_employee']], ['level', 'L3'], ['training type', 'pre_job'], ['paid by', 'individual'], ['certificate kind', '?'], ['issued locally', '?'], ['years', ''], ['months', ''], ['class hours', ''], ['training days', ''], ['claimed cost', ''], ['standard', ''], ['occupation', '']];
    const cells = await interview(suzhou, programs, 'en');
    const years = asked.find((m) => m.startsWith('years'))!;
    // Every part of the prompt in the order --lang chose (en: English first).
    expect(years).toBe('years / 年数 — blank if not known: what needs it goes to review / 不清楚可留空, 需要它的项目待复核');
    // The date and the ID stay required: every line needs them.
    expect(asked.find((m) => m.startsWith('date'))).toBe('date / 日期 (2021-03-01)');
    expect(cells.has('years')).toBe(false);
    const byProgram = new Map(evaluateCase(TABLES, suzhou, programs, cells).flatMap((r) => brief(r).map((l) => [l[0], l] as const)));
    expect(byProgram.get('new_apprenticeship')).toEqual(['new_apprenticeship', 'review', '-', 'missing_facts']); // no exposure without the years
    // SZ-01: the pre-job training is paid as before, 300 to the employer.
    expect(byProgram.get('pre_job_training')).toEqual(['pre_job_training', 'approved', '300.00', 'ok']);
  });

  it('ZJ-15 zhuji: the counter asks about groups (a blank roster cell passes the pension exclusion); a pensioner is denied at once', async () => {
    const zhuji = TABLES.get('zhuji')!;
    const program = zhuji.programs.find((p) => p.id === 'cert_training')!;
    script = [['date', '2020-06-01'], ['resident ID', P1], ['level', 'L4'], ['groups', ['pensioner']]];
    const cells = await interview(zhuji, [program], 'en');
    expect(asked.map(field)).toEqual(['date', 'resident ID number', 'level', 'groups']);
    expect(brief(evaluateCase(TABLES, zhuji, [program], cells)[0]!)).toEqual([['cert_training', 'denied', '0.00', 'pensioner']]);
  });

  it('QZ-01 quzhou: a craftsman title asks about titles, never about training days', async () => {
    const quzhou = TABLES.get('quzhou')!;
    const program = quzhou.programs.find((p) => p.id === 'craftsman_title')!;
    script = [['date', '2022-05-01'], ['resident ID', P1], ['titles', ['craftsman', 'grand_craftsman']]];
    const cells = await interview(quzhou, [program], 'en');
    expect(asked.map(field)).toEqual(['date', 'resident ID number', 'titles']);
    const [r] = evaluateCase(TABLES, quzhou, [program], cells);
    expect(brief(r!)).toEqual([['craftsman_title', 'approved', '100000.00', 'ok']]);
  });

  it('HY-06 hengyang: an unregistered class is denied at once — no amount questions follow — with the fact that would pass', async () => {
    const hengyang = TABLES.get('hengyang')!;
    const program = hengyang.programs.find((p) => p.id === 'safety_training')!;
    script = [['date', '2020-06-01'], ['resident ID', P1], ['class registered', 'no']];
    const cells = await interview(hengyang, [program], 'en');
    expect(asked.map(field)).toEqual(['date', 'resident ID number', 'class registered']);
    const [r] = evaluateCase(TABLES, hengyang, [program], cells);
    expect(brief(r!)).toEqual([['safety_training', 'denied', '0.00', 'class_not_registered']]);
    expect(r!.lines[0]!.hint?.zh).toBe('需 开班备案 = 是');
  });

  it('HY-03 hengyang: registered class → class hours asked → 70 hours capped at 300.00', async () => {
    const hengyang = TABLES.get('hengyang')!;
    const program = hengyang.programs.find((p) => p.id === 'safety_training')!;
    script = [['date', '2020-06-01'], ['resident ID', P1], ['class registered', 'yes'], ['certificate kind', 'special_operation'], ['class hours', '70'], ['occupation', '']];
    const cells = await interview(hengyang, [program], 'en');
    expect(asked.map(field)).toEqual(['date', 'resident ID number', 'class registered', 'certificate kind', 'class hours', 'occupation']);
    expect(asked.some((m) => m.includes('training days'))).toBe(false);
    expect(brief(evaluateCase(TABLES, hengyang, [program], cells)[0]!)).toEqual([['safety_training', 'approved', '300.00', 'ok']]);
  });

  it('HY-03 hengyang: a case to be saved is asked, last and optionally, for the training provider paid for it; not for a roster without that column, nor for a programme already denied', async () => {
    const hengyang = TABLES.get('hengyang')!;
    const program = hengyang.programs.find((p) => p.id === 'safety_training')!;
    const all = new Set(['provider', 'employer']);
    script = [['training provider', '红星学校']];
    const cells = new Map([['date', '2020-06-01'], ['person_id', P1], ['class_registered', 'yes'], ['certificate', 'special_operation'], ['class_hours', '70']]);
    await askPayees(hengyang, [program], cells, 'en', all);
    expect(asked.map(field)).toEqual(['training provider']);
    expect(cells.get('provider')).toBe('红星学校');
    // The saved row names it: calc's summary totals HY-03's 300.00 under 红星学校.
    expect(evaluateCase(TABLES, hengyang, [program], cells)[0]!.lines[0]).toMatchObject({ amountFen: 30000, payee: 'provider', payeeName: '红星学校' });
    asked.length = 0;
    await askPayees(hengyang, [program], new Map([['date', '2020-06-01'], ['person_id', P1]]), 'en', new Set());
    await askPayees(hengyang, [program], new Map([['date', '2020-06-01'], ['person_id', P1], ['class_registered', 'no']]), 'en', all);
    expect(asked).toEqual([]);
  });

  it('XH-01 xihu: a non-resident is asked about groups before any denial; a graduate goes to review, a veteran is denied', async () => {
    const xihu = TABLES.get('xihu')!;
    const program = xihu.programs.find((p) => p.id === 'catalogue_training')!;
    script = [['date', '2021-02-01'], ['resident ID', P1], ['residency', 'none'], ['groups', ['graduate']], ['standard', '1800']];
    const cells = await interview(xihu, [program], 'en');
    expect(asked.map(field)).toEqual(['date', 'resident ID number', 'residency', 'groups', 'catalogue standard']);
    expect(brief(evaluateCase(TABLES, xihu, [program], cells)[0]!)).toEqual([['catalogue_training', 'review', '1800.00', 'graduate_unverified']]);
    asked.length = 0;
    script = [['date', '2021-02-01'], ['resident ID', P1], ['residency', 'none'], ['groups', ['veteran']]];
    const denied = await interview(xihu, [program], 'en');
    expect(asked.map(field)).toEqual(['date', 'resident ID number', 'residency', 'groups']);
    expect(brief(evaluateCase(TABLES, xihu, [program], denied)[0]!)).toEqual([['catalogue_training', 'denied', '0.00', 'not_resident']]);
  });

  it('SX-04 shanxi screening: a free answer is validated as typed (a bad ID is refused)', async () => {
    const shanxi = TABLES.get('shanxi')!;
    script = [['date', '2020-06-01'], ['resident ID', '330681199001010016']];
    await expect(interview(shanxi, screenablePrograms(shanxi), 'en')).rejects.toThrow(/GB 11643/);
  });

  it('SX-04 shanxi screening: an L4 certificate → review, never a guessed amount', async () => {
    const shanxi = TABLES.get('shanxi')!;
    const programs = screenablePrograms(shanxi);
    script = [['date', '2020-06-01'], ['resident ID', P1], ['training type', 'in_post'], ['groups', ['enterprise_employee']], ['level', 'L4'], ['occupation', '焊工'], ['claimed cost', ''], ['certificate kind', 'skill_level']];
    const cells = await interview(shanxi, programs, 'en');
    const lines = evaluateCase(TABLES, shanxi, programs, cells).flatMap((r) => brief(r));
    expect(lines).toContainEqual(['certificate_subsidy', 'review', '-', 'amount_not_stated']);
    expect(lines).toContainEqual(['employment_skills', 'denied', '0.00', 'not_in_group']);
  });
});

describe('check and calc agree', () => {
  const ROOT = resolve(import.meta.dirname, '..', '..');
  const BIN = join(ROOT, 'bin', 'subsidy.js');
  const run = (args: string[], input?: string) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input, env: { ...process.env, NO_COLOR: '1', CI: 'true' } });
  const CASES: Record<string, Record<string, string | number | boolean | string[]>> = {
    zhuji: { program: 'cert_training', person_id: P1, date: '2020-06-01', level: 'L4', groups: ['two_after', 'rural'], training_days: 15 },
    xihu: { program: 'high_skill_individual', person_id: P1, date: '2021-05-01', level: 'L2', employer_flags: ['district_registered'], employer_months: 24, insurance_months: 24 },
    shanxi: { program: 'certificate_subsidy', person_id: P1, date: '2020-06-01', level: 'L4' },
    shaoguan: { program: 'cantonese_chef', person_id: P1, date: '2020-05-01', standard: '1800' },
    suzhou: { program: 'skill_upgrade_individual', person_id: P1, date: '2020-06-01', groups: ['insured'], level: 'L3', shortage: true },
    hengyang: { program: 'safety_training', person_id: P1, date: '2020-06-01', certificate: 'special_operation', class_hours: 70, class_registered: true },
    quzhou: { program: 'craftsman_title', person_id: P1, date: '2022-05-01', title: ['衢州工匠', '衢州大工匠'] },
  };
  it('HY-03 hengyang: money paid to the training provider says so at the counter, naming it when given, and --json carries the name; calc names it alike', () => {
    const dir = mkdtempSync(join(tmpdir(), 'subsidy-check-'));
    const answers = { ...CASES.hengyang, provider: '红星学校' };
    const text = run(['check', '-j', 'hengyang', '--answers', '-'], JSON.stringify(answers));
    expect(text.stdout.toString()).toContain('300.00 yuan, paid to the training provider (红星学校)');
    expect(text.stdout.toString()).toContain('total: 300.00 yuan, of which 300.00 paid to a provider, an employer or the unit');
    expect(run(['check', '-j', 'hengyang', '--answers', '-', '--lang', 'zh'], JSON.stringify(CASES.hengyang)).stdout.toString()).toContain('300.00 元, 支付给培训机构');
    const c = run(['check', '-j', 'hengyang', '--answers', '-', '--json', '--save', join(dir, 'saved.csv')], JSON.stringify(answers));
    expect((JSON.parse(c.stdout.toString()) as { lines: Record<string, unknown>[] }).lines[0]).toMatchObject({ payee: 'provider', payeeName: '红星学校', amount: '300.00' });
    expect(run(['calc', join(dir, 'saved.csv'), '-o', join(dir, 'out')]).status).toBe(0);
    expect(readFileSync(join(dir, 'out', 'summary.csv'), 'utf8')).toContain('safety_training,Special-operation safety training,provider,红星学校,approved,1,1,300.00,');
  });

  it.each(Object.keys(CASES))('%s: the same case gives identical lines in check --answers and in calc', (code) => {
    const dir = mkdtempSync(join(tmpdir(), 'subsidy-check-'));
    const answers = CASES[code]!;
    const c = run(['check', '-j', code, '--answers', '-', '--json', '--save', join(dir, 'saved.csv')], JSON.stringify(answers));
    expect(c.stderr.toString()).toContain('1 row(s) appended');
    expect(c.status).toBe(0);
    const viaCheck = (JSON.parse(c.stdout.toString()) as { lines: Record<string, unknown>[] }).lines;
    // The saved row is exactly what calc reads.
    const k = run(['calc', join(dir, 'saved.csv'), '-o', join(dir, 'out')]);
    expect(k.status).toBe(0);
    const viaCalc = parse(readFileSync(join(dir, 'out', 'breakdown.csv'), 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
    expect(viaCalc.map((l) => [l.program, l.status, l.reason_code, l.amount, l.formula, l.citation, l.reason])).toEqual(
      viaCheck.map((l) => [l.program, l.status, l.reasonCode, l.amount, (l.formula as { en: string }).en, l.citation, (l.reason as { en: string }).en]),
    );
  });

  it('HY-03 hengyang: answers naming the programme by its Chinese name give the same 300.00, and --save writes its id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'subsidy-check-'));
    const c = run(['check', '-j', 'hengyang', '--answers', '-', '--json', '--save', join(dir, 'saved.csv')], JSON.stringify({ ...CASES.hengyang, program: '特种作业安全技能培训补贴' }));
    expect(c.status, c.stderr.toString()).toBe(0);
    const lines = (JSON.parse(c.stdout.toString()) as { lines: Record<string, unknown>[] }).lines;
    expect(lines.map((l) => [l.program, l.status, l.amount])).toEqual([['safety_training', 'approved', '300.00']]);
    expect(readFileSync(join(dir, 'saved.csv'), 'utf8')).toContain(',safety_training,');
  });

  it('without a terminal, check refuses with a helpful message and no stack trace', () => {
    const r = run(['check', '-j', 'zhuji'], '{}');
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toContain('--answers case.json');
    expect(r.stderr.toString()).not.toContain('    at ');
  });

  it('--save to an existing roster without a needed column refuses and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'subsidy-check-'));
    const file = join(dir, 'r.csv');
    writeFileSync(file, 'person_id,program,date\n');
    const r = run(['check', '-j', 'zhuji', '--answers', '-', '--save', file], JSON.stringify(CASES.zhuji));
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toContain('has no column for');
    expect(readFileSync(file, 'utf8')).toBe('person_id,program,date\n');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('--save to a damaged workbook, one not there, or into a folder that is not there, is refused before the case is evaluated, the workbook untouched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'subsidy-check-'));
    const book = join(dir, '花名册.xlsx');
    const bytes = Buffer.from('504b030414000600080000002100', 'hex');
    writeFileSync(book, bytes);
    const r = run(['check', '-j', 'zhuji', '--answers', '-', '--save', book], JSON.stringify(CASES.zhuji));
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toBe(`subsidy: ${book}: a zip file that cannot be read: no zip directory at its end (the file is damaged or cut short)\n`);
    const none = run(['check', '-j', 'zhuji', '--answers', '-', '--save', join(dir, 'new.xlsx')], JSON.stringify(CASES.zhuji));
    expect([none.status, none.stdout.toString(), none.stderr.toString()]).toEqual([1, '', `subsidy: ${join(dir, 'new.xlsx')}: no such workbook; make one to fill in with subsidy template -j <code> -o ${join(dir, 'new.xlsx')}, or save to a .csv file (nothing was written)\n`]);
    expect(r.stdout.toString()).toBe(''); // refused before the case was evaluated
    expect(readFileSync(book).equals(bytes)).toBe(true);
    const nowhere = run(['check', '-j', 'zhuji', '--answers', '-', '--save', join(dir, 'no', 'r.csv')], JSON.stringify(CASES.zhuji));
    expect(nowhere.status).toBe(1);
    expect(nowhere.stdout.toString()).toBe('');
  });

  it('--save into an .xls (read by calc, not written) or to a new .xls name is refused before the case is evaluated, the file untouched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'subsidy-check-'));
    const xls = join(dir, 'roster.xls');
    const bytes = readFileSync(join(ROOT, 'fixtures', 'zhuji', 'roster.xls'));
    writeFileSync(xls, bytes);
    const r = run(['check', '-j', 'zhuji', '--answers', '-', '--save', xls], JSON.stringify(CASES.zhuji));
    expect([r.status, r.stdout.toString(), r.stderr.toString()]).toEqual([1, '', `subsidy: ${xls}: an Excel 97–2003 or WPS workbook (.xls, .et), which rows are not added to: open it in Excel or WPS, save it as .xlsx (Excel 工作簿) and save to that file (nothing was written)\n`]);
    expect(readFileSync(xls).equals(bytes)).toBe(true);
    const fresh = run(['check', '-j', 'zhuji', '--answers', '-', '--save', join(dir, 'new.xls')], JSON.stringify(CASES.zhuji));
    expect([fresh.status, fresh.stdout.toString(), fresh.stderr.toString()]).toEqual([1, '', `subsidy: ${join(dir, 'new.xls')}: rows are added to an .xlsx workbook or a CSV file; name a file .xlsx or .csv (nothing was written)\n`]);
    expect(existsSync(join(dir, 'new.xls'))).toBe(false);
    const page = join(dir, 'export.xls');
    writeFileSync(page, '<html><body><table><tr><td>身份证号</td><td>补贴项目</td><td>日期</td></tr></table></body></html>\n');
    const web = run(['check', '-j', 'zhuji', '--answers', '-', '--save', page], JSON.stringify(CASES.zhuji));
    expect([web.status, web.stdout.toString(), web.stderr.toString()]).toEqual([1, '', `subsidy: ${page}: a web page (HTML) exported under a spreadsheet name, which rows are not added to: open it in Excel or WPS, save it as .xlsx (Excel 工作簿) and save to that file (nothing was written)\n`]);
    const xml = join(dir, 'book.xml');
    copyFileSync(join(ROOT, 'test', 'workbooks', 'excel2003.xml'), xml);
    const x2003 = run(['check', '-j', 'zhuji', '--answers', '-', '--save', xml], JSON.stringify(CASES.zhuji));
    expect([x2003.status, x2003.stdout.toString(), x2003.stderr.toString()]).toEqual([1, '', `subsidy: ${xml}: an XML spreadsheet (Excel 2003 XML), which rows are not added to: open it in Excel or WPS, save it as .xlsx (Excel 工作簿) and save to that file (nothing was written)\n`]);
  });

  it.each(['roster.csv', 'roster.xlsx'])('ZJ-06: --save into a template made with -j (%s: no jurisdiction column), twice, and calc -j pays both rows 50 yuan a day (750.00); the rest of a workbook is left as it was', (name) => {
    const dir = mkdtempSync(join(tmpdir(), 'subsidy-check-'));
    const file = join(dir, name);
    expect(run(['template', '-j', 'zhuji', '--program', 'living_allowance', '--lang', 'zh', '-o', file]).status).toBe(0);
    const original = join(dir, 'as-made');
    copyFileSync(file, original);
    for (const date of ['2020-05-01', '2020-08-01']) {
      const answers = { program: 'living_allowance', person_id: P1, name: '王芳', date, groups: ['two_after', 'rural'], training_days: 15 };
      const r = run(['check', '-j', 'zhuji', '--answers', '-', '--save', file], JSON.stringify(answers));
      expect(r.status, r.stderr.toString()).toBe(0);
      expect(r.stderr.toString()).toBe(`${file}: 1 row(s) appended\n${file}: no jurisdiction column, so the rows say none: read it with -j zhuji, as its other rows\n`);
    }
    if (name.endsWith('.xlsx')) {
      // Every part but the sheet the rows were added to is the same bytes as before (its lists, styles, the hidden sheet).
      const [before, after] = [zipEntries(original), zipEntries(file)];
      expect([...after.keys()]).toEqual([...before.keys()]);
      for (const [part, entry] of before) if (part !== 'xl/worksheets/sheet1.xml') expect(readStored(file, after.get(part)!).equals(readStored(original, entry)), part).toBe(true);
    }
    const k = run(['calc', file, '-j', 'zhuji', '-o', join(dir, 'out')]);
    expect(k.status, k.stderr.toString()).toBe(0);
    const lines = readFileSync(join(dir, 'out', 'breakdown.csv'), 'utf8').split('\r\n');
    expect(lines[1]).toContain(`${name},2,zhuji,final,${P1},王芳,living_allowance,`);
    expect(lines[2]).toContain(`${name},3,zhuji,final,${P1},王芳,living_allowance,`);
    for (const l of [lines[1], lines[2]]) expect(l).toContain(',approved,ok,eligible,750.00,per_unit,50 yuan/day × 15 day = 750.00 yuan,');
  });

  it('--save into a workbook whose sheet ends in a 合计 row is refused (rows below it would be outside the total), the workbook untouched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'subsidy-check-'));
    const file = join(dir, 'r.xlsx');
    const rows = row(1, ['i:身份证号码', 'i:补贴项目', 'i:日期', 'i:培训天数']) + row(2, [`i:${P2}`, 'i:living_allowance', 'i:2020-05-01', 'n:10']) + row(3, ['i:合计', undefined, undefined, '<c r="REF"><f>SUM(D2:D2)</f><v>10</v></c>']);
    writeFileSync(file, workbook({ sheets: [{ name: 'S', rows }] }));
    const bytes = readFileSync(file);
    const r = run(['check', '-j', 'zhuji', '--answers', '-', '--save', file], JSON.stringify(CASES.zhuji));
    expect([r.status, r.stdout.toString(), r.stderr.toString()]).toEqual([1, '', `subsidy: ${file}: its sheet ends in a totals row (row 3); insert the rows above it in Excel, or save to a CSV file and give calc both (nothing was written)\n`]);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('ZJ-03: --save to a roster ending in a 合计 row adds the row above it (and its blank rows), says the total is now out of date, and calc says so too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'subsidy-check-'));
    const file = join(dir, 'r.csv');
    const head = `地区,身份证号码,补贴项目,日期,证书类型,新证/复审,费用\r\nzhuji,${P1},safety_training,2020-06-01,special_operation,new,650\r\n`;
    const tail = '合计,,,,,,650\r\n,,,,,,\r\n';
    writeFileSync(file, head + tail);
    const answers = { program: 'safety_training', person_id: P2, date: '2020-06-02', certificate: 'special_operation', renewal: 'new', cost: 400 };
    const r = run(['check', '-j', 'zhuji', '--answers', '-', '--save', file], JSON.stringify(answers));
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(r.stderr.toString()).toContain(`${file}: 1 row(s) added above its totals row (now line 4), whose figures do not include them yet: bring them up to date`);
    expect(readFileSync(file, 'utf8')).toBe(`${head}zhuji,${P2},safety_training,2020-06-02,special_operation,new,400.00\r\n${tail}`);
    const k = run(['calc', file, '-o', join(dir, 'out')]);
    expect(k.status).toBe(0);
    expect(k.stderr.toString()).toContain('r.csv row 4 (合计): 费用 says 650.00, the rows above it sum to 1,050.00 (400.00 more)');
    // ZJ-03: 500 at most per certificate: 650 claimed is paid 500, 400 as claimed.
    const breakdown = readFileSync(join(dir, 'out', 'breakdown.csv'), 'utf8');
    expect(breakdown).toMatch(/r\.csv,2,.*approved,ok,eligible,500\.00/);
    expect(breakdown).toMatch(/r\.csv,3,.*approved,ok,eligible,400\.00/);
  });

  it('ZJ-03: --save to a roster ending in a sign-off (制表人：…) adds the row above it, not under the signatures; into a workbook so ending it is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'subsidy-check-'));
    const file = join(dir, 'r.csv');
    const head = `地区,身份证号码,补贴项目,日期,证书类型,新证/复审,费用\r\nzhuji,${P1},safety_training,2020-06-01,special_operation,new,650\r\n`;
    const tail = ',,,,,,\r\n制表人：赵六,,审核人：钱七,,,,\r\n填报日期：2020年6月30日,,,,,,\r\n';
    writeFileSync(file, head + tail);
    const answers = { program: 'safety_training', person_id: P2, date: '2020-06-02', certificate: 'special_operation', renewal: 'new', cost: 400 };
    const r = run(['check', '-j', 'zhuji', '--answers', '-', '--save', file], JSON.stringify(answers));
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(r.stderr.toString()).toContain(`${file}: 1 row(s) added above its sign-off rows (制表人 …, now from line 5)`);
    expect(readFileSync(file, 'utf8')).toBe(`${head}zhuji,${P2},safety_training,2020-06-02,special_operation,new,400.00\r\n${tail}`);
    const k = run(['calc', file, '-o', join(dir, 'out')]);
    expect(k.status).toBe(0);
    expect(k.stderr.toString()).toContain('r.csv: 2 sign-off or note row(s)');
    // ZJ-03: 500 at most per certificate: 650 claimed is paid 500, 400 as claimed.
    const breakdown = readFileSync(join(dir, 'out', 'breakdown.csv'), 'utf8');
    expect(breakdown).toMatch(/r\.csv,2,.*approved,ok,eligible,500\.00/);
    expect(breakdown).toMatch(/r\.csv,3,.*approved,ok,eligible,400\.00/);
    // A workbook whose sheet ends in a sign-off, then a row of blanks: refused, untouched.
    const book = join(dir, 'r.xlsx');
    const rows = row(1, ['i:身份证号码', 'i:补贴项目', 'i:日期', 'i:培训天数']) + row(2, [`i:${P2}`, 'i:living_allowance', 'i:2020-05-01', 'n:10']) + row(3, ['i:制表人：赵六', undefined, undefined, undefined]) + row(4, [undefined, undefined, undefined, 'i: ']);
    writeFileSync(book, workbook({ sheets: [{ name: 'S', rows }] }));
    const bytes = readFileSync(book);
    const w = run(['check', '-j', 'zhuji', '--answers', '-', '--save', book], JSON.stringify(CASES.zhuji));
    expect([w.status, w.stdout.toString(), w.stderr.toString()]).toEqual([1, '', `subsidy: ${book}: its sheet ends in a sign-off row (制表人 …) (row 3); insert the rows above it in Excel, or save to a CSV file and give calc both (nothing was written)\n`]);
    expect(readFileSync(book).equals(bytes)).toBe(true);
  });

  it('ZJ-03: --save to a roster with a sheet title above its header appends under that header, and calc pays the row', () => {
    const dir = mkdtempSync(join(tmpdir(), 'subsidy-check-'));
    const file = join(dir, 'r.csv');
    const before = '诸暨市安全技能培训花名册,,,,,,\r\n地区,身份证号码,补贴项目,日期,证书类型,新证/复审,费用\r\n';
    writeFileSync(file, before);
    const answers = { program: 'safety_training', person_id: P1, date: '2020-06-01', certificate: 'special_operation', renewal: 'new', cost: 650 };
    const r = run(['check', '-j', 'zhuji', '--answers', '-', '--save', file], JSON.stringify(answers));
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(`${before}zhuji,${P1},safety_training,2020-06-01,special_operation,new,650.00\r\n`);
    const k = run(['calc', file, '-o', join(dir, 'out')]);
    expect(k.status).toBe(0);
    expect(readFileSync(join(dir, 'out', 'breakdown.csv'), 'utf8')).toContain('approved,ok,eligible,500.00');
  });
});
