// Entry point: runs the command table and is the one place that turns errors into messages and exit codes.
import { CommanderError } from 'commander';
import { messageIn } from '../engine/bilingualError.js';
import type { Lang } from '../engine/types.js';
import { RosterError } from '../io/roster.js';
import { SaveError } from '../io/saveRow.js';
import { LedgerError } from '../io/ledger.js';
import { OutputFileError } from '../io/atomic.js';
import { DiskFullError } from '../io/diskFull.js';
import { undoAll } from '../io/interrupt.js';
import { OutputFolderError } from '../io/outputFolder.js';
import { OverwriteError } from '../io/keepInputs.js';
import { TableError } from '../tables/files.js';
import { terminalGone } from './closedTerminal.js';
import { UsageError } from './errors.js';
import { buildProgram, helpLanguage } from './program.js';

// A reader that stops early (`subsidy tables show zhuji | head`) closes the pipe: what is left to print has nowhere
// to go, which is not an error. The command still finishes its work (a calc's files, a check's saved row). Nor is a
// closed terminal's refusal, which can come before its SIGHUP (closedTerminal.ts).
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED' && !terminalGone(process.stdout, e)) throw e;
});
process.stderr.on('error', (e: NodeJS.ErrnoException) => {
  if (!terminalGone(process.stderr, e)) throw e;
});

// Ctrl+C, and a stop sent by a scheduler (SIGTERM) or a closed terminal (SIGHUP): exit 128 + the signal's number.
let stopping = false;
for (const [signal, code, said] of [['SIGINT', 130, 'interrupted'], ['SIGTERM', 143, 'stopped (SIGTERM)'], ['SIGHUP', 129, 'stopped (SIGHUP)']] as const) {
  process.on(signal, () => {
    // A second signal while the first is tidying up stops at once.
    if (stopping) process.exit(code);
    stopping = true;
    // A closed terminal refuses every write (EIO): that must not end the process before it has tidied up.
    for (const stream of [process.stdout, process.stderr]) stream.removeAllListeners('error').on('error', () => undefined);
    process.stderr.write(`\n${said}\n`);
    // Outputs are staged in temp files, so stopping here leaves no half-written file behind; those temp files, a
    // large run's temporary folder (~5x the roster) and an output folder the run made are removed first (interrupt.ts).
    void undoAll().finally(() => process.exit(code));
  });
}

let exitCode = 0;
// Until a command starts, the --lang written on the line (or SUBSIDY_LANG), as for help; then the command's parsed --lang.
let lang: Lang = helpLanguage(process.argv);
const program = buildProgram(
  (code) => {
    exitCode = code;
  },
  (l) => {
    lang = l;
  },
  lang,
).exitOverride();

try {
  await program.parseAsync(process.argv);
  process.exitCode = exitCode;
} catch (e) {
  if ((e as Error).name === 'ExitPromptError') {
    // Ctrl+C at a prompt: leave quietly, nothing was saved.
    process.stderr.write('\n');
    process.exitCode = 130;
  } else if (e instanceof CommanderError) {
    process.exitCode = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0 ? 0 : 1;
  } else if (e instanceof TableError) {
    process.stderr.write(`${lang === 'zh' ? '费率表有问题' : 'rate table problems'}:\n${e.message}\n`);
    process.exitCode = 1;
  } else if (e instanceof UsageError || e instanceof RosterError || e instanceof SaveError || e instanceof LedgerError || e instanceof OutputFolderError || e instanceof OutputFileError || e instanceof OverwriteError || e instanceof DiskFullError) {
    process.stderr.write(`subsidy: ${messageIn(e, lang)}\n`);
    process.exitCode = 1;
  } else if ((e as NodeJS.ErrnoException).code && (e as NodeJS.ErrnoException).syscall) {
    process.stderr.write(`subsidy: ${(e as Error).message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`subsidy: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  }
}
