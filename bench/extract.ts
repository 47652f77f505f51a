/**
 * `npm run bench:extract`: Vigie's article extractor against @mozilla/readability (on linkedom and on
 * jsdom) and the cheerio parse floor, on the same pages in the same run. Quality uses the benchmark's own
 * metric (bench/metric.ts); speed is the median of several timed rounds after a warm-up.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Readability } from '@mozilla/readability';
import { load } from 'cheerio';
import { JSDOM, VirtualConsole } from 'jsdom';
import { parseHTML } from 'linkedom';
import { decodeHtml } from '../src/extract/decode-html.ts';
import { extractAndLearn, extractArticle } from '../src/extract/extract-article.ts';
import { parseHtml } from '../src/extract/parse-html.ts';
import { learnTemplate, type SiteTemplate } from '../src/extract/site-template.ts';
import { heldoutPages } from '../tests/fixtures/heldout/heldout-pages.ts';
import { fixturePages } from '../tests/fixtures/pages/fixture-pages.ts';
import { referenceFamilyPages } from '../tests/fixtures/reference-family/reference-family-pages.ts';
import { pageCounts, pageScore, summarize, type Summary } from './metric.ts';

interface BenchPage {
  key: string;
  url: string;
  html: string;
  truth: string;
}

const benchDir = process.env.VIGIE_EXTRACTION_BENCH ?? new URL('../../shared/bench/extraction/', import.meta.url).pathname;

function loadBenchPages(): BenchPage[] {
  const truth = JSON.parse(readFileSync(`${benchDir}/ground-truth.json`, 'utf8')) as Record<string, { articleBody: string; url: string }>;
  return readdirSync(`${benchDir}/html`)
    .filter((f) => f.endsWith('.html.gz'))
    .sort()
    .map((f) => {
      const key = f.slice(0, -'.html.gz'.length);
      const t = truth[key];
      if (!t) throw new Error(`no ground truth for ${key}`);
      return { key, url: t.url, truth: t.articleBody, html: gunzipSync(readFileSync(`${benchDir}/html/${f}`)).toString('utf8') };
    });
}

type Extractor = (html: string, url: string) => string;

interface TextTree {
  /** domhandler's type field ("text", "tag", …): cheaper to read than its nodeType getter. */
  type: string;
  data?: string;
  name?: string;
  children?: TextTree[];
}

const INVISIBLE = new Set(['script', 'style', 'noscript', 'template', 'head']);

/**
 * The floor: whole-page text with one tree walk (cheerio's .text() is slower and keeps script bodies,
 * which would make the floor look both slower and worse than it is).
 */
function visibleText(root: TextTree): string {
  const out: string[] = [];
  const stack: TextTree[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'text') out.push(n.data ?? '');
    else if (n.children && !(n.name && INVISIBLE.has(n.name))) {
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
      if (n.type === 'tag') out.push(' ');
    }
  }
  return out.join('');
}

const quietConsole = new VirtualConsole();
quietConsole.on('jsdomError', () => {});

const extractors: { name: string; run: Extractor; rounds: number }[] = [
  { name: 'Vigie (cheerio htmlparser2)', run: (html, url) => extractArticle(parseHtml(html), { url }).text, rounds: 4 },
  {
    name: 'Readability 0.6 + linkedom',
    run: (html) => {
      const { document } = parseHTML(html);
      return new Readability(document).parse()?.textContent ?? '';
    },
    rounds: 4,
  },
  {
    name: 'Readability 0.6 + jsdom',
    run: (html, url) => {
      const { window } = new JSDOM(html, { url, virtualConsole: quietConsole });
      const text = new Readability(window.document).parse()?.textContent ?? '';
      window.close();
      return text;
    },
    rounds: 0,
  },
  {
    name: 'cheerio load (htmlparser2) + text',
    run: (html) => visibleText(load(html, { xml: { xmlMode: false, decodeEntities: true } }).root()[0] as unknown as TextTree),
    rounds: 4,
  },
];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Row {
  name: string;
  quality: Summary;
  seconds: number;
  cpuSeconds: number;
  failures: number;
}

/** A page the extractor throws on counts as an empty extraction (and is reported). */
function attempt(extractor: Extractor, p: BenchPage, failures: Set<string>): string {
  try {
    return extractor(p.html, p.url);
  } catch {
    failures.add(p.key);
    return '';
  }
}

interface Timing {
  wall: number;
  /** CPU seconds of this process (all threads, GC included): steadier than wall time on a shared machine. */
  cpu: number;
}

