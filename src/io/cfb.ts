// Reading a compound file (OLE2, [MS-CFB]): the container of an Excel 97–2003 workbook (.xls), a WPS one (.et), and of a password-protected .xlsx.
import { readFileSync } from 'node:fs';
import { BilingualError } from '../engine/bilingualError.js';

/** A file that is not a compound file that can be read (damaged or cut short). */
export class CfbError extends BilingualError {}

const MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const END_OF_CHAIN = 0xfffffffe;
const FREE = 0xffffffff;
/** Sector numbers at or above this are markers (end of chain, free, FAT or DIFAT sector), never data. */
const MAX_SECTOR = 0xfffffffa;
const DIR_ENTRY = 128;

/** True when `first` (a file's first bytes) begins as a compound file does. */
export const looksLikeCfb = (first: Uint8Array): boolean => MAGIC.every((b, i) => first[i] === b);

/** A stream of the file: its name and its bytes. */
export interface CfbStream {
  name: string;
  data: Buffer;
}

/**
 * Every stream of the compound file `path`, read whole, by name (upper-cased: names compare without case), the
 * storage it sits in ignored: a workbook's streams sit at the root. A workbook holds at most 65 536 rows a sheet, so
 * the file is small enough to read at once.
 */
export function cfbStreams(path: string): Map<string, CfbStream> {
  return streamsOf(readFileSync(path));
}

