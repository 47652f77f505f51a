import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import { DeliveryError } from '../alerts/index.ts';
import type { SourceHealth } from '../store/index.ts';
import { LAG_BUCKETS_S, type LagCounts } from './lag-histogram.ts';
import type { DeliverOutcome } from './use-cases/deliver-webhook.ts';

/** What every process sees alike, read from Redis and the store when /metrics is scraped. */
export interface ClusterFigures {
  /** Job counts per queue and state. */
  queues: Record<string, Record<string, number>>;
  sources: SourceHealth[];
  /** Deliveries per state. */
  deliveries: Record<string, number>;
  /** The schedule-lag histogram every worker adds to in Redis, per source. */
  lag: LagCounts[];
  hosts: HostFigures[];
}

/** A host's load and line (the server's HostReport has these fields). */
export interface HostFigures {
  host: string;
  waiting: number;
  oldestWaitMs: number | null;
  demandPerSecond: number;
  /** Null when spacing is off: no line. */
  allowedPerSecond: number | null;
  overCapacity: boolean;
}

/** The delivery a job is about: its event type, and its body for the entry's firstSeenAt. */
export interface DeliveryInfo {
  eventType: string;
  body: string;
}

const THIS_PROCESS = 'Counted by the process serving /metrics only: jobs run by other `vigie worker` processes are not in it.';

let processMetrics: Registry | null = null;
/**
 * Process metrics (CPU, memory, event loop, GC) are collected once per process and shared by every VigieMetrics:
 * each collection adds a GC observer and an event-loop monitor that are never removed.
 */
function processMetricsOnce(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics, prefix: 'vigie_' });
  }
  return processMetrics;
}

/**
 * Vigie's Prometheus registry: the process metrics, what this process's workers time and count (histograms and
 * counters), and the cluster-wide figures, read at scrape time so that every process shows the same exact values.
 * One per process: the workers observe into it and the server exposes it.
 */
export class VigieMetrics {
  readonly registry: Registry;
  /** This instance's own metrics, merged with the process metrics into `registry`. */
  private readonly own = new Registry();
  private readonly crawlSeconds: Histogram<'source'>;
  private readonly crawls: Counter<'source' | 'outcome'>;
  private readonly articles: Counter<'source' | 'outcome'>;
  private readonly deliverySeconds: Histogram<'event' | 'outcome'>;
  private readonly deliveries: Counter<'event' | 'outcome'>;
  private readonly entryToDelivery: Histogram<string>;
  private reader: (() => Promise<ClusterFigures>) | null = null;
  private reading: Promise<ClusterFigures | null> | null = null;

