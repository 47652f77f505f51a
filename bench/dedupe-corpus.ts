/**
 * The deduplication benchmark corpus, built from a seed. Ground truth comes from the construction: every
 * article carries the id of the story it was made from.
 * - Near copies: each real article body (extraction benchmark ground truth) rewritten the ways syndication
 *   rewrites it: edited lead, added source line, boilerplate leftovers, cut to its first 70%, entity and
 *   quote re-encoding, title case, and combinations.
 * - Scale: generated distinct stories on overlapping defense topics, built from shared sentence patterns and
 *   shared template sentences, plus short contract notices that share their template paragraph.
 * - Exact copies: the same text on another site, and the same URL in disguise (tracking, session id, www,
 *   http, AMP, print, trailing slash, fragment, parameter order).
 */
import { readFileSync } from 'node:fs';
import { cap, int, pick, rng, type Rng } from './seeded-random.ts';

/** bench:dedupe's corpus: its seed and sizes, which bench:translations' run at scale reuses. */
export const DEDUPE_BENCH_SEED = 20261201;

/** The real article bodies of the extraction benchmark's ground truth (VIGIE_BENCH_TRUTH, else shared/bench), sorted by key. */
export function loadRealBodies(): Array<{ url: string; body: string }> {
  const truthPath = process.env.VIGIE_BENCH_TRUTH ?? new URL('../../shared/bench/extraction/ground-truth.json', import.meta.url);
  const truth = JSON.parse(readFileSync(truthPath, 'utf8')) as Record<string, { articleBody: string; url: string }>;
  return Object.keys(truth)
    .sort()
    .map((k) => ({ url: truth[k]!.url, body: truth[k]!.articleBody }))
    .filter((b) => b.body.trim() !== '');
}

/** bench:dedupe's corpus, built from the real bodies. */
export function dedupeBenchCorpus(realBodies: Array<{ url: string; body: string }>): Corpus {
  return buildCorpus({ seed: DEDUPE_BENCH_SEED, realBodies, generated: 7600, notices: 900, exactOtherSite: 450, disguisedUrls: 600 });
}

export interface BenchArticle {
  /** 1-based, in arrival order. */
  id: number;
  story: number;
  url: string;
  title: string;
  text: string;
  kind: ArticleKind;
}

export type ArticleKind =
  | 'original'
  | 'generated'
  | 'notice'
  | 'near'
  | 'exact-other-site'
  | 'disguised-url';

export interface Corpus {
  articles: BenchArticle[];
  /** For near copies: which transformation made each one. */
  nearKind: Map<number, string>;
}

const SITES = [
  'defense-daily.example', 'naval-review.example', 'european-security.example', 'opex-news.example',
  'air-land-sea.example', 'capitol-defense.example', 'baltic-watch.example', 'pacific-forces.example',
  'mil-aggregator.example', 'zone-militaire.example', 'defence-wire.example', 'force-ops.example',
];

// ---------------------------------------------------------------------------------------------------------
// Generated distinct stories

interface Topic {
  subjects: string[];
  things: string[];
  actions: string[];
  places: string[];
}

