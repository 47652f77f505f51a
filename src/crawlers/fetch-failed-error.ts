import type { FatedError } from '../config/fate.ts';

/** The request never produced a response (timeout, refused, reset, DNS). Worth another try later. */
export class FetchFailedError extends Error implements FatedError {
  readonly fate = 'retry' as const;

  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(`fetching ${url} failed: ${reason}`);
    this.name = 'FetchFailedError';
  }
}
