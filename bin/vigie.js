#!/usr/bin/env node
// Runs the TypeScript sources with no build step, so `npx vigie` works right after `npm ci`.
//
// The sources and most dependencies are bundled once by esbuild (which tsx uses anyway; see build-cli.js) into
// node_modules/.cache/vigie/<hash of the sources>/, and later runs import that bundle. Loading ~110 files through
// tsx's module hooks cost about 0.8 s of CPU per command (of ~2.2 s for `vigie start --once` on an empty config); a
// cached bundle loads like plain JavaScript. Any change to src/ or to the installed packages gives a new hash,
// hence a new bundle. If bundling is impossible (no esbuild, a read-only node_modules), tsx runs the sources as
// before.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadWithCodeCache } from './code-cache.js';
import { mapStackTraces } from './stack-traces.js';

const args = process.argv.slice(2);
// bin/v8-flags.js (--optimize-for-size) keeps the heap of a long-running process small, and costs CPU in the
// garbage collector. A one-shot command exits after one cycle, so its heap does not matter: `vigie start --once`
// on 500 new pages took 11.3 s of CPU with the flag and 7.7 s without (bench:cycle's pages, interleaved runs).
// One-shot commands get bin/v8-flags-once.js instead (less inlining: less of their short life spent compiling).
const oneShot = (args[0] === 'start' && args.includes('--once')) || args[0] === 'check';
await import(oneShot ? './v8-flags-once.js' : './v8-flags.js');

// Part of the hash: change it when the build options below change.
const BUILD = 'cjs-code-cache-1';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const KEEP_BUILDS = 8;

/** Every .ts and .tsx file under src/ (the dashboard's pages are .tsx), sorted, so the hash covers names and contents. */
function sources(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sources(path, out);
    else if (/\.tsx?$/.test(entry.name)) out.push(path);
  }
  return out;
}

async function bundledCli() {
  const hash = createHash('sha256').update(`${BUILD}\0${process.version}\0`);
  // The dependencies are bundled too: npm rewrites node_modules/.package-lock.json on every install.
  const inputs = [join(ROOT, 'bin', 'build-cli.js'), join(ROOT, 'tsconfig.json'), join(ROOT, 'node_modules', '.package-lock.json'), ...sources(join(ROOT, 'src'))];
  for (const file of inputs) {
    if (existsSync(file)) hash.update(`${file.slice(ROOT.length)}\0`).update(readFileSync(file)).update('\0');
  }
  const cache = join(ROOT, 'node_modules', '.cache', 'vigie');
  const dir = join(cache, hash.digest('hex').slice(0, 16));
  const entry = join(dir, 'cli.js');
  if (!existsSync(entry)) {
    const { buildCli } = await import('./build-cli.js');
    // Built aside and renamed into place, so a process running at the same time never sees half a bundle.
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    mkdirSync(cache, { recursive: true });
    try {
      await buildCli(ROOT, tmp, existsSync(join(ROOT, 'tsconfig.json')) ? join(ROOT, 'tsconfig.json') : undefined);
      renameSync(tmp, dir);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      // Another process put the same bundle in place first.
      if (!existsSync(entry)) throw err;
    }
    prune(cache, dir);
  }
  return entry;
}

/** Keeps the newest bundles only; an older one may still be in use by a long-running process, so a few stay. */
function prune(cache, current) {
  try {
    const builds = readdirSync(cache)
      .map((name) => join(cache, name))
      .filter((path) => path !== current)
      .map((path) => ({ path, at: statSync(path).mtimeMs }))
      .sort((a, b) => b.at - a.at);
    for (const { path } of builds.slice(KEEP_BUILDS - 1)) rmSync(path, { recursive: true, force: true });
  } catch {
    // Pruning is housekeeping only.
  }
}

let cli;
try {
  cli = await bundledCli();
} catch {
  cli = null;
}
let main;
if (cli) {
  // Stack traces name the .ts sources, as they did under tsx; the map is read only when a trace is formatted.
  mapStackTraces(cli);
  ({ main } = loadWithCodeCache(cli, args));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli.ts'));
}
process.exitCode = await main(args);
