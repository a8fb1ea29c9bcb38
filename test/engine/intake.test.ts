// Intake: resident IDs, dates, numbers, vocabulary; every reject kind names the row, column and value.
import { describe, expect, it } from 'vitest';
import { parseCell, parseDate, residentIdProblem, validResidentId } from '../../src/engine/intake.js';
import { FIELD_BY_NAME, headerField, headerNote, suggestField } from '../../src/engine/fields.js';
import { P1, P2, brief, run } from '../helpers.js';

describe('resident IDs (GB 11643)', () => {
  it('accepts valid IDs, including an X check digit', () => {
    expect(validResidentId(P1)).toBe(true);
    expect(validResidentId('33010619881212003X')).toBe(true);
  });
  it('rejects a wrong check digit, a bad birth date and wrong lengths', () => {
    expect(validResidentId('330681199001010016')).toBe(false);
    expect(validResidentId('330681199002300013')).toBe(false);
    expect(validResidentId('33068119900101001')).toBe(false);
  });
  it('a reject says which part of the ID is wrong: length, characters, birth date or check character', () => {
    const why = (id: string): string => residentIdProblem(id).en;
    expect(why('33068119900101001')).toBe('a resident ID has 18 characters, this has 17 (GB 11643)');
    // A first-generation card's 15 digits: the 18-digit form is named (P1 is 330681 19900101 001 5), not taken.
    expect(why('330681900101001')).toBe(`a first-generation 15-digit ID: its 18-digit form is ${P1}; give that, checked against the person's card (GB 11643)`);
    expect(validResidentId('330681900101001')).toBe(false);
    expect(why('330681901301001')).toBe('a resident ID has 18 characters, this has 15 (GB 11643)'); // no month 13: no such card
    expect(why('33068119900101001A')).toBe('a resident ID is 17 digits and a final digit or X (GB 11643)');
    expect(why('330681199002300013')).toBe('the birth date in the ID, 19900230, is not a valid date (GB 11643)');
    expect(why('330681199001010016')).toBe('the check character does not match the first 17 digits: a digit mistyped? (GB 11643)');
    // Excel's ways of losing an ID typed into a number column: shown in scientific notation, or kept to 15 digits.
    expect(why('3.30681E+17')).toBe('Excel turned the ID into a number (3.30681E+17) and lost its last digits: format the column as text and enter the IDs again');
    expect(why('330681199001010000')).toMatch(/^the check character does not match, and the ID ends in 000, as when Excel keeps only 15 digits/);
    // Full-width digits typed with a Chinese input method are read as digits: only a real mistake is rejected.
    const wide = (id: string): string => id.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    const r = run('zhuji', [
      { person_id: wide('330681199001010016'), program: 'cert_training', level: 'L4', date: '2020-06-01' },
      { person_id: wide(P1), program: 'cert_training', level: 'L4', date: '2020-06-01' },
    ]);
    expect(r.rejects.map((x) => [x.row, x.code, x.reason.en])).toEqual([[2, 'bad_id', 'the check character does not match the first 17 digits: a digit mistyped? (GB 11643)']]);
    expect(r.lines.map((l) => l.personId)).toEqual([P1]);
  });
  it('ZJ-16: an ID typed in groups as on the card (330681 19900101 0015, full-width spaces too) is the same person as without the spaces', () => {
    const cert = (person_id: string, occupation: string): Record<string, string> => ({ person_id, program: 'cert_training', level: 'L4', date: '2020-06-01', occupation });
    const r = run('zhuji', [cert('330681 19900101 0015', '电工'), cert('330681\u300019900101\u30000015', '焊工'), cert(P1, '车工'), cert(P1, '钳工'), cert('330681 19900101 0016', '茶艺师')]);
    expect(r.rejects.map((x) => [x.row, x.code])).toEqual([[6, 'bad_id']]);
    expect(r.lines.map((l) => l.personId)).toEqual([P1, P1, P1, P1]);
    // One person: ZJ-16's 3 a year denies the fourth.
    expect(brief(r).map((l) => l[3])).toEqual(['ok', 'ok', 'ok', 'annual_cap']);
  });
});

