// The command table: every command, its options and help. Actions return an exit code; main.ts applies it.
import { availableParallelism } from 'node:os';
import { Command, Help, InvalidArgumentError, Option } from 'commander';
import type { Lang } from '../engine/types.js';
import { displayWidth } from './format.js';
import type { OutputEncoding } from '../io/outputEncoding.js';
import { DEFAULT_MEMORY_MB } from '../io/threadHeaps.js';

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

/**
 * The language of the help, from the command line before it is parsed (help is printed while parsing): its --lang,
 * else SUBSIDY_LANG.
 */
export function helpLanguage(argv: readonly string[]): Lang {
  for (let i = 0; i < argv.length; i++) {
    const given = argv[i]!.startsWith('--lang=') ? argv[i]!.slice('--lang='.length) : argv[i] === '--lang' ? argv[i + 1] : undefined;
    if (given === 'zh' || given === 'en') return given;
  }
  return process.env.SUBSIDY_LANG === 'zh' ? 'zh' : 'en';
}

/** Commander's own headings and notes, in Chinese. */
const TITLES_ZH: Record<string, string> = { 'Usage:': '用法:', 'Options:': '选项:', 'Commands:': '命令:', 'Arguments:': '参数:' };

/** Commander's errors in the command line itself, in Chinese (the names and values in them as given). */
const ERRORS_ZH: [RegExp, string][] = [
  [/^error: unknown option '(.*?)'/, "错误: 未知选项 '$1'"],
  [/^error: unknown command '(.*?)'/, "错误: 未知命令 '$1'"],
  [/^error: missing required argument '(.*?)'/, "错误: 缺少必需的参数 '$1'"],
  [/^error: option '(.*?)' argument missing/, "错误: 选项 '$1' 缺少取值"],
  [/^error: required option '(.*?)' not specified/, "错误: 未给出必需的选项 '$1'"],
  [/^error: option '(.*?)' argument '(.*?)' is invalid\./, "错误: 选项 '$1' 的取值 '$2' 无效."],
  [/^error: too many arguments for '(.*?)'\. Expected (\d+) arguments? but got (\d+)\./, "错误: '$1' 的参数过多: 应为 $2 个, 给了 $3 个."],
  [/^error: too many arguments\. Expected (\d+) arguments? but got (\d+)\./, '错误: 参数过多: 应为 $1 个, 给了 $2 个.'],
  [/Allowed choices are (.*)\./, '可选: $1.'],
  [/\(Did you mean one of (.*)\?\)/, '(是否想用其中之一: $1?)'],
  [/\(Did you mean (.*)\?\)/, '(是否想用 $1?)'],
  [/give utf8 or gbk \(gb18030\)/, '请给 utf8 或 gbk (gb18030)'],
];

/**
 * `setLang`: told the language of the command about to run (its --lang, or SUBSIDY_LANG), for the messages of its
 * errors. `helpLang`: the language of the help, known before the command line is parsed (helpLanguage).
 */
