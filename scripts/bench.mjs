#!/usr/bin/env node
// npm run bench -- [--rows N] [--workers N] [--repeat N]: time `subsidy calc` on a synthetic roster against two reference points.
// Not part of npm test: it measures, it asserts nothing.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticRoster } from '../dist/bench/synthetic.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = opt('--rows') ? [Number(opt('--rows'))] : [10_000, 100_000, 1_000_000];
const workers = opt('--workers'); // unset: calc's default (one thread per core, at most 4)
// Timings on a shared VM vary by up to a third between identical runs: --repeat N runs the three side by side
// N times and keeps each one's best time (and its highest peak RSS).
const repeat = Math.max(1, Number(opt('--repeat', 1)));
const TIME = ['/usr/bin/time', '/bin/time'].find(existsSync);

/**
 * Run a command, return wall seconds, peak RSS in MB and CPU seconds (user + system; from GNU time when present).
 * Each command starts from the same state, untimed: what it wrote last time removed (`output`: a file or folder),
 * so a run never pays for replacing the files of the one before (a calc over its own 400 MB of outputs took ~0.2 s
 * longer), and the disk caught up (`sync`), so none pays for writing out what the one before it wrote.
 */
function measure(cmd, cmdArgs, output) {
  rmSync(output, { recursive: true, force: true });
  spawnSync('sync');
  const started = process.hrtime.bigint();
  // SUBSIDY_TIMINGS: calc reports each pass's wall time (and the process's CPU seconds in it) on stderr, shown under its line.
  const how = { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, SUBSIDY_TIMINGS: '1' } };
  const r = TIME ? spawnSync(TIME, ['-f', '%M %U %S', cmd, ...cmdArgs], how) : spawnSync(cmd, cmdArgs, how);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed:\n${r.stderr}`);
  const [kb, user, system] = TIME ? r.stderr.trim().split('\n').pop().split(' ').map(Number) : [NaN, NaN, NaN];
  const passes = r.stderr.split('\n').filter((l) => /^(evaluating|limits|writing|other outputs) [\d.]+ s( cpu [\d.]+)?$/.test(l));
  return { seconds, rssMb: kb / 1024, cpu: user + system, stdout: r.stdout, passes };
}

function pandasPython() {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import pandas'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return undefined;
}

const py = pandasPython();
if (!py) console.log('pandas reference SKIPPED: no python3 with pandas (Debian: apt-get install python3-pandas)');
const work = mkdtempSync(join(tmpdir(), 'subsidy-bench-'));
const results = [];
for (const n of sizes) {
  const roster = join(work, `roster-${n}.csv`);
  const fd = openSync(roster, 'w');
  for (const chunk of syntheticRoster(n, 42)) writeSync(fd, chunk);
  closeSync(fd);
  const runs = Array.from({ length: repeat }, () => ({
    calc: measure(process.execPath, [join(root, 'bin', 'subsidy.js'), 'calc', roster, '-o', join(work, `out-${n}`), '--no-progress', ...(workers ? ['--workers', workers] : [])], join(work, `out-${n}`)),
    floor: measure(process.execPath, [join(root, 'scripts', 'csv-floor.mjs'), roster, join(work, `floor-${n}.csv`)], join(work, `floor-${n}.csv`)),
    pandas: py ? measure(py, [join(root, 'scripts', 'pandas_baseline.py'), roster, join(work, `pandas-${n}.csv`)], join(work, `pandas-${n}.csv`)) : undefined,
  }));
  const best = (key) => {
    const all = runs.map((r) => r[key]).filter(Boolean);
    if (!all.length) return undefined;
    const quickest = all.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    return { ...quickest, rssMb: Math.max(...all.map((m) => m.rssMb)) };
  };
  const calc = best('calc');
  const floor = best('floor');
  const pandas = best('pandas');
  const reconciliation = /rows read .*/.exec(calc.stdout)?.[0] ?? '';
  results.push({ n, calc, floor, pandas, reconciliation });
  const f = (x) => x.toFixed(2);
  // CPU seconds beside the wall time: calc uses every core it is given, the pandas script one.
  const cpu = (m) => (Number.isNaN(m.cpu) ? '' : `, CPU ${f(m.cpu)} s`);
  console.log(
    `rows ${n.toLocaleString('en')}${repeat > 1 ? ` (best of ${repeat})` : ''}: calc ${f(calc.seconds)} s (${Math.round(n / calc.seconds).toLocaleString('en')} rows/s, peak RSS ${Math.round(calc.rssMb)} MB${cpu(calc)})` +
      ` | CSV floor ${f(floor.seconds)} s (calc/floor ${f(calc.seconds / floor.seconds)}×)` +
      (pandas ? ` | pandas ${f(pandas.seconds)} s (calc/pandas ${f(calc.seconds / pandas.seconds)}×${cpu(pandas)})` : ' | pandas skipped') +
      `\n    ${reconciliation}` +
      (calc.passes.length ? `\n    passes: ${calc.passes.join(', ')}` : ''),
  );
}
const at = (n) => results.find((r) => r.n === n);
if (at(100_000) && at(1_000_000)) {
  const perRow = (r) => r.calc.seconds / r.n;
  console.log(`scaling 100k → 1M: time per row ×${(perRow(at(1_000_000)) / perRow(at(100_000))).toFixed(2)} (target ≤ 1.25), peak RSS ×${(at(1_000_000).calc.rssMb / at(100_000).calc.rssMb).toFixed(2)} (target ≤ 1.5)`);
}
const big = at(1_000_000);
if (big?.pandas) console.log(`1M rows: calc/pandas ${(big.calc.seconds / big.pandas.seconds).toFixed(2)}× (target ≤ 1.5), peak RSS ${Math.round(big.calc.rssMb)} MB (target ≤ 250)`);
rmSync(work, { recursive: true, force: true });