describe('counts', () => {
  it('reads a count with a unit, thousands separators or zero decimals, and nothing else', () => {
    const days = FIELD_BY_NAME.get('training_days')!;
    for (const [text, n] of [['15', 15], ['15天', 15], ['1,200', 1200], ['12,345,678', 12345678], ['15.0', 15], ['15.00', 15]] as const) expect(parseCell(days, text), text).toEqual({ ok: true, value: n });
    for (const text of ['15.5', '1,20', '12,3456', '-3', '1.2万', '十五']) expect(parseCell(days, text).ok, text).toBe(false);
  });

  it("a plan's planned count may be written in 万 (the Zhuji plan's 2.25万人次 is 22,500), exactly or not at all", () => {
    const planned = FIELD_BY_NAME.get('planned')!;
    for (const [text, n] of [['2.25万人次', 22500], ['1.2万', 12000], ['3万人', 30000], ['0.0001万', 1], ['22500人次', 22500]] as const) expect(parseCell(planned, text), text).toEqual({ ok: true, value: n });
    for (const text of ['1.23456万', '万', '1.2千', '-1万']) expect(parseCell(planned, text).ok, text).toBe(false);
  });
});

describe('dates', () => {
  it('reads the forms clerks type', () => {
    expect(parseDate('2021-03-01')).toBe('2021-03-01');
    expect(parseDate('2021/3/1')).toBe('2021-03-01');
    expect(parseDate('2021年3月1日')).toBe('2021-03-01');
    expect(parseDate('２０２１年３月１日')).toBe('2021-03-01');
    expect(parseDate('2021.3.1')).toBe('2021-03-01');
    expect(parseDate('20210301')).toBe('2021-03-01');
  });
  it('reads a date exported with a time of day as its date (a date-time column, a database export)', () => {
    for (const t of ['2021-03-01 00:00:00', '2021/3/1 0:00', '2021-03-01 00:00:00.0', '2021-03-01T08:30', '2021年3月1日 23:59:59', '2021.3.1  13:05', '２０２１－０３－０１　００：００']) {
      expect(parseDate(t), t).toBe('2021-03-01');
    }
  });
  it('refuses an Excel serial number (44256 is 2021-03-01 or 2025-03-02 by the workbook\'s date system), saying what it is', () => {
    const date = FIELD_BY_NAME.get('date')!;
    expect(parseCell(date, '44256')).toEqual({ ok: false, code: 'bad_date', reason: expect.objectContaining({ en: 'a date saved as an Excel serial number (44256): format the column as a date (2021-03-01) and save the file again' }) });
    expect(parseCell(date, '2021-03-01')).toEqual({ ok: true, value: '2021-03-01' });
  });
  it('refuses a training period typed into the date column, saying it is a range and which day to give (never picking an end itself)', () => {
    const date = FIELD_BY_NAME.get('date')!;
    for (const [t, from, to] of [['2020.6.1-2020.6.15', '2020.6.1', '2020.6.15'], ['2020年6月1日至6月15日', '2020年6月1日', '6月15日'], ['2020-06-01 ~ 2020-06-15', '2020-06-01', '2020-06-15']]) {
      expect(parseCell(date, t!), t).toEqual({
        ok: false,
        code: 'bad_date',
        reason: expect.objectContaining({ en: `a date range (${from} to ${to}): the column takes one date, the completion or certificate date; if that is the range's last day, give it alone` }),
      });
    }
    // An ISO date's hyphens are no range.
    expect(parseCell(date, '2020-06-15')).toEqual({ ok: true, value: '2020-06-15' });
  });
  it('says what is wrong with a date it cannot read: a day the month lacks, a month or year out of range, the year last, a month without its day', () => {
    const date = FIELD_BY_NAME.get('date')!;
    const reason = (t: string): string | undefined => {
      const p = parseCell(date, t);
      return p.ok ? undefined : `${p.reason.en} | ${p.reason.zh}`;
    };
    expect(reason('2020-02-30')).toBe('2020-02 has no day 30 (it has 29 days) | 2020年2月没有 30 日(该月只有 29 天)');
    expect(reason('2021/6/31')).toBe('2021-06 has no day 31 (it has 30 days) | 2021年6月没有 31 日(该月只有 30 天)');
    expect(reason('2021年2月29日')).toBe('2021-02 has no day 29 (it has 28 days) | 2021年2月没有 29 日(该月只有 28 天)');
    expect(reason('2021-06-31 00:00:00')).toMatch(/^2021-06 has no day 31/);
    expect(reason('2020-13-01')).toBe('there is no month 13 | 没有 13 月');
    expect(reason('20201301')).toBe('there is no month 13 | 没有 13 月');
    expect(reason('1899-12-31')).toBe('the year 1899 is not between 1900 and 2100 | 年份 1899 不在 1900–2100 之间');
    for (const t of ['2020年6月', '2020-6', '2020.06', '2020/6']) {
      expect(reason(t), t).toBe(`a month without its day (${t}): give the completion or certificate date itself; the document's period and the year go by the day | 只有年月, 没有日(${t}): 请填结业或发证的具体日期, 文件有效期和年度按日计算`);
    }
    expect(reason('6/10/2020')).toBe('the year comes last (6/10/2020): which is the month and which the day cannot be told; give it year first, as 2020-06-10 | 年份在最后(6/10/2020): 无法分辨月和日, 请写成 2020-06-10 这样年在前的格式');
    expect(reason('10.06.2020')).toMatch(/^the year comes last/);
    expect(reason('March 1')).toMatch(/^unreadable date/);
    expect(reason('2020-6-1 午后')).toMatch(/^unreadable date/);
  });

  it('refuses impossible dates', () => {
    expect(parseDate('2021-02-29')).toBeUndefined();
    expect(parseDate('2020-13-01')).toBeUndefined();
    expect(parseDate('March 1')).toBeUndefined();
    // An impossible time, a time alone after the day, or a zone (the date in Beijing could be another).
    for (const t of ['2021-03-01 24:00', '2021-03-01 12:60', '2021-03-01 12', '2021-03-01 12:00 PM', '2021-03-01T16:00:00Z', '2021-03-01 08:00+08:00', '2021-03-0100:00', '20210301 00:00', '2021-02-29 00:00']) {
      expect(parseDate(t), t).toBeUndefined();
    }
  });
});

