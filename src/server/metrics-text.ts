import { LAG_BUCKETS_S, type LagCounts } from '../jobs/index.ts';
import type { SourceHealth } from '../store/index.ts';
import type { HostReport } from './load-report.ts';

export interface MetricsInput {
  queues: Record<string, Record<string, number>>;
  sources: SourceHealth[];
  deliveries: Record<string, number>;
  /** Schedule lag per source, as counted in Redis. Default: none. */
  lag?: LagCounts[];
  /** Load and waiting line per host. Default: none. */
  hosts?: HostReport[];
}

const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Prometheus text exposition (version 0.0.4) of what an operator alerts on. */
export function metricsText({ queues, sources, deliveries, lag = [], hosts = [] }: MetricsInput): string {
  const lines: string[] = [
    '# HELP vigie_queue_jobs Jobs per BullMQ queue and state.',
    '# TYPE vigie_queue_jobs gauge',
  ];
  for (const [queue, counts] of Object.entries(queues)) {
    for (const [state, n] of Object.entries(counts)) lines.push(`vigie_queue_jobs{queue="${label(queue)}",state="${label(state)}"} ${n}`);
  }
  /** One gauge with a line per item that has a value (null: no line). */
  const gauge = <T>(name: string, help: string, items: readonly T[], labels: (x: T) => string, value: (x: T) => number | null) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const x of items) {
      const v = value(x);
      if (v !== null) lines.push(`${name}{${labels(x)}} ${v}`);
    }
  };
  const bySource = (s: SourceHealth) => `source="${label(s.id)}"`;
  gauge('vigie_source_degraded', '1 when a source failed its last crawls in a row.', sources, bySource, (s) => (s.degraded ? 1 : 0));
  gauge('vigie_source_consecutive_failures', 'Failed crawls in a row.', sources, bySource, (s) => s.consecutiveFailures);
  gauge('vigie_source_entries', 'Entries seen on a source.', sources, bySource, (s) => s.entries);
  gauge('vigie_source_last_ok_timestamp_seconds', 'Time of the last successful crawl.', sources, bySource, (s) =>
    s.lastOkAt ? Math.floor(Date.parse(s.lastOkAt) / 1000) : null,
  );
  lines.push('# HELP vigie_deliveries Webhook deliveries by state.', '# TYPE vigie_deliveries gauge');
  for (const [state, n] of Object.entries(deliveries)) lines.push(`vigie_deliveries{state="${label(state)}"} ${n}`);

  lines.push('# HELP vigie_schedule_lag_seconds Time from when a crawl was due to when it got its host slot.', '# TYPE vigie_schedule_lag_seconds histogram');
  for (const l of lag) {
    const src = `source="${label(l.sourceId)}"`;
    l.buckets.forEach((n, i) => lines.push(`vigie_schedule_lag_seconds_bucket{${src},le="${i < LAG_BUCKETS_S.length ? LAG_BUCKETS_S[i] : '+Inf'}"} ${n}`));
    lines.push(`vigie_schedule_lag_seconds_sum{${src}} ${l.sumSeconds}`, `vigie_schedule_lag_seconds_count{${src}} ${l.count}`);
  }
  const byHost = (h: HostReport) => `host="${label(h.host)}"`;
  gauge('vigie_host_waiting_jobs', 'Jobs waiting for their turn on a host.', hosts, byHost, (h) => h.waiting);
  gauge('vigie_host_oldest_wait_seconds', 'How long the longest-waiting job of a host has waited.', hosts, byHost, (h) => (h.oldestWaitMs ?? 0) / 1000);
  gauge('vigie_host_demand_requests_per_second', "Crawls per second a host's sources ask for.", hosts, byHost, (h) => h.demandPerSecond);
  gauge('vigie_host_allowed_requests_per_second', "Requests per second a host's interval allows (absent: no spacing).", hosts, byHost, (h) => h.allowedPerSecond);
  gauge('vigie_host_over_capacity', "1 when a host's sources ask for more than its interval allows.", hosts, byHost, (h) => (h.overCapacity ? 1 : 0));
  return lines.join('\n') + '\n';
}
