import { redactWebhookUrls, webhookEndpoint } from '../alerts/index.ts';
import { templateLearned } from '../jobs/index.ts';
import type { ServerDeps } from './create-server.ts';
import { hostReports, lagSummary } from './load-report.ts';

/** What every group of routes reads, built once per server: the deps and the views of them the pages share. */
export interface ServerContext extends ServerDeps {
  /** Job counts per queue and state. */
  queueCounts(): Promise<Record<string, Record<string, number>>>;
  hosts(): ReturnType<typeof hostReports>;
  /** Each source's health, lag (last 50 crawls) and template size. */
  sourcesNow(): Promise<Array<Awaited<ReturnType<ServerDeps['store']['health']>>[number] & { lag: ReturnType<typeof lagSummary>; template: { learned: boolean; pages: number } }>>;
  /** The latest deliveries with their attempt logs, webhook URLs shown as scheme and host only. */
  deliveriesNow(limit: number): Promise<unknown[]>;
}

export function serverContext(deps: ServerDeps): ServerContext {
  const { config, store, queues } = deps;
  const queueCounts = async () => Object.fromEntries(await Promise.all(queues.all.map(async (q) => [q.name, await q.getJobCounts()] as const)));
  const hosts = () => hostReports(config, deps.gate ?? null);
  // Lag figures per source from its most recent crawls (the histogram in /metrics counts every crawl).
  const withLag = async <T extends { id: string }>(s: T) => ({ ...s, lag: lagSummary(await store.recentCrawls({ sourceId: s.id, limit: 50 })) });
  // Every source's template size from one query (its JSON is not parsed): whether its next article reads clean.
  const sourcesNow = async () => {
    const sizes = new Map((await store.templateSizes()).map((t) => [t.sourceId, t.seen]));
    return Promise.all(
      (await store.health()).map(async (s) => {
        const pages = sizes.get(s.id) ?? 0;
        return { ...(await withLag(s)), template: { learned: templateLearned(pages), pages } };
      }),
    );
  };
  // A webhook URL can carry its token: shown as scheme and host, and scrubbed from errors stored before that rule.
  const deliveriesNow = async (limit: number) =>
    Promise.all(
      (await store.deliveries({ limit })).map(async (d) => {
        const urls = [d.url, ...config.webhooks.map((w) => w.url)];
        const scrub = (text: string | null) => (text === null ? null : redactWebhookUrls(text, urls));
        return { ...d, url: webhookEndpoint(d.url), lastError: scrub(d.lastError), attemptLog: (await store.attempts(d.id)).map((a) => ({ ...a, error: scrub(a.error) })) };
      }),
    );
  return { ...deps, queueCounts, hosts, sourcesNow, deliveriesNow };
}
