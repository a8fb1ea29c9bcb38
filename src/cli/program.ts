// The command table: every command, its options and help. Actions return an exit code; main.ts applies it.
import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Lang } from '../engine/types.js';
import type { OutputEncoding } from '../io/outputEncoding.js';

// Each command's module is loaded when it runs: loading them all (the ledger's drivers, zod for estimate's inputs,
// the YAML parser for tables) took ~0.1 s of every start.
const commands = {
  calc: () => import('./commands/calc.js'),
  check: () => import('./commands/check.js'),
  estimate: () => import('./commands/estimate.js'),
  ledger: () => import('./commands/ledger.js'),
  tables: () => import('./commands/tables.js'),
  template: () => import('./commands/template.js'),
};

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** --out-encoding: utf8, or gbk (gb18030, gb2312), written as GB18030 (parsed here: the encoder is loaded only when used). */
const outEncoding = (value: string): OutputEncoding => {
  const t = value.toLowerCase().replace(/[-_]/g, '');
  if (t === 'utf8') return 'utf8';
  if (t === 'gbk' || t === 'gb18030' || t === 'gb2312') return 'gb18030';
  throw new InvalidArgumentError('give utf8 or gbk (gb18030)');
};

/** --lang: English or Chinese, SUBSIDY_LANG=zh making Chinese the default. */
const langOption = (description: string): Option => new Option('--lang <lang>', description).choices(['en', 'zh']).default(process.env.SUBSIDY_LANG === 'zh' ? 'zh' : 'en');

/** Threads a large run uses unless told: one per core, at most 4 (each holds its own tables and a share of the memory budget). */
const DEFAULT_WORKERS = Math.min(4, availableParallelism());

