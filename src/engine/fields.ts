// The roster vocabulary: every fact a claim can carry, its Chinese headers and allowed values.
// One module for the CSV reader, the rate-table schema and (later) the interactive prompts.

export type FieldKind = 'id' | 'text' | 'date' | 'level' | 'enum' | 'set' | 'bool' | 'int' | 'money';

export interface ValueDef {
  code: string;
  zh: string;
  /** Other spellings accepted on input (Chinese variants, numbers). Matching ignores case. */
  aliases?: string[];
}

export interface FieldDef {
  name: string;
  kind: FieldKind;
  zh: string;
  en: string;
  /** Headers accepted besides `name` and `zh`. */
  headers?: string[];
  values?: ValueDef[];
  /**
   * False for a column that says who is paid, not what is claimed: left out of a row's content hash (ledger.ts), so
   * rows recorded before the column was read are the same rows, and a claim sent again under another name is too.
   */
  hashed?: false;
  /** A count a plan may write in 万, ten thousand (2.25万人次 is 22,500): a roster's counts (training days) are never so large. */
  tenThousands?: true;
}

/**
 * The spellings of a level as certificates and rosters write it: the grade (三级, 3级), the title (高级工), both
 * together in either order (三级/高级工, 高级工（三级）, 二级技师), with the certificate's kind before it
 * (国家职业资格三级, 职业技能等级三级). Only a grade and a title of the same level go together.
 */
function levelSpellings(digit: string, grade: string, titles: string[]): string[] {
  const grades = [grade, `${digit}级`];
  const both = grades.flatMap((g) => titles.flatMap((t) => [`${g}/${t}`, `${g}(${t})`, `${t}(${g})`, `${g}${t}`, `${t}${g}`]));
  const alone = [digit, `l${digit}`, ...grades, ...titles];
  return [...alone, ...both].flatMap((x) => [x, ...['国家职业资格', '职业资格', '职业技能等级', '技能等级'].map((kind) => `${kind}${x}`)]);
}

export const LEVELS: ValueDef[] = [
  { code: 'L5', zh: '五级/初级工', aliases: levelSpellings('5', '五级', ['初级', '初级工']) },
  { code: 'L4', zh: '四级/中级工', aliases: levelSpellings('4', '四级', ['中级', '中级工']) },
  { code: 'L3', zh: '三级/高级工', aliases: levelSpellings('3', '三级', ['高级', '高级工']) },
  { code: 'L2', zh: '二级/技师', aliases: levelSpellings('2', '二级', ['技师']) },
  { code: 'L1', zh: '一级/高级技师', aliases: levelSpellings('1', '一级', ['高级技师']) },
];

