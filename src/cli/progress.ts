// Progress on stderr for long runs: a bar with rows, rows/s and ETA, redrawn at most five times a second.
import type { Progress } from '../io/pipeline.js';
import type { Lang } from '../io/csvOut.js';
import { padEndWide } from './format.js';

/** A pass's name and what it counts, in Chinese (--lang zh). */
const PASS_ZH: Record<string, string> = { evaluating: '评估', limits: '限额', writing: '写出', ledger: '查台账', recording: '记入台账', sheet: '读工作表', estimating: '测算' };
const UNIT_ZH: Record<string, string> = { partitions: '个分区', lines: '行', claims: '笔', rows: '行' };

const clock = (s: number): string => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

export function progressBar(lang: Lang = 'en', stream: Pick<NodeJS.WriteStream, 'write'> = process.stderr): Progress {
  const zh = lang === 'zh';
  let pass = '';
  let total: number | undefined;
  let bytesTotal = 0;
  let started = 0;
  let last = 0;
  let shown = false;
  return {
    start(name, rows, bytes) {
      pass = name;
      total = rows;
      bytesTotal = bytes;
      started = Date.now();
      last = 0;
    },
    tick(rows, bytes) {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      const elapsed = (now - started) / 1000;
      const done = total ? rows / total : bytesTotal ? bytes / bytesTotal : 0;
      const rate = rows / Math.max(elapsed, 0.001);
      const eta = done > 0 ? elapsed / done - elapsed : NaN;
      const width = 24;
      const filled = Math.min(width, Math.round(done * width));
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      const counted = pass === 'limits' || pass === 'ledger' ? 'partitions' : pass === 'writing' ? 'lines' : pass === 'recording' ? 'claims' : 'rows';
      const [name, unit, perSecond, left] = zh ? [PASS_ZH[pass] ?? pass, UNIT_ZH[counted]!, '/秒', '剩余'] : [pass, counted, '/s', 'ETA'];
      stream.write(`\r${padEndWide(name, 10)} ${bar} ${String(Math.round(done * 100)).padStart(3)}%  ${rows.toLocaleString('en')} ${unit}  ${Math.round(rate).toLocaleString('en')} ${unit}${perSecond}  ${left} ${Number.isFinite(eta) ? clock(eta) : '…'}   `);
      shown = true;
    },
    done() {
      if (shown) stream.write(`\r${' '.repeat(100)}\r`);
      shown = false;
    },
  };
}