export function buildProgram(setExit: (code: number) => void, setLang: (lang: Lang) => void = () => {}, helpLang: Lang = 'en'): Command {
  const t = (en: string, zh: string): string => (helpLang === 'zh' ? zh : en);
  const program = new Command('subsidy')
    .description(t('Vocational-skills training subsidy calculator (职业技能培训补贴): rate tables as data, explained results.', '职业技能培训补贴计算器: 费率表即数据, 每个结果都有解释.'))
    .version('0.1.0', '-V, --version', t('output the version number', '输出版本号'))
    .helpOption('-h, --help', t('display help for command', '显示命令帮助'))
    .helpCommand('help [command]', t('display help for command', '显示命令帮助'))
    .showHelpAfterError(t('(run with --help for usage)', '(用 --help 查看用法)'))
    .addHelpText(
      'after',
      t(
        `
Exit codes:
  0  done (rejected rows, if any, are in rejects.csv)
  1  usage error, unreadable input, a rate table that does not validate, a ledger
     that cannot be opened, or check without a terminal or --answers
  2  with --strict: done, but some rows were rejected
  130 interrupted (Ctrl+C); 143, 129 stopped by SIGTERM, SIGHUP: nothing left behind`,
        `
退出码:
  0  完成 (被拒绝的行, 如有, 在 rejects.csv 中)
  1  用法错误, 输入无法读取, 费率表未通过校验, 台账无法打开,
     或 check 既无终端也无 --answers
  2  加 --strict 时: 已完成, 但有行被拒绝
  130 被中断 (Ctrl+C); 143, 129 被 SIGTERM, SIGHUP 终止: 不留下任何文件`,
      ),
    );
  if (helpLang === 'zh') {
    // Both inherited by every command added below (copyInheritedSettings).
    program.configureOutput({ outputError: (text, write) => write(ERRORS_ZH.reduce((s, [pattern, zh]) => s.replace(pattern, zh), text)) });
    const notes = (text: string): string => text.replace('(choices: ', '(可选: ').replace(/([(]|, )default: /, '$1默认: ');
    const placeholders = (text: string): string => text.replace('[options]', '[选项]').replace('[command]', '[命令]');
    program.configureHelp({
      styleTitle: (title) => TITLES_ZH[title] ?? title,
      optionDescription(option) {
        return notes(Help.prototype.optionDescription.call(this, option));
      },
      argumentDescription(argument) {
        return notes(Help.prototype.argumentDescription.call(this, argument));
      },
      commandUsage: (command) => placeholders(Help.prototype.commandUsage.call(new Help(), command)),
      subcommandTerm: (command) => placeholders(Help.prototype.subcommandTerm.call(new Help(), command)),
      // A Chinese character takes two columns: the descriptions are wrapped and the terms padded by that.
      displayWidth: (text) => displayWidth(text.replace(/\x1b\[[0-9;]*m/g, '')),
    });
  }

  program.hook('preAction', (_program, command) => {
    const lang: unknown = command.opts().lang ?? process.env.SUBSIDY_LANG;
    setLang(lang === 'zh' ? 'zh' : 'en');
  });

  program
    .command('calc')
    .description(t('evaluate rosters (CSV files or Excel workbooks): writes breakdown.csv, summary.csv, persons.csv and rejects.csv to the output folder', '计算花名册 (CSV 文件或 Excel 工作簿): 在输出文件夹写出 breakdown.csv, summary.csv, persons.csv 和 rejects.csv'))
    .argument('<rosters...>', t('roster CSV files (UTF-8 with or without BOM, or GBK/GB18030) or workbooks (.xlsx, .xls); - reads standard input', '花名册 CSV 文件 (UTF-8, 带或不带 BOM, 或 GBK/GB18030) 或工作簿 (.xlsx, .xls); - 读标准输入'))
    .option('--sheet <name|n>', t('the sheet to read from a roster workbook (.xlsx, .xls): its name or number (default: the first visible sheet)', '花名册工作簿 (.xlsx, .xls) 中要读的工作表: 名称或序号 (默认: 第一个可见工作表)'))
    .option('--all-sheets', t('read every visible sheet of a roster workbook, each a roster (sheets without roster columns are left out, and named)', '读花名册工作簿的全部可见工作表, 每个作一份花名册 (没有花名册列的工作表不读, 并列出其名称)'), false)
    .option('-j, --jurisdiction <code>', t('jurisdiction for rows without a jurisdiction column (zhuji, xihu, shanxi, shaoguan, suzhou, hengyang, quzhou)', '没有地区列时各行所属的地区 (zhuji, xihu, shanxi, shaoguan, suzhou, hengyang, quzhou)'))
    .option('-o, --out <dir>', t('output folder', '输出文件夹'), 'subsidy-out')
    .option('--catalog <csv>', t('catalogue standards: occupation, level, standard [, program, jurisdiction] (repeatable)', '补贴标准目录: 职业, 等级, 补贴标准 [, 补贴项目, 地区] (可重复)'), collect, [])
    .option('--table <file>', t('an extra user-authored rate table, same schema as data/ (repeatable)', '另加的自编费率表, 格式同 data/ (可重复)'), collect, [])
    .option('--encoding <name>', t('input encoding: auto, utf8, gbk, gb18030', '输入编码: auto, utf8, gbk, gb18030'), 'auto')
    .addOption(langOption(t('language of headers and messages', '表头和提示的语言')))
    .option('--strict', t('exit 2 if any row was rejected', '有行被拒绝时以退出码 2 结束'), false)
    .option('--mask-ids', t('mask resident ID numbers in the breakdown (110105********0021)', '在明细中隐去身份证号码的中段 (110105********0021)'), false)
    .option('--decisions <csv>', t("the office's decisions on lines under review: the last run's breakdown.csv with a decision column (审核结论: 同意 / 不同意; 核定金额 where the rules give no amount), or any CSV with file, row, program and decision", '经办机构对待审明细的审核结论: 上次运行的 breakdown.csv 加一列 审核结论 (同意 / 不同意; 规则未给金额时填 核定金额), 或任何含 文件, 行号, 补贴项目 和 审核结论 的 CSV'))
    .option('--xlsx', t('also write each output as a workbook (breakdown.xlsx …): IDs as text, amounts as numbers', '每个输出另写一份工作簿 (breakdown.xlsx …): 身份证号为文本, 金额为数字'), false)
    .option('--out-encoding <name>', t('encoding of the CSV outputs: utf8 (with BOM: opens in Excel and WPS anywhere) or gbk (written as GB18030, no BOM: for an import that reads only the Chinese Windows code page; no character lost)', '输出 CSV 的编码: utf8 (带 BOM: Excel 和 WPS 都能打开) 或 gbk (写为 GB18030, 不带 BOM: 供只认中文 Windows 代码页的导入使用; 不丢字)'), outEncoding, 'utf8')
    .option('--progress', t('show progress on stderr even when it is not a terminal', '即使不是终端, 也在 stderr 显示进度'))
    .option('--no-progress', t('never show progress', '从不显示进度'))
    .option('--workers <n>', t('threads for a large run: byte ranges of the roster are evaluated side by side, limits decided per person partition (outputs are identical for any n; default: one per core, at most 4)', '大型运行所用的线程数: 花名册按字节段并行计算, 限额按人员分区判定 (线程数不影响输出; 默认: 每核一个, 最多 4)'), (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError(t('a whole number from 1 to 64', '1 到 64 的整数'));
      return n;
    }, DEFAULT_WORKERS)
    .option('--memory-mb <n>', t('heap budget of a large run in MB, shared by its threads (0: no budget, faster, uses more memory)', '大型运行的堆内存预算 (MB), 各线程共用 (0: 不设预算, 更快, 用更多内存)'), (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(t('a whole number of MB, or 0', '以 MB 计的整数, 或 0'));
      return n;
    }, DEFAULT_MEMORY_MB)
    .option('--ledger <path|url>', t('claims ledger: an SQLite file (created on first use) or postgres://… shared by several offices', '申领台账: SQLite 文件 (首次使用时新建) 或多个经办机构共用的 postgres://…'))
    .option('--dry-run', t('evaluate against the ledger without recording anything', '对照台账计算, 不记入任何内容'), false)
    .option('--hash-ids', t('store resident IDs in a new ledger as HMAC-SHA256 under the salt in SUBSIDY_ID_SALT', '在新台账中以 HMAC-SHA256 (盐值取自 SUBSIDY_ID_SALT) 存放身份证号'), false)
    .action(async (rosters: string[], opts) => setExit(await (await commands.calc()).calc(rosters, opts)));

  program
    .command('check')
    .description(t('one case at the counter: asks only what matters, then shows every line with amount, formula, citation and reason', '窗口办理单个案例: 只问相关的问题, 然后逐项列出金额, 算式, 政策依据和原因'))
    .option('-j, --jurisdiction <code>', t('jurisdiction (asked when not given)', '地区 (未给时询问)'))
    .option('--program <id>', t('one programme (default: choose, or screen everything this person may claim)', '一个补贴项目 (默认: 选择, 或筛查此人可申领的全部项目)'))
    .option('--answers <file.json>', t('answer from a JSON object of field → value instead of prompts (- for standard input)', '从 字段 → 值 的 JSON 对象取答案, 不逐项提问 (- 为标准输入)'))
    .option('--save <roster>', t('append the case as roster row(s) that calc reads: a CSV (created with headers if absent) or an existing workbook (.xlsx)', '把案例追加为 calc 可读的花名册行: CSV (不存在时连表头新建) 或已有的工作簿 (.xlsx)'))
    .option('--json', t('print the result as JSON', '以 JSON 输出结果'), false)
    .option('--ledger <file|url>', t("count the person's claims already in this ledger (SQLite file or postgres://…) toward the limits; nothing is recorded", '把此人在此台账 (SQLite 文件或 postgres://…) 中已有的申领计入限额; 不记入任何内容'))
    .option('--table <file>', t('an extra user-authored rate table (repeatable)', '另加的自编费率表 (可重复)'), collect, [])
    .addOption(langOption(t('language of messages', '提示的语言')))
    .addHelpText(
      'after',
      `
${t('Example answers file', '答案文件示例')} (case.json):
  {"jurisdiction": "zhuji", "program": "living_allowance", "person_id": "330681199001010015",
   "date": "2020-06-01", "groups": ["two_after", "rural"], "training_days": 15}`,
    )
    .action(async (opts) => setExit(await (await commands.check()).check(opts)));

  program
    .command('estimate')
    .alias('exposure') // the product brief's name for it
    .description(t('budget exposure (low / central / high) from planned counts or an expected roster, with what-if scenarios', '由计划人次或预计学员花名册测算预算敞口 (低 / 中 / 高), 可做情景分析'))
    .requiredOption('-j, --jurisdiction <code>', t('jurisdiction', '地区'))
    .option('--plan <csv>', t('plan lines: program (or label), planned, and the facts the amount depends on (level, training_days, …)', '计划行: 补贴项目 (或 说明), 计划人次, 以及金额所依据的事实 (等级, 培训天数, …)'))
    .option('--roster <csv>', t('a roster of expected trainees instead of counts (each row one case)', '以预计学员花名册代替人次 (每行一人次)'))
    .option('--sheet <name|n>', t('the sheet to read when the plan or roster is a workbook (.xlsx, .xls): its name or number (default: the first visible sheet)', '计划或花名册为工作簿 (.xlsx, .xls) 时要读的工作表: 名称或序号 (默认: 第一个可见工作表)'))
    .option('--all-sheets', t('read every visible sheet of a plan or roster workbook into the one estimate (sheets without its columns are left out, and named)', '把计划或花名册工作簿的全部可见工作表读入同一测算 (没有所需列的工作表不读, 并列出其名称)'), false)
    .option('--take-up <share>', t('share of planned cases that will claim (0–1)', '计划人次中实际申领的比例 (0–1)'), '1')
    .option('--pass-rate <share>', t('share that will pass / obtain the certificate (0–1)', '通过考核 / 取得证书的比例 (0–1)'), '1')
    .option('--low-share <share>', t('low figure: share of a ceiling assumed when the plan states no cost (0–1)', '低值: 计划未写费用时按上限的多少比例计 (0–1)'), '0.5')
    .option('--on <date>', t("date for plan lines without one (default: the document's start)", '计划行未写日期时所用的日期 (默认: 文件施行之日)'))
    .option(
      '--set <programme.parameter=value>',
      t(
        'what-if change, e.g. skill_upgrade_individual.uplift=30 or cert_training.rate=4000 (repeatable; the programme by id or Chinese name)',
        '情景修改, 如 skill_upgrade_individual.uplift=30 或 cert_training.rate=4000 (可重复; 补贴项目用代码或中文名称)',
      ),
      collect,
      [],
    )
    .option('--scenario <file.yaml>', t('what-if changes from a file: name: …, set: { programme.parameter: value }', '从文件读情景修改: name: …, set: { 补贴项目.参数: 值 }'))
    .option('-o, --out <dir>', t('output folder for estimate.csv', 'estimate.csv 的输出文件夹'), 'subsidy-estimate')
    .option('--out-encoding <name>', t("estimate.csv's encoding: utf8 (with BOM) or gbk (written as GB18030, no BOM)", 'estimate.csv 的编码: utf8 (带 BOM) 或 gbk (写为 GB18030, 不带 BOM)'), outEncoding, 'utf8')
    .option('--report <file.html>', t('also write a self-contained HTML report with charts', '另写一份带图表的独立 HTML 报告'))
    .option('--catalog <csv>', t('catalogue standards (repeatable)', '补贴标准目录 (可重复)'), collect, [])
    .option('--table <file>', t('an extra user-authored rate table (repeatable)', '另加的自编费率表 (可重复)'), collect, [])
    .option('--encoding <name>', t('input encoding: auto, utf8, gbk, gb18030', '输入编码: auto, utf8, gbk, gb18030'), 'auto')
    .option('--progress', t('show progress on stderr even when it is not a terminal', '即使不是终端, 也在 stderr 显示进度'))
    .option('--no-progress', t('never show progress', '从不显示进度'))
    .addOption(langOption(t("language of estimate.csv's header, the table and the messages", 'estimate.csv 表头, 终端表格和提示的语言')))
    .action(async (opts) => setExit(await (await commands.estimate()).estimateCommand(opts)));

  program
    .command('template')
    .description(t("an empty roster: the header row of the columns a jurisdiction's programmes read (UTF-8 with BOM, opens in Excel)", '空白花名册: 某地区补贴项目所读各列的表头行 (UTF-8 带 BOM, Excel 可直接打开)'))
    .option('-j, --jurisdiction <code>', t('jurisdiction (default: every table, with a jurisdiction column)', '地区 (默认: 全部地区表, 并带地区列)'))
    .option('--program <id>', t('only the columns of one programme (and its companions)', '只取一个补贴项目 (及其随附项目) 的列'))
    .addOption(langOption(t('language of the headers (both are read back)', '表头的语言 (两种都能读回)')))
    .option('-o, --out <file>', t('file to write: CSV, or a workbook to fill in when it ends in .xlsx (default: CSV to standard output)', '要写的文件: CSV, 以 .xlsx 结尾时为待填的工作簿 (默认: CSV 输出到标准输出)'))
    .option('--table <file>', t('an extra user-authored rate table (repeatable)', '另加的自编费率表 (可重复)'), collect, [])
    .action(async (opts) => setExit(await (await commands.template()).template(opts)));

  const ledger = program.command('ledger').description(t('what the claims ledger holds (--ledger as for calc)', '申领台账中的内容 (--ledger 同 calc)'));
  const ledgerOption = (): Option => new Option('--ledger <path|url>', t('SQLite ledger file or postgres://… URL', 'SQLite 台账文件或 postgres://… 地址')).makeOptionMandatory();
  ledger
    .command('show')
    .description(t("one person's (or unit's) claims, voided runs marked", '某人 (或某单位) 的申领, 标出已作废的批次'))
    .argument('<person_id>', t("resident ID number, or a unit's organisation code (统一社会信用代码) or, without one, its name (hashed automatically if the ledger stores hashed IDs)", '身份证号码, 或单位的统一社会信用代码, 无代码时为单位名称 (台账存散列值时自动散列)'))
    .addOption(ledgerOption())
    .addOption(langOption(t('language of what is printed', '输出内容的语言')))
    .action(async (id: string, opts) => setExit(await (await commands.ledger()).ledgerShow(id, opts)));
  ledger
    .command('export')
    .description(t('all claims as CSV (UTF-8 with BOM)', '全部申领导出为 CSV (UTF-8 带 BOM)'))
    .addOption(ledgerOption())
    .requiredOption('-o, --out <file>', t('CSV file to write', '要写的 CSV 文件'))
    .option('--out-encoding <name>', t('encoding of the CSV: utf8 (with BOM) or gbk (written as GB18030, no BOM)', 'CSV 的编码: utf8 (带 BOM) 或 gbk (写为 GB18030, 不带 BOM)'), outEncoding, 'utf8')
    .addOption(langOption(t('language of what is printed (the CSV\'s header stays as the columns are named)', '输出内容的语言 (CSV 的表头仍用列名)')))
    .action(async (opts) => setExit(await (await commands.ledger()).ledgerExport(opts)));
  ledger
    .command('void')
    .description(t('withdraw a whole run (e.g. a roster sent by mistake); recorded, not deleted', '作废整个批次 (如误报的花名册); 留有记录, 不删除'))
    .argument('<run-id>', t('run id as printed by calc and listed by stats', 'calc 输出, stats 列出的批次号'))
    .addOption(ledgerOption())
    .option('--reason <text>', t('why the run is withdrawn', '作废原因'), 'withdrawn')
    .addOption(langOption(t('language of what is printed', '输出内容的语言')))
    .action(async (runId: string, opts) => setExit(await (await commands.ledger()).ledgerVoid(runId, opts)));
  ledger
    .command('stats')
    .description(t('runs, and approved claims and amounts by year, jurisdiction and programme', '各批次, 以及按年度, 地区和补贴项目汇总的核准申领与金额'))
    .addOption(ledgerOption())
    .addOption(langOption(t('language of what is printed', '输出内容的语言')))
    .action(async (opts) => setExit(await (await commands.ledger()).ledgerStats(opts)));

  const tables = program.command('tables').description(t('list, show and validate rate tables', '列出, 查看和校验费率表'));
  tables
    .command('list')
    .description(t('jurisdictions with document, period and status', '各地区及其文件, 施行期和状态'))
    .option('--table <file>', t('include a user-authored table (repeatable)', '加入自编的费率表 (可重复)'), collect, [])
    .option('--on <date>', t('say whether each document is in force on this date', '说明各文件在此日期是否有效'))
    .action(async (opts: { table: string[]; on?: string }) => setExit((await commands.tables()).tablesList(opts.table, opts)));
  tables
    .command('show')
    .description(t("one table's programmes, amounts, conditions, limits and citations", '一个地区表的补贴项目, 金额, 条件, 限额和政策依据'))
    .argument('<code>', t('jurisdiction code or Chinese name', '地区代码或中文名称'))
    .option('--table <file>', t('include a user-authored table (repeatable)', '加入自编的费率表 (可重复)'), collect, [])
    .option('--on <date>', t('what applies to a claim dated so: the document in force or not, programmes and uplifts outside their windows marked', '对此日期的申领适用什么: 文件是否有效, 并标出不在期限内的补贴项目和上浮'))
    .action(async (code: string, opts: { table: string[]; on?: string }) => setExit((await commands.tables()).tablesShow(code, opts.table, opts)));
  tables
    .command('validate')
    .description(t('check table files and print every problem with its path and line', '校验费率表文件, 列出每个问题及其路径和行号'))
    .argument('<files...>', t('YAML or JSON table files', 'YAML 或 JSON 费率表文件'))
    .action(async (files: string[]) => setExit((await commands.tables()).tablesValidate(files)));
  tables.addHelpText(
    'after',
    `
${t("Also under the product brief's names:", '也可用产品说明中的名称:')}
  subsidy jurisdictions            = tables list
  subsidy rates [-j code]          = tables show (${t('every table without -j', '无 -j 时为全部地区表')})
  subsidy validate-data [files...] = tables validate (${t('the shipped data/ without files', '无文件时为随附的 data/')})`,
  );

  // The product brief's names for the tables commands, for people who read it first; hidden so the list of commands stays short.
  program
    .command('jurisdictions', { hidden: true })
    .description('= tables list')
    .option('--table <file>', t('include a user-authored table (repeatable)', '加入自编的费率表 (可重复)'), collect, [])
    .option('--on <date>', t('say whether each document is in force on this date', '说明各文件在此日期是否有效'))
    .action(async (opts: { table: string[]; on?: string }) => setExit((await commands.tables()).tablesList(opts.table, opts)));
  program
    .command('rates', { hidden: true })
    .description('= tables show (every table without -j)')
    .option('-j, --jurisdiction <code>', t('jurisdiction code or Chinese name (default: every table)', '地区代码或中文名称 (默认: 全部地区表)'))
    .option('--table <file>', t('include a user-authored table (repeatable)', '加入自编的费率表 (可重复)'), collect, [])
    .option('--on <date>', t('what applies to a claim dated so', '对此日期的申领适用什么'))
    .action(async (opts: { jurisdiction?: string; table: string[]; on?: string }) => setExit((await commands.tables()).ratesCommand(opts)));
  program
    .command('validate-data', { hidden: true })
    .description('= tables validate (the shipped data/ without files)')
    .argument('[files...]', t('YAML or JSON table files (default: every file in the shipped data/ folder)', 'YAML 或 JSON 费率表文件 (默认: 随附 data/ 文件夹中的全部文件)'))
    .action(async (files: string[]) => setExit((await commands.tables()).validateData(files)));

  return program;
}
