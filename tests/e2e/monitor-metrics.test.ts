import { afterEach, describe, expect, it } from 'vitest';
import { startNewsSite, type NewsSite } from '../../src/demo/news-site.ts';
import { initialStories, toPublish } from '../fixtures/stories.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';
import { FIRST_TICK_SOON_MS } from '../../src/jobs/sync-schedules.ts';
import { histogramSeries, parsePrometheusText, sampleValue, type Family } from '../helpers/prometheus-text.ts';

const opened: NewsSite[] = [];
let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const s of opened.splice(0)) await s.close();
});

async function site(template: 'wordpress' | 'gov'): Promise<NewsSite> {
  const s = await startNewsSite({ template, articles: initialStories.slice(0, 8) });
  opened.push(s);
  return s;
}

/** Occurrences of each key. */
const tally = (keys: string[]) => keys.reduce<Record<string, number>>((acc, k) => ((acc[k] = (acc[k] ?? 0) + 1), acc), {});
/** A counter family as `label|label -> value`, in the order of `labels`. */
const counterTally = (family: Family | undefined, labels: string[]) =>
  Object.fromEntries((family?.samples ?? []).map((s) => [labels.map((l) => s.labels[l]).join('|'), s.value]));

/** What the store and Redis say happened: the figures /metrics must agree with. */
async function whatHappened(h: Harness) {
  const { store } = h;
  const crawls = await store.recentCrawls({ limit: 10_000 });
  const articles = await store.recentArticles({ limit: 500 });
  const deliveries = await Promise.all(
    (await store.deliveries({ limit: 500 })).map(async (d) => ({ ...d, work: (await store.getDeliveryWork(d.id))!, attempts: await store.attempts(d.id) })),
  );
  const queues = Object.fromEntries(await Promise.all(h.monitor.queues.all.map(async (q) => [q.name, await q.getJobCounts()] as const)));
  return { crawls, articles, deliveries, queues, health: await store.health() };
}

