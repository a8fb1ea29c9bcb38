#!/usr/bin/env node
// The CSV floor for the bench: read a roster with the CSV library calc uses and write it back out unchanged.
import { createReadStream, createWriteStream } from 'node:fs';
import Papa from 'papaparse';

const [input, output] = process.argv.slice(2);
const out = createWriteStream(output);
let rows = 0;
await new Promise((done, fail) => {
  Papa.parse(createReadStream(input), {
    chunk: (result, parser) => {
      rows += result.data.length;
      if (!out.write(`${Papa.unparse(result.data, { newline: '\r\n' })}\r\n`)) {
        parser.pause();
        out.once('drain', () => parser.resume());
      }
    },
    complete: done,
    error: fail,
  });
});
await new Promise((done) => out.end(done));
console.log(`${rows} rows copied`);
