// Progress on stderr for long runs: a bar with rows, rows/s and ETA, redrawn at most five times a second.
import type { Progress } from '../io/pipeline.js';

const clock = (s: number): string => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

export function progressBar(stream: NodeJS.WriteStream = process.stderr): Progress {
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
      const unit = pass === 'limits' || pass === 'ledger' ? 'partitions' : pass === 'writing' ? 'lines' : pass === 'recording' ? 'claims' : 'rows';
      stream.write(`\r${pass.padEnd(10)} ${bar} ${String(Math.round(done * 100)).padStart(3)}%  ${rows.toLocaleString('en')} ${unit}  ${Math.round(rate).toLocaleString('en')} ${unit}/s  ETA ${Number.isFinite(eta) ? clock(eta) : '…'}   `);
      shown = true;
    },
    done() {
      if (shown) stream.write(`\r${' '.repeat(100)}\r`);
      shown = false;
    },
  };
}