function pass(pages: readonly BenchPage[], extractor: Extractor, failures: Set<string>, outputs?: string[]): Timing {
  const t = performance.now();
  const c = process.cpuUsage();
  for (const p of pages) {
    const text = attempt(extractor, p, failures);
    outputs?.push(text);
  }
  const used = process.cpuUsage(c);
  return { wall: (performance.now() - t) / 1000, cpu: (used.user + used.system) / 1e6 };
}

/**
 * The first pass of each extractor is its quality pass and warm-up. Timed rounds then interleave the
 * extractors page by page (all of them on page 1, then on page 2…), so bursts of load from other
 * processes on a shared machine hit them alike; a round's time is the sum of an extractor's calls.
 * jsdom, too slow for rounds, is timed on its single pass.
 */
function measureAll(pages: readonly BenchPage[], list: typeof extractors): Row[] {
  const state = list.map((e) => ({ e, failures: new Set<string>(), outputs: [] as string[], first: { wall: 0, cpu: 0 }, times: [] as Timing[] }));
  for (const st of state) st.first = pass(pages, st.e.run, st.failures, st.outputs);
  const rounds = Math.max(...list.map((e) => e.rounds));
  for (let r = 0; r < rounds; r++) {
    const active = state.filter((st) => r < st.e.rounds);
    const round = active.map(() => ({ wall: 0, cpu: 0 }));
    for (const p of pages) {
      active.forEach((st, i) => {
        const t = performance.now();
        const c = process.cpuUsage();
        attempt(st.e.run, p, st.failures);
        const used = process.cpuUsage(c);
        round[i]!.wall += (performance.now() - t) / 1000;
        round[i]!.cpu += (used.user + used.system) / 1e6;
      });
    }
    active.forEach((st, i) => st.times.push(round[i]!));
  }
  return state.map((st) => {
    const spent = st.first.wall + st.times.reduce((a, b) => a + b.wall, 0);
    process.stderr.write(`  measured ${st.e.name}: ${spent.toFixed(1)} s${st.failures.size > 0 ? `, threw on ${st.failures.size} pages` : ''}\n`);
    const timed = st.times.length > 0 ? st.times : [st.first];
    return {
      name: st.e.name,
      quality: summarize(pages.map((p, i) => ({ truth: p.truth, predicted: st.outputs[i]! }))),
      seconds: median(timed.map((t) => t.wall)),
      cpuSeconds: median(timed.map((t) => t.cpu)),
      failures: st.failures.size,
    };
  });
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function f1Of(truth: string, predicted: string): number {
  const s = pageScore(pageCounts(truth, predicted));
  const p = s.precision ?? 0;
  const r = s.recall ?? 0;
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

interface FixtureRun {
  name: string;
  pages: { id: string; truth: { title: string; text: string; publishedAt?: string }; html: string; url: string; site: string }[];
  /** Held-out pages are summed up only: a row per page would invite tuning on them. */
  summaryOnly?: boolean;
}

type RunPage = FixtureRun['pages'][number];

function fixtureRuns(): FixtureRun[] {
  const handWritten: RunPage[] = fixturePages().map((p) => ({ id: p.file, truth: p.truth, html: p.html, url: p.truth.url, site: p.truth.site }));
  const sites: RunPage[] = [];
  const sitesDir = new URL('../tests/fixtures/sites/', import.meta.url);
  const truthDir = new URL('../tests/fixtures/truth/', import.meta.url);
  if (existsSync(new URL('manifest.json', sitesDir))) {
    const manifest = JSON.parse(readFileSync(new URL('manifest.json', sitesDir), 'utf8')) as { file: string; template: string; kind: string; url: string; contentType?: string }[];
    for (const m of manifest) {
      const truthFile = new URL(m.file.replace(/\.html$/, '.json'), truthDir);
      if (m.kind !== 'article' || !existsSync(truthFile)) continue;
      const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as { title: string; text: string };
      const html = decodeHtml(readFileSync(new URL(m.file, sitesDir)), m.contentType ?? null).html;
      sites.push({ id: m.file, truth, html, url: m.url, site: m.template });
    }
  }
  const family: RunPage[] = referenceFamilyPages().map((p) => ({ id: p.file, truth: p.truth, html: p.html, url: p.truth.url, site: p.truth.site }));
  const heldout: RunPage[] = heldoutPages().map((p) => ({ id: p.file, truth: p.truth, html: p.html, url: p.truth.url, site: p.truth.site }));
  // Table layouts in windows-1252 (the latest list in the article's cell, or beside it), like the reference page.
  const referenceStyle = [...handWritten.filter((p) => p.site === 'reference-cell' || p.site === 'legacy-1252'), ...sites.filter((p) => p.site === 'reference-cell')];
  return [
    { name: 'hand-written fixture pages (tests/fixtures/pages, development set)', pages: handWritten },
    { name: 'reference-style pages of the development set (tables, windows-1252)', pages: referenceStyle },
    { name: 'generated reference-family pages (tests/fixtures/reference-family, development set)', pages: family },
    { name: 'demo fixture sites (tests/fixtures/sites + truth)', pages: sites },
    { name: 'HELD-OUT set (tests/fixtures/heldout, never tuned on)', pages: heldout, summaryOnly: true },
    { name: 'HELD-OUT reference family (its table pages in windows-1252)', pages: heldout.filter((p) => p.id.startsWith('table-')), summaryOnly: true },
  ].filter((r) => r.pages.length > 0);
}

/**
 * The date found against the truth's: the same instant when the truth has a zone, the same local minute when it
 * has a time without one, the same day when it is a date. A page without a date must give none.
 */
function dateRight(truth: string | undefined, got: string | null): boolean {
  if (!truth) return got === null;
  if (got === null) return false;
  if (/(?:Z|[+-]\d{2}:?\d{2})$/.test(truth)) return Date.parse(truth) === Date.parse(got) || (got.length === 10 && got === truth.slice(0, 10));
  if (truth.includes('T')) return got.slice(0, 16) === truth.slice(0, 16);
  return got.slice(0, 10) === truth;
}

/** The template learned from up to 3 other pages of the page's site, as a warmed-up source has before its first alert. */
function warmUpTemplate(run: FixtureRun, page: RunPage): SiteTemplate | null {
  let template: SiteTemplate | null = null;
  for (const other of run.pages.filter((o) => o.site === page.site && o !== page).slice(0, 3)) template = learnTemplate(template, parseHtml(other.html));
  return template;
}

/**
 * Five readings of each page: Readability + linkedom; Vigie's generic layers only; with the template learned
 * so far in crawl order (the page itself included); after the warm-up (learned from up to 3 other pages of the
 * site, then the page read and learned); and with the template learned from all of the site's pages, the
 * steady state of a source Vigie has watched for a while.
 */
function scoreFixtures(run: FixtureRun): void {
  const siteTemplates = new Map<string, SiteTemplate | null>();
  for (const p of run.pages) siteTemplates.set(p.site, learnTemplate(siteTemplates.get(p.site) ?? null, parseHtml(p.html)));
  const templates = new Map<string, SiteTemplate | null>();
  const readings = { readability: [], generic: [], learning: [], warmUp: [], steady: [] } as Record<string, { truth: string; predicted: string }[]>;
  let titles = 0;
  let dates = 0;
  console.log(`\n${run.name}: ${run.pages.length} pages`);
  if (!run.summaryOnly) console.log(`  ${pad('page', 48)} ${pad('Readab.', 8)} ${pad('generic', 8)} ${pad('learning', 9)} ${pad('warm-up', 8)} ${pad('site', 6)} title, date`);
  for (const p of run.pages) {
    const doc = parseHtml(p.html);
    const r = readabilityText(p.html);
    const g = extractArticle(doc, { url: p.url });
    const template = learnTemplate(templates.get(p.site) ?? null, doc);
    templates.set(p.site, template);
    const l = extractArticle(doc, { url: p.url, template });
    const w = extractAndLearn(doc, warmUpTemplate(run, p), { url: p.url }).body;
    const s = extractArticle(doc, { url: p.url, template: siteTemplates.get(p.site) ?? null });
    const texts = [r, g.text, l.text, w.text, s.text];
    Object.values(readings).forEach((list, i) => list.push({ truth: p.truth.text, predicted: texts[i]! }));
    // Title and date as the first alert gets them: after the warm-up.
    const exact = w.title === p.truth.title;
    const dated = dateRight(p.truth.publishedAt, w.publishedAt);
    if (exact) titles++;
    if (dated) dates++;
    if (run.summaryOnly) continue;
    const cells = texts.map((t) => f1Of(p.truth.text, t).toFixed(3));
    const notes = `${exact ? 'exact' : `got "${w.title}"`}, ${dated ? 'right' : `got ${w.publishedAt} for ${p.truth.publishedAt ?? 'none'}`}`;
    console.log(`  ${pad(p.id, 48)} ${pad(cells[0]!, 8)} ${pad(cells[1]!, 8)} ${pad(cells[2]!, 9)} ${pad(cells[3]!, 8)} ${pad(cells[4]!, 6)} ${notes}`);
  }
  const f = (k: string): string => summarize(readings[k]!).f1.toFixed(3);
  console.log(
    `  F1: Readability+linkedom ${f('readability')}; Vigie ${f('generic')} generic, ${f('learning')} learning in crawl order, ` +
      `${f('warmUp')} after the warm-up, ${f('steady')} site learned; title exact ${titles}/${run.pages.length}, date right ${dates}/${run.pages.length}`,
  );
}

function readabilityText(html: string): string {
  try {
    const { document } = parseHTML(html);
    return new Readability(document).parse()?.textContent ?? '';
  } catch {
    return '';
  }
}

function main(): void {
  // --sets prints only the fixture sets (seconds instead of minutes) while working on the extractor.
  if (process.argv.includes('--sets')) {
    for (const run of fixtureRuns()) scoreFixtures(run);
    return;
  }
  const pages = loadBenchPages();
  const bytes = pages.reduce((s, p) => s + Buffer.byteLength(p.html), 0);
  console.log(`article-extraction benchmark: ${pages.length} pages, ${(bytes / 1e6).toFixed(1)} MB (${benchDir})`);
  console.log('speed: median of 4 timed rounds after a warm-up pass, extractors interleaved page by page (jsdom: its single pass); one process, same pages\n');
  // --quick skips Readability (a minute and a half of the run) while iterating on the extractor.
  const quick = process.argv.includes('--quick');
  const rows = measureAll(pages, extractors.filter((e) => !quick || !e.name.startsWith('Readability')));
  const reference = rows.find((r) => r.name.includes('linkedom')) ?? rows[0]!;
  const header = `${pad('extractor', 36)} ${pad('F1', 6)} ${pad('prec.', 6)} ${pad('recall', 6)} ${pad('acc.', 6)} ${pad('pages/s', 8)} ${pad('MB/s', 7)} ${pad('speed', 7)} ${pad('MB/s cpu', 9)} speed cpu`;
  console.log(header);
  console.log('-'.repeat(header.length));
  for (const r of rows) {
    const q = r.quality;
    const cells = [
      (pages.length / r.seconds).toFixed(1),
      (bytes / 1e6 / r.seconds).toFixed(1),
      `${(reference.seconds / r.seconds).toFixed(2)}x`,
      (bytes / 1e6 / r.cpuSeconds).toFixed(1),
      `${(reference.cpuSeconds / r.cpuSeconds).toFixed(2)}x`,
    ];
    console.log(
      `${pad(r.name, 36)} ${q.f1.toFixed(3)}  ${q.precision.toFixed(3)}  ${q.recall.toFixed(3)}  ${q.accuracy.toFixed(3)}  ${pad(cells[0]!, 8)} ${pad(cells[1]!, 7)} ${pad(cells[2]!, 7)} ${pad(cells[3]!, 9)} ${cells[4]}` +
        (r.failures > 0 ? ` (threw on ${r.failures} pages, scored as empty)` : ''),
    );
  }
  console.log('speed = throughput relative to Readability + linkedom; "cpu" columns use process CPU time instead of wall time');
  const vigie = rows[0]!;
  const floor = rows.find((r) => r.name.startsWith('cheerio'))!;
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x wall, ${(reference.cpuSeconds / vigie.cpuSeconds).toFixed(2)}x cpu`;
  console.log(
    `\ntargets: F1 >= 0.97: ${vigie.quality.f1 >= 0.97 ? 'met' : 'NOT met'} (${vigie.quality.f1.toFixed(3)}); ` +
      `>= 5x Readability+linkedom: ${reference.seconds / vigie.seconds >= 5 ? 'met' : 'NOT met'} (${ratio(reference.seconds, vigie.seconds)}); ` +
      `>= half the cheerio floor's MB/s: ${floor.seconds / vigie.seconds >= 0.5 ? 'met' : 'NOT met'} (${((floor.seconds / vigie.seconds) * 100).toFixed(0)}% wall, ${((floor.cpuSeconds / vigie.cpuSeconds) * 100).toFixed(0)}% cpu)`,
  );
  for (const run of fixtureRuns()) scoreFixtures(run);
}

main();
