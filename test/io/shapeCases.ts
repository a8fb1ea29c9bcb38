// Roster cells shared by the row-shape tests: kinds of claim whose rows repeat their other cells under many IDs, names and dates.

export const SHAPE_COLUMNS = ['person_id', 'name', 'jurisdiction', 'program', 'date', 'occupation', 'level', 'certificate', 'groups', 'training_days', 'cost', 'org_code'];

/** A ZJ certificate with a living allowance, one with a claimed cost, unit grants keyed by name or organisation code, a Shanxi line, a reject, a cost in full-width digits. */
export const SHAPE_KINDS: Record<string, string>[] = [
  { jurisdiction: 'zhuji', program: 'cert_training', occupation: '电工', level: 'L4', certificate: 'skill_level', groups: 'two_after;rural', training_days: '15' },
  { jurisdiction: 'zhuji', program: 'cert_training', occupation: '焊工', level: 'L3', certificate: 'qualification', cost: '2800' },
  { jurisdiction: '诸暨', program: 'training_package_grant' },
  { jurisdiction: 'zhuji', program: 'training_package_grant', org_code: '91330681MA2B000000' },
  { jurisdiction: 'shanxi', program: 'employment_skills', occupation: '育婴员', groups: 'student', training_days: '11' },
  { jurisdiction: 'suzhou', program: 'nope' },
  // Full-width digits: read as 2800, but a row hash must be made from the text (NFKC), not from these bytes.
  { jurisdiction: 'zhuji', program: 'cert_training', occupation: '电工', level: 'L5', certificate: 'skill_level', cost: '２８００' },
];

/**
 * Occupations for the kinds that name one: free text, so most rosters spell many. Plain ones (taken as slots), and
 * ones the text path changes or guards (spaces around, full-width letters, a tab, a formula sign, a comma, a quote,
 * only spaces); the blank string leaves the cell empty.
 */
export const PLAIN_OCCUPATIONS = ['电工', '焊工', '育婴员', '中式烹调师', 'Chef', '美容师·初级'];
export const AWKWARD_OCCUPATIONS = [' 电工 ', 'ＡＢ工', '电\t工', '-焊工', 'Chef, pastry', '"引号"工', '   ', ''];
