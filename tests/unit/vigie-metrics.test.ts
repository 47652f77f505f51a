import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/alerts/index.ts';
import { WebhookPausedError } from '../../src/alerts/webhook-paused-error.ts';
import { LAG_BUCKETS_S } from '../../src/jobs/index.ts';
import { VigieMetrics, type ClusterFigures } from '../../src/jobs/vigie-metrics.ts';
import type { SourceHealth } from '../../src/store/index.ts';
import { histogramSeries, parsePrometheusText, sampleValue } from '../helpers/prometheus-text.ts';

const ODD = 'a"b\\c\nd';
const source = (id: string, over: Partial<SourceHealth> = {}): SourceHealth => ({
  id,
  url: 'https://example.org/',
  baselineAt: null,
  lastCrawlAt: null,
  lastOkAt: null,
  consecutiveFailures: 0,
  degraded: false,
  lastCrawl: null,
  entries: 0,
  ...over,
});
const figures = (over: Partial<ClusterFigures> = {}): ClusterFigures => ({
  queues: { 'vigie-crawl': { waiting: 2, failed: 1 }, 'vigie-delivery': { active: 0 } },
  sources: [source(ODD, { lastOkAt: '2026-12-01T00:00:10.000Z', consecutiveFailures: 3, degraded: true, entries: 7 }), source('never-ok')],
  deliveries: { pending: 1, delivered: 5, failed: 0 },
  lag: [{ sourceId: 'sec-0', buckets: [1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 4], sumSeconds: 9.44, count: 4 }],
  hosts: [
    { host: 'busy.example.org', waiting: 2, oldestWaitMs: 3_500, demandPerSecond: 2.4, allowedPerSecond: 1, overCapacity: true },
    { host: 'free.example.org', waiting: 0, oldestWaitMs: null, demandPerSecond: 0.1, allowedPerSecond: null, overCapacity: false },
  ],
  ...over,
});
const scrape = async (m: VigieMetrics) => parsePrometheusText(await m.registry.metrics());
const articleBody = (firstSeenAt: string) => JSON.stringify({ type: 'article.new', data: { entry: { title: 't', url: 'u', firstSeenAt } } });

