// Preloaded (`node --require`) by bench:cycle's extra run: the CPU time of each thread of the process, read from
// /proc every 20 ms (a thread that exits early, like the list reader, is gone by the end) and printed to stderr at
// exit as one `THREADCPU {...}` line. Linux only; elsewhere it prints nothing.
const fs = require('node:fs');
const { isMainThread } = require('node:worker_threads');

const seen = new Map();
function sample() {
  let tids;
  try {
    tids = fs.readdirSync('/proc/self/task');
  } catch {
    return;
  }
  for (const tid of tids) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime, in clock ticks of 10 ms.
      seen.set(tid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
}
// Worker threads inherit the preload: only the main thread samples and reports.
if (isMainThread) setInterval(sample, 20).unref();
if (isMainThread) process.on('exit', () => {
  sample();
  if (seen.size === 0) return;
  const main = seen.get(String(process.pid)) ?? 0;
  const others = [...seen].filter(([tid]) => tid !== String(process.pid)).map(([, ms]) => ms).sort((a, b) => b - a);
  fs.writeSync(2, `THREADCPU ${JSON.stringify({ main, others })}\n`);
});
