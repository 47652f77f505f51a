// V8 flags for one-shot commands (`vigie start --once`, `vigie check`), set before anything else loads.
//
// --max-inlined-bytecode-size-cumulative=300 (V8's default: 920): a one-shot command lives about two seconds, and
// V8's helper threads spent about a second of CPU of it compiling optimized code, the largest functions many times
// over through inlining (the latest-list finder alone took 60-70 ms a compile). With less inlined, `vigie start
// --once` on bench:cycle's 500 new pages used 0.1-0.28 s less CPU in each of four interleaved runs (see README).
import v8 from 'node:v8';

v8.setFlagsFromString('--max-inlined-bytecode-size-cumulative=300');
