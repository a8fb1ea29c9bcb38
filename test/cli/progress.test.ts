// The progress bar on stderr: a pass's name, the share done, rows and rows a second, and the time left, in the run's language.
import { describe, expect, it } from 'vitest';
import { progressBar } from '../../src/cli/progress.js';

/** What a bar writes for one tick halfway through a pass of 100 rows. */
function halfway(lang: 'en' | 'zh', pass: string): string {
  let written = '';
  const bar = progressBar(lang, { write: (s: string | Uint8Array) => ((written += String(s)), true) });
  bar.start(pass, 100, 0);
  bar.tick(50, 0);
  return written;
}

describe('progress bar', () => {
  it('names the pass and what it counts, in English or Chinese (--lang zh)', () => {
    expect(halfway('en', 'evaluating')).toMatch(/^\revaluating +█{12}░{12}  50%  50 rows  [\d,]+ rows\/s  ETA \d+:\d\d {3}$/);
    expect(halfway('zh', 'evaluating')).toMatch(/^\r评估 {6} █{12}░{12}  50%  50 行  [\d,]+ 行\/秒  剩余 \d+:\d\d {3}$/);
    expect(halfway('zh', 'limits')).toContain('限额');
    expect(halfway('zh', 'limits')).toContain('50 个分区');
  });
});
