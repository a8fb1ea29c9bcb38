// Errors in the language the command was given (--lang, or SUBSIDY_LANG): what stops a run is said in Chinese to a clerk working in Chinese.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/cli/format.js';
import { residentId } from '../helpers.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'subsidy.js');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'subsidy-zh-'));

function cli(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', SUBSIDY_LANG: '', CI: 'true', ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('error messages follow --lang', () => {
  it('calc: a roster without a 补贴项目 column is refused in English, in Chinese under --lang zh, and under SUBSIDY_LANG=zh without --lang', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'r.csv'), `身份证号码,结业日期,等级\n${residentId(1)},2020-06-10,L4\n`);
    const en = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'en')]);
    expect(en.code).toBe(1);
    expect(en.stderr).toBe(`subsidy: ${join(dir, 'r.csv')}: no program column, so every row would be rejected; add it\n`);
    const zh = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'zh'), '--lang', 'zh']);
    expect(zh.code).toBe(1);
    expect(zh.stderr).toBe(`subsidy: ${join(dir, 'r.csv')}: 没有 补贴项目 (program) 列, 每一行都会被拒绝; 请加上此列\n`);
    const env = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'env')], { SUBSIDY_LANG: 'zh' });
    expect(env.stderr).toBe(zh.stderr);
    // --lang on the command line wins over the environment.
    expect(cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'en2'), '--lang', 'en'], { SUBSIDY_LANG: 'zh' }).stderr).toBe(en.stderr);
  });

  it('calc: an unknown -j, a roster that is not there, --sheet of a CSV and an output folder that is a file', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'file'), 'x');
    const cases: [string[], string][] = [
      [['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji-city', '-o', join(dir, 'a')], 'subsidy: 未知地区"zhuji-city"; 可选: '],
      [['calc', join(dir, 'none.csv'), '-j', 'zhuji', '-o', join(dir, 'b')], `subsidy: ${join(dir, 'none.csv')}: 文件不存在 (请给出花名册 CSV 或工作簿)\n`],
      [['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '--sheet', '2', '-o', join(dir, 'c')], 'subsidy: --sheet 选工作簿 (.xlsx, .xls) 的一个工作表; fixtures/zhuji/roster.csv 不是工作簿\n'],
      [['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', join(dir, 'file')], `subsidy: ${join(dir, 'file')} 是文件, 不是文件夹\n`],
    ];
    for (const [args, said] of cases) {
      const r = cli([...args, '--lang', 'zh']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.startsWith(said), r.stderr).toBe(true);
    }
  });

  it('ZJ-01: decisions that cannot be read name file, row, column and value in Chinese; nothing is written', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'decisions.csv'), '文件,行号,补贴项目,审核结论\nfixtures/zhuji/roster.csv,10,cert_training,可以\nfixtures/zhuji/roster.csv,十,cert_training,同意\n');
    const r = cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', join(dir, 'out'), '--decisions', join(dir, 'decisions.csv'), '--lang', 'zh']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'subsidy: 审核结论文件有问题 (未作任何决定, 未写入):\n' +
        `${join(dir, 'decisions.csv')} 第 2 行, decision 列, 值"可以": 不是审核结论: 请写 同意 / approve 或 不同意 / deny\n` +
        `${join(dir, 'decisions.csv')} 第 3 行, row 列, 值"十": 不是花名册的行号\n`,
    );
  });

  it('ZJ-01: a ledger error raised in the run\'s own thread (a large roster under --memory-mb) crosses to the message in both languages', () => {
    const dir = tmp();
    const rows = ['身份证号码,姓名,补贴项目,结业日期,等级'];
    for (let i = 1; i <= 6000; i++) rows.push(`${residentId(i)},学员${i},cert_training,2020-06-10,L4`);
    writeFileSync(join(dir, 'r.csv'), rows.join('\n') + '\n');
    const ledger = join(dir, 'ledger.db');
    const first = cli(['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'first'), '--ledger', ledger, '--hash-ids'], { SUBSIDY_ID_SALT: 'salt-one' });
    expect(first.code, first.stderr).toBe(0);
    // ~300 KB of roster × 32 is past an 8 MB budget: the run (and the ledger's opening) is in a worker thread.
    const args = ['calc', join(dir, 'r.csv'), '-j', 'zhuji', '-o', join(dir, 'again'), '--ledger', ledger, '--memory-mb', '8'];
    expect(cli([...args, '--lang', 'zh'], { SUBSIDY_ID_SALT: 'salt-two' }).stderr).toBe('subsidy: SUBSIDY_ID_SALT 不是建此台账时所用的盐值\n');
    expect(cli(args, { SUBSIDY_ID_SALT: 'salt-two' }).stderr).toBe('subsidy: SUBSIDY_ID_SALT is not the salt this ledger was created with\n');
    expect(cli([...args, '--lang', 'zh']).stderr).toBe('subsidy: 此台账存的是散列后的身份证号: 请把 SUBSIDY_ID_SALT 设为建台账时所用的盐值\n');
  });

  it('check without a terminal, estimate with a --set it cannot apply, and ledger void of a run not there', () => {
    const dir = tmp();
    const check = cli(['check', '-j', 'zhuji', '--lang', 'zh']);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('subsidy: subsidy check 要逐项提问, 需要终端.');
    const estimate = cli(['estimate', '-j', 'zhuji', '--plan', 'fixtures/estimate/zhuji-departments.csv', '--set', 'cert_training.rate=40%', '-o', join(dir, 'est'), '--lang', 'zh']);
    expect(estimate.code).toBe(1);
    expect(estimate.stderr).toBe('subsidy: --set "cert_training.rate=40%": rate 是以元计的金额, 不是百分比\n');
    const ledger = join(dir, 'ledger.db');
    expect(cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', join(dir, 'out'), '--ledger', ledger]).code).toBe(0);
    const v = cli(['ledger', 'void', 'R-none', '--ledger', ledger], { SUBSIDY_LANG: 'zh' });
    expect(v.code).toBe(1);
    expect(v.stderr).toBe(`subsidy: ${ledger} 中没有批次"R-none" (见: subsidy ledger stats)\n`);
  });

  it('ZJ-01/ZJ-06: ledger show and stats print in Chinese under --lang zh (3,500.00 and 750.00 for 王芳\'s 电工 L4, columns aligned by display width)', () => {
    const dir = tmp();
    const ledger = join(dir, 'ledger.db');
    expect(cli(['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', join(dir, 'out'), '--ledger', ledger]).code).toBe(0);
    const show = cli(['ledger', 'show', '330681199001010015', '--ledger', ledger, '--lang', 'zh']);
    expect(show.code, show.stderr).toBe(0);
    const lines = show.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^2020-05-10  zhuji     cert_training              电工 L4              3,500\.00  批次 R\S+  fixtures\/zhuji\/roster\.csv 第 2 行$/);
    expect(lines[1]).toMatch(/^2020-05-10  zhuji     living_allowance           电工 L4                750\.00  批次 /);
    // 茶艺师 is three characters wide twice over: its amount still lines up with the others'.
    const endOf = (line: string, amount: string): number => displayWidth(line.slice(0, line.indexOf(amount) + amount.length));
    expect(endOf(lines[3]!, '900.00')).toBe(endOf(lines[0]!, '3,500.00'));
    expect(lines.at(-1)).toBe('4 笔申请, 7,950.00 元 (已作废批次不计)');
    const stats = cli(['ledger', 'stats', '--ledger', ledger], { SUBSIDY_LANG: 'zh' });
    expect(stats.stdout).toContain('按年度, 地区, 补贴项目汇总的核准申请 (已作废批次不计)\n');
    expect(stats.stdout).toContain('  2020  zhuji     living_allowance                   2 笔       2 人         1,350.00 元\n');
    expect(cli(['ledger', 'show', '110105199001010021', '--ledger', ledger, '--lang', 'zh']).stdout).toBe(`${ledger} 中没有 110105199001010021 的申请\n`);
  });

  it('a file an option or calc\'s arguments name that is not there, or is a folder, is said with the option, before any work (it was the system\'s ENOENT)', () => {
    const dir = tmp();
    const none = join(dir, 'none.csv');
    const cases: [string[], string][] = [
      [['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', join(dir, 'a'), '--catalog', none], `subsidy: ${none}: no such file (--catalog)\n`],
      [['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', join(dir, 'b'), '--decisions', none], `subsidy: ${none}: no such file (--decisions)\n`],
      [['estimate', '-j', 'zhuji', '--plan', none, '-o', join(dir, 'c')], `subsidy: ${none}: no such file (--plan)\n`],
      [['estimate', '-j', 'zhuji', '--roster', dir, '-o', join(dir, 'd')], `subsidy: ${dir}: a folder, not a file (--roster)\n`],
      [['estimate', '-j', 'zhuji', '--plan', 'fixtures/estimate/zhuji-departments.csv', '--scenario', none, '-o', join(dir, 'e')], `subsidy: ${none}: no such file (--scenario)\n`],
      [['check', '-j', 'zhuji', '--answers', none], `subsidy: ${none}: no such file (--answers)\n`],
      [['calc', 'fixtures/zhuji/roster.csv', '-j', 'zhuji', '-o', join(dir, 'i'), '--table', none], `subsidy: ${none}: no such file (--table)\n`],
      [['template', '-j', 'zhuji', '--table', dir], `subsidy: ${dir}: a folder, not a file (--table)\n`],
      // Reading tables only, as the run commands do (it was the loader's "cannot read: ENOENT: no such file or directory, open …").
      [['tables', 'list', '--table', none], `subsidy: ${none}: no such file (--table)\n`],
      [['tables', 'show', 'zhuji', '--table', none], `subsidy: ${none}: no such file (--table)\n`],
      [['rates', '--table', dir], `subsidy: ${dir}: a folder, not a file (--table)\n`],
      // calc's rosters are its arguments: said with what it wants in their place.
      [['calc', none, '-j', 'zhuji', '-o', join(dir, 'f')], `subsidy: ${none}: no such file (give a roster CSV or workbook)\n`],
      [['calc', dir, '-j', 'zhuji', '-o', join(dir, 'g')], `subsidy: ${dir}: a folder, not a file (give a roster CSV or workbook)\n`],
      // A file where a folder should be: the system's code, not its bare error (it was "ENOTDIR: not a directory, stat …").
      [['calc', 'package.json/roster.csv', '-j', 'zhuji', '-o', join(dir, 'h')], `subsidy: package.json/roster.csv: cannot be read (ENOTDIR; give a roster CSV or workbook)\n`],
    ];
    for (const [args, said] of cases) {
      const r = cli(args);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toBe(said);
      // Nothing was written: the check comes before the output folder is made.
      const out = args.indexOf('-o');
      if (out >= 0) expect(existsSync(args[out + 1]!)).toBe(false);
    }
    expect(cli([...cases[1]![0], '--lang', 'zh']).stderr).toBe(`subsidy: ${none}: 文件不存在 (--decisions)\n`);
    expect(cli([...cases[11]![0], '--lang', 'zh']).stderr).toBe(`subsidy: ${none}: 文件不存在 (请给出花名册 CSV 或工作簿)\n`);
    expect(cli([...cases[13]![0], '--lang', 'zh']).stderr).toBe('subsidy: package.json/roster.csv: 无法读取 (ENOTDIR; 请给出花名册 CSV 或工作簿)\n');
  });

  it('--help is in Chinese under --lang zh (before or after it, --lang=zh too) or SUBSIDY_LANG=zh, headings and exit codes included; English otherwise', () => {
    const zh = cli(['calc', '--help', '--lang', 'zh']);
    expect(zh.code).toBe(0);
    expect(zh.stdout).toContain('用法: subsidy calc [选项] <rosters...>');
    expect(zh.stdout).toMatch(/\n {2}-o, --out <dir> +输出文件夹 \(默认: "subsidy-out"\)\n/);
    expect(zh.stdout).toContain('表头和提示的语言 (可选: "en", "zh", 默认: "en")');
    expect(cli(['calc', '--lang=zh', '--help']).stdout).toBe(zh.stdout);
    const root = cli(['--help'], { SUBSIDY_LANG: 'zh' });
    expect(root.stdout).toContain('\n退出码:\n  0  完成 (被拒绝的行, 如有, 在 rejects.csv 中)\n');
    expect(root.stdout).toMatch(/\n {2}ledger +申领台账中的内容 \(--ledger 同 calc\)\n/);
    // --lang en on the command line wins over the environment; without either, English as before.
    expect(cli(['ledger', 'show', '--help', '--lang', 'en'], { SUBSIDY_LANG: 'zh' }).stdout).toContain("one person's (or unit's) claims, voided runs marked");
    expect(cli(['--help']).stdout).toContain('Usage: subsidy [options] [command]');
  });

  it("the command line's own errors (commander's) are in Chinese too under --lang zh, with what was typed; English otherwise", () => {
    const said = (args: string[], env: Record<string, string> = {}): string => {
      const r = cli(args, env);
      expect(r.code).toBe(1);
      return r.stderr;
    };
    expect(said(['calc', 'fixtures/zhuji/roster.csv', '--stirct', '--lang', 'zh'])).toBe("错误: 未知选项 '--stirct'\n(是否想用 --strict?)\n(用 --help 查看用法)\n");
    expect(said(['calc', '--lang', 'zh'])).toBe("错误: 缺少必需的参数 'rosters'\n(用 --help 查看用法)\n");
    expect(said(['estimate', '--plan', 'p.csv'], { SUBSIDY_LANG: 'zh' })).toBe("错误: 未给出必需的选项 '-j, --jurisdiction <code>'\n(用 --help 查看用法)\n");
    expect(said(['calc', 'r.csv', '--lang', 'fr'], { SUBSIDY_LANG: 'zh' })).toBe("错误: 选项 '--lang <lang>' 的取值 'fr' 无效. 可选: en, zh.\n(用 --help 查看用法)\n");
    expect(said(['calc', 'r.csv', '--workers', '0', '--lang', 'zh'])).toBe("错误: 选项 '--workers <n>' 的取值 '0' 无效. 1 到 64 的整数\n(用 --help 查看用法)\n");
    expect(said(['tables', 'show', 'zhuji', 'xihu'], { SUBSIDY_LANG: 'zh' })).toBe("错误: 'show' 的参数过多: 应为 1 个, 给了 2 个.\n(用 --help 查看用法)\n");
    expect(said(['calc', 'fixtures/zhuji/roster.csv', '--stirct'])).toBe("error: unknown option '--stirct'\n(Did you mean --strict?)\n(run with --help for usage)\n");
  });
});