describe('rejects', () => {
  const base = { program: 'cert_training', date: '2020-06-01', level: 'L4' };
  const cases: [string, Record<string, string>, string, string][] = [
    ['bad ID checksum', { ...base, person_id: '330681199001010016' }, 'person_id', 'bad_id'],
    ['unreadable date', { ...base, date: '2020-02-30' }, 'date', 'bad_date'],
    ['unreadable number', { ...base, cost: '三千' }, 'cost', 'bad_number'],
    ['unknown level', { ...base, level: '特级' }, 'level', 'bad_value'],
    ['unknown group', { ...base, groups: 'two_after;astronaut' }, 'groups', 'bad_value'],
    ['unknown yes/no', { ...base, prior_free_training: 'maybe' }, 'prior_free_training', 'bad_value'],
    ['unknown programme', { ...base, program: 'free_lunch' }, 'program', 'unknown_program'],
    ['unknown jurisdiction', { ...base, jurisdiction: 'atlantis' }, 'jurisdiction', 'unknown_jurisdiction'],
    ['missing required column (date)', { program: 'cert_training', level: 'L4' }, 'date', 'missing_column'],
    ['missing required column (person_id)', { ...base, person_id: '' }, 'person_id', 'missing_column'],
  ];
  it.each(cases)('%s', (_name, row, column, code) => {
    const r = run('zhuji', [row]);
    expect(r.rowsRejected).toBe(1);
    expect(r.lines).toEqual([]);
    expect(r.rejects).toContainEqual(expect.objectContaining({ file: 'test.csv', row: 2, column, code }));
    expect(r.rejects.every((x) => x.reason.zh && x.reason.en)).toBe(true);
  });

  it('one bad ID among good rows: the good rows are evaluated, the bad one is rejected', () => {
    const r = run('zhuji', [
      { ...base, person_id: P1 },
      { ...base, person_id: '330681199001010016' },
      { ...base, person_id: P2, occupation: '焊工' },
    ]);
    expect([r.rowsRead, r.rowsEvaluated, r.rowsRejected]).toEqual([3, 2, 1]);
    expect(r.rejects).toEqual([expect.objectContaining({ row: 3, column: 'person_id', value: '330681199001010016', code: 'bad_id' })]);
    expect(brief(r).map((l) => l[2])).toEqual(['3500.00', '3500.00']);
  });

  it('ZJ-03 / HY-03: the programme named by its Chinese name (as the table gives it) is paid as by its id', () => {
    const zj = { program: '高危行业和特种作业人员 安全技能培训补贴', date: '2020-06-01', certificate: 'special_operation', renewal: 'new' };
    expect(brief(run('zhuji', [zj, { ...zj, program: 'safety_training', person_id: P2 }]))).toEqual([
      ['safety_training', 'approved', '500.00', 'ok'],
      ['safety_training', 'approved', '500.00', 'ok'],
    ]);
    // Hengyang's safety_training is another programme of the same id: its own Chinese name, 5 yuan a class hour (HY-03).
    const hy = run('hengyang', [{ program: '特种作业安全技能培训补贴', date: '2020-06-01', certificate: 'special_operation', class_hours: '40', class_registered: 'yes' }]);
    expect(brief(hy)).toEqual([['safety_training', 'approved', '200.00', 'ok']]);
  });

  it('a name that is no programme of the table is rejected, and the reason says Chinese names are taken too', () => {
    const r = run('zhuji', [{ ...base, program: '安全技能培训' }]);
    expect(r.rejects).toEqual([expect.objectContaining({ column: 'program', value: '安全技能培训', code: 'unknown_program' })]);
    expect(r.rejects[0]!.reason.en).toContain("or a programme's Chinese name, see subsidy tables show zhuji");
  });

  it('accepts a Chinese jurisdiction name and full-width digits', () => {
    const r = run('hengyang', [{ ...base, jurisdiction: '诸暨市', cost: '２８００' }]);
    expect(brief(r)).toEqual([['cert_training', 'approved', '2800.00', 'ok']]);
  });

  it('ZJ-01: invisible characters a cell copied from a web page carries (zero-width space, soft hyphen, BOM) are not part of its value', () => {
    // Read as they stand, the ID "has 19 characters" and the programme is unknown, though the clerk sees neither.
    const r = run('zhuji', [{ ...base, person_id: `\u200b${P1}`, program: 'cert_training\u200b', name: '王\u00ad五\ufeff', cost: '2\u200d800' }]);
    expect(brief(r)).toEqual([['cert_training', 'approved', '2800.00', 'ok']]);
    expect(r.lines[0]).toMatchObject({ personId: P1, name: '王五' });
    expect(parseCell(FIELD_BY_NAME.get('date')!, '2020-06-01\u200e')).toEqual({ ok: true, value: '2020-06-01' });
  });

  it("ZJ-01: Excel's text mark, a leading apostrophe, is not part of an ID, a date or a number ('330681…); a name keeps it", () => {
    const r = run('zhuji', [{ ...base, person_id: `'${P1}`, date: "'2020-06-01", cost: "'2800", name: "'阿福" }]);
    expect(brief(r)).toEqual([['cert_training', 'approved', '2800.00', 'ok']]);
    expect(r.lines[0]).toMatchObject({ personId: P1, name: "'阿福" });
  });
});

