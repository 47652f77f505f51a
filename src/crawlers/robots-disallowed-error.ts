import type { FatedError } from '../config/fate.ts';

/** robots.txt forbids this URL to our User-Agent. Retrying would be impolite, so the job gives up. */
export class RobotsDisallowedError extends Error implements FatedError {
  readonly fate = 'give-up' as const;

  constructor(readonly url: string) {
    super(`robots.txt of ${new URL(url).host} disallows ${url}`);
    this.name = 'RobotsDisallowedError';
  }
}
