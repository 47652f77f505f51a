import type { SourceHealth } from '../store/index.ts';

export interface MetricsInput {
  queues: Record<string, Record<string, number>>;
  sources: SourceHealth[];
  deliveries: Record<string, number>;
}

const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Prometheus text exposition (version 0.0.4) of what an operator alerts on. */
export function metricsText({ queues, sources, deliveries }: MetricsInput): string {
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
  return lines.join('\n') + '\n';
}
