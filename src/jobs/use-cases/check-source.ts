import { foldText } from '../../extract/link-entries.ts';
import type { SourceConfig } from '../../config/index.ts';
import { LatestSelectorError, readLatestList, type LatestList, type LatestListOptions } from '../../crawlers/latest-list.ts';
import { RefusedAddressError } from '../../crawlers/refused-address-error.ts';
import type { Page } from '../../crawlers/page.ts';
import type { EntryRow, SourceTransition } from '../../store/index.ts';
import { SourceConfigError } from '../source-config-error.ts';
import type { UseCaseDeps } from './deps.ts';

export interface CheckSourceResult {
  outcome: 'baseline' | 'relisted' | 'changed' | 'unchanged' | 'not-modified' | 'no-list';
  found: number;
  /** Entries never seen before on this source (empty on the baseline crawl). */
  added: EntryRow[];
  /** Earlier new entries whose article job may have been lost (crash between commit and enqueue). */
  orphans: EntryRow[];
  transition: SourceTransition;
}

/** Consecutive failed crawls after which a source is reported as degraded. */
export const DEGRADE_AFTER = 3;

export interface CheckContext {
  /** Schedule lag of this crawl: from when it was due to when it got its host slot. Null when unknown. */
  lagMs?: number | null;
  /** Awaited just before the request leaves (per-host spacing). Default: none. */
  beforeRequest?: (url: string) => Promise<void> | void;
  /** Called when the request has left (per-host spacing across processes). Default: none. */
  onRequestSent?: (url: string) => void;
}

/**
 * Checks a source's latest list once: fetch (conditionally), read the list, and let the store say which entries
 * are new. Throws the fetch error after recording it, so the job's fate follows the error. Logs one line per crawl.
 */
export async function checkSource(deps: UseCaseDeps, source: SourceConfig, context: CheckContext = {}): Promise<CheckSourceResult> {
  try {
    const result = await crawlOnce(deps, source, context);
    deps.log.info(
      { source: source.id, outcome: result.outcome, found: result.found, new: result.added.length, ms: result.durationMs, lagMs: context.lagMs ?? undefined },
      // A 304 or identical bytes read no list: "0 listed" would say the list was empty.
      result.outcome === 'not-modified'
        ? `crawl ${source.id}: not-modified, ${result.durationMs} ms`
        : `crawl ${source.id}: ${result.outcome}, ${result.found} listed, ${result.added.length} new, ${result.durationMs} ms`,
    );
    return result;
  } catch (err) {
    const e = err as Error & { status?: number };
    deps.log.warn({ source: source.id, outcome: 'failed', status: e.status, err: e.message }, `crawl ${source.id}: failed: ${e.message}`);
    throw err;
  }
}

