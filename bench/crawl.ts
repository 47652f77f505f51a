/**
 * Throughput and re-check cost of Vigie's crawl path against a plain undici + cheerio loop, in the same run.
 *
 * The fixture site (src/demo/news-site.ts, reference template, 500 generated article pages of ~30-60 KB, each
 * with its 50-entry "Derniers articles" list) runs in a child process, so serving pages does not take CPU from the
 * measured process and `process.cpuUsage()` here counts the client side only. The machine has 2 cores: one for
 * the site, one for the crawler.
 *
 * Every fetched page goes through what a crawl job does with a list page: decode (inside fetchPages for Vigie),
 * parse with cheerio 1.2, extractLatest. Usage: `npm run bench:crawl [-- --rounds N]`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { load } from 'cheerio';
import { Agent, request } from 'undici';
import { fetchPages, type Page, type PageRequest } from '../src/crawlers/index.ts';
import { startNewsSite } from '../src/demo/news-site.ts';
import { decodeHtml } from '../src/extract/decode-html.ts';
import { extractLatest } from '../src/extract/extract-latest.ts';
import { parseHtml } from '../src/extract/parse-html.ts';
import { generateArticles } from './news-pages.ts';

const PAGES = 500;
const CONCURRENCY = 10;
const UA = 'Vigie-bench/0.1 (+https://github.com/vigie/vigie; loopback benchmark)';
// The sites listen on 127.0.0.1, which is refused unless allowed.
const LOOPBACK = ['127.0.0.1/32'];
const ENTRIES = 50;

interface SiteInfo {
  urls: string[];
  bytes: number[];
}

/** Child process: the fixture site. Sends the page URLs and sizes to the parent, then serves until killed. */
async function serve(): Promise<void> {
  const articles = generateArticles(PAGES);
  const site = await startNewsSite({ template: 'reference', articles, robotsTxt: null });
  const urls = articles.map((a) => site.articleUrl(a.slug));
  const bytes: number[] = [];
  for (const url of urls) bytes.push((await (await fetch(url)).arrayBuffer()).byteLength);
  site.requests.length = 0;
  // The site records every request; a benchmark of a few thousand requests does not need them.
  setInterval(() => (site.requests.length = 0), 1000).unref();
  process.send!({ urls, bytes } satisfies SiteInfo);
}

async function startSite(): Promise<{ child: ChildProcess; info: SiteInfo }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const info = await new Promise<SiteInfo>((resolve, reject) => {
    child.once('message', (m) => resolve(m as SiteInfo));
    child.once('exit', (code) => reject(new Error(`fixture site exited with ${code}`)));
  });
  return { child, info };
}

/** What a crawl job does with a fetched list page. Throws if the list was not found, so a broken path cannot look fast. */
function readList(html: string, url: string): void {
  const entries = extractLatest(parseHtml(html), { url });
  if (entries.length !== ENTRIES) throw new Error(`${url}: ${entries.length} latest entries, expected ${ENTRIES}`);
}

