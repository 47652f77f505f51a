import { excerptAround, type Excerpt } from './excerpt.ts';
import { foldString } from './fold-units.ts';
import { FormTable } from './form-table.ts';
import { parseTerm } from './parse-term.ts';
import { pluralForms } from './plural-forms.ts';
import { TokenAutomaton } from './token-automaton.ts';
import * as scanning from './token-scanner.ts';
import { WatchlistTermError } from './watchlist-term-error.ts';

export interface WatchlistSpec {
  id: string;
  /** Each term is one or more aliases separated by `|`: `"SAMP/T | SAMP-T | Mamba"`. */
  terms: readonly string[];
  /** Terms that veto the whole watchlist for an article where they occur. */
  exclude?: readonly string[];
}

export interface WatchHit {
  /** The term as configured, and its position in the watchlist's `terms`. */
  term: string;
  termIndex: number;
  /** The alias (trimmed, as configured) of the occurrence the excerpt shows. */
  alias: string;
  /** The words as the article wrote them there (`SAMP-T`, `défenses sol-air`). */
  matched: string;
  /** Every alias of the term that occurs, in the order the term lists them. */
  aliases: string[];
  /** The first occurrence in the text, or in the title when the text has none. */
  excerpt: Excerpt;
}

export interface WatchlistMatch {
  id: string;
  /** Position of the watchlist in the list given to compileWatchlists. */
  index: number;
  /** One per matching term, in the order of `terms`. */
  hits: WatchHit[];
}

interface TermInfo {
  list: number;
  index: number;
  term: string;
  exclude: boolean;
  aliases: string[];
}

interface Pattern {
  term: number;
  alias: number;
  length: number;
  /** Word positions (>= 1) whose gap is JOIN in the alias (`F-35A`'s a): the text may not put space there. */
  joins: number[];
}

// Bound once: transpiled module imports are getters, too slow to read per word.
const { GAP_JOIN, GAP_SPACE, TokenScanner } = scanning;

const TEXT = 0;
const TITLE = 1;

/**
 * Compiles all watchlists into one automaton over word classes, once, when the config loads; `match` then reads an
 * article in one pass over its words, whatever the number of watchlists. Throws WatchlistTermError for a term
 * that can never match (empty, an empty alias, only punctuation). A watchlist with no terms never matches.
 *
 * The rules, the same for terms, aliases and exclude terms, over the title and the text (separately: a phrase
 * does not run from the title into the text):
 * - `|` separates aliases; any alias that occurs makes the term hit.
 * - Case, accents and compatibility forms fold away: `defense` = `Défense` = `DÉFENSE`, `manoeuvre` = `manœuvre`.
 * - Words are runs of letters or runs of digits. A hit starts and ends on word boundaries: `Patriot` is not in
 *   `patriotism`, `Mamba` not in `Mambazo`, `F-35` not in `F-35A`.
 * - Each word also stands for its simple French and English plurals and singulars (see pluralForms): `Patriot`
 *   matches `Patriots`, `batteries` matches `battery` and `batterie`, `réseau` matches `réseaux`. An `s` glued
 *   to digits is a plural mark: `F-35s` and `A400Ms` are `F-35` and `A400M`.
 * - Between the words of a term, the text may have any whitespace or punctuation: `ground-based air defence`
 *   matches `ground based air-defence` and `Ground-Based\nAir Defence`; `l'armée` matches `l’Armée`.
 * - Inner punctuation: letters-punctuation-letters also matches glued (`SAMP/T` matches `SAMP/T`, `SAMP-T`,
 *   `SAMP T`, `SAMPT`; `anti-missile` matches `antimissile`, but `antimissile` does not match `anti-missile`).
 *   Letters against digits may be glued or split by punctuation or space when the term splits them (`F-35`
 *   matches `F35`, `F 35`), but where the term glues them the text may not put a space (`F-35A` matches `F35A`
 *   and `F-35-A`, not `F-35 A`, so that `le F-35 a décollé` is not the F-35A).
 * - An exclude term that occurs anywhere in the title or text vetoes its own watchlist for that article.
 */
export function compileWatchlists(lists: readonly WatchlistSpec[]): WatchlistMatcher {
  return new WatchlistMatcher(lists);
}

export class WatchlistMatcher {
  private readonly ids: string[];
  private readonly terms: TermInfo[] = [];
  private readonly patterns: Pattern[] = [];
  private readonly table: FormTable;
  private readonly automaton: TokenAutomaton;
  private readonly scanner = new TokenScanner();

  // Per-call scratch, stamped instead of cleared.
  private stamp = 0;
  private readonly termStamp: Int32Array;
  private readonly excludedStamp: Int32Array;
  private readonly termEvents: number[][];
  private events: number[] = [];