export const FIELDS: FieldDef[] = [
  { name: 'person_id', kind: 'id', zh: '身份证号码', en: 'resident ID number', headers: ['身份证号', '身份证', '证件号码', '证件号', '身份证件号码', '公民身份号码', '公民身份证号码'] },
  { name: 'name', kind: 'text', zh: '姓名', en: 'name', headers: ['单位名称', '学员姓名', '人员姓名'] },
  { name: 'org_code', kind: 'text', zh: '统一社会信用代码', en: 'organisation code' },
  // Who is paid where the programme pays a training provider or an employer for the trainee (payee provider, enterprise).
  { name: 'provider', kind: 'text', zh: '培训机构', en: 'training provider', headers: ['培训机构名称', '培训单位', '承训机构', '定点培训机构', '培训学校'], hashed: false },
  { name: 'employer', kind: 'text', zh: '用人单位', en: 'employer', headers: ['企业名称', '工作单位', '所在单位', '所在企业', '就业单位', '用工单位'], hashed: false },
  { name: 'jurisdiction', kind: 'text', zh: '地区', en: 'jurisdiction', headers: ['辖区'] },
  { name: 'program', kind: 'text', zh: '补贴项目', en: 'programme', headers: ['项目', 'programme', '补贴类型', '补贴类别'] },
  { name: 'date', kind: 'date', zh: '日期', en: 'date', headers: ['发证日期', '结业日期', '取证日期', '获奖日期', '发证时间', '取证时间', '结业时间', '培训结束日期'] },
  { name: 'occupation', kind: 'text', zh: '职业', en: 'occupation', headers: ['工种', '培训工种', '职业(工种)', '培训职业', '职业名称', '工种名称', '职业(工种)名称', '鉴定工种', '鉴定职业'] },
  { name: 'level', kind: 'level', zh: '等级', en: 'level', headers: ['证书等级', '技能等级', '职业资格等级', '证书级别'], values: LEVELS },
  {
    name: 'certificate', kind: 'enum', zh: '证书类型', en: 'certificate kind', headers: ['证书种类'],
    values: [
      { code: 'qualification', zh: '职业资格', aliases: ['职业资格证书', '国家职业资格'] },
      { code: 'skill_level', zh: '技能等级', aliases: ['职业技能等级', '职业技能等级证书', '技能等级证书'] },
      { code: 'special_ability', zh: '专项能力', aliases: ['专项职业能力', '专项职业能力证书', '专项能力证书'] },
      { code: 'training', zh: '培训合格', aliases: ['培训合格证', '培训合格证书'] },
      { code: 'special_operation', zh: '特种作业', aliases: ['特种作业操作证', '特种作业操作证书'] },
      { code: 'special_equipment', zh: '特种设备', aliases: ['特种设备作业人员证', '特种设备作业人员证书'] },
    ],
  },
  {
    name: 'renewal', kind: 'enum', zh: '新证/复审', en: 'new or renewal', headers: ['新证复审'],
    values: [
      { code: 'new', zh: '新证', aliases: ['新证培训'] },
      { code: 'review', zh: '复审', aliases: ['复审培训', 'renewal'] },
    ],
  },
  {
    name: 'groups', kind: 'set', zh: '人员类别', en: 'groups', headers: ['人员类型', '人员身份'],
    values: [
      { code: 'enterprise_employee', zh: '企业职工', aliases: ['职工', '在职职工', '企业在职职工', '在岗职工'] },
      { code: 'rural_migrant', zh: '农村转移就业劳动者', aliases: ['农民工'] },
      { code: 'two_after', zh: '两后生' },
      { code: 'rural', zh: '农村学员', aliases: ['农村'] },
      { code: 'urban_min_living', zh: '城市低保家庭', aliases: ['城市低保', '城市低保家庭学员', '城市低保户'] },
      { code: 'unemployed', zh: '失业人员', aliases: ['城镇登记失业人员', '登记失业人员', '失业'] },
      { code: 'laid_off', zh: '下岗', aliases: ['下岗失业人员'] },
      { code: 'veteran', zh: '退役军人', aliases: ['退役士兵'] },
      { code: 'veteran_this_year', zh: '当年退役', aliases: ['当年退役军人'] },
      { code: 'employment_difficulty', zh: '就业困难人员', aliases: ['就业困难'] },
      { code: 'disabled', zh: '残疾人', aliases: ['残疾', '残疾人员'] },
      { code: 'severely_disabled', zh: '重度残疾', aliases: ['重度残疾人'] },
      { code: 'relative_of_poor_or_disabled', zh: '贫困/重残直系亲属', aliases: ['直系亲属'] },
      { code: 'graduate', zh: '高校毕业生', aliases: ['应届高校毕业生', '高校应届毕业生'] },
      { code: 'student', zh: '在校学生', aliases: ['在校大学生', '学生'] },
      { code: 'poverty', zh: '贫困劳动力', aliases: ['建档立卡', '建档立卡贫困人口', '贫困人口', '贫困家庭子女', '建档立卡贫困户', '贫困户', '建档立卡贫困劳动力'] },
      { code: 'low_income_household', zh: '低收入农户', aliases: ['建档立卡低收入农户', '低收入农户家庭劳动力'] },
      { code: 'zero_employment_family', zh: '零就业家庭', aliases: ['零就业家庭成员', '零就业家庭人员', '零就业'] },
      { code: 'farmer', zh: '职业农民', aliases: ['农民'] },
      { code: 'insured', zh: '参保职工', aliases: ['失业保险参保职工'] },
      { code: 'pensioner', zh: '按月领取养老金', aliases: ['退休', '领取养老金'] },
    ],
  },
  {
    name: 'residency', kind: 'enum', zh: '户籍/居住', en: 'residency', headers: ['户籍居住', '户籍'],
    values: [
      { code: 'hukou', zh: '本地户籍' },
      { code: 'permit', zh: '居住证', aliases: ['本地居住证'] },
      { code: 'employed', zh: '本地就业创业', aliases: ['本地就业'] },
      { code: 'unemployment_registered', zh: '本地失业登记', aliases: ['失业登记'] },
      { code: 'none', zh: '无', aliases: ['外地'] },
    ],
  },
  {
    name: 'employer_flags', kind: 'set', zh: '企业情况', en: 'employer flags',
    values: [
      { code: 'district_registered', zh: '本区注册', aliases: ['本地注册'] },
      { code: 'trade_friction', zh: '受经贸摩擦影响' },
      { code: 'difficult', zh: '困难企业' },
      { code: 'industrial_transfer', zh: '承接产业转移', aliases: ['承接产业转移企业'] },
      { code: 'poverty_county_park', zh: '贫困县园区', aliases: ['贫困县园区企业'] },
      { code: 'self_evaluating', zh: '自主评价备案', aliases: ['自主评价'] },
      { code: 'high_risk', zh: '高危行业' },
      { code: 'insured_employer', zh: '参保企业' },
    ],
  },
  { name: 'shortage', kind: 'bool', zh: '紧缺职业', en: 'shortage occupation', headers: ['紧缺工种'] },
  {
    name: 'paid_by', kind: 'enum', zh: '出资方', en: 'paid by',
    values: [
      { code: 'individual', zh: '个人' },
      { code: 'enterprise', zh: '企业' },
      { code: 'provider', zh: '培训机构' },
    ],
  },
  {
    name: 'training_type', kind: 'enum', zh: '培训类型', en: 'training type', headers: ['培训形式'],
    values: [
      { code: 'pre_job', zh: '岗前培训', aliases: ['新录用人员岗前培训'] },
      { code: 'in_post', zh: '在岗培训', aliases: ['岗位技能提升培训'] },
      { code: 'transfer', zh: '转岗转业培训', aliases: ['转岗培训'] },
      { code: 'safety', zh: '安全技能培训', aliases: ['安全培训'] },
      { code: 'employment_skills', zh: '就业技能培训' },
      { code: 'entrepreneurship', zh: '创业培训' },
      { code: 'work_based', zh: '以工代训' },
    ],
  },
  { name: 'training_days', kind: 'int', zh: '培训天数', en: 'training days' },
  { name: 'class_hours', kind: 'int', zh: '课时', en: 'class hours', headers: ['培训课时', '学时', '培训学时'] },
  { name: 'months', kind: 'int', zh: '月数', en: 'months' },
  { name: 'years', kind: 'int', zh: '年数', en: 'years' },
  { name: 'count', kind: 'int', zh: '数量', en: 'count', headers: ['人数', '项目数'] },
  { name: 'placement_rate', kind: 'int', zh: '培训就业率(%)', en: 'placement rate (%)', headers: ['就业率'] },
  { name: 'annual_trainings', kind: 'int', zh: '年培训人次', en: 'trainings per year' },
  { name: 'cost', kind: 'money', zh: '申请金额', en: 'claimed cost', headers: ['费用', '实际费用', '培训费用', '培训费', '申领金额', '申报金额'] },
  { name: 'standard', kind: 'money', zh: '补贴标准', en: 'catalogue standard', headers: ['参照标准', '奖励额度'] },
  { name: 'other_funding', kind: 'money', zh: '已获其他补助', en: 'other funding received', headers: ['市级补助'] },
  { name: 'contract_months', kind: 'int', zh: '劳动合同期限(月)', en: 'contract months', headers: ['劳动合同期限'] },
  { name: 'employer_months', kind: 'int', zh: '同一单位聘用(月)', en: 'months with the same employer', headers: ['同一单位聘用'] },
  { name: 'insurance_months', kind: 'int', zh: '社保缴费(月)', en: 'social-insurance months', headers: ['社保缴费', '社保缴费月数'] },
  { name: 'class_registered', kind: 'bool', zh: '开班备案', en: 'class registered' },
  { name: 'issued_locally', kind: 'bool', zh: '本地获证', en: 'certificate issued locally' },
  { name: 'prior_free_training', kind: 'bool', zh: '已享受免费培训', en: 'already had free training' },
  { name: 'prior_ui_subsidy', kind: 'bool', zh: '已享受失业保险技能提升补贴', en: 'already had the UI skill-upgrade subsidy' },
  {
    name: 'study_location', kind: 'enum', zh: '研修地点', en: 'study location',
    values: [
      { code: 'in_province', zh: '省内' },
      { code: 'out_of_province', zh: '省外' },
      { code: 'overseas', zh: '国(境)外', aliases: ['国外', '境外', '国境外'] },
    ],
  },
  {
    name: 'title', kind: 'set', zh: '荣誉称号', en: 'titles',
    values: [
      { code: 'grand_craftsman', zh: '衢州大工匠' },
      { code: 'outstanding_craftsman', zh: '衢州杰出工匠' },
      { code: 'craftsman', zh: '衢州工匠' },
      { code: 'young_craftsman', zh: '衢州青年工匠' },
    ],
  },
  {
    name: 'competition', kind: 'enum', zh: '竞赛', en: 'competition',
    values: [
      { code: 'worldskills', zh: '世界技能大赛' },
      { code: 'national', zh: '全国技能大赛', aliases: ['中华人民共和国职业技能大赛', '全国职业技能大赛'] },
      { code: 'zhejiang', zh: '浙江技能大赛' },
    ],
  },
  {
    name: 'medal', kind: 'enum', zh: '奖项', en: 'medal',
    values: [
      { code: 'gold', zh: '金牌' },
      { code: 'silver', zh: '银牌' },
      { code: 'bronze', zh: '铜牌' },
      { code: 'excellence', zh: '优胜奖' },
    ],
  },
  {
    name: 'recognition', kind: 'enum', zh: '认定级别', en: 'recognition level',
    values: [
      { code: 'city', zh: '市级' },
      { code: 'provincial', zh: '省级' },
      { code: 'national', zh: '国家级' },
    ],
  },
  // Plan-only columns (estimate): how many cases a plan line stands for, and what it is.
  { name: 'planned', kind: 'int', zh: '计划人次', en: 'planned cases', headers: ['计划数', '计划人数'], tenThousands: true },
  { name: 'label', kind: 'text', zh: '说明', en: 'label', headers: ['部门', '任务'] },
  { name: 'count_l3', kind: 'int', zh: '高级工人数', en: 'L3 trained' },
  { name: 'count_l2', kind: 'int', zh: '技师人数', en: 'L2 trained' },
  { name: 'count_l1', kind: 'int', zh: '高级技师人数', en: 'L1 trained' },
];

