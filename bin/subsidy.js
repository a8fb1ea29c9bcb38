#!/usr/bin/env node
// Two V8 settings, for every thread of the process (V8's flags are the process's), set before the program is loaded
// so that nothing is compiled under the defaults first. A large run spends much of its CPU compiling the same hot code
// in each of its threads (--trace-opt: ~2.2 s of 7.8 CPU-s at 1M rows), and both cut what is compiled again:
// - no inlining in the optimising compiler: inlining made compiling dearer than the inlined code ran quicker.
//   Interleaved on the bench roster: 1M rows 4.24-4.76 s against 4.52-4.92 s, 3M 12.5-12.6 s against 13.0-14.4 s,
//   100k 1.12-1.17 s against 1.19-1.26 s.
// - no pretenuring by allocation site: a site whose objects outlive a young collection (a line's reason, say, held by
//   a line that a limits thread reuses) was switched to allocating in the old generation and back, and every switch
//   threw away the code compiled for it (fromRecords was compiled 19 times in one 1M run, 7 times without).
//   1M rows 4.35-4.41 s against 4.43-4.69 s; 3M 11.1 s against 12.1-13.5 s (the limits pass 4.0 s against 5.1-5.5 s).
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-turbo-inlining');
setFlagsFromString('--no-allocation-site-pretenuring');
// A large calc's run thread starts now, beside the main thread's loading the program (dist/cli/warmRun.js).
const { warmRunThread } = await import('../dist/cli/warmRun.js');
warmRunThread(process.argv.slice(2));
await import('../dist/cli/main.js');