const TOPICS: Topic[] = [
  {
    subjects: ['the navy', 'the mine countermeasures group', 'the minehunter crew', 'the fleet commander', 'naval divers', 'the hydrographic office', 'the coastal squadron', 'the maritime command'],
    things: ['sea mines', 'moored mines', 'a side-scan sonar', 'an unmanned surface vessel', 'a remotely operated vehicle', 'the minefield', 'historic ordnance', 'the harbour approaches', 'ground mines', 'a towed sonar', 'the clearance divers', 'an autonomous underwater vehicle', 'the mine warfare package', 'seabed cables', 'the shipping lanes', 'wartime torpedoes', 'magnetic influence mines', 'the survey vessel'],
    actions: ['cleared', 'located', 'neutralised', 'surveyed', 'classified', 'destroyed', 'mapped', 'inspected', 'recovered', 'identified', 'detonated', 'charted'],
    places: ['the Baltic Sea', 'the Gulf of Finland', 'the North Sea', 'the Strait of Hormuz', 'the port of Liepaja', 'the Channel', 'the Black Sea approaches', 'the Gulf of Riga', 'Zeebrugge', 'the Skagerrak', 'Brest', 'the Adriatic'],
  },
  {
    subjects: ['the air force', 'the air defense battalion', 'the program office', 'the radar crew', 'alliance air command', 'the missile defense agency', 'the air defense brigade', 'the test squadron'],
    things: ['a surveillance radar', 'interceptor missiles', 'a counter-drone laser', 'the air defense system', 'cruise missile surrogates', 'quadcopter swarms', 'the launcher', 'a fire control radar', 'short-range interceptors', 'the command post', 'one-way attack drones', 'the sensor network', 'a jamming pod', 'the ballistic missile target', 'gun-based defenses'],
    actions: ['tracked', 'intercepted', 'fielded', 'tested', 'deployed', 'upgraded', 'certified', 'integrated', 'evaluated', 'relocated', 'activated', 'modernised'],
    places: ['White Sands', 'the Middle East', 'eastern Poland', 'the Pacific', 'Lithuania', 'southern Germany', 'the Korean peninsula', 'Guam', 'the Red Sea', 'Andøya', 'Crete', 'Rzeszow'],
  },
  {
    subjects: ['the ministry', 'the procurement agency', 'parliament', 'the defense committee', 'the audit office', 'the treasury', 'the armaments directorate', 'the budget office'],
    things: ['the contract', 'the budget', 'a second production line', 'the ammunition order', 'long-lead items', 'the programme', 'the framework agreement', 'the cost overrun', 'the industrial plan', 'an export licence', 'the supplementary budget', 'the procurement reform', 'the acquisition strategy', 'the multiyear deal', 'the offset package'],
    actions: ['approved', 'signed', 'delayed', 'reviewed', 'funded', 'cut', 'extended', 'renegotiated', 'criticised', 'audited', 'published', 'cancelled'],
    places: ['Paris', 'Washington', 'Berlin', 'Warsaw', 'London', 'Canberra', 'Tokyo', 'Rome', 'Madrid', 'Ottawa', 'Stockholm', 'Seoul'],
  },
  {
    subjects: ['the brigade', 'the infantry regiment', 'allied troops', 'the task force', 'the armoured battalion', 'reservists', 'the engineer company', 'the divisional staff'],
    things: ['the exercise', 'live-fire drills', 'a river crossing', 'howitzers', 'armoured vehicles', 'the logistics convoy', 'field hospitals', 'a pontoon bridge', 'night operations', 'the airborne drop', 'urban combat training', 'fuel depots', 'rocket launchers', 'electronic warfare teams', 'the supply chain'],
    actions: ['completed', 'rehearsed', 'conducted', 'moved', 'staged', 'supported', 'evaluated', 'assembled', 'tested', 'coordinated', 'extended', 'observed'],
    places: ['Estonia', 'the Mourmelon camp', 'Romania', 'Norway', 'the Sahel', 'Grafenwoehr', 'the Canjuers range', 'Bavaria', 'Latvia', 'the Suwalki gap', 'Djibouti', 'Sardinia'],
  },
  {
    subjects: ['the cyber command', 'the intelligence service', 'investigators', 'the security agency', 'the response team', 'the signals directorate', 'military prosecutors', 'the network operations centre'],
    things: ['a ransomware attack', 'the network', 'phishing emails', 'classified systems', 'the data breach', 'a malware campaign', 'satellite links', 'the supply-chain compromise', 'stolen credentials', 'the botnet', 'an espionage operation', 'the patient records', 'encrypted backups', 'a wiper program', 'remote access tools'],
    actions: ['detected', 'contained', 'attributed', 'blocked', 'investigated', 'disclosed', 'patched', 'traced', 'disrupted', 'analysed', 'reported', 'isolated'],
    places: ['a military hospital', 'the defense ministry', 'a shipyard', 'an air base', 'the naval headquarters', 'a logistics depot', 'a research laboratory', 'the regional command', 'a training school', 'an embassy'],
  },
  {
    subjects: ['the space force', 'the launch team', 'the satellite operator', 'the space agency', 'the ground station', 'the space command', 'the mission control team', 'the orbital warfare unit'],
    things: ['a GPS satellite', 'the launch vehicle', 'an early-warning satellite', 'the constellation', 'the payload', 'a tracking radar', 'the upper stage', 'a weather satellite', 'the optical telescope', 'debris fragments', 'the relay satellite', 'the solar arrays', 'a reconnaissance satellite', 'the launch pad'],
    actions: ['launched', 'placed', 'activated', 'tracked', 'replaced', 'delivered', 'checked', 'manoeuvred', 'calibrated', 'retired', 'monitored', 'deployed'],
    places: ['Cape Canaveral', 'Kourou', 'Vandenberg', 'orbit', 'the Pacific range', 'Toulouse', 'Kwajalein', 'geostationary orbit', 'Colorado Springs', 'Esrange'],
  },
];

