import { webhookEndpoint } from '../alerts/index.ts';
import type { SourceConfig } from '../config/index.ts';
import { hostOf } from '../config/index.ts';
import { hostSpacing } from '../crawlers/host-spacing.ts';
import type { EntryRow } from '../store/index.ts';
import { checkSource } from './use-cases/check-source.ts';
import { deliverWebhook } from './use-cases/deliver-webhook.ts';
import type { UseCaseDeps } from './use-cases/deps.ts';
import { readArticle } from './use-cases/read-article.ts';
import { reportSourceHealth } from './use-cases/report-source-health.ts';
import { TemplateWarmUps } from './use-cases/warm-up-template.ts';

export interface RunOnceReport {
  sources: Array<{ id: string; outcome: string; found: number; added: number; error?: string }>;
  articles: number;
  deliveries: { delivered: number; pending: number; gaveUp: number };
  failedSources: string[];
}

/**
 * Sources checked at once. Each check in flight holds a crawler (built when no idle one is left) and a page; with
 * every source at once, 500 sources built 500 crawlers and spent more time in Crawlee's option checks and in the
 * garbage collector than in fetching. Sixteen keeps two cores busy on loopback and hides network latency on real
 * sites, where the per-host interval is what bounds a run anyway.
 */
export const ONCE_CONCURRENCY = 16;

/**
 * `vigie start --once`: every source once, then every article and delivery that follows, first attempts only,
 * in this process (no Redis needed). Deliveries that fail stay pending in the store and are tried again by the
 * next run or by `vigie start`, so nothing is dropped. Requests to one host are spaced by its interval
 * (`hosts.<host>.interval`, else `crawl.hostInterval`), or by its robots.txt `Crawl-delay` when that is longer.
 */
