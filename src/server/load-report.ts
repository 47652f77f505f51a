import type { Config } from '../config/index.ts';
import { hostLoad, type HostGate, type HostLoad } from '../jobs/index.ts';
import type { CrawlRecord } from '../store/index.ts';

export interface HostReport extends HostLoad {
  /** Jobs standing in the host's line now. */
  waiting: number;
  /** How long the longest-waiting of them has waited, in ms; null when none waits. */
  oldestWaitMs: number | null;
  /** When the host is next free (ISO); null when it is free now. */
  nextFreeAt: string | null;
}

export interface LagSummary {
  /** Crawls the figures are taken from (the most recent ones with a known lag). */
  crawls: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

/** Every host the sources are on, plus any other host a job waits for, with its load and its line now. */
export async function hostReports(config: Config, gate: HostGate | null, now = Date.now()): Promise<HostReport[]> {
  const lines = new Map((gate ? await gate.lines() : []).map((l) => [l.host, l]));
  return hostLoad(config, now, lines.keys()).map((h) => {
    const line = lines.get(h.host);
    return {
      ...h,
      waiting: line?.waiting ?? 0,
      oldestWaitMs: line?.oldestAskedAt != null ? Math.max(0, now - line.oldestAskedAt) : null,
      nextFreeAt: line?.nextFreeAt != null ? new Date(line.nextFreeAt).toISOString() : null,
    };
  });
}

/** p50 / p95 / max of the schedule lag of these crawls (nearest rank). */
export function lagSummary(crawls: readonly CrawlRecord[]): LagSummary {
  const lags = crawls.map((c) => c.lagMs).filter((l): l is number => typeof l === 'number').sort((a, b) => a - b);
  const rank = (q: number) => (lags.length ? lags[Math.min(lags.length - 1, Math.ceil(q * lags.length) - 1)]! : null);
  return { crawls: lags.length, p50Ms: rank(0.5), p95Ms: rank(0.95), maxMs: lags.length ? lags.at(-1)! : null };
}