describe('document periods', () => {
  it('ZJ: a claim before 2020-02-21 follows the old standards → review; after 2021-12-31 → denied with the period', () => {
    const r = run('zhuji', [
      { program: 'cert_training', level: 'L4', date: '2020-02-20' },
      { program: 'cert_training', level: 'L5', date: '2022-01-01', person_id: P2 },
    ]);
    expect(brief(r)).toEqual([
      ['cert_training', 'review', '-', 'before_period'],
      ['cert_training', 'denied', '0.00', 'outside_period'],
    ]);
    expect(r.lines[1]!.reason.en).toContain('2020-02-21 – 2021-12-31');
  });
  it('XH: in force from 2020-10-22, not from the issue date', () => {
    const r = run('xihu', [{ person_id: '', name: '工作室', program: 'master_studio', date: '2020-10-21' }]);
    expect(brief(r)).toEqual([['master_studio', 'denied', '0.00', 'outside_period']]);
  });
  it('ZJ-13 uplift ends with the document on 2021-12-31, and is the most, not a fixed +30%', () => {
    const r = run('zhuji', [{ program: 'cert_training', level: 'L4', employer_flags: 'trade_friction', cost: '4000', date: '2021-12-31' }]);
    expect(brief(r)).toEqual([['cert_training', 'approved', '4000.00', 'ok']]);
  });
});