async function crawlOnce(deps: UseCaseDeps, source: SourceConfig, context: CheckContext): Promise<CheckSourceResult & { durationMs: number }> {
  const lagMs = context.lagMs ?? null;
  const { store, config } = deps;
  const started = deps.now();
  const at = started.toISOString();
  const cache = await store.getHttpCache(source.id, source.url);
  const [result] = await deps.fetchPages([{ url: source.url, ...cache }], {
    render: source.render,
    userAgent: config.crawl.userAgent,
    timeoutMs: config.crawl.timeout,
    allowNetworks: config.network.allow,
    limits: config.limits,
    robots: deps.robots,
    browser: deps.browser,
    log: deps.log,
    beforeRequest: context.beforeRequest,
    onRequestSent: context.onRequestSent,
  });
  const durationMs = deps.now().getTime() - started.getTime();
  if (!result!.ok) {
    const error = forSource(result!.error, deps, source);
    const status = (error as { status?: number }).status ?? null;
    const transition = await store.recordCrawl(
      { sourceId: source.id, at, durationMs, lagMs, status, outcome: 'failed', entriesFound: 0, entriesNew: 0, error: `${error.name}: ${error.message}` },
      DEGRADE_AFTER,
    );
    (error as Error & { transition?: SourceTransition }).transition = transition;
    throw error;
  }
  const page = result!.page;
  const orphans = await store.entriesWithoutArticle(source.id);
  if (page.notModified) {
    const transition = await store.recordCrawl(
      { sourceId: source.id, at, durationMs, lagMs, status: page.status, outcome: 'not-modified', entriesFound: 0, entriesNew: 0, error: null },
      DEGRADE_AFTER,
    );
    await store.saveHttpCache(source.id, source.url, page, at);
    return { outcome: 'not-modified', found: 0, added: [], orphans, transition, durationMs };
  }

  const found = await readList(deps, page, {
    url: page.finalUrl,
    heading: source.latest?.heading,
    selector: source.latest?.selector,
    maxNesting: config.limits.maxNesting,
  }).catch((err: Error) => {
    throw err instanceof LatestSelectorError ? new SourceConfigError(source.id, 'latest.selector', err.message) : err;
  });
  for (const warning of page.warnings ?? []) deps.log.warn({ source: source.id, url: page.finalUrl }, `crawl ${source.id}: ${warning}`);
  const listed = found.entries;
  const { maxListEntries, relistJump } = config.limits;
  // The first ones in page order: a list of thousands is a site map or an attack, not news.
  const entries = listed.slice(0, maxListEntries);
  if (listed.length > maxListEntries && !warnedLongList(store).has(source.id)) {
    warnedLongList(store).add(source.id);
    deps.log.warn(
      { source: source.id, url: page.finalUrl, listed: listed.length, kept: maxListEntries },
      `crawl ${source.id}: the latest list has ${listed.length} entries; only the first ${maxListEntries} are read (limits.maxListEntries)`,
    );
  }
  // How the list was found; when that changes, the entries come from another block and are not news.
  const listSignature = `${found.via}:${foldText(found.heading ?? '')}`;
  const { baseline, relisted, added, jump } = await store.recordEntries(source.id, entries, at, { listSignature, relistJump });
  const outcome = entries.length === 0 ? 'no-list' : baseline ? 'baseline' : relisted ? 'relisted' : added.length > 0 ? 'changed' : 'unchanged';
  const transition = await store.recordCrawl(
    {
      sourceId: source.id,
      at,
      durationMs,
      lagMs,
      status: page.status,
      outcome,
      entriesFound: entries.length,
      entriesNew: added.length,
      error:
        outcome === 'no-list'
          ? `no latest-articles list found on ${page.finalUrl}`
          : jump
            ? `${jump.count} new entries at once where the list usually has ${jump.usual}: recorded as a new baseline`
            : outcome === 'relisted'
            ? `list now found by ${found.via}${found.heading ? ` under "${found.heading}"` : ''}: recorded as a new baseline`
            : null,
    },
    DEGRADE_AFTER,
  );
  // Validators are saved only once the entries are committed: a crash in between re-reads the page next time.
  await store.saveHttpCache(source.id, source.url, page, at);
  if (outcome === 'no-list') deps.log.warn({ source: source.id, url: page.finalUrl }, 'no latest-articles list found');
  if (jump) {
    deps.log.warn(
      { source: source.id, url: page.finalUrl, new: jump.count, usual: jump.usual },
      `crawl ${source.id}: ${jump.count} new entries at once where the list usually has ${jump.usual}; recorded as a new baseline, without alerts`,
    );
  } else if (outcome === 'relisted') {
    deps.log.warn(
      { source: source.id, url: page.finalUrl, via: found.via, heading: found.heading },
      'the latest list is now found another way; its entries were recorded as a new baseline, without alerts',
    );
  }
  return { outcome, found: entries.length, added, orphans, transition, durationMs };
}

/** A refused address names the source's place in the config, whose `network.allow` is the fix. */
function forSource(error: Error, deps: UseCaseDeps, source: SourceConfig): Error {
  if (!(error instanceof RefusedAddressError)) return error;
  return error.withPrefix(`sources[${deps.config.sources.findIndex((s) => s.id === source.id)}] (${source.id})`);
}

/** Sources already warned about a list over `limits.maxListEntries`, per store (so once per process). */
const longListWarned = new WeakMap<object, Set<string>>();
function warnedLongList(store: object): Set<string> {
  let set = longListWarned.get(store);
  if (!set) longListWarned.set(store, (set = new Set()));
  return set;
}

/** The deps' list reader (worker threads, for `--once`: sent the bytes, decoded there), else the list read here. */
async function readList(deps: UseCaseDeps, page: Page, options: LatestListOptions): Promise<LatestList> {
  return deps.readList ? deps.readList(page.sniffed ?? page.html!, options) : readLatestList(page.html!, options);
}
