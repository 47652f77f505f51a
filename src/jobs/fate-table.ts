import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { fateOf } from '../config/fate.ts';
import { MAX_RETRY_AFTER_MS } from '../config/retry-after.ts';
import type { HostGate } from './host-gate.ts';

/** Fallback wait when a host says "slow down" without a Retry-After. */
const DEFAULT_BACKOFF_MS = 60_000;

/**
 * The one table from an error's fate to BullMQ's behaviour:
 * - `give-up`   -> UnrecoverableError: failed now, no retry.
 * - `retry`     -> rethrown: BullMQ retries with the job's backoff while attempts remain.
 * - `retry-later` -> the host is closed for Retry-After (at most 6 h) on every worker, and the job is moved to
 *                  delayed without spending an attempt, never past `notAfter` (an article's deadline).
 */
export async function applyFate(
  err: unknown,
  job: Job,
  token: string | undefined,
  gate: HostGate | null,
  url: string | null,
  notAfter?: number,
): Promise<never> {
  const fate = fateOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (fate === 'give-up') throw new UnrecoverableError(message);
  if (fate === 'retry-later' && token) {
    const asked = Math.min((err as { retryAfterMs?: number }).retryAfterMs ?? DEFAULT_BACKOFF_MS, MAX_RETRY_AFTER_MS);
    const wait = gate && url ? await gate.backoff(url, asked) : asked;
    const wakeAt = Math.min(Date.now() + wait, notAfter ?? Infinity);
    await job.moveToDelayed(Math.max(wakeAt, Date.now() + 1), token);
    throw new DelayedError(message);
  }
  throw err;
}
