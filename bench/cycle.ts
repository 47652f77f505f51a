/**
 * One check cycle of 500 sources, as a user runs it from cron: `vigie start --once` against urlwatch 2.25
 * (Debian's package), each timed as a whole command, process start included, in the same run.
 *
 * The fixture site (src/demo/news-site.ts, reference template, 500 generated article pages of 30-54 KB, each with
 * its 50-entry "Derniers articles" list, ETag + Last-Modified + 304) runs in a child process on 127.0.0.1 and
 * counts the requests of every run: a run that fetched nothing is an error, not a fast result.
 *
 * Scenarios, interleaved between the two tools, several rounds, medians:
 *   first sight:      fresh state (Vigie: a new storage dir; urlwatch: a new cache file), every page is new;
 *   nothing changed:  a second run on the same state; both send their validators and get 304s.
 *
 * Vigie reads each list and records its 50 entries per source (the first crawl is a silent baseline); urlwatch
 * stores and diffs each page's text. Neither sends anything: Vigie has no webhook, urlwatch's only reporter is
 * stdout, which is read here and dropped. urlwatch gets its own HOME, so it reads and writes none of ours.
 *
 * After the timed rounds, one more Vigie run of each scenario, not timed, reports the CPU of each of its threads
 * (bench/thread-cpu.cjs): the main thread, the list reader, V8's helpers.
 *
 * Usage: `npm run bench:cycle [-- --rounds N] [-- --keep]` (--keep leaves the temp folder and prints its path).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNewsSite } from '../src/demo/news-site.ts';
import { generateArticles } from './news-pages.ts';

const PAGES = 500;
const ENTRIES = 50;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const URLWATCH = '/usr/bin/urlwatch';

interface SiteInfo {
  urls: string[];
  bytes: number[];
}

/** Requests the site received since the last count. */
interface Counts {
  pages: number;
  robots: number;
  byStatus: Record<string, number>;
}

/** Child process: the fixture site. Sends the page URLs, then answers each 'count' message with the counts since the last one. */
async function serve(): Promise<void> {
  const articles = generateArticles(PAGES);
  const site = await startNewsSite({ template: 'reference', articles });
  const urls = articles.map((a) => site.articleUrl(a.slug));
  const bytes: number[] = [];
  for (const url of urls) bytes.push((await (await fetch(url)).arrayBuffer()).byteLength);
  site.requests.length = 0;
  process.on('message', (m) => {
    if (m !== 'count') return;
    const counts: Counts = { pages: 0, robots: 0, byStatus: {} };
    for (const r of site.requests.splice(0)) {
      if (r.path === '/robots.txt') counts.robots++;
      else counts.pages++;
      counts.byStatus[r.status] = (counts.byStatus[r.status] ?? 0) + 1;
    }
    process.send!(counts);
  });
  process.send!({ urls, bytes } satisfies SiteInfo);
}

async function startSite(): Promise<{ child: ChildProcess; info: SiteInfo; count: () => Promise<Counts> }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const info = await new Promise<SiteInfo>((resolve, reject) => {
    child.once('message', (m) => resolve(m as SiteInfo));
    child.once('exit', (code) => reject(new Error(`fixture site exited with ${code}`)));
  });
  const count = () =>
    new Promise<Counts>((resolve) => {
      child.once('message', (m) => resolve(m as Counts));
      child.send('count');
    });
  return { child, info, count };
}