const FIRST = ['Anna', 'Marc', 'Jonas', 'Claire', 'David', 'Sofia', 'Pierre', 'Laura', 'Tomasz', 'Ingrid', 'Henri', 'Maya', 'Lukas', 'Elena', 'James', 'Noor', 'Karin', 'Paolo', 'Yuki', 'Dana'];
const LAST = ['Berg', 'Lefevre', 'Novak', 'Whitfield', 'Moreau', 'Kowalski', 'Lindqvist', 'Haddad', 'Rossi', 'Tanaka', 'Okafor', 'Schmidt', 'Delmas', 'Vasseur', 'Nielsen', 'Ortiz', 'Petrov', 'Brennan', 'Costa', 'Keller'];
const RANKS = ['Rear Admiral', 'Colonel', 'Brigadier General', 'Commander', 'Lieutenant Colonel', 'Captain', 'Major General', 'Vice Admiral'];
const ROLES = ['a spokesperson for the ministry', 'the program director', 'an analyst at a defense think tank', 'a senior official', 'the deputy chief of staff', 'a parliamentary rapporteur', 'an industry executive', 'the project manager'];
const TIMES = ['on Monday', 'on Tuesday', 'on Wednesday', 'on Thursday', 'on Friday', 'last week', 'this month', 'in the spring', 'by the end of the year', 'over the weekend', 'in early 2027', 'earlier this year', 'next summer'];
const UNITS = ['ships', 'systems', 'vehicles', 'aircraft', 'crews', 'sites', 'units', 'launchers', 'sensors', 'teams'];
const ADJ = ['new', 'upgraded', 'older', 'additional', 'first', 'remaining', 'modernised', 'experimental', 'allied', 'national'];
const LINK = ['However,', 'Meanwhile,', 'In addition,', 'At the same time,', 'Separately,', 'Earlier,', 'Still,', 'As a result,'];

interface Cast {
  person: string;
  rank: string;
  role: string;
  number: number;
  year: number;
}

