// A write to a terminal that closed (EIO) is no reason to end the process before its SIGHUP tidies up; other write errors still are.
import { describe, expect, it } from 'vitest';
import { terminalGone } from '../../src/cli/closedTerminal.js';

const error = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });

describe('terminalGone', () => {
  it('takes EIO from a terminal as the terminal gone', () => {
    expect(terminalGone({ isTTY: true }, error('EIO'))).toBe(true);
  });
  it('takes nothing else so: EIO from a file or pipe, or another error from a terminal', () => {
    expect(terminalGone({ isTTY: false }, error('EIO'))).toBe(false);
    expect(terminalGone({}, error('EIO'))).toBe(false);
    expect(terminalGone({ isTTY: true }, error('ENOSPC'))).toBe(false);
    expect(terminalGone({ isTTY: true }, error('EPIPE'))).toBe(false);
  });
});
