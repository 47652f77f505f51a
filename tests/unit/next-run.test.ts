import { describe, expect, it } from 'vitest';
import { nextRun } from '../../src/server/pages/next-run.ts';

const NOW = Date.parse('2026-12-01T08:00:00.000Z');

describe('nextRun', () => {
  it("the scheduler's next tick when Redis has one: ahead is a time, past (its job waits) is due", () => {
    expect(nextRun({ schedulerNext: NOW + 60_000, lastCrawlAt: null, periodMs: 900_000, now: NOW })).toEqual({ due: false, at: '2026-12-01T08:01:00.000Z' });
    expect(nextRun({ schedulerNext: NOW - 5_000, lastCrawlAt: '2026-12-01T07:59:00.000Z', periodMs: 900_000, now: NOW })).toEqual({ due: true, at: '2026-12-01T07:59:55.000Z' });
  });

  it('else the last crawl plus the period; never crawled is due', () => {
    expect(nextRun({ schedulerNext: null, lastCrawlAt: '2026-12-01T07:50:00.000Z', periodMs: 900_000, now: NOW })).toEqual({ due: false, at: '2026-12-01T08:05:00.000Z' });
    expect(nextRun({ schedulerNext: null, lastCrawlAt: '2026-12-01T07:40:00.000Z', periodMs: 900_000, now: NOW })).toEqual({ due: true, at: '2026-12-01T07:55:00.000Z' });
    expect(nextRun({ schedulerNext: null, lastCrawlAt: null, periodMs: 900_000, now: NOW })).toEqual({ due: true, at: null });
  });
});
