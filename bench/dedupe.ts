// npm run bench:dedupe — duplicate detection precision/recall and throughput of fingerprint + claimStory on a
// real SQLite store, against an exact-hash-only baseline in the same run, plus the sweep behind the constants.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ANCHORS,
  BANDS,
  exactHash,
  fingerprint,
  hamming,
  isNear,
  lookupKeys,
  measureArticles,
  MIN_CONTAINMENT,
  MIN_NUMBER_AGREEMENT,
  NEAR_DUPLICATE_MAX_DISTANCE,
  NEAR_RULE,
  SHORT_TEXT_TOKENS,
  type Fingerprint,
  type Measure,
  type NearRule,
} from '../src/dedupe/fingerprint.ts';
import { urlKey } from '../src/dedupe/url-key.ts';
import { SqliteStore, type SqlDb } from '../src/store/index.ts';
import { findStoryMatch, MAX_EXACT, PER_KEY_CANDIDATES } from '../src/store/story-index.ts';
import { DEDUPE_BENCH_SEED, dedupeBenchCorpus, loadRealBodies, type BenchArticle, type Corpus } from './dedupe-corpus.ts';

const SEED = DEDUPE_BENCH_SEED;
const realBodies = loadRealBodies();

const t0 = performance.now();
const corpus = dedupeBenchCorpus(realBodies);
const { articles } = corpus;
console.log(`corpus: ${articles.length} articles, built in ${((performance.now() - t0) / 1000).toFixed(1)} s (seed ${SEED})`);
const byKind = new Map<string, number>();
for (const a of articles) byKind.set(a.kind, (byKind.get(a.kind) ?? 0) + 1);
console.log(`  ${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')}`);
console.log(`  near copies from ${realBodies.length} real bodies; stories in truth: ${new Set(articles.map((a) => a.story)).size}`);

// ---------------------------------------------------------------------------------------------------------
// Scoring

interface Decision {
  /** True story of the story the article was put in (the story of its first article). */
  label: number;
  joined: boolean;
}

interface Score {
  precision: number;
  joins: number;
  wrongJoins: number;
  recallNear: number;
  recallExact: number;
  recallUrl: number;
  missedNear: number;
  byNearKind: Map<string, [number, number]>;
}

function score(c: Corpus, decisions: Decision[]): Score {
  let joins = 0;
  let wrong = 0;
  const hits = new Map<string, [number, number]>();
  const byNearKind = new Map<string, [number, number]>();
  for (const a of c.articles) {
    const d = decisions[a.id] as Decision;
    const ok = d.joined && d.label === a.story;
    if (d.joined) {
      joins++;
      if (!ok) wrong++;
    }
    const h = hits.get(a.kind) ?? [0, 0];
    h[0] += ok ? 1 : 0;
    h[1]++;
    hits.set(a.kind, h);
    const nk = c.nearKind.get(a.id);
    if (nk !== undefined) {
      const k = byNearKind.get(nk) ?? [0, 0];
      k[0] += ok ? 1 : 0;
      k[1]++;
      byNearKind.set(nk, k);
    }
  }
  const rate = (kind: string): number => {
    const [ok, n] = hits.get(kind) ?? [0, 0];
    return n === 0 ? 1 : ok / n;
  };
  const near = hits.get('near') ?? [0, 0];
  return {
    precision: joins === 0 ? 1 : (joins - wrong) / joins,
    joins,
    wrongJoins: wrong,
    recallNear: rate('near'),
    recallExact: rate('exact-other-site'),
    recallUrl: rate('disguised-url'),
    missedNear: near[1] - near[0],
    byNearKind,
  };
}

const f3 = (x: number): string => x.toFixed(3);
const f4 = (x: number): string => x.toFixed(4);

// ---------------------------------------------------------------------------------------------------------
// Real store runs: fingerprint + store.claimStory, and the exact-hash-only baseline, same corpus, same entry step.
// Both go through the store's asynchronous SqlDb (store.db), so both pay its cost per statement.

