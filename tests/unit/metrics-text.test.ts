import { describe, expect, it } from 'vitest';
import { metricsText } from '../../src/server/metrics-text.ts';

describe('metricsText', () => {
  it('exposes queue counts, source health and deliveries in Prometheus text format', () => {
    const text = metricsText({
      queues: { 'vigie-crawl': { waiting: 2, failed: 1 } },
      sources: [
        { id: 'a"b', url: 'u', baselineAt: null, lastCrawlAt: null, lastOkAt: '2026-12-01T00:00:10.000Z', consecutiveFailures: 3, degraded: true, lastCrawl: null, entries: 7 },
      ],
      deliveries: { pending: 1, delivered: 5, failed: 0 },
    });
    const lines = text.trim().split('\n');
    expect(lines).toContain('vigie_queue_jobs{queue="vigie-crawl",state="waiting"} 2');
    expect(lines).toContain('vigie_queue_jobs{queue="vigie-crawl",state="failed"} 1');
    expect(lines).toContain('vigie_source_degraded{source="a\\"b"} 1');
    expect(lines).toContain('vigie_source_consecutive_failures{source="a\\"b"} 3');
    expect(lines).toContain('vigie_source_entries{source="a\\"b"} 7');
    expect(lines).toContain(`vigie_source_last_ok_timestamp_seconds{source="a\\"b"} ${Date.parse('2026-12-01T00:00:10Z') / 1000}`);
    expect(lines).toContain('vigie_deliveries{state="delivered"} 5');
    // Every sample line belongs to a declared metric.
    const declared = new Set(lines.filter((l) => l.startsWith('# TYPE')).map((l) => l.split(' ')[2]));
    for (const l of lines.filter((l) => !l.startsWith('#'))) expect(declared.has(l.split('{')[0])).toBe(true);
  });
});
