// `subsidy template`: an empty roster whose header has the columns a jurisdiction's programmes read, in English or Chinese (CSV or a workbook).
import { existsSync } from 'node:fs';
import { rosterColumns } from '../../engine/columns.js';
import { FIELD_BY_NAME } from '../../engine/fields.js';
import { findProgram, findTable } from '../../engine/intake.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { BOM, csvRow, type Lang } from '../../io/csvOut.js';
import { type TemplateColumn, templateWorkbook } from '../../io/templateBook.js';
import type { Table } from '../../tables/schema.js';
import { runTables } from '../inputs.js';
import { UsageError, programNotInTable, unknownJurisdiction } from '../errors.js';

export interface TemplateOptions {
  jurisdiction?: string;
  program?: string;
  lang: Lang;
  out?: string;
  table: string[];
}

export async function template(opts: TemplateOptions): Promise<number> {
  const tables = await runTables(opts.table);
  const table = opts.jurisdiction === undefined ? undefined : findTable(tables, opts.jurisdiction);
  if (opts.jurisdiction !== undefined && !table) throw unknownJurisdiction(opts.jurisdiction, tables.keys());
  let program: string | undefined;
  if (opts.program !== undefined) {
    if (!table) throw new UsageError('--program goes with -j (the programme is one of that table)', '--program 须与 -j 同用 (补贴项目是该地区表中的一项)');
    program = findProgram(table, opts.program)?.id;
    if (!program) throw programNotInTable(table, opts.program);
  }
  const columns = rosterColumns(table ? [table] : [...tables.values()], program);
  // Chinese headers are the ones the reader takes (FieldDef.zh), so a template filled in reads back as it is.
  const header = csvRow(columns.map((f) => (opts.lang === 'zh' ? FIELD_BY_NAME.get(f)!.zh : f)));
  if (opts.out) {
    // A file already there is most likely a roster being filled in: an empty template must not replace it.
    if (existsSync(opts.out)) throw new UsageError(`${opts.out} already exists; a template is written only to a new file (choose another name)`, `${opts.out} 已存在; 模板只写入新文件 (请换一个文件名)`);
    // An old-format name would get CSV text Excel opens only after a warning: the formats written are .xlsx and CSV.
    if (/\.(xls|xlsm|xlsb|et|ods)$/i.test(opts.out)) throw new UsageError(`${opts.out}: a template is written as .xlsx (a workbook) or as CSV; name the file .xlsx or .csv`, `${opts.out}: 模板写为 .xlsx (工作簿) 或 CSV; 请把文件名取为 .xlsx 或 .csv`);
    if (/\.xlsx$/i.test(opts.out)) writeFileAtomic(opts.out, templateWorkbook(columns.map((f) => templateColumn(f, opts.lang, table ? [table] : [...tables.values()])), workbookText(opts.lang)));
    else writeFileAtomic(opts.out, BOM + header);
    process.stderr.write(
      opts.lang === 'zh'
        ? `已写入 ${opts.out}: ${columns.length} 列${table ? `, ${table.code}` : ''}${program ? ` (${program})` : ''}; 可填的值: subsidy tables show ${table?.code ?? '<code>'}\n`
        : `wrote ${opts.out}: ${columns.length} columns${table ? ` for ${table.code}` : ''}${program ? ` (${program})` : ''}; values: subsidy tables show ${table?.code ?? '<code>'}\n`,
    );
  } else {
    // A BOM only into a file (a redirect): Excel needs it to read the Chinese headers; a terminal shows it as noise.
    process.stdout.write((process.stdout.isTTY ? '' : BOM) + header);
  }
  return 0;
}

const workbookText = (lang: Lang): Parameters<typeof templateWorkbook>[1] =>
  lang === 'zh'
    ? { sheet: '花名册', lists: '取值', notInList: { title: '不在列表中', text: '该值不在下拉列表中。其他写法也可能被读取, 但请核对 (subsidy tables show 可查看各项取值)。' } }
    : { sheet: 'roster', lists: 'values', notInList: { title: 'Not in the list', text: 'This value is not in the drop-down list. Other spellings may be read too, but check it (subsidy tables show lists the values).' } };

/**
 * A column of the workbook template: codes, IDs and categories kept as text, dates as dates; the values a column
 * takes (its programmes, levels, kinds, yes/no, jurisdictions) in a drop-down list, in the language of the headers,
 * each one the reader takes back (tested); several at once (人员类别) explained instead.
 */
function templateColumn(name: string, lang: Lang, tables: Table[]): TemplateColumn {
  const f = FIELD_BY_NAME.get(name)!;
  const zh = lang === 'zh';
  const header = zh ? f.zh : f.name;
  const format = f.kind === 'date' ? 'date' : f.kind === 'int' || f.kind === 'money' ? 'general' : 'text';
  let choices: string[] | undefined;
  if (name === 'program' && tables.length === 1) choices = tables[0]!.programs.map((p) => (zh ? p.name.zh : p.id));
  else if (name === 'jurisdiction') choices = tables.map((t) => t.code);
  else if (f.kind === 'enum' || f.kind === 'level') choices = f.values!.map((v) => (zh ? v.zh : v.code));
  else if (f.kind === 'bool') choices = zh ? ['是', '否'] : ['yes', 'no'];
  const prompt =
    f.kind === 'set'
      ? zh
        ? `可填多项, 用 ; 分隔, 如 ${f.values!.slice(0, 2).map((v) => v.zh).join(';')}。可选: ${f.values!.map((v) => v.zh).join(', ')}`
        : `Several allowed, separated by ; as in ${f.values!.slice(0, 2).map((v) => v.code).join(';')}. Values: ${f.values!.map((v) => v.code).join(', ')}`
      : f.kind === 'id'
        ? zh ? '18 位身份证号码, 按文本保存' : '18-character resident ID, kept as text'
        : undefined;
  const longest = Math.max(header.length * (zh ? 2 : 1), ...(choices ?? []).map((c) => c.length * (zh ? 2 : 1)));
  return { header, format, choices, prompt, width: f.kind === 'id' ? 22 : Math.min(50, Math.max(10, longest + 2)) };
}
