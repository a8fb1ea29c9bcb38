// Rate tables: every shipped file validates, every clause ID is cited in data/, and a broken table names file, path and line.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA_DIR, checkTableFile, formatProblem, listTableFiles } from '../../src/tables/load.js';
import { CLAUSE_IDS, COPY, SHARED_CLAUSES, idsIn } from '../clauseIds.js';
import { existsSync } from 'node:fs';

const SRC = join(DATA_DIR, '..', 'src');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('shipped tables', () => {
  it('all seven jurisdictions are shipped and valid', () => {
    const codes = listTableFiles().map((f) => {
      const r = checkTableFile(f);
      expect(r.problems.map(formatProblem)).toEqual([]);
      return r.table!.code;
    });
    expect(codes.sort()).toEqual(['hengyang', 'quzhou', 'shanxi', 'shaoguan', 'suzhou', 'xihu', 'zhuji']);
  });

  it('every clause ID of policy-clauses.md is cited in data/', () => {
    const text = listTableFiles().map((f) => readFileSync(f, 'utf8')).join('\n');
    const cited = new Set(idsIn(text));
    expect(CLAUSE_IDS.length).toBe(59);
    expect(CLAUSE_IDS.filter((id) => !cited.has(id))).toEqual([]);
  });

  it('the committed copy of the clause IDs matches shared/policy-clauses.md when it is there', () => {
    if (!existsSync(SHARED_CLAUSES)) return;
    expect(readFileSync(COPY, 'utf8').split('\n').filter(Boolean)).toEqual(CLAUSE_IDS);
  });

  it('Quzhou is marked as a draft', () => {
    const q = checkTableFile(join(DATA_DIR, 'quzhou.yaml')).table!;
    expect(q.document.status).toBe('draft');
  });

  it('no policy amount is written in src/ (rates live in data/)', () => {
    const amounts = /\b(3500|4500|6000|1320|990|550|1200|20000|50000|100000|1500|2000|5000)\b/;
    // src/bench makes up synthetic rosters (costs, standards): inputs, not rates.
    const hits = walk(SRC).filter((f) => !f.includes(`${join('src', 'bench')}`)).flatMap((f) =>
      readFileSync(f, 'utf8').split('\n').map((line, i) => ({ f, i, line })).filter(({ line }) => amounts.test(line) && !line.trim().startsWith('//') && !line.trim().startsWith('*')),
    );
    expect(hits.map((h) => `${h.f}:${h.i + 1}: ${h.line.trim()}`)).toEqual([]);
  });
});

describe('validation of user tables', () => {
  const dir = mkdtempSync(join(tmpdir(), 'subsidy-tables-'));
  const zhuji = readFileSync(join(DATA_DIR, 'zhuji.yaml'), 'utf8');

  it('a typo in a field name is reported with the path and line', () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, zhuji.replace('unit: training_days', 'unit: trainng_days'));
    const r = checkTableFile(file);
    expect(r.table).toBeUndefined();
    const p = r.problems.find((x) => x.path.endsWith('amount.unit'))!;
    expect(p.path).toBe('programs[5].amount.unit');
    expect(p.line).toBe(zhuji.split('\n').findIndex((l) => l.includes('unit: training_days')) + 1);
    expect(formatProblem(p)).toBe(`${file}:${p.line}: programs[5].amount.unit: unknown field (training_days?) (see the roster columns in README)`);
  });

  it('a rate left out says what a rate is, not only "Invalid input"', () => {
    const file = join(dir, 'norate.yaml');
    writeFileSync(file, zhuji.replace('rate: 3500', 'cap: 3500'));
    const messages = checkTableFile(file).problems.map(formatProblem).join('\n');
    expect(messages).toContain('programs[0].amount.rate: required: an amount in yuan, or a lookup (by: a field, values: { key: yuan })');
  });

  it('amounts with more than two decimals are reported with their path', () => {
    const file = join(dir, 'decimals.yaml');
    writeFileSync(file, zhuji.replace('rate: 3500', 'rate: 3500.005'));
    const messages = checkTableFile(file).problems.map(formatProblem).join('\n');
    expect(messages).toContain('programs[0].amount.rate: yuan amounts have at most two decimals');
  });

  it('once the structure is valid, every cross-reference problem is reported together', () => {
    // Structural problems come first (zod runs the cross-checks only on a well-formed table).
    const file = join(dir, 'refs.yaml');
    writeFileSync(file, zhuji.replace('values: { new: 500, review: 100 }', 'values: { new: 500, renew: 100 }').replace('companions: [living_allowance]', 'companions: [living_alowance]'));
    const messages = checkTableFile(file).problems.map(formatProblem).join('\n');
    expect(messages).toContain('"renew" is not a value of renewal');
    expect(messages).toContain('programs[0].companions[0]: unknown programme "living_alowance"');
  });

  it('two programmes of a table may not share a Chinese name: a roster naming it would not say which', () => {
    const file = join(dir, 'names.yaml');
    writeFileSync(file, zhuji.replace('zh: 返乡创业培训补贴,', 'zh: 项目制(职业资格外)培训补贴,'));
    const messages = checkTableFile(file).problems.map(formatProblem).join('\n');
    expect(messages).toContain('programs[3].name.zh: Chinese name "项目制(职业资格外)培训补贴" is also programme "project_training"\'s');
  });

  it('broken YAML is reported with its line', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'code: x\nname: { zh: 甲, en: [ }\n');
    const r = checkTableFile(file);
    expect(r.problems[0]!.line).toBe(2);
  });
});
