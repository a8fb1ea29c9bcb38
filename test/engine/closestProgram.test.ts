// Which programmes a misnamed programme cell is closest to: a hint for the clerk, never read as the programme.
import { describe, expect, it } from 'vitest';
import { closestPrograms } from '../../src/engine/closestProgram.js';
import { TABLES, brief, run } from '../helpers.js';

const zhuji = TABLES.get('zhuji')!;
const closest = (cell: string, table = zhuji): string[] => closestPrograms(table, cell).map((p) => p.id);

describe('closestPrograms', () => {
  it('ZJ-06/ZJ-11/ZJ-01: an office\'s short name points at the programme whose name holds it', () => {
    expect(closest('生活费补贴')).toEqual(['living_allowance']); // 培训期间生活费补贴 (ZJ-06)
    expect(closest('技能提升补贴')).toEqual(['skill_upgrade']); // 失业保险提升技能补贴
    expect(closest('鉴定补贴')).toEqual(['cert_training']); // …培训补贴和一次性鉴定补贴 (ZJ-01)
  });

  it('ZJ-01/ZJ-02: a name two programmes hold alike names both, the better first; one too general names none', () => {
    expect(closest('职业资格培训补贴')).toEqual(['cert_training', 'project_training']);
    expect(closest('学徒补贴')).toEqual(['apprentice_student', 'apprentice_employee']);
    expect(closest('培训补贴')).toEqual([]); // in half the names
    expect(closest('补贴')).toEqual([]);
    expect(closest('粤菜师傅')).toEqual([]); // Shaoguan's programme: nothing in Zhuji's names
  });

  it('an id with a typo points at the id (one edit, two from eight characters); another word at none', () => {
    expect(closest('cert_trainig')).toEqual(['cert_training']);
    expect(closest('Living_Alowance')).toEqual(['living_allowance']);
    expect(closest('free_training_typo', TABLES.get('hengyang')!)).toEqual([]);
    expect(closest('x')).toEqual([]);
  });

  it('ZJ-06: the hint is in the reject\'s reason; the row is not read as the programme it is close to', () => {
    const r = run('zhuji', [{ program: '生活费补贴', date: '2020-06-01', training_days: '10', groups: 'two_after' }]);
    expect(brief(r)).toEqual([]);
    expect(r.rejects.map((x) => [x.column, x.code])).toEqual([['program', 'unknown_program']]);
    expect(r.rejects[0]!.reason.en).toMatch(/^zhuji has no such programme; closest: living_allowance「培训期间生活费补贴」; known: cert_training, /);
    expect(r.rejects[0]!.reason.zh).toMatch(/^zhuji 没有此补贴项目; 最接近: living_allowance「培训期间生活费补贴」; 可选: /);
  });
});
