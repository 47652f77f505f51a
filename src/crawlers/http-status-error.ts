import type { Fate, FatedError } from '../config/fate.ts';

/** The site answered with a status that is not a page. The status decides whether a retry can help. */
export class HttpStatusError extends Error implements FatedError {
  readonly fate: Fate;
  readonly retryAfterMs?: number;

  constructor(
    readonly url: string,
    readonly status: number,
    retryAfterMs?: number,
  ) {
    super(`${url} answered HTTP ${status}`);
    this.name = 'HttpStatusError';
    this.fate = status === 429 || status === 503 ? 'retry-later' : status >= 500 || status === 408 ? 'retry' : 'give-up';
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}
