import type { FatedError } from './fate.ts';

/** The URL answered with something that is not a web page (a PDF, an image). Retrying will not change it. */
export class NotHtmlError extends Error implements FatedError {
  readonly fate = 'give-up' as const;

  constructor(
    readonly url: string,
    readonly contentType: string,
  ) {
    super(`${url} is not an HTML page (Content-Type: ${contentType})`);
    this.name = 'NotHtmlError';
  }
}
