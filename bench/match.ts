// npm run bench:match: the compiled watchlist matcher against a naive loop of one regular expression per term,
// on the same generated French/English defence articles and the same watchlists, in one process (one core).
// Options: --articles N (10000), --watchlists N (200), --terms N (10), --naive N (articles the naive loop reads,
// 1000: it is too slow for all of them), --seed N.
import { cpus, loadavg } from 'node:os';
import { compileWatchlists, type WatchlistMatch, type WatchlistSpec } from '../src/watch/compile-watchlists.ts';
import { foldString } from '../src/watch/fold-units.ts';
import { parseTerm } from '../src/watch/parse-term.ts';
import { pluralForms } from '../src/watch/plural-forms.ts';
import { GAP_JOIN, GAP_SPACE } from '../src/watch/token-scanner.ts';
import { buildMatchCorpus, type Article } from './match-corpus.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SEED = arg('--seed', 20261212);
const ARTICLES = arg('--articles', 10_000);
const WATCHLISTS = arg('--watchlists', 200);
const TERMS = arg('--terms', 10);
const NAIVE = Math.min(ARTICLES, arg('--naive', 1000));

const t0 = performance.now();
const corpus = buildMatchCorpus({ seed: SEED, articles: ARTICLES, watchlists: WATCHLISTS, termsPerList: TERMS });
const { articles, watchlists } = corpus;
const chars = articles.reduce((n, a) => n + a.title.length + a.text.length, 0);
const fr = articles.filter((a) => a.lang === 'fr').length;
const aliasCount = watchlists.reduce((n, w) => n + w.terms.reduce((k, t) => k + t.split('|').length, 0), 0);
const excludeCount = watchlists.reduce((n, w) => n + (w.exclude?.length ?? 0), 0);
console.log(
  `watchlist matching benchmark: ${articles.length} articles (fr ${fr}, en ${articles.length - fr}), mean ${(corpus.words / articles.length).toFixed(0)} words, ` +
    `${(chars / articles.length / 1000).toFixed(1)} k characters; built in ${((performance.now() - t0) / 1000).toFixed(1)} s (seed ${SEED})`,
);
console.log(
  `  ${watchlists.length} watchlists x ${TERMS} terms = ${watchlists.length * TERMS} terms, ${aliasCount} aliases, ${excludeCount} exclude terms`,
);

// ---------------------------------------------------------------------------------------------------------
// Compiled matcher

const c0 = performance.now();
const matcher = compileWatchlists(watchlists);
const compileMs = performance.now() - c0;
const size = matcher.size;
console.log(
  `  compiled once in ${compileMs.toFixed(0)} ms: ${size.patterns} alias spellings, ${size.words} word forms, ${size.states} automaton states`,
);

/** One line per article: the watchlists it matches and their terms, for comparing methods. */
type Result = string;
const key = (matches: Array<{ index: number; terms: number[] }>): Result => matches.map((m) => `${m.index}:${m.terms.join(',')}`).join(' ');
const compiledKey = (ms: WatchlistMatch[]): Result => key(ms.map((m) => ({ index: m.index, terms: m.hits.map((h) => h.termIndex) })));

interface Timed {
  seconds: number;
  cpuSeconds: number;
  results: Result[];
  hits: number;
}

function time(n: number, run: (a: Article) => Result): Timed {
  const results: Result[] = [];
  let hits = 0;
  const u0 = process.cpuUsage();
  const w0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = run(articles[i] as Article);
    results.push(r);
    if (r !== '') hits += r.split(' ').length;
  }
  const seconds = (performance.now() - w0) / 1000;
  const u = process.cpuUsage(u0);
  return { seconds, cpuSeconds: (u.user + u.system) / 1e6, results, hits };
}

// Warm-up: the first pass compiles the hot paths and fills the scanner's lazy character tables.
time(Math.min(1000, articles.length), (a) => compiledKey(matcher.match(a.title, a.text)));
const compiled = time(articles.length, (a) => compiledKey(matcher.match(a.title, a.text)));

// ---------------------------------------------------------------------------------------------------------
// Naive loop: one regular expression per term (its aliases in one alternation), case-insensitive, on
// accent-folded input, \b boundaries. Word forms and gaps follow the same rules, written as regex syntax.

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const isDigits = (w: string): boolean => /^\d+$/.test(w);

