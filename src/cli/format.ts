// Terminal formatting: colour only on a TTY and never with NO_COLOR; status colours; yuan with thousands separators.
import { Chalk, type ChalkInstance } from 'chalk';
import type { Status } from '../engine/types.js';

export function makeChalk(stream: NodeJS.WriteStream = process.stdout): ChalkInstance {
  const env = process.env;
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const on = !('NO_COLOR' in env) && (forced || (stream.isTTY === true && env.TERM !== 'dumb'));
  return new Chalk({ level: on ? 1 : 0 });
}

export function paintStatus(c: ChalkInstance, status: Status, text: string = status): string {
  if (status === 'approved') return c.green(text);
  if (status === 'review') return c.yellow(text);
  if (status === 'duplicate') return c.gray(text);
  return c.red(text);
}

/** Statuses as a Chinese clerk reads them (the CSVs keep the codes). */
export const STATUS_ZH = { approved: '通过', review: '待审', denied: '不符合', duplicate: '已入账' } as const;

export { formatYuanGrouped as yuanGrouped } from '../engine/money.js';

/** Characters a terminal shows two columns wide (CJK ideographs, kana, hangul, full-width forms). */
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;

/** How many terminal columns `text` takes. */
export const displayWidth = (text: string): number => [...text].reduce((a, ch) => a + (WIDE.test(ch) ? 2 : 1), 0);

/** `text` padded with spaces to `width` terminal columns, on the right (end) or the left (start). */
export const padEndWide = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - displayWidth(text)));
export const padStartWide = (text: string, width: number): string => ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
