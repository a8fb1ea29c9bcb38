// The estimate report: one self-contained HTML page (Chart.js inlined, nothing loaded from the network).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ASSUMPTION_TEXT, type Assumptions, type EstimateRow, byPayee, totals } from '../engine/estimate.js';
import { formatYuanGrouped as yuan } from '../engine/money.js';
import type { Table } from '../tables/schema.js';
import type { Lang } from './csvOut.js';

export interface ReportInput {
  table: Table;
  planLabel: string;
  assumptions: Assumptions;
  baseline: EstimateRow[];
  scenario?: { name: string; rows: EstimateRow[] };
  /** The page's words (estimate --lang); codes, figures and citations are the same in both. */
  lang?: Lang;
  /** Where a limit across rows could bind persons of an expected roster, so that its figures are an upper bound: a heading, then a line per limit. */
  bounds?: string[];
}

/** The page's words in each language. */
const WORDS = {
  en: {
    title: 'budget exposure', plan: 'Plan', total: 'Total', low: 'low', central: 'central', high: 'high', unquantifiedCases: 'unquantified cases',
    baseline: 'baseline', difference: 'difference', byProgramme: 'Exposure by programme (low–high range, ● central)', byPayee: 'Exposure by payee',
    programmes: 'Programmes', programme: 'programme', payee: 'payee', cases: 'cases', unquantified: 'unquantified', citation: 'citation', assumptions: 'Assumptions',
    range: 'low–high', draft: '征求意见稿 — draft for comment: the amounts are not final.',
    casesAre: (takeUp: number, passRate: number, on: string) => `cases = planned × take-up ${takeUp} × pass rate ${passRate}; plan lines without a date are evaluated on ${on}`,
    lowShare: 'low share of a ceiling',
    noLimits: 'cross-record limits (per-year caps, no repeat) are not applied to planned counts: each planned case is one person-training',
    payees: {} as Record<string, string>,
  },
  zh: {
    title: '补贴预算敞口', plan: '测算依据', total: '合计', low: '低值', central: '中值', high: '高值', unquantifiedCases: '无法量化人次',
    baseline: '基线', difference: '差额', byProgramme: '各补贴项目敞口(低值–高值区间, ● 中值)', byPayee: '各支付对象敞口',
    programmes: '补贴项目', programme: '补贴项目', payee: '支付对象', cases: '人次', unquantified: '无法量化', citation: '政策依据', assumptions: '测算假设',
    range: '低值–高值', draft: '征求意见稿: 金额未定稿。',
    casesAre: (takeUp: number, passRate: number, on: string) => `人次 = 计划人次 × 申领率 ${takeUp} × 合格率 ${passRate}; 未写日期的测算行按 ${on} 计算`,
    lowShare: '限额的低值比例',
    noLimits: '跨记录限制(每年次数上限、不得重复)不适用于计划人次: 每个计划人次视为一人一次培训',
    payees: { individual: '个人', enterprise: '用人单位', provider: '培训机构', unit: '单位', '(unquantified)': '(无法量化)' } as Record<string, string>,
  },
};