/** `setLang`: told the language of the command about to run (its --lang, or SUBSIDY_LANG), for the messages of its errors. */
export function buildProgram(setExit: (code: number) => void, setLang: (lang: Lang) => void = () => {}): Command {
  const program = new Command('subsidy')
    .description('Vocational-skills training subsidy calculator (职业技能培训补贴): rate tables as data, explained results.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Exit codes:
  0  done (rejected rows, if any, are in rejects.csv)
  1  usage error, unreadable input, a rate table that does not validate, a ledger
     that cannot be opened, or check without a terminal or --answers
  2  with --strict: done, but some rows were rejected
  130 interrupted (Ctrl+C)`,
    );

  program.hook('preAction', (_program, command) => {
    const lang: unknown = command.opts().lang ?? process.env.SUBSIDY_LANG;
    setLang(lang === 'zh' ? 'zh' : 'en');
  });

  program
    .command('calc')
    .description('evaluate rosters (CSV files or Excel workbooks): writes breakdown.csv, summary.csv, persons.csv and rejects.csv to the output folder')
    .argument('<rosters...>', 'roster CSV files (UTF-8 with or without BOM, or GBK/GB18030) or workbooks (.xlsx, .xls); - reads standard input')
    .option('--sheet <name|n>', 'the sheet to read from a roster workbook (.xlsx, .xls): its name or number (default: the first visible sheet)')
    .option('--all-sheets', 'read every visible sheet of a roster workbook, each a roster (sheets without roster columns are left out, and named)', false)
    .option('-j, --jurisdiction <code>', 'jurisdiction for rows without a jurisdiction column (zhuji, xihu, shanxi, shaoguan, suzhou, hengyang, quzhou)')
    .option('-o, --out <dir>', 'output folder', 'subsidy-out')
    .option('--catalog <csv>', 'catalogue standards: occupation, level, standard [, program, jurisdiction] (repeatable)', collect, [])
    .option('--table <file>', 'an extra user-authored rate table, same schema as data/ (repeatable)', collect, [])
    .option('--encoding <name>', 'input encoding: auto, utf8, gbk, gb18030', 'auto')
    .addOption(langOption('language of headers and messages'))
    .option('--strict', 'exit 2 if any row was rejected', false)
    .option('--mask-ids', 'mask resident ID numbers in the breakdown (110105********0021)', false)
    .option('--decisions <csv>', "the office's decisions on lines under review: the last run's breakdown.csv with a decision column (审核结论: 同意 / 不同意; 核定金额 where the rules give no amount), or any CSV with file, row, program and decision")
    .option('--xlsx', 'also write each output as a workbook (breakdown.xlsx …): IDs as text, amounts as numbers', false)
    .option('--out-encoding <name>', 'encoding of the CSV outputs: utf8 (with BOM: opens in Excel and WPS anywhere) or gbk (written as GB18030, no BOM: for an import that reads only the Chinese Windows code page; no character lost)', outEncoding, 'utf8')
    .option('--progress', 'show progress on stderr even when it is not a terminal')
    .option('--no-progress', 'never show progress')
    .option('--workers <n>', 'threads for a large run: byte ranges of the roster are evaluated side by side, limits decided per person partition (outputs are identical for any n; default: one per core, at most 4)', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('a whole number from 1 to 64');
      return n;
    }, DEFAULT_WORKERS)
    .option('--memory-mb <n>', 'heap budget of a large run in MB, shared by its threads (0: no budget, faster, uses more memory)', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a whole number of MB, or 0');
      return n;
    }, 128)
    .option('--ledger <path|url>', 'claims ledger: an SQLite file (created on first use) or postgres://… shared by several offices')
    .option('--dry-run', 'evaluate against the ledger without recording anything', false)
    .option('--hash-ids', 'store resident IDs in a new ledger as HMAC-SHA256 under the salt in SUBSIDY_ID_SALT', false)
    .action(async (rosters: string[], opts) => setExit(await (await commands.calc()).calc(rosters, opts)));

  program
    .command('check')
    .description('one case at the counter: asks only what matters, then shows every line with amount, formula, citation and reason')
    .option('-j, --jurisdiction <code>', 'jurisdiction (asked when not given)')
    .option('--program <id>', 'one programme (default: choose, or screen everything this person may claim)')
    .option('--answers <file.json>', 'answer from a JSON object of field → value instead of prompts (- for standard input)')
    .option('--save <roster>', 'append the case as roster row(s) that calc reads: a CSV (created with headers if absent) or an existing workbook (.xlsx)')
    .option('--json', 'print the result as JSON', false)
    .option('--ledger <file|url>', "count the person's claims already in this ledger (SQLite file or postgres://…) toward the limits; nothing is recorded")
    .option('--table <file>', 'an extra user-authored rate table (repeatable)', collect, [])
    .addOption(langOption('language of messages'))
    .addHelpText(
      'after',
      `
Example answers file (case.json):
  {"jurisdiction": "zhuji", "program": "living_allowance", "person_id": "330681199001010015",
   "date": "2020-06-01", "groups": ["two_after", "rural"], "training_days": 15}`,
    )
    .action(async (opts) => setExit(await (await commands.check()).check(opts)));

  program
    .command('estimate')
    .alias('exposure') // the product brief's name for it
    .description('budget exposure (low / central / high) from planned counts or an expected roster, with what-if scenarios')
    .requiredOption('-j, --jurisdiction <code>', 'jurisdiction')
    .option('--plan <csv>', 'plan lines: program (or label), planned, and the facts the amount depends on (level, training_days, …)')
    .option('--roster <csv>', 'a roster of expected trainees instead of counts (each row one case)')
    .option('--sheet <name|n>', 'the sheet to read when the plan or roster is a workbook (.xlsx, .xls): its name or number (default: the first visible sheet)')
    .option('--all-sheets', 'read every visible sheet of a plan or roster workbook into the one estimate (sheets without its columns are left out, and named)', false)
    .option('--take-up <share>', 'share of planned cases that will claim (0–1)', '1')
    .option('--pass-rate <share>', 'share that will pass / obtain the certificate (0–1)', '1')
    .option('--low-share <share>', 'low figure: share of a ceiling assumed when the plan states no cost (0–1)', '0.5')
    .option('--on <date>', "date for plan lines without one (default: the document's start)")
    .option('--set <programme.parameter=value>', `what-if change, e.g. skill_upgrade_individual.uplift=30 or cert_training.rate=4000 (repeatable; the programme by id or Chinese name)`, collect, [])
    .option('--scenario <file.yaml>', 'what-if changes from a file: name: …, set: { programme.parameter: value }')
    .option('-o, --out <dir>', 'output folder for estimate.csv', 'subsidy-estimate')
    .option('--out-encoding <name>', "estimate.csv's encoding: utf8 (with BOM) or gbk (written as GB18030, no BOM)", outEncoding, 'utf8')
    .option('--report <file.html>', 'also write a self-contained HTML report with charts')
    .option('--catalog <csv>', 'catalogue standards (repeatable)', collect, [])
    .option('--table <file>', 'an extra user-authored rate table (repeatable)', collect, [])
    .option('--encoding <name>', 'input encoding: auto, utf8, gbk, gb18030', 'auto')
    .option('--progress', 'show progress on stderr even when it is not a terminal')
    .option('--no-progress', 'never show progress')
    .addOption(langOption("language of estimate.csv's header, the table and the messages"))
    .action(async (opts) => setExit(await (await commands.estimate()).estimateCommand(opts)));

  program
    .command('template')
    .description("an empty roster: the header row of the columns a jurisdiction's programmes read (UTF-8 with BOM, opens in Excel)")
    .option('-j, --jurisdiction <code>', 'jurisdiction (default: every table, with a jurisdiction column)')
    .option('--program <id>', 'only the columns of one programme (and its companions)')
    .addOption(langOption('language of the headers (both are read back)'))
    .option('-o, --out <file>', 'file to write: CSV, or a workbook to fill in when it ends in .xlsx (default: CSV to standard output)')
    .option('--table <file>', 'an extra user-authored rate table (repeatable)', collect, [])
    .action(async (opts) => setExit(await (await commands.template()).template(opts)));

  const ledger = program.command('ledger').description('what the claims ledger holds (--ledger as for calc)');
  const ledgerOption = (): Option => new Option('--ledger <path|url>', 'SQLite ledger file or postgres://… URL').makeOptionMandatory();
  ledger
    .command('show')
    .description("one person's (or unit's) claims, voided runs marked")
    .argument('<person_id>', "resident ID number, or a unit's organisation code (统一社会信用代码) or, without one, its name (hashed automatically if the ledger stores hashed IDs)")
    .addOption(ledgerOption())
    .addOption(langOption('language of what is printed'))
    .action(async (id: string, opts) => setExit(await (await commands.ledger()).ledgerShow(id, opts)));
  ledger
    .command('export')
    .description('all claims as CSV (UTF-8 with BOM)')
    .addOption(ledgerOption())
    .requiredOption('-o, --out <file>', 'CSV file to write')
    .option('--out-encoding <name>', 'encoding of the CSV: utf8 (with BOM) or gbk (written as GB18030, no BOM)', outEncoding, 'utf8')
    .addOption(langOption('language of what is printed (the CSV\'s header stays as the columns are named)'))
    .action(async (opts) => setExit(await (await commands.ledger()).ledgerExport(opts)));
  ledger
    .command('void')
    .description('withdraw a whole run (e.g. a roster sent by mistake); recorded, not deleted')
    .argument('<run-id>', 'run id as printed by calc and listed by stats')
    .addOption(ledgerOption())
    .option('--reason <text>', 'why the run is withdrawn', 'withdrawn')
    .addOption(langOption('language of what is printed'))
    .action(async (runId: string, opts) => setExit(await (await commands.ledger()).ledgerVoid(runId, opts)));
  ledger
    .command('stats')
    .description('runs, and approved claims and amounts by year, jurisdiction and programme')
    .addOption(ledgerOption())
    .addOption(langOption('language of what is printed'))
    .action(async (opts) => setExit(await (await commands.ledger()).ledgerStats(opts)));

  const tables = program.command('tables').description('list, show and validate rate tables');
  tables
    .command('list')
    .description('jurisdictions with document, period and status')
    .option('--table <file>', 'include a user-authored table (repeatable)', collect, [])
    .option('--on <date>', 'say whether each document is in force on this date')
    .action(async (opts: { table: string[]; on?: string }) => setExit((await commands.tables()).tablesList(opts.table, opts)));
  tables
    .command('show')
    .description("one table's programmes, amounts, conditions, limits and citations")
    .argument('<code>', 'jurisdiction code or Chinese name')
    .option('--table <file>', 'include a user-authored table (repeatable)', collect, [])
    .option('--on <date>', 'what applies to a claim dated so: the document in force or not, programmes and uplifts outside their windows marked')
    .action(async (code: string, opts: { table: string[]; on?: string }) => setExit((await commands.tables()).tablesShow(code, opts.table, opts)));
  tables
    .command('validate')
    .description('check table files and print every problem with its path and line')
    .argument('<files...>', 'YAML or JSON table files')
    .action(async (files: string[]) => setExit((await commands.tables()).tablesValidate(files)));
  tables.addHelpText(
    'after',
    `
Also under the product brief's names:
  subsidy jurisdictions            = tables list
  subsidy rates [-j code]          = tables show (every table without -j)
  subsidy validate-data [files...] = tables validate (the shipped data/ without files)`,
  );

  // The product brief's names for the tables commands, for people who read it first; hidden so the list of commands stays short.
  program
    .command('jurisdictions', { hidden: true })
    .description('= tables list')
    .option('--table <file>', 'include a user-authored table (repeatable)', collect, [])
    .option('--on <date>', 'say whether each document is in force on this date')
    .action(async (opts: { table: string[]; on?: string }) => setExit((await commands.tables()).tablesList(opts.table, opts)));
  program
    .command('rates', { hidden: true })
    .description('= tables show (every table without -j)')
    .option('-j, --jurisdiction <code>', 'jurisdiction code or Chinese name (default: every table)')
    .option('--table <file>', 'include a user-authored table (repeatable)', collect, [])
    .option('--on <date>', 'what applies to a claim dated so')
    .action(async (opts: { jurisdiction?: string; table: string[]; on?: string }) => setExit((await commands.tables()).ratesCommand(opts)));
  program
    .command('validate-data', { hidden: true })
    .description('= tables validate (the shipped data/ without files)')
    .argument('[files...]', 'YAML or JSON table files (default: every file in the shipped data/ folder)')
    .action(async (files: string[]) => setExit((await commands.tables()).validateData(files)));

  return program;
}
