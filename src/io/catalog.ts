// Catalogue files (--catalog): occupation × level → standard in yuan, optionally per jurisdiction and programme.
import { Catalogue, type CatalogueEntry } from '../engine/catalogue.js';
import { FIELD_BY_NAME } from '../engine/fields.js';
import { parseCell } from '../engine/intake.js';
import { type EncodingChoice, RosterError, type SheetCopies, readRoster, titleNote } from './roster.js';

/** `copies`: the catalogues given as workbooks, read from their sheet's copy. */
export async function readCatalogue(files: string[], encoding: EncodingChoice, copies?: SheetCopies): Promise<Catalogue> {
  const entries: CatalogueEntry[] = [];
  const problems: string[] = [];
  for (const file of files) {
    for await (const rec of readRoster(file, encoding, (h) => {
      const titles = titleNote(h);
      if (titles) process.stderr.write(`${titles}\n`);
      for (const need of ['occupation', 'standard']) {
        if (!h.fields.includes(need)) throw new RosterError(`${file}: a catalogue needs the column "${need}" (${FIELD_BY_NAME.get(need)!.zh})`);
      }
    }, undefined, copies)) {
      if (rec.skipped) continue; // ",,,," under a spreadsheet's data, or its 合计 row: no entry
      if (rec.unreadable !== undefined) {
        problems.push(`${file} row ${rec.row}: ${rec.unreadable.en}`);
        continue;
      }
      const get = (name: string): string | undefined => {
        const raw = rec.cells.get(name);
        if (raw === undefined) return undefined;
        const p = parseCell(FIELD_BY_NAME.get(name)!, raw);
        if (!p.ok) {
          problems.push(`${file} row ${rec.row}, column ${name}, value "${raw}": ${p.reason.en}`);
          return undefined;
        }
        return String(p.value);
      };
      const occupation = get('occupation');
      const standard = get('standard');
      if (occupation === undefined || standard === undefined) {
        if (!problems.some((p) => p.startsWith(`${file} row ${rec.row},`))) problems.push(`${file} row ${rec.row}: occupation and standard are required`);
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
  if (problems.length) throw new RosterError(`catalogue problems:\n${problems.join('\n')}`);
  return new Catalogue(entries);
}