  constructor() {
    const registers = [this.own];
    this.crawlSeconds = new Histogram({
      name: 'vigie_crawl_duration_seconds',
      help: `Time one crawl of a source's list takes (fetch, read, store), failed crawls included. ${THIS_PROCESS}`,
      labelNames: ['source'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.crawls = new Counter({
      name: 'vigie_crawls_total',
      help: `Crawls by source and outcome (baseline, changed, unchanged, not-modified, relisted, no-list, failed). ${THIS_PROCESS}`,
      labelNames: ['source', 'outcome'],
      registers,
    });
    this.articles = new Counter({
      name: 'vigie_articles_total',
      help: `Articles of new entries saved, by source and outcome: read, or unreadable (alerted without the text). ${THIS_PROCESS}`,
      labelNames: ['source', 'outcome'],
      registers,
    });
    this.deliverySeconds = new Histogram({
      name: 'vigie_delivery_duration_seconds',
      help: `Time one webhook delivery attempt takes, by event type and outcome. ${THIS_PROCESS}`,
      labelNames: ['event', 'outcome'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.deliveries = new Counter({
      name: 'vigie_delivery_attempts_total',
      help: `Webhook delivery attempts by event type and outcome (delivered, retry, gave-up). ${THIS_PROCESS}`,
      labelNames: ['event', 'outcome'],
      registers,
    });
    this.entryToDelivery = new Histogram({
      name: 'vigie_entry_to_delivery_seconds',
      help: `Time from an entry first seen on a list to its article.new alert delivered. ${THIS_PROCESS}`,
      buckets: [1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600],
      registers,
    });
    this.clusterGauges();
    this.registry = Registry.merge([processMetricsOnce(), this.own]);
  }

  /** Where the cluster-wide figures are read from at each scrape (the server sets it). Without it they are absent. */
  readClusterWith(read: () => Promise<ClusterFigures>): void {
    this.reader = read;
  }

  /** Times one crawl and counts it by its outcome; a crawl that throws counts as `failed` and the error goes on. */
  async timeCrawl<T extends { outcome: string }>(sourceId: string, crawl: () => Promise<T>): Promise<T> {
    const end = this.crawlSeconds.startTimer({ source: sourceId });
    try {
      const result = await crawl();
      this.crawls.inc({ source: sourceId, outcome: result.outcome });
      return result;
    } catch (err) {
      this.crawls.inc({ source: sourceId, outcome: 'failed' });
      throw err;
    } finally {
      end();
    }
  }

  /** Counts an article saved: read, or alerted without its text. */
  countArticle(sourceId: string, read: boolean): void {
    this.articles.inc({ source: sourceId, outcome: read ? 'read' : 'unreadable' });
  }

  /**
   * Times one delivery attempt and counts it by outcome: `delivered`, `gave-up`, or `retry` when it throws a
   * DeliveryError (the error goes on). What is no attempt (already done, a paused webhook, a row gone) is not counted.
   */
  async timeDelivery(delivery: DeliveryInfo | null, attempt: () => Promise<DeliverOutcome>): Promise<DeliverOutcome> {
    const started = performance.now();
    const observe = (outcome: 'delivered' | 'retry' | 'gave-up') => {
      if (!delivery) return;
      this.deliverySeconds.observe({ event: delivery.eventType, outcome }, (performance.now() - started) / 1000);
      this.deliveries.inc({ event: delivery.eventType, outcome });
      if (outcome === 'delivered' && delivery.eventType === 'article.new') {
        const seenAt = Date.parse(firstSeenAt(delivery.body) ?? '');
        if (Number.isFinite(seenAt)) this.entryToDelivery.observe(Math.max(0, Date.now() - seenAt) / 1000);
      }
    };
    try {
      const outcome = await attempt();
      if (outcome !== 'already-done') observe(outcome);
      return outcome;
    } catch (err) {
      if (err instanceof DeliveryError) observe('retry');
      throw err;
    }
  }

  /** One read of the cluster-wide figures per scrape: every collect starts in the same tick and shares it. */
  private figures(): Promise<ClusterFigures | null> {
    if (!this.reader) return Promise.resolve(null);
    return (this.reading ??= this.reader().finally(() => (this.reading = null)));
  }

  private clusterGauges(): void {
    const figures = () => this.figures();
    const registers = [this.own];
    /** A gauge rebuilt from the figures at each scrape, so that a source or host gone from the config leaves it. */
    const gauge = <L extends string, T>(name: string, help: string, labelNames: L[], items: (f: ClusterFigures) => T[], sample: (x: T) => { labels: Record<L, string>; value: number | null }) =>
      new Gauge<L>({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          const f = await figures();
          this.reset();
          for (const x of f ? items(f) : []) {
            const { labels, value } = sample(x);
            if (value !== null) this.set(labels as never, value);
          }
        },
      });
    gauge('vigie_queue_jobs', 'Jobs per BullMQ queue and state.', ['queue', 'state'], (f) =>
      Object.entries(f.queues).flatMap(([queue, counts]) => Object.entries(counts).map(([state, n]) => ({ queue, state, n }))),
      (x) => ({ labels: { queue: x.queue, state: x.state }, value: x.n }),
    );
    const sources = (f: ClusterFigures) => f.sources;
    const source = (s: SourceHealth) => ({ source: s.id });
    gauge('vigie_source_degraded', '1 when a source failed its last crawls in a row.', ['source'], sources, (s) => ({ labels: source(s), value: s.degraded ? 1 : 0 }));
    gauge('vigie_source_consecutive_failures', 'Failed crawls in a row.', ['source'], sources, (s) => ({ labels: source(s), value: s.consecutiveFailures }));
    gauge('vigie_source_entries', 'Entries seen on a source.', ['source'], sources, (s) => ({ labels: source(s), value: s.entries }));
    gauge('vigie_source_last_ok_timestamp_seconds', 'Time of the last successful crawl.', ['source'], sources, (s) => ({
      labels: source(s),
      value: s.lastOkAt ? Math.floor(Date.parse(s.lastOkAt) / 1000) : null,
    }));
    gauge('vigie_deliveries', 'Webhook deliveries by state.', ['state'], (f) => Object.entries(f.deliveries), ([state, n]) => ({ labels: { state }, value: n }));
    this.own.registerMetric(redisLagHistogram(async () => (await figures())?.lag ?? []));
    const hosts = (f: ClusterFigures) => f.hosts;
    const host = (h: HostFigures) => ({ host: h.host });
    gauge('vigie_host_waiting_jobs', 'Jobs waiting for their turn on a host.', ['host'], hosts, (h) => ({ labels: host(h), value: h.waiting }));
    gauge('vigie_host_oldest_wait_seconds', 'How long the longest-waiting job of a host has waited.', ['host'], hosts, (h) => ({ labels: host(h), value: (h.oldestWaitMs ?? 0) / 1000 }));
    gauge('vigie_host_demand_requests_per_second', "Crawls per second a host's sources ask for.", ['host'], hosts, (h) => ({ labels: host(h), value: h.demandPerSecond }));
    gauge('vigie_host_allowed_requests_per_second', "Requests per second a host's interval allows (absent: no spacing).", ['host'], hosts, (h) => ({ labels: host(h), value: h.allowedPerSecond }));
    gauge('vigie_host_over_capacity', "1 when a host's sources ask for more than its interval allows.", ['host'], hosts, (h) => ({ labels: host(h), value: h.overCapacity ? 1 : 0 }));
  }
}

/** The `data.entry.firstSeenAt` of an article event's body; null when absent or the body is not JSON. */
function firstSeenAt(body: string): string | null {
  try {
    const at = (JSON.parse(body) as { data?: { entry?: { firstSeenAt?: unknown } } }).data?.entry?.firstSeenAt;
    return typeof at === 'string' ? at : null;
  } catch {
    return null;
  }
}

/**
 * The schedule-lag histogram kept in Redis, shown bucket for bucket as every worker counted it. prom-client cannot
 * set a histogram's buckets, so this is a collector of its own that the registry formats like its histograms.
 */
function redisLagHistogram(read: () => Promise<LagCounts[]>): Metric {
  const name = 'vigie_schedule_lag_seconds';
  const help = 'Time from when a crawl was due to when it got its host slot, counted in Redis by every worker.';
  const collector = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    async get() {
      const values = (await read()).flatMap((l) => [
        ...l.buckets.map((n, i) => ({ metricName: `${name}_bucket`, labels: { source: l.sourceId, le: i < LAG_BUCKETS_S.length ? LAG_BUCKETS_S[i]! : '+Inf' }, value: n })),
        { metricName: `${name}_sum`, labels: { source: l.sourceId }, value: l.sumSeconds },
        { metricName: `${name}_count`, labels: { source: l.sourceId }, value: l.count },
      ]);
      return { name, help, type: 'histogram', aggregator: 'sum', values };
    },
    reset() {},
  };
  // The registry reads only name, get() and reset(); Metric is a union of prom-client's own classes.
  return collector as unknown as Metric;
}
