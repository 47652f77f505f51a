import type { FatedError } from '../config/fate.ts';

/** The site answered 200 with no body at all: often a passing fault of the server, so worth another try. */
export class EmptyPageError extends Error implements FatedError {
  readonly fate = 'retry' as const;

  constructor(readonly url: string) {
    super(`${url} answered HTTP 200 with an empty body`);
    this.name = 'EmptyPageError';
  }
}
