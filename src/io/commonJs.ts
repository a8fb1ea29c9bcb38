// The CommonJS packages the program reads and encodes files with, loaded by require: imported as ES modules, Node first
// scans each one's source for its exports (papaparse ~8 ms, iconv-lite ~2-12 ms more than require), in every thread of a run.
import { createRequire } from 'node:module';
import type * as IconvLite from 'iconv-lite';
import type * as PapaParse from 'papaparse';

const require = createRequire(import.meta.url);

export const iconv = require('iconv-lite') as typeof IconvLite;
export const Papa = require('papaparse') as typeof PapaParse;
