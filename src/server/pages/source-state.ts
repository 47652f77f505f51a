import type { SourceHealth } from '../../store/index.ts';

/** A source's state in one word, for people (`label`) and for CSS and the live script (`key`). */
export interface SourceState {
  key: 'ok' | 'failing' | 'degraded' | 'over-capacity' | 'new';
  label: string;
}

/**
 * The worst thing true of a source: degraded (failed often enough to alert), failing (its last crawl failed), over
 * capacity (its host cannot take every crawl its sources ask for), not crawled yet, or ok.
 */
export function sourceState(source: Pick<SourceHealth, 'degraded' | 'consecutiveFailures' | 'lastCrawlAt'>, overCapacity: boolean): SourceState {
  if (source.degraded) return { key: 'degraded', label: 'degraded' };
  if (source.consecutiveFailures > 0) return { key: 'failing', label: 'failing' };
  if (overCapacity) return { key: 'over-capacity', label: 'over capacity' };
  if (source.lastCrawlAt === null) return { key: 'new', label: 'not crawled yet' };
  return { key: 'ok', label: 'ok' };
}
