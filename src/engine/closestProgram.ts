// For a programme cell that names none of a table's programmes: the programmes it most likely meant, as a hint only.
import type { Program, Table } from '../tables/schema.js';
import { editDistance, normaliseToken } from './fields.js';

/** How much of a Chinese cell's character pairs a name must hold to be named (职业资格培训补贴 in 职业资格(…)培训补贴…: 6 of 7). */
const ENOUGH = 0.6;
/** At most this many programmes named; a cell close to more (培训补贴) is too general to point anywhere. */
const MOST = 3;

/**
 * The programmes a cell is closest to: for an id-like cell (ASCII), the ids within one edit (two from eight
 * characters; cert_trainig → cert_training); for Chinese, the names holding most of the cell's character pairs
 * (an office's short name, 生活费补贴 → 培训期间生活费补贴; 技能提升补贴 → 失业保险提升技能补贴), at most three. Never taken as the
 * programme: a roster's word is matched only by id or full name (findProgram), and a hint is for the clerk to check.
 */
export function closestPrograms(table: Table, cell: string): Program[] {
  const v = normaliseToken(cell);
  if (v.length < 2) return [];
  if (/^[\x20-\x7e]+$/.test(v)) {
    const room = v.length >= 8 ? 2 : 1;
    const scored = table.programs.map((p) => ({ p, d: editDistance(v, p.id, room) })).filter((s) => s.d <= room);
    const best = Math.min(...scored.map((s) => s.d));
    return scored.filter((s) => s.d === best).slice(0, MOST).map((s) => s.p);
  }
  const pairs = pairsOf(v);
  if (pairs.size < 2) return [];
  const scored = table.programs.map((p) => {
    const name = pairsOf(normaliseToken(p.name.zh));
    let held = 0;
    for (const pair of pairs) if (name.has(pair)) held++;
    return { p, score: held / pairs.size };
  });
  // Named with the best: every name within one pair of it (学徒补贴: 学生学徒补贴 holds all three pairs, 新型学徒制职工学徒补助 two).
  const best = Math.max(...scored.map((s) => s.score));
  const close = scored.filter((s) => s.score >= ENOUGH && s.score >= best - 1 / pairs.size - 1e-9).sort((a, b) => b.score - a.score);
  return close.length > MOST ? [] : close.map((s) => s.p);
}

/** The pairs of neighbouring characters of a text, punctuation and brackets left out (职业资格(技能…) → 职业, 业资, 资格, 技能 …). */
function pairsOf(text: string): Set<string> {
  const pairs = new Set<string>();
  for (const run of text.split(/[^\p{L}\p{N}]+/u)) {
    const chars = [...run];
    for (let i = 0; i + 1 < chars.length; i++) pairs.add(chars[i]! + chars[i + 1]!);
  }
  return pairs;
}
