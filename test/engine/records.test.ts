// A limits thread reads partition after partition into the same lists: each time they hold that partition's lines, no more.
import { describe, expect, it } from 'vitest';
import { fromRecords, nameOf, newRecordReuse, recordLines, toRecord } from '../../src/engine/partition.js';
import { P1, P2, P3, TABLES, run } from '../helpers.js';

describe('records read back', () => {
  // ZJ-01 certificates of three persons under names of their own.
  const lines = run('zhuji', [
    { person_id: P1, name: '王芳', program: 'cert_training', date: '2020-03-01', occupation: '电工', level: 'L4', cost: '1000' },
    { person_id: P2, name: '李强', program: 'cert_training', date: '2020-04-01', occupation: '焊工', level: 'L3', cost: '2000' },
    { person_id: P3, name: '张三', program: 'cert_training', date: '2020-05-01', occupation: '茶艺师', level: 'L5', cost: '500' },
    { person_id: P1, name: '王芳', program: 'cert_training', date: '2020-06-01', occupation: '车工', level: 'L4', cost: '1500' },
  ]).lines;
  const records = lines.map((l, i) => `${toRecord(l, i, 0)}\n`);

  it('a partition read in two chunks, then smaller ones, gives each partition exactly its lines, places and names', () => {
    expect(lines.map((l) => l.amountFen)).toEqual([100_000, 200_000, 50_000, 150_000]); // ZJ-01: the cost claimed, under each level's cap
    const reuse = newRecordReuse();
    const readPartition = (chunks: string[][]): { persons: string[]; indexes: number[]; names: string[]; amounts: number[] } => {
      const read = recordLines(reuse, false);
      chunks.forEach((chunk, c) => {
        const bytes = Buffer.from(chunk.join(''));
        fromRecords(bytes, bytes.length, TABLES, ['test.csv'], reuse, read, undefined, undefined, c < chunks.length - 1);
      });
      expect([read.lines.length, read.indexes.length, read.nameAt.length, read.nameIn.length]).toEqual([read.count, read.count, read.count, read.count]);
      return { persons: read.lines.map((l) => l.personKey), indexes: [...read.indexes], names: read.lines.map((_, i) => nameOf(read, i)), amounts: read.lines.map((l) => l.amountFen) };
    };
    const all = readPartition([records.slice(0, 2), records.slice(2)]);
    expect(all.indexes).toEqual(lines.map((_, i) => i));
    expect(all.persons).toEqual(lines.map((l) => l.personKey));
    expect(all.names).toEqual(lines.map((l) => l.name));
    expect(all.amounts).toEqual(lines.map((l) => l.amountFen));
    // Fewer lines: the lines of the partition before are gone, whichever chunk had them.
    expect(readPartition([records.slice(1, 2), []])).toEqual({ persons: [P2], indexes: [1], names: ['李强'], amounts: [lines[1]!.amountFen] });
    const last = lines.length - 1;
    expect(readPartition([[], records.slice(last)])).toEqual({ persons: [lines[last]!.personKey], indexes: [last], names: [lines[last]!.name], amounts: [lines[last]!.amountFen] });
    expect(readPartition([[], []])).toEqual({ persons: [], indexes: [], names: [], amounts: [] });
    expect(readPartition([records, records.slice(0, 1)]).indexes).toEqual([...lines.map((_, i) => i), 0]);
  });
});
