import { hostOf, type SourceConfig } from '../../config/index.ts';
import { canonicalUrl } from '../../dedupe/canonical-url.ts';
import { fateOf } from '../../config/fate.ts';
import type { UseCaseDeps } from './deps.ts';
import { articleFetchOptions, readWithTemplate } from './read-article.ts';

/**
 * Pages a template must have learned before the next page read with it comes out clean. site-template strips a
 * block once it recurs on 3 distinct pages (its MIN_PAGES), and a page is learned before it is read
 * (extractAndLearn), so the 3rd page is the first one cleaned: 2 pages learned before it are enough.
 */
export const TEMPLATE_LEARNED_AT = 2;

/** Whether a template learned from `pages` pages cleans the next page read with it. */
export const templateLearned = (pages: number): boolean => pages >= TEMPLATE_LEARNED_AT;

/** How a warm-up request gets its host's turn, and lets it go. */
export interface PageTurn {
  beforeRequest?: (url: string) => Promise<void> | void;
  onRequestSent?: (url: string) => void;
  /** The request went or failed: the host may serve the next job. */
  done?: () => Promise<void>;
}

export interface WarmUpOptions {
  /**
   * Waits for `url`'s host turn. Null stops the warm-up (its deadline came, or another process warms this source);
   * a throw stops it too (BullMQ's DelayedError: the job comes back later), and the pages learned so far stay
   * learned. Default: go at once.
   */
  turn?: (url: string) => Promise<PageTurn | null>;
  /** The host said "later" (429, 503 with Retry-After): the warm-up stops there; this lets every worker know. */
  onSlowDown?: (url: string, err: Error) => Promise<unknown>;
  /** URLs already read by an earlier, interrupted warm-up of this source: not read again. Default: none. */
  tried?: Set<string>;
}

export interface WarmUpResult {
  /** Pages the source's template has now learned from (its `seen`). */
  pages: number;
  /** Pages fetched and learned by this warm-up. */
  read: number;
  failed: Array<{ url: string; error: string }>;
}

/** Pages the source's template has learned from; 0 when it has none. */
export async function templatePages(deps: UseCaseDeps, sourceId: string): Promise<number> {
  return (await deps.store.loadTemplate(sourceId))?.seen ?? 0;
}

/**
 * The listed entries a warm-up reads, in order: those on the source's own host first (its articles share its
 * template), each group in list order, never the list page itself.
 */
export function warmUpCandidates(source: SourceConfig, listed: ReadonlyArray<{ url: string }>): string[] {
  let self: string;
  try {
    self = canonicalUrl(source.url);
  } catch {
    self = source.url;
  }
  const host = hostOf(source.url);
  const urls = [...new Set(listed.map((e) => e.url))].filter((u) => u !== source.url && u !== self);
  return [...urls.filter((u) => hostOf(u) === host), ...urls.filter((u) => hostOf(u) !== host)];
}

/** The entries of the source's baseline lists, in list order (entry ids follow it), newest baseline last. */
async function baselineListed(deps: UseCaseDeps, sourceId: string): Promise<Array<{ url: string }>> {
  return (await deps.store.recentEntries({ sourceId, limit: 500 }))
    .filter((e) => e.baseline)
    .sort((a, b) => a.id - b.id);
}

/**
 * Learns a source's template from up to `crawl.warmUpPages` entries already listed, through the host spacing that
 * `turn` gives, so that the source's first alert is read with a template in place. Saves only the template: no
 * article, story, event or alert. A page that fails is logged and not retried by this warm-up; nothing is thrown
 * but what `turn` throws. Logs one line when it read or failed anything.
 */
