/**
 * What should happen to a job whose work threw this error. Error classes carry their fate so that one
 * table in `src/jobs` can map fates to BullMQ behaviour without knowing every class.
 * - `retry`: a transient fault; try again with the job's backoff.
 * - `retry-later`: the other side asked us to wait (HTTP 429, Retry-After); do not burn an attempt.
 * - `give-up`: retrying cannot help (404, 410, robots.txt, bad input).
 */
export type Fate = 'retry' | 'retry-later' | 'give-up';

export interface FatedError extends Error {
  readonly fate: Fate;
  /** For `retry-later`: how long to wait, when the other side said so. */
  readonly retryAfterMs?: number;
}

export function fateOf(err: unknown): Fate {
  const fate = (err as { fate?: unknown } | null)?.fate;
  return fate === 'retry-later' || fate === 'give-up' ? fate : 'retry';
}
