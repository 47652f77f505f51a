import { MAX_RETRY_AFTER_MS } from '../config/retry-after.ts';
/** The default schedule (config `delivery.firstRetry`, `delivery.maxRetryDelay`): 5 s, doubling to at most 1 h. */
export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = { firstMs: 5_000, capMs: 3_600_000 };

export interface RetrySchedule {
  /** Wait before the first retry. */
  firstMs: number;
  /** Longest wait between two attempts. */
  capMs: number;
}

/**
 * Delay before webhook attempt `attemptsMade + 1`: exponential with full jitter in the upper half (so a receiver
 * that comes back is not hit by every delivery at once), or longer when the receiver's Retry-After asks for it.
 * Retry-After is "not before": it never shortens the backoff, or a receiver answering 429 with `Retry-After: 1`
 * every time would use up the job's attempts in hours instead of the 24 h retry window.
 */
export function deliveryBackoff(attemptsMade: number, retryAfterMs?: number, random: () => number = Math.random, schedule: RetrySchedule = DEFAULT_RETRY_SCHEDULE): number {
  const exp = Math.min(schedule.capMs, schedule.firstMs * 2 ** Math.max(0, attemptsMade - 1));
  const jittered = Math.round(exp / 2 + random() * (exp / 2));
  if (retryAfterMs !== undefined && retryAfterMs > 0) return Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
  return jittered;
}
