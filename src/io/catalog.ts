// Catalogue files (--catalog): occupation × level → standard in yuan, optionally per jurisdiction and programme.
import { Catalogue, type CatalogueEntry } from '../engine/catalogue.js';
import { FIELD_BY_NAME } from '../engine/fields.js';
import { parseCell } from '../engine/intake.js';
import type { Bilingual } from '../engine/types.js';
import { type EncodingChoice, RosterError, type SheetCopies, readRoster, titleNote } from './roster.js';

/** `copies`: the catalogues given as workbooks, read from their sheet's copy. */
export async function readCatalogue(files: string[], encoding: EncodingChoice, copies?: SheetCopies): Promise<Catalogue> {
  const entries: CatalogueEntry[] = [];
  const problems: Bilingual[] = [];
  for (const file of files) {
    for await (const rec of readRoster(file, encoding, (h) => {
      const titles = titleNote(h);
      if (titles) process.stderr.write(`${titles}\n`);
      for (const need of ['occupation', 'standard']) {
        const zh = FIELD_BY_NAME.get(need)!.zh;
        if (!h.fields.includes(need)) throw new RosterError(`${file}: a catalogue needs the column "${need}" (${zh})`, `${file}: 目录须有"${zh}" (${need}) 列`);
      }
    }, undefined, copies)) {
      if (rec.skipped) continue; // ",,,," under a spreadsheet's data, or its 合计 row: no entry
      if (rec.unreadable !== undefined) {
        problems.push({ en: `${file} row ${rec.row}: ${rec.unreadable.en}`, zh: `${file} 第 ${rec.row} 行: ${rec.unreadable.zh}` });
        continue;
      }
      const get = (name: string): string | undefined => {
        const raw = rec.cells.get(name);
        if (raw === undefined) return undefined;
        const p = parseCell(FIELD_BY_NAME.get(name)!, raw);
        if (!p.ok) {
          problems.push({ en: `${file} row ${rec.row}, column ${name}, value "${raw}": ${p.reason.en}`, zh: `${file} 第 ${rec.row} 行, ${name} 列, 值"${raw}": ${p.reason.zh}` });
          return undefined;
        }
        return String(p.value);
      };
      const occupation = get('occupation');
      const standard = get('standard');
      if (occupation === undefined || standard === undefined) {
        if (!problems.some((p) => p.en.startsWith(`${file} row ${rec.row},`))) {
          problems.push({ en: `${file} row ${rec.row}: occupation and standard are required`, zh: `${file} 第 ${rec.row} 行: 职业 和 补贴标准 都须填写` });
        }
        continue;
      }
      entries.push({
        jurisdiction: rec.cells.get('jurisdiction')?.trim().toLowerCase() ?? '',
        program: rec.cells.get('program')?.trim() ?? '',
        occupation,
        level: get('level') ?? '',
        standardFen: Number(standard),
      });
    }
  }
  if (problems.length) {
    throw new RosterError(`catalogue problems:\n${problems.map((p) => p.en).join('\n')}`, `补贴标准目录有问题:\n${problems.map((p) => p.zh).join('\n')}`);
  }
  return new Catalogue(entries);
}
