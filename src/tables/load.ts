// Load and validate rate tables: YAML or JSON files, every problem named by file, path and line.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { DATA_DIR, type TableProblem, TableError, listTableFiles } from './files.js';
import { type Table, tableSchema } from './schema.js';

export { DATA_DIR, type TableProblem, TableError, formatProblem, listTableFiles } from './files.js';

/** Parse and validate one table file; returns the table or every problem found (zod issues as data, formatted elsewhere). */
export function checkTableFile(file: string): { table?: Table; problems: TableProblem[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { problems: [{ file, path: '', message: `cannot read: ${(e as Error).message}` }] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length) {
    return {
      problems: doc.errors.map((e) => ({ file, path: '', line: e.linePos?.[0]?.line, message: e.message.split('\n')[0] ?? e.message })),
    };
  }
  const parsed = tableSchema.safeParse(doc.toJS());
  if (parsed.success) {
    const expected = basename(file).replace(/\.(ya?ml|json)$/, '');
    if (file.startsWith(DATA_DIR) && expected !== parsed.data.code) {
      return { problems: [{ file, path: 'code', message: `code "${parsed.data.code}" must match the file name "${expected}"` }] };
    }
    return { table: parsed.data, problems: [] };
  }
  return {
    problems: flattenUnions(parsed.error.issues).map((issue) => {
      const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
      const node = doc.getIn(issue.path as (string | number)[], true) as { range?: [number, number, number] } | undefined;
      const line = node?.range ? lineCounter.linePos(node.range[0]).line : nearestLine(doc, issue.path as (string | number)[], lineCounter);
      return { file, path, line, message: issue.message };
    }),
  };
}

/** Line of the deepest existing ancestor of a path (a missing key is reported at its parent). */
function nearestLine(doc: ReturnType<typeof parseDocument>, path: (string | number)[], lc: LineCounter): number | undefined {
  for (let n = path.length - 1; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return lc.linePos(node.range[0]).line;
  }
  return undefined;
}

export function loadTableFile(file: string): Table {
  const { table, problems } = checkTableFile(file);
  if (!table) throw new TableError(problems);
  return table;
}

/** All shipped tables, plus user tables (--table), keyed by code. A user table may not shadow a shipped one silently. */
export function loadTables(extra: readonly string[] = [], dir = DATA_DIR): Map<string, Table> {
  const tables = new Map<string, Table>();
  const problems: TableProblem[] = [];
  for (const file of listTableFiles(dir)) {
    const r = checkTableFile(file);
    if (r.table) tables.set(r.table.code, r.table);
    problems.push(...r.problems);
  }
  for (const file of extra) {
    const r = checkTableFile(file);
    problems.push(...r.problems);
    if (!r.table) continue;
    if (tables.has(r.table.code)) problems.push({ file, path: 'code', message: `jurisdiction "${r.table.code}" is already shipped in data/; give the user table its own code` });
    else tables.set(r.table.code, r.table);
  }
  if (problems.length) throw new TableError(problems);
  return tables;
}

type Issue = { path: PropertyKey[]; message: string; code?: string; errors?: Issue[][] };

/**
 * zod reports a failed union as one "Invalid input". Report instead the branch that got furthest:
 * the one whose problems are not just "this is the wrong kind of value" at the union itself.
 */
function flattenUnions(issues: readonly Issue[]): Issue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union' || !issue.errors?.length) return [issue];
    const branches = issue.errors.map((b) => b.map((i) => ({ ...i, path: [...issue.path, ...i.path] })));
    const atRoot = (b: Issue[]): boolean => b.every((i) => i.code === 'invalid_type' && i.path.length === issue.path.length);
    const best = branches.filter((b) => !atRoot(b)).sort((a, b) => a.length - b.length)[0];
    return best ? flattenUnions(best) : [issue];
  });
}
