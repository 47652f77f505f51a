// V8 flags for every Vigie process, set before anything else loads.
//
// --optimize-for-size: V8 otherwise lets the heap grow far past what is live when allocation is fast, and a crawl
// allocates fast. bench:load (1,000 sources on 50 hosts, 50 crawls/s) ran at 395-420 MB of RSS with the heap used
// swinging between 76 and 385 MB each cycle; with this flag, 183-189 MB, for the same CPU per crawl.
import v8 from 'node:v8';

v8.setFlagsFromString('--optimize-for-size');