function pageOf(result: Awaited<ReturnType<typeof fetchPages>>[number]): Page {
  if (!result.ok) throw result.error;
  return result.page;
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

type Runner = (urls: readonly string[]) => Promise<void>;

const vigieBatch: Runner = async (urls) => {
  const results = await fetchPages(urls.map((url) => ({ url })), { userAgent: UA, allowNetworks: LOOPBACK, concurrency: CONCURRENCY });
  for (const r of results) {
    const p = pageOf(r);
    readList(p.html!, p.finalUrl);
  }
};

const vigieSingle: Runner = (urls) =>
  pool(urls, CONCURRENCY, async (url) => {
    const p = pageOf((await fetchPages([{ url }], { userAgent: UA, allowNetworks: LOOPBACK }))[0]!);
    readList(p.html!, p.finalUrl);
  });

const agent = new Agent({ keepAliveTimeout: 10_000, connections: CONCURRENCY });

/** The reference: what a hand-written fetch loop would do, with the same decoding and the same parser. */
const undiciCheerio: Runner = (urls) =>
  pool(urls, CONCURRENCY, async (url) => {
    const res = await request(url, { dispatcher: agent, headers: { 'user-agent': UA, accept: 'text/html' } });
    const bytes = Buffer.from(await res.body.arrayBuffer());
    if (res.statusCode !== 200) throw new Error(`${url}: HTTP ${res.statusCode}`);
    const contentType = res.headers['content-type'];
    const { html } = decodeHtml(bytes, Array.isArray(contentType) ? contentType[0] : contentType);
    const entries = extractLatest(load(html, { xml: { xmlMode: false, decodeEntities: true } }), { url });
    if (entries.length !== ENTRIES) throw new Error(`${url}: ${entries.length} latest entries`);
  });

/** Pages per second, and CPU microseconds of this process per page. */
async function measure(run: Runner, urls: readonly string[]): Promise<{ rate: number; cpu: number }> {
  const started = performance.now();
  const before = process.cpuUsage();
  await run(urls);
  const used = process.cpuUsage(before);
  return { rate: urls.length / ((performance.now() - started) / 1000), cpu: (used.user + used.system) / urls.length };
}

/** CPU time of this process (user + system) per call, in microseconds. */
async function cpuPerCheck(requests: readonly PageRequest[], check: (r: PageRequest) => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  await pool(requests, CONCURRENCY, check);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / requests.length;
}

const fullCheck = async (r: PageRequest): Promise<void> => {
  const p = pageOf((await fetchPages([r], { userAgent: UA, allowNetworks: LOOPBACK }))[0]!);
  if (p.notModified) throw new Error(`${r.url}: unexpectedly not modified`);
  readList(p.html!, p.finalUrl);
};

const unchangedCheck = async (r: PageRequest): Promise<void> => {
  const p = pageOf((await fetchPages([r], { userAgent: UA, allowNetworks: LOOPBACK }))[0]!);
  if (!p.notModified || p.html !== null) throw new Error(`${r.url}: expected not modified`);
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const fmt = (n: number, digits = 0): string => n.toFixed(digits);

async function main(): Promise<void> {
  const roundsArg = process.argv.indexOf('--rounds');
  const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 3;
  const { child, info } = await startSite();
  try {
    const { urls, bytes } = info;
    const kb = bytes.map((b) => b / 1024);
    console.log(
      `fixture site: ${urls.length} pages in a child process, ${fmt(Math.min(...kb))}-${fmt(Math.max(...kb))} KB (median ${fmt(median(kb))} KB); ` +
        `client concurrency ${CONCURRENCY}; ${rounds} rounds after a warm-up; medians`,
    );

    // Validators as a previous crawl left them.
    const first = (await fetchPages(urls.map((url) => ({ url })), { userAgent: UA, allowNetworks: LOOPBACK, concurrency: CONCURRENCY })).map(pageOf);
    const sample = first.slice(0, 100);
    const withEtag = sample.map((p) => ({ url: p.url, etag: p.etag, lastModified: p.lastModified, bodyHash: p.bodyHash }));
    const withHashOnly = sample.map((p) => ({ url: p.url, bodyHash: p.bodyHash }));
    const fresh = sample.map((p) => ({ url: p.url }));

    const runners: [string, Runner][] = [
      ['undici + cheerio 1.2 (reference)', undiciCheerio],
      ['Vigie fetchPages, one call of 500 URLs', vigieBatch],
      ['Vigie fetchPages, 500 calls of 1 URL', vigieSingle],
    ];
    const speed = new Map<string, number[]>(runners.map(([name]) => [name, []]));
    const cpuPerPage = new Map<string, number[]>(runners.map(([name]) => [name, []]));
    const cpu = { full: [] as number[], notModified304: [] as number[], sameBytes: [] as number[], reference: [] as number[] };

    for (const [, run] of runners) await run(urls.slice(0, 100));
    await cpuPerCheck(fresh.slice(0, 50), fullCheck);

    for (let round = 0; round < rounds; round++) {
      for (const [name, run] of runners) {
        const { rate, cpu: used } = await measure(run, urls);
        speed.get(name)!.push(rate);
        cpuPerPage.get(name)!.push(used);
      }
      cpu.full.push(await cpuPerCheck(fresh, fullCheck));
      cpu.notModified304.push(await cpuPerCheck(withEtag, unchangedCheck));
      cpu.sameBytes.push(await cpuPerCheck(withHashOnly, unchangedCheck));
      cpu.reference.push(await cpuPerCheck(fresh, async (r) => undiciCheerio([r.url])));
    }

    const reference = median(speed.get(runners[0]![0])!);
    const referenceCpu = median(cpuPerPage.get(runners[0]![0])!);
    console.log('\nthroughput: fetch + decode + parse + extractLatest (median of rounds)');
    // Wall-clock rates swing with whatever else the two cores run; CPU per page of this process is steadier, and
    // its ratio is the throughput ratio a CPU-bound worker would see.
    console.log(`  ${''.padEnd(42)} ${'pages/s'.padStart(7)} ${'(min-max)'.padEnd(11)} ${'vs ref'.padStart(6)}   CPU/page  vs ref  crawl overhead/page`);
    for (const [name] of runners) {
      const xs = speed.get(name)!;
      const m = median(xs);
      const cpu = median(cpuPerPage.get(name)!);
      const range = `(${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))})`;
      console.log(
        `  ${name.padEnd(42)} ${fmt(m).padStart(7)} ${range.padEnd(11)} ${fmt((100 * m) / reference).padStart(5)}%  ${fmt(cpu / 1000, 2).padStart(6)} ms  ${fmt((100 * referenceCpu) / cpu).padStart(5)}%  ${fmt((cpu - referenceCpu) / 1000, 2).padStart(6)} ms`,
      );
    }

    const full = median(cpu.full);
    console.log('\nCPU per re-check of one source page, single-URL calls as jobs make them (this process only, median)');
    console.log(`  full check (fetch + decode + parse + extractLatest)  ${fmt(full / 1000, 2).padStart(6)} ms`);
    console.log(`  unchanged, 304 Not Modified                          ${fmt(median(cpu.notModified304) / 1000, 2).padStart(6)} ms   ${fmt(median(cpu.notModified304) / full, 2)} x full`);
    console.log(`  unchanged, identical bytes (200, same sha-256)       ${fmt(median(cpu.sameBytes) / 1000, 2).padStart(6)} ms   ${fmt(median(cpu.sameBytes) / full, 2)} x full`);
    console.log(`  reference full check, undici + cheerio 1.2           ${fmt(median(cpu.reference) / 1000, 2).padStart(6)} ms   ${fmt(median(cpu.reference) / full, 2)} x full`);
  } finally {
    child.kill();
    await agent.close();
  }
}

if (process.argv.includes('--serve')) await serve();
else await main();