describe('parsePrometheusText (the test helper) refuses what Prometheus would', () => {
  const ok = '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 3\nh_count 2\n# TYPE c counter\nc{a="x"} 1\n';
  it('reads a well-formed exposition', () => {
    const f = parsePrometheusText(ok);
    expect(histogramSeries(f, 'h')).toEqual({ labels: {}, buckets: [[1, 1], [Infinity, 2]], sum: 3, count: 2 });
    expect(sampleValue(f, 'c', { a: 'x' })).toBe(1);
  });
  it.each([
    ['no final newline', ok.trimEnd()],
    ['buckets not cumulative', ok.replace('le="1"} 1', 'le="1"} 3')],
    ['+Inf not equal to _count', ok.replace('h_count 2', 'h_count 5')],
    ['no +Inf bucket', ok.replace('h_bucket{le="+Inf"} 2\n', '')],
    ['a series twice', `${ok}c{a="x"} 2\n`],
    ['samples of a family apart', `${ok}# TYPE g gauge\ng 1\nc{a="y"} 1\n`],
    ['a bad escape', ok.replace('a="x"', 'a="\\x"')],
    ['an unquoted label value', ok.replace('a="x"', 'a=x')],
    ['a negative counter', ok.replace('c{a="x"} 1', 'c{a="x"} -1')],
    ['a second TYPE', `${ok}# TYPE c gauge\n`],
    ['a bad value', ok.replace('c{a="x"} 1', 'c{a="x"} one')],
  ])('refuses %s', (_what, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});

describe('VigieMetrics', () => {
  it('exposes the process metrics and the cluster-wide figures, read at scrape time, in strict Prometheus text', async () => {
    const m = new VigieMetrics();
    let reads = 0;
    m.readClusterWith(async () => (reads++, figures()));
    expect(m.registry.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    const f = await scrape(m);
    // One read of Redis and the store per scrape, shared by every gauge.
    expect(reads).toBe(1);
    expect(f.get('vigie_process_cpu_seconds_total')!.type).toBe('counter');
    expect(sampleValue(f, 'vigie_process_cpu_seconds_total')).toBeGreaterThanOrEqual(0);
    expect(sampleValue(f, 'vigie_process_resident_memory_bytes')).toBeGreaterThan(1e6);
    expect(f.get('vigie_nodejs_eventloop_lag_seconds')!.type).toBe('gauge');
    expect(f.get('vigie_nodejs_gc_duration_seconds')!.type).toBe('histogram');

    expect(sampleValue(f, 'vigie_queue_jobs', { queue: 'vigie-crawl', state: 'waiting' })).toBe(2);
    expect(sampleValue(f, 'vigie_queue_jobs', { queue: 'vigie-crawl', state: 'failed' })).toBe(1);
    expect(sampleValue(f, 'vigie_queue_jobs', { queue: 'vigie-delivery', state: 'active' })).toBe(0);
    // Label values from the config are escaped, and read back as they were.
    expect(sampleValue(f, 'vigie_source_degraded', { source: ODD })).toBe(1);
    expect(sampleValue(f, 'vigie_source_degraded', { source: 'never-ok' })).toBe(0);
    expect(sampleValue(f, 'vigie_source_consecutive_failures', { source: ODD })).toBe(3);
    expect(sampleValue(f, 'vigie_source_entries', { source: ODD })).toBe(7);
    expect(sampleValue(f, 'vigie_source_last_ok_timestamp_seconds', { source: ODD })).toBe(Date.parse('2026-12-01T00:00:10Z') / 1000);
    // Never successful: no line rather than a zero that reads as 1970.
    expect(sampleValue(f, 'vigie_source_last_ok_timestamp_seconds', { source: 'never-ok' })).toBeUndefined();
    expect(sampleValue(f, 'vigie_deliveries', { state: 'delivered' })).toBe(5);
    expect(sampleValue(f, 'vigie_deliveries', { state: 'failed' })).toBe(0);
    expect(histogramSeries(f, 'vigie_schedule_lag_seconds', { source: 'sec-0' })).toEqual({
      labels: { source: 'sec-0' },
      buckets: [...LAG_BUCKETS_S, Infinity].map((le, i) => [le, figures().lag[0]!.buckets[i]]),
      sum: 9.44,
      count: 4,
    });
    expect(sampleValue(f, 'vigie_host_waiting_jobs', { host: 'busy.example.org' })).toBe(2);
    expect(sampleValue(f, 'vigie_host_oldest_wait_seconds', { host: 'busy.example.org' })).toBe(3.5);
    expect(sampleValue(f, 'vigie_host_oldest_wait_seconds', { host: 'free.example.org' })).toBe(0);
    expect(sampleValue(f, 'vigie_host_demand_requests_per_second', { host: 'busy.example.org' })).toBe(2.4);
    expect(sampleValue(f, 'vigie_host_allowed_requests_per_second', { host: 'busy.example.org' })).toBe(1);
    expect(sampleValue(f, 'vigie_host_allowed_requests_per_second', { host: 'free.example.org' })).toBeUndefined();
    expect(sampleValue(f, 'vigie_host_over_capacity', { host: 'busy.example.org' })).toBe(1);
    expect(sampleValue(f, 'vigie_host_over_capacity', { host: 'free.example.org' })).toBe(0);
    for (const name of ['vigie_queue_jobs', 'vigie_source_degraded', 'vigie_deliveries', 'vigie_host_over_capacity']) expect(f.get(name)!.type).toBe('gauge');
    expect(f.get('vigie_schedule_lag_seconds')!.type).toBe('histogram');
  });

  it('reads the figures again at each scrape: a source gone from the config leaves the gauges', async () => {
    const m = new VigieMetrics();
    let current = figures();
    m.readClusterWith(async () => current);
    expect(sampleValue(await scrape(m), 'vigie_source_entries', { source: 'never-ok' })).toBe(0);
    current = figures({ sources: [source(ODD, { entries: 9 })], lag: [], hosts: [] });
    const f = await scrape(m);
    expect(sampleValue(f, 'vigie_source_entries', { source: 'never-ok' })).toBeUndefined();
    expect(sampleValue(f, 'vigie_source_entries', { source: ODD })).toBe(9);
    expect(f.get('vigie_schedule_lag_seconds')!.samples).toEqual([]);
    expect(f.get('vigie_host_waiting_jobs')!.samples).toEqual([]);
  });

  it('without a cluster reader, declares the gauges with no samples', async () => {
    const f = await scrape(new VigieMetrics());
    expect(f.get('vigie_queue_jobs')!.samples).toEqual([]);
    expect(f.get('vigie_schedule_lag_seconds')!.samples).toEqual([]);
  });

  it('times crawls and counts them by source and outcome; a crawl that throws counts as failed and still throws', async () => {
    const m = new VigieMetrics();
    expect(await m.timeCrawl('s1', async () => ({ outcome: 'changed', found: 3 }))).toEqual({ outcome: 'changed', found: 3 });
    await m.timeCrawl('s1', async () => ({ outcome: 'changed' }));
    await m.timeCrawl('s2', async () => {
      await new Promise((r) => setTimeout(r, 60));
      return { outcome: 'not-modified' };
    });
    await expect(m.timeCrawl('s2', async () => Promise.reject(new Error('HTTP 500')))).rejects.toThrow('HTTP 500');
    const f = await scrape(m);
    expect(sampleValue(f, 'vigie_crawls_total', { source: 's1', outcome: 'changed' })).toBe(2);
    expect(sampleValue(f, 'vigie_crawls_total', { source: 's2', outcome: 'not-modified' })).toBe(1);
    expect(sampleValue(f, 'vigie_crawls_total', { source: 's2', outcome: 'failed' })).toBe(1);
    expect(f.get('vigie_crawls_total')!.type).toBe('counter');
    expect(histogramSeries(f, 'vigie_crawl_duration_seconds', { source: 's1' }).count).toBe(2);
    const s2 = histogramSeries(f, 'vigie_crawl_duration_seconds', { source: 's2' });
    expect(s2.count).toBe(2);
    expect(s2.sum).toBeGreaterThanOrEqual(0.055);
    // The 60 ms crawl is above the 0.05 bucket, the failed one below it.
    expect(s2.buckets.find(([le]) => le === 0.05)![1]).toBe(1);
  });

  it('counts articles read and unreadable by source', async () => {
    const m = new VigieMetrics();
    m.countArticle('s1', true);
    m.countArticle('s1', true);
    m.countArticle('s1', false);
    const f = await scrape(m);
    expect(sampleValue(f, 'vigie_articles_total', { source: 's1', outcome: 'read' })).toBe(2);
    expect(sampleValue(f, 'vigie_articles_total', { source: 's1', outcome: 'unreadable' })).toBe(1);
  });

  it('times delivery attempts by event and outcome, and an article.new from its entry first seen to delivered', async () => {
    const m = new VigieMetrics();
    const seen = new Date(Date.now() - 42_000).toISOString();
    const news = { eventType: 'article.new', body: articleBody(seen) };
    const degraded = { eventType: 'source.degraded', body: '{"type":"source.degraded","data":{}}' };
    await expect(m.timeDelivery(news, async () => Promise.reject(new DeliveryError('HTTP 503', 'retry', 503)))).rejects.toThrow('HTTP 503');
    expect(await m.timeDelivery(news, async () => 'delivered')).toBe('delivered');
    await m.timeDelivery(degraded, async () => 'delivered');
    await m.timeDelivery(degraded, async () => 'gave-up');
    // Not attempts: already delivered, a paused webhook (no request sent), a delivery row gone.
    await m.timeDelivery(news, async () => 'already-done');
    await expect(m.timeDelivery(news, async () => Promise.reject(new WebhookPausedError('w', 'https://h')))).rejects.toThrow('paused');
    await m.timeDelivery(null, async () => 'gave-up');
    const f = await scrape(m);
    expect(sampleValue(f, 'vigie_delivery_attempts_total', { event: 'article.new', outcome: 'retry' })).toBe(1);
    expect(sampleValue(f, 'vigie_delivery_attempts_total', { event: 'article.new', outcome: 'delivered' })).toBe(1);
    expect(sampleValue(f, 'vigie_delivery_attempts_total', { event: 'source.degraded', outcome: 'delivered' })).toBe(1);
    expect(sampleValue(f, 'vigie_delivery_attempts_total', { event: 'source.degraded', outcome: 'gave-up' })).toBe(1);
    expect(f.get('vigie_delivery_attempts_total')!.samples).toHaveLength(4);
    expect(histogramSeries(f, 'vigie_delivery_duration_seconds', { event: 'article.new', outcome: 'retry' }).count).toBe(1);
    expect(histogramSeries(f, 'vigie_delivery_duration_seconds', { event: 'source.degraded', outcome: 'gave-up' }).count).toBe(1);
    // Only the delivered article.new: 42 s after its entry was first seen.
    const latency = histogramSeries(f, 'vigie_entry_to_delivery_seconds');
    expect(latency.count).toBe(1);
    expect(latency.sum).toBeGreaterThanOrEqual(42);
    expect(latency.sum).toBeLessThan(45);
    expect(latency.buckets.find(([le]) => le === 30)![1]).toBe(0);
    expect(latency.buckets.find(([le]) => le === 60)![1]).toBe(1);
  });

  it('keeps each instance its own counts, with the process metrics in both', async () => {
    const [a, b] = [new VigieMetrics(), new VigieMetrics()];
    a.countArticle('s', true);
    const [fa, fb] = [await scrape(a), await scrape(b)];
    expect(sampleValue(fa, 'vigie_articles_total', { source: 's', outcome: 'read' })).toBe(1);
    expect(sampleValue(fb, 'vigie_articles_total', { source: 's', outcome: 'read' })).toBeUndefined();
    expect(sampleValue(fb, 'vigie_process_cpu_seconds_total')).toBeGreaterThanOrEqual(0);
  });
});