function chartJs(): string {
  const require = createRequire(import.meta.url);
  return readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const cases = (x100: number): string => (x100 % 100 === 0 ? String(x100 / 100) : (x100 / 100).toFixed(2));
/** JSON safe inside <script>: no "</script>" can close the element early. */
const json = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');

export function renderReport(r: ReportInput): string {
  const lang = r.lang ?? 'en';
  const w = WORDS[lang];
  const payee = (code: string): string => w.payees[code] ?? code;
  const t = r.table;
  const base = totals(r.baseline);
  const scen = r.scenario ? totals(r.scenario.rows) : undefined;
  const quantified = r.baseline.filter((x) => x.program && x.high > 0);
  const label = (x: EstimateRow): string => `${x.programName.zh} (${x.program})`;
  const scenarioOf = (x: EstimateRow): EstimateRow | undefined => r.scenario?.rows.find((y) => y.program === x.program && y.label === x.label);
  const data = {
    programmes: quantified.map(label),
    baseline: quantified.map((x) => ({ range: [x.low / 100, x.high / 100], central: x.central / 100 })),
    scenario: r.scenario ? quantified.map((x) => { const s = scenarioOf(x); return s ? { range: [s.low / 100, s.high / 100], central: s.central / 100 } : null; }) : null,
    scenarioName: r.scenario?.name ?? null,
    payees: byPayee(r.baseline).filter((p) => p.high > 0).map((p) => ({ payee: payee(p.payee), low: p.low / 100, central: p.central / 100, high: p.high / 100 })),
    words: { baseline: w.baseline, range: w.range, central: w.central, low: w.low, high: w.high },
  };
  const rowsHtml = r.baseline
    .map((x) => {
      const s = scenarioOf(x);
      const unq = x.unquantifiedX100 ? `<td class="warn">${cases(x.unquantifiedX100)}</td>` : '<td></td>';
      const scenCells = r.scenario ? `<td>${s ? yuan(s.central) : ''}</td><td>${s ? yuan(s.high) : ''}</td><td>${s ? yuan(s.central - x.central) : ''}</td>` : '';
      return `<tr><td>${esc(x.program ? label(x) : x.label)}</td><td>${esc(payee(x.payee))}</td><td>${cases(x.casesX100)}</td><td>${yuan(x.low)}</td><td>${yuan(x.central)}</td><td>${yuan(x.high)}</td>${scenCells}${unq}<td class="cite">${esc(x.citation)}</td></tr>`;
    })
    .join('\n');
  const notes = [...new Set(r.baseline.flatMap((x) => x.notes.map((n) => n[lang])))];
  const draft = t.document.status === 'draft' ? `<p class="draft">${w.draft}</p>` : '';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${lang === 'zh' ? '补贴预算敞口' : 'Budget exposure'} ${esc(t.name.zh)} — ${esc(r.planLabel)}</title>
<style>
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222;max-width:1200px}
table{border-collapse:collapse;margin:12px 0;font-size:13px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
td:first-child,th:first-child,td.cite{text-align:left}.cite{color:#666;font-size:12px}.warn{color:#b35c00}
.draft{background:#fff3cd;padding:8px;border:1px solid #e0c36c}.chart{position:relative;height:${Math.max(260, 34 * quantified.length + 80)}px}
</style></head><body>
<h1>${esc(t.name.zh)} ${lang === 'zh' ? '' : `${esc(t.name.en)} `}— ${lang === 'zh' ? w.title : '补贴预算敞口 / budget exposure'}</h1>
<p>${esc(t.document.number ?? t.document.title)}, ${esc(t.document.valid_from ?? '…')} – ${esc(t.document.valid_to ?? '…')}. ${w.plan}: ${esc(r.planLabel)}.</p>
${draft}
<h2>${w.total}</h2>
<table><tr><th></th><th>${w.low}</th><th>${w.central}</th><th>${w.high}</th><th>${w.unquantifiedCases}</th></tr>
<tr><td>${w.baseline}</td><td>${yuan(base.low)}</td><td>${yuan(base.central)}</td><td>${yuan(base.high)}</td><td>${cases(base.unquantifiedX100)}</td></tr>
${scen ? `<tr><td>${esc(r.scenario!.name)}</td><td>${yuan(scen.low)}</td><td>${yuan(scen.central)}</td><td>${yuan(scen.high)}</td><td>${cases(scen.unquantifiedX100)}</td></tr>
<tr><td>${w.difference}</td><td>${yuan(scen.low - base.low)}</td><td>${yuan(scen.central - base.central)}</td><td>${yuan(scen.high - base.high)}</td><td></td></tr>` : ''}
</table>
<h2>${w.byProgramme}</h2>
<div class="chart"><canvas id="byProgramme"></canvas></div>
<h2>${w.byPayee}</h2>
<div class="chart" style="height:280px"><canvas id="byPayee"></canvas></div>
<h2>${w.programmes}</h2>
<table><tr><th>${w.programme}</th><th>${w.payee}</th><th>${w.cases}</th><th>${w.low}</th><th>${w.central}</th><th>${w.high}</th>${r.scenario ? `<th>${esc(r.scenario.name)} ${w.central}</th><th>${esc(r.scenario.name)} ${w.high}</th><th>Δ ${w.central}</th>` : ''}<th>${w.unquantified}</th><th>${w.citation}</th></tr>
${rowsHtml}
</table>
<h2>${w.assumptions}</h2>
<ul>
<li>${esc(w.casesAre(r.assumptions.takeUp, r.assumptions.passRate, r.assumptions.on))}</li>
<li>${esc(ASSUMPTION_TEXT.ceiling[lang])}; ${w.lowShare}: ${r.assumptions.lowShare}</li>
<li>${esc(ASSUMPTION_TEXT.floor[lang])}</li><li>${esc(ASSUMPTION_TEXT.fixed[lang])}</li><li>${esc(ASSUMPTION_TEXT.unquantified[lang])}</li>
<li>${w.noLimits}${r.bounds?.length ? `<br>${esc(r.bounds[0]!)}<ul>${r.bounds.slice(1).map((b) => `<li>${esc(b)}</li>`).join('')}</ul>` : ''}</li>
${notes.map((n) => `<li class="cite">${esc(n)}</li>`).join('\n')}
</ul>
<script>${chartJs()}</script>
<script>
const D = ${json(data)};
const fmt = (v) => v.toLocaleString('en', { maximumFractionDigits: 2 });
const common = { animation: false, responsive: true, maintainAspectRatio: false };
const sets = [
  { type: 'bar', label: D.words.baseline + ' ' + D.words.range, data: D.baseline.map((b) => b.range), backgroundColor: 'rgba(54,112,198,0.55)', minBarLength: 4 },
  { type: 'scatter', label: D.words.baseline + ' ' + D.words.central, data: D.baseline.map((b, i) => ({ x: b.central, y: D.programmes[i] })), backgroundColor: '#123d7a', pointRadius: 5 },
];
if (D.scenario) {
  sets.push({ type: 'bar', label: D.scenarioName + ' ' + D.words.range, data: D.scenario.map((s) => (s ? s.range : null)), backgroundColor: 'rgba(226,125,32,0.55)', minBarLength: 4 });
  sets.push({ type: 'scatter', label: D.scenarioName + ' ' + D.words.central, data: D.scenario.map((s, i) => (s ? { x: s.central, y: D.programmes[i] } : null)).filter(Boolean), backgroundColor: '#8a4300', pointRadius: 5 });
}
new Chart(document.getElementById('byProgramme'), {
  data: { labels: D.programmes, datasets: sets },
  options: { ...common, indexAxis: 'y', scales: { x: { title: { display: true, text: 'yuan 元' }, ticks: { callback: fmt } }, y: { type: 'category' } } },
});
new Chart(document.getElementById('byPayee'), {
  type: 'bar',
  data: { labels: D.payees.map((p) => p.payee), datasets: ['low', 'central', 'high'].map((k, i) => ({ label: D.words[k], data: D.payees.map((p) => p[k]), backgroundColor: ['#9ec1ea', '#3670c6', '#123d7a'][i] })) },
  options: { ...common, scales: { y: { ticks: { callback: fmt } } } },
});
// For automated checks: how many pixels each chart painted.
const painted = [...document.querySelectorAll('canvas')].map((c) => {
  const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
  return n;
});
document.body.dataset.chartsDrawn = String(painted.filter((n) => n > 500).length);
document.body.dataset.paintedPixels = painted.join(',');
</script>
</body></html>
`;
}