export async function warmUpTemplate(deps: UseCaseDeps, source: SourceConfig, options: WarmUpOptions = {}): Promise<WarmUpResult> {
  const target = deps.config.crawl.warmUpPages;
  let pages = await templatePages(deps, source.id);
  const result: WarmUpResult = { pages, read: 0, failed: [] };
  if (pages >= target) return result;
  const tried = options.tried ?? new Set<string>();
  const urls = warmUpCandidates(source, await baselineListed(deps, source.id)).filter((u) => !tried.has(u));
  // At most the pages missing: a page that fails is not replaced by another, so a broken site costs N requests.
  let budget = target - pages;
  for (const url of urls) {
    if (budget <= 0) break;
    const turn = options.turn ? await options.turn(url) : {};
    if (turn === null) break;
    tried.add(url);
    budget -= 1;
    try {
      const [fetched] = await deps.fetchPages([{ url }], articleFetchOptions(deps, turn));
      if (!fetched!.ok) throw fetched!.error;
      if (fetched!.page.html === null) throw new Error(`${url}: empty response`);
      const read = await readWithTemplate(deps, source.id, fetched!.page, deps.now().toISOString());
      pages = read.template?.seen ?? pages;
      result.read += 1;
    } catch (err) {
      const e = err as Error;
      result.failed.push({ url, error: `${e.name}: ${e.message}` });
      if (fateOf(e) === 'retry-later') {
        await options.onSlowDown?.(url, e);
        break;
      }
    } finally {
      await turn.done?.();
    }
  }
  result.pages = pages;
  logWarmUp(deps, source, result);
  return result;
}

function logWarmUp(deps: UseCaseDeps, source: SourceConfig, r: WarmUpResult): void {
  if (r.read === 0 && r.failed.length === 0) return;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const failed = r.failed.length > 0 ? `; ${plural(r.failed.length, 'warm-up page')} failed (${r.failed.map((f) => `${f.url}: ${f.error}`).join('; ')})` : '';
  const fields = { source: source.id, pages: r.pages, read: r.read, failed: r.failed.length };
  if (templateLearned(r.pages)) deps.log.info(fields, `template of ${source.id} learned from ${plural(r.pages, 'page')}${failed}`);
  else deps.log.warn(fields, `template of ${source.id} not learned yet (${plural(r.pages, 'page')})${failed}`);
}

/**
 * One process's warm-ups: at most one per source at a time (a second caller waits for the first, then finds the
 * template learned), and the URLs each source has tried, so an interrupted warm-up resumes instead of starting over.
 */
export class TemplateWarmUps {
  private readonly running = new Map<string, Promise<WarmUpResult>>();
  private readonly tried = new Map<string, Set<string>>();
  /** Sources whose template is learned: templates only grow, so it is not read again. */
  private readonly learned = new Set<string>();

  constructor(private readonly deps: UseCaseDeps) {}

  /** Whether a new article of this source should wait for a warm-up: warm-ups are on and its template is not learned. */
  async needed(sourceId: string): Promise<boolean> {
    if (this.deps.config.crawl.warmUpPages === 0 || this.learned.has(sourceId)) return false;
    if (!templateLearned(await templatePages(this.deps, sourceId))) return true;
    this.learned.add(sourceId);
    return false;
  }

  /** Whether a source just baselined should be warmed up: its template has fewer than `crawl.warmUpPages` pages. */
  async wanted(sourceId: string): Promise<boolean> {
    const target = this.deps.config.crawl.warmUpPages;
    return target > 0 && (await templatePages(this.deps, sourceId)) < target;
  }

  async run(source: SourceConfig, options: Omit<WarmUpOptions, 'tried'> = {}): Promise<WarmUpResult> {
    for (let running = this.running.get(source.id); running; running = this.running.get(source.id)) {
      await running.catch(() => undefined);
    }
    let tried = this.tried.get(source.id);
    if (!tried) this.tried.set(source.id, (tried = new Set()));
    const warmUp = warmUpTemplate(this.deps, source, { ...options, tried });
    this.running.set(source.id, warmUp);
    try {
      const result = await warmUp;
      if (templateLearned(result.pages)) this.learned.add(source.id);
      return result;
    } finally {
      if (this.running.get(source.id) === warmUp) this.running.delete(source.id);
    }
  }
}