/** Sentence patterns shared by every generated article: overlap in phrasing, not in story. */
const PATTERNS: Array<(t: Topic, c: Cast, r: Rng) => string> = [
  (t, c, r) => `${cap(pick(r, t.subjects))} ${pick(r, t.actions)} ${pick(r, t.things)} near ${pick(r, t.places)} ${pick(r, TIMES)}.`,
  (t, c, r) => `${c.rank} ${c.person} said ${pick(r, t.subjects)} had ${pick(r, t.actions)} ${int(r, 2, 90)} ${pick(r, ADJ)} ${pick(r, UNITS)} since ${c.year}.`,
  (t, _c, r) => `Work on ${pick(r, t.things)} is expected to cost ${int(r, 12, 950)} million euros over ${int(r, 2, 12)} years.`,
  (t, c, r) => `According to ${c.role}, ${pick(r, t.things)} will be ${pick(r, t.actions)} in ${pick(r, t.places)} ${pick(r, TIMES)}.`,
  (t, _c, r) => `${cap(pick(r, t.subjects))} also ${pick(r, t.actions)} ${pick(r, t.things)}, a step ${pick(r, ROLES)} called long overdue.`,
  (t, _c, r) => `In ${pick(r, t.places)}, ${int(r, 40, 3000)} personnel took part while ${pick(r, t.subjects)} ${pick(r, t.actions)} ${pick(r, t.things)}.`,
  (t, c, r) => `"We ${pick(r, t.actions)} ${pick(r, t.things)} faster than planned," ${c.person} told reporters ${pick(r, TIMES)}.`,
  (t, c, r) => `Critics say ${pick(r, t.things)} and ${pick(r, t.things)} remain years behind the schedule set in ${c.year - int(r, 1, 8)}.`,
  (t, _c, r) => `The next phase will see ${pick(r, t.subjects)} work with partners from ${pick(r, t.places)} and ${pick(r, t.places)}.`,
  (t, _c, r) => `Figures released ${pick(r, TIMES)} show ${int(r, 3, 97)} percent of ${pick(r, t.things)} were ${pick(r, t.actions)} on time.`,
  (t, c, r) => `${c.person} noted that ${pick(r, ADJ)} ${pick(r, t.things)} had first been ${pick(r, t.actions)} during trials in ${c.year - int(r, 2, 20)}.`,
  (t, c, r) => `Officials expect ${c.number} more ${pick(r, UNITS)} to join ${pick(r, t.subjects)} before ${c.year + int(r, 1, 9)}.`,
  (t, c, r) => `${pick(r, LINK)} ${pick(r, t.subjects)} ${pick(r, t.actions)} ${pick(r, t.things)} with help from ${pick(r, FIRST)} ${pick(r, LAST)}'s team.`,
  (t, c, r) => `The ${pick(r, ADJ)} effort around ${pick(r, t.things)} involves ${c.number} specialists, ${c.role} said.`,
  (t, _c, r) => `Tests in ${pick(r, t.places)} ${pick(r, TIMES)} focused on ${pick(r, t.things)}, ${pick(r, t.things)} and ${pick(r, t.things)}.`,
  (t, c, r) => `${pick(r, LINK)} ${c.rank.toLowerCase()} ${c.person.split(' ')[1]} warned that ${pick(r, t.things)} could be ${pick(r, t.actions)} again by ${c.year + int(r, 1, 5)}.`,
  (t, _c, r) => `About ${int(r, 2, 40)} ${pick(r, UNITS)} from ${pick(r, t.places)} were ${pick(r, t.actions)} as part of the ${pick(r, ['first', 'second', 'third', 'final'])} phase.`,
  (t, c, r) => `Asked about ${pick(r, t.things)}, ${c.role} declined to give a date but confirmed ${int(r, 2, 30)} ${pick(r, UNITS)} were involved.`,
];

/** Verbatim sentences that many distinct articles carry: house style, legal lines, stock context. */
const TEMPLATE_SENTENCES = [
  'The ministry did not respond to a request for comment before publication.',
  'The figures could not be independently verified.',
  'The program is part of a broader effort to modernise the armed forces by the end of the decade.',
  'Officials declined to give further details, citing operational security.',
  'Defense spending across the alliance has risen sharply since 2022.',
  'The contract includes options that could raise its total value.',
];

function generatedStory(r: Rng): { title: string; text: string } {
  const topic = pick(r, TOPICS);
  const cast: Cast = {
    person: `${pick(r, FIRST)} ${pick(r, LAST)}`,
    rank: pick(r, RANKS),
    role: pick(r, ROLES),
    number: int(r, 3, 400),
    year: int(r, 2018, 2026),
  };
  const sentences: string[] = [];
  const n = int(r, 8, 24);
  for (let i = 0; i < n; i++) {
    sentences.push(r() < 0.1 ? pick(r, TEMPLATE_SENTENCES) : pick(r, PATTERNS)(topic, cast, r));
  }
  const paragraphs: string[] = [];
  for (let i = 0; i < sentences.length; i += 3) paragraphs.push(sentences.slice(i, i + 3).join(' '));
  const title = `${cap(pick(r, topic.subjects))} ${pick(r, topic.actions)} ${pick(r, topic.things)} in ${pick(r, topic.places)}`;
  return { title, text: paragraphs.join('\n\n') };
}