  constructor(lists: readonly WatchlistSpec[]) {
    this.ids = lists.map((l) => l.id);
    // Word classes: a word and its plural forms are one class; classes that share a form are merged (union-find),
    // so each text word maps to exactly one class.
    const formClass = new Map<string, number>();
    const parent: number[] = [0];
    const find = (c: number): number => {
      while (parent[c] !== c) {
        parent[c] = parent[parent[c] as number] as number;
        c = parent[c] as number;
      }
      return c;
    };
    const classOf = (word: string): number => {
      let cls = 0;
      for (const form of pluralForms(word)) {
        const known = formClass.get(form);
        if (known === undefined) continue;
        const root = find(known);
        if (cls === 0) cls = root;
        else if (root !== cls) parent[root] = cls;
      }
      if (cls === 0) {
        cls = parent.length;
        parent.push(cls);
      }
      for (const form of pluralForms(word)) if (!formClass.has(form)) formClass.set(form, cls);
      return cls;
    };

    const raw: Array<{ term: number; alias: number; words: string[]; gaps: number[] }> = [];
    lists.forEach((list, li) => {
      const add = (terms: readonly string[] | undefined, field: 'terms' | 'exclude'): void => {
        (terms ?? []).forEach((term, ti) => {
          const parsed = parseTerm(term);
          if (typeof parsed === 'string') throw new WatchlistTermError(list.id, li, field, ti, parsed);
          const t = this.terms.length;
          this.terms.push({ list: li, index: ti, term, exclude: field === 'exclude', aliases: parsed.map((a) => a.alias) });
          parsed.forEach((a, ai) => {
            for (const sp of a.spellings) {
              for (const w of sp.words) classOf(w);
              raw.push({ term: t, alias: ai, words: sp.words, gaps: sp.gaps });
            }
          });
        });
      };
      add(list.terms, 'terms');
      add(list.exclude, 'exclude');
    });

    // Number the surviving classes 1..n and spell every pattern in them.
    const number = new Map<number, number>();
    const final = new Map<string, number>();
    for (const [form, cls] of formClass) {
      const root = find(cls);
      let n = number.get(root);
      if (n === undefined) {
        n = number.size + 1;
        number.set(root, n);
      }
      final.set(form, n);
    }
    this.table = new FormTable(final);
    const sequences: number[][] = [];
    const seen = new Set<string>();
    for (const r of raw) {
      const seq = r.words.map((w) => final.get(w) as number);
      const joins: number[] = [];
      for (let j = 1; j < r.gaps.length; j++) if (r.gaps[j] === GAP_JOIN) joins.push(j);
      // Two spellings of one alias that read the same (SAMP/T glued is SAMPT either way) are one pattern.
      const key = `${r.term}:${r.alias}:${seq.join(',')}:${joins.join(',')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      sequences.push(seq);
      this.patterns.push({ term: r.term, alias: r.alias, length: seq.length, joins });
    }
    this.automaton = new TokenAutomaton(sequences, number.size + 1);

    this.termStamp = new Int32Array(this.terms.length);
    this.excludedStamp = new Int32Array(lists.length);
    this.termEvents = this.terms.map(() => []);
  }

  /** Sizes of the compiled structure, for logs and the benchmark. */
  get size(): { watchlists: number; terms: number; patterns: number; words: number; states: number } {
    return {
      watchlists: this.ids.length,
      terms: this.terms.length,
      patterns: this.patterns.length,
      words: this.table.size,
      states: this.automaton.states,
    };
  }

  /** The watchlists the article matches (in the order given), each with the terms that hit. */
  match(title: string, text: string): WatchlistMatch[] {
    this.events.length = 0;
    // Text first: a term's first event then lies in the text when it occurs there, and the excerpt comes from it.
    this.scan(text, TEXT);
    this.scan(title, TITLE);
    if (this.events.length === 0) return [];
    return this.collect(title, text);
  }

  /** Appends one event (pattern, field, start, end) per occurrence of any alias spelling in `source`. */
  private scan(source: string, field: number): void {
    const scanner = this.scanner;
    const n = scanner.scan(source);
    const { units, unitStart, unitLen, hash, gap, start, end } = scanner;
    const table = this.table;
    const automaton = this.automaton;
    const { dict, outStart, outIds } = automaton;
    const patterns = this.patterns;
    const events = this.events;
    let state = 0;
    for (let i = 0; i < n; i++) {
      const cls = table.lookup(units, unitStart[i] as number, unitLen[i] as number, hash[i] as number);
      if (cls === 0) {
        state = 0;
        continue;
      }
      state = automaton.step(state, cls);
      let s = (outStart[state + 1] as number) > (outStart[state] as number) ? state : (dict[state] as number);
      while (s !== 0) {
        for (let o = outStart[s] as number, last = outStart[s + 1] as number; o < last; o++) {
          const p = outIds[o] as number;
          const pattern = patterns[p] as Pattern;
          const first = i - pattern.length + 1;
          // Word boundaries: the hit may not start or end inside a letter/digit run (F-35 is not in F-35A).
          if (gap[first] === GAP_JOIN || (i + 1 < n && gap[i + 1] === GAP_JOIN)) continue;
          let ok = true;
          for (const j of pattern.joins) if (gap[first + j] === GAP_SPACE) ok = false;
          if (ok) events.push(p, field, start[first] as number, end[i] as number);
        }
        s = dict[s] as number;
      }
    }
  }

  private collect(title: string, text: string): WatchlistMatch[] {
    const stamp = ++this.stamp;
    const events = this.events;
    const touched: number[] = [];
    for (let e = 0; e < events.length; e += 4) {
      const t = (this.patterns[events[e] as number] as Pattern).term;
      const info = this.terms[t] as TermInfo;
      if (info.exclude) {
        this.excludedStamp[info.list] = stamp;
        continue;
      }
      const mine = this.termEvents[t] as number[];
      if (this.termStamp[t] !== stamp) {
        this.termStamp[t] = stamp;
        mine.length = 0;
        touched.push(t);
      }
      mine.push(e);
    }
    // Term ids follow list order, then term order: sorting them sorts the output.
    touched.sort((a, b) => a - b);
    const out: WatchlistMatch[] = [];
    // Watchlists often share terms: one excerpt per occurrence, copied into each hit.
    const excerpts = new Map<string, Excerpt>();
    for (const t of touched) {
      const info = this.terms[t] as TermInfo;
      if (this.excludedStamp[info.list] === stamp) continue;
      // Occurrences in scan order (text first); aliases that read alike (SAMP/T, SAMP-T) hit the same words.
      const mine = this.termEvents[t] as number[];
      const chosen: number[] = [];
      let firstAlias = -1;
      // Events of one occurrence all come from the same word (its last): they sit together in `mine`.
      for (let k = 0; k < mine.length; ) {
        let runEnd = k + 1;
        while (runEnd < mine.length && sameEnd(events, mine[k] as number, mine[runEnd] as number)) runEnd++;
        for (let q = k; q < runEnd; q++) {
          const e = mine[q] as number;
          let seenBefore = false;
          for (let p = k; p < q && !seenBefore; p++) seenBefore = events[(mine[p] as number) + 2] === events[e + 2];
          if (seenBefore) continue;
          const candidates: number[] = [];
          for (let p = q; p < runEnd; p++) {
            const other = mine[p] as number;
            if (events[other + 2] !== events[e + 2]) continue;
            const alias = (this.patterns[events[other] as number] as Pattern).alias;
            if (!candidates.includes(alias)) candidates.push(alias);
          }
          const source = events[e + 1] === TEXT ? text : title;
          const alias = closestAlias(info.aliases, candidates, source.slice(events[e + 2], events[e + 3]));
          if (!chosen.includes(alias)) chosen.push(alias);
          if (firstAlias === -1) firstAlias = alias;
        }
        k = runEnd;
      }
      const e = mine[0] as number;
      const field = events[e + 1] === TEXT ? 'text' : 'title';
      const source = field === 'text' ? text : title;
      const startAt = events[e + 2] as number;
      const endAt = events[e + 3] as number;
      const where = `${field}:${startAt}:${endAt}`;
      let excerpt = excerpts.get(where);
      if (excerpt === undefined) {
        excerpt = excerptAround(source, field, startAt, endAt);
        excerpts.set(where, excerpt);
      } else excerpt = { ...excerpt };
      const hit: WatchHit = {
        term: info.term,
        termIndex: info.index,
        alias: info.aliases[firstAlias] as string,
        matched: source.slice(startAt, endAt),
        aliases: chosen.sort((x, y) => x - y).map((x) => info.aliases[x] as string),
        excerpt,
      };
      const last = out[out.length - 1];
      if (last !== undefined && last.index === info.list) last.hits.push(hit);
      else out.push({ id: this.ids[info.list] as string, index: info.list, hits: [hit] });
    }
    return out;
  }
}

/** Events a and b (offsets into `events`) end on the same word of the same field. */
const sameEnd = (events: number[], a: number, b: number): boolean => events[a + 1] === events[b + 1] && events[a + 3] === events[b + 3];

const writtenKey = (s: string): string => foldString(s).replace(/\s+/g, ' ').trim();

/** Of the aliases that hit the same words, the one written like the text (SAMP-T for "Samp-T"), else the first. */
function closestAlias(all: readonly string[], candidates: readonly number[], matched: string): number {
  if (candidates.length > 1) {
    const key = writtenKey(matched);
    let exact = -1;
    for (const a of candidates) if (writtenKey(all[a] as string) === key && (exact === -1 || a < exact)) exact = a;
    if (exact !== -1) return exact;
  }
  return Math.min(...candidates);
}
