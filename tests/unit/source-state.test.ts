import { describe, expect, it } from 'vitest';
import { sourceState } from '../../src/server/pages/source-state.ts';

describe('sourceState', () => {
  const s = (over: Partial<{ degraded: boolean; consecutiveFailures: number; lastCrawlAt: string | null }>) => ({ degraded: false, consecutiveFailures: 0, lastCrawlAt: '2026-12-01T08:00:00Z', ...over });
  it('the worst thing true of the source', () => {
    expect(sourceState(s({ degraded: true, consecutiveFailures: 3 }), true).key).toBe('degraded');
    expect(sourceState(s({ consecutiveFailures: 1 }), true).key).toBe('failing');
    expect(sourceState(s({}), true)).toEqual({ key: 'over-capacity', label: 'over capacity' });
    expect(sourceState(s({ lastCrawlAt: null }), false)).toEqual({ key: 'new', label: 'not crawled yet' });
    expect(sourceState(s({}), false)).toEqual({ key: 'ok', label: 'ok' });
  });
});