interface Run {
  ms: number;
  /** CPU seconds of the command (user + system, its children included), from /usr/bin/time. */
  cpu: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

let timeFile = '';

/**
 * Runs a command to its exit; the clock covers the whole process, start included. Through /usr/bin/time for its
 * CPU time, which swings less than wall time when other work shares the two cores.
 */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-o', timeFile, '-f', '%U %S', command, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = performance.now() - started;
      const [user, system] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
      resolve({ ms, cpu: user! + system!, code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

type Scenario = 'first sight' | 'nothing changed';
type Tool = 'Vigie' | 'urlwatch';

interface Setup {
  dir: string;
  urls: string[];
}

function writeVigieConfig(setup: Setup, storage: string): string {
  const file = join(setup.dir, 'vigie.config.yaml');
  const sources = setup.urls.map((url, i) => `  - { id: page-${i}, url: "${url}" }`).join('\n');
  writeFileSync(
    file,
    `storage: ${JSON.stringify(storage)}\ncrawl: { userAgent: "Vigie-bench/0.1 (loopback benchmark)", hostInterval: 1ms }\nnetwork: { allow: [127.0.0.1/32] }\nsources:\n${sources}\n`,
  );
  return file;
}

function writeUrlwatchFiles(setup: Setup): { urls: string; config: string; hooks: string; home: string } {
  const urls = join(setup.dir, 'urls.yaml');
  writeFileSync(urls, setup.urls.map((url, i) => `name: page-${i}\nurl: "${url}"\n`).join('---\n'));
  const config = join(setup.dir, 'urlwatch.yaml');
  // Only the stdout reporter, no colour; every other reporter (mail included) is off by default and stays off.
  writeFileSync(config, 'report:\n  stdout: { enabled: true, color: false }\n  email: { enabled: false }\n');
  const home = join(setup.dir, 'home');
  mkdirSync(home, { recursive: true });
  // Never created: urlwatch loads hooks only from an existing file.
  return { urls, config, hooks: join(setup.dir, 'no-hooks.py'), home };
}

/** One run of one tool in one scenario, checked: the right outcome for every source, and every page really fetched. */
async function runTool(
  tool: Tool,
  scenario: Scenario,
  setup: Setup,
  state: string,
  count: () => Promise<Counts>,
  threadCpu = false,
): Promise<{ ms: number; cpu: number; counts: Counts; threads: ThreadCpu | null }> {
  await count();
  let run: Run;
  if (tool === 'Vigie') {
    const config = writeVigieConfig(setup, state);
    const preload = threadCpu ? ['--require', join(ROOT, 'bench', 'thread-cpu.cjs')] : [];
    run = await timed(process.execPath, [...preload, 'bin/vigie.js', 'start', '--once', '--config', config], { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info' });
  } else {
    const f = writeUrlwatchFiles(setup);
    run = await timed(URLWATCH, ['--urls', f.urls, '--config', f.config, '--hooks', f.hooks, '--cache', state], {
      PATH: process.env.PATH,
      HOME: f.home,
      XDG_CONFIG_HOME: join(f.home, '.config'),
      XDG_CACHE_HOME: join(f.home, '.cache'),
      LANG: 'C.UTF-8',
    });
  }
  const counts = await count();
  const fail = (why: string): never => {
    throw new Error(`${tool}, ${scenario}: ${why}\nexit ${run.code}\nstderr (end): ${run.stderr.slice(-2000)}\nstdout (end): ${run.stdout.slice(-1000)}`);
  };
  if (run.code !== 0) fail('non-zero exit');
  const expectStatus = scenario === 'first sight' ? '200' : '304';
  if (counts.pages !== PAGES || counts.byStatus[expectStatus]! < PAGES) fail(`expected ${PAGES} page requests answered ${expectStatus}, got ${JSON.stringify(counts)}`);
  if (tool === 'Vigie') {
    const report = JSON.parse(run.stdout) as { sources: Array<{ outcome: string; found: number }>; failedSources: string[] };
    const want = scenario === 'first sight' ? 'baseline' : 'not-modified';
    const ok = report.sources.filter((s) => s.outcome === want && (want !== 'baseline' || s.found === ENTRIES)).length;
    if (report.sources.length !== PAGES || ok !== PAGES) fail(`expected ${PAGES} sources "${want}", got ${ok} of ${report.sources.length}`);
  } else {
    const news = run.stdout.match(/^NEW: /gm)?.length ?? 0;
    const errors = run.stdout.match(/^ERROR: /gm)?.length ?? 0;
    const expected = scenario === 'first sight' ? PAGES : 0;
    if (news !== expected || errors !== 0) fail(`expected ${expected} NEW and no ERROR in the report, got ${news} NEW and ${errors} ERROR`);
  }
  const line = run.stderr.split('\n').find((l) => l.startsWith('THREADCPU '));
  return { ms: run.ms, cpu: run.cpu, counts, threads: line ? (JSON.parse(line.slice('THREADCPU '.length)) as ThreadCpu) : null };
}

/** CPU ms of the main thread and of each other thread (largest first), from bench/thread-cpu.cjs. */
interface ThreadCpu {
  main: number;
  others: number[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const describe = (c: Counts): string =>
  `${c.pages} pages + ${c.robots} robots.txt (${Object.entries(c.byStatus)
    .map(([s, n]) => `${n}x${s}`)
    .join(', ')})`;

async function main(): Promise<void> {
  const roundsArg = process.argv.indexOf('--rounds');
  const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 5;
  const keep = process.argv.includes('--keep');
  const { child, info, count } = await startSite();
  const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-cycle-'));
  timeFile = join(dir, 'time.txt');
  try {
    const setup: Setup = { dir, urls: info.urls };
    const kb = info.bytes.map((b) => b / 1024);
    const version = (await timed(URLWATCH, ['--version'], { PATH: process.env.PATH, HOME: dir })).stdout.trim();
    console.log(
      `fixture site: ${info.urls.length} pages of one host in a child process, ${Math.min(...kb).toFixed(0)}-${Math.max(...kb).toFixed(0)} KB ` +
        `(median ${median(kb).toFixed(0)} KB), ETag + Last-Modified + 304`,
    );
    console.log(`Vigie: node bin/vigie.js start --once (hostInterval 1ms, robots.txt on); ${version}; ${rounds} rounds after a warm-up, interleaved; medians\n`);

    const times = new Map<string, number[]>();
    const cpus = new Map<string, number[]>();
    const loads = new Map<Scenario, number[]>([['first sight', []], ['nothing changed', []]]);
    const requests = new Map<string, Counts>();
    let stateId = 0;

    /** A tool's two scenarios on a fresh state, in order. */
    const cycle = async (tool: Tool, record: boolean): Promise<void> => {
      const state = join(dir, `${tool === 'Vigie' ? 'storage' : 'cache'}-${stateId++}${tool === 'Vigie' ? '' : '.db'}`);
      for (const scenario of ['first sight', 'nothing changed'] as const) {
        const load = loadavg()[0]!;
        const { ms, cpu, counts } = await runTool(tool, scenario, setup, state, count);
        if (!record) continue;
        const key = `${tool}/${scenario}`;
        (times.get(key) ?? times.set(key, []).get(key)!).push(ms / 1000);
        (cpus.get(key) ?? cpus.set(key, []).get(key)!).push(cpu);
        loads.get(scenario)!.push(load);
        requests.set(key, counts);
      }
    };

    // Warm-up: file caches, tsx's transform cache, Python's bytecode.
    await cycle('Vigie', false);
    await cycle('urlwatch', false);
    for (let round = 0; round < rounds; round++) {
      const order: Tool[] = round % 2 === 0 ? ['Vigie', 'urlwatch'] : ['urlwatch', 'Vigie'];
      for (const tool of order) await cycle(tool, true);
      process.stdout.write(`round ${round + 1}/${rounds} done (load ${loadavg()[0]!.toFixed(2)})\n`);
    }

    console.log('\nwall seconds per command, process start included (ratio > 1 means Vigie is faster):');
    console.log(`${'scenario'.padEnd(16)} ${'Vigie s (min-max)'.padEnd(20)} ${'urlwatch s (min-max)'.padEnd(21)} urlwatch/Vigie  load avg (1 min)`);
    for (const scenario of ['first sight', 'nothing changed'] as const) {
      const v = times.get(`Vigie/${scenario}`)!;
      const u = times.get(`urlwatch/${scenario}`)!;
      const l = loads.get(scenario)!;
      const span = (xs: number[]) => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;
      console.log(
        `${scenario.padEnd(16)} ${span(v).padEnd(20)} ${span(u).padEnd(21)} ${(median(u) / median(v)).toFixed(2).padStart(6)}x        ` +
          `${median(l).toFixed(2)} (${Math.min(...l).toFixed(2)}-${Math.max(...l).toFixed(2)})`,
      );
    }
    console.log(`\nCPU seconds per command (user + system), medians: ${'Vigie'.padEnd(14)} ${'urlwatch'.padEnd(14)} urlwatch/Vigie`);
    for (const scenario of ['first sight', 'nothing changed'] as const) {
      const v = median(cpus.get(`Vigie/${scenario}`)!);
      const u = median(cpus.get(`urlwatch/${scenario}`)!);
      console.log(`${scenario.padEnd(16)} ${''.padEnd(35)} ${v.toFixed(2).padEnd(14)} ${u.toFixed(2).padEnd(14)} ${(u / v).toFixed(2).padStart(6)}x`);
    }
    console.log('\nrequests at the fixture site, last run of each:');
    for (const [key, c] of requests) console.log(`  ${key.padEnd(26)} ${describe(c)}`);

    // Not timed: the preload reads /proc every 20 ms, which costs a little CPU of its own.
    console.log('\nVigie\'s CPU by thread, one more run of each scenario (not timed; /proc, 10 ms ticks):');
    const state = join(dir, `storage-${stateId++}`);
    for (const scenario of ['first sight', 'nothing changed'] as const) {
      const { threads } = await runTool('Vigie', scenario, setup, state, count, true);
      if (!threads) {
        console.log(`  ${scenario}: not available (no /proc)`);
        continue;
      }
      const [largest = 0, ...rest] = threads.others;
      const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
      console.log(
        `  ${scenario.padEnd(16)} main thread ${s(threads.main)}; largest other thread ${s(largest)} (the list reader, when lists are read); ` +
          `${rest.length} more (V8's compiler and GC helpers, libuv) ${s(rest.reduce((a, b) => a + b, 0))} in all`,
      );
    }
  } finally {
    child.kill();
    if (keep) console.log(`\nkept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--serve')) await serve();
else await main();
