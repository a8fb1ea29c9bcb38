// Reading a zip file's entries (a workbook is one): the central directory, and an entry whole or as a stream.
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { createInflateRaw, inflateRawSync } from 'node:zlib';
import { BilingualError } from '../engine/bilingualError.js';

export interface ZipEntry {
  name: string;
  /** 0: stored, 8: deflated (the two a workbook uses). */
  method: number;
  compressedSize: number;
  size: number;
  /** The CRC-32 of its data, as the directory gives it. */
  crc: number;
  /** Where its local header starts. */
  headerAt: number;
  encrypted: boolean;
}

/** A file that is not a zip file that can be read (damaged, cut short, or of a kind this reader does not take). */
export class ZipError extends BilingualError {}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** The end record is 22 bytes and may be followed by a comment of up to 65535. */
const TAIL = 22 + 0xffff;

function readAt(fd: number, at: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, at + got);
    if (n === 0) throw new ZipError('the file ends early (cut short while copying?)', '文件提前结束 (复制时被截断?)');
    got += n;
  }
  return buf;
}

/** A 64-bit size or offset, which a workbook of under 9 PB fits in a double exactly. */
const u64 = (b: Buffer, at: number): number => Number(b.readBigUInt64LE(at));

/** The entries of the zip file `path`, by name. */
export function zipEntries(path: string): Map<string, ZipEntry> {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const tailAt = Math.max(0, size - TAIL);
    const tail = readAt(fd, tailAt, size - tailAt);
    let end = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        end = i;
        break;
      }
    }
    if (end < 0) throw new ZipError('no zip directory at its end (the file is damaged or cut short)', '文件末尾没有 zip 目录 (文件已损坏或被截断)');
    let count = tail.readUInt16LE(end + 10);
    let dirSize = tail.readUInt32LE(end + 12);
    let dirAt = tail.readUInt32LE(end + 16);
    // ZIP64: the real figures are in a record the locator just before the end record points to.
    if ((dirAt === 0xffffffff || count === 0xffff) && end >= 20 && tail.readUInt32LE(end - 20) === ZIP64_LOCATOR) {
      const z = readAt(fd, u64(tail, end - 20 + 8), 56);
      if (z.readUInt32LE(0) !== ZIP64_EOCD) throw new ZipError('its ZIP64 directory record is damaged', '其 ZIP64 目录记录已损坏');
      count = u64(z, 32);
      dirSize = u64(z, 40);
      dirAt = u64(z, 48);
    }
    if (dirAt + dirSize > size) throw new ZipError('its directory points past the end of the file (cut short?)', '其目录指向文件末尾之外 (被截断?)');
    const dir = readAt(fd, dirAt, dirSize);
    const entries = new Map<string, ZipEntry>();
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at + 46 > dir.length || dir.readUInt32LE(at) !== CENTRAL) throw new ZipError('its directory is damaged', '其目录已损坏');
      const flags = dir.readUInt16LE(at + 8);
      const nameLength = dir.readUInt16LE(at + 28);
      const extraLength = dir.readUInt16LE(at + 30);
      const commentLength = dir.readUInt16LE(at + 32);
      const name = dir.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength);
      let compressedSize = dir.readUInt32LE(at + 20);
      let entrySize = dir.readUInt32LE(at + 24);
      let headerAt = dir.readUInt32LE(at + 42);
      // Sizes and the offset too large for 32 bits are in the ZIP64 extra field (id 1), in this order, each only if needed.
      for (let x = at + 46 + nameLength; x + 4 <= at + 46 + nameLength + extraLength; ) {
        const id = dir.readUInt16LE(x);
        const length = dir.readUInt16LE(x + 2);
        if (id === 1) {
          let y = x + 4;
          if (entrySize === 0xffffffff) (entrySize = u64(dir, y)), (y += 8);
          if (compressedSize === 0xffffffff) (compressedSize = u64(dir, y)), (y += 8);
          if (headerAt === 0xffffffff) headerAt = u64(dir, y);
        }
        x += 4 + length;
      }
      entries.set(name, { name, method: dir.readUInt16LE(at + 10), compressedSize, size: entrySize, crc: dir.readUInt32LE(at + 16), headerAt, encrypted: (flags & 1) === 1 });
      at += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    closeSync(fd);
  }
}

/** Where an entry's data starts: after its local header, whose name and extra field may differ in length from the directory's. */
function dataStart(fd: number, entry: ZipEntry): number {
  const local = readAt(fd, entry.headerAt, 30);
  if (local.readUInt32LE(0) !== LOCAL) throw new ZipError(`its entry ${entry.name} is damaged`, `其中的 ${entry.name} 已损坏`);
  return entry.headerAt + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
}

function readable(entry: ZipEntry): void {
  if (entry.encrypted) throw new ZipError(`its entry ${entry.name} is encrypted`, `其中的 ${entry.name} 已加密`);
  if (entry.method !== 0 && entry.method !== 8) throw new ZipError(`its entry ${entry.name} is compressed in a way this reader does not take (method ${entry.method})`, `其中的 ${entry.name} 所用的压缩方式本程序不能读 (method ${entry.method})`);
}

/** An entry's data as it is stored (compressed or not), to copy into another zip file unchanged. */
export function readStored(path: string, entry: ZipEntry): Buffer {
  const fd = openSync(path, 'r');
  try {
    return readAt(fd, dataStart(fd, entry), entry.compressedSize);
  } finally {
    closeSync(fd);
  }
}

/** A small entry, whole. */
export function readEntry(path: string, entry: ZipEntry): Buffer {
  readable(entry);
  const fd = openSync(path, 'r');
  try {
    const data = readAt(fd, dataStart(fd, entry), entry.compressedSize);
    return entry.method === 0 ? data : inflateRawSync(data);
  } catch (e) {
    if (e instanceof ZipError) throw e;
    throw new ZipError(`its entry ${entry.name} cannot be read (${(e as Error).message})`, `其中的 ${entry.name} 无法读取 (${(e as Error).message})`);
  } finally {
    closeSync(fd);
  }
}

/** A large entry (a sheet of a million rows is hundreds of MB), as a stream of bytes. */
export async function* streamEntry(path: string, entry: ZipEntry): AsyncGenerator<Buffer> {
  readable(entry);
  const fd = openSync(path, 'r');
  let start: number;
  try {
    start = dataStart(fd, entry);
  } finally {
    closeSync(fd);
  }
  if (entry.compressedSize === 0) return;
  const raw = createReadStream(path, { start, end: start + entry.compressedSize - 1, highWaterMark: 1 << 16 });
  const source = entry.method === 0 ? raw : raw.pipe(createInflateRaw());
  if (entry.method !== 0) raw.on('error', (e) => source.destroy(e));
  try {
    for await (const chunk of source) yield chunk as Buffer;
  } catch (e) {
    throw new ZipError(`its entry ${entry.name} cannot be read (${(e as Error).message})`, `其中的 ${entry.name} 无法读取 (${(e as Error).message})`);
  } finally {
    raw.destroy();
    source.destroy();
  }
}
