// A synthetic roster (src/bench/synthetic.ts) written to a file, for the tests that run calc on a large one.
import { closeSync, openSync, writeSync } from 'node:fs';
import { syntheticRoster } from '../src/bench/synthetic.js';

export function writeSyntheticRoster(path: string, rows: number, seed: number): void {
  const fd = openSync(path, 'w');
  try {
    for (const chunk of syntheticRoster(rows, seed)) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}