export const FIELD_BY_NAME: ReadonlyMap<string, FieldDef> = new Map(FIELDS.map((f) => [f.name, f]));

/**
 * Facts derived from others, usable in rate tables but never read from a roster:
 * `grade` is the level, or the certificate kind when the certificate has no level;
 * `year` is the calendar year of `date`.
 */
export const DERIVED_FIELDS = ['grade', 'year'] as const;

export function isKnownField(name: string): boolean {
  return FIELD_BY_NAME.has(name) || (DERIVED_FIELDS as readonly string[]).includes(name);
}

/** Normalise a header or a value for matching: NFKC (full-width → ASCII), trimmed, lower case, no inner spaces. */
export function normaliseToken(text: string): string {
  return text.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, '');
}

/** Header text → canonical field name, built from names, Chinese labels and aliases. */
export const HEADER_ALIASES: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  for (const f of FIELDS) {
    for (const h of [f.name, f.zh, ...(f.headers ?? [])]) m.set(normaliseToken(h), f.name);
  }
  return m;
})();

/** Notes any column may carry in its header: whether it must be filled in. */
const FILL_NOTES = new Set(['必填', '选填', '可选', '非必填', '可不填', '必填项', '选填项']);

/** The units whole-number fields are counted in, as a header may name them ("培训天数（天）"). */
const COUNT_UNITS: Readonly<Record<string, readonly string[]>> = {
  training_days: ['天', '日'],
  class_hours: ['课时', '学时'],
  months: ['月', '个月'],
  contract_months: ['月', '个月'],
  employer_months: ['月', '个月'],
  insurance_months: ['月', '个月'],
  years: ['年'],
  count: ['人', '人次', '个', '项'],
  planned: ['人', '人次'],
  annual_trainings: ['人次'],
  count_l3: ['人'],
  count_l2: ['人'],
  count_l1: ['人'],
};