const COMPANIES = ['Northwind Electronics Corp.', 'Bayshore Marine Construction LLC', 'Granite Systems Inc.', 'Keystone Aerospace', 'Harbor Point Logistics', 'Redline Munitions Co.', 'Summit Defense Services', 'Clearwater Engineering'];
const CITIES = ['Huntsville, Alabama', 'Norfolk, Virginia', 'San Diego, California', 'Dayton, Ohio', 'Tucson, Arizona', 'Mobile, Alabama', 'Groton, Connecticut', 'Fort Worth, Texas'];
const WORKS = ['spare parts and depot repair of ground surveillance radars', 'maintenance dredging of the turning basin', 'engineering support for the training ranges', 'production of practice rounds', 'repair of landing gear assemblies', 'installation of shipboard sonar arrays', 'software sustainment for fire control systems', 'construction of a munitions storage facility'];
const AGENCIES = ['Army Contracting Command', 'Naval Sea Systems Command', 'Air Force Life Cycle Management Center', 'Defense Logistics Agency'];
const MONTHS = ['January', 'March', 'June', 'September', 'December'];

/** A contract notice: one specific sentence pair plus the template paragraph every notice repeats. */
function notice(r: Rng, day: number): { title: string; text: string } {
  const city = pick(r, CITIES);
  const specific = `${pick(r, COMPANIES)}, ${city}, has been awarded a ${int(r, 2, 900)},${int(r, 100, 999)},000-dollar ${pick(r, ['firm-fixed-price', 'cost-plus-fixed-fee', 'indefinite-delivery'])} contract for ${pick(r, WORKS)}. Work will be performed in ${city.split(',')[0]} and is expected to be completed by ${pick(r, MONTHS)} ${int(r, 2027, 2031)}.`;
  const template = `This contract was a competitive acquisition with ${pick(r, ['two', 'three', 'four'])} offers received. Fiscal ${int(r, 2026, 2027)} operation and maintenance funds are being obligated at the time of award. The ${pick(r, AGENCIES)} is the contracting activity.`;
  return { title: `Contracts for day ${day}`, text: `${specific}\n\n${template}` };
}

// ---------------------------------------------------------------------------------------------------------
// Near-copy transformations of real text

function firstSentenceEnd(text: string): number {
  const m = /[.!?]["”’]?(?=\s+[\p{Lu}"“«]|\s*\n)/u.exec(text);
  return m ? m.index + m[0].length : Math.min(text.length, 200);
}

const SWAPS: Array<[RegExp, string]> = [
  [/\bsaid\b/, 'stated'], [/\bannounced\b/, 'unveiled'], [/\bmore than\b/, 'over'], [/\babout\b/, 'roughly'],
  [/\bafter\b/, 'following'], [/\bhas\b/, 'had'], [/\bwill\b/, 'is set to'], [/\bbut\b/, 'yet'],
  [/\bthe\b/, 'this'], [/\bis\b/, 'remains'], [/\band\b/, 'as well as'],
];

export function editLead(text: string, r: Rng): string {
  const end = firstSentenceEnd(text);
  let lead = text.slice(0, end);
  const rest = text.slice(end);
  const mode = int(r, 0, 2);
  if (mode === 0) {
    lead = `${pick(r, ['According to a statement released on Tuesday,', 'Officials confirmed that', 'In a move announced this week,'])} ${lead.charAt(0).toLowerCase()}${lead.slice(1)}`;
  } else if (mode === 1) {
    let changes = 0;
    for (const [re, to] of SWAPS) {
      if (changes < 3 && re.test(lead)) {
        lead = lead.replace(re, to);
        changes++;
      }
    }
    lead = `${pick(r, ['WASHINGTON —', 'PARIS —', 'BRUSSELS (AFP) —', 'LONDON —'])} ${lead}`;
  } else {
    const words = lead.split(/\s+/);
    const kept = words.filter((_, i) => i === 0 || r() > 0.3);
    lead = `${kept.join(' ').replace(/[.!?]?$/, '')}, ${pick(r, ['officials said.', 'the report said.', 'sources told us.'])}`;
  }
  return lead + rest;
}

export function addSource(text: string, r: Rng): string {
  const line = pick(r, ['Source: Reuters', 'Source: U.S. Department of Defense', 'Source : ministère des Armées', '(AFP)', 'This article first appeared on Defense Daily.', 'Source: NATO Allied Maritime Command']);
  return r() < 0.7 ? `${text}\n\n${line}` : `${line}\n\n${text}`;
}

