// Roster reading: encoding detection (UTF-8 ± BOM, GBK/GB18030), CSV records, header aliases → raw cells by field.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { HEADER_ALIASES, normaliseToken } from '../engine/fields.js';

export type EncodingChoice = 'auto' | 'utf8' | 'gb18030';

export interface RosterRecord {
  file: string;
  /** Spreadsheet row number: the header is row 1. */
  row: number;
  /** Raw cell text by canonical field name; only columns the header maps. */
  cells: Map<string, string>;
  /** Set when the CSV row itself could not be read (e.g. an unclosed quote): the row is rejected, the run goes on. */
  unreadable?: string;
}

export interface RosterHeader {
  file: string;
  encoding: 'utf8' | 'gb18030';
  /** Canonical field of each column ("" for a column nobody reads). */
  fields: string[];
  ignored: string[];
}

export class RosterError extends Error {}

const SAMPLE_BYTES = 64 * 1024;

/** UTF-8 if the sample decodes strictly (a BOM settles it); otherwise GB18030, a superset of GBK that Excel on Chinese Windows writes. */
export function detectEncoding(sample: Buffer): 'utf8' | 'gb18030' {
  if (sample.length >= 3 && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf8';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return 'utf8';
  } catch {
    return 'gb18030';
  }
}

/** Read the first bytes for detection, then yield every chunk including those. */
async function* peeked(source: Readable, onSample: (sample: Buffer) => void): AsyncGenerator<Buffer> {
  const held: Buffer[] = [];
  let size = 0;
  let sampled = false;
  for await (const chunk of source) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    if (sampled) {
      yield buf;
      continue;
    }
    held.push(buf);
    size += buf.length;
    if (size >= SAMPLE_BYTES) {
      sampled = true;
      onSample(Buffer.concat(held));
      yield* held;
    }
  }
  if (!sampled) {
    onSample(Buffer.concat(held));
    yield* held;
  }
}

/** Map header cells to fields. Unknown headers are reported, not fatal; a field named twice is. */
export function mapHeader(file: string, cells: string[]): { fields: string[]; ignored: string[] } {
  const fields: string[] = [];
  const ignored: string[] = [];
  const seen = new Map<string, number>();
  cells.forEach((cell, i) => {
    const field = HEADER_ALIASES.get(normaliseToken(cell)) ?? '';
    if (!field && cell.trim()) ignored.push(cell.trim());
    if (field && seen.has(field)) {
      throw new RosterError(`${file}: columns ${seen.get(field)! + 1} and ${i + 1} both mean "${field}" (headers "${cells[seen.get(field)!]}" and "${cell}")`);
    }
    if (field) seen.set(field, i);
    fields.push(field);
  });
  return { fields, ignored };
}

/**
 * Stream a roster's records. `file` "-" reads standard input.
 * The header callback runs once before the first record.
 */
export async function* readRoster(file: string, encoding: EncodingChoice, onHeader: (h: RosterHeader) => void): AsyncGenerator<RosterRecord> {
  const source: Readable = file === '-' ? process.stdin : createReadStream(file);
  let chosen: 'utf8' | 'gb18030' = encoding === 'auto' ? 'utf8' : encoding;
  const bytes = peeked(source, (sample) => {
    if (encoding === 'auto') chosen = detectEncoding(sample);
  });
  const decoded = decode(bytes, () => chosen);
  // relax_quotes: a quote inside an unquoted cell (=HYPERLINK("x")) is text; a record that is still broken
  // is skipped by the parser and reported here as an unreadable row, so one bad line never stops the run.
  const parser = parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true, skip_records_with_error: true });
  const skipped: RosterRecord[] = [];
  parser.on('skip', (err: Error & { lines?: number }) => {
    skipped.push({ file: file === '-' ? '(stdin)' : file, row: err.lines ?? 0, cells: new Map(), unreadable: err.message });
  });
  const feed = (async () => {
    try {
      for await (const text of decoded) if (!parser.write(text)) await new Promise((r) => parser.once('drain', r));
      parser.end();
    } catch (e) {
      parser.destroy(e as Error);
    }
  })();
  let header: RosterHeader | undefined;
  const label = file === '-' ? '(stdin)' : file;
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      while (skipped.length) yield skipped.shift()!;
      if (!header) {
        const mapped = mapHeader(label, rec.record);
        header = { file: label, encoding: chosen, ...mapped };
        onHeader(header);
        continue;
      }
      const cells = new Map<string, string>();
      header.fields.forEach((f, i) => {
        const v = rec.record[i];
        if (f && v !== undefined && v.trim() !== '') cells.set(f, v.trim());
      });
      yield { file: label, row: rec.info.lines, cells };
    }
  } catch (e) {
    if (e instanceof RosterError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new RosterError(`${label}: no such file`);
    throw new RosterError(`${label}: cannot read as CSV: ${err.message}`);
  }
  await feed;
  while (skipped.length) yield skipped.shift()!;
  if (!header) throw new RosterError(`${label}: empty file (no header row)`);
}

/** Decode byte chunks with the encoding decided after the first chunk was seen. */
async function* decode(bytes: AsyncGenerator<Buffer>, encodingOf: () => 'utf8' | 'gb18030'): AsyncGenerator<string> {
  let decoder: ReturnType<typeof iconv.getDecoder> | undefined;
  for await (const chunk of bytes) {
    decoder ??= iconv.getDecoder(encodingOf(), { stripBOM: true });
    const s = decoder.write(chunk);
    if (s) yield s;
  }
  const rest = decoder?.end();
  if (rest) yield rest;
}