/**
 * Notes a header may add to a field without changing how its cells are read: the unit it is read in (a cost in
 * 元, days in 天), a date format, a list separator. A unit that would change the reading (万元, 小时 for 课时) is
 * no such note, and the column is then not read (see headerNote).
 */
function noteFits(field: FieldDef, note: string): boolean {
  if (FILL_NOTES.has(note)) return true;
  switch (field.kind) {
    case 'money':
      return ['元', '人民币元', '单位:元', '单位元', 'yuan', 'rmb', 'cny'].includes(note);
    case 'date':
      return /^[年月日ymd\-/.]+$/.test(note) || /^(如|例|例如|格式)/.test(note);
    case 'set':
      return ['多选', '可多选'].includes(note) || /^多个(用|以).{1,3}(分隔|隔开)$/.test(note);
    case 'int':
      return COUNT_UNITS[field.name]?.includes(note) ?? false;
    default:
      return false;
  }
}

/** A header as its parts: without a required-field mark (*, ※) and without a last bracketed note, and that note. */
function headerParts(header: string): { base: string; note?: string } {
  const h = normaliseToken(header).replace(/^[*※]+|[*※]+$/g, '');
  const m = /^(.+?)[(\[【]([^()[\]【】]*)[)\]】][*※]*$/.exec(h);
  return m ? { base: m[1]!, note: m[2]! } : { base: h };
}