const BOILERPLATE_HEAD = ['Advertisement', 'Share this article', 'Listen to this article', 'Home > News > Defense', 'Facebook Twitter LinkedIn Email', 'Photo: file image'];
const BOILERPLATE_TAIL = ['Subscribe to our newsletter to receive the latest defense news.', 'Related articles', 'Read more: Navy budget request under scrutiny', 'Copyright 2026. All rights reserved.', 'Comments are closed.', 'Follow us on X and LinkedIn', 'Tags: defense, industry, procurement', 'Advertisement'];

export function addBoilerplate(text: string, r: Rng): string {
  const head = Array.from({ length: int(r, 0, 2) }, () => pick(r, BOILERPLATE_HEAD));
  const tail = Array.from({ length: int(r, 1, 4) }, () => pick(r, BOILERPLATE_TAIL));
  const paragraphs = text.split(/\n\n+/);
  if (paragraphs.length > 3 && r() < 0.5) paragraphs.splice(int(r, 1, paragraphs.length - 1), 0, 'Advertisement');
  return [...head, ...paragraphs, ...tail].join('\n\n');
}

export function truncate70(text: string): string {
  const words = text.split(/(\s+)/);
  const count = Math.ceil((words.filter((w) => !/^\s+$/.test(w)).length * 0.7));
  let seen = 0;
  let i = 0;
  for (; i < words.length && seen < count; i++) if (!/^\s+$/.test(words[i] as string)) seen++;
  return words.slice(0, i).join('');
}