function termRegex(term: string): RegExp {
  const parsed = parseTerm(term);
  if (typeof parsed === 'string') throw new Error(parsed);
  const alternatives = parsed.map(({ spellings }) => {
    const { words, gaps } = spellings[0] as { words: string[]; gaps: number[] };
    let re = '';
    words.forEach((w, j) => {
      if (j > 0) {
        const prev = words[j - 1] as string;
        if (gaps[j] === GAP_JOIN) re += '[^a-z0-9\\s]*';
        else if (gaps[j] === GAP_SPACE && !isDigits(prev) && !isDigits(w)) re += '[^a-z0-9]+';
        else re += '[^a-z0-9]*';
      }
      const forms = pluralForms(w).map(escape);
      re += forms.length > 1 ? `(?:${forms.join('|')})` : forms[0];
    });
    // F-35s, A400Ms: a plural s glued to digits or to letters glued to digits.
    const last = words.length - 1;
    if (isDigits(words[last] as string) || (last > 0 && gaps[last] === GAP_JOIN && isDigits(words[last - 1] as string))) re += 's?';
    return re;
  });
  return new RegExp(`\\b(?:${alternatives.join('|')})\\b`, 'i');
}

interface NaiveList {
  index: number;
  terms: RegExp[];
  exclude: RegExp[];
}
const naiveLists: NaiveList[] = watchlists.map((w: WatchlistSpec, index) => ({
  index,
  terms: w.terms.map(termRegex),
  exclude: (w.exclude ?? []).map(termRegex),
}));
const regexCount = naiveLists.reduce((n, l) => n + l.terms.length + l.exclude.length, 0);

function naiveMatch(a: Article): Result {
  const title = foldString(a.title);
  const text = foldString(a.text);
  const out: Array<{ index: number; terms: number[] }> = [];
  for (const list of naiveLists) {
    if (list.exclude.some((re) => re.test(title) || re.test(text))) continue;
    const terms: number[] = [];
    list.terms.forEach((re, i) => {
      if (re.test(title) || re.test(text)) terms.push(i);
    });
    if (terms.length > 0) out.push({ index: list.index, terms });
  }
  return key(out);
}

time(Math.min(50, NAIVE), naiveMatch);
const naive = time(NAIVE, naiveMatch);

// ---------------------------------------------------------------------------------------------------------
// Report

const rate = (t: Timed, n: number): number => n / t.seconds;
const cpuRate = (t: Timed, n: number): number => n / t.cpuSeconds;
const compiledRate = rate(compiled, articles.length);
const naiveRate = rate(naive, NAIVE);
const matched = compiled.results.filter((r) => r !== '').length;

console.log('');
console.log('method                                     articles   seconds  articles/s  per CPU-s  watchlist matches/article');
const line = (name: string, t: Timed, n: number): void =>
  console.log(
    `${name.padEnd(42)} ${String(n).padStart(8)}  ${t.seconds.toFixed(2).padStart(8)}  ${rate(t, n).toFixed(0).padStart(10)}  ${cpuRate(t, n).toFixed(0).padStart(9)}  ${(t.hits / n).toFixed(2).padStart(25)}`,
  );
line('compiled automaton (matcher.match)', compiled, articles.length);
line(`naive loop (${regexCount} regexes, first ${NAIVE})`, naive, NAIVE);
console.log(
  `ratio: ${(compiledRate / naiveRate).toFixed(1)}x wall, ${(cpuRate(compiled, articles.length) / cpuRate(naive, NAIVE)).toFixed(1)}x CPU; ` +
    `${matched} of ${articles.length} articles match at least one watchlist`,
);

let disagree = 0;
const examples: string[] = [];
for (let i = 0; i < NAIVE; i++) {
  if (compiled.results[i] === naive.results[i]) continue;
  disagree++;
  if (examples.length < 5) examples.push(`  article ${i}: compiled [${compiled.results[i]}] vs naive [${naive.results[i]}]`);
}
console.log(`agreement on the ${NAIVE} articles both read: ${NAIVE - disagree} identical, ${disagree} differ`);
for (const e of examples) console.log(e);
console.log(`load average during the run: ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${cpus().length} cores`);
console.log('(one process, one core; articles/s = title + text through match(), results reduced to watchlist and term indexes)');
console.log(
  `targets: >= 5000 articles/s ${compiledRate >= 5000 ? 'met' : cpuRate(compiled, articles.length) >= 5000 ? 'met per CPU-second, not wall' : 'MISSED'} (${compiledRate.toFixed(0)}); ` +
    `>= 10x the naive loop ${compiledRate / naiveRate >= 10 ? 'met' : 'MISSED'} (${(compiledRate / naiveRate).toFixed(1)}x)`,
);
