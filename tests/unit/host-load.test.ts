import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { hostLoad, schedulePeriodMs } from '../../src/jobs/index.ts';

const configOf = (object: Record<string, unknown>) => loadConfig({ env: {}, object: { storage: '/nonexistent/unused', ...object } });
const NOW = Date.parse('2026-12-02T10:00:00Z');

describe('hostLoad', () => {
  it('sums what the schedules ask of each host and compares it with the interval', () => {
    const config = configOf({
      crawl: { hostInterval: '1s' },
      hosts: { 'fast.example.org': { interval: '100ms' }, 'own.example.org': { interval: '0s' } },
      sources: [
        { id: 'a', url: 'https://news.example.org/a', every: '2s' },
        { id: 'b', url: 'https://news.example.org/b', every: '4s' },
        { id: 'c', url: 'https://News.Example.org/c', every: '4s' },
        { id: 'f', url: 'https://fast.example.org/', every: '1s' },
        { id: 'o', url: 'https://own.example.org/', every: '1s' },
      ],
    });
    const byHost = Object.fromEntries(hostLoad(config, NOW).map((h) => [h.host, h]));
    expect(byHost['news.example.org']).toMatchObject({ sources: ['a', 'b', 'c'], intervalMs: 1_000, demandPerSecond: 1, allowedPerSecond: 1, overCapacity: false });
    expect(byHost['news.example.org']!.summary).toBe('3 sources every 2s to 4s need 1 req/s; news.example.org allows 1 req/s');
    expect(byHost['fast.example.org']).toMatchObject({ demandPerSecond: 1, allowedPerSecond: 10, overCapacity: false });
    expect(byHost['own.example.org']).toMatchObject({ allowedPerSecond: null, overCapacity: false, summary: '1 source every 1s need 1 req/s; own.example.org has no spacing (interval 0)' });
  });

  it('says how often each source of an overloaded host is really crawled', () => {
    const sources = Array.from({ length: 3 }, (_, i) => ({ id: `s${i}`, url: `http://127.0.0.1:8080/s${i}`, every: '2s' }));
    const [h] = hostLoad(configOf({ sources }), NOW);
    expect(h).toMatchObject({ host: '127.0.0.1:8080', overCapacity: true, crawledEveryMs: 3_000 });
    expect(h!.summary).toBe('3 sources every 2s need 1.5 req/s; 127.0.0.1:8080 allows 1 req/s: each is crawled about every 3 s');
  });

  it('lists hosts that only article jobs visit, with their interval and no demand', () => {
    const config = configOf({ hosts: { 'cdn.example.org': { interval: '500ms' } }, sources: [{ id: 'a', url: 'https://news.example.org/', every: '1m' }] });
    const loads = hostLoad(config, NOW, ['cdn.example.org', 'news.example.org']);
    expect(loads.map((h) => h.host)).toEqual(['cdn.example.org', 'news.example.org']);
    expect(loads[0]).toEqual({
      host: 'cdn.example.org',
      sources: [],
      intervalMs: 500,
      demandPerSecond: 0,
      allowedPerSecond: 2,
      overCapacity: false,
      crawledEveryMs: null,
      summary: 'no source on cdn.example.org; article jobs only',
    });
    expect(loads[1]!.sources).toEqual(['a']);
  });

  it('reads a cron schedule as its mean period over the next day', () => {
    const cron = (pattern: string) => configOf({ sources: [{ id: 'x', url: 'https://e.example.org/', cron: pattern }] }).sources[0]!;
    expect(schedulePeriodMs(cron('*/5 * * * *'), NOW)).toBe(300_000);
    expect(schedulePeriodMs(cron('0 9 * * *'), NOW)).toBe(86_400_000);
    expect(schedulePeriodMs(cron('*/10 * * * * *'), NOW)).toBeCloseTo(10_000, -2);
    // Twelve times an hour, but only from 8 to 17 on weekdays: 120 times on this Wednesday.
    expect(schedulePeriodMs(cron('*/5 8-17 * * 1-5'), NOW)).toBe(86_400_000 / 120);
  });
});