export function streamsOf(file: Buffer): Map<string, CfbStream> {
  if (!looksLikeCfb(file)) throw new CfbError('not a compound file (it does not start as one)', '不是复合文档 (开头不像)');
  if (file.length < 512) throw new CfbError(`it is ${file.length} bytes, shorter than a compound file's header (512): the file is cut short`, `只有 ${file.length} 字节, 比复合文档的文件头 (512) 还短: 文件被截断`);
  const shift = file.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) throw new CfbError(`its header gives a sector size of 2^${shift} bytes (512 or 4096 expected)`, `文件头给出的扇区大小为 2^${shift} 字节 (应为 512 或 4096)`);
  const size = 1 << shift;
  const sectors = Math.floor((file.length - size) / size);
  const sectorAt = (n: number): number => {
    if (n >= sectors) throw new CfbError(`it refers to sector ${n}, past its end (${sectors} sectors): the file is cut short or damaged`, `引用了第 ${n} 扇区, 超出了末尾 (共 ${sectors} 个扇区): 文件被截断或已损坏`);
    return (n + 1) * size;
  };

  // The FAT: the next sector of every sector's chain. Its own sectors are listed by the header (109) and the DIFAT chain.
  const fatSectors: number[] = [];
  for (let i = 0; i < 109; i++) {
    const s = file.readUInt32LE(0x4c + i * 4);
    if (s <= MAX_SECTOR) fatSectors.push(s);
  }
  const perSector = size / 4;
  for (let d = file.readUInt32LE(0x44), seen = 0; d <= MAX_SECTOR; seen++) {
    if (seen > sectors) throw new CfbError('its DIFAT chain loops: the file is damaged', '其 DIFAT 链成环: 文件已损坏');
    const at = sectorAt(d);
    for (let i = 0; i < perSector - 1; i++) {
      const s = file.readUInt32LE(at + i * 4);
      if (s <= MAX_SECTOR) fatSectors.push(s);
    }
    d = file.readUInt32LE(at + (perSector - 1) * 4);
  }
  const fat = new Uint32Array(fatSectors.length * perSector);
  fatSectors.forEach((s, k) => {
    const at = sectorAt(s);
    for (let i = 0; i < perSector; i++) fat[k * perSector + i] = file.readUInt32LE(at + i * 4);
  });

  /** The sectors of the chain starting at `first`, in order. */
  const chain = (first: number, next: Uint32Array, limit: number, what: string): number[] => {
    const out: number[] = [];
    for (let s = first; s !== END_OF_CHAIN; s = next[s]!) {
      if (s > MAX_SECTOR || s >= next.length || s === FREE) throw new CfbError(`the chain of ${what} breaks at sector ${s}: the file is damaged`, `${what} 的扇区链在第 ${s} 扇区处断开: 文件已损坏`);
      if (out.length >= limit) throw new CfbError(`the chain of ${what} is longer than the file has sectors (it loops, or the file is cut short)`, `${what} 的扇区链比文件的扇区还多 (成环, 或文件被截断)`);
      out.push(s);
    }
    return out;
  };
  /** The bytes of the chain starting at `first`. */
  const chainBytes = (first: number, what: string): Buffer => Buffer.concat(chain(first, fat, sectors, what).map((s) => file.subarray(sectorAt(s), sectorAt(s) + size)));
  const read = (first: number, length: number, what: string): Buffer => {
    const data = chainBytes(first, what);
    if (data.length < length) throw new CfbError(`${what} is ${length} bytes but its sectors hold ${data.length}: the file is cut short or damaged`, `${what} 应有 ${length} 字节, 其扇区只有 ${data.length}: 文件被截断或已损坏`);
    return data.subarray(0, length);
  };

  const dir = chainBytes(file.readUInt32LE(0x30), 'the directory');
  const entries: { name: string; type: number; start: number; size: number }[] = [];
  for (let at = 0; at + DIR_ENTRY <= dir.length; at += DIR_ENTRY) {
    const nameBytes = Math.min(64, dir.readUInt16LE(at + 0x40));
    const type = dir[at + 0x42]!;
    if (type === 0) continue; // an unused entry
    const name = dir.toString('utf16le', at, at + Math.max(0, nameBytes - 2));
    // Version 3 files keep only the low 32 bits of a size (the high ones may hold garbage).
    const size32 = dir.readUInt32LE(at + 0x78);
    const high = shift === 9 ? 0 : dir.readUInt32LE(at + 0x7c);
    entries.push({ name, type, start: dir.readUInt32LE(at + 0x74), size: high * 2 ** 32 + size32 });
  }
  const root = entries.find((e) => e.type === 5);
  if (!root) throw new CfbError('it has no root entry: the file is damaged', '没有根目录项: 文件已损坏');

  // Streams below the cutoff (4096 bytes) are kept in 64-byte pieces of the mini stream, which the root entry holds.
  const cutoff = file.readUInt32LE(0x38);
  let mini: { stream: Buffer; next: Uint32Array } | undefined;
  const miniOf = (): { stream: Buffer; next: Uint32Array } => {
    if (mini) return mini;
    const stream = root.start > MAX_SECTOR ? Buffer.alloc(0) : read(root.start, root.size, 'the mini stream');
    const miniFatStart = file.readUInt32LE(0x3c);
    const table = miniFatStart > MAX_SECTOR ? Buffer.alloc(0) : chainBytes(miniFatStart, 'the mini FAT');
    const next = new Uint32Array(table.length / 4);
    for (let i = 0; i < next.length; i++) next[i] = table.readUInt32LE(i * 4);
    mini = { stream, next };
    return mini;
  };

  const out = new Map<string, CfbStream>();
  for (const e of entries) {
    if (e.type !== 2) continue;
    let data: Buffer;
    if (e.size === 0) data = Buffer.alloc(0);
    else if (e.size < cutoff) {
      const m = miniOf();
      const pieces = chain(e.start, m.next, m.next.length, `the stream ${e.name}`).map((s) => {
        if ((s + 1) * 64 > m.stream.length) throw new CfbError(`the stream ${e.name} refers past the mini stream's end: the file is damaged`, `数据流 ${e.name} 引用到迷你流末尾之外: 文件已损坏`);
        return m.stream.subarray(s * 64, (s + 1) * 64);
      });
      data = Buffer.concat(pieces);
      if (data.length < e.size) throw new CfbError(`the stream ${e.name} is ${e.size} bytes but its pieces hold ${data.length}: the file is damaged`, `数据流 ${e.name} 应有 ${e.size} 字节, 其各段只有 ${data.length}: 文件已损坏`);
      data = data.subarray(0, e.size);
    } else data = read(e.start, e.size, `the stream ${e.name}`);
    if (!out.has(e.name.toUpperCase())) out.set(e.name.toUpperCase(), { name: e.name, data });
  }
  return out;
}