describe('draft documents', () => {
  it('QZ: every line carries the draft status and says the amounts are not final', () => {
    const r = run('quzhou', [{ program: 'demo_enterprise', person_id: '', name: '企业', date: '2022-01-01' }]);
    expect(r.lines[0]!.documentStatus).toBe('draft');
    expect(r.lines[0]!.reason.en).toContain('draft');
    expect(r.lines[0]!.citation).toContain('征求意见稿');
    expect(r.summary.every((s) => s.documentStatus === 'draft')).toBe(true);
  });
});

describe('levels', () => {
  it('reads a level as certificates write it, grade and title in either order; a grade and title that disagree are refused', () => {
    const level = (v: string): string => {
      const p = parseCell(FIELD_BY_NAME.get('level')!, v);
      return p.ok ? String(p.value) : 'bad';
    };
    const read = Object.fromEntries(['高级工（三级）', '三级(高级工)', '三级/高级工', '3级', '技师（二级）', '二级技师', '国家职业资格三级', '职业技能等级二级/技师', '一级高级技师', '中级', '四级高级工', '技师(一级)'].map((v) => [v, level(v)]));
    expect(read).toEqual({
      '高级工（三级）': 'L3', '三级(高级工)': 'L3', '三级/高级工': 'L3', '3级': 'L3', '技师（二级）': 'L2', 二级技师: 'L2', 国家职业资格三级: 'L3',
      '职业技能等级二级/技师': 'L2', 一级高级技师: 'L1', 中级: 'L4', 四级高级工: 'bad', '技师(一级)': 'bad',
    });
  });

  it('ZJ-14: 技师（二级） is the technician level: the high-skill grant of 4500', () => {
    const r = run('zhuji', [{ program: 'high_skill_grant', level: '技师（二级）', date: '2020-06-01' }]);
    expect(brief(r)).toEqual([['high_skill_grant', 'approved', '4500.00', 'ok']]);
  });
});

