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

export { formatYuanGrouped as yuanGrouped } from '../engine/money.js';