export async function runOnce(deps: UseCaseDeps, onProgress?: (line: string) => void): Promise<RunOnceReport> {
  const say = onProgress ?? (() => undefined);
  const report: RunOnceReport = { sources: [], articles: 0, deliveries: { delivered: 0, pending: 0, gaveUp: 0 }, failedSources: [] };
  const spacing = new HostSpacing(deps);
  const entries: EntryRow[] = [];

  await spacing.each(deps.config.sources, ONCE_CONCURRENCY, async (source, beforeRequest) => {
    try {
      const r = await checkSource(deps, source, { beforeRequest });
      entries.push(...r.orphans, ...r.added);
      await reportSourceHealth(deps, source, r.transition, null);
      report.sources.push({ id: source.id, outcome: r.outcome, found: r.found, added: r.added.length });
      say(`${source.id}: ${r.outcome}, ${r.found} listed, ${r.added.length} new`);
    } catch (err) {
      const message = (err as Error).message;
      await reportSourceHealth(deps, source, (err as { transition?: null }).transition ?? null, message);
      report.sources.push({ id: source.id, outcome: 'failed', found: 0, added: 0, error: message });
      report.failedSources.push(source.id);
      say(`${source.id}: failed: ${message}`);
    }
  });

  // One at a time, in the order the entries were found: which copy of a story is read first decides which one alerts.
  const warmUps = new TemplateWarmUps(deps);
  for (const [i, entry] of entries.entries()) {
    // The only warm-up of --once: a source's first new article is read once its template has learned from listed
    // ones, so that alert is clean while a first-sight run (a baseline) still fetches no article.
    const source = deps.config.sources.find((s) => s.id === entry.sourceId);
    if (source && (await warmUps.needed(source.id))) {
      const w = await warmUps.run(source, { turn: async () => ({ beforeRequest: spacing.beforeRequest }) });
      if (w.read > 0 || w.failed.length > 0) say(`${source.id}: template warm-up, ${w.read} listed page${w.read === 1 ? '' : 's'} read${w.failed.length > 0 ? `, ${w.failed.length} failed` : ''}; learned from ${w.pages}`);
    }
    try {
      const r = await readArticle(deps, entry.id, true, { beforeRequest: spacing.beforeRequest });
      if (r) report.articles += 1;
      say(`article ${i + 1}/${entries.length}: ${entry.title}${r && !r.isNewStory ? ' (copy of an earlier story)' : ''}`);
    } catch (err) {
      say(`article ${i + 1}/${entries.length}: ${entry.url}: ${(err as Error).message}`);
    }
  }

  // Page by page, every pending delivery: a delivery still pending after its attempt is behind the next page.
  for (let page = await deps.store.pendingDeliveries(500); page.length > 0; page = await deps.store.pendingDeliveries(500, page.at(-1)!.id)) for (const delivery of page) {
    try {
      const outcome = await deliverWebhook(deps, delivery.id);
      if (outcome === 'delivered') report.deliveries.delivered += 1;
      else if (outcome === 'gave-up') report.deliveries.gaveUp += 1;
    } catch (err) {
      report.deliveries.pending += 1;
      // The URL's path can be its credential: the line names the endpoint only.
      say(`delivery ${delivery.id} to ${webhookEndpoint(delivery.url)}: ${(err as Error).message} (kept, will retry)`);
    }
  }
  return report;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Awaited by the crawler just before a request leaves. */
type BeforeRequest = (url: string) => Promise<void>;

/**
 * In-process per-host spacing for `--once`, the rule the Redis host gate applies across workers: two requests to
 * one host leave at least its interval apart (`hostSpacing`: the configured interval, or a longer robots.txt
 * Crawl-delay, capped). The slot is taken when the request really leaves: a cold crawler can take 150 ms between
 * being asked and sending, and two sources asked 250 ms apart then reached the site 93 ms apart.
 */
export class HostSpacing {
  /** Earliest departure of the next request, per host. */
  private readonly next = new Map<string, number>();
  /** Lanes that chose a host and have not sent their request yet, per host. */
  private readonly promised = new Map<string, number>();
  /** Interval per host, asked once (robots.txt is fetched at most once per origin anyway). */
  private readonly intervals = new Map<string, Promise<number>>();
  private readonly known = new Map<string, number>();

  constructor(private readonly deps: Pick<UseCaseDeps, 'config' | 'robots'>) {}

  private intervalFor(url: string): Promise<number> {
    const host = hostOf(url);
    let interval = this.intervals.get(host);
    if (!interval) {
      interval = hostSpacing(this.deps.config, this.deps.robots, url).then((s) => {
        this.known.set(host, s.intervalMs);
        return s.intervalMs;
      });
      this.intervals.set(host, interval);
    }
    return interval;
  }

  /** Waits for, and takes, the next departure slot of `url`'s host. */
  readonly beforeRequest: BeforeRequest = async (url) => {
    const interval = await this.intervalFor(url);
    const host = hostOf(url);
    const now = Date.now();
    const start = Math.max(now, this.next.get(host) ?? 0);
    this.next.set(host, start + interval);
    if (start > now) await sleep(start - now);
  };

  /** When a request to `host` could leave, counting those already promised to it. */
  private freeAt(host: string, now: number): number {
    return Math.max(now, this.next.get(host) ?? 0) + (this.promised.get(host) ?? 0) * (this.known.get(host) ?? 0);
  }

  /**
   * Runs `work` for every source, at most `concurrency` at a time. A free lane takes a source of the host that is
   * free soonest, and waits rather than take one whose host is busy, so sources of a slow host never hold lanes
   * that sources of other hosts could use. Sources of one host go in config order.
   */
  async each(sources: readonly SourceConfig[], concurrency: number, work: (source: SourceConfig, beforeRequest: BeforeRequest) => Promise<void>): Promise<void> {
    const waiting = new Map<string, SourceConfig[]>();
    for (const s of sources) {
      const host = hostOf(s.url);
      (waiting.get(host) ?? waiting.set(host, []).get(host)!).push(s);
    }
    const lane = async (): Promise<void> => {
      while (waiting.size > 0) {
        const now = Date.now();
        let host: string | null = null;
        for (const h of waiting.keys()) if (host === null || this.freeAt(h, now) < this.freeAt(host, now)) host = h;
        const queue = waiting.get(host!)!;
        if (!this.known.has(host!)) {
          await this.intervalFor(queue[0]!.url);
          continue;
        }
        const wait = this.freeAt(host!, now) - now;
        if (wait > 0) {
          await sleep(wait);
          continue;
        }
        const source = queue.shift()!;
        if (queue.length === 0) waiting.delete(host!);
        this.promised.set(host!, (this.promised.get(host!) ?? 0) + 1);
        let sent = false;
        const keep = () => {
          if (!sent) this.promised.set(host!, this.promised.get(host!)! - 1);
          sent = true;
        };
        try {
          await work(source, async (url) => {
            keep();
            await this.beforeRequest(url);
          });
        } finally {
          keep();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, sources.length)) }, lane));
  }
}
