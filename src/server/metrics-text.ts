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
  lines.push('# HELP vigie_source_degraded 1 when a source failed its last crawls in a row.', '# TYPE vigie_source_degraded gauge');
  for (const s of sources) lines.push(`vigie_source_degraded{source="${label(s.id)}"} ${s.degraded ? 1 : 0}`);
  lines.push('# HELP vigie_source_consecutive_failures Failed crawls in a row.', '# TYPE vigie_source_consecutive_failures gauge');
  for (const s of sources) lines.push(`vigie_source_consecutive_failures{source="${label(s.id)}"} ${s.consecutiveFailures}`);
  lines.push('# HELP vigie_source_entries Entries seen on a source.', '# TYPE vigie_source_entries gauge');
  for (const s of sources) lines.push(`vigie_source_entries{source="${label(s.id)}"} ${s.entries}`);
  lines.push('# HELP vigie_source_last_ok_timestamp_seconds Time of the last successful crawl.', '# TYPE vigie_source_last_ok_timestamp_seconds gauge');
  for (const s of sources) if (s.lastOkAt) lines.push(`vigie_source_last_ok_timestamp_seconds{source="${label(s.id)}"} ${Math.floor(Date.parse(s.lastOkAt) / 1000)}`);
  lines.push('# HELP vigie_deliveries Webhook deliveries by state.', '# TYPE vigie_deliveries gauge');
  for (const [state, n] of Object.entries(deliveries)) lines.push(`vigie_deliveries{state="${label(state)}"} ${n}`);

  lines.push('# HELP vigie_schedule_lag_seconds Time from when a crawl was due to when it got its host slot.', '# TYPE vigie_schedule_lag_seconds histogram');
  for (const l of lag) {
    const src = `source="${label(l.sourceId)}"`;
    l.buckets.forEach((n, i) => lines.push(`vigie_schedule_lag_seconds_bucket{${src},le="${i < LAG_BUCKETS_S.length ? LAG_BUCKETS_S[i] : '+Inf'}"} ${n}`));
    lines.push(`vigie_schedule_lag_seconds_sum{${src}} ${l.sumSeconds}`, `vigie_schedule_lag_seconds_count{${src}} ${l.count}`);
  }
  const gauge = (name: string, help: string, value: (h: HostReport) => number | null) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const h of hosts) {
      const v = value(h);
      if (v !== null) lines.push(`${name}{host="${label(h.host)}"} ${v}`);
    }
  };
  gauge('vigie_host_waiting_jobs', 'Jobs waiting for their turn on a host.', (h) => h.waiting);
  gauge('vigie_host_oldest_wait_seconds', 'How long the longest-waiting job of a host has waited.', (h) => (h.oldestWaitMs ?? 0) / 1000);
  gauge('vigie_host_demand_requests_per_second', "Crawls per second a host's sources ask for.", (h) => h.demandPerSecond);
  gauge('vigie_host_allowed_requests_per_second', "Requests per second a host's interval allows (absent: no spacing).", (h) => h.allowedPerSecond);
  gauge('vigie_host_over_capacity', "1 when a host's sources ask for more than its interval allows.", (h) => (h.overCapacity ? 1 : 0));
  return lines.join('\n') + '\n';
}