export function reencode(text: string, r: Rng): string {
  let t = text
    .replace(/[’‘]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/—/g, ' -- ')
    .replace(/…/g, '...')
    .replace(/\u00a0/g, ' ');
  if (r() < 0.5) t = t.replace(/&/g, '&amp;');
  if (r() < 0.5) t = t.replace(/'/g, '&#39;');
  if (r() < 0.5) t = t.replace(/\n\n/g, '\n \n');
  return t;
}

export function retitle(title: string, r: Rng): string {
  const mode = int(r, 0, 2);
  if (mode === 0) return title.toUpperCase();
  if (mode === 1) return title.toLowerCase();
  return title.replace(/\b\p{L}/gu, (c) => c.toUpperCase());
}

const NEAR_VARIANTS: Array<[string, (t: { title: string; text: string }, r: Rng) => { title: string; text: string }]> = [
  ['edited-lead', (a, r) => ({ title: a.title, text: editLead(a.text, r) })],
  ['edited-lead', (a, r) => ({ title: a.title, text: editLead(a.text, r) })],
  ['source-line', (a, r) => ({ title: a.title, text: addSource(a.text, r) })],
  ['boilerplate', (a, r) => ({ title: a.title, text: addBoilerplate(a.text, r) })],
  ['truncated-70', (a) => ({ title: a.title, text: truncate70(a.text) })],
  ['re-encoded', (a, r) => ({ title: a.title, text: reencode(a.text, r) })],
  ['title-case', (a, r) => ({ title: retitle(a.title, r), text: addSource(a.text, r) })],
  ['lead+source', (a, r) => ({ title: retitle(a.title, r), text: addSource(editLead(a.text, r), r) })],
  ['truncated+boilerplate', (a, r) => ({ title: a.title, text: addBoilerplate(truncate70(a.text), r) })],
  ['lead+truncated+source', (a, r) => ({ title: a.title, text: addSource(truncate70(editLead(a.text, r)), r) })],
  ['all-at-once', (a, r) => ({ title: retitle(a.title, r), text: reencode(addBoilerplate(addSource(truncate70(editLead(a.text, r)), r), r), r) })],
];

function titleFromUrl(url: string, body: string): string {
  const last = new URL(url).pathname.split('/').filter(Boolean).pop() ?? '';
  const words = last.replace(/\.[a-z]+$/i, '').split(/[-_]+/).filter((w) => /\p{L}/u.test(w) && !/\d{4,}/.test(w));
  if (words.length >= 3) return cap(words.join(' '));
  return body.split(/\s+/).slice(0, 8).join(' ');
}

// ---------------------------------------------------------------------------------------------------------
// URLs

function articleUrl(r: Rng, site: string, id: number): string {
  const slug = Array.from({ length: 4 }, () => pick(r, ['navy', 'army', 'radar', 'mines', 'contract', 'budget', 'drone', 'exercise', 'cyber', 'launch'])).join('-');
  return r() < 0.3
    ? `https://www.${site}/n_index.php?id=${id}&lang=${pick(r, ['fr', 'en'])}`
    : `https://${site}/news/2026/${String(int(r, 1, 12)).padStart(2, '0')}/${slug}-${id}`;
}

const DISGUISES: Array<(u: URL, r: Rng) => string> = [
  (u) => { u.searchParams.append('utm_source', 'newsletter'); u.searchParams.append('utm_medium', 'email'); return u.href; },
  (u) => { u.searchParams.append('fbclid', 'IwAR3x9'); return u.href; },
  (u) => { u.searchParams.append('PHPSESSID', '9f86d081884c7d659a2feaa0c55ad015'); return u.href; },
  (u) => { u.searchParams.append('sid', '42'); return u.href; },
  (u) => `${u.origin}${u.pathname};jsessionid=0A1B2C3D4E${u.search}`,
  (u) => { u.protocol = 'http:'; return u.href; },
  (u) => { u.hostname = u.hostname.startsWith('www.') ? u.hostname.slice(4) : `www.${u.hostname}`; return u.href; },
  (u) => { u.hash = 'comments'; return u.href; },
  (u) => (u.search === '' ? `${u.href}/amp` : `${u.href}&amp=1`),
  (u) => (u.search === '' ? `${u.href}/print/` : `${u.href}&print=1`),
  (u) => (u.search === '' ? `${u.href}/` : `${u.origin}${u.pathname}?${[...u.searchParams].reverse().map(([k, v]) => `${k}=${v}`).join('&')}`),
  (u) => u.href.replace(/^https:\/\/([^/]+)/, (_m, host: string) => `HTTPS://${host.toUpperCase()}`),
];

// ---------------------------------------------------------------------------------------------------------

export interface CorpusOptions {
  seed: number;
  realBodies: Array<{ url: string; body: string }>;
  generated: number;
  notices: number;
  exactOtherSite: number;
  disguisedUrls: number;
}

export function buildCorpus(o: CorpusOptions): Corpus {
  const r = rng(o.seed);
  type Draft = Omit<BenchArticle, 'id'> & { order: number; nearKind?: string };
  const drafts: Draft[] = [];
  let story = 0;
  let urlId = 1000;
  const originals: Draft[] = [];

  for (const { url, body } of o.realBodies) {
    story++;
    const base = { title: titleFromUrl(url, body), text: body };
    const start = r();
    const original: Draft = { story, url, ...base, kind: 'original', order: start };
    drafts.push(original);
    originals.push(original);
    for (const [kindName, make] of NEAR_VARIANTS) {
      const v = make(base, r);
      drafts.push({ story, url: articleUrl(r, pick(r, SITES), urlId++), ...v, kind: 'near', order: start + r() * 0.2, nearKind: kindName });
    }
  }
  for (let i = 0; i < o.generated; i++) {
    story++;
    const d: Draft = { story, url: articleUrl(r, pick(r, SITES), urlId++), ...generatedStory(r), kind: 'generated', order: r() };
    drafts.push(d);
    originals.push(d);
  }
  for (let i = 0; i < o.notices; i++) {
    story++;
    drafts.push({ story, url: articleUrl(r, 'contracts.example', urlId++), ...notice(r, i), kind: 'notice', order: r() });
  }
  for (let i = 0; i < o.exactOtherSite; i++) {
    const src = pick(r, originals);
    drafts.push({ ...src, url: articleUrl(r, pick(r, SITES), urlId++), kind: 'exact-other-site', order: src.order + r() * 0.2 });
  }
  for (let i = 0; i < o.disguisedUrls; i++) {
    const src = pick(r, originals);
    drafts.push({ ...src, url: pick(r, DISGUISES)(new URL(src.url), r), kind: 'disguised-url', order: src.order + r() * 0.2 });
  }

  drafts.sort((a, b) => a.order - b.order);
  const nearKind = new Map<number, string>();
  const articles = drafts.map((d, i): BenchArticle => {
    if (d.nearKind !== undefined) nearKind.set(i + 1, d.nearKind);
    return { id: i + 1, story: d.story, url: d.url, title: d.title, text: d.text, kind: d.kind };
  });
  return { articles, nearKind };
}
