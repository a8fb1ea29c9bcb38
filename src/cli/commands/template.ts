// `subsidy template`: an empty roster whose header has the columns a jurisdiction's programmes read, in English or Chinese.
import { existsSync } from 'node:fs';
import { rosterColumns } from '../../engine/columns.js';
import { FIELD_BY_NAME } from '../../engine/fields.js';
import { findProgram, findTable, unknownProgram } from '../../engine/intake.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { BOM, csvRow, type Lang } from '../../io/csvOut.js';
import { loadRunTables } from '../../tables/shipped.js';
import { UsageError } from '../errors.js';

export interface TemplateOptions {
  jurisdiction?: string;
  program?: string;
  lang: Lang;
  out?: string;
  table: string[];
}

export async function template(opts: TemplateOptions): Promise<number> {
  const tables = await loadRunTables(opts.table);
  const known = [...tables.keys()].join(', ');
  const table = opts.jurisdiction === undefined ? undefined : findTable(tables, opts.jurisdiction);
  if (opts.jurisdiction !== undefined && !table) throw new UsageError(`unknown jurisdiction "${opts.jurisdiction}"; known: ${known}`);
  let program: string | undefined;
  if (opts.program !== undefined) {
    if (!table) throw new UsageError('--program goes with -j (the programme is one of that table)');
    program = findProgram(table, opts.program)?.id;
    if (!program) throw new UsageError(`programme "${opts.program}": ${unknownProgram(table).en}`);
  }
  const columns = rosterColumns(table ? [table] : [...tables.values()], program);
  // Chinese headers are the ones the reader takes (FieldDef.zh), so a template filled in reads back as it is.
  const header = csvRow(columns.map((f) => (opts.lang === 'zh' ? FIELD_BY_NAME.get(f)!.zh : f)));
  if (opts.out) {
    // A file already there is most likely a roster being filled in: an empty template must not replace it.
    if (existsSync(opts.out)) throw new UsageError(`${opts.out} already exists; a template is written only to a new file (choose another name)`);
    writeFileAtomic(opts.out, BOM + header);
    process.stderr.write(`wrote ${opts.out}: ${columns.length} columns${table ? ` for ${table.code}` : ''}${program ? ` (${program})` : ''}; values: subsidy tables show ${table?.code ?? '<code>'}\n`);
  } else {
    // A BOM only into a file (a redirect): Excel needs it to read the Chinese headers; a terminal shows it as noise.
    process.stdout.write((process.stdout.isTTY ? '' : BOM) + header);
  }
  return 0;
}
