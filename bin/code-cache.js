// Loads the CommonJS bundle (build-cli.js) with a V8 code cache beside it, so a command does not compile the bundle's
// 7 MB again on each start. Node 20 caches no code for ES modules (module.enableCompileCache came in Node 22), hence
// the CommonJS bundle and this loader, as the v8-compile-cache package does. `vigie start --once` on an empty config:
// about 0.55 s of CPU without the cache, 0.35 s with it.
import { isAscii } from 'node:buffer';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

const LONG_RUNNING = new Set(['start', 'worker', 'server', 'demo']);
const CACHE_AFTER_MS = 60_000;

/**
 * The kind of command, which names its cache. Each kind has its own: a cache holds the functions that had been
 * compiled when it was made (a crawl's, a server's), and long-running commands run under other V8 flags
 * (v8-flags.js), with which V8 refuses a cache made without them.
 */
function commandKind(args) {
  if (args[0] === 'start' && args.includes('--once')) return 'once';
  return LONG_RUNNING.has(args[0]) || args[0] === 'check' ? args[0] : 'other';
}

/**
 * Runs the bundle at `file` as a CommonJS module for the command line `args`, and returns its exports. The cache is made once, by the first run of
 * each kind of command (at its end, or after a minute for a long-running one), and again if V8 refuses it (another
 * Node or other flags). A cache that cannot be written (read-only node_modules) only costs the compile.
 */
export function loadWithCodeCache(file, args) {
  const kind = commandKind(args);
  const cacheFile = `${dirname(file)}/code-cache-${kind}.bin`;
  let cachedData;
  try {
    cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  } catch {
    cachedData = undefined;
  }
  // An ASCII bundle (build-cli.js makes one) is read as Latin-1: the same string, a one-byte one, without decoding
  // 7 MB of UTF-8. Any other file is decoded as UTF-8, as before.
  const bytes = readFileSync(file);
  const source = isAscii(bytes) ? bytes.latin1Slice(0, bytes.length) : bytes.toString('utf8');
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = new Module(file);
  module.filename = file;
  module.paths = Module._nodeModulePaths(dirname(file));
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;

  if (cachedData === undefined || script.cachedDataRejected) {
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      const tmp = `${cacheFile}.tmp-${process.pid}`;
      try {
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        rmSync(tmp, { force: true });
      }
    };
    // At exit: the cache then holds every function the command compiled (a crawl's parser, say), not only those of
    // its start. A long-running command writes it after a minute, when it has crawled and served.
    process.once('exit', write);
    if (LONG_RUNNING.has(kind)) setTimeout(write, CACHE_AFTER_MS).unref();
  }
  return module.exports;
}
