// Deterministic synthetic rosters for the bench and scale tests: all seven jurisdictions, ~5% bad rows, repeat persons.

/** mulberry32: a tiny seeded PRNG, so the same seed always gives the same roster. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const COLUMNS = [
  'person_id', 'name', 'jurisdiction', 'program', 'date', 'occupation', 'level', 'certificate', 'renewal', 'groups',
  'employer_flags', 'training_type', 'training_days', 'class_hours', 'months', 'years', 'cost', 'standard',
  'class_registered', 'shortage', 'insurance_months', 'contract_months', 'prior_free_training', 'issued_locally', 'paid_by', 'title',
] as const;

type Row = Partial<Record<(typeof COLUMNS)[number], string>>;
type Gen = (r: () => number, pick: <T>(xs: readonly T[]) => T) => Row;

const OCCUPATIONS = ['电工', '焊工', '车工', '钳工', '保育员', '育婴员', '家政服务员', '养老护理员', '中式烹调师', '茶艺师', '电子商务师', '汽车维修工'];
const LEVELS = ['L5', 'L4', 'L3'];

/** Programme templates per jurisdiction: realistic facts for the amounts and conditions each needs. */
const TEMPLATES: Record<string, { year: number; gens: Gen[] }> = {
  zhuji: {
    year: 2020,
    gens: [
      (r, p) => ({ program: 'cert_training', level: p(LEVELS), cost: r() < 0.5 ? String(2000 + Math.floor(r() * 2000)) : '', groups: r() < 0.2 ? 'two_after;rural' : '', training_days: String(5 + Math.floor(r() * 20)) }),
      (r, p) => ({ program: 'skill_upgrade', level: p(LEVELS), prior_free_training: r() < 0.9 ? 'no' : 'yes' }),
      (r, p) => ({ program: 'safety_training', certificate: 'special_operation', renewal: p(['new', 'review']), cost: String(80 + Math.floor(r() * 600)) }),
      (_r, p) => ({ program: 'living_allowance', groups: p(['employment_difficulty', 'poverty', 'zero_employment_family']), training_days: '12' }),
    ],
  },
  xihu: {
    year: 2021,
    gens: [
      (r, p) => ({ program: 'apprentice_employee', certificate: p(['training', 'qualification']), contract_months: String(6 + Math.floor(r() * 24)), standard: '4000' }),
      (_r, p) => ({ program: 'high_skill_provider', level: p(['L3', 'L2', 'L4']), employer_flags: 'district_registered' }),
    ],
  },
  shanxi: {
    year: 2020,
    gens: [
      (_r, p) => ({ program: 'certificate_subsidy', level: p(['L5', 'L4', 'L3', 'L2']) }),
      (r, p) => ({ program: 'employment_skills', groups: p(['rural_migrant', 'poverty;laid_off', 'student']), training_days: String(10 + Math.floor(r() * 10)) }),
    ],
  },
  shaoguan: { year: 2020, gens: [(r, p) => ({ program: p(['cantonese_chef', 'home_service', 'rural_ecommerce']), standard: r() < 0.3 ? '1500' : '' })] },
  suzhou: {
    year: 2020,
    gens: [
      (r, p) => ({ program: 'skill_upgrade_individual', groups: 'insured', level: p(['L5', 'L4', 'L3', 'L2', 'L1']), shortage: r() < 0.3 ? 'yes' : 'no' }),
      (r) => ({ program: 'work_based_training', groups: 'employment_difficulty', employer_flags: 'insured_employer', months: String(1 + Math.floor(r() * 9)) }),
      (r) => ({ program: 'special_operation_cert', certificate: 'special_operation', issued_locally: r() < 0.9 ? 'yes' : 'no', cost: String(500 + Math.floor(r() * 500)) }),
    ],
  },
  hengyang: {
    year: 2020,
    gens: [
      (r) => ({ program: 'safety_training', certificate: 'special_operation', class_hours: String(20 + Math.floor(r() * 80)), class_registered: r() < 0.95 ? 'yes' : 'no' }),
      (_r, p) => ({ program: 'free_training', groups: p(['two_after;rural', 'poverty', 'unemployed']), class_registered: 'yes', standard: '1200', training_days: '10' }),
    ],
  },
  quzhou: { year: 2022, gens: [(_r, p) => ({ program: 'craftsman_title', title: p(['衢州青年工匠', '衢州工匠', '衢州青年工匠;衢州工匠']) })] },
};
const CODES = Object.keys(TEMPLATES);

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** Distinct birth date × sequence combinations: n below this gets an ID of its own. */
const ID_SPACE = 40 * 12 * 28 * 1000;
/**
 * A valid resident ID for person n, different for every n < ID_SPACE. (Each digit group used to be taken
 * from n on its own, which repeats every 21,000 persons: a 1M-row roster had ~48 rows per ID, not ~3.)
 */
function residentId(n: number): string {
  const seq = n % 1000;
  const day = Math.floor(n / 1000) % 28;
  const month = Math.floor(n / 28_000) % 12;
  const year = Math.floor(n / 336_000) % 40;
  const body = `330681${1960 + year}${String(1 + month).padStart(2, '0')}${String(1 + day).padStart(2, '0')}${String(seq).padStart(3, '0')}`;
  const sum = [...body].reduce((s, d, i) => s + W[i]! * Number(d), 0);
  return body + '10X98765432'[sum % 11]!;
}

const csvCell = (v: string): string => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** `rows` data rows (plus a header) as CSV text chunks; persons repeat (about 3 rows each) so limits fire. */
export function* syntheticRoster(rows: number, seed = 42): Generator<string> {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const persons = Math.max(1, Math.floor(rows / 3));
  yield `${COLUMNS.join(',')}\n`;
  let chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    const person = Math.floor(r() * persons);
    const code = CODES[person % CODES.length]!;
    const t = TEMPLATES[code]!;
    // 7919 is prime, so coprime with ID_SPACE: a bijection that scatters the IDs and keeps persons distinct.
    const row: Row = { person_id: residentId((person * 7919 + 13) % ID_SPACE), name: `学员${person}`, jurisdiction: code, occupation: pick(OCCUPATIONS), ...pick(t.gens)(r, pick) };
    const month = 1 + Math.floor(r() * 12);
    row.date = `${t.year}-${String(month).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
    if (r() < 0.05) {
      // ~5% bad rows, each kind of reject a clerk meets.
      const kind = Math.floor(r() * 4);
      if (kind === 0) row.person_id = `${row.person_id!.slice(0, 17)}${row.person_id!.endsWith('0') ? '1' : '0'}`;
      else if (kind === 1) row.date = `${t.year}-13-40`;
      else if (kind === 2) row.program = 'free_lunch';
      else row.level = 'L9';
      if (kind === 0 && residentIdValid(row.person_id!)) row.date = 'not a date';
    }
    chunk.push(COLUMNS.map((c) => csvCell(row[c] ?? '')).join(','));
    if (chunk.length === 5000) {
      yield `${chunk.join('\n')}\n`;
      chunk = [];
    }
  }
  if (chunk.length) yield `${chunk.join('\n')}\n`;
}

function residentIdValid(id: string): boolean {
  const sum = [...id.slice(0, 17)].reduce((s, d, i) => s + W[i]! * Number(d), 0);
  return '10X98765432'[sum % 11] === id[17];
}
