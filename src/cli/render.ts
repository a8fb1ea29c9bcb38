// Rendering evaluated lines for a person: one block per programme line, coloured by status, with the total.
import type { ChalkInstance } from 'chalk';
import type { Lang } from '../io/csvOut.js';
import type { BatchResult } from '../engine/batch.js';
import type { Line } from '../engine/types.js';
import { STATUS_ZH, paintStatus, yuanGrouped } from './format.js';

export function renderLines(lines: Line[], lang: Lang, c: ChalkInstance): string {
  const zh = lang === 'zh';
  const out: string[] = [];
  for (const l of lines) {
    const status = paintStatus(c, l.status, zh ? STATUS_ZH[l.status] : l.status);
    const money = l.status === 'approved' ? `${yuanGrouped(l.amountFen)} ${zh ? '元' : 'yuan'}` : l.status === 'review' && l.exposureFen !== null ? `${zh ? '最高' : 'up to'} ${yuanGrouped(l.exposureFen)}` : '';
    out.push(`${status}  ${c.bold(l.programName[lang])} (${l.program}${l.companionOf ? `, ${zh ? '随' : 'with'} ${l.companionOf}` : ''})  ${money}${money && paidTo(l, zh)}`);
    if (l.formula[lang]) out.push(`    ${l.formula[lang]}`);
    out.push(`    ${l.reason[lang]}${l.reasonCode !== 'ok' ? c.dim(` [${l.reasonCode}]`) : ''}`);
    if (l.hint) out.push(`    ${c.cyan(`→ ${l.hint.zh} / ${l.hint.en}`)}`);
    out.push(c.dim(`    ${l.citation}`));
  }
  const total = lines.filter((l) => l.status === 'approved').reduce((a, l) => a + l.amountFen, 0);
  const exposure = lines.filter((l) => l.status === 'review').reduce((a, l) => a + (l.exposureFen ?? 0), 0);
  // The part of the total the person does not receive (paidTo): said with the total, not only line by line.
  const others = lines.filter((l) => l.status === 'approved' && PAYEES[l.payee]).reduce((a, l) => a + l.amountFen, 0);
  const toOthers = others ? (zh ? `, 其中 ${yuanGrouped(others)} 元支付给培训机构、用人单位或本单位` : `, of which ${yuanGrouped(others)} paid to a provider, an employer or the unit`) : '';
  out.push('', c.bold(`${zh ? '合计' : 'total'}: ${yuanGrouped(total)} ${zh ? '元' : 'yuan'}${toOthers}`) + (exposure ? `  (${zh ? '另待审最高' : 'plus up to'} ${yuanGrouped(exposure)} ${zh ? '元待审' : 'yuan under review'})` : ''));
  if (lines.some((l) => l.documentStatus === 'draft')) out.push(c.yellow(zh ? '注意: 依据为征求意见稿, 金额未定稿' : 'note: based on a draft for comment; amounts are not final'));
  return out.join('\n');
}

/** Whom money not paid to the person goes to (the text's payee), so no one at the counter promises it to them. */
const PAYEES: Record<string, { zh: string; en: string }> = {
  provider: { zh: '培训机构', en: 'the training provider' },
  enterprise: { zh: '用人单位', en: 'the employer' },
  unit: { zh: '本单位', en: 'the unit' },
};

function paidTo(l: Line, zh: boolean): string {
  const who = PAYEES[l.payee];
  if (!who) return '';
  const name = l.payeeName ? (zh ? `(${l.payeeName})` : ` (${l.payeeName})`) : '';
  return zh ? `, 支付给${who.zh}${name}` : `, paid to ${who.en}${name}`;
}

/** The JSON form of a result, for other programs (`check --json`). Money in yuan strings and in fen. */
export function resultJson(r: BatchResult): object {
  return {
    lines: r.lines.map((l) => ({
      jurisdiction: l.jurisdiction,
      documentStatus: l.documentStatus,
      program: l.program,
      programName: l.programName,
      payee: l.payee,
      payeeName: l.payeeName || null,
      status: l.status,
      reasonCode: l.reasonCode,
      reason: l.reason,
      amount: (l.amountFen / 100).toFixed(2),
      amountFen: l.amountFen,
      maxExposure: l.exposureFen === null ? null : (l.exposureFen / 100).toFixed(2),
      basis: l.basis,
      formula: l.formula,
      citation: l.citation,
      hint: l.hint ?? null,
      companionOf: l.companionOf || null,
    })),
    totalApproved: (r.lines.filter((l) => l.status === 'approved').reduce((a, l) => a + l.amountFen, 0) / 100).toFixed(2),
    rejects: r.rejects,
  };
}
