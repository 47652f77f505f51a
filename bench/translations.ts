// npm run bench:translations [-- --held-out] [-- --no-scale] [-- --scale-rounds N (default 5)] — cross-language story grouping through the real claim
// (store.claimStory on a fresh SQLite store), on the hand-written corpus in bench/translations/: French/English
// translation pairs, and negatives on the same topics (close pairs: same topic, different event). Prints recall on
// the pairs, precision over every merge, and claims per second with translations on, against the same-language
// dedupe alone in the same run. The held-out third (bench/translations/heldout/) is scored only with --held-out.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { frEnLexicon } from '../src/dedupe/fr-en-lexicon.ts';
import { TRANSLATION_RULE } from '../src/dedupe/translation-rule.ts';
import { SqliteStore, type ClaimOptions } from '../src/store/index.ts';
import { dedupeBenchCorpus, loadRealBodies } from './dedupe-corpus.ts';

interface CorpusArticle {
  id: string;
  lang: string;
  site: string;
  title: string;
  publishedAt: string;
  text: string;
}

interface CorpusSet {
  name: string;
  articles: CorpusArticle[];
  /** Translations of each other. */
  pairs: Array<[string, string]>;
  /** Same topic, different event: must never merge. */
  close: Array<[string, string]>;
  /** The same event written twice by two of the corpus's writers (judged by hand): a merge there is not wrong. */
  sameEvent: Array<[string, string]>;
}

const DIR = join(import.meta.dirname, 'translations');
const WINDOW_MS = 7 * 86_400_000;
// A round of a corpus part takes 40-130 ms: 30 of them, so that one slow round (a collection, the machine) moves the median little.
const ROUNDS = 31;

function load(name: string, files: string[], sameEventFile: string): CorpusSet {
  const set: CorpusSet = { name, articles: [], pairs: [], close: [], sameEvent: [] };
  for (const f of files) {
    const part = JSON.parse(readFileSync(join(DIR, f), 'utf8')) as { articles: CorpusArticle[]; pairs: Array<[string, string]>; close: Array<[string, string]> };
    set.articles.push(...part.articles);
    set.pairs.push(...part.pairs);
    set.close.push(...part.close);
  }
  const same = JSON.parse(readFileSync(join(DIR, sameEventFile), 'utf8')) as { sameEvent: Array<{ a: string; b: string }> };
  set.sameEvent = same.sameEvent.map((p) => [p.a, p.b]);
  const ids = new Set(set.articles.map((a) => a.id));
  for (const [a, b] of [...set.pairs, ...set.close, ...set.sameEvent]) {
    if (!ids.has(a) || !ids.has(b)) throw new Error(`${name}: pair ${a} / ${b} names an article the corpus does not have`);
  }
  // Arrival order: by publication, ties by id; each claim's clock is its publication time (the window applies).
  set.articles.sort((x, y) => x.publishedAt.localeCompare(y.publishedAt) || x.id.localeCompare(y.id));
  return set;
}

