#!/usr/bin/env node
// V8's optimising compiler without inlining, for every thread of the process (V8's flags are the process's): set
// before the program is loaded, so that nothing is compiled under the defaults first. Measured on the bench roster,
// interleaved: 1M rows 4.24-4.76 s against 4.52-4.92 s, 3M 12.5-12.6 s against 13.0-14.4 s, 100k 1.12-1.17 s against
// 1.19-1.26 s, in ~10-20% less CPU: a large run spends much of its CPU compiling the same hot code in each of its
// threads, and inlining made that compiling dearer than the inlined code ran quicker.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-turbo-inlining');
await import('../dist/cli/main.js');