describe('groups', () => {
  it('reads the names offices give the groups', () => {
    const groups = (v: string): unknown => {
      const p = parseCell(FIELD_BY_NAME.get('groups')!, v);
      return p.ok ? p.value : 'bad';
    };
    const read = Object.fromEntries(['建档立卡贫困户', '城市低保户', '残疾', '退役士兵', '应届高校毕业生', '就业困难', '登记失业人员', '零就业', '企业在职职工', '低保户'].map((v) => [v, groups(v)]));
    expect(read).toEqual({
      建档立卡贫困户: ['poverty'], 城市低保户: ['urban_min_living'], 残疾: ['disabled'], 退役士兵: ['veteran'], 应届高校毕业生: ['graduate'],
      就业困难: ['employment_difficulty'], 登记失业人员: ['unemployed'], 零就业: ['zero_employment_family'], 企业在职职工: ['enterprise_employee'],
      // Urban or rural minimum living: the texts treat them apart (ZJ-06 pays 城市低保家庭学员), so not guessed.
      低保户: 'bad',
    });
  });

  it('HY-05: a disabled trainee (残疾, within 就业困难人员(含残疾人)) gets 20 a training day: 10 days → 200.00', () => {
    const r = run('hengyang', [{ program: 'living_allowance', groups: '残疾', training_days: '10', date: '2020-06-01', class_registered: '是' }]);
    expect(brief(r)).toEqual([['living_allowance', 'approved', '200.00', 'ok']]);
  });
});

describe('annotated headers', () => {
  it('a required mark or a note that does not change the reading is read past; a unit that would is not', () => {
    const fields = Object.fromEntries(
      ['身份证号码（必填）', '*姓名', '补贴项目【必填】', '结业日期(年-月-日)', '日期(如2020-01-01)', '培训天数（天）', '费用(元)', '培训费用', '人员类别(多个用;分隔)', '劳动合同期限(月)', '社保缴费(个月)', '费用(万元)', '培训课时(小时)', '等级(高级)'].map((h) => [h, headerField(h)]),
    );
    expect(fields).toEqual({
      '身份证号码（必填）': 'person_id', '*姓名': 'name', '补贴项目【必填】': 'program', '结业日期(年-月-日)': 'date', '日期(如2020-01-01)': 'date',
      '培训天数（天）': 'training_days', '费用(元)': 'cost', 培训费用: 'cost', '人员类别(多个用;分隔)': 'groups', '劳动合同期限(月)': 'contract_months',
      '社保缴费(个月)': 'insurance_months', '费用(万元)': undefined, '培训课时(小时)': undefined, '等级(高级)': undefined,
    });
    expect(headerNote('费用(万元)')).toEqual({ field: 'cost', note: '万元' });
    // Headers offices use for the same columns.
    const usual = Object.fromEntries(['身份证', '证件号', '学员姓名', '补贴类型', '发证时间', '培训结束日期', '培训职业', '职业(工种)名称', '职业资格等级', '证书种类', '学时', '人员类型', '申领金额', '鉴定工种'].map((h) => [h, headerField(h)]));
    expect(usual).toEqual({
      身份证: 'person_id', 证件号: 'person_id', 学员姓名: 'name', 补贴类型: 'program', 发证时间: 'date', 培训结束日期: 'date', 培训职业: 'occupation',
      '职业(工种)名称': 'occupation', 职业资格等级: 'level', 证书种类: 'certificate', 学时: 'class_hours', 人员类型: 'groups', 申领金额: 'cost', 鉴定工种: 'occupation',
    });
    expect(headerNote('费用(元)')).toBeUndefined();
  });
});

describe('misspelt headers', () => {
  it('a header nobody reads is matched to the field one or two edits away, and only then', () => {
    const guesses = Object.fromEntries(['personid', 'progam', 'groupss', 'Trainng days', '身份证号吗', 'jurisdication', 'amount', '序号', 'remark', '电话'].map((h) => [h, suggestField(h)]));
    expect(guesses).toEqual({
      personid: 'person_id', progam: 'program', groupss: 'groups', 'Trainng days': 'training_days', 身份证号吗: 'person_id', jurisdication: 'jurisdiction',
      amount: undefined, 序号: undefined, remark: undefined, 电话: undefined,
    });
  });
});