/** Claims every article in arrival order on a fresh store; returns each article's story and the claims' wall time. */
async function run(set: CorpusSet, translations: boolean): Promise<{ story: Map<string, number>; ms: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-translations-'));
  const store = new SqliteStore({ path: join(dir, 'vigie.db') });
  try {
    const story = new Map<string, number>();
    let ms = 0;
    for (const [i, a] of set.articles.entries()) {
      const now = new Date(Date.parse(a.publishedAt) + i).toISOString();
      const options: ClaimOptions = { lang: a.lang, translations: translations ? { windowMs: WINDOW_MS } : null };
      const t0 = performance.now();
      const claim = await store.claimStory(i + 1, a.title, a.text, now, options);
      ms += performance.now() - t0;
      story.set(a.id, claim.storyId);
    }
    return { story, ms };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Union-find over the pairs a merge may join: translations and same-event copies. */
function truth(set: CorpusSet): (a: string, b: string) => boolean {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    const p = parent.get(x) ?? x;
    if (p === x) return x;
    const root = find(p);
    parent.set(x, root);
    return root;
  };
  for (const [a, b] of [...set.pairs, ...set.sameEvent]) parent.set(find(a), find(b));
  return (a, b) => find(a) === find(b);
}

interface Score {
  pairs: number;
  found: number;
  merges: number;
  wrong: Array<[string, string]>;
  closeMerged: number;
  sameEventMerged: number;
}

function score(set: CorpusSet, story: Map<string, number>): Score {
  const allowed = truth(set);
  const lang = new Map(set.articles.map((a) => [a.id, a.lang]));
  const byStory = new Map<number, string[]>();
  for (const [id, s] of story) byStory.set(s, [...(byStory.get(s) ?? []), id]);
  let merges = 0;
  const wrong: Array<[string, string]> = [];
  for (const ids of byStory.values()) {
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const [a, b] = [ids[i]!, ids[j]!];
        if (lang.get(a) === lang.get(b)) continue; // same-language copies are bench:dedupe's business
        merges++;
        if (!allowed(a, b)) wrong.push([a, b]);
      }
    }
  }
  const same = (a: string, b: string) => story.get(a) === story.get(b);
  return {
    pairs: set.pairs.length,
    found: set.pairs.filter(([a, b]) => same(a, b)).length,
    merges,
    wrong,
    closeMerged: set.close.filter(([a, b]) => same(a, b)).length,
    sameEventMerged: set.sameEvent.filter(([a, b]) => same(a, b)).length,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function report(set: CorpusSet): Promise<void> {
  const langs = set.articles.reduce<Record<string, number>>((n, a) => ({ ...n, [a.lang]: (n[a.lang] ?? 0) + 1 }), {});
  console.log(`\n${set.name}: ${set.articles.length} articles (${Object.entries(langs).map(([l, n]) => `${n} ${l}`).join(', ')}), ${set.pairs.length} translation pairs, ${set.close.length} close pairs (same topic, another event), ${set.sameEvent.length} same-event pairs written twice`);
  const mono: number[] = [];
  const cross: number[] = [];
  let story = new Map<string, number>();
  // Interleaved rounds, so that both modes see the same machine load; the first round of each warms the JIT.
  for (let r = 0; r < ROUNDS; r++) {
    mono.push((await run(set, false)).ms);
    const c = await run(set, true);
    cross.push(c.ms);
    story = c.story;
  }
  const s = score(set, story);
  const precision = s.merges === 0 ? 1 : (s.merges - s.wrong.length) / s.merges;
  const recall = s.found / s.pairs;
  const rate = (ms: number) => set.articles.length / (ms / 1000);
  const [m, c] = [median(mono.slice(1)), median(cross.slice(1))];
  // Each round's two runs are next to each other in time: the ratio of a round is the fairest on a shared machine.
  const ratio = median(cross.slice(1).map((x, i) => x / mono[i + 1]!));
  console.log(`  recall     ${recall.toFixed(3)}  (${s.found} of ${s.pairs} translation pairs in one story)`);
  console.log(`  precision  ${precision.toFixed(3)}  (${s.merges} cross-language merges, ${s.wrong.length} wrong; close pairs merged: ${s.closeMerged}; same-event pairs merged: ${s.sameEventMerged} of ${set.sameEvent.length})`);
  for (const [a, b] of s.wrong) console.log(`    wrong: ${a} + ${b}`);
  console.log(`  claims/s   same-language only ${rate(m).toFixed(0)}, with translations ${rate(c).toFixed(0)}: ${ratio.toFixed(2)}x the time (medians of ${ROUNDS - 1} rounds after a warm-up)`);
}

/**
 * The claim's cost at scale: bench:dedupe's corpus (10,642 articles, seed and sizes as there) claimed into one store,
 * translations off, then on, interleaved. Its articles are English; each story is labelled fr or en at random (a
 * hash of its id), so that lookups in the other language find candidates and judge their gists, as on a bilingual
 * feed. This measures time only: its texts are not translations of each other.
 */
async function scale(rounds: number): Promise<void> {
  const { articles } = dedupeBenchCorpus(loadRealBodies());
  const langOf = (story: number) => ((Math.imul(story, 0x9e3779b1) >>> 31) === 0 ? 'en' : 'fr');
  const once = async (translations: boolean): Promise<number> => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-translations-scale-'));
    const store = new SqliteStore({ path: join(dir, 'vigie.db') });
    try {
      const start = Date.parse('2026-12-01T00:00:00.000Z');
      let ms = 0;
      for (const a of articles) {
        // One article a minute: the whole corpus falls within the 7-day window.
        const now = new Date(start + a.id * 60_000).toISOString();
        const t0 = performance.now();
        await store.claimStory(a.id, a.title, a.text, now, { lang: langOf(a.story), translations: translations ? { windowMs: WINDOW_MS } : null });
        ms += performance.now() - t0;
      }
      return ms;
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
  console.log(`\nat scale: bench:dedupe's ${articles.length} articles in one store, a warm-up then ${rounds} interleaved rounds of each (about 20 s a round)`);
  const mono: number[] = [];
  const cross: number[] = [];
  // Round 0 warms the JIT and is not counted; the ratio of each round is of two passes next to each other in time.
  for (let r = 0; r <= rounds; r++) {
    mono.push(await once(false));
    cross.push(await once(true));
    const a = mono.at(-1)!;
    const b = cross.at(-1)!;
    process.stdout.write(`  ${r === 0 ? 'warm-up' : `round ${r}`}: ${(articles.length / (a / 1000)).toFixed(0)} and ${(articles.length / (b / 1000)).toFixed(0)} claims/s, ${(b / a).toFixed(2)}x\n`);
  }
  mono.shift();
  cross.shift();
  const ratios = cross.map((x, i) => x / mono[i]!);
  const rate = (ms: number) => (articles.length / (ms / 1000)).toFixed(0);
  console.log(
    `  claims/s   same-language only ${rate(median(mono))}, with translations ${rate(median(cross))}: ${median(ratios).toFixed(2)}x the time (median of ${rounds} rounds; ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}x)`,
  );
}

const heldOut = process.argv.includes('--held-out');
const t0 = performance.now();
const lexicon = frEnLexicon();
console.log(`bench:translations — lexicon ${lexicon.size} entries (parsed in ${(performance.now() - t0).toFixed(0)} ms); rule ${JSON.stringify(TRANSLATION_RULE)}; window 7 d`);
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load ${loadavg()[0]!.toFixed(2)}`);
await report(load('development (two thirds)', ['pairs-a.json', 'pairs-b.json', 'negatives-a.json', 'negatives-b.json'], 'same-event.json'));
if (heldOut) await report(load('held-out (one third)', ['heldout/pairs-c.json', 'heldout/negatives-c.json'], 'heldout/same-event.json'));
else console.log('\nheld-out third: not scored (npm run bench:translations -- --held-out)');
const roundsAt = process.argv.indexOf('--scale-rounds');
const scaleRounds = roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : 5;
if (!Number.isInteger(scaleRounds) || scaleRounds < 1) throw new Error(`--scale-rounds: a whole number of rounds >= 1, got ${process.argv[roundsAt + 1]}`);
if (!process.argv.includes('--no-scale')) await scale(scaleRounds);