describe('/metrics of a running monitor', () => {
  it('after crawls (one source failing), an article read, one unreadable and two alerts (one retried), parses strictly and agrees with the store', async () => {
    const wp = await site('wordpress');
    const down = await site('gov');
    down.fail({ status: 500 });
    let requests = 0;
    harness = await startHarness({
      sources: [
        { id: 'wp', url: wp.listUrl, every: '1h' },
        { id: 'down', url: down.listUrl, every: '1h' },
      ],
      // One attempt: a failed crawl is one crawl, and the failing article alerts at once, unread.
      crawl: { attempts: 1 },
      delivery: { firstRetry: '200ms', maxRetryDelay: '1s' },
      // The receiver refuses the first alert once: a retry, then delivered.
      respond: () => (requests++ === 0 ? 503 : 204),
      server: true,
    });
    const h = harness;
    const { store, receiver } = h;
    const queues = h.monitor.queues;
    const failures = async () => (await store.health()).find((s) => s.id === 'down')!.consecutiveFailures;
    // Up to a minute and more: an every-schedule whose first tick falls within the minute (a few minutes in each hour
    // for these ids) is not crawled at start but at that tick (FIRST_TICK_SOON_MS).
    await h.until('the baseline of wp and a failed crawl of down', async () => (await store.health()).find((s) => s.id === 'wp')!.baselineAt != null && (await failures()) >= 1, FIRST_TICK_SOON_MS + 20_000);
    // Two more failures, one after the other (a crawl asked for while one waits would merge into it): degraded.
    for (const n of [2, 3]) {
      await queues.enqueueCrawl('down', `metrics-${n}`);
      await h.until(`failure ${n} of down`, async () => (await failures()) >= n);
    }

    const readable = toPublish[0]!;
    const unreadable = toPublish[1]!;
    wp.publish(readable);
    const brokenUrl = wp.publish(unreadable);
    wp.fail({ status: 500, pathPrefix: new URL(brokenUrl).pathname });
    await queues.enqueueCrawl('wp', 'metrics-publish');
    await receiver.waitFor(2, 30_000);
    await h.until('both deliveries logged as delivered', async () => {
      const ds = await store.deliveries();
      return ds.length === 2 && ds.every((d) => d.state === 'delivered');
    });

    // Nothing running or waiting (the schedulers' next ticks are an hour away): the figures stand still.
    const idle = async () =>
      (await Promise.all(queues.all.map((q) => q.getJobCounts()))).every((c) => !c.active && !c.waiting && !c.prioritized && !c['waiting-children']) &&
      (await queues.all.find((q) => q.name.endsWith('article'))!.getJobCounts()).delayed === 0 &&
      (await queues.all.find((q) => q.name.endsWith('delivery'))!.getJobCounts()).delayed === 0;
    await h.until('the queues idle', idle, 30_000);
    let before: Awaited<ReturnType<typeof whatHappened>>;
    let text = '';
    for (let tries = 0; ; tries++) {
      before = await whatHappened(h);
      const res = await fetch(`${h.monitor.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      text = await res.text();
      // A reconcile pass or a scheduler tick between the two reads: read again.
      if (JSON.stringify(await whatHappened(h)) === JSON.stringify(before) && (await idle())) break;
      if (tries === 5) throw new Error('the store kept changing around the scrape');
    }
    const { crawls, articles, deliveries, health } = before;
    const f = parsePrometheusText(text);

    // The process metrics, with the vigie_ prefix.
    expect(f.get('vigie_process_cpu_seconds_total')!.type).toBe('counter');
    expect(sampleValue(f, 'vigie_process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(sampleValue(f, 'vigie_process_resident_memory_bytes')).toBeGreaterThan(10e6);
    expect(sampleValue(f, 'vigie_process_start_time_seconds')).toBeLessThanOrEqual(Date.now() / 1000);
    expect(sampleValue(f, 'vigie_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(f.get('vigie_nodejs_eventloop_lag_p99_seconds')!.type).toBe('gauge');

    // Crawls: each one the store recorded is counted once, by source and outcome, and timed.
    expect(crawls.filter((c) => c.sourceId === 'down').map((c) => c.outcome)).toEqual(Array(crawls.filter((c) => c.sourceId === 'down').length).fill('failed'));
    expect(crawls.filter((c) => c.sourceId === 'down').length).toBeGreaterThanOrEqual(3);
    expect(crawls.some((c) => c.sourceId === 'wp' && c.outcome === 'baseline')).toBe(true);
    expect(crawls.some((c) => c.sourceId === 'wp' && c.outcome === 'changed')).toBe(true);
    expect(f.get('vigie_crawls_total')!.type).toBe('counter');
    expect(counterTally(f.get('vigie_crawls_total'), ['source', 'outcome'])).toEqual(tally(crawls.map((c) => `${c.sourceId}|${c.outcome}`)));
    for (const id of ['wp', 'down']) {
      const mine = crawls.filter((c) => c.sourceId === id);
      const timed = histogramSeries(f, 'vigie_crawl_duration_seconds', { source: id });
      expect(timed.count).toBe(mine.length);
      // Timed around the fetch the store times, so at least as long.
      expect(timed.sum).toBeGreaterThanOrEqual(mine.reduce((s, c) => s + c.durationMs, 0) / 1000 - 0.01);
      // Schedule lag, counted in Redis: one observation per crawl that recorded a lag.
      expect(histogramSeries(f, 'vigie_schedule_lag_seconds', { source: id }).count).toBe(mine.filter((c) => c.lagMs != null).length);
    }
    expect(crawls.filter((c) => c.lagMs != null).length).toBeGreaterThan(0);

    // Articles: the readable one read, the broken one alerted without its text.
    expect(articles.filter((a) => a.error === null).map((a) => a.title)).toContain(readable.title);
    expect(articles.filter((a) => a.error !== null)).toHaveLength(1);
    expect(counterTally(f.get('vigie_articles_total'), ['source', 'outcome'])).toEqual(tally(articles.map((a) => `${a.sourceId}|${a.error === null ? 'read' : 'unreadable'}`)));
    expect(sampleValue(f, 'vigie_articles_total', { source: 'wp', outcome: 'unreadable' })).toBe(1);

    // Deliveries: three attempts (503, then two 204), each counted and timed by event and outcome.
    const attempts = deliveries.flatMap((d) => d.attempts.map((a) => ({ ...a, event: d.work.eventType })));
    expect(tally(attempts.map((a) => `${a.event}|${a.outcome}`))).toEqual({ 'article.new|retry': 1, 'article.new|delivered': 2 });
    expect(counterTally(f.get('vigie_delivery_attempts_total'), ['event', 'outcome'])).toEqual({ 'article.new|retry': 1, 'article.new|delivered': 2 });
    for (const outcome of ['retry', 'delivered'] as const) {
      const these = attempts.filter((a) => a.outcome === outcome);
      const timed = histogramSeries(f, 'vigie_delivery_duration_seconds', { event: 'article.new', outcome });
      expect(timed.count).toBe(these.length);
      expect(timed.sum).toBeGreaterThanOrEqual(these.reduce((s, a) => s + a.durationMs, 0) / 1000 - 0.01);
    }
    // Entry to delivery: from each alert's firstSeenAt to the end of its successful attempt, as the store logged them.
    const latencies = deliveries.map((d) => {
      const ok = d.attempts.find((a) => a.outcome === 'delivered')!;
      const seen = (JSON.parse(d.work.body) as { data: { entry: { firstSeenAt: string } } }).data.entry.firstSeenAt;
      return (Date.parse(ok.at) + ok.durationMs - Date.parse(seen)) / 1000;
    });
    const latency = histogramSeries(f, 'vigie_entry_to_delivery_seconds');
    expect(latency.count).toBe(2);
    expect(latency.sum).toBeGreaterThanOrEqual(latencies[0]! + latencies[1]! - 0.01);
    expect(latency.sum).toBeLessThan(latencies[0]! + latencies[1]! + 1);

    // Cluster-wide gauges, read from Redis and the store at scrape time.
    for (const [queue, counts] of Object.entries(before.queues)) {
      for (const [state, n] of Object.entries(counts)) expect(sampleValue(f, 'vigie_queue_jobs', { queue, state }), `${queue} ${state}`).toBe(n);
    }
    const wpHealth = health.find((s) => s.id === 'wp')!;
    const downHealth = health.find((s) => s.id === 'down')!;
    expect(downHealth.degraded).toBe(true);
    expect(sampleValue(f, 'vigie_source_degraded', { source: 'down' })).toBe(1);
    expect(sampleValue(f, 'vigie_source_degraded', { source: 'wp' })).toBe(0);
    expect(sampleValue(f, 'vigie_source_consecutive_failures', { source: 'down' })).toBe(downHealth.consecutiveFailures);
    expect(sampleValue(f, 'vigie_source_entries', { source: 'wp' })).toBe(wpHealth.entries);
    expect(wpHealth.entries).toBeGreaterThan(2);
    expect(sampleValue(f, 'vigie_source_last_ok_timestamp_seconds', { source: 'wp' })).toBe(Math.floor(Date.parse(wpHealth.lastOkAt!) / 1000));
    expect(sampleValue(f, 'vigie_source_last_ok_timestamp_seconds', { source: 'down' })).toBeUndefined();
    expect(sampleValue(f, 'vigie_deliveries', { state: 'delivered' })).toBe(2);
    expect(sampleValue(f, 'vigie_deliveries', { state: 'pending' })).toBe(0);
    const host = new URL(wp.url).host;
    expect(sampleValue(f, 'vigie_host_waiting_jobs', { host })).toBe(0);
    expect(sampleValue(f, 'vigie_host_oldest_wait_seconds', { host })).toBe(0);
    expect(sampleValue(f, 'vigie_host_demand_requests_per_second', { host })).toBeCloseTo(1 / 3600, 9);
    expect(sampleValue(f, 'vigie_host_allowed_requests_per_second', { host })).toBe(100);
    expect(sampleValue(f, 'vigie_host_over_capacity', { host })).toBe(0);
  }, 150_000);
});