/** A SqliteStore on a fresh file, with the bench's own entry table beside Vigie's. */
async function openStore(dir: string, name: string): Promise<SqliteStore> {
  const store = new SqliteStore({ path: join(dir, name) });
  await store.db.run('CREATE TABLE bench_entries (url_key TEXT PRIMARY KEY, article_id INTEGER NOT NULL)');
  return store;
}

type Claim = (store: SqliteStore, a: BenchArticle) => Promise<{ storyId: number; isNew: boolean }>;

interface StoreRun {
  decisions: Decision[];
  /** Wall clock, and CPU time of this process (user + system): the machine may be shared. */
  seconds: number;
  cpuSeconds: number;
  claims: number;
  stories: Map<number, number>;
  /** The probe's share, measured apart and left out of `seconds` and `cpuSeconds`. */
  probeSeconds: number;
  probeCpuSeconds: number;
}

/**
 * What the probe's clocks add by themselves over `n` probes (wall ms, CPU µs): the same reads around nothing.
 * Subtracted from the probe's figures, and printed.
 */
let lastOverhead = { wall: 0, cpu: 0 };
function timerOverhead(n: number): { wall: number; cpu: number } {
  let wall = 0;
  let cpu = 0;
  for (let i = 0; i < n; i++) {
    const u0 = process.cpuUsage();
    const p0 = performance.now();
    wall += performance.now() - p0;
    const u1 = process.cpuUsage(u0);
    cpu += u1.user + u1.system;
  }
  lastOverhead = { wall, cpu };
  return lastOverhead;
}

/** A read-only look at the store just before an article is claimed: fingerprint + lookup, no write. */
type Probe = (store: SqliteStore, a: BenchArticle) => Promise<unknown>;

