import type { FatedError } from '../crawlers/index.ts';

/** An article's host had no free slot before the article's deadline: the alert goes out without the text. */
export class HostBusyError extends Error implements FatedError {
  readonly fate = 'give-up' as const;

  constructor(
    readonly url: string,
    waitMs: number,
  ) {
    super(`${new URL(url).host} had no free slot for ${url} before the article deadline (next in ${Math.ceil(waitMs / 1000)} s)`);
    this.name = 'HostBusyError';
  }
}
