// Terminal formatting: colour only on a TTY and never with NO_COLOR; status colours; yuan with thousands separators.
import { Chalk, type ChalkInstance } from 'chalk';
import { formatYuan } from '../engine/money.js';
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

/** 1234567.8 yuan → "1,234,567.80" */
export function yuanGrouped(fen: number): string {
  const [whole, frac] = formatYuan(fen).split('.');
  return `${(whole ?? '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}