async function runStore(dir: string, name: string, claim: Claim, probe: Probe): Promise<StoreRun> {
  const store = await openStore(dir, name);
  const decisions: Decision[] = [];
  const storyOfArticle = new Map<number, number>();
  const labelOfStory = new Map<number, number>();
  let claims = 0;
  let probeWall = 0;
  let probeCpu = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (const a of articles) {
    const key = urlKey(a.url);
    const entry = (await store.db.get('SELECT article_id FROM bench_entries WHERE url_key = ?', [key])) as { article_id: number } | undefined;
    if (entry !== undefined) {
      const storyId = storyOfArticle.get(entry.article_id) as number;
      storyOfArticle.set(a.id, storyId);
      decisions[a.id] = { label: labelOfStory.get(storyId) as number, joined: true };
      continue;
    }
    await store.db.run('INSERT INTO bench_entries (url_key, article_id) VALUES (?, ?)', [key, a.id]);
    // The CPU clock (a system call) is read outside the wall-clock window; its own cost is calibrated below.
    const u0 = process.cpuUsage();
    const p0 = performance.now();
    await probe(store, a);
    probeWall += performance.now() - p0;
    const u1 = process.cpuUsage(u0);
    probeCpu += u1.user + u1.system;
    const c = await claim(store, a);
    claims++;
    if (c.isNew) labelOfStory.set(c.storyId, a.story);
    storyOfArticle.set(a.id, c.storyId);
    decisions[a.id] = { label: labelOfStory.get(c.storyId) as number, joined: !c.isNew };
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  await store.close();
  const overhead = timerOverhead(claims);
  return {
    decisions,
    seconds: seconds - probeWall / 1000,
    cpuSeconds: (cpu.user + cpu.system - probeCpu) / 1e6,
    claims,
    stories: storyOfArticle,
    probeSeconds: (probeWall - overhead.wall) / 1000,
    probeCpuSeconds: (probeCpu - overhead.cpu) / 1e6,
  };
}

const NOW = '2026-12-01T08:00:00.000Z';

// The article ids are the corpus's: no `articles` row, which store.claimStory does not need.
const fullClaim: Claim = (store, a) => store.claimStory(a.id, a.title, a.text, NOW);
const fullProbe: Probe = (store, a) => findStoryMatch(store.db, fingerprint(a.title, a.text));

const baselineReady = new WeakSet<SqlDb>();
/** Exact-hash-only dedup, same transaction discipline as claimStory: what a plain content hash catches. */
const baselineClaim: Claim = async (store, a) => {
  if (!baselineReady.has(store.db)) {
    await store.db.run('CREATE TABLE base_stories (id INTEGER PRIMARY KEY, first_article_id INTEGER NOT NULL)');
    await store.db.run('CREATE TABLE base_fp (article_id INTEGER PRIMARY KEY, story_id INTEGER NOT NULL, exact_hash TEXT NOT NULL)');
    await store.db.run('CREATE INDEX base_fp_hash ON base_fp (exact_hash)');
    baselineReady.add(store.db);
  }
  const hash = exactHash(a.text);
  return store.db.transaction(async (tx) => {
    const row = (await tx.get('SELECT story_id FROM base_fp WHERE exact_hash = ? LIMIT 1', [hash])) as { story_id: number } | undefined;
    const storyId = row?.story_id ?? ((await tx.get('INSERT INTO base_stories (first_article_id) VALUES (?) RETURNING id', [a.id])) as { id: number }).id;
    await tx.run('INSERT INTO base_fp (article_id, story_id, exact_hash) VALUES (?, ?, ?)', [a.id, storyId, hash]);
    return { storyId, isNew: row === undefined };
  });
};

const baselineProbe: Probe = async (store, a) =>
  baselineReady.has(store.db) ? store.db.get('SELECT story_id FROM base_fp WHERE exact_hash = ? LIMIT 1', [exactHash(a.text)]) : null;

const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-dedupe-'));
try {
  // Warm both code paths on a throwaway store so neither pays the JIT in its measured run.
  const warm = await openStore(dir, 'warm.db');
  for (const a of articles.slice(0, 300)) {
    await fullProbe(warm, a);
    await fullClaim(warm, a);
    await baselineClaim(warm, { ...a, id: a.id + 1_000_000 });
    await baselineProbe(warm, a);
  }
  await warm.close();

  const base = await runStore(dir, 'baseline.db', baselineClaim, baselineProbe);
  const full = await runStore(dir, 'vigie.db', fullClaim, fullProbe);
  const sFull = score(corpus, full.decisions);
  const sBase = score(corpus, base.decisions);
  const rateFull = articles.length / full.seconds;
  const rateBase = articles.length / base.seconds;
  const cpuFull = articles.length / full.cpuSeconds;
  const cpuBase = articles.length / base.cpuSeconds;

  console.log('');
  console.log(
    `constants: NEAR_DUPLICATE_MAX_DISTANCE=${NEAR_DUPLICATE_MAX_DISTANCE} BANDS=${BANDS} ANCHORS=${ANCHORS} MIN_CONTAINMENT=${MIN_CONTAINMENT} MIN_NUMBER_AGREEMENT=${MIN_NUMBER_AGREEMENT} SHORT_TEXT_TOKENS=${SHORT_TEXT_TOKENS} PER_KEY_CANDIDATES=${PER_KEY_CANDIDATES}`,
  );
  console.log('method                      precision  wrong/joins  recall-near  recall-exact  recall-url  articles/s  per CPU-s');
  const line = (name: string, s: Score, rate: number, cpuRate: number): void =>
    console.log(
      `${name.padEnd(28)}${f4(s.precision).padStart(9)}  ${`${s.wrongJoins}/${s.joins}`.padStart(11)}  ${f3(s.recallNear).padStart(11)}  ${f3(s.recallExact).padStart(12)}  ${f3(s.recallUrl).padStart(10)}  ${rate.toFixed(0).padStart(10)}  ${cpuRate.toFixed(0).padStart(9)}`,
    );
  line('simhash+sketch (claimStory)', sFull, rateFull, cpuFull);
  line('exact hash only (baseline)', sBase, rateBase, cpuBase);
  console.log(
    `ratio vs baseline: throughput ${(rateFull / rateBase).toFixed(2)}x wall, ${(cpuFull / cpuBase).toFixed(2)}x CPU; near-copy recall ${f3(sFull.recallNear)} vs ${f3(sBase.recallNear)}`,
  );
  console.log(
    `fingerprint + lookup only (read-only, on the store as each article arrives, ${full.claims} articles): ${(full.claims / full.probeSeconds).toFixed(0)}/s wall, ${(full.claims / full.probeCpuSeconds).toFixed(0)} per CPU-s; exact hash + lookup: ${(base.claims / base.probeSeconds).toFixed(0)}/s wall, ${(base.claims / base.probeCpuSeconds).toFixed(0)} per CPU-s`,
  );
  console.log(
    `(probe clocks calibrated and subtracted: ${((lastOverhead.wall * 1000) / full.claims).toFixed(2)} µs wall, ${(lastOverhead.cpu / full.claims).toFixed(2)} µs CPU per article)`,
  );
  console.log(`load average during the run: ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${cpus().length} cores`);
  console.log(`(articles/s: all ${articles.length} articles through urlKey + entry lookup, ${full.claims} of them then through store.claimStory = fingerprint + lookup + writes + COMMIT on a WAL file, through the store's asynchronous SqlDb; one process, one core)`);
  console.log('near-copy recall by transformation:');
  for (const [k, [ok, n]] of sFull.byNearKind) console.log(`  ${k.padEnd(24)} ${f3(ok / n)}  (${ok}/${n})`);
  const probeRate = full.claims / full.probeSeconds;
  const probeCpuRate = full.claims / full.probeCpuSeconds;
  const verdict = (wall: number, cpu: number): string => (wall >= 5000 ? 'met' : cpu >= 5000 ? 'met per CPU-second, not wall' : 'MISSED');
  console.log(
    `targets: precision >= 0.995 ${sFull.precision >= 0.995 ? 'met' : 'MISSED'}; recall >= 0.95 ${sFull.recallNear >= 0.95 ? 'met' : 'MISSED'}; >= 5000 articles/s: fingerprint + lookup ${verdict(probeRate, probeCpuRate)}, whole claimStory pipeline ${verdict(rateFull, cpuFull)}`,
  );

  // -------------------------------------------------------------------------------------------------------
  // Sweep: the same decisions replayed in memory (same keys, caps and compareArticles), so that many
  // settings fit in the run. The replay at the chosen settings is checked against the store run.

  const sweepStart = performance.now();
  const fps = new Map<number, Fingerprint>();
  const keyOf = new Map<number, string>();
  for (const a of articles) {
    keyOf.set(a.id, urlKey(a.url));
  }
  const fpOf = (a: BenchArticle): Fingerprint => {
    let fp = fps.get(a.id);
    if (fp === undefined) {
      fp = fingerprint(a.title, a.text);
      fps.set(a.id, fp);
    }
    return fp;
  };

  interface Cand {
    id: number;
    m: Measure;
  }
  /** Per claimed article, its exact-hash candidates and its lookup-key candidates, as claimStory sees them. */
  interface Lookups {
    exact: Cand[][];
    keyed: Cand[][];
    candidates: number;
    lookups: number;
  }

  const MAX_SWEPT_DISTANCE = 28;
  const FAR: Measure = { distance: 64, containment: 0, numbers: 0, exact: false, short: false, sameTitle: false, empty: false };
  // Candidates depend on the keys only (every claimed article is indexed whatever the decision), so they are
  // gathered once per key setting and every decision rule is then a cheap pass over them.
  function gather(bands: number, anchors: number, perKey = PER_KEY_CANDIDATES): Lookups {
    const entries = new Set<string>();
    const exactIds = new Map<string, number[]>();
    const postings = new Map<string, number[]>();
    const out: Lookups = { exact: [], keyed: [], candidates: 0, lookups: 0 };
    for (const a of articles) {
      const key = keyOf.get(a.id) as string;
      if (entries.has(key)) continue;
      entries.add(key);
      const fp = fpOf(a);
      const keys = lookupKeys(fp, bands, anchors);
      // Past the widest distance swept, only an exact copy can be near: skip the sketch comparison.
      const measure = (id: number): Cand => {
        const other = fps.get(id) as Fingerprint;
        if (hamming(fp.simhash, other.simhash) > MAX_SWEPT_DISTANCE && fp.exactHash !== other.exactHash) {
          return { id, m: { ...FAR, distance: hamming(fp.simhash, other.simhash) } };
        }
        return { id, m: measureArticles(fp, other) };
      };
      if (fp.exactHash !== null) {
        out.exact[a.id] = (exactIds.get(fp.exactHash) ?? []).slice(0, MAX_EXACT).map(measure);
        const ids = new Set<number>();
        for (const k of keys) {
          const list = postings.get(k);
          if (list === undefined) continue;
          for (let i = list.length - 1; i >= 0 && i >= list.length - perKey; i--) ids.add(list[i] as number);
        }
        if (keys.length > 0) {
          out.lookups++;
          out.candidates += ids.size;
        }
        out.keyed[a.id] = [...ids].map(measure);
        const list = exactIds.get(fp.exactHash);
        if (list === undefined) exactIds.set(fp.exactHash, [a.id]);
        else list.push(a.id);
      }
      for (const k of keys) {
        const list = postings.get(k);
        if (list === undefined) postings.set(k, [a.id]);
        else list.push(a.id);
      }
    }
    return out;
  }

  /** bestMatch's order on measures: containment, then distance, then the lower id. */
  function best(cands: Cand[] | undefined, rule: NearRule): number | null {
    let pickId: number | null = null;
    let pickM: Measure | null = null;
    for (const c of cands ?? []) {
      if (!isNear(c.m, rule)) continue;
      if (
        pickM === null ||
        c.m.containment > pickM.containment ||
        (c.m.containment === pickM.containment &&
          (c.m.distance < pickM.distance || (c.m.distance === pickM.distance && c.id < (pickId as number))))
      ) {
        pickId = c.id;
        pickM = c.m;
      }
    }
    return pickId;
  }

  function replay(l: Lookups, rule: NearRule): { decisions: Decision[]; stories: Map<number, number> } {
    const entries = new Map<string, number>();
    const storyOf = new Map<number, number>();
    const labelOf = new Map<number, number>();
    const decisions: Decision[] = [];
    let nextStory = 1;
    for (const a of articles) {
      const key = keyOf.get(a.id) as string;
      const entry = entries.get(key);
      if (entry !== undefined) {
        const s = storyOf.get(entry) as number;
        storyOf.set(a.id, s);
        decisions[a.id] = { label: labelOf.get(s) as number, joined: true };
        continue;
      }
      entries.set(key, a.id);
      const match = best(l.exact[a.id], rule) ?? best(l.keyed[a.id], rule);
      const s = match === null ? nextStory++ : (storyOf.get(match) as number);
      if (match === null) labelOf.set(s, a.story);
      storyOf.set(a.id, s);
      decisions[a.id] = { label: labelOf.get(s) as number, joined: match !== null };
    }
    return { decisions, stories: storyOf };
  }

  const chosenRule: NearRule = NEAR_RULE;
  const chosenLookups = gather(BANDS, ANCHORS);
  const chosen = replay(chosenLookups, chosenRule);
  // Story ids differ between store and replay; compare the partitions they induce.
  let disagree = 0;
  const firstOfStore = new Map<number, number>();
  for (const a of articles) {
    const s = full.stories.get(a.id) as number;
    if (!firstOfStore.has(s)) firstOfStore.set(s, a.id);
    if (chosen.stories.get(a.id) !== chosen.stories.get(firstOfStore.get(s) as number)) disagree++;
  }
  const perLookup = (l: Lookups): string => (l.candidates / Math.max(1, l.lookups)).toFixed(1);
  console.log('');
  console.log(`sweep: in-memory replay of claimStory's lookup and rule; at the chosen settings it places ${disagree} of ${articles.length} articles differently from the store run`);
  console.log(`candidates judged per keyed lookup at the chosen settings: ${perLookup(chosenLookups)}`);

  console.log('');
  console.log(`lookup keys (rule fixed as chosen; ${PER_KEY_CANDIDATES} newest articles per key):`);
  console.log('bands anchors  precision  recall-near  missed  cand/lookup');
  for (const bands of [0, 4, 5, 6, 8]) {
    for (const anchors of [0, 2, 4, 6]) {
      if (bands === 0 && anchors === 0) continue;
      const l = bands === BANDS && anchors === ANCHORS ? chosenLookups : gather(bands, anchors);
      const s = score(corpus, replay(l, chosenRule).decisions);
      const mark = bands === BANDS && anchors === ANCHORS ? '  <- chosen' : '';
      console.log(
        `${String(bands).padStart(5)} ${String(anchors).padStart(7)}  ${f4(s.precision).padStart(9)}  ${f3(s.recallNear).padStart(11)}  ${String(s.missedNear).padStart(6)}  ${perLookup(l).padStart(11)}${mark}`,
      );
    }
  }
  console.log('articles read per key (newest first), chosen keys:');
  for (const perKey of [2, 4, 8, 16, 32]) {
    const l = perKey === PER_KEY_CANDIDATES ? chosenLookups : gather(BANDS, ANCHORS, perKey);
    const s = score(corpus, replay(l, chosenRule).decisions);
    console.log(`  ${String(perKey).padStart(3)}: precision ${f4(s.precision)} recall-near ${f3(s.recallNear)} cand/lookup ${perLookup(l)}${perKey === PER_KEY_CANDIDATES ? '  <- chosen' : ''}`);
  }

  const cell = (rule: NearRule, chosenCell: boolean): string => {
    const s = score(corpus, replay(chosenLookups, rule).decisions);
    return `${f4(s.precision)}/${f3(s.recallNear)} (${s.wrongJoins})${chosenCell ? '*' : ' '}`.padEnd(22);
  };
  console.log('');
  console.log(`decision rule (keys as chosen, figures check >= ${MIN_NUMBER_AGREEMENT}); cells: precision / recall-near (wrong joins)`);
  const containments = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9];
  console.log(`max-dist  ${containments.map((c) => `c>=${c}`.padEnd(22)).join('')}`);
  for (const d of [6, 8, 10, 12, 14, 16, 18, 20, 24, 28]) {
    const cells = containments.map((c) =>
      cell({ maxDistance: d, minContainment: c, minNumberAgreement: MIN_NUMBER_AGREEMENT }, d === NEAR_DUPLICATE_MAX_DISTANCE && c === MIN_CONTAINMENT),
    );
    console.log(`${String(d).padStart(8)}  ${cells.join('')}`);
  }
  console.log('');
  console.log(`figures check (distance <= ${NEAR_DUPLICATE_MAX_DISTANCE}); cells: precision / recall-near (wrong joins)`);
  console.log(`agreement ${containments.map((c) => `c>=${c}`.padEnd(22)).join('')}`);
  for (const n of [0, 0.5, 0.67, 0.8, 0.9, 1]) {
    const cells = containments.map((c) =>
      cell({ maxDistance: NEAR_DUPLICATE_MAX_DISTANCE, minContainment: c, minNumberAgreement: n }, n === MIN_NUMBER_AGREEMENT && c === MIN_CONTAINMENT),
    );
    console.log(`${(n === 0 ? 'off' : String(n)).padStart(8)}  ${cells.join('')}`);
  }
  console.log(`(* = chosen; sweep took ${((performance.now() - sweepStart) / 1000).toFixed(1)} s; total ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
