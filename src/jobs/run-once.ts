import type { EntryRow } from '../store/index.ts';
import { checkSource } from './use-cases/check-source.ts';
import { deliverWebhook } from './use-cases/deliver-webhook.ts';
import type { UseCaseDeps } from './use-cases/deps.ts';
import { readArticle } from './use-cases/read-article.ts';
import { reportSourceHealth } from './use-cases/report-source-health.ts';

export interface RunOnceReport {
  sources: Array<{ id: string; outcome: string; found: number; added: number; error?: string }>;
  articles: number;
  deliveries: { delivered: number; pending: number; gaveUp: number };
  failedSources: string[];
}

/**
 * `vigie start --once`: every source once, then every article and delivery that follows, first attempts only,
 * in this process (no Redis needed). Deliveries that fail stay pending in the store and are tried again by the
 * next run or by `vigie start`, so nothing is dropped. Requests to one host are spaced by `crawl.hostInterval`.
 */
export async function runOnce(deps: UseCaseDeps, onProgress?: (line: string) => void): Promise<RunOnceReport> {
  const say = onProgress ?? (() => undefined);
  const report: RunOnceReport = { sources: [], articles: 0, deliveries: { delivered: 0, pending: 0, gaveUp: 0 }, failedSources: [] };
  const spacing = new HostSpacing(deps.config.crawl.hostInterval);
  const entries: EntryRow[] = [];

  await Promise.all(
    deps.config.sources.map(async (source) => {
      await spacing.wait(source.url);
      try {
        const r = await checkSource(deps, source);
        entries.push(...r.orphans, ...r.added);
        reportSourceHealth(deps, source, r.transition, null);
        report.sources.push({ id: source.id, outcome: r.outcome, found: r.found, added: r.added.length });
        say(`${source.id}: ${r.outcome}, ${r.found} listed, ${r.added.length} new`);
      } catch (err) {
        const message = (err as Error).message;
        reportSourceHealth(deps, source, (err as { transition?: null }).transition ?? null, message);
        report.sources.push({ id: source.id, outcome: 'failed', found: 0, added: 0, error: message });
        report.failedSources.push(source.id);
        say(`${source.id}: failed: ${message}`);
      }
    }),
  );

  for (const [i, entry] of entries.entries()) {
    await spacing.wait(entry.url);
    try {
      const r = await readArticle(deps, entry.id, true);
      if (r) report.articles += 1;
      say(`article ${i + 1}/${entries.length}: ${entry.title}${r && !r.isNewStory ? ' (copy of an earlier story)' : ''}`);
    } catch (err) {
      say(`article ${i + 1}/${entries.length}: ${entry.url}: ${(err as Error).message}`);
    }
  }

  for (const delivery of deps.store.pendingDeliveries()) {
    try {
      const outcome = await deliverWebhook(deps, delivery.id);
      if (outcome === 'delivered') report.deliveries.delivered += 1;
      else if (outcome === 'gave-up') report.deliveries.gaveUp += 1;
    } catch (err) {
      report.deliveries.pending += 1;
      say(`delivery ${delivery.id} to ${delivery.url}: ${(err as Error).message} (kept, will retry)`);
    }
  }
  return report;
}

/** In-process per-host spacing for `--once`, the same rule the Redis HostGate applies across workers. */
class HostSpacing {
  private readonly next = new Map<string, number>();

  constructor(private readonly intervalMs: number) {}

  async wait(url: string): Promise<void> {
    const host = new URL(url).host;
    const now = Date.now();
    const start = Math.max(now, this.next.get(host) ?? 0);
    this.next.set(host, start + this.intervalMs);
    if (start > now) await new Promise((r) => setTimeout(r, start - now));
  }
}