/**
 * The field a header names: one of its spellings (HEADER_ALIASES), or one with a required-field mark ("*姓名") or
 * a note that does not change how its cells are read ("费用(元)", "身份证号码（必填）", "结业日期(年-月-日)").
 */
export function headerField(header: string): string | undefined {
  const exact = HEADER_ALIASES.get(normaliseToken(header));
  if (exact) return exact;
  const { base, note } = headerParts(header);
  const field = HEADER_ALIASES.get(base);
  if (!field || note === undefined) return field;
  return noteFits(FIELD_BY_NAME.get(field)!, note) ? field : undefined;
}

/** For a header not read because of its note ("费用(万元)"): the field it would be, and the note. */
export function headerNote(header: string): { field: string; note: string } | undefined {
  if (headerField(header)) return undefined;
  const { base, note } = headerParts(header);
  const field = HEADER_ALIASES.get(base);
  return field && note !== undefined ? { field, note } : undefined;
}

/**
 * The field a header nobody reads was probably meant to be ("personid", "groupss", "身份证号吗"): the one alias
 * within one edit (two for headers of eight characters or more), when a single field is that close; else undefined.
 */
export function suggestField(header: string): string | undefined {
  const h = normaliseToken(header);
  if (h.length < 2) return undefined;
  const room = h.length >= 8 ? 2 : 1;
  let best = room + 1;
  let field: string | undefined;
  for (const [alias, name] of HEADER_ALIASES) {
    if (Math.abs(alias.length - h.length) > room) continue;
    const d = editDistance(h, alias, room);
    if (d < best) [best, field] = [d, name];
    else if (d === best && name !== field) field = undefined; // two fields as close: no guess
  }
  return best <= room ? field : undefined;
}

/** Edits (insert, delete, replace, swap of neighbours) from a to b; any number above `most` is reported as most + 1. */
export function editDistance(a: string, b: string, most: number): number {
  let before = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let low = i;
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row.push(d);
      low = Math.min(low, d);
    }
    if (low > most) return most + 1;
    [before, prev] = [prev, row];
  }
  return Math.min(prev[b.length]!, most + 1);
}

/** Per field: every accepted spelling (normalised) → code. Built once; matching a cell is one lookup. */
const VALUE_INDEX: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map(
  FIELDS.filter((f) => f.values).map((f) => {
    const m = new Map<string, string>();
    for (const v of f.values!) for (const spelling of [v.code, v.zh, ...(v.aliases ?? [])]) if (!m.has(normaliseToken(spelling))) m.set(normaliseToken(spelling), v.code);
    return [f.name, m];
  }),
);

/** Look up a value of an enum/set/level field by code, Chinese label or alias. */
export function matchValue(field: FieldDef, raw: string): string | undefined {
  const index = VALUE_INDEX.get(field.name);
  if (!index) return undefined;
  return index.get(raw) ?? index.get(normaliseToken(raw));
}

/** "L4" → "四级/中级工"; unknown codes come back unchanged. */
export function valueLabel(fieldName: string, code: string): string {
  const v = FIELD_BY_NAME.get(fieldName)?.values?.find((x) => x.code === code);
  return v ? v.zh : code;
}
